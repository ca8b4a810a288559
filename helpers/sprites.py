"""The synthetic objects: a small cat and a few shapes, placed on a canvas.

Every sprite is a 9x9 float array with values in [0, 1]. The cat is the
running example of the course: a face with two ears, two eyes and a nose.
Data sets for classification are made here too, from a seed, so nothing is
downloaded.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import as_float_array, choice, describe_value, integer, non_negative_float, positive_int

__all__ = [
    "SPRITES",
    "SPRITE_SIZE",
    "CLASSES",
    "REGIONS",
    "sprite",
    "place",
    "cat_at",
    "region_columns",
    "make_dataset",
]

_ART = {
    "cat": [
        "#.......#",
        "##.....##",
        "###...###",
        "#########",
        "##.###.##",
        "#########",
        "####.####",
        ".#######.",
        "..#####..",
    ],
    "plus": [
        "....#....",
        "....#....",
        "....#....",
        "....#....",
        "#########",
        "....#....",
        "....#....",
        "....#....",
        "....#....",
    ],
    "box": [
        "#########",
        "#.......#",
        "#.......#",
        "#.......#",
        "#.......#",
        "#.......#",
        "#.......#",
        "#.......#",
        "#########",
    ],
    "x": [
        "#.......#",
        ".#.....#.",
        "..#...#..",
        "...#.#...",
        "....#....",
        "...#.#...",
        "..#...#..",
        ".#.....#.",
        "#.......#",
    ],
    "triangle": [
        "....#....",
        "....#....",
        "...#.#...",
        "...#.#...",
        "..#...#..",
        "..#...#..",
        ".#.....#.",
        ".#.....#.",
        "#########",
    ],
}

SPRITES: dict[str, np.ndarray] = {
    name: np.array([[1.0 if ch == "#" else 0.0 for ch in row] for row in rows])
    for name, rows in _ART.items()
}
for _arr in SPRITES.values():
    _arr.setflags(write=False)
#: Every sprite is SPRITE_SIZE x SPRITE_SIZE pixels.
SPRITE_SIZE = 9

#: The four classes of the classification notebooks, the cat first.
CLASSES = ("cat", "plus", "box", "x")

#: Regions of the canvas for data sets, by the columns a sprite may occupy.
REGIONS = ("left", "right", "everywhere")


def sprite(name: str = "cat") -> np.ndarray:
    """A copy of the named 9x9 sprite (one of ``SPRITES``)."""
    choice(name, "name", tuple(SPRITES))
    return SPRITES[name].copy()


def _canvas_shape(canvas) -> tuple[int, int]:
    if isinstance(canvas, numbers.Integral) and not isinstance(canvas, bool):
        size = positive_int(canvas, "canvas")
        return size, size
    if isinstance(canvas, tuple) and len(canvas) == 2:
        return positive_int(canvas[0], "canvas[0]"), positive_int(canvas[1], "canvas[1]")
    raise TypeError(f"canvas must be an int or a (height, width) tuple, got {describe_value(canvas)}")


def place(obj, row: int, col: int, canvas=28, noise: float = 0.0, rng=None) -> np.ndarray:
    """Put ``obj`` (a 2-D array or a sprite name) on a blank canvas.

    ``(row, col)`` is the position of the sprite's top-left pixel. ``canvas``
    is a size (square) or a ``(height, width)`` tuple. With ``noise > 0``,
    Gaussian noise of that standard deviation is added, drawn from ``rng``
    (a ``numpy.random.Generator``; a fixed seed 0 if none is given).

    Returns a float array of shape ``(height, width)``. Raises ``ValueError``
    if the sprite would not fit entirely on the canvas.
    """
    if isinstance(obj, str):
        obj = sprite(obj)
    obj = as_float_array(obj, "obj", ndims=(2,))
    row = integer(row, "row")
    col = integer(col, "col")
    h, w = _canvas_shape(canvas)
    sh, sw = obj.shape
    if sh > h or sw > w:
        raise ValueError(f"obj of shape {obj.shape} is larger than the canvas ({h}x{w})")
    if not (0 <= row <= h - sh and 0 <= col <= w - sw):
        raise ValueError(
            f"a {sh}x{sw} sprite at row={row}, col={col} does not fit on a {h}x{w} canvas: "
            f"row must be in 0..{h - sh} and col in 0..{w - sw}")
    noise = non_negative_float(noise, "noise")
    out = np.zeros((h, w))
    out[row:row + sh, col:col + sw] = obj
    if noise > 0:
        rng = np.random.default_rng(0) if rng is None else rng
        out += noise * rng.standard_normal((h, w))
    return out


def cat_at(row: int, col: int, canvas=28) -> np.ndarray:
    """The cat with its top-left pixel at ``(row, col)`` on a blank canvas."""
    return place("cat", row, col, canvas)


def region_columns(region: str, canvas_width: int = 28, sprite_width: int = SPRITE_SIZE) -> tuple[int, int]:
    """First and last allowed left column of a sprite in a region.

    ``"left"``: the sprite lies entirely in the left half; ``"right"``:
    entirely in the right half; ``"everywhere"``: anywhere on the canvas.
    """
    choice(region, "region", REGIONS)
    half = canvas_width // 2
    if region == "left":
        return 0, half - sprite_width
    if region == "right":
        return canvas_width - half, canvas_width - sprite_width
    return 0, canvas_width - sprite_width


def scatter_sprites(rng: np.random.Generator, n: int, canvas: int, lo: int, hi: int, classes=CLASSES,
                    noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images balanced over ``classes``, each one sprite with its top-left corner at a random
    ``(row, col)`` in ``lo..hi`` (both ends included, the same range for rows and columns), plus Gaussian
    noise of standard deviation ``noise``.

    The caller checks its arguments (the measurement modules that use this
    state their own ranges). Everything random comes from ``rng``, drawn in
    this order: the labels' shuffle, the positions, the noise. Returns ``x``
    ``(n, 1, canvas, canvas)`` and labels ``y`` ``(n,)`` as indices into ``classes``.
    """
    y = np.arange(n) % len(classes)
    rng.shuffle(y)
    pos = rng.integers(lo, hi + 1, size=(n, 2))
    x = np.zeros((n, 1, canvas, canvas))
    for i, (r, c) in enumerate(pos):
        x[i, 0, r:r + SPRITE_SIZE, c:c + SPRITE_SIZE] = SPRITES[classes[y[i]]]
    if noise > 0:
        x += noise * rng.standard_normal(x.shape)
    return x, y


def make_dataset(n: int, region: str = "everywhere", classes=CLASSES, canvas: int = 28,
                 noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A labelled set of ``n`` images, balanced over ``classes``.

    Each image holds one sprite at a random row (anywhere) and a random column
    inside ``region`` (see :func:`region_columns`), plus Gaussian noise.

    Returns ``(x, y, pos)``: images ``(n, 1, canvas, canvas)``, labels ``(n,)``
    as indices into ``classes``, and the sprites' top-left ``(row, col)`` as
    ``(n, 2)``. The same seed gives the same data.
    """
    n = positive_int(n, "n")
    choice(region, "region", REGIONS)
    if isinstance(classes, str) or not hasattr(classes, "__len__") or len(classes) < 2:
        raise ValueError(f"classes must be a sequence of at least two sprite names, got {describe_value(classes)}")
    for c in classes:
        choice(c, "classes", tuple(SPRITES))
    size = positive_int(canvas, "canvas")
    if size < 2 * SPRITE_SIZE:
        raise ValueError(f"canvas must be at least {2 * SPRITE_SIZE} pixels so that both halves hold a sprite, "
                         f"got {size}")
    noise = non_negative_float(noise, "noise")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(classes)
    rng.shuffle(y)
    c0, c1 = region_columns(region, size, SPRITE_SIZE)
    rows = rng.integers(0, size - SPRITE_SIZE + 1, n)
    cols = rng.integers(c0, c1 + 1, n)
    x = np.zeros((n, 1, size, size))
    for i in range(n):
        x[i, 0, rows[i]:rows[i] + SPRITE_SIZE, cols[i]:cols[i] + SPRITE_SIZE] = SPRITES[classes[y[i]]]
    if noise > 0:
        x += noise * rng.standard_normal(x.shape)
    return x, y, np.stack([rows, cols], axis=1)
