"""A notebook cut into sections by its Markdown headings (for the teacher's guide and the glossary test).

A *section* starts at a heading line (``#`` to ``######`` at the start of a
line of a Markdown cell) and runs to the next heading line of any level. A
Markdown cell may hold several headings, or prose before its first heading:
that prose belongs to the section open before the cell. Code cells belong to
the section open when they start. Text inside fenced code blocks (```` ``` ````)
and inside ``$$ ... $$`` is never taken for a heading.

:func:`sections` gives every section (level, heading text, Markdown, code
cells); :func:`top_sections` merges each ``##`` section with its ``###``
subsections, and the title's opening (``#``) with nothing after it, so that
a notebook is cut into the parts a lesson plan talks about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBDIR = ROOT / "notebooks"
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass
class Section:
    """One section of a notebook: its heading and what lies under it, up to the next heading."""

    level: int
    heading: str
    markdown: list[str] = field(default_factory=list)  # pieces of Markdown, in order
    code: list[int] = field(default_factory=list)  # indices of the code cells in the notebook

    @property
    def text(self) -> str:
        return "\n".join(self.markdown)


def notebook_paths() -> list[Path]:
    """The committed notebooks, in course order (``00_...`` first)."""
    return sorted(NBDIR.glob("[0-9][0-9]_*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def split_markdown(source: str) -> list[tuple[tuple[int, str] | None, str]]:
    """Cut one Markdown cell at its headings: ``[(heading or None, text under it), ...]``.

    The first piece has ``None`` when the cell does not start with a heading
    (its text continues the section before).
    """
    pieces: list[tuple[tuple[int, str] | None, list[str]]] = [(None, [])]
    fenced = math = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        elif not fenced and stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")):
            math = not math
        match = None if fenced or math else HEADING.match(line)
        if match:
            pieces.append(((len(match.group(1)), match.group(2)), []))
        else:
            pieces[-1][1].append(line)
    out = [(h, "\n".join(lines)) for h, lines in pieces]
    if out[0][0] is None and not out[0][1].strip() and len(out) > 1:
        out = out[1:]
    return out


def sections(nb: nbformat.NotebookNode) -> list[Section]:
    """Every section of ``nb`` in order; text before the first heading goes to a section with level 0."""
    found = [Section(0, "")]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for heading, text in split_markdown(cell.source):
                if heading is not None:
                    found.append(Section(*heading))
                found[-1].markdown.append(text)
        elif cell.cell_type == "code":
            found[-1].code.append(index)
    return [s for s in found if s.level or s.markdown or s.code]


def top_sections(nb: nbformat.NotebookNode) -> list[Section]:
    """Sections at the ``##`` level: each ``###`` (or deeper) section joins the ``##`` section above it,
    and the opening under the ``#`` title is a section of its own."""
    merged: list[Section] = []
    for s in sections(nb):
        if merged and s.level > 2:
            merged[-1].markdown.extend(s.markdown)
            merged[-1].code.extend(s.code)
        else:
            merged.append(Section(s.level, s.heading if s.level else "(before the title)", list(s.markdown),
                                  list(s.code)))
    return merged
