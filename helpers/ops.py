"""The numerical core: shifts, convolution, pooling and softmax in plain numpy.

Shapes follow the deep-learning convention: images ``(N, C, H, W)``, weights
``(O, C, kh, kw)``. The teaching case, one 2-D image and one 2-D kernel, is
accepted by :func:`conv2d` and returns a 2-D map. Pooling, shifting and the
global pools act on the last two axes of an array of any rank >= 2.

``conv2d`` is cross-correlation (the kernel is not flipped), which is what
every deep-learning framework calls "convolution".

No function here loops over pixels in Python: windows are taken with
``numpy.lib.stride_tricks.sliding_window_view`` and reduced with array
operations.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, choice, integer, padding_choice, positive_float, positive_int

__all__ = [
    "PADDINGS",
    "BLUR_FILTERS",
    "shift",
    "pad2d",
    "unpad2d",
    "pad_amounts",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "blur_kernel",
    "blur_pool2d",
    "subsample",
    "global_max_pool",
    "global_avg_pool",
    "softmax",
    "log_softmax",
    "cross_entropy",
]

PADDINGS = ("valid", "zero", "circular")
SHIFT_MODES = ("circular", "zero")
#: The fills of :func:`pad2d`: zeros, or the image wrapped around.
PAD_MODES = ("zero", "circular")
BLUR_FILTERS = {
    "rect2": np.array([1.0, 1.0]),
    "tri3": np.array([1.0, 2.0, 1.0]),
    "bin5": np.array([1.0, 4.0, 6.0, 4.0, 1.0]),
}


# --------------------------------------------------------------------------
# Shifts and padding
# --------------------------------------------------------------------------

def shift(x, dy: int, dx: int, mode: str = "circular") -> np.ndarray:
    """Move an image ``dy`` pixels down and ``dx`` pixels right.

    Acts on the last two axes of ``x`` (shape ``(..., H, W)``).

    - ``mode="circular"``: what leaves one side comes back on the other
      (``np.roll``). Any integer shift is allowed; it wraps modulo the size.
    - ``mode="zero"``: what leaves the image is lost and zeros come in. A shift
      of at least the image size gives an all-zero image.

    Returns a new float array of the same shape.
    """
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    dy = integer(dy, "dy")
    dx = integer(dx, "dx")
    choice(mode, "mode", SHIFT_MODES)
    if mode == "circular":
        return np.roll(x, (dy, dx), axis=(-2, -1))
    h, w = x.shape[-2:]
    out = np.zeros_like(x)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    src_r = slice(max(0, -dy), h - max(0, dy))
    dst_r = slice(max(0, dy), h - max(0, -dy))
    src_c = slice(max(0, -dx), w - max(0, dx))
    dst_c = slice(max(0, dx), w - max(0, -dx))
    out[..., dst_r, dst_c] = x[..., src_r, src_c]
    return out


def pad_amounts(k: int) -> tuple[int, int]:
    """Padding ``(before, after)`` along one axis so that a stride-1 window of size ``k`` keeps the size.

    ``k - 1`` pixels in all, the extra one after for even ``k``: ``pad_amounts(3) == (1, 1)``,
    ``pad_amounts(2) == (0, 1)``. Raises ``ValueError`` unless ``k`` is a positive integer.
    """
    total = positive_int(k, "k") - 1
    return total // 2, total - total // 2


def pad2d(x: np.ndarray, before: tuple[int, int], after: tuple[int, int],
          mode: str = "zero") -> np.ndarray:
    """Pad the last two axes: ``before=(top, left)``, ``after=(bottom, right)``.

    ``mode`` is ``"zero"`` or ``"circular"`` (wrap around). ``x`` has shape
    ``(..., H, W)``; returns ``(..., top + H + bottom, left + W + right)``.
    Raises ``ValueError`` for any other mode.
    """
    padding_choice(mode, "mode", PAD_MODES)
    widths = [(0, 0)] * (x.ndim - 2) + [(before[0], after[0]), (before[1], after[1])]
    if mode == "circular":
        return np.pad(x, widths, mode="wrap")
    return np.pad(x, widths, mode="constant")


def unpad2d(gxp: np.ndarray, before: tuple[int, int], after: tuple[int, int], mode: str = "zero") -> np.ndarray:
    """Gradient with respect to an image from the gradient with respect to its padded version.

    The transpose of :func:`helpers.ops.pad2d` on ``(..., H, W)`` arrays. With
    zero padding the border values were constants, so their gradient is simply
    dropped. With circular padding each border pixel *is* a pixel from the
    other side of the image (padded row ``r`` is image row ``(r - top) mod H``),
    so its gradient is added back there: the border is "folded" onto the image.
    ``gxp`` has shape ``(..., H + top + bottom, W + left + right)``; returns ``(..., H, W)``.
    Used by the backward passes of :mod:`helpers.tinycnn`.
    """
    (top, left), (bottom, right) = before, after
    hp, wp = gxp.shape[-2:]
    h, w = hp - top - bottom, wp - left - right
    padding_choice(mode, "mode", PAD_MODES)
    if mode != "circular":
        return gxp[..., top:top + h, left:left + w].copy()
    rows = gxp[..., top:top + h, :].copy()
    for r in [*range(top), *range(top + h, hp)]:  # the few padded rows, not the pixels
        rows[..., (r - top) % h, :] += gxp[..., r, :]
    out = rows[..., :, left:left + w].copy()
    for c in [*range(left), *range(left + w, wp)]:
        out[..., :, (c - left) % w] += rows[..., :, c]
    return out


# --------------------------------------------------------------------------
# Convolution
# --------------------------------------------------------------------------

def conv2d(x, w, b=None, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate ``x`` with the kernels ``w`` (deep-learning "convolution").

    Teaching case: ``x`` of shape ``(H, W)`` and ``w`` of shape ``(kh, kw)``;
    returns a 2-D map ``(Ho, Wo)``. ``b`` is then a scalar (or ``None``).

    Batch case: ``x`` of shape ``(N, C, H, W)``, ``w`` of shape
    ``(O, C, kh, kw)`` and ``b`` of shape ``(O,)``; returns ``(N, O, Ho, Wo)``.

    ``out[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * xp[n, c, s*i + u, s*j + v]``
    where ``xp`` is ``x`` padded and ``s`` the stride.

    padding:
      - ``"valid"``: no padding; ``Ho = floor((H - kh) / s) + 1``.
      - ``"zero"``: zeros around the image, ``kh - 1`` rows in all (the extra
        one at the bottom for even kernels); with stride 1 the output has the
        input's size.
      - ``"circular"``: as ``"zero"`` but the image wraps around (a torus).
        Then the convolution commutes exactly with circular shifts.

    A padding is named by what fills the border, as in the notebooks and the
    literature ("zero padding", "circular padding"), and every helper uses
    these names. PyTorch's ``padding="same"`` names the output size instead,
    which zero and circular padding both keep; ``"same"`` is refused here
    with a ``ValueError`` that says to use ``"zero"``.

    Raises ``ValueError`` for a bad shape, a channel or bias mismatch, an
    unknown padding or a kernel larger than the padded image; ``TypeError``
    for non-numeric input.
    """
    x = as_float_array(x, "x", ndims=(2, 4))
    w = as_float_array(w, "w", ndims=(2, 4))
    stride = positive_int(stride, "stride")
    padding_choice(padding, "padding", PADDINGS)
    teaching = x.ndim == 2
    if x.ndim != w.ndim:
        raise ValueError(
            f"x and w must both be 2-D (one image, one kernel) or both 4-D "
            f"((N, C, H, W) and (O, C, kh, kw)); got x of shape {x.shape} and w of shape {w.shape}")
    if teaching:
        x4 = x[None, None]
        w4 = w[None, None]
    else:
        x4, w4 = x, w
        if x4.shape[1] != w4.shape[1]:
            raise ValueError(
                f"channel mismatch: x has {x4.shape[1]} channels (shape {x4.shape}) but w expects "
                f"{w4.shape[1]} (shape {w4.shape}); w must be (O, C, kh, kw) with C = x.shape[1]")
    kh, kw = w4.shape[-2:]
    if b is None:
        bias = np.zeros(w4.shape[0])
    else:
        bias = as_float_array(b, "b", ndims=(0,) if teaching else (1,))
        bias = np.reshape(bias, (-1,))
        if bias.shape[0] != w4.shape[0]:
            raise ValueError(f"b must have shape ({w4.shape[0]},) (one bias per output channel), "
                             f"got {np.shape(b)}")
    if padding == "valid":
        xp = x4
    else:
        (pt, pb), (pl, pr) = pad_amounts(kh), pad_amounts(kw)
        xp = pad2d(x4, (pt, pl), (pb, pr), padding)
    if xp.shape[-2] < kh or xp.shape[-1] < kw:
        raise ValueError(
            f"kernel of size {kh}x{kw} is larger than the {padding}-padded image of size "
            f"{xp.shape[-2]}x{xp.shape[-1]}; use a smaller kernel or padding='zero'")
    windows = sliding_window_view(xp, (kh, kw), axis=(-2, -1))[:, :, ::stride, ::stride]
    # windows: (N, C, Ho, Wo, kh, kw); contract over C, kh, kw.
    out = np.einsum("nchwuv,ocuv->nohw", windows, w4, optimize=True)
    out += bias[None, :, None, None]
    return out[0, 0] if teaching else out


# --------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------

def _pool_windows(x, size, stride, padding):
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    size = positive_int(size, "size")
    stride = size if stride is None else positive_int(stride, "stride")
    padding_choice(padding, "padding", ("valid", "circular"))
    if padding == "circular":
        x = pad2d(x, (0, 0), (size - 1, size - 1), "circular")
    h, w = x.shape[-2:]
    if h < size or w < size:
        raise ValueError(f"size={size} is larger than the image ({h}x{w})")
    win = sliding_window_view(x, (size, size), axis=(-2, -1))
    return win[..., ::stride, ::stride, :, :]


def max_pool2d(x, size: int = 2, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Maximum over ``size x size`` windows taken every ``stride`` pixels.

    ``x`` has shape ``(..., H, W)``; ``stride`` defaults to ``size`` (windows
    side by side). Output ``(..., floor((H - size) / stride) + 1, ...)``.
    ``padding="circular"`` wraps the image so that with ``stride=1`` the output
    keeps the input's size (a "dense" max, used before blur pooling).
    """
    return _pool_windows(x, size, stride, padding).max(axis=(-2, -1))


def avg_pool2d(x, size: int = 2, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Mean over ``size x size`` windows taken every ``stride`` pixels (see :func:`max_pool2d`)."""
    return _pool_windows(x, size, stride, padding).mean(axis=(-2, -1))


def blur_kernel(filter: str = "bin5") -> np.ndarray:
    """The normalised 2-D binomial blur: outer product of a 1-D row, summing to 1.

    ``"rect2"`` is ``[1, 1]``, ``"tri3"`` is ``[1, 2, 1]``, ``"bin5"`` is
    ``[1, 4, 6, 4, 1]``. All vanish at the Nyquist frequency (the pattern
    +1, -1, +1, ... is blurred to zero).
    """
    choice(filter, "filter", tuple(BLUR_FILTERS))
    row = BLUR_FILTERS[filter]
    k = np.outer(row, row)
    return k / k.sum()


def blur_pool2d(x, stride: int = 2, filter: str = "bin5", padding: str = "circular") -> np.ndarray:
    """Blur each channel with a binomial filter, then keep every ``stride``-th pixel.

    ``x`` has shape ``(..., H, W)``; the blur is applied to every channel on
    its own (depthwise). ``padding`` is ``"circular"`` (default, exact shift
    laws) or ``"zero"`` (zeros). Output ``(..., ceil(H / stride), ceil(W / stride))``.
    This is BlurPool (Zhang, 2019); preceded by a stride-1 max it is MaxBlurPool.
    """
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    stride = positive_int(stride, "stride")
    k = blur_kernel(filter)
    padding_choice(padding, "padding", ("circular", "zero"))
    n = k.shape[0]
    before, after = pad_amounts(n)
    xp = pad2d(x, (before, before), (after, after), padding)
    win = sliding_window_view(xp, (n, n), axis=(-2, -1))[..., ::stride, ::stride, :, :]
    return np.einsum("...uv,uv->...", win, k)


def subsample(x, stride: int = 2, phase: tuple[int, int] | int = 0) -> np.ndarray:
    """Keep every ``stride``-th pixel starting at ``phase``: ``x[..., p::s, q::s]``.

    This is the operator ``D_s^(p)`` of the polyphase identity.
    """
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    stride = positive_int(stride, "stride")
    if isinstance(phase, tuple):
        if len(phase) != 2:
            raise ValueError(f"phase must be an integer or a pair (row phase, column phase), got {phase}")
        p, q = (integer(v, "phase") for v in phase)
    else:
        p = q = integer(phase, "phase")
    if not (0 <= p < stride and 0 <= q < stride):
        raise ValueError(f"phase must lie in 0..{stride - 1}, got {phase}")
    return x[..., p::stride, q::stride]


def global_max_pool(x) -> np.ndarray:
    """Maximum over the last two (spatial) axes: ``(N, C, H, W) -> (N, C)``."""
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    return x.max(axis=(-2, -1))


def global_avg_pool(x) -> np.ndarray:
    """Mean over the last two (spatial) axes: ``(N, C, H, W) -> (N, C)``."""
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    return x.mean(axis=(-2, -1))


# --------------------------------------------------------------------------
# Softmax and cross-entropy
# --------------------------------------------------------------------------

def _check_axis(z: np.ndarray, axis) -> int:
    axis = integer(axis, "axis")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis must be in {-z.ndim}..{z.ndim - 1} for an array of shape {z.shape}, got {axis}")
    return axis


def log_softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """``log(softmax(z))`` computed stably (the maximum is subtracted first)."""
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least 1 dimension (a vector of logits), got a scalar")
    axis = _check_axis(z, axis)
    t = positive_float(temperature, "temperature")
    # Subtract the maximum before dividing: z / t alone overflows for tiny t.
    z = (z - z.max(axis=axis, keepdims=True)) / t
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def softmax(z, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """``exp(z / T) / sum(exp(z / T))`` along ``axis``, without overflow.

    Subtracting the maximum first changes nothing mathematically,
    ``softmax(z + c) == softmax(z)``, and keeps every exponent <= 0, so logits
    of 1e4 are fine. ``temperature`` T > 0: large T flattens, small T sharpens.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least 1 dimension (a vector of logits), got a scalar")
    axis = _check_axis(z, axis)
    t = positive_float(temperature, "temperature")
    e = np.exp((z - z.max(axis=axis, keepdims=True)) / t)
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(logits, labels) -> float:
    """Mean negative log-probability of the true class.

    ``logits`` has shape ``(N, K)`` and ``labels`` shape ``(N,)`` with integers
    in ``0..K-1``.
    """
    logits = as_float_array(logits, "logits", ndims=(2,))
    labels_arr = np.asarray(labels)
    if labels_arr.dtype.kind not in "iu":
        raise TypeError(f"labels must be integers, got dtype {labels_arr.dtype}")
    if labels_arr.shape != (logits.shape[0],):
        raise ValueError(f"labels must have shape ({logits.shape[0]},) to match logits {logits.shape}, "
                         f"got {labels_arr.shape}")
    k = logits.shape[1]
    if labels_arr.min() < 0 or labels_arr.max() >= k:
        raise ValueError(f"labels must lie in 0..{k - 1} (logits have {k} classes), "
                         f"got values from {labels_arr.min()} to {labels_arr.max()}")
    logp = log_softmax(logits, axis=1)
    return float(-logp[np.arange(logits.shape[0]), labels_arr].mean())
