"""Notebook 03: the live view against the naive redraw, and conv_matrix against a loop build."""

from __future__ import annotations

import numpy as np

from helpers.explorers.sharing import SharingExplorer
from helpers.sharing import conv_matrix

from liveview import naive_redraw_ms, summary, sweep_ms
from timing import median_ms, record


def conv_matrix_loop(w, size):
    """The textbook way: a Python loop over output pixels and kernel entries (circular padding)."""
    kh, kw = w.shape
    m = np.zeros((size * size, size * size))
    for i in range(size):
        for j in range(size):
            for u in range(kh):
                for v in range(kw):
                    r, c = (i + u - (kh - 1) // 2) % size, (j + v - (kw - 1) // 2) % size
                    m[i * size + j, r * size + c] += w[u, v]
    return m


def run():
    e = SharingExplorer()
    e.col.value = 0
    fast = sweep_ms(e.col, list(range(1, 20)) + list(range(18, -1, -1)))

    def panels(step):
        e.col.value = step % 20
        s = e.state
        return [s["x"], s["shared"], s["local"], s["norm"]]

    naive = naive_redraw_ms(panels, steps=7)
    yield summary("live_view_03_weight_sharing", fast, naive)

    w = np.random.default_rng(0).standard_normal((3, 3))
    for size in (16, 28):
        np.testing.assert_allclose(conv_matrix(w, (size, size)), conv_matrix_loop(w, size), atol=1e-12)
        vec = median_ms(lambda n=size: conv_matrix(w, (n, n)), repeat=9, number=3)
        loop = median_ms(lambda n=size: conv_matrix_loop(w, n), repeat=5)
        yield record(f"conv_matrix_{size}x{size}", vec, baseline=loop,
                     shape=f"3x3 kernel, {size}x{size} image -> ({size * size}, {size * size}) matrix, circular")
