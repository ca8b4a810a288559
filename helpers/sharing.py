"""Weight sharing: a convolution is a matrix with tied entries.

Everything here is about one linear layer from a 2-D image ``(H, W)`` to a
2-D map ``(Ho, Wo)``, written three ways:

- a **dense** layer: any ``(Ho*Wo, H*W)`` matrix, one weight per (output, input) pair;
- a **locally connected** layer: output ``(i, j)`` sees only the ``kh x kw``
  patch under it, with its *own* kernel; weights ``(Ho, Wo, kh, kw)``;
- a **convolution**: the same, with every position's kernel tied to one
  ``(kh, kw)`` kernel.

:func:`locally_connected_matrix` writes a locally connected layer as a matrix;
:func:`conv_matrix` is the same function applied to tied weights. Both build
the matrix with index arithmetic over all (output pixel, kernel entry) pairs
at once, never with a Python loop over pixels. Images are flattened row by
row (``x.ravel()``), so pixel ``(r, c)`` of an ``H x W`` image is entry
``r * W + c``, and ``conv_matrix(w, x.shape) @ x.ravel() == conv2d(x, w).ravel()``.

Padding follows :func:`helpers.ops.conv2d`: ``"valid"``, ``"zero"`` (zeros)
and ``"circular"`` (the image wraps around), with the same placement of the
kernel, so the two always agree.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, choice, describe_value, integer, padding_choice, positive_float, positive_int
from .ops import PADDINGS, pad2d, pad_amounts

__all__ = [
    "PADDINGS",
    "LAYER_KINDS",
    "output_shape",
    "conv_matrix",
    "locally_connected_matrix",
    "weight_index_matrix",
    "shift_matrix",
    "tie_weights",
    "locally_connected",
    "LocallyConnected2D",
    "param_counts",
    "shift_stack",
    "equivariance_errors",
    "patches",
]

#: The three layers of the notebook, in the order the parameters shrink.
LAYER_KINDS = ("dense", "locally connected", "convolution")


# --------------------------------------------------------------------------
# Shapes and input checks
# --------------------------------------------------------------------------

def _shape2(value, name: str) -> tuple[int, int]:
    """A ``(height, width)`` pair of positive integers (an int means a square)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        n = positive_int(value, name)
        return n, n
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return positive_int(value[0], f"{name}[0]"), positive_int(value[1], f"{name}[1]")
    raise TypeError(f"{name} must be an int or a (height, width) pair, got {describe_value(value)}")


def _pads(kernel_shape, padding: str) -> tuple[int, int]:
    """Rows above and columns left of the image that the padding adds (as in conv2d)."""
    if padding == "valid":
        return 0, 0
    return pad_amounts(kernel_shape[0])[0], pad_amounts(kernel_shape[1])[0]


def output_shape(image_shape, kernel_shape, padding: str = "valid", stride: int = 1) -> tuple[int, int]:
    """The ``(Ho, Wo)`` of a ``kh x kw`` window slid over an ``H x W`` image.

    ``"valid"``: ``floor((H - kh) / stride) + 1``; ``"zero"`` and
    ``"circular"``: ``ceil(H / stride)`` (the image's size for stride 1).
    """
    h, w = _shape2(image_shape, "image_shape")
    kh, kw = _shape2(kernel_shape, "kernel_shape")
    padding_choice(padding, "padding", PADDINGS)
    stride = positive_int(stride, "stride")
    if padding == "valid":
        if kh > h or kw > w:
            raise ValueError(f"a {kh}x{kw} kernel does not fit in a {h}x{w} image without padding; "
                             "use a smaller kernel or padding='zero'")
        return (h - kh) // stride + 1, (w - kw) // stride + 1
    return -(-h // stride), -(-w // stride)


def _pairs(image_shape, kernel_shape, padding, stride):
    """Index arithmetic for every (output pixel, kernel entry) pair, all at once.

    Returns ``(out_index, in_index, keep, (Ho, Wo))``: flat arrays of length
    ``Ho * Wo * kh * kw`` in the order of ``weights.ravel()`` for weights of
    shape ``(Ho, Wo, kh, kw)``; ``keep`` is False where the kernel entry falls
    on zero padding.
    """
    h, w = image_shape
    kh, kw = kernel_shape
    ho, wo = output_shape(image_shape, kernel_shape, padding, stride)
    pt, pl = _pads(kernel_shape, padding)
    i = np.arange(ho)[:, None, None, None]
    j = np.arange(wo)[None, :, None, None]
    u = np.arange(kh)[None, None, :, None]
    v = np.arange(kw)[None, None, None, :]
    rows = stride * i + u - pt
    cols = stride * j + v - pl
    rows, cols = np.broadcast_arrays(rows, cols)
    if padding == "circular":
        rows, cols = rows % h, cols % w
        keep = np.ones(rows.shape, dtype=bool)
    else:
        keep = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    out_index = np.broadcast_to(i * wo + j, rows.shape)
    in_index = np.where(keep, rows * w + cols, 0)
    return out_index.ravel(), in_index.ravel(), keep.ravel(), (ho, wo)


# --------------------------------------------------------------------------
# Layers as matrices
# --------------------------------------------------------------------------

def locally_connected_matrix(weights, image_shape, padding: str = "valid", stride: int = 1) -> np.ndarray:
    """The ``(Ho*Wo, H*W)`` matrix of a locally connected layer.

    ``weights`` has shape ``(Ho, Wo, kh, kw)``: output pixel ``(i, j)`` uses
    its own kernel ``weights[i, j]`` on the patch under it. Row ``i * Wo + j``
    of the matrix holds that kernel's entries at the columns of the pixels it
    covers, and zeros elsewhere. Entries that land on the same pixel (a
    circular kernel larger than the image) are added.
    """
    weights = as_float_array(weights, "weights", ndims=(4,))
    h, w = _shape2(image_shape, "image_shape")
    padding_choice(padding, "padding", PADDINGS)
    kh, kw = weights.shape[2:]
    expected = output_shape((h, w), (kh, kw), padding, stride)
    if weights.shape[:2] != expected:
        raise ValueError(
            f"weights must have shape (Ho, Wo, kh, kw) = {(*expected, kh, kw)} for a {h}x{w} image with "
            f"{padding} padding and stride {stride}, got {weights.shape}")
    out_i, in_i, keep, (ho, wo) = _pairs((h, w), (kh, kw), padding, stride)
    matrix = np.zeros((ho * wo, h * w))
    where, values = (out_i[keep], in_i[keep]), weights.ravel()[keep]
    if padding == "circular" and (kh > h or kw > w):
        np.add.at(matrix, where, values)  # the kernel wraps onto itself: entries share a pixel
    else:
        matrix[where] = values  # every (output, input) pair appears at most once
    return matrix


def tie_weights(kernel, out_shape) -> np.ndarray:
    """Weights ``(Ho, Wo, kh, kw)`` of a locally connected layer with ``kernel`` at every position."""
    kernel = as_float_array(kernel, "kernel", ndims=(2,))
    ho, wo = _shape2(out_shape, "out_shape")
    return np.broadcast_to(kernel, (ho, wo, *kernel.shape)).copy()


def conv_matrix(w, image_shape, padding: str = "circular", stride: int = 1) -> np.ndarray:
    """The ``(Ho*Wo, H*W)`` matrix ``M`` with ``M @ x.ravel() == conv2d(x, w, padding=padding).ravel()``.

    ``w`` is a 2-D kernel ``(kh, kw)`` and ``x`` an image of ``image_shape``.
    It is the matrix of a locally connected layer whose kernels are all tied
    to ``w``: every row holds the same ``kh * kw`` numbers, at shifted columns.
    With ``padding="circular"`` it is block circulant: the row of output pixel
    ``(i, j)``, read as an ``H x W`` image, is the row of ``(0, 0)`` rolled by
    ``(i, j)``. So inside each band of ``W`` rows (one image row of outputs)
    each row is the one above moved one column to the right, wrapping around
    inside its ``W``-column block, and each band is the band above moved one
    block (``W`` columns) to the right, wrapping around at the end.
    """
    w = as_float_array(w, "w", ndims=(2,))
    h, wd = _shape2(image_shape, "image_shape")
    padding_choice(padding, "padding", PADDINGS)
    stride = positive_int(stride, "stride")
    out = output_shape((h, wd), w.shape, padding, stride)
    return locally_connected_matrix(tie_weights(w, out), (h, wd), padding, stride)


def weight_index_matrix(kernel_shape, image_shape, padding: str = "circular", shared: bool = True) -> np.ndarray:
    """Which weight sits in each entry of the layer's matrix: an integer matrix, -1 for zero.

    With ``shared=True`` (a convolution) the entry is the kernel index
    ``u * kw + v`` of ``w[u, v]``, so equal numbers mean one shared weight.
    With ``shared=False`` (a locally connected layer) every position has its
    own weights, numbered ``(i * Wo + j) * kh * kw + u * kw + v``.
    """
    kh, kw = _shape2(kernel_shape, "kernel_shape")
    h, w = _shape2(image_shape, "image_shape")
    padding_choice(padding, "padding", PADDINGS)
    if not isinstance(shared, (bool, np.bool_)):
        raise TypeError(f"shared must be True or False, got {describe_value(shared)}")
    if padding == "circular" and (kh > h or kw > w):
        raise ValueError(f"a {kh}x{kw} kernel wraps onto itself in a {h}x{w} circular image: "
                         "two weights would share one matrix entry")
    out_i, in_i, keep, (ho, wo) = _pairs((h, w), (kh, kw), padding, 1)
    number = np.arange(out_i.size) % (kh * kw) if shared else np.arange(out_i.size)
    index = np.full((ho * wo, h * w), -1, dtype=int)
    index[out_i[keep], in_i[keep]] = number[keep]
    return index


def shift_matrix(image_shape, dy: int, dx: int, mode: str = "circular") -> np.ndarray:
    """The ``(H*W, H*W)`` matrix ``S`` with ``S @ x.ravel() == shift(x, dy, dx, mode).ravel()``.

    Row ``r * W + c`` has a single 1 at the pixel that moves to ``(r, c)``:
    ``(r - dy, c - dx)``, wrapped around for ``mode="circular"``; for
    ``mode="zero"`` the row is all zeros when that pixel lies outside the image.
    """
    h, w = _shape2(image_shape, "image_shape")
    dy, dx = integer(dy, "dy"), integer(dx, "dx")
    choice(mode, "mode", ("circular", "zero"))
    r = np.arange(h)[:, None]
    c = np.arange(w)[None, :]
    src_r, src_c = np.broadcast_arrays(r - dy, c - dx)
    if mode == "circular":
        src_r, src_c = src_r % h, src_c % w
        keep = np.ones((h, w), dtype=bool)
    else:
        keep = (src_r >= 0) & (src_r < h) & (src_c >= 0) & (src_c < w)
    dst = np.arange(h * w).reshape(h, w)[keep]
    s = np.zeros((h * w, h * w))
    s[dst, (src_r * w + src_c)[keep]] = 1.0
    return s


# --------------------------------------------------------------------------
# The locally connected layer itself
# --------------------------------------------------------------------------

def patches(x, kernel_shape, padding: str = "valid", stride: int = 1) -> np.ndarray:
    """Every ``kh x kw`` patch the layer sees: ``(..., H, W) -> (..., Ho, Wo, kh, kw)`` (a view)."""
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    kh, kw = _shape2(kernel_shape, "kernel_shape")
    padding_choice(padding, "padding", PADDINGS)
    stride = positive_int(stride, "stride")
    output_shape(x.shape[-2:], (kh, kw), padding, stride)  # checks that the kernel fits
    if padding != "valid":
        (pt, pb), (pl, pr) = pad_amounts(kh), pad_amounts(kw)
        x = pad2d(x, (pt, pl), (pb, pr), padding)
    return sliding_window_view(x, (kh, kw), axis=(-2, -1))[..., ::stride, ::stride, :, :]


def locally_connected(x, weights, padding: str = "valid", stride: int = 1) -> np.ndarray:
    """A locally connected layer: ``out[..., i, j] = sum_{u, v} weights[i, j, u, v] * xp[..., s*i + u, s*j + v]``.

    ``x`` has shape ``(..., H, W)`` (one image or a stack); ``weights`` has
    shape ``(Ho, Wo, kh, kw)``, one kernel per output position. ``xp`` is
    ``x`` padded as in :func:`helpers.ops.conv2d`. With every kernel equal to
    ``w`` (see :func:`tie_weights`) this *is* ``conv2d(x, w, padding=padding)``.
    """
    x = as_float_array(x, "x")
    weights = as_float_array(weights, "weights", ndims=(4,))
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    padding_choice(padding, "padding", PADDINGS)
    stride = positive_int(stride, "stride")
    kh, kw = weights.shape[2:]
    expected = output_shape(x.shape[-2:], (kh, kw), padding, stride)
    if weights.shape[:2] != expected:
        raise ValueError(
            f"weights must have shape (Ho, Wo, kh, kw) = {(*expected, kh, kw)} for an image of size "
            f"{x.shape[-2]}x{x.shape[-1]} with {padding} padding and stride {stride}, got {weights.shape}")
    return np.einsum("...ijuv,ijuv->...ij", patches(x, (kh, kw), padding, stride), weights)


class LocallyConnected2D:
    """A locally connected layer: a kernel of its own at every output position.

    ``LocallyConnected2D(weights, padding="valid", stride=1)`` with weights
    ``(Ho, Wo, kh, kw)``. Call it on an image ``(H, W)`` or a stack
    ``(..., H, W)``. :meth:`tied` makes one whose kernels are all the same,
    which computes exactly a convolution; :meth:`random` one with independent
    random kernels.
    """

    def __init__(self, weights, padding: str = "valid", stride: int = 1):
        self.weights = as_float_array(weights, "weights", ndims=(4,)).copy()
        self.padding = padding_choice(padding, "padding", PADDINGS)
        self.stride = positive_int(stride, "stride")

    @classmethod
    def tied(cls, kernel, image_shape, padding: str = "valid", stride: int = 1) -> LocallyConnected2D:
        """Every position uses ``kernel``: a convolution written as a locally connected layer."""
        kernel = as_float_array(kernel, "kernel", ndims=(2,))
        out = output_shape(image_shape, kernel.shape, padding, stride)
        return cls(tie_weights(kernel, out), padding, stride)

    @classmethod
    def random(cls, image_shape, kernel_shape=(3, 3), padding: str = "valid", stride: int = 1,
               scale: float = 1.0, rng=None) -> LocallyConnected2D:
        """Independent Gaussian kernels (standard deviation ``scale``) drawn from ``rng`` (seed 0 if None)."""
        kh, kw = _shape2(kernel_shape, "kernel_shape")
        scale = positive_float(scale, "scale")
        rng = np.random.default_rng(0) if rng is None else rng
        out = output_shape(image_shape, (kh, kw), padding, stride)
        return cls(scale * rng.standard_normal((*out, kh, kw)), padding, stride)

    @property
    def kernel_shape(self) -> tuple[int, int]:
        return self.weights.shape[2], self.weights.shape[3]

    @property
    def out_shape(self) -> tuple[int, int]:
        return self.weights.shape[0], self.weights.shape[1]

    @property
    def n_params(self) -> int:
        """Number of weights: ``Ho * Wo * kh * kw``."""
        return int(self.weights.size)

    @property
    def is_tied(self) -> bool:
        """True when every position's kernel is the same (the layer is a convolution)."""
        return bool(np.all(self.weights == self.weights[:1, :1]))

    def __call__(self, x) -> np.ndarray:
        return locally_connected(x, self.weights, self.padding, self.stride)

    def matrix(self, image_shape) -> np.ndarray:
        """The layer as a ``(Ho*Wo, H*W)`` matrix (see :func:`locally_connected_matrix`)."""
        return locally_connected_matrix(self.weights, image_shape, self.padding, self.stride)

    def __repr__(self) -> str:
        ho, wo = self.out_shape
        kh, kw = self.kernel_shape
        return (f"LocallyConnected2D({ho}x{wo} positions, {kh}x{kw} kernels, padding={self.padding!r}, "
                f"{self.n_params} parameters, tied={self.is_tied})")


# --------------------------------------------------------------------------
# Counting parameters
# --------------------------------------------------------------------------

def param_counts(image_shape, kernel_shape, in_channels: int = 1, out_channels: int = 1,
                 padding: str = "valid", stride: int = 1, bias: bool = False) -> dict[str, int]:
    """Parameters of the three layers mapping ``(C_in, H, W)`` to ``(C_out, Ho, Wo)``.

    - dense: ``(C_in * H * W) * (C_out * Ho * Wo)``, every input to every output;
    - locally connected: ``Ho * Wo * C_out * C_in * kh * kw``, a kernel per output position;
    - convolution: ``C_out * C_in * kh * kw``, one kernel per output channel.

    With ``bias=True`` the first two add ``C_out * Ho * Wo`` (a bias per output
    unit) and the convolution ``C_out`` (a bias per channel).
    """
    h, w = _shape2(image_shape, "image_shape")
    kh, kw = _shape2(kernel_shape, "kernel_shape")
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {describe_value(bias)}")
    ho, wo = output_shape((h, w), (kh, kw), padding, stride)
    units = c_out * ho * wo
    return {
        "dense": c_in * h * w * units + (units if bias else 0),
        "locally connected": ho * wo * c_out * c_in * kh * kw + (units if bias else 0),
        "convolution": c_out * c_in * kh * kw + (c_out if bias else 0),
    }


# --------------------------------------------------------------------------
# Equivariance, measured over every shift at once
# --------------------------------------------------------------------------

def shift_stack(x) -> np.ndarray:
    """All circular shifts of a 2-D image: ``out[dy, dx] = shift(x, dy, dx)``, shape ``(H, W, H, W)``."""
    x = as_float_array(x, "x", ndims=(2,))
    h, w = x.shape
    dy = np.arange(h)[:, None, None, None]
    dx = np.arange(w)[None, :, None, None]
    r = np.arange(h)[None, None, :, None]
    c = np.arange(w)[None, None, None, :]
    return x[(r - dy) % h, (c - dx) % w]


def equivariance_errors(f, x) -> np.ndarray:
    """``err[dy, dx] = max |f(S x) - S f(x)|`` for every circular shift ``S`` by ``(dy, dx)``.

    ``f`` maps a stack of images ``(..., H, W)`` to a stack of maps of the
    same size ``(..., H, W)``; it is called once on all ``H * W`` shifted
    images. Returns an ``(H, W)`` array. All zeros means ``f(S x) = S f(x)``
    for every circular shift of this ``x``: the equivariance of notebook 00
    with the output shift ``S'`` equal to ``S``, checked on one image (that it
    holds for every image follows from the operation's structure, such as a
    kernel shared by every position).
    """
    if not callable(f):
        raise TypeError(f"f must be a function of images, got {describe_value(f)}")
    x = as_float_array(x, "x", ndims=(2,))
    fx = np.asarray(f(x), dtype=float)
    if fx.shape != x.shape:
        raise ValueError(f"f must keep the image size {x.shape} (use 'zero' or 'circular' padding), "
                         f"got an output of shape {fx.shape}")
    moved_then_f = np.asarray(f(shift_stack(x)), dtype=float)
    f_then_moved = shift_stack(fx)
    return np.abs(moved_then_f - f_then_moved).max(axis=(-2, -1))
