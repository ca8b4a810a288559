"""A kernel stays small when cells run again (generous bounds; bench/bench_memory.py measures).

- Re-running a live-view cell frees the view it replaces: in a real kernel,
  notebook 01's live-view cell runs 20 more times after the whole notebook
  ran; the kernel's resident memory may grow by at most 10 MB (before views
  were released it grew by about 47 MB, see the bench).
- Memory freed by a cell goes back to the system once a network has trained
  in the kernel (``helpers.memory.release_after_each_cell``): a cell that
  makes 120 MB of arrays again, rebinding the name, grows the kernel by at
  most 20 MB (about 114 MB without the release, shown in a second test).
  Notebook 04 run four times in one kernel is measured by the bench.
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import pytest  # noqa: E402

from helpers import memory  # noqa: E402

from kernel_memory import rerun_growth  # noqa: E402

BOUND_MB = 10
REBIND_BOUND_MB = 20


def test_twenty_reruns_of_a_live_view_cell_keep_the_kernel_small():
    r = rerun_growth("01_equivariance.ipynb", reruns=20)
    assert r["cells"], "notebook 01 has no live-view cell"
    assert r["growth_mb"] <= BOUND_MB, (f"20 re-runs of the live-view cell grew the kernel by {r['growth_mb']} MB "
                                        f"(from {r['before_mb']} MB): the replaced views are not freed")


def _rss_growth_on_rebinding(setup: str) -> float:
    """In a fresh kernel: train a tiny network, then make 120 MB of arrays and make them again, rebinding the
    name (the old ones die only once the new ones exist, as when a notebook runs again). Returns MB grown by the
    second allocation."""
    import nbformat
    import psutil
    from nbclient import NotebookClient

    cells = [setup,
             "import numpy as np\nfrom helpers.tinycnn import Dense, Flatten, Model, train\n"
             "m = Model([Flatten(), Dense(4, 2, rng=0)])\n"
             "train(m, np.zeros((4, 1, 2, 2)), np.array([0, 1, 0, 1]), epochs=1, progress=None)\n"
             "a = np.ones(25_000); del a  # glibc now serves arrays of this size from its heap",
             "keep = [np.ones(25_000) for _ in range(600)]",
             "keep = [np.ones(25_000) for _ in range(600)]"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    with client.setup_kernel():
        process = psutil.Process(client.km.provisioner.pid)
        readings = []
        for i, cell in enumerate(nb.cells):
            client.execute_cell(cell, i)
            readings.append(process.memory_info().rss / 2**20)
    return readings[3] - readings[2]


def test_memory_a_cell_freed_goes_back_to_the_system_once_a_network_has_trained():
    growth = _rss_growth_on_rebinding("pass")
    assert growth <= REBIND_BOUND_MB, (
        f"a cell that made its 120 MB of arrays again grew the kernel by {growth:.0f} MB: the memory freed when "
        f"the name was rebound was not given back (helpers.memory.release_after_each_cell)")


def test_without_the_release_the_same_cell_keeps_what_it_freed():
    """The check above can fail: with the release switched off the kernel keeps the old arrays' 120 MB."""
    if memory._TRIM is None:
        pytest.skip("not glibc: there is nothing to release with")
    growth = _rss_growth_on_rebinding("import helpers.memory\nhelpers.memory._TRIM = None")
    assert growth > 3 * REBIND_BOUND_MB, growth
