"""helpers.memory: glibc's allocator asked to give freed memory back after each cell (Linux); a no-op elsewhere."""

from __future__ import annotations

import numpy as np
import pytest
from IPython.core.events import EventManager

from helpers import memory
from helpers.tinycnn import Model, train
from helpers.tinycnn.layers import Conv2D, Dense, Flatten, ReLU

glibc = pytest.mark.skipif(memory._TRIM is None, reason="not glibc: the functions do nothing here")


class _Shell:
    """The part of an IPython shell that release_after_each_cell uses."""

    def __init__(self):
        self.events = EventManager(self, {"post_run_cell": lambda result: None})


@glibc
def test_registered_once_and_called_after_every_cell(monkeypatch):
    shell = _Shell()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    calls = []
    monkeypatch.setattr(memory, "_TRIM", lambda pad: calls.append(pad) or 1)
    assert memory.release_after_each_cell() is True and memory.release_after_each_cell() is True
    assert shell.events.callbacks["post_run_cell"].count(memory.release_freed_memory) == 1
    shell.events.trigger("post_run_cell", None)
    shell.events.trigger("post_run_cell", None)
    assert calls == [0, 0]


@glibc
def test_the_real_trim_runs():
    assert isinstance(memory.release_freed_memory(), bool)


def test_outside_ipython_or_without_glibc_nothing_happens(monkeypatch):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    assert memory.release_after_each_cell() is False
    monkeypatch.setattr(memory, "_TRIM", None)
    monkeypatch.setattr("IPython.get_ipython", lambda: _Shell())
    assert memory.release_freed_memory() is False and memory.release_after_each_cell() is False


def test_training_asks_for_the_release_after_each_cell(monkeypatch):
    calls = []
    monkeypatch.setattr("helpers.tinycnn.training.release_after_each_cell", lambda: calls.append("cell"))
    rng = np.random.default_rng(0)
    model = Model([Conv2D(1, 2, 3, rng=0), ReLU(), Flatten(), Dense(2 * 8 * 8, 2, rng=0)])
    train(model, rng.normal(size=(8, 1, 8, 8)), rng.integers(0, 2, 8), epochs=1, batch_size=4, progress=None)
    assert calls == ["cell"]
