"""Re-running a live-view cell frees the view it replaces (a generous bound; bench/bench_memory.py measures).

In a real kernel, notebook 01's live-view cell runs 20 more times after the
whole notebook ran; the kernel's resident memory may grow by at most 10 MB
(before views were released it grew by about 47 MB, see the bench).
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from kernel_memory import rerun_growth  # noqa: E402

BOUND_MB = 10


def test_twenty_reruns_of_a_live_view_cell_keep_the_kernel_small():
    r = rerun_growth("01_equivariance.ipynb", reruns=20)
    assert r["cells"], "notebook 01 has no live-view cell"
    assert r["growth_mb"] <= BOUND_MB, (f"20 re-runs of the live-view cell grew the kernel by {r['growth_mb']} MB "
                                        f"(from {r['before_mb']} MB): the replaced views are not freed")
