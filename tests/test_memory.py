"""A kernel stays small when cells run again (generous bounds; bench/bench_memory.py measures).

- Re-running a live-view cell frees the view it replaces: in a real kernel,
  notebook 01's live-view cell runs 20 more times after the whole notebook
  ran; the kernel's resident memory may grow by at most 10 MB (before views
  were released it grew by about 47 MB, see the bench).
- Running notebook 04 a second time in the same kernel gives back what the
  first run left: at most 20 MB more (without
  ``helpers.memory.release_after_each_cell`` it grew by about 57 MB: 240 to
  297 MB, the bench's baseline).
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from kernel_memory import rerun_growth, run_all_repeated  # noqa: E402

BOUND_MB = 10
RUN_AGAIN_BOUND_MB = 20


def test_twenty_reruns_of_a_live_view_cell_keep_the_kernel_small():
    r = rerun_growth("01_equivariance.ipynb", reruns=20)
    assert r["cells"], "notebook 01 has no live-view cell"
    assert r["growth_mb"] <= BOUND_MB, (f"20 re-runs of the live-view cell grew the kernel by {r['growth_mb']} MB "
                                        f"(from {r['before_mb']} MB): the replaced views are not freed")


def test_running_notebook_04_again_gives_back_the_memory_its_training_freed():
    first, second = run_all_repeated("04_softmax.ipynb", 2)
    assert second - first <= RUN_AGAIN_BOUND_MB, (
        f"a second Run All of notebook 04 in the same kernel grew it from {first} to {second} MB: the memory the "
        f"first run freed was not given back (helpers.memory.release_freed_memory)")
