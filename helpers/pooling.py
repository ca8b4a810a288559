"""Notebook 02's measurements: max pooling, its windows, aliasing and blur pooling (plain numpy).

- :func:`downsample` halves a map with max pooling or with MaxBlurPool
  (:func:`max_blur_pool`: a dense 2x2 max, then a binomial blur, then every
  second pixel; Zhang 2019, "Making convolutional networks shift-invariant
  again");
- :func:`polyphase_prediction` is the right-hand side of the polyphase
  identity, :func:`is_shifted_copy` asks whether one map is a circular shift
  of another;
- :func:`random_stack` and :func:`stack_features` build a small
  random-weight network (conv-ReLU-pool, once per layer; circular padding),
  and :func:`consistency_curves` (one curve per seed) and
  :func:`consistency_curve` (their mean) measure how much its globally
  pooled features change when the input moves by ``k`` pixels;
- :func:`ideal_shift_error` measures how far a pooled map is from the
  reference pooled map moved by ``k / stride`` cells (compare it with the
  same distance for the unmoved map, a map that did not follow the shift at
  all), :func:`mean_change` how much its mean value changed;
- :func:`fold_share` measures how much of a map's variation lies at
  frequencies that fold back (alias) when the map is subsampled;
- :func:`period`, :func:`power_spectrum` and :func:`frequencies_present`
  measure how fast a row of pixels changes, :func:`blur_row` blurs it,
  :func:`measured_gain` and :func:`blur_gain` give how much of a frequency a
  binomial blur lets through (section 5's primer and its gain curves);
- :func:`window_state` and :func:`cat_pooling_state` compute what the two
  live views of :mod:`helpers.explorers.pooling` show: the single 1 in a 4x4
  image and its pooled map, and the cat's feature map pooled two ways.

No widgets and no drawing here: the views call these functions.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, choice, integer, positive_int
from .filters import FILTERS
from .ops import BLUR_FILTERS, blur_pool2d, conv2d, global_avg_pool, max_pool2d, shift, subsample
from .sprites import cat_at

__all__ = [
    "METHODS",
    "METHOD_LABELS",
    "max_blur_pool",
    "downsample",
    "polyphase_prediction",
    "is_shifted_copy",
    "ideal_shift_error",
    "mean_change",
    "fold_share",
    "period",
    "power_spectrum",
    "frequencies_present",
    "blur_row",
    "measured_gain",
    "blur_gain",
    "random_stack",
    "stack_features",
    "consistency_curves",
    "consistency_curve",
    "peak",
    "WINDOW_SIZE",
    "WINDOW_REFERENCE",
    "image_with_one",
    "window_state",
    "CAT_ROW",
    "CAT_REFERENCE",
    "cat_feature_map",
    "cat_pooling_state",
]

#: The ways to halve a map: max pooling, or MaxBlurPool with one of the binomial filters.
METHODS = ("max", *BLUR_FILTERS)
#: A readable name for each of :data:`METHODS`.
METHOD_LABELS = {"max": "max pool", "rect2": "blur pool [1,1]", "tri3": "blur pool [1,2,1]",
                 "bin5": "blur pool [1,4,6,4,1]"}


# --------------------------------------------------------------------------
# Pooling, shifts and aliasing
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


# --------------------------------------------------------------------------
# Frequency of a row of pixels, and the gain of a blur (section 5's primer)
# --------------------------------------------------------------------------

def _row(x, name: str = "x") -> np.ndarray:
    return as_float_array(x, name, ndims=(1,))


def period(x) -> int:
    """The smallest ``P >= 1`` such that the 1-D row ``x`` is unchanged by a circular shift of ``P`` pixels.

    ``x`` is a 1-D array of ``N`` numbers, read as one cycle of a pattern that
    repeats forever (circular). Returns an integer from 1 (a constant) to ``N``
    (no shorter repeat). Its frequency is ``1 / P`` cycles per pixel for
    ``P >= 2``; a constant (``P = 1``) has frequency 0. Raises ``TypeError``
    for non-numbers, ``ValueError`` for an empty or non-1-D ``x``.
    """
    x = _row(x)
    return next(p for p in range(1, x.size + 1) if np.allclose(np.roll(x, p), x, rtol=0, atol=1e-12))


def power_spectrum(x) -> tuple[np.ndarray, np.ndarray]:
    """``(frequencies, power)`` of a 1-D row ``x`` of ``N`` pixels, read as one cycle of a repeating pattern.

    ``frequencies`` (cycles per pixel) are ``0, 1/N, 2/N, ..., 1/2``
    (``np.fft.rfftfreq``), ``power`` the squared size of the Fourier
    coefficient at each (``|np.fft.rfft(x)|**2``): how much of that frequency
    ``x`` contains. Both have shape ``(N // 2 + 1,)``. Raises as :func:`period`.
    """
    x = _row(x)
    return np.fft.rfftfreq(x.size), np.abs(np.fft.rfft(x)) ** 2


def frequencies_present(x, rel_tol: float = 1e-9) -> list[float]:
    """The frequencies (cycles per pixel) at which the 1-D row ``x`` has power above ``rel_tol`` of its total.

    An all-zero row contains no frequency at all: ``[]``. See :func:`power_spectrum`.
    """
    freqs, power = power_spectrum(x)
    total = float(power.sum())
    if total == 0:
        return []
    return [float(f) for f, p in zip(freqs, power) if p > rel_tol * total]


def blur_row(x, filter: str = "tri3") -> np.ndarray:
    """The 1-D row ``x`` blurred by the normalised binomial ``filter``, circular padding; same shape.

    This is :func:`helpers.ops.blur_pool2d` at stride 1 on a one-row image
    (the vertical pass leaves a single row unchanged). ``filter`` is one of
    ``"rect2"`` (``[1, 1] / 2``), ``"tri3"`` (``[1, 2, 1] / 4``), ``"bin5"``
    (``[1, 4, 6, 4, 1] / 16``).
    """
    x = _row(x)
    choice(filter, "filter", tuple(BLUR_FILTERS))
    return blur_pool2d(x[None], stride=1, filter=filter, padding="circular")[0]


def measured_gain(x, filter: str = "tri3") -> float:
    """Output amplitude / input amplitude when the 1-D pattern ``x`` is blurred by ``filter`` (:func:`blur_row`).

    Measured for a pattern that the blur only rescales, ``blur_row(x) == g * x``
    (a single wave centred on the pixels, or a constant): then the amplitude,
    the largest absolute value, is multiplied by ``|g|``, which is returned:
    the filter's *gain* at the pattern's frequency. Raises ``ValueError`` for
    an all-zero ``x`` (no amplitude to compare with) and for a pattern that
    the blur changes in shape, not only in size (e.g. ``[1, 1]``, which moves
    a pattern by half a pixel); :func:`blur_gain` gives the gain at any frequency.
    """
    x = _row(x)
    if not np.abs(x).max() > 0:
        raise ValueError("x is all zeros: it has no amplitude to compare the blurred pattern with")
    out = blur_row(x, filter)
    g = float(out @ x / (x @ x))
    if not np.allclose(out, g * x, rtol=0, atol=1e-12 * np.abs(x).max()):
        raise ValueError(f"the {filter} blur changes the shape of x, not only its size, so the ratio of "
                         "amplitudes is not a gain; use a single wave centred on the pixels, or blur_gain")
    return abs(g)


def blur_gain(filter: str, frequency) -> np.ndarray:
    """The gain of the normalised binomial ``filter`` at each ``frequency`` (cycles per pixel, 0 to 1/2).

    For weights ``h[0], ..., h[n-1]`` summing to 1 the gain at frequency
    ``f`` is ``|sum_n h[n] exp(-2 pi i f n)|``, the size of the filter's
    discrete-time Fourier transform: a wave of frequency ``f`` comes out of
    the filter multiplied by this number (and moved, which the size ignores).
    For the binomial row of ``n`` taps it equals ``|cos(pi f)| ** (n - 1)``:
    1 at ``f = 0`` and 0 at ``f = 1/2``. These are the anti-aliasing filters
    of blur pooling (Zhang 2019, "Making convolutional networks shift-invariant
    again"). ``frequency`` is a number or an array; the result has its shape.
    Raises ``ValueError`` for a frequency outside ``[0, 1/2]`` (a grid of
    pixels holds no faster pattern) or an unknown filter.
    """
    choice(filter, "filter", tuple(BLUR_FILTERS))
    f = as_float_array(frequency, "frequency", allow_empty=True)
    if ((f < 0) | (f > 0.5)).any():
        raise ValueError(f"frequency must lie in [0, 0.5] cycles per pixel, got values from {f.min()} to {f.max()}")
    row = BLUR_FILTERS[filter] / BLUR_FILTERS[filter].sum()
    return np.abs(np.exp(-2j * np.pi * f[..., None] * np.arange(row.size)) @ row)


def random_stack(seed: int = 0, channels=(4, 8)) -> list[np.ndarray]:
    """Random 3x3 weights of a conv stack on one input channel: ``[(c1, 1, 3, 3), (c2, c1, 3, 3), ...]``.

    He initialisation (He et al. 2015, "Delving deep into rectifiers"): normal
    weights with variance ``2 / fan_in``, ``fan_in = 9 * c_in`` inputs per
    output value, so that a layer followed by a ReLU keeps the size of its
    input roughly. The first layer's weights do not depend on ``channels[1:]``:
    ``random_stack(s, (4,))`` is the first layer of ``random_stack(s, (4, 8))``.
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


def consistency_curves(images, shifts, method: str = "max", seeds=(0, 1, 2, 3), channels=(4, 8)) -> np.ndarray:
    """Relative change of the globally pooled features when the input moves right by ``k``, per seed.

    For each random stack (one per seed, :func:`random_stack` with
    ``channels``) and each image ``x`` of ``images`` ``(N, H, W)``:
    ``g(x) = global_avg_pool(stack_features(x))`` and the change for a shift
    ``k`` is ``||g(S_k x) - g(x)|| / ||g(x)||`` (circular shift along the
    columns), averaged over the images. Returns ``(len(seeds), len(shifts))``.
    """
    images = as_float_array(images, "images", ndims=(3,))
    shifts = [integer(k, "shifts") for k in shifts]
    seeds = [integer(s, "seeds") for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    batch = images[:, None]
    moved = np.concatenate([shift(batch, 0, k) for k in shifts])  # (len(shifts) * N, 1, H, W)
    out = np.zeros((len(seeds), len(shifts)))
    for i, seed in enumerate(seeds):
        ws = random_stack(seed, channels)
        g0 = global_avg_pool(stack_features(batch, ws, method))  # (N, C)
        g = global_avg_pool(stack_features(moved, ws, method)).reshape(len(shifts), *g0.shape)
        out[i] = (np.linalg.norm(g - g0, axis=-1) / np.linalg.norm(g0, axis=-1)).mean(axis=1)
    return out


def consistency_curve(images, shifts, method: str = "max", seeds=(0, 1, 2, 3), channels=(4, 8)) -> np.ndarray:
    """The mean over ``seeds`` of :func:`consistency_curves`: one value per entry of ``shifts``."""
    return consistency_curves(images, shifts, method, seeds, channels).mean(axis=0)


def mean_change(moved, reference) -> float:
    """Relative change of the mean value: ``|mean(moved) - mean(reference)| / mean(reference)``.

    Both are arrays of the same shape; raises ``ValueError`` if they differ
    in shape or if ``reference`` has mean 0 (nothing to compare with).
    """
    moved = as_float_array(moved, "moved")
    reference = as_float_array(reference, "reference")
    if moved.shape != reference.shape:
        raise ValueError(f"moved and reference must have the same shape, got {moved.shape} and {reference.shape}")
    m = float(reference.mean())
    if m == 0:
        raise ValueError("reference has mean 0: there is no mean value to compare a change with")
    return float(abs(moved.mean() - m) / m)


def peak(m) -> tuple[int, int]:
    """``(row, column)`` of the largest value of a 2-D map (the first one in reading order on ties)."""
    m = as_float_array(m, "m", ndims=(2,))
    r, c = np.unravel_index(int(np.argmax(m)), m.shape)
    return int(r), int(c)


# --------------------------------------------------------------------------
# The single 1 in a 4x4 image (the first live view)
# --------------------------------------------------------------------------

#: The side of the image of the window view: four 2x2 pooling windows.
WINDOW_SIZE = 4
#: The position of the 1 in the seed's [1, 0, 0, 0] window: the view compares against it.
WINDOW_REFERENCE = (0, 0)


def image_with_one(row: int, col: int, size: int = WINDOW_SIZE) -> np.ndarray:
    """A ``(size, size)`` image of zeros with a single 1 at ``(row, col)``; raises ``ValueError`` outside."""
    size = positive_int(size, "size")
    row, col = integer(row, "row"), integer(col, "col")
    if not (0 <= row < size and 0 <= col < size):
        raise ValueError(f"row and col must lie in 0..{size - 1}, got ({row}, {col})")
    x = np.zeros((size, size))
    x[row, col] = 1.0
    return x


def window_state(row: int, col: int) -> dict:
    """The 4x4 image with its 1 at ``(row, col)``, its 2x2 max-pooled map, and whether that map
    equals the one of the ``[1, 0, 0, 0]`` window (the 1 at :data:`WINDOW_REFERENCE`).

    Keys: ``x`` ``(4, 4)``, ``pooled`` ``(2, 2)``, ``reference`` ``(2, 2)``,
    ``position`` ``(row, col)``, ``window`` (the pooling window's row and
    column), ``unchanged`` (bool).
    """
    x = image_with_one(row, col)
    pooled = max_pool2d(x)
    reference = max_pool2d(image_with_one(*WINDOW_REFERENCE))
    return {"x": x, "pooled": pooled, "reference": reference, "position": (int(row), int(col)),
            "window": (int(row) // 2, int(col) // 2), "unchanged": bool(np.array_equal(pooled, reference))}


# --------------------------------------------------------------------------
# The cat, max pooling against blur pooling (the second live view)
# --------------------------------------------------------------------------

#: The cat's row in the cat view, and the column it is compared against (the reference).
CAT_ROW = 9
CAT_REFERENCE = 4


def cat_feature_map(col: int, filter: str, canvas: int = 28) -> np.ndarray:
    """ReLU of the hand-made filter's map of the cat at ``(CAT_ROW, col)``, circular padding: ``(canvas, canvas)``."""
    choice(filter, "filter", tuple(FILTERS))
    return np.maximum(conv2d(cat_at(CAT_ROW, col, canvas), FILTERS[filter], padding="circular"), 0.0)


def cat_pooling_state(col: int, filter: str = "vertical edge", blur: str = "bin5", canvas: int = 28,
                      reference=None) -> dict:
    """The cat at column ``col`` pooled two ways, compared with the cat at :data:`CAT_REFERENCE`.

    ``reference`` optionally gives the reference pooled maps ``(max, blur)``
    (a view caches them); by default they are computed. Keys: ``x``,
    ``feature`` ``(canvas, canvas)``, ``max`` and ``blur`` (the pooled maps,
    ``(canvas / 2, canvas / 2)``), ``shift`` (k, in pixels), ``position``,
    ``filter``, ``blur_filter``, ``max_error`` and ``blur_error``
    (:func:`ideal_shift_error`), ``max_unmoved`` and ``blur_unmoved`` (the
    same distance for the reference map itself, as if the map had not moved:
    the baseline a distance must beat), ``max_mean_change`` and ``blur_mean_change``
    (:func:`mean_change`, fractions), ``max_peak`` and ``blur_peak``.
    """
    choice(blur, "blur", tuple(BLUR_FILTERS))
    col = integer(col, "col")
    if reference is None:
        f = cat_feature_map(CAT_REFERENCE, filter, canvas)
        reference = (downsample(f, "max"), downsample(f, blur))
    ref_max, ref_blur = reference
    k = col - CAT_REFERENCE
    feature = cat_feature_map(col, filter, canvas)
    pooled_max, pooled_blur = downsample(feature, "max"), downsample(feature, blur)
    return {"x": cat_at(CAT_ROW, col, canvas), "feature": feature, "max": pooled_max,
            "blur": pooled_blur, "shift": k, "position": col, "filter": filter, "blur_filter": blur,
            "max_error": ideal_shift_error(pooled_max, ref_max, k),
            "blur_error": ideal_shift_error(pooled_blur, ref_blur, k),
            "max_unmoved": ideal_shift_error(ref_max, ref_max, k),
            "blur_unmoved": ideal_shift_error(ref_blur, ref_blur, k),
            "max_mean_change": mean_change(pooled_max, ref_max),
            "blur_mean_change": mean_change(pooled_blur, ref_blur),
            "max_peak": peak(pooled_max), "blur_peak": peak(pooled_blur)}
