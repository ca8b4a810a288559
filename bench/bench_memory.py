"""Kernel memory when live-view cells run again and again, and when a whole notebook runs four times.

- ``rerun_growth_<notebook>``: resident memory after every live-view cell of
  the notebook ran 20 more times, minus after the first run (MB; target
  <= 10 MB). ``baseline`` is the same with the release of earlier views
  switched off (every view kept, as before views were released), measured in
  the same run.
- ``run_all_4x_04_softmax``: resident memory after each of four Run Alls of
  notebook 04 in one kernel (MB; target: every one < 250 MB); ``baseline``
  is the same with the release of freed memory (``helpers.memory``) off.
"""

from __future__ import annotations

import nbformat

from kernel_memory import NOTEBOOKS, Kernel, rerun_growth, run_all_repeated
from timing import record

RERUNS = 20
GROWTH_TARGET_MB = 10
RUN_ALL_TARGET_MB = 250
#: Kernel code that switches off the release of freed memory (helpers.memory), for the baseline.
NO_TRIM = "import helpers.memory\nhelpers.memory._TRIM = None"


def _growth_without_release(name: str) -> float:
    with Kernel(name) as k:
        off = nbformat.v4.new_code_cell("from helpers import cells\ncells.next_slot = lambda: None")
        k.client.execute_cell(off, 0)
        k.run()
        before = k.rss_mb()
        for _ in range(RERUNS):
            k.run(k.live_view_cells)
        return k.rss_mb() - before


def run():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if path.name.startswith("04"):
            continue  # measured below, whole
        r = rerun_growth(path.name, RERUNS)
        if not r["cells"]:
            continue
        yield record(f"rerun_growth_{path.stem}", r["growth_mb"], "MB", baseline=_growth_without_release(path.name),
                     reruns=RERUNS, cells=len(r["cells"]), after_first_run_mb=r["before_mb"],
                     target=f"<= {GROWTH_TARGET_MB} MB")
    readings = run_all_repeated("04_softmax.ipynb", 4)
    kept = run_all_repeated("04_softmax.ipynb", 4, setup=NO_TRIM)
    yield record("run_all_4x_04_softmax", max(readings), "MB", baseline=max(kept), readings=readings,
                 baseline_readings=kept, target=f"every reading < {RUN_ALL_TARGET_MB} MB",
                 note="baseline: the same with helpers.memory's release of freed memory switched off")


if __name__ == "__main__":
    import json

    for line in run():
        print(json.dumps(line), flush=True)
