"""Find the course's code, ``helpers``, wherever the notebooks are run from.

Each notebook starts with ``import course``. Where the project is installed
(``make lab``, ``pip install -e .``, conda, Binder) this does nothing. Where
it is not, as on a JupyterHub whose image has numpy, matplotlib and
ipywidgets but not this package, with the notebooks in a folder next to the
course's ``helpers/`` folder (the layout nbgitpuller gives), it puts the
folder that holds ``helpers/`` first on ``sys.path``, so ``import helpers``
works without installing anything. Where ``helpers/`` is nowhere to be found
it stops with one message that says what to do.

This file changes nothing else: no setting, no figure format.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: What the notebooks need besides the course's own code.
NEEDS = ("numpy", "matplotlib", "ipywidgets")


def find_helpers(start: Path) -> Path | None:
    """The nearest folder, from ``start`` upwards, that holds a ``helpers/__init__.py``; ``None`` if none does."""
    for folder in (start, *start.parents):
        if (folder / "helpers" / "__init__.py").is_file():
            return folder
    return None


def setup(start: Path | None = None) -> str:
    """Make ``import helpers`` work; returns how (``"installed"`` or the folder added to ``sys.path``).

    Raises ``ModuleNotFoundError`` with what to do when a package the
    notebooks need is missing, or when ``helpers`` is neither installed nor in
    this folder or one above it.
    """
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise ModuleNotFoundError(
            f"This notebook needs {', '.join(missing)}, which this kernel's Python does not have. Choose the "
            "course's kernel (Kernel > Change Kernel), or install the course: `pip install -e .` in its folder, "
            "or `conda env create -f environment.yml`.")
    if importlib.util.find_spec("helpers") is not None:
        return "installed"
    start = Path.cwd() if start is None else Path(start)
    folder = find_helpers(start)
    if folder is None:
        raise ModuleNotFoundError(
            f"The course's code (the folder helpers/) is neither installed nor in {start} or a folder above it. "
            "Keep the notebooks in the course's folder next to helpers/ (as nbgitpuller or `git clone` puts "
            "them), or install the course: `pip install -e .` in its folder.")
    sys.path.insert(0, str(folder))
    return str(folder)


found = setup()
