"""Notebook 01's measurements: one window of a convolution, and how the feature maps move when the cat moves.

:func:`sliding_window_state` computes what the sliding-window view shows: the
window centred on one pixel of the cat image, its patch, the element-wise
products with the kernel, their sum, and the feature map that sum is one cell
of (:func:`window_patch` cuts the patch).

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

from ._validate import as_float_array, choice, integer, padding_choice
from .filters import FILTERS
from .ops import conv2d, shift
from .sprites import cat_at

__all__ = ["REFERENCE", "PADDINGS", "maxima", "feature_maps", "equivariance_state",
           "WINDOW_CAT", "window_patch", "sliding_window_state"]

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


# --------------------------------------------------------------------------
# The sliding window (the first live view of notebook 01)
# --------------------------------------------------------------------------

#: Where the cat sits in the sliding-window view: the image of section 2's feature maps.
WINDOW_CAT = (9, 9)


def window_patch(x: np.ndarray, row: int, col: int, size: int = 3) -> np.ndarray:
    """The ``size x size`` patch of ``x`` under the window centred on pixel ``(row, col)``, zero padding.

    ``x`` is a 2-D image ``(H, W)``; ``size`` is odd, so the window reaches
    ``r = (size - 1) // 2`` pixels from its centre: rows ``row - r`` to
    ``row + r`` and columns ``col - r`` to ``col + r``. Pixels outside the
    image are the padding's zeros. ``(row, col)`` must lie in the image.
    Raises ``ValueError`` for a centre outside the image or an even size,
    ``TypeError`` for a non-integer position.
    """
    x = as_float_array(x, "x", ndims=(2,))
    row, col, size = integer(row, "row"), integer(col, "col"), integer(size, "size")
    if size < 1 or size % 2 == 0:
        raise ValueError(f"size must be an odd positive integer (a window with a centre pixel), got {size}")
    h, w = x.shape
    if not (0 <= row < h):
        raise ValueError(f"row must be in 0..{h - 1} (the window's centre is a pixel of the image), got {row}")
    if not (0 <= col < w):
        raise ValueError(f"col must be in 0..{w - 1} (the window's centre is a pixel of the image), got {col}")
    r = (size - 1) // 2
    return np.pad(x, r)[row:row + size, col:col + size]


def sliding_window_state(row: int, col: int, filter: str = "ear", canvas: int = 28,
                         cat=WINDOW_CAT) -> dict:
    """One step of the sliding window: the window centred on ``(row, col)`` of the cat image, one filter.

    The image is ``cat_at(*cat, canvas)`` and the map is
    ``conv2d(x, FILTERS[filter], padding="zero")`` (cross-correlation: the
    kernel is not flipped). Keys: ``x`` ``(canvas, canvas)``; ``kernel``,
    ``patch`` and ``products`` = ``patch * kernel`` (element-wise), each
    ``(3, 3)``; ``sum``, the sum of the nine products; ``map``, the full
    feature map; ``filled``, the map with the cells after ``(row, col)`` in
    reading order (not yet reached by a row-by-row loop) set to NaN;
    ``value``, ``map[row, col]``; ``padding_mask`` ``(3, 3)``, True where the
    window's pixel is padding, and ``outside``, how many of its nine are; ``position``, ``filter``.
    Raises ``ValueError`` for a position outside the image or an unknown filter.
    """
    row, col = integer(row, "row"), integer(col, "col")
    choice(filter, "filter", tuple(FILTERS))
    kernel = FILTERS[filter]
    x = cat_at(*cat, canvas)
    patch = window_patch(x, row, col, kernel.shape[0])
    products = patch * kernel + 0.0  # + 0.0 turns -0.0 (a -1 weight times a 0 pixel) into 0.0
    fmap = conv2d(x, kernel, padding="zero")
    filled = fmap.copy()
    filled.ravel()[row * canvas + col + 1:] = np.nan
    inside = window_patch(np.ones_like(x), row, col, kernel.shape[0]) == 1  # the padding's cells are 0
    return {"x": x, "kernel": np.array(kernel), "patch": patch, "products": products,
            "sum": float(products.sum()), "map": fmap, "filled": filled, "value": float(fmap[row, col]),
            "padding_mask": ~inside, "outside": int(inside.size - inside.sum()), "position": (row, col),
            "filter": filter}
