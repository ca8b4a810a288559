"""Read a notebook source file (percent format) into an nbformat notebook.

Each notebook in ``notebooks/`` is built from ``notebooks/src/<name>.py``::

    # %% [markdown]
    # # A title
    # Some prose.

    # %%
    x = 1

    # %% tags=["solution"]
    def answer():
        # BEGIN SOLUTION
        return 42
        # END SOLUTION

Markdown lines lose their leading ``# ``. Cells tagged ``solution`` are
collapsed (source hidden) in JupyterLab; ``tools/make_student.py`` replaces
the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` with a stub.
The source file is what a maintainer edits; the test suite checks that the
committed ``.ipynb`` matches it cell for cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

HEADER = re.compile(r"^# %%(?P<md> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(text: str) -> list[dict]:
    """Split source text into a list of ``{"type", "tags", "source"}`` dicts."""
    cells: list[dict] = []
    current = None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            current = {
                "type": "markdown" if m.group("md") else "code",
                "tags": json.loads(m.group("tags")) if m.group("tags") else [],
                "lines": [],
            }
            cells.append(current)
            continue
        if current is None:
            if line.strip():
                raise ValueError(f"text before the first '# %%' cell marker: {line!r}")
            continue
        current["lines"].append(line)
    out = []
    for cell in cells:
        lines = cell["lines"]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if cell["type"] == "markdown":
            fixed = []
            for ln in lines:
                if ln.startswith("# "):
                    fixed.append(ln[2:])
                elif ln.strip() == "#":
                    fixed.append("")
                else:
                    raise ValueError(f"markdown line does not start with '# ': {ln!r}")
            lines = fixed
        out.append({"type": cell["type"], "tags": cell["tags"], "source": "\n".join(lines)})
    return out


def build(src: Path) -> nbformat.NotebookNode:
    """Build an (unexecuted) notebook from a source file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    stem = Path(src).stem
    for i, cell in enumerate(parse(Path(src).read_text(encoding="utf-8"))):
        if cell["type"] == "markdown":
            nbcell = nbformat.v4.new_markdown_cell(cell["source"])
        else:
            nbcell = nbformat.v4.new_code_cell(cell["source"])
        nbcell["id"] = f"{stem[:2]}-{i:03d}"
        if cell["tags"]:
            nbcell.metadata["tags"] = cell["tags"]
        if "solution" in cell["tags"]:
            nbcell.metadata["jupyter"] = {"source_hidden": True}
        nb.cells.append(nbcell)
    return nb
