"""The committed notebooks match their sources and are executed top to bottom, cleanly."""

from __future__ import annotations

import sys

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from nbsource import build, parse  # noqa: E402

SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_has_a_source_and_back():
    assert [p.stem for p in SOURCES] == [p.stem for p in NOTEBOOK_FILES]
    assert NOTEBOOK_FILES[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_notebook_matches_its_source(src):
    committed = nbformat.read(NOTEBOOKS / f"{src.stem}.ipynb", as_version=4)
    built = build(src)
    assert len(committed.cells) == len(built.cells), (
        f"{src.stem}: rebuild it with `python tools/build_notebooks.py --execute {src.stem[:2]}`")
    for i, (a, b) in enumerate(zip(committed.cells, built.cells)):
        assert (a.cell_type, a.source) == (b.cell_type, b.source), f"{src.stem}: cell {i} differs from its source"
        assert a.metadata.get("tags", []) == b.metadata.get("tags", []), f"{src.stem}: cell {i} tags differ"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_is_executed_in_order_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: re-execute it top to bottom"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{path.name}: cell {i} has an error output"
            assert out.get("name") != "stderr", f"{path.name}: cell {i} writes to stderr"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_headings_in_order_and_one_title(path):
    nb = nbformat.read(path, as_version=4)
    levels = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            in_code = False
            for line in cell.source.splitlines():
                if line.startswith("```"):
                    in_code = not in_code
                if not in_code and line.startswith("#"):
                    levels.append(len(line) - len(line.lstrip("#")))
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"{path.name}: exactly one '#' title, first"
    for a, b in zip(levels, levels[1:]):
        assert b <= a + 1, f"{path.name}: heading level jumps from {a} to {b}"


def test_parser_rejects_bad_markdown():
    with pytest.raises(ValueError, match="markdown line"):
        parse("# %% [markdown]\nno hash here\n")
    with pytest.raises(ValueError, match="before the first"):
        parse("x = 1\n# %%\ny = 2\n")
