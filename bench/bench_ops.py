"""conv2d against a textbook loop implementation, side by side."""

from __future__ import annotations

import numpy as np

from helpers.ops import conv2d

from timing import median_ms, record


def corr2d_loop(x, w, b):
    """The textbook way: loops over images, channels and output pixels, 'zero' padding."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)))
    out = np.zeros((n, o, h, wd))
    for i in range(n):
        for j in range(o):
            for r in range(h):
                for s in range(wd):
                    out[i, j, r, s] = (xp[i, :, r:r + kh, s:s + kw] * w[j]).sum() + b[j]
    return out


def run():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28))
    w = rng.standard_normal((8, 1, 3, 3))
    b = rng.standard_normal(8)
    ref = corr2d_loop(x, w, b)
    np.testing.assert_allclose(conv2d(x, w, b, padding="zero"), ref, atol=1e-10)
    fast = median_ms(lambda: conv2d(x, w, b, padding="zero"), repeat=15, number=5)
    slow = median_ms(lambda: corr2d_loop(x, w, b), repeat=3)
    yield record("conv2d_batch", fast, baseline=slow, shape="64x1x28x28 -> 8 channels, 3x3, zero padding",
                 target_ratio=100)
