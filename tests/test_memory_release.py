"""helpers.memory: glibc's allocator asked to give freed memory back (Linux); a no-op elsewhere."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from helpers import memory
from helpers.tinycnn import Model, train
from helpers.tinycnn.layers import Conv2D, Dense, Flatten, ReLU

glibc = pytest.mark.skipif(memory._TRIM is None, reason="not glibc: the functions do nothing here")


@glibc
def test_on_linux_with_glibc_both_take_effect():
    assert sys.platform.startswith("linux")
    assert memory.map_large_arrays() is True and memory.map_large_arrays() is True  # once, then remembered
    assert isinstance(memory.release_freed_memory(), bool)


def test_without_glibc_nothing_happens(monkeypatch):
    monkeypatch.setattr(memory, "_TRIM", None)
    monkeypatch.setattr(memory, "_MALLOPT", None)
    monkeypatch.setattr(memory, "_mapped", False)
    assert memory.release_freed_memory() is False and memory.map_large_arrays() is False


def test_training_maps_large_arrays_and_releases_what_it_freed(monkeypatch):
    calls = []
    monkeypatch.setattr("helpers.tinycnn.training.map_large_arrays", lambda: calls.append("map"))
    monkeypatch.setattr("helpers.tinycnn.training.release_freed_memory", lambda: calls.append("release"))
    rng = np.random.default_rng(0)
    model = Model([Conv2D(1, 2, 3, rng=0), ReLU(), Flatten(), Dense(2 * 8 * 8, 2, rng=0)])
    train(model, rng.normal(size=(8, 1, 8, 8)), rng.integers(0, 2, 8), epochs=1, batch_size=4, progress=None)
    assert calls == ["map", "release"]
