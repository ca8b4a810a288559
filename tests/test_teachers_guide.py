"""The teacher's guide (docs/teachers/) says only what the notebooks print or the tool measured.

- Every decimal number and percentage on a notebook's page (``NN.md``) is
  printed by a code cell of that notebook, written the same way, or appears
  in the measured table ``section_times.md`` (the output of
  ``tools/section_times.py``), or its paragraph cites the literature. The
  index may use the printed numbers of any notebook. Numbers in code spans
  are not checked; integers are not checked (the same rule as
  ``tests/test_prose_numbers.py``).
- Every page has its parts: outcomes, the two plans, the demo, three
  discussion questions, the misconceptions, and a quiz of five questions
  whose answers are folded in a ``<details>`` block; the misconceptions of
  softmax and of max pooling alone are on the pages of the notebooks that
  refute them.
- Every relative link resolves, and every section a page names in quotes
  exists in its notebook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_prose_numbers import printed_text
from test_prose_numbers import unbacked_in as unbacked

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "teachers"
NOTEBOOKS = {p.stem[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
PAGES = sorted(GUIDE.glob("[0-9][0-9].md"))
PARTS = ("## What students will be able to do", "### A 45-minute plan", "### A 90-minute plan",
         "## Live demo on the projector", "## Discussion questions", "## Misconceptions this notebook addresses",
         "## Self-check quiz")


def _printed(code: str) -> str:
    return printed_text(json.loads(NOTEBOOKS[code].read_text(encoding="utf-8")))


def test_there_is_a_page_for_every_notebook():
    assert [p.stem for p in PAGES] == sorted(NOTEBOOKS)
    assert (GUIDE / "index.md").exists() and (GUIDE / "section_times.md").exists()


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_number_is_printed_by_the_notebook_or_measured(page):
    printed = _printed(page.stem) + "\n" + (GUIDE / "section_times.md").read_text(encoding="utf-8")
    assert unbacked(page.read_text(encoding="utf-8"), printed) == []


def test_every_number_of_the_index_is_printed_or_measured():
    printed = "\n".join(_printed(code) for code in NOTEBOOKS)
    printed += "\n" + (GUIDE / "section_times.md").read_text(encoding="utf-8")
    assert unbacked((GUIDE / "index.md").read_text(encoding="utf-8"), printed) == []


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_page_has_its_parts(page):
    text = page.read_text(encoding="utf-8")
    positions = [text.find(part) for part in PARTS]
    assert -1 not in positions and positions == sorted(positions), [p for p, i in zip(PARTS, positions) if i < 0]
    discussion = text[text.find("## Discussion questions"):text.find("## Misconceptions")]
    assert len(re.findall(r"^\d\. \*\*", discussion, re.M)) == 3
    quiz = text[text.find("## Self-check quiz"):]
    questions, answers = quiz.split("<details>", 1)
    assert len(re.findall(r"^\d\. ", questions, re.M)) == 5
    assert "</details>" in answers and len(re.findall(r"^\d\. ", answers, re.M)) == 5
    assert re.search(r"\*\*Ask:\*\*", text) and re.search(r"\*\*They see:\*\*", text)


def test_softmax_and_max_pooling_misconceptions_point_to_their_refutations():
    for code, claim in (("04", "softmax"), ("02", "max pooling alone"), ("04", "max pooling alone")):
        text = (GUIDE / f"{code}.md").read_text(encoding="utf-8").lower()
        table = text[text.find("## misconceptions"):text.find("## self-check quiz")]
        assert claim in table, (code, claim)


@pytest.mark.parametrize("page", [*PAGES, GUIDE / "index.md"], ids=[*(p.stem for p in PAGES), "index"])
def test_links_resolve(page):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
        if "://" not in target:
            assert (page.parent / target).resolve().exists(), target


def test_sections_named_on_a_page_exist():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from sections import read, sections

    for page in PAGES:
        headings = {s.heading for s in sections(read(NOTEBOOKS[page.stem]))}
        named = re.findall(r'"([^"]+)"', page.read_text(encoding="utf-8"))
        for name in named:
            if name[:1].isdigit() and ". " in name[:4] or name in {"Two words", "Notation"}:
                assert name in headings, (page.name, name)


def test_the_number_check_catches_an_unprinted_figure():
    assert unbacked("The flatten head gets 30.8% right.", "right 25.0% to 30.8%") == []
    assert unbacked("The flatten head gets 31.8% right.", "right 25.0% to 30.8%") == [
        ("31.8%", "The flatten head gets 31.8% right.")]
    assert unbacked("Consistency 89.20% (Zhang, 2019).", "") == []
    assert unbacked("Run `x = 0.5`.", "") == []


def test_the_readme_links_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    teachers = readme[readme.find("## For teachers"):]
    teachers = teachers[:teachers.find("\n## ", 3)]
    assert "docs/teachers/index.md" in teachers and "docs/glossary.md" in teachers
