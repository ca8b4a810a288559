"""docs/glossary.md and the notebooks cannot drift apart.

The marking rule. In a notebook's Markdown, a term is *marked* in a section
when the section (its text up to the next heading of any level; see
``tools/sections.py``) holds it as a whole **bold** or *italic* span, or
when the section's heading is the term itself. Matching ignores case,
backticks, ``$`` and surrounding punctuation, and accepts a plural ``s`` or
``es``. A term's *forms* are the term and the forms listed in its "marked
as" column (for a definition written as "**equivariant to the shifts in
`G`**").

The glossary (``docs/glossary.md``) has two tables:

- *Terms*: ``| term | definition | notebook | section | marked as |``. The
  checks: the notebook exists; it has a section with exactly that heading;
  one of the term's forms is marked there; and no earlier section (earlier
  notebooks first, then earlier sections of the same notebook) marks any of
  its forms, so the row names the first place the term is marked as defined.
- *Bold that is not a definition*: ``| bold text | notebook | why |``:
  emphasis, control names, labels. Each row must still be bold in that
  notebook.

And the reverse direction: every bold span in every notebook is a form of a
glossary term or a row of the second table. Italics are not checked in this
direction (the notebooks also use them for emphasis and for captions).

A new section with new terms needs new glossary rows, not new code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sections import notebook_paths, read, sections  # noqa: E402

GLOSSARY = ROOT / "docs" / "glossary.md"

CODE_SPAN = re.compile(r"`[^`\n]*`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)


def normalise(text: str) -> str:
    """Lower case, no backticks or ``$``, single spaces, no punctuation around it."""
    text = text.replace("`", "").replace("$", "")
    return " ".join(text.split()).strip(" .,:;!?\"'").lower()


def _masked(markdown: str) -> tuple[str, list[str]]:
    """Replace code spans and maths by placeholders (their asterisks are not emphasis)."""
    kept: list[str] = []

    def hide(match):
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    return MATH.sub(hide, CODE_SPAN.sub(hide, markdown)), kept


def _restore(text: str, kept: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def bold_spans(markdown: str) -> list[str]:
    masked, kept = _masked(markdown)
    return [normalise(_restore(m.group(1), kept)) for m in BOLD.finditer(masked)]


def italic_spans(markdown: str) -> list[str]:
    masked, kept = _masked(markdown)
    masked = BOLD.sub(" ", masked)
    return [normalise(_restore(m.group(1), kept)) for m in ITALIC.finditer(masked)]


def variants(form: str) -> set[str]:
    base = normalise(form)
    return {base, base + "s", base + "es"}


# --- the glossary ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    notebook: str
    section: str
    marked_as: tuple[str, ...] = ()

    @property
    def forms(self) -> set[str]:
        return set().union(*(variants(f) for f in (self.term, *self.marked_as)))


@dataclass(frozen=True)
class Emphasis:
    text: str
    notebook: str
    why: str


def _cells(line: str) -> list[str]:
    # split a Markdown table row on unescaped pipes; "\|" stands for a pipe inside a cell
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def _unquote(cell: str) -> str:
    cell = cell.strip()
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell


def parse_glossary(text: str) -> tuple[list[Term], list[Emphasis]]:
    """The two tables of the glossary. Rows of a table are the lines starting with ``|`` under its
    ``##`` heading, after the header and the ``---`` line."""
    terms: list[Term] = []
    emphasis: list[Emphasis] = []
    table = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip().lower()
            table = "terms" if heading.startswith("terms") else "emphasis" if heading.startswith("bold") else None
            continue
        if table is None or not line.startswith("|"):
            continue
        cells = _cells(line)
        if set("".join(cells)) <= set("-: ") or cells[0].lower() in ("term", "bold text"):
            continue
        if table == "terms":
            if len(cells) != 5:
                raise ValueError(f"glossary row needs 5 cells (term | definition | notebook | section | marked "
                                 f"as), got {len(cells)}: {line}")
            term, definition, notebook, section, marked = cells
            forms = tuple(_unquote(f) for f in marked.split(";") if f.strip())
            terms.append(Term(_unquote(term), definition, notebook.strip("` "), _unquote(section), forms))
        else:
            if len(cells) != 3:
                raise ValueError(f"row needs 3 cells (bold text | notebook | why), got {len(cells)}: {line}")
            emphasis.append(Emphasis(_unquote(cells[0]), cells[1].strip("` "), cells[2]))
    return terms, emphasis


# --- the notebooks -----------------------------------------------------------------------------------------

@dataclass
class Part:
    """One section of one notebook, as the checks see it."""

    notebook: str  # "00", "01", ...
    heading: str
    bold: list[str]
    italic: list[str]

    def marks(self, term: Term) -> bool:
        marked = set(self.bold) | set(self.italic) | {normalise(self.heading)}
        return bool(term.forms & marked)


def parts_from_markdown(notebook: str, cells: list[str]) -> list[Part]:
    """Parts of a notebook given as Markdown cell sources (for the fixtures)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    return _parts(notebook, nb)


def _parts(notebook: str, nb) -> list[Part]:
    return [Part(notebook, s.heading, bold_spans(s.text), italic_spans(s.text)) for s in sections(nb)]


def course_parts() -> list[Part]:
    """Every section of every committed notebook, in course order."""
    return [p for path in notebook_paths() for p in _parts(path.stem[:2], read(path))]


def term_problems(terms: list[Term], parts: list[Part]) -> list[str]:
    """What is wrong with the Terms table, one sentence per fault (empty when nothing is)."""
    problems = []
    notebooks = {p.notebook for p in parts}
    seen: dict[str, Term] = {}
    for t in terms:
        key = normalise(t.term)
        if key in seen:
            problems.append(f"{t.term!r}: listed twice")
        seen[key] = t
        if t.notebook not in notebooks:
            problems.append(f"{t.term!r}: no notebook {t.notebook!r} (notebooks: {sorted(notebooks)})")
            continue
        here = [i for i, p in enumerate(parts) if p.notebook == t.notebook and p.heading == t.section]
        if not here:
            problems.append(f"{t.term!r}: notebook {t.notebook} has no section headed {t.section!r}")
            continue
        if not any(parts[i].marks(t) for i in here):
            problems.append(f"{t.term!r}: not marked (bold, italics or heading) in {t.notebook}, "
                            f"section {t.section!r}; forms looked for: {sorted(t.forms)}")
            continue
        first = next(i for i, p in enumerate(parts) if p.marks(t))
        if first < here[0]:
            problems.append(f"{t.term!r}: marked earlier than {t.notebook}, {t.section!r}: first in "
                            f"{parts[first].notebook}, section {parts[first].heading!r}")
    return problems


def bold_problems(terms: list[Term], emphasis: list[Emphasis], parts: list[Part]) -> list[str]:
    """Bold spans that are in neither table, and rows of the second table that are no longer bold."""
    forms = set().union(*(t.forms for t in terms)) if terms else set()
    problems = []
    for p in parts:
        for b in p.bold:
            if b not in forms and not any(b == normalise(e.text) for e in emphasis):
                problems.append(f"bold {b!r} in {p.notebook}, section {p.heading!r}: not a glossary term "
                                f"(add a row to Terms) nor listed under 'Bold that is not a definition'")
    for e in emphasis:
        if not any(normalise(e.text) in p.bold for p in parts if p.notebook == e.notebook):
            problems.append(f"'Bold that is not a definition' row {e.text!r}: not bold in notebook {e.notebook}")
    return problems


# --- the checks on the real glossary -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def glossary():
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parts():
    return course_parts()


def test_the_glossary_has_terms_from_every_notebook(glossary, parts):
    terms, _ = glossary
    assert len(terms) >= 50
    assert {t.notebook for t in terms} == {p.notebook for p in parts}


def test_every_term_is_marked_where_the_glossary_says_and_not_before(glossary, parts):
    terms, _ = glossary
    assert term_problems(terms, parts) == []


def test_every_bold_span_in_the_notebooks_is_in_the_glossary(glossary, parts):
    terms, emphasis = glossary
    assert bold_problems(terms, emphasis, parts) == []


def test_every_definition_is_one_line_of_plain_words(glossary):
    terms, _ = glossary
    for t in terms:
        assert t.definition and t.definition[0].isupper() and t.definition.endswith("."), t
        assert len(t.definition) <= 300, t


# --- the checker catches the usual wrong entries ------------------------------------------------------------

FIXTURE_NOTEBOOKS = {
    "00": ["# 00 · Start\n\nIntro with **You will learn**.",
           "## Notation\n\nA **feature map** is a grid. The image is *padded* first.\n\n## Two words\n\n"
           "`f` is **equivariant to the shifts in `G`** when ... (`x**2` is code, not bold)"],
    "01": ["# 01 · Shifts\n\nWe use the feature map again.",
           "## 1. The shift\n\nA **shift** moves pixels.\n\n### Radius and padding\n\nThe **radius** `r`.",
           "## Stride\n\nMore about it."],
}
FIXTURE_TERMS = [
    Term("feature map", "The grid of a filter's responses.", "00", "Notation"),
    Term("padding", "Adding a border.", "00", "Notation", ("padded",)),
    Term("equivariant", "Shifting the input shifts the output.", "00", "Two words",
         ("equivariant to the shifts in G",)),
    Term("shift", "Moving every pixel.", "01", "1. The shift"),
    Term("radius", "How far a filter reaches.", "01", "Radius and padding"),
    Term("stride", "The step between windows.", "01", "Stride"),  # marked by its section's heading
]
FIXTURE_EMPHASIS = [Emphasis("You will learn", "00", "label")]


def fixture_parts():
    return [p for nb, cells in FIXTURE_NOTEBOOKS.items() for p in parts_from_markdown(nb, cells)]


def test_the_fixture_glossary_passes():
    parts = fixture_parts()
    assert term_problems(FIXTURE_TERMS, parts) == []
    assert bold_problems(FIXTURE_TERMS, FIXTURE_EMPHASIS, parts) == []


@pytest.mark.parametrize("wrong, expected", [
    (Term("shift", "Moving every pixel.", "00", "Notation"), "not marked"),                  # the wrong notebook
    (Term("shift", "Moving every pixel.", "01", "Radius and padding"), "not marked"),        # the wrong section
    (Term("shift", "Moving every pixel.", "01", "1. Shift"), "has no section headed"),       # a heading misspelt
    (Term("shift", "Moving every pixel.", "07", "1. The shift"), "no notebook"),             # no such notebook
    (Term("image", "A grid of pixels.", "00", "Notation"), "not marked"),                    # never defined
    (Term("feature map", "The grid.", "01", "1. The shift"), "not marked"),                  # only used there
    (Term("radius", "How far.", "01", "Stride"), "not marked"),                              # after its definition
])
def test_the_checker_fails_on_a_wrong_entry(wrong, expected):
    terms = [t for t in FIXTURE_TERMS if normalise(t.term) != normalise(wrong.term)] + [wrong]
    problems = term_problems(terms, fixture_parts())
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_checker_fails_when_a_later_section_is_named_for_a_term_marked_earlier():
    parts = fixture_parts() + parts_from_markdown("02", ["# 02 · More", "## Again\n\nThe **radius** again."])
    terms = [t for t in FIXTURE_TERMS if t.term != "radius"] + [Term("radius", "How far.", "02", "Again")]
    (problem,) = term_problems(terms, parts)
    assert "marked earlier" in problem and "Radius and padding" in problem


def test_the_checker_fails_on_a_bold_term_missing_from_the_glossary():
    terms = [t for t in FIXTURE_TERMS if t.term != "radius"]
    (problem,) = bold_problems(terms, FIXTURE_EMPHASIS, fixture_parts())
    assert "bold 'radius'" in problem and "Radius and padding" in problem


def test_the_checker_fails_on_a_stale_emphasis_row():
    emphasis = [*FIXTURE_EMPHASIS, Emphasis("You need", "00", "label")]
    (problem,) = bold_problems(FIXTURE_TERMS, emphasis, fixture_parts())
    assert "'You need'" in problem and "not bold" in problem


def test_bold_inside_code_is_not_bold_and_italics_inside_bold_do_not_count():
    assert bold_spans("`x**2` and `y**3`, then **gain**") == ["gain"]
    assert italic_spans("**bold** and *italic* and 2 * 3 * 4") == ["italic"]
    assert italic_spans("a caption: *The cat at `(9, 9)`.*") == ["the cat at (9, 9)"]


def test_parse_glossary_reads_both_tables_and_rejects_a_short_row():
    text = ("# Glossary\n\n## Terms\n\n| term | definition | notebook | section | marked as |\n"
            "| --- | --- | --- | --- | --- |\n"
            '| equivariant | Shifting the input shifts the output. | 00 | "Two words" | '
            '"equivariant to the shifts in `G`" |\n'
            "| mean \\|dp\\| | The mean change. | 05 | 3. Aliasing | |\n\n"
            "## Bold that is not a definition\n\n| bold text | notebook | why |\n| --- | --- | --- |\n"
            "| You need | 00 | label |\n")
    terms, emphasis = parse_glossary(text)
    assert terms[0] == Term("equivariant", "Shifting the input shifts the output.", "00", "Two words",
                            ("equivariant to the shifts in `G`",))
    assert terms[1].term == "mean |dp|" and terms[1].marked_as == ()
    assert emphasis == [Emphasis("You need", "00", "label")]
    with pytest.raises(ValueError, match="5 cells"):
        parse_glossary("## Terms\n\n| term | definition | notebook | section | marked as |\n| a | b | 00 |\n")

