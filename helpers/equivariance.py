"""Notebook 01's measurements: how the feature maps move when the cat moves (plain numpy).

:func:`equivariance_state` computes what the live view of
:mod:`helpers.explorers.equivariance` shows for the cat at one position: the
three hand-made filters' maps, the difference ``conv(shift(x)) - shift(conv(x))``
for one filter (``x`` the cat at :data:`REFERENCE`), the peaks and the
equivariance error. With circular padding the error is 0 at every position
(a convolution commutes with circular shifts); with zero padding it is not 0
once the cat touches the border.

No widgets and no drawing here.
"""

from __future__ import annotations

import numpy as np

from ._validate import choice, integer, padding_choice
from .filters import FILTERS
from .ops import conv2d, shift
from .sprites import cat_at

__all__ = ["REFERENCE", "PADDINGS", "maxima", "feature_maps", "equivariance_state"]

#: Where the cat sits in the reference image x; the view's sliders move it from there.
REFERENCE = (9, 9)
#: The paddings compared: the image wraps around, or zeros outside it.
PADDINGS = ("circular", "zero")


def maxima(m: np.ndarray) -> list[tuple[int, int]]:
    """Every position where ``m`` reaches its largest value, in reading order (row by row)."""
    return [(int(r), int(c)) for r, c in np.argwhere(m == m.max())]


def feature_maps(x: np.ndarray, padding: str) -> np.ndarray:
    """The maps of the hand-made filters (:data:`helpers.filters.FILTERS`, in order) of one image
    ``(H, W)``: ``(len(FILTERS), H, W)``. ``padding`` is ``"circular"`` or ``"zero"``."""
    padding_choice(padding, "padding", PADDINGS)
    weights = np.stack(list(FILTERS.values()))[:, None]  # (3, 1, 3, 3)
    return conv2d(np.asarray(x, dtype=float)[None, None], weights, padding=padding)[0]


def equivariance_state(row: int, col: int, filter: str = "ear", padding: str = "circular", canvas: int = 28,
                       reference=None) -> dict:
    """The cat at ``(row, col)`` against the cat at :data:`REFERENCE`, for one filter and padding.

    ``reference`` optionally gives :func:`feature_maps` of the reference image
    (a view caches it). Keys: ``x`` ``(canvas, canvas)``; ``maps``
    ``(3, canvas, canvas)``; ``diff``, the selected filter's
    ``conv(shift x) - shift(conv x)`` (circular shift of the reference map);
    ``peaks`` (one ``(row, col)`` per map) and ``peak`` (the selected one's);
    ``maxima`` and ``reference_maxima`` (all tied maxima, reading order);
    ``maxima_moved`` (did they all move with the cat?); ``top_value``;
    ``shift`` ``(dy, dx)``; ``error`` = ``max|diff|``; ``padding``, ``filter``, ``position``.
    """
    row, col = integer(row, "row"), integer(col, "col")
    choice(filter, "filter", tuple(FILTERS))
    padding_choice(padding, "padding", PADDINGS)
    k = list(FILTERS).index(filter)
    dy, dx = row - REFERENCE[0], col - REFERENCE[1]
    x = cat_at(row, col, canvas)
    maps = feature_maps(x, padding)
    if reference is None:
        reference = feature_maps(cat_at(*REFERENCE, canvas), padding)
    ref = reference[k]
    diff = maps[k] - shift(ref, dy, dx, mode="circular")
    peaks = [np.unravel_index(int(np.argmax(m)), m.shape) for m in maps]
    tops, ref_tops = maxima(maps[k]), maxima(ref)
    moved = sorted(((r + dy) % canvas, (c + dx) % canvas) for r, c in ref_tops)
    return {"x": x, "maps": maps, "diff": diff, "peaks": peaks, "peak": peaks[k],
            "maxima": tops, "reference_maxima": ref_tops, "maxima_moved": tops == moved,
            "top_value": float(maps[k].max()),
            "shift": (dy, dx), "error": float(np.abs(diff).max()), "padding": padding,
            "filter": filter, "position": (row, col)}
