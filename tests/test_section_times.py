"""tools/sections.py (a notebook cut at its headings) and tools/section_times.py (times per section)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import section_times  # noqa: E402
from sections import sections, split_markdown, top_sections  # noqa: E402


def notebook(*cells):
    """Cells given as ("md", text) or ("code", text)."""
    make = {"md": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](text) for kind, text in cells])


def test_split_markdown_cuts_at_headings_but_not_in_code_or_maths():
    text = "prose before\n## One\nunder one\n```\n# not a heading\n```\n$$\n# nor this\n$$\n### Two\nunder two"
    pieces = split_markdown(text)
    assert [h for h, _ in pieces] == [None, (2, "One"), (3, "Two")]
    assert "# not a heading" in pieces[1][1] and "# nor this" in pieces[1][1]
    # a $$ inside a code fence is code, not the start of a formula: the heading after the fence still counts
    assert [h for h, _ in split_markdown("intro\n```\n$$\n```\n## Next\nx")] == [None, (2, "Next")]


def test_sections_carry_prose_and_code_to_the_section_open_before_them():
    nb = notebook(("md", "# Title\nintro"), ("code", "x = 1"), ("md", "## A\na"), ("code", "y = 2"),
                  ("md", "more of A\n### A.1\nsub"), ("code", "z = 3"), ("md", "## B\nb"))
    found = sections(nb)
    assert [(s.level, s.heading) for s in found] == [(1, "Title"), (2, "A"), (3, "A.1"), (2, "B")]
    assert found[1].code == [3] and "more of A" in found[1].text and found[2].code == [5]
    top = top_sections(nb)
    assert [s.heading for s in top] == ["Title", "A", "B"]
    assert top[1].code == [3, 5] and "sub" in top[1].text


def test_words_and_lines_are_counted_and_reading_time_follows_the_stated_speeds(tmp_path):
    nb = notebook(("md", "## A\nOne two three, **four** `five` <b>six</b> $\\alpha$."),
                  ("code", "a = 1\n\n# read\nb = 2"))
    (section,) = top_sections(nb)
    assert section_times.prose_words(section) == 6  # one..five, six; the tag and \alpha are not words
    assert section_times.code_lines(nb, section) == 3
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(nb, path)
    (row,) = section_times.table(path, run=False)
    assert row["read_min"] == pytest.approx(6 / 150 + 3 / 15)  # the speeds the table's header states


def test_cell_seconds_reads_nbclient_timing_and_is_zero_for_a_cell_that_did_not_run():
    cell = nbformat.v4.new_code_cell("x")
    assert section_times.cell_seconds(cell) == 0.0
    cell.metadata["execution"] = {"iopub.status.busy": "2026-12-01T03:00:00.000000Z",
                                  "shell.execute_reply": "2026-12-01T03:00:01.250000Z"}
    assert section_times.cell_seconds(cell) == pytest.approx(1.25)


def test_the_table_without_execution_lists_every_section_of_a_notebook(capsys):
    assert section_times.main(["--no-execute", "00"]) == 0
    out = capsys.readouterr().out
    assert "| 00 | Two words |" in out and "| 00 | **total** |" in out
    assert "prose words / 150 + code lines / 15" in out
