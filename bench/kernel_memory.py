"""The kernel's memory when a notebook's cells run again and again, as in a classroom.

Used by ``bench/bench_memory.py`` (the figures) and ``tests/test_memory.py``
(a generous bound). A notebook runs top to bottom on a fresh kernel (working
folder ``notebooks/``); then its live-view cells (those whose committed
output is a live view's static picture) are run again ``reruns`` times, as a
student re-running a cell would, or the whole notebook is run again. The
kernel's resident memory (MB, ``psutil``) is read after a garbage collection
in the kernel.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def live_view_cells(nb) -> list[int]:
    """Indices of the code cells whose committed output is a live view."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and any('class="live-view-static"' in "".join(o.get("data", {}).get("text/html", ""))
                    for o in c.get("outputs", []))]


class Kernel:
    """A notebook's kernel, kept alive to run its cells several times."""

    def __init__(self, name: str):
        self.nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        self.live_view_cells = live_view_cells(self.nb)
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        self.client = NotebookClient(self.nb, timeout=600, kernel_name="python3", record_timing=False,
                                     store_widget_state=False, resources={"metadata": {"path": str(NOTEBOOKS)}})

    def __enter__(self) -> Kernel:
        self._ctx = self.client.setup_kernel()
        self._ctx.__enter__()
        self.process = psutil.Process(self.client.km.provisioner.pid)
        return self

    def __exit__(self, *exc) -> None:
        self._ctx.__exit__(*exc)

    def run(self, indices=None) -> None:
        """Run the cells at ``indices`` (all code cells by default), outputs dropped as they come."""
        for i in indices if indices is not None else range(len(self.nb.cells)):
            cell = self.nb.cells[i]
            if cell.cell_type == "code":
                self.client.execute_cell(cell, i)
                cell.outputs = []

    def rss_mb(self) -> float:
        probe = nbformat.v4.new_code_cell("import gc; gc.collect(); None")
        self.client.execute_cell(probe, 0)
        return self.process.memory_info().rss / 2**20


def rerun_growth(name: str, reruns: int = 20) -> dict:
    """Memory after one run, and after every live-view cell ran ``reruns`` more times (MB)."""
    with Kernel(name) as k:
        k.run()
        cells = k.live_view_cells
        before = k.rss_mb()
        for _ in range(reruns):
            k.run(cells)
        after = k.rss_mb()
    return {"notebook": name, "cells": cells, "reruns": reruns, "before_mb": round(before, 1),
            "after_mb": round(after, 1), "growth_mb": round(after - before, 1)}


def run_all_repeated(name: str, times: int = 4, setup: str | None = None) -> list[float]:
    """Memory after each of ``times`` runs of the whole notebook in one kernel (MB).

    ``setup``: code run in the kernel first (e.g. to switch something off for a baseline).
    """
    out = []
    with Kernel(name) as k:
        if setup:
            k.client.execute_cell(nbformat.v4.new_code_cell(setup), 0)
        for _ in range(times):
            k.run()
            out.append(round(k.rss_mb(), 1))
    return out


if __name__ == "__main__":  # pragma: no cover - a quick look by hand
    print(json.dumps(rerun_growth("01_equivariance.ipynb", 5)))
