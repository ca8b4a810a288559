"""Notebook 02's live views and measurements: max pooling, its windows, aliasing and blur pooling.

The first half of this module is plain numpy (no drawing), used by the
notebook's checks and by the views:

- :func:`downsample` halves a map with max pooling or with MaxBlurPool
  (:func:`max_blur_pool`: a dense 2x2 max, then a binomial blur, then every
  second pixel);
- :func:`polyphase_prediction` is the right-hand side of the polyphase
  identity, :func:`is_shifted_copy` asks whether one map is a circular shift
  of another;
- :func:`random_stack` and :func:`stack_features` build a small
  random-weight network (conv-ReLU-pool, twice; circular padding), and
  :func:`consistency_curve` measures how much its globally pooled features
  change when the input moves by ``k`` pixels;
- :func:`ideal_shift_error` measures how far a pooled map is from the
  reference pooled map moved by ``k / stride`` cells;
- :func:`fold_share` measures how much of a map's variation lies at
  frequencies that fold back (alias) when the map is subsampled.

The second half holds the two live views:

- :class:`WindowExplorer`: a 4x4 image holding a single 1, moved by two
  sliders, with the 2x2 pooling windows drawn on it and the pooled map beside
  it;
- :class:`PoolingExplorer`: the cat slid one pixel at a time, its feature map,
  the max-pooled map and the blur-pooled map, with the consistency measure
  in the readout.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from .._validate import as_float_array, choice, integer, positive_int
from ..filters import FILTERS
from ..ops import BLUR_FILTERS, blur_pool2d, conv2d, global_avg_pool, max_pool2d, shift, subsample
from ..sprites import cat_at
from ..views import CMAPS, LiveFigure, style_axes, text_colour
from .base import Explorer, int_slider, toggle

__all__ = [
    "METHODS",
    "METHOD_LABELS",
    "max_blur_pool",
    "downsample",
    "polyphase_prediction",
    "is_shifted_copy",
    "ideal_shift_error",
    "fold_share",
    "random_stack",
    "stack_features",
    "consistency_curve",
    "WindowExplorer",
    "PoolingExplorer",
    "WINDOW_REFERENCE",
    "CAT_ROW",
    "CAT_REFERENCE",
]

#: The ways to halve a map: max pooling, or MaxBlurPool with one of the binomial filters.
METHODS = ("max", *BLUR_FILTERS)
METHOD_LABELS = {"max": "max pool", "rect2": "blur pool [1,1]", "tri3": "blur pool [1,2,1]",
                 "bin5": "blur pool [1,4,6,4,1]"}


# --------------------------------------------------------------------------
# Measurements (plain numpy)
# --------------------------------------------------------------------------

def max_blur_pool(x, filter: str = "bin5", stride: int = 2) -> np.ndarray:
    """MaxBlurPool (Zhang, 2019): dense 2x2 max (stride 1, circular), blur, keep every ``stride``-th pixel.

    ``x`` has shape ``(..., H, W)``; returns ``(..., ceil(H / stride), ceil(W / stride))``.
    Without the blur this is exactly ``max_pool2d(x, 2, stride)`` for even sizes.
    """
    choice(filter, "filter", tuple(BLUR_FILTERS))
    dense = max_pool2d(x, 2, stride=1, padding="circular")
    return blur_pool2d(dense, stride=stride, filter=filter, padding="circular")


def downsample(x, method: str = "max") -> np.ndarray:
    """Halve a map ``(..., H, W)`` with ``H`` and ``W`` even: ``"max"`` is 2x2 max pooling with
    stride 2; ``"rect2"``, ``"tri3"``, ``"bin5"`` are :func:`max_blur_pool` with that filter."""
    choice(method, "method", METHODS)
    x = as_float_array(x, "x")
    if x.ndim < 2 or x.shape[-1] % 2 or x.shape[-2] % 2:
        raise ValueError(f"x must have shape (..., H, W) with H and W even, got shape {x.shape}")
    if method == "max":
        return max_pool2d(x, 2)
    return max_blur_pool(x, method)


def polyphase_prediction(dense, stride: int, dy: int, dx: int) -> np.ndarray:
    """The right-hand side of the polyphase identity for a shift by ``(dy, dx)``.

    ``dense`` is the stride-1 result (e.g. the dense 2x2 max, circular). Per
    axis, with ``k = q * stride + r`` and ``0 <= r < stride``: if ``r == 0``
    the pooled map of the shifted input is ``S_q D_s(dense)``; otherwise it is
    ``S_{q+1} D_s^(s-r)(dense)``, the phase-``(s - r)`` samples moved by
    ``q + 1``. Works for any integer shifts, negative ones too.
    """
    dense = as_float_array(dense, "dense")
    stride = positive_int(stride, "stride")
    qy, ry = divmod(integer(dy, "dy"), stride)
    qx, rx = divmod(integer(dx, "dx"), stride)
    phase = ((stride - ry) % stride, (stride - rx) % stride)
    return shift(subsample(dense, stride, phase), qy + (ry > 0), qx + (rx > 0))


def is_shifted_copy(a, b, atol: float = 1e-9) -> bool:
    """Is ``a`` equal (to ``atol``) to some circular shift of ``b`` over the last two axes?"""
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        return False
    h, w = b.shape[-2:]
    return any(np.allclose(a, np.roll(b, (i, j), axis=(-2, -1)), rtol=0, atol=atol)
               for i in range(h) for j in range(w))


def ideal_shift_error(moved, reference, dx: int, stride: int = 2, dy: int = 0) -> float:
    """How far ``moved`` is from ``reference`` moved by ``(dy / stride, dx / stride)`` cells.

    A shift by a fraction of a cell is taken as the linear interpolation of
    the two neighbouring whole-cell shifts (moved by 1.5 cells = half-way
    between moved by 1 and moved by 2). Returns ``||moved - ideal|| / ||reference||``:
    0 when the pooled map follows the input exactly.
    """
    moved = as_float_array(moved, "moved")
    reference = as_float_array(reference, "reference")
    if moved.shape != reference.shape:
        raise ValueError(f"moved and reference must have the same shape, got {moved.shape} and {reference.shape}")
    stride = positive_int(stride, "stride")
    (qy, ry), (qx, rx) = divmod(integer(dy, "dy"), stride), divmod(integer(dx, "dx"), stride)
    fy, fx = ry / stride, rx / stride
    ideal = sum(wy * wx * shift(reference, qy + iy, qx + ix)
                for iy, wy in ((0, 1 - fy), (1, fy)) for ix, wx in ((0, 1 - fx), (1, fx)) if wy * wx)
    norm = float(np.linalg.norm(reference))
    if norm == 0:
        raise ValueError("reference is all zeros: there is nothing to compare a shift with")
    return float(np.linalg.norm(moved - ideal)) / norm


def fold_share(m, stride: int = 2) -> float:
    """Share of a map's variation at frequencies that fold back when every ``stride``-th pixel is kept.

    ``m`` is a 2-D map. After subsampling by ``stride`` only frequencies up to
    ``1 / (2 * stride)`` cycle per pixel can be represented; this returns the
    fraction of the power of ``m - m.mean()`` (its 2-D discrete Fourier
    transform, circular) at frequencies above that limit along either axis.
    0 for a map that varies slowly, 1 for the ``+1, -1, +1, ...`` pattern, and
    0 for a constant map (it has no variation at all).
    """
    m = as_float_array(m, "m", ndims=(2,))
    stride = positive_int(stride, "stride")
    power = np.abs(np.fft.fft2(m - m.mean())) ** 2
    total = float(power.sum())
    if total <= 1e-24 * m.size:
        return 0.0
    limit = 1.0 / (2 * stride)
    fy = np.abs(np.fft.fftfreq(m.shape[0]))[:, None]
    fx = np.abs(np.fft.fftfreq(m.shape[1]))[None, :]
    return float(power[(fy > limit + 1e-12) | (fx > limit + 1e-12)].sum() / total)


def random_stack(seed: int = 0, channels=(4, 8)) -> list[np.ndarray]:
    """Random 3x3 weights of a conv stack on one input channel: ``[(c1, 1, 3, 3), (c2, c1, 3, 3), ...]``.

    Scaled so that each layer keeps the size of its input roughly (He-style).
    """
    rng = np.random.default_rng(integer(seed, "seed"))
    weights, c_in = [], 1
    for c in channels:
        c = positive_int(c, "channels")
        weights.append(rng.standard_normal((c, c_in, 3, 3)) * np.sqrt(2.0 / (9 * c_in)))
        c_in = c
    return weights


def stack_features(x, weights, method: str = "max") -> np.ndarray:
    """conv (circular) -> ReLU -> :func:`downsample`, once per weight array in ``weights``.

    ``x`` is one image ``(H, W)`` (returns ``(C, h, w)``) or a batch
    ``(N, 1, H, W)`` (returns ``(N, C, h, w)``). The total stride is
    ``2 ** len(weights)``.
    """
    x = as_float_array(x, "x", ndims=(2, 4))
    one = x.ndim == 2
    h = x[None, None] if one else x
    for w in weights:
        h = downsample(np.maximum(conv2d(h, w, padding="circular"), 0.0), method)
    return h[0] if one else h


def consistency_curve(images, shifts, method: str = "max", seeds=(0, 1, 2, 3), channels=(4, 8)) -> np.ndarray:
    """Mean relative change of the globally pooled features when the input moves right by ``k``.

    For each random stack (one per seed) and each image ``x`` of ``images``
    ``(N, H, W)``: ``g(x) = global_avg_pool(stack_features(x))`` and the change
    for a shift ``k`` is ``||g(S_k x) - g(x)|| / ||g(x)||`` (circular shift
    along the columns). Returns one mean per entry of ``shifts``.
    """
    images = as_float_array(images, "images", ndims=(3,))
    shifts = [integer(k, "shifts") for k in shifts]
    batch = images[:, None]
    moved = np.concatenate([shift(batch, 0, k) for k in shifts])  # (len(shifts) * N, 1, H, W)
    out = np.zeros(len(shifts))
    for seed in seeds:
        ws = random_stack(seed, channels)
        g0 = global_avg_pool(stack_features(batch, ws, method))  # (N, C)
        g = global_avg_pool(stack_features(moved, ws, method)).reshape(len(shifts), *g0.shape)
        out += (np.linalg.norm(g - g0, axis=-1) / np.linalg.norm(g0, axis=-1)).mean(axis=1)
    return out / len(seeds)


# --------------------------------------------------------------------------
# Live view 1: the single 1 in a 4x4 image
# --------------------------------------------------------------------------

def _pooling_grid(live: LiveFigure, ax: int, shape, step: int, linewidth: float = 0.8, static: bool = False):
    """Lines every ``step`` pixels over an image panel, as ONE collection.

    One collection draws in a fraction of the time of one line per grid edge,
    which matters for a 28x28 map with a line every 2 pixels. A grid over a
    live image is redrawn on top of it at each update; with ``static=True``
    (over a panel that never changes) it goes into the cached background.
    """
    h, w = shape
    segs = [[(-0.5, r - 0.5), (w - 0.5, r - 0.5)] for r in range(0, h + 1, step)]
    segs += [[(c - 0.5, -0.5), (c - 0.5, h - 0.5)] for c in range(0, w + 1, step)]
    lines = LineCollection(segs, colors="tab:orange", linewidths=linewidth, zorder=3)
    live.axes[ax].add_collection(lines, autolim=False)
    return lines if static else live.add_artist(lines)


#: The position of the 1 in the seed's [1, 0, 0, 0] window: the view compares against it.
WINDOW_REFERENCE = (0, 0)


def _fmt_map(m: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in m) + "]"


class WindowExplorer(Explorer):
    """Two sliders move the single 1 of a 4x4 image; 2x2 max pooling (stride 2) gives a 2x2 map.

    Panels: the image with its four pooling windows outlined, the pooled map
    now, and the pooled map of the seed's ``[1, 0, 0, 0]`` window (the 1 at
    row 0, column 0). Values are written in the cells. The readout says
    whether the pooled output is unchanged or changed.
    """

    title = "Pooling-window explorer"

    def __init__(self, row: int = 0, col: int = 0, size: int = 4):
        if size != 4:
            raise ValueError(f"size must be 4 (a 4x4 image of four 2x2 windows), got {size}")
        self.size = size
        self.row = int_slider("row of the 1", row, 0, size - 1,
                              "Move the single 1 up and down (arrow keys work too)")
        self.col = int_slider("column of the 1", col, 0, size - 1,
                              "Move the single 1 left and right (arrow keys work too)")
        self.reference = max_pool2d(self.image_with_one(*WINDOW_REFERENCE))
        live = LiveFigure(ncols=3, panel=2.3)
        self.im_input = live.show_map(0, (size, size), "image", "input and its 2x2 windows")
        _pooling_grid(live, 0, (size, size), 2, linewidth=3)
        self.one_label = live.add_artist(live.axes[0].text(0, 0, "1", ha="center", va="center", fontsize=16,
                                                           color=text_colour("image", 1.0), fontweight="bold"))
        half = size // 2
        self.im_pooled = live.show_map(1, (half, half), "image", "max-pooled map now")
        _pooling_grid(live, 1, (half, half), 1, linewidth=3)
        self.pooled_labels = [[live.add_artist(live.axes[1].text(j, i, "0", ha="center", va="center",
                                                                 fontsize=16, color="black"))
                               for j in range(half)] for i in range(half)]
        ax_ref = live.axes[2]  # static: drawn once into the cached background
        ax_ref.imshow(self.reference, cmap=CMAPS["image"], vmin=0, vmax=1, interpolation="nearest")
        style_axes(ax_ref, "pooled map of [1, 0, 0, 0]")
        _pooling_grid(live, 2, (half, half), 1, linewidth=3, static=True)
        for (i, j), v in np.ndenumerate(self.reference):
            ax_ref.text(j, i, f"{v:g}", ha="center", va="center", fontsize=16, color=text_colour("image", v))
        self._build([self.row, self.col], live)

    def image_with_one(self, row: int, col: int) -> np.ndarray:
        x = np.zeros((self.size, self.size))
        x[row, col] = 1.0
        return x

    def compute(self) -> dict:
        row, col = self.row.value, self.col.value
        x = self.image_with_one(row, col)
        pooled = max_pool2d(x)
        return {"x": x, "pooled": pooled, "position": (row, col), "window": (row // 2, col // 2),
                "unchanged": bool(np.array_equal(pooled, self.reference))}

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        r, c = state["position"]
        self.one_label.set_position((c, r))
        self.im_pooled.set_data(state["pooled"])
        for (i, j), v in np.ndenumerate(state["pooled"]):
            label = self.pooled_labels[i][j]
            label.set_text(f"{v:g}")
            label.set_color(text_colour("image", v))

    def describe(self, state: dict) -> str:
        (r, c), (wr, wc) = state["position"], state["window"]
        lines = [f"the 1 is at row {r}, column {c}: inside pooling window (row {wr}, column {wc})",
                 f"pooled map = {_fmt_map(state['pooled'])}"]
        if state["unchanged"]:
            lines.append("pooled output unchanged: the 1 is still inside the top-left window, "
                         "like [1, 0, 0, 0]")
        else:
            lines.append(f"pooled output changed: the 1 crossed a window edge, so the pooled 1 moved to "
                         f"cell (row {wr}, column {wc}); with [1, 0, 0, 0] it was {_fmt_map(self.reference)}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Live view 2: the cat, max pooling against blur pooling
# --------------------------------------------------------------------------

#: The cat's row in the cat view, and the column it is compared against (the reference).
CAT_ROW = 9
CAT_REFERENCE = 4


def _peak(m: np.ndarray) -> tuple[int, int]:
    r, c = np.unravel_index(int(np.argmax(m)), m.shape)
    return int(r), int(c)


class PoolingExplorer(Explorer):
    """Slide the cat one pixel at a time; compare max pooling with blur pooling.

    Panels: the input with the 2x2 pooling grid, the feature map (ReLU of a
    hand-made filter, circular padding, same grid), the max-pooled map and
    the blur-pooled map (MaxBlurPool with the chosen filter), each pooled
    map's peak marked with a cross. The readout gives, for each pooled map,
    its distance from the ideal (the reference pooled map moved by ``k / 2``
    cells, see :func:`ideal_shift_error`) and the change of its mean value.
    """

    title = "Max pool vs blur pool explorer"

    def __init__(self, col: int = CAT_REFERENCE, filter: str = "vertical edge", blur: str = "bin5",
                 canvas: int = 28):
        if canvas != 28:
            raise ValueError(f"canvas must be 28, got {canvas}")
        self.canvas = canvas
        self.col = int_slider("cat column", col, 0, canvas - 9,
                              "Slide the cat left and right one pixel at a time (arrow keys work too)")
        self.filter = toggle("filter", FILTERS, filter, "Which hand-made filter makes the feature map")
        self.blur = toggle("blur filter", tuple(BLUR_FILTERS), blur,
                           "The blur of the blur pool: rect2 = [1,1], tri3 = [1,2,1], bin5 = [1,4,6,4,1]")
        self._reference: dict = {}
        half = canvas // 2
        live = LiveFigure(ncols=4, panel=2.2)
        self.im_input = live.show_map(0, (canvas, canvas), "image", "input, 2x2 pooling grid")
        _pooling_grid(live, 0, (canvas, canvas), 2, linewidth=0.5)
        self.im_feature = live.show_map(1, (canvas, canvas), "magnitude", "feature map: ReLU(conv)", vmax=3)
        _pooling_grid(live, 1, (canvas, canvas), 2, linewidth=0.5)
        self.im_max = live.show_map(2, (half, half), "magnitude", "max-pooled (14x14)", vmax=3)
        self.im_blur = live.show_map(3, (half, half), "magnitude", "blur-pooled (14x14)", vmax=3)
        self.mark_max = live.add_marker(2, color="tab:red", size=11)
        self.mark_blur = live.add_marker(3, color="tab:red", size=11)
        self._build([self.col, self.filter, self.blur], live)

    def feature_map(self, col: int, filter: str) -> np.ndarray:
        """ReLU of the filter's map of the cat at ``(CAT_ROW, col)``, circular padding: ``(28, 28)``."""
        return np.maximum(conv2d(cat_at(CAT_ROW, col, self.canvas), FILTERS[filter], padding="circular"), 0.0)

    def reference_maps(self, filter: str, blur: str) -> tuple[np.ndarray, np.ndarray]:
        key = (filter, blur)
        if key not in self._reference:
            f = self.feature_map(CAT_REFERENCE, filter)
            self._reference[key] = (downsample(f, "max"), downsample(f, blur))
        return self._reference[key]

    def compute(self) -> dict:
        col, filt, blur = self.col.value, self.filter.value, self.blur.value
        k = col - CAT_REFERENCE
        feature = self.feature_map(col, filt)
        pooled_max, pooled_blur = downsample(feature, "max"), downsample(feature, blur)
        ref_max, ref_blur = self.reference_maps(filt, blur)
        return {"x": cat_at(CAT_ROW, col, self.canvas), "feature": feature, "max": pooled_max,
                "blur": pooled_blur, "shift": k, "position": col, "filter": filt, "blur_filter": blur,
                "max_error": ideal_shift_error(pooled_max, ref_max, k),
                "blur_error": ideal_shift_error(pooled_blur, ref_blur, k),
                "max_mean_change": float(abs(pooled_max.mean() - ref_max.mean()) / ref_max.mean()),
                "blur_mean_change": float(abs(pooled_blur.mean() - ref_blur.mean()) / ref_blur.mean()),
                "max_peak": _peak(pooled_max), "blur_peak": _peak(pooled_blur)}

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        self.im_feature.set_data(state["feature"])
        self.im_max.set_data(state["max"])
        self.im_blur.set_data(state["blur"])
        for marker, key in ((self.mark_max, "max_peak"), (self.mark_blur, "blur_peak")):
            r, c = state[key]
            marker.set_data([c], [r])

    def describe(self, state: dict) -> str:
        k = state["shift"]
        label = f"blur pool ({state['blur_filter']})"
        width = len(label)

        def line(name, key):
            r, c = state[f"{key}_peak"]
            return (f"{name:<{width}}: distance from the ideal {state[f'{key}_error']:.2f}, "
                    f"mean value changed by {100 * state[f'{key}_mean_change']:.1f}%, peak at ({r}, {c})")

        cells = f"{k / 2:+g} pooled cells"
        where = "a whole number of cells" if k % 2 == 0 else "half-way between two cells"
        return (f"cat at column {state['position']}: shifted by k = {k:+d} pixels from column {CAT_REFERENCE}, "
                f"that is {cells} ({where})\n"
                f"feature map: ReLU of the '{state['filter']}' filter\n"
                f"{line('max pool', 'max')}\n{line(label, 'blur')}\n"
                f"ideal = the pooled map at column {CAT_REFERENCE} (the reference) moved by k / 2 cells; "
                "distance = ||pooled - ideal|| / ||reference|| (0 = follows the cat exactly)")
