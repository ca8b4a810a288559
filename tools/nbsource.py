"""Notebook sources and committed notebooks: read, build, normalise.

Each notebook ``notebooks/NN_name.ipynb`` is built from
``notebooks/src/NN_name.py``, a file in jupytext's percent format, read and
written with jupytext (the pairing is declared in ``pyproject.toml``)::

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

Jupytext accepts more than this project uses (cell titles, other metadata,
``[md]``), so :func:`read_source` first checks every cell marker against the
project's grammar and rejects anything else with the line number: a mistyped
marker is an error, never a cell silently merged into its neighbour or a
title nobody meant. A source must also be in jupytext's canonical form
(``jupytext --to py:percent`` of the notebook gives it back byte for byte).

:func:`normalise` removes everything that changes between two executions of
an unchanged source (execution timestamps, kernel version, widget model ids
and saved widget state), so that a rebuild diffs only where content changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat
from jupytext.config import load_jupytext_config
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ROOT = Path(__file__).resolve().parents[1]
FORMAT = "py:percent"

#: The only cell markers a source may use.
MARKER = re.compile(r'^# %%(?P<md> \[markdown\])?(?: tags=(?P<tags>\[[^\]]*\]))?$')
#: Anything that looks like a cell marker (jupytext would read all of these).
LOOKS_LIKE_MARKER = re.compile(r"^\s*#\s*%%")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class SourceError(ValueError):
    """A notebook source that does not follow the project's format; the message names file and line."""


def _config():
    return load_jupytext_config(str(ROOT / "notebooks" / "src"))


def check_markers(text: str, name: str = "<source>") -> None:
    """Raise :class:`SourceError` for a malformed cell marker or markdown line, naming the line.

    Accepted markers: ``# %%``, ``# %% [markdown]``, each optionally followed
    by `` tags=[...]`` (a JSON list of strings). Every non-blank line of a
    markdown cell starts with ``#``. Text before the first marker is an error.
    """
    in_markdown = None
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{name}, line {number}"
        if LOOKS_LIKE_MARKER.match(line):
            m = MARKER.match(line)
            if not m:
                raise SourceError(f"{where}: malformed cell marker {line!r}; use '# %%' or '# %% [markdown]', "
                                  "optionally followed by ' tags=[\"...\"]'")
            if m.group("tags"):
                try:
                    tags = json.loads(m.group("tags"))
                except json.JSONDecodeError as exc:
                    raise SourceError(f"{where}: tags are not a JSON list of strings: {m.group('tags')!r}") from exc
                if not all(isinstance(t, str) for t in tags):
                    raise SourceError(f"{where}: tags must be strings, got {tags!r}")
            in_markdown = bool(m.group("md"))
            continue
        if in_markdown is None:
            if line.strip():
                raise SourceError(f"{where}: text before the first '# %%' cell marker: {line!r}")
            continue
        if in_markdown and line.strip() and not line.startswith("#"):
            raise SourceError(f"{where}: markdown line does not start with '# ': {line!r} "
                              "(a missing '# %%' before code?)")


def read_source(path: Path) -> nbformat.NotebookNode:
    """Read a source file into an (unexecuted) notebook, after checking its markers.

    Raises :class:`SourceError` naming the line of a malformed marker.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    check_markers(text, path.name)
    return jupytext.reads(text, fmt=FORMAT)


def to_source(nb: nbformat.NotebookNode) -> str:
    """The percent-format text jupytext writes for ``nb`` with the project's filters."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        cell.metadata.pop("lines_to_next_cell", None)
    return jupytext.writes(nb, fmt=FORMAT, config=_config())


def build(src: Path) -> nbformat.NotebookNode:
    """Build the unexecuted notebook of a source: stable cell ids, kernelspec, solutions collapsed."""
    src = Path(src)
    nb = read_source(src)
    out = nbformat.v4.new_notebook()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.source)
        else:
            new = nbformat.v4.new_code_cell(cell.source)
        new["id"] = f"{src.stem[:2]}-{i:03d}"
        tags = cell.metadata.get("tags", [])
        if tags:
            new.metadata["tags"] = list(tags)
        if "solution" in tags:
            new.metadata["jupyter"] = {"source_hidden": True}
        out.cells.append(new)
    return normalise(out)


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what differs between two runs of an unchanged notebook; returns ``nb``, changed in place.

    - notebook metadata: only the kernelspec and a version-free ``language_info``
      (no saved widget state, no jupytext or editor metadata);
    - cell metadata: only ``tags`` and ``jupyter.source_hidden`` (no execution
      timestamps, no collapsed/scrolled flags);
    - consecutive printed outputs of one stream are one output (nbconvert's
      ``CoalesceStreamsPreprocessor``): how the kernel cut them into messages
      depends on timing, not on the notebook;
    - outputs: the widget-view part of a live view's output is dropped. Its
      model id is random and means nothing without the kernel that made it;
      what stays is the static fallback next to it: the picture and text that
      every live view also puts in its output (``helpers.explorers.base``),
      or a progress bar's sentence, which JupyterLab, nbconvert, GitHub and
      nbviewer show until the cell runs again.
    """
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    for cell in nb.cells:
        keep = {}
        if cell.metadata.get("tags"):
            keep["tags"] = list(cell.metadata["tags"])
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            keep["jupyter"] = {"source_hidden": True}
        cell.metadata = nbformat.from_dict(keep)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    raise ValueError(f"cell {cell.get('id')}: a widget output has no static fallback "
                                     "(text, image or HTML) to keep")
                if isinstance(out.get("metadata"), dict):
                    out["metadata"].pop(WIDGET_VIEW, None)
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    """The exact text a notebook is committed as (nbformat's writer, newline at the end)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write(nb: nbformat.NotebookNode, path: Path) -> bool:
    """Write ``nb`` to ``path`` only if its text changed; returns whether the file changed."""
    path = Path(path)
    text = dumps(nb)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
