"""Every decimal number and percentage in a notebook's prose is printed by one of its cells, or cited.

A number in a markdown cell is *backed* when the same number, written the
same way, appears in the text output of a code cell of the same notebook
(printed text, a ``text/plain`` result, or the text of an HTML output), or
when its paragraph cites the literature (an author and a year, such as
"Zhang 2019" or "(Azulay & Weiss, 2019)"). Numbers in code spans and in
formulas are not prose and are not checked. Integers are not checked: counts
such as "2 epochs" or "9 parameters" are read off the code.

So a sentence cannot keep a figure that a re-run no longer prints: when an
experiment changes, the notebook fails here, naming the number and the
sentence, until the prose follows.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: A decimal (``0.25``, ``3.5``) or a percentage (``16.2%``, ``50 %``), not part of a longer token.
NUMBER = re.compile(r"(?<![\w.,/-])(\d+\.\d+(?:\s?%)?|\d+\s?%)(?![\w%]|\.\d)")
_NAME = r"[A-Z][A-Za-z'\-]+"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)[a-z]?\b"
#: A citation: "Name et al. 2019", "Name & Other 2019" (the year in brackets or not), "Name (2019)",
#: "(Name, 2019)". A capitalised word before a bare year ("In 2019") is not one.
CITATION = re.compile(
    rf"{_NAME}(?:\s+et\s+al\.|\s+(?:&|and)\s+{_NAME}),?\s+\(?{_YEAR}"
    rf"|{_NAME}\s+\({_YEAR}"
    rf"|\({_NAME}(?:\s+et\s+al\.|\s+(?:&|and)\s+{_NAME})?,\s+{_YEAR}"
    rf"|\*[^*\n]+\*,?\s+\({_YEAR}")  # a book: *Title* (2016)
CODE_OR_MATH = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$", re.S)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def printed_text(nb: dict) -> str:
    """All text the code cells of ``nb`` output, HTML tags removed, ``50 %`` written ``50%``."""
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []) or []:
            parts.append(_text(out.get("text")))
            data = out.get("data") or {}
            parts.append(_text(data.get("text/plain")))
            page = _text(data.get("text/html"))
            page = re.sub(r'src="data:[^"]*"', "", page)
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r"(\d)\s+%", r"\1%", "\n".join(parts))


def _sentence(paragraph: str, start: int, end: int) -> str:
    left = max(paragraph.rfind(". ", 0, start), paragraph.rfind("\n", 0, start))
    right = min([i for i in (paragraph.find(". ", end), paragraph.find("\n", end)) if i >= 0] or [len(paragraph)])
    return " ".join(paragraph[left + 1:right + 1].split())


def unbacked_in(markdown: str, printed: str, cited_tables: bool = False) -> list[tuple[str, str]]:
    """``(number, sentence)`` for every decimal or percentage of ``markdown`` that ``printed`` does not hold.

    A paragraph with a citation is skipped. With ``cited_tables`` (a notebook's markdown cell), so is a
    table when the same text cites a source elsewhere: a table of published figures.
    """
    prose = CODE_OR_MATH.sub(" ", markdown)
    cited = cited_tables and bool(CITATION.search(prose))
    found = []
    for paragraph in re.split(r"\n\s*\n", prose):
        table = paragraph.lstrip().startswith("|")
        if CITATION.search(paragraph) or (table and cited):
            continue
        for m in NUMBER.finditer(paragraph):
            number = re.sub(r"\s+%", "%", m.group(1))
            if not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)", printed):
                found.append((number, _sentence(paragraph, m.start(), m.end())))
    return found


def unbacked_numbers(nb: dict) -> list[tuple[str, str]]:
    """``(number, sentence)`` for every prose number that no output prints and no citation backs."""
    printed = printed_text(nb)
    return [hit for cell in nb["cells"] if cell["cell_type"] == "markdown"
            for hit in unbacked_in(_text(cell["source"]), printed, cited_tables=True)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_prose_number_is_printed_or_cited(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    loose = unbacked_numbers(nb)
    assert not loose, (f"{path.name}: numbers in the prose that no cell of this notebook prints and no "
                       "citation backs (print them from a cell, or cite the paper in the same paragraph):\n" +
                       "\n".join(f"  {n!r} in: {s}" for n, s in loose))


def _nb(markdown: str, printed: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "source": markdown},
                      {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}]}]}


def test_a_planted_unbacked_number_is_found_with_its_sentence():
    md = "The cat moves. Max pooling flips 4.5 times as often as blur pooling. The end."
    assert unbacked_numbers(_nb(md, "ratio 4.4\n")) == [
        ("4.5", "Max pooling flips 4.5 times as often as blur pooling.")]
    assert unbacked_numbers(_nb(md, "ratio 4.5\n")) == []


@pytest.mark.parametrize("md, printed, expected", [
    ("Accuracy 87.0% against 92.5%.", "consistency 87.0 %, 92.5 %", []),        # "87.0 %" printed is "87.0%"
    ("Accuracy 87.0% against 92.5%.", "consistency 87.0%", ["92.5%"]),
    ("It reaches 0.5 here.", "p = 0.55", ["0.5"]),                                # 0.5 is not 0.55
    ("It reaches 0.5 here.", "p = 10.5", ["0.5"]),                                # nor 10.5
    ("About 30% of shifts (Azulay & Weiss, 2019).", "", []),                       # cited
    ("About 30% of shifts, see Zhang (2019).", "", []),                           # cited
    ("About 30% (Zhang et al.\n2019).", "", []),                                  # cited across a line break
    ("| net | acc |\n| A | 76.16 |", "", ["76.16"]),                                # an uncited table
    ("Zhang (2019) measured:\n\n| net | acc |\n| A | 76.16 |", "", []),           # a table cited in its cell
    ("In 2019 we saw 30% of shifts.", "", ["30%"]),                                # a year alone is no citation
    ("- Goodfellow et al., *Deep Learning* (2016), section 9.2.", "", []),          # a book, cited
    ("Use `lr=0.005` and $p=0.5$ here.", "", []),                                  # code and math are not prose
    ("The map is 28x28 and has 9 weights.", "", []),                               # integers are not checked
    ("<b>15.8%</b> in the live view.", "", ["15.8%"]),
])
def test_number_rules(md, printed, expected):
    assert [n for n, _ in unbacked_numbers(_nb(md, printed))] == expected


def test_html_outputs_count_as_printed_but_not_their_image_data():
    nb = _nb("The readout says 0.946.", "")
    nb["cells"][1]["outputs"] = [{"output_type": "display_data", "data": {
        "text/html": '<img src="data:image/png;base64,0.946"><p>p = <b>0.946</b></p>'}}]
    assert unbacked_numbers(nb) == []
    nb["cells"][1]["outputs"][0]["data"]["text/html"] = '<img src="data:image/png;base64,0.946">'
    assert unbacked_numbers(nb) == [("0.946", "The readout says 0.946.")]
