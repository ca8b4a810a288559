"""A tiny convolutional network in plain numpy: layers, training and the left/right experiment.

Everything a small image classifier needs, written so that it can be read:

- **Layers** (:class:`Conv2D`, :class:`ReLU`, :class:`MaxPool2D`,
  :class:`BlurPool2D`, :class:`MaxBlurPool2D`, :class:`GlobalAvgPool`,
  :class:`GlobalMaxPool`, :class:`Flatten`, :class:`Dense`) each have
  ``forward(x)`` and ``backward(grad_out)``. ``backward`` receives the
  gradient of the loss with respect to the layer's output and returns the
  gradient with respect to its input; a layer with weights also fills its
  ``grads`` dict, which has the same keys as its ``params`` dict.
- **The loss** :class:`SoftmaxCrossEntropy` turns logits and labels into one
  number and gives the gradient of that number with respect to the logits.
- **The model** :class:`Model` chains layers; ``forward(x, keep=True)`` keeps
  every intermediate result in ``model.activations`` so that a notebook can
  show feature maps, pooled maps, logits and probabilities of one image.
- **Optimisers** :class:`SGD` and :class:`Adam`, and :func:`train`, the
  training loop, with a progress bar in Jupyter and a text line elsewhere.
- **Builders** :func:`make_cnn` and :func:`left_right_experiment`, the network
  and the experiment of the notebooks (science notes, experiments 4 and 5).

Shapes follow the deep-learning convention: images ``(N, C, H, W)`` (batch,
channels, height, width), convolution weights ``(O, C, kh, kw)``, dense
weights ``(in_features, out_features)``, logits ``(N, K)`` for ``K`` classes.
All arithmetic is float64 and every random number comes from a seeded
``numpy.random.Generator``: the same seed gives the same weights and the same
training run, bit for bit (on the same machine and numpy build).

No function loops over pixels in Python. A convolution's forward pass is
:func:`helpers.ops.conv2d` (an ``einsum`` over a ``sliding_window_view`` of
the padded input); its weight gradient lays the same windows out as one
matrix per image (*im2col*) and becomes a batched matrix product; its input
gradient is again a convolution, with the flipped kernel. Pooling layers
compare a few strided views of the input, one per position in the window.

The network of the notebooks (:func:`make_cnn`) and the fixed setting of the
left/right experiment (:func:`left_right_experiment`) are documented there.
"""

from __future__ import annotations

import html
import numbers
import time
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import _describe, as_float_array, choice, integer, positive_float, positive_int
from .ops import BLUR_FILTERS, _same_amounts, blur_kernel, blur_pool2d, conv2d, log_softmax, pad2d, softmax
from .sprites import CLASSES, make_dataset, place

__all__ = [
    "Layer",
    "Conv2D",
    "ReLU",
    "MaxPool2D",
    "BlurPool2D",
    "MaxBlurPool2D",
    "GlobalAvgPool",
    "GlobalMaxPool",
    "Flatten",
    "Dense",
    "SoftmaxCrossEntropy",
    "Model",
    "Parameter",
    "SGD",
    "Adam",
    "History",
    "train",
    "evaluate",
    "HEADS",
    "POOLS",
    "make_cnn",
    "LeftRightResult",
    "left_right_experiment",
    "probability_vs_column",
]

#: Heads accepted by :func:`make_cnn`: flatten + dense, global average or global max pooling + dense.
HEADS = ("flatten", "gap", "gmp")
#: Pooling layers accepted by :func:`make_cnn`.
POOLS = ("max", "blur", "maxblur")
CONV_PADDINGS = ("same", "circular", "valid")
OPTIMIZERS = ("adam", "sgd")
PROGRESS = ("auto", "widget", "text")


# --------------------------------------------------------------------------
# Small checks shared by the layers
# --------------------------------------------------------------------------

def _as_rng(rng, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator, an integer seed or ``None`` (seed 0)."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a seed >= 0 or a numpy Generator, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy.random.Generator, an integer seed or None, got {_describe(rng)}")


def _array(value, name: str, ndims: tuple[int, ...] | None = None, allow_empty: bool = False) -> np.ndarray:
    """:func:`as_float_array` for the layers, with a fast path for float64 arrays.

    A float64 array only has its number of dimensions and size checked: the
    scan for NaN and infinity would cost a full pass over every activation in
    every layer. :class:`Model` and :func:`train` check their inputs fully,
    and :func:`train` stops with a clear message if the logits stop being
    finite numbers.
    """
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        if ndims is not None and value.ndim not in ndims:
            expected = " or ".join(str(d) for d in ndims)
            raise ValueError(f"{name} must have {expected} dimensions, got {value.ndim} (shape {value.shape})")
        if value.size == 0 and not allow_empty:
            raise ValueError(f"{name} must not be empty, got shape {value.shape}")
        return value
    return as_float_array(value, name, ndims, allow_empty)


def _images(x, name: str, channels: int | None = None) -> np.ndarray:
    """Check a batch of images ``(N, C, H, W)``, optionally with ``C == channels``."""
    x = _array(x, name, ndims=(4,))
    if channels is not None and x.shape[1] != channels:
        plural = "" if channels == 1 else "s"
        raise ValueError(f"{name} must have {channels} channel{plural} (shape (N, {channels}, H, W)), "
                         f"got shape {x.shape}")
    return x


def _grad_like(grad, shape: tuple, name: str = "grad_out") -> np.ndarray:
    """Check that a gradient has exactly the shape of the forward output."""
    grad = _array(grad, name, allow_empty=True)
    if grad.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of this layer's last output {tuple(shape)}, "
                         f"got {grad.shape}")
    return grad


def _labels(y, n: int | None, n_classes: int, name: str = "y") -> np.ndarray:
    """Check integer class labels ``(N,)`` with values in ``0..n_classes-1``."""
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"{name} must be an array of integer class labels, got {_describe(y)}")
    arr = np.asarray(y)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per image), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty (an empty batch), got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must hold one label per image: expected {n} labels, got {arr.shape[0]}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= n_classes:
        raise ValueError(f"{name} must lie in 0..{n_classes - 1} ({n_classes} classes), "
                         f"got values from {lo} to {hi}")
    return arr.astype(np.intp, copy=False)


def _forward_first(layer) -> NoReturn:
    raise RuntimeError(f"{type(layer).__name__}.backward called before forward; "
                       "call forward(x) first (backward uses what forward stored)")


def _unpad(gxp: np.ndarray, before: tuple[int, int], after: tuple[int, int], mode: str) -> np.ndarray:
    """Gradient with respect to an image from the gradient with respect to its padded version.

    The transpose of :func:`helpers.ops.pad2d` on ``(..., H, W)`` arrays. With
    zero padding the border values were constants, so their gradient is simply
    dropped. With circular padding each border pixel *is* a pixel from the
    other side of the image (padded row ``r`` is image row ``(r - top) mod H``),
    so its gradient is added back there: the border is "folded" onto the image.
    """
    (top, left), (bottom, right) = before, after
    hp, wp = gxp.shape[-2:]
    h, w = hp - top - bottom, wp - left - right
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
# Layers
# --------------------------------------------------------------------------

class Layer:
    """Base class: a layer with no weights that passes its input through unchanged.

    Subclasses override :meth:`forward` and :meth:`backward`. ``params`` maps a
    name (``"w"``, ``"b"``) to a weight array, ``grads`` maps the same names to
    the gradients computed by the last ``backward``. ``name`` is filled in by
    :class:`Model` (``"conv1"``, ``"relu1"``, ...) and labels the activations.
    """

    kind = "layer"

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.name: str | None = None

    def forward(self, x) -> np.ndarray:
        """Output of the layer for the input ``x``."""
        return _array(x, "x")

    def backward(self, grad_out) -> np.ndarray:
        """Gradient with respect to the input, from the gradient with respect to the output."""
        return _array(grad_out, "grad_out", allow_empty=True)

    def describe(self) -> str:
        """One short line for :meth:`Model.summary`."""
        return type(self).__name__ + "()"

    def forget(self) -> None:
        """Drop what ``forward`` kept for ``backward`` (private arrays), here and in sub-layers.

        After evaluating a few hundred images those arrays take tens of MB per
        layer; a later ``backward`` without a new ``forward`` then asks for the
        forward pass first. The weights and their last gradients stay.
        """
        for key, value in vars(self).items():
            if isinstance(value, Layer):
                value.forget()
            elif key.startswith("_") and isinstance(value, np.ndarray):
                setattr(self, key, None)

    def __repr__(self) -> str:
        return self.describe()


class Conv2D(Layer):
    """A convolution layer (cross-correlation, as in every framework), with a bias.

    Input ``(N, in_ch, H, W)``, output ``(N, out_ch, Ho, Wo)``; with
    ``padding="same"`` or ``"circular"`` and ``stride=1`` the size is kept.
    Parameters: ``w`` of shape ``(out_ch, in_ch, k, k)`` and ``b`` of shape
    ``(out_ch,)``, He-initialised (normal, standard deviation
    ``sqrt(2 / (in_ch * k * k))``, biases zero) from ``rng``.

    ``forward`` pads the input ``x`` to ``xp`` and calls
    :func:`helpers.ops.conv2d`: ``out[n, o, i, j] = b[o] + sum_{c, u, v}
    w[o, c, u, v] * xp[n, c, s*i + u, s*j + v]``. ``backward``, with ``g`` the
    gradient of the loss with respect to ``out``:

    - ``dL/dw[o, c, u, v] = sum_{n, i, j} g[n, o, i, j] * xp[n, c, s*i + u, s*j + v]``:
      each weight collects input times gradient over *every* position where
      it was used; that sum is what weight sharing means for learning.
    - ``dL/db[o] = sum_{n, i, j} g[n, o, i, j]``.
    - ``dL/dxp`` sends each ``g[n, o, i, j]`` back to the pixels of its window,
      weighted by the same ``w``: that is a "full" correlation of ``g`` with
      the kernel flipped in both directions and its in/out channels swapped
      (for ``stride > 1``, ``g`` is first spread out with zeros between its
      values). So the gradient of a convolution is a convolution, computed
      with :func:`helpers.ops.conv2d` too. The padding is then undone: zero
      padding's gradient is dropped (only the image pixels are computed),
      circular padding's is folded back onto the pixels it copied (:func:`_unpad`).

    The windows come from ``sliding_window_view`` of the padded input (a view,
    no copy); ``dL/dw`` copies them once into one matrix per image (im2col)
    and is then a batched matrix product. No Python loop runs over pixels.
    """

    kind = "conv"

    def __init__(self, in_ch: int, out_ch: int, k: int = 3, padding: str = "same", stride: int = 1, rng=None):
        super().__init__()
        self.in_ch = positive_int(in_ch, "in_ch")
        self.out_ch = positive_int(out_ch, "out_ch")
        self.k = positive_int(k, "k")
        self.padding = choice(padding, "padding", CONV_PADDINGS)
        self.stride = positive_int(stride, "stride")
        rng = _as_rng(rng)
        std = np.sqrt(2.0 / (self.in_ch * self.k * self.k))
        self.params = {"w": rng.standard_normal((self.out_ch, self.in_ch, self.k, self.k)) * std,
                       "b": np.zeros(self.out_ch)}
        self.grads = {key: np.zeros_like(val) for key, val in self.params.items()}
        self._xp = None

    def _pad_amounts(self):
        if self.padding == "valid":
            return (0, 0), (0, 0)
        (t, b) = _same_amounts(self.k)
        return (t, t), (b, b)

    def forward(self, x) -> np.ndarray:
        """``(N, in_ch, H, W) -> (N, out_ch, Ho, Wo)``."""
        x = _images(x, "x", self.in_ch)
        before, after = self._pad_amounts()
        mode = "circular" if self.padding == "circular" else "zero"
        xp = pad2d(x, before, after, mode) if self.padding != "valid" else x
        if xp.shape[-2] < self.k or xp.shape[-1] < self.k:
            raise ValueError(f"x of shape {x.shape} is smaller than the {self.k}x{self.k} kernel "
                             f"with padding={self.padding!r}; use larger images or padding='same'")
        self._x_shape = x.shape
        self._xp = xp
        out = conv2d(xp, self.params["w"], self.params["b"], stride=self.stride, padding="valid")
        self._out_shape = out.shape
        return out

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads["w"]``, ``grads["b"]`` and return ``dL/dx`` ``(N, in_ch, H, W)``.

        ``input_grad=False`` skips the input gradient (returns ``None``): the
        first layer of a network does not need it, and it is half the work.
        """
        if self._xp is None:
            _forward_first(self)
        g = _grad_like(grad_out, self._out_shape)
        n, o, ho, wo = g.shape
        k, s = self.k, self.stride
        # im2col, one matrix per image: a row per (channel, ky, kx), a column per output pixel.
        win = sliding_window_view(self._xp, (k, k), axis=(-2, -1))[:, :, ::s, ::s]  # (N, C, Ho, Wo, k, k)
        cols = win.transpose(0, 1, 4, 5, 2, 3).reshape(n, self.in_ch * k * k, ho * wo)
        # dL/dw: for every image, (out_ch, pixels) @ (pixels, in_ch*k*k); then the sum over images.
        self.grads["w"] = (g.reshape(n, o, ho * wo) @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(
            self.params["w"].shape)
        self.grads["b"] = g.sum(axis=(0, 2, 3))
        if not input_grad:
            return None
        if s > 1:  # put g back on the stride grid of the input, zeros in between
            spread = np.zeros((n, o, s * (ho - 1) + 1, s * (wo - 1) + 1))
            spread[:, :, ::s, ::s] = g
            g = spread
        w_flipped = self.params["w"][:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (in_ch, out_ch, k, k)
        (top, left), _ = self._pad_amounts()
        h, w = self._x_shape[-2:]
        if self.padding != "circular":
            # Full correlation restricted to the unpadded pixels: k - 1 - top zeros
            # above g, and below as many as the last pixel row needs.
            gpad = pad2d(g, (k - 1 - top, k - 1 - left), (h + top - g.shape[-2], w + left - g.shape[-1]), "zero")
            return conv2d(gpad, w_flipped, padding="valid")
        # Circular: the full correlation over the whole padded input, then the
        # padded border is folded back onto the pixels it copied.
        hp, wp = self._xp.shape[-2:]
        gpad = pad2d(g, (k - 1, k - 1), (hp - g.shape[-2], wp - g.shape[-1]), "zero")
        gxp = conv2d(gpad, w_flipped, padding="valid")  # (N, in_ch, Hp, Wp)
        before, after = self._pad_amounts()
        return _unpad(gxp, before, after, "circular")

    def describe(self) -> str:
        extra = "" if self.stride == 1 else f", stride {self.stride}"
        return f"Conv2D({self.in_ch}->{self.out_ch}, {self.k}x{self.k}, {self.padding}{extra})"


class ReLU(Layer):
    """``max(x, 0)`` element by element; any shape. Its gradient is 1 where ``x > 0``, else 0."""

    kind = "relu"

    def __init__(self):
        super().__init__()
        self._mask = None

    def forward(self, x) -> np.ndarray:
        x = _array(x, "x")
        self._mask = x > 0
        return np.maximum(x, 0.0)

    def backward(self, grad_out) -> np.ndarray:
        if self._mask is None:
            _forward_first(self)
        g = _grad_like(grad_out, self._mask.shape)
        return g * self._mask


class MaxPool2D(Layer):
    """Maximum over ``size x size`` windows side by side (stride = size).

    ``(N, C, H, W) -> (N, C, H // size, W // size)``; rows and columns that do
    not fill a window are dropped, as in :func:`helpers.ops.max_pool2d`. The
    gradient goes to the position of each window's maximum (the first one,
    row by row, if there is a tie); all other positions get 0.

    The ``size * size`` pixels of every window are taken as ``size * size``
    strided views of the input, one per position inside the window
    (``x[:, :, a::size, b::size]``), and compared element by element.
    """

    kind = "pool"

    def __init__(self, size: int = 2):
        super().__init__()
        self.size = positive_int(size, "size")
        self._x = None

    def _views(self, x: np.ndarray) -> list:
        s = self.size
        ho, wo = x.shape[-2] // s, x.shape[-1] // s
        return [x[:, :, a:ho * s:s, b:wo * s:s] for a in range(s) for b in range(s)]

    def forward(self, x) -> np.ndarray:
        x = _images(x, "x")
        s = self.size
        if x.shape[-2] < s or x.shape[-1] < s:
            raise ValueError(f"x of shape {x.shape} is smaller than the {s}x{s} pooling window")
        views = self._views(x)
        out = views[0].copy()
        for v in views[1:]:
            np.maximum(out, v, out=out)
        self._x, self._out = x, out
        return out

    def backward(self, grad_out) -> np.ndarray:
        if self._x is None:
            _forward_first(self)
        g = _grad_like(grad_out, self._out.shape)
        gx = np.zeros(self._x.shape)
        gx_views = self._views(gx)  # views into gx: writing to them fills gx
        taken = np.zeros(g.shape, dtype=bool)
        first = np.empty(g.shape, dtype=bool)
        for v, gv in zip(self._views(self._x), gx_views):
            np.equal(v, self._out, out=first)  # this position holds the maximum ...
            first &= ~taken  # ... and no earlier position of the window did
            taken |= first
            np.multiply(g, first, out=gv)
        return gx

    def describe(self) -> str:
        return f"MaxPool2D({self.size}x{self.size})"


def _blur_transpose(g: np.ndarray, kernel: np.ndarray, stride: int, in_shape: tuple, padding: str) -> np.ndarray:
    """Backward of :func:`helpers.ops.blur_pool2d`: a transposed convolution with the fixed blur.

    Each output pixel ``(i, j)`` was ``sum_{u,v} kernel[u, v] * xp[s*i + u, s*j + v]``,
    so its gradient is spread back over those input pixels with the same
    weights; then the padding is undone.
    """
    n_k = kernel.shape[0]
    before, after = _same_amounts(n_k)
    h, w = in_shape[-2:]
    ho, wo = g.shape[-2:]
    gxp = np.zeros(in_shape[:-2] + (h + n_k - 1, w + n_k - 1))
    for u in range(n_k):
        for v in range(n_k):
            gxp[..., u:u + stride * (ho - 1) + 1:stride, v:v + stride * (wo - 1) + 1:stride] += kernel[u, v] * g
    return _unpad(gxp, (before, before), (after, after), padding)


class BlurPool2D(Layer):
    """Blur every channel with a fixed binomial filter, then keep every ``stride``-th pixel.

    ``(N, C, H, W) -> (N, C, ceil(H / stride), ceil(W / stride))``; the forward
    pass is :func:`helpers.ops.blur_pool2d` (circular padding by default).
    ``filter`` is ``"rect2"`` (``[1, 1]``), ``"tri3"`` (``[1, 2, 1]``) or
    ``"bin5"`` (``[1, 4, 6, 4, 1]``). No weights are learned; the backward pass
    is the transposed convolution with the same blur.
    """

    kind = "pool"

    def __init__(self, stride: int = 2, filter: str = "bin5", padding: str = "circular"):
        super().__init__()
        self.stride = positive_int(stride, "stride")
        self.filter = choice(filter, "filter", tuple(BLUR_FILTERS))
        self.padding = choice(padding, "padding", ("circular", "same"))
        self.kernel = blur_kernel(self.filter)
        self._in_shape = None

    def forward(self, x) -> np.ndarray:
        x = _images(x, "x")
        self._in_shape = x.shape
        out = blur_pool2d(x, self.stride, self.filter, self.padding)
        self._out_shape = out.shape
        return out

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            _forward_first(self)
        g = _grad_like(grad_out, self._out_shape)
        return _blur_transpose(g, self.kernel, self.stride, self._in_shape, self.padding)

    def describe(self) -> str:
        return f"BlurPool2D(stride {self.stride}, {self.filter}, {self.padding})"


class MaxBlurPool2D(Layer):
    """Anti-aliased max pooling (Zhang, 2019): a dense 2x2 max, then :class:`BlurPool2D`.

    The max is taken over every 2x2 window at stride 1, so the size is kept
    and the operation commutes with shifts; only the blur pool subsamples,
    and it blurs first. ``(N, C, H, W) -> (N, C, ceil(H / stride), ceil(W / stride))``.

    ``padding="circular"`` (default) wraps around for both steps, which makes
    the shift laws exact. ``padding="same"``: the windows at the last row and
    column simply have fewer pixels (the missing ones count as minus
    infinity), and the blur pads with zeros, so the two borders of the image
    never mix.
    """

    kind = "pool"
    OFFSETS = ((0, 0), (0, 1), (1, 0), (1, 1))

    def __init__(self, stride: int = 2, filter: str = "bin5", padding: str = "circular"):
        super().__init__()
        self.padding = choice(padding, "padding", ("circular", "same"))
        self.blur = BlurPool2D(stride, filter, self.padding)
        self.stride, self.filter = self.blur.stride, self.blur.filter
        self._xp = None

    def forward(self, x) -> np.ndarray:
        x = _images(x, "x")
        h, w = x.shape[-2:]
        if self.padding == "circular":
            xp = pad2d(x, (0, 0), (1, 1), "circular")
        else:
            xp = np.pad(x, [(0, 0), (0, 0), (0, 1), (0, 1)], constant_values=-np.inf)
        dense = x.copy()  # offset (0, 0)
        for a, b in self.OFFSETS[1:]:
            np.maximum(dense, xp[..., a:a + h, b:b + w], out=dense)
        self._xp, self._dense = xp, dense
        return self.blur.forward(dense)

    def backward(self, grad_out) -> np.ndarray:
        if self._xp is None:
            _forward_first(self)
        g = self.blur.backward(grad_out)
        h, w = g.shape[-2:]
        gxp = np.zeros(self._xp.shape)
        taken = np.zeros(g.shape, dtype=bool)
        for a, b in self.OFFSETS:  # the gradient goes to the first maximum of each window
            first = (self._xp[..., a:a + h, b:b + w] == self._dense) & ~taken
            taken |= first
            gxp[..., a:a + h, b:b + w] += g * first
        return _unpad(gxp, (0, 0), (1, 1), self.padding)  # with "same" the padding never wins a max

    def describe(self) -> str:
        return f"MaxBlurPool2D(stride {self.stride}, {self.filter}, {self.padding})"


class GlobalAvgPool(Layer):
    """Mean over all positions of each channel: ``(N, C, H, W) -> (N, C)``.

    Invariant to circular shifts of its input: it forgets *where*, keeps *how much*.
    """

    kind = "gap"

    def __init__(self):
        super().__init__()
        self._in_shape = None

    def forward(self, x) -> np.ndarray:
        x = _images(x, "x")
        self._in_shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            _forward_first(self)
        n, c, h, w = self._in_shape
        g = _grad_like(grad_out, (n, c))
        return np.broadcast_to(g[:, :, None, None] / (h * w), self._in_shape).copy()


class GlobalMaxPool(Layer):
    """Maximum over all positions of each channel: ``(N, C, H, W) -> (N, C)``.

    Invariant to circular shifts: it answers "is this feature anywhere?". The
    gradient goes to the (first) position of the maximum.
    """

    kind = "gmp"

    def __init__(self):
        super().__init__()
        self._arg = None

    def forward(self, x) -> np.ndarray:
        x = _images(x, "x")
        n, c, h, w = x.shape
        flat = x.reshape(n, c, h * w)
        self._arg = flat.argmax(axis=-1)
        self._in_shape = x.shape
        return np.take_along_axis(flat, self._arg[..., None], axis=-1)[..., 0]

    def backward(self, grad_out) -> np.ndarray:
        if self._arg is None:
            _forward_first(self)
        n, c, h, w = self._in_shape
        g = _grad_like(grad_out, (n, c))
        gx = np.zeros((n, c, h * w))
        np.put_along_axis(gx, self._arg[..., None], g[..., None], axis=-1)
        return gx.reshape(self._in_shape)


class Flatten(Layer):
    """``(N, C, H, W) -> (N, C * H * W)``: every value gets its own slot, tied to its position."""

    kind = "flatten"

    def __init__(self):
        super().__init__()
        self._in_shape = None

    def forward(self, x) -> np.ndarray:
        x = _array(x, "x")
        if x.ndim < 2:
            raise ValueError(f"x must have a batch axis and at least one more, got shape {x.shape}")
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            _forward_first(self)
        n = self._in_shape[0]
        g = _grad_like(grad_out, (n, int(np.prod(self._in_shape[1:]))))
        return g.reshape(self._in_shape)


class Dense(Layer):
    """A fully connected layer ``y = x @ w + b``: ``(N, in_features) -> (N, out_features)``.

    ``w`` has shape ``(in_features, out_features)``, ``b`` shape
    ``(out_features,)``; He initialisation (standard deviation
    ``sqrt(2 / in_features)``, biases zero) from ``rng``.
    """

    kind = "dense"

    def __init__(self, in_features: int, out_features: int, rng=None):
        super().__init__()
        self.in_features = positive_int(in_features, "in_features")
        self.out_features = positive_int(out_features, "out_features")
        rng = _as_rng(rng)
        std = np.sqrt(2.0 / self.in_features)
        self.params = {"w": rng.standard_normal((self.in_features, self.out_features)) * std,
                       "b": np.zeros(self.out_features)}
        self.grads = {key: np.zeros_like(val) for key, val in self.params.items()}
        self._x = None

    def forward(self, x) -> np.ndarray:
        x = _array(x, "x", ndims=(2,))
        if x.shape[1] != self.in_features:
            raise ValueError(f"x must have shape (N, {self.in_features}) for Dense({self.in_features}, "
                             f"{self.out_features}), got {x.shape}")
        self._x = x
        return x @ self.params["w"] + self.params["b"]

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` (``dL/dw = x.T @ g``, ``dL/db = g.sum(0)``) and return ``dL/dx = g @ w.T``."""
        if self._x is None:
            _forward_first(self)
        g = _grad_like(grad_out, (self._x.shape[0], self.out_features))
        self.grads["w"] = self._x.T @ g
        self.grads["b"] = g.sum(axis=0)
        return g @ self.params["w"].T if input_grad else None

    def describe(self) -> str:
        return f"Dense({self.in_features}->{self.out_features})"


class SoftmaxCrossEntropy:
    """Softmax followed by the mean negative log-probability of the true class.

    ``forward(logits, y)`` takes logits ``(N, K)`` and integer labels ``(N,)``
    and returns the loss (a float). ``backward()`` returns its gradient with
    respect to the logits, ``(softmax(logits) - one_hot(y)) / N``: the
    probabilities minus the answer, which is why this pair is always fused.
    """

    def __init__(self):
        self.probs = None

    def forward(self, logits, y) -> float:
        logits = as_float_array(logits, "logits", ndims=(2,))
        y = _labels(y, logits.shape[0], logits.shape[1])
        logp = log_softmax(logits, axis=1)
        self.probs = np.exp(logp)
        self._y = y
        return float(-logp[np.arange(len(y)), y].mean())

    def backward(self) -> np.ndarray:
        if self.probs is None:
            _forward_first(self)
        g = self.probs.copy()
        g[np.arange(len(self._y)), self._y] -= 1.0
        return g / len(self._y)


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

@dataclass
class Parameter:
    """One weight array of a model with its gradient: ``name`` is like ``"conv1.w"``.

    ``value`` is the layer's own array: optimisers change it in place.
    """

    name: str
    value: np.ndarray
    grad: np.ndarray


class Model:
    """A chain of layers: ``Model([Conv2D(1, 8), ReLU(), MaxPool2D(), ...])``.

    ``forward(x)`` returns the logits ``(N, K)``; ``forward(x, keep=True)``
    also keeps every intermediate result in :attr:`activations`, a dict from
    layer name (``"input"``, ``"conv1"``, ``"relu1"``, ``"pool1"``, ...,
    ``"logits"``, ``"probs"``) to array. Layers are named by kind and number
    unless they already have a ``name``; the last dense layer is ``"logits"``.
    """

    def __init__(self, layers):
        if isinstance(layers, Layer) or not hasattr(layers, "__iter__"):
            raise TypeError(f"layers must be a list of Layer objects, got {_describe(layers)}")
        layers = list(layers)
        if not layers:
            raise ValueError("layers must not be empty: a Model needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer (Conv2D, ReLU, ...), got {_describe(layer)}")
        self.layers = layers
        counts: dict[str, int] = {}
        for i, layer in enumerate(layers):
            if layer.name is None:
                if i == len(layers) - 1 and isinstance(layer, Dense):
                    layer.name = "logits"
                else:
                    counts[layer.kind] = counts.get(layer.kind, 0) + 1
                    layer.name = f"{layer.kind}{counts[layer.kind]}"
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique, got {names}")
        self.activations: dict[str, np.ndarray] = {}

    @property
    def n_classes(self) -> int | None:
        """Number of outputs of the last layer if it is :class:`Dense`, else ``None``."""
        last = self.layers[-1]
        return last.out_features if isinstance(last, Dense) else None

    def forward(self, x, keep: bool = False) -> np.ndarray:
        """Logits ``(N, K)`` for images ``x`` ``(N, C, H, W)``.

        With ``keep=True`` every layer's output is stored in :attr:`activations`
        (with ``"input"`` first and ``"probs"``, the softmax of the output, last).
        """
        out = as_float_array(x, "x").astype(np.float64, copy=False)
        if keep:
            self.activations = {"input": out}
        for layer in self.layers:
            out = layer.forward(out)
            if keep:
                self.activations[layer.name] = out
        if keep and out.ndim == 2:
            self.activations["probs"] = softmax(out, axis=1)
        return out

    def backward(self, grad_logits, input_grad: bool = False) -> np.ndarray | None:
        """Back-propagate ``dL/dlogits`` through every layer, filling each layer's ``grads``.

        Returns ``dL/dx`` ``(N, C, H, W)`` if ``input_grad=True`` (a saliency
        map), else ``None`` and the first layer skips that part of the work.
        """
        g = grad_logits
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and isinstance(layer, (Conv2D, Dense)):
                return layer.backward(g, input_grad=input_grad)
            g = layer.backward(g)
        return g if input_grad else None

    def params(self):
        """Iterate over every weight array as :class:`Parameter` ``(name, value, grad)``."""
        for layer in self.layers:
            for key, value in layer.params.items():
                yield Parameter(f"{layer.name}.{key}", value, layer.grads[key])

    def forget(self) -> None:
        """Free every layer's saved forward results (see :meth:`Layer.forget`).

        :meth:`predict_proba`, :func:`evaluate` and :func:`train` call it when
        they finish, so a trained model holds only its weights (and
        :attr:`activations`, if ``forward(x, keep=True)`` was used).
        """
        for layer in self.layers:
            layer.forget()

    def n_params(self) -> int:
        """Total number of learned numbers."""
        return sum(p.value.size for p in self.params())

    def predict_proba(self, x, batch_size: int = 100) -> np.ndarray:
        """Class probabilities ``(N, K)`` (softmax of the logits), computed in batches."""
        x = as_float_array(x, "x")
        batch_size = positive_int(batch_size, "batch_size")
        parts = [softmax(self.forward(x[i:i + batch_size]), axis=1) for i in range(0, x.shape[0], batch_size)]
        self.forget()
        return np.concatenate(parts, axis=0)

    def predict(self, x, batch_size: int = 100) -> np.ndarray:
        """The most probable class of each image, ``(N,)`` integers."""
        return self.predict_proba(x, batch_size).argmax(axis=1)

    def summary(self, input_shape=(1, 28, 28)) -> str:
        """A table of the layers with their output shapes and parameter counts."""
        if not (isinstance(input_shape, tuple) and len(input_shape) == 3):
            raise ValueError(f"input_shape must be a (C, H, W) tuple, got {_describe(input_shape)}")
        shape = tuple(positive_int(v, "input_shape") for v in input_shape)
        out = np.zeros((1, *shape))
        lines = [f"{'layer':<10} {'operation':<32} {'output shape':<16} {'params':>7}",
                 f"{'input':<10} {'':<32} {str(shape):<16} {'':>7}"]
        for layer in self.layers:
            out = layer.forward(out)
            n = sum(v.size for v in layer.params.values())
            lines.append(f"{layer.name:<10} {layer.describe():<32} {str(out.shape[1:]):<16} {n:>7}")
        lines.append(f"{'total':<10} {'':<32} {'':<16} {self.n_params():>7}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "Model([" + ", ".join(layer.describe() for layer in self.layers) + "])"


# --------------------------------------------------------------------------
# Optimisers
# --------------------------------------------------------------------------

class _Optimizer:
    def __init__(self, lr: float):
        self.lr = positive_float(lr, "lr")
        self.state: dict[int, tuple] = {}
        self.steps = 0

    def _check(self, params) -> list:
        params = list(params)
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"params must be Parameter objects (from model.params()), got {_describe(p)}")
        return params

    def _slot(self, p: Parameter, n: int) -> list:
        # Keyed by the identity of the weight array, which is updated in place;
        # the array itself is kept so that its id cannot be reused.
        key = id(p.value)
        if key not in self.state:
            self.state[key] = (p.value, [np.zeros_like(p.value) for _ in range(n)])
        return self.state[key][1]


class SGD(_Optimizer):
    """Stochastic gradient descent with momentum: ``v = momentum * v - lr * g``, ``w += v``."""

    def __init__(self, lr: float = 0.05, momentum: float = 0.9):
        super().__init__(lr)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number in [0, 1), got {_describe(momentum)}")
        self.momentum = float(momentum)

    def step(self, params) -> None:
        """Update every parameter in place from its gradient."""
        self.steps += 1
        for p in self._check(params):
            (v,) = self._slot(p, 1)
            v *= self.momentum
            v -= self.lr * p.grad
            p.value += v

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2015): each weight's step is scaled by a running size of its gradient.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``, and
    ``w -= lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
    ``m_hat``, ``v_hat``. Robust to the scale of the gradients, so it needs
    little tuning. The default ``lr`` suits the small networks of these
    notebooks (the usual default, 0.001, also works but needs more steps).
    """

    def __init__(self, lr: float = 0.005, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(lr)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2
                and all(isinstance(b, numbers.Real) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1), got {_describe(betas)}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = positive_float(eps, "eps")

    def step(self, params) -> None:
        """Update every parameter in place from its gradient."""
        self.steps += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.steps, 1 - b2 ** self.steps
        for p in self._check(params):
            m, v = self._slot(p, 2)
            m *= b1
            m += (1 - b1) * p.grad
            v *= b2
            v += (1 - b2) * p.grad ** 2
            p.value -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps})"


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------

@dataclass
class History:
    """What :func:`train` measured, one entry per epoch.

    ``loss`` and ``accuracy`` are averaged over the training batches of the
    epoch (the weights change during the epoch); ``val_loss`` and
    ``val_accuracy`` are measured at the end of the epoch when validation data
    are given. ``seconds`` is the wall-clock time of each epoch (it varies from
    run to run: do not print it in a notebook compared by nbval).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        """Training time of all epochs together."""
        return float(sum(self.seconds))


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (the IPython shell class is ``ZMQInteractiveShell``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _TextProgress:
    """One line per epoch on stdout. Only deterministic numbers are printed (no timings)."""

    def __init__(self, epochs: int, batches: int, title: str):
        self.epochs, self.title = epochs, title

    def batch(self, epoch: int, done: int, loss: float, acc: float) -> None:
        pass

    def epoch(self, epoch: int, text: str) -> None:
        print(f"{self.title}, epoch {epoch}/{self.epochs}: {text}", flush=True)

    def close(self) -> None:
        pass


class _ProgressBox:
    """What is displayed, once: the bar and label, whose values then change in place.

    Its plain-text form is a fixed sentence, so that a notebook output
    compared by nbval does not depend on the widget's id or state.
    """

    TEXT = "Training progress (live in JupyterLab)"

    def __init__(self, widget):
        self.widget = widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.TEXT
        return bundle


class _WidgetProgress:
    """An ``IntProgress`` bar (one tick per batch) and an ``HTML`` label with loss and accuracy.

    Displayed once; later only the widgets' values change (no ``clear_output``).
    """

    def __init__(self, epochs: int, batches: int, title: str):
        import ipywidgets as widgets
        from IPython.display import display

        self.epochs, self.batches = epochs, batches
        self.bar = widgets.IntProgress(value=0, min=0, max=epochs * batches, description=title,
                                       style={"description_width": "initial"})
        self.label = widgets.HTML(value="starting")
        self.box = _ProgressBox(widgets.HBox([self.bar, self.label]))
        display(self.box)

    def batch(self, epoch: int, done: int, loss: float, acc: float) -> None:
        self.bar.value = (epoch - 1) * self.batches + done
        if done % 4 == 0:  # fewer label messages to the browser
            self._say(f"epoch {epoch}/{self.epochs}: loss {loss:.3f}, accuracy {acc:.1%}")

    def epoch(self, epoch: int, text: str) -> None:
        self._say(f"epoch {epoch}/{self.epochs}: {text}")

    def _say(self, text: str) -> None:
        self.label.value = f'<span style="font-family: monospace">{html.escape(text)}</span>'

    def close(self) -> None:
        self.bar.bar_style = "success"


def _make_progress(progress, epochs: int, batches: int, title: str):
    """The progress display for ``progress`` (``None`` for silence)."""
    if progress is None:
        return None
    choice(progress, "progress", PROGRESS)
    if progress == "auto":
        progress = "widget" if _in_notebook() else "text"
    cls = _WidgetProgress if progress == "widget" else _TextProgress
    return cls(epochs, batches, title)


def _make_optimizer(optimizer):
    if optimizer is None:
        return Adam()
    if isinstance(optimizer, _Optimizer):
        return optimizer
    choice(optimizer, "optimizer", OPTIMIZERS)
    return Adam() if optimizer == "adam" else SGD()


def _check_model(model) -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"model must be a Model, got {_describe(model)}")
    if model.n_classes is None:
        raise ValueError(f"model must end with a Dense layer (the logits), got {model.layers[-1].describe()}")
    return model


def _check_data(model: Model, x, y, xname: str = "x", yname: str = "y"):
    x = as_float_array(x, xname, ndims=(4,)).astype(np.float64, copy=False)
    y = _labels(y, x.shape[0], model.n_classes, yname)
    return x, y


def evaluate(model: Model, x, y, batch_size: int = 100) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy (fraction correct) of ``model`` on ``(x, y)``.

    ``x`` is ``(N, C, H, W)``, ``y`` integer labels ``(N,)``.
    """
    model = _check_model(model)
    x, y = _check_data(model, x, y)
    batch_size = positive_int(batch_size, "batch_size")
    logits = np.concatenate([model.forward(x[i:i + batch_size]) for i in range(0, len(y), batch_size)])
    model.forget()
    logp = log_softmax(logits, axis=1)
    return float(-logp[np.arange(len(y)), y].mean()), float((logits.argmax(axis=1) == y).mean())


def train(model: Model, x, y, epochs: int = 5, batch_size: int = 64, optimizer=None, seed: int = 0,
          progress="auto", x_val=None, y_val=None, title: str = "training") -> History:
    """Train ``model`` on images ``x`` ``(N, C, H, W)`` with integer labels ``y`` ``(N,)``.

    Each epoch visits the images once in an order shuffled by ``seed``, in
    mini-batches of ``batch_size``; after each batch the ``optimizer`` (an
    :class:`Adam` or :class:`SGD` object, or the name ``"adam"``/``"sgd"``;
    default ``Adam()``) updates the weights in place. The same model seed,
    data and ``seed`` give the same result, bit for bit.

    ``progress``: ``"auto"`` (a progress bar in Jupyter, one text line per
    epoch elsewhere), ``"widget"``, ``"text"`` or ``None`` (silent).
    ``x_val``, ``y_val``: optional validation data, evaluated after every epoch.
    ``title`` labels the progress bar or text lines.

    Returns a :class:`History`.
    """
    model = _check_model(model)
    x, y = _check_data(model, x, y)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    optimizer = _make_optimizer(optimizer)
    rng = _as_rng(seed, "seed")
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together (both or neither)")
    if x_val is not None:
        x_val, y_val = _check_data(model, x_val, y_val, "x_val", "y_val")
    n = len(y)
    batches = -(-n // batch_size)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {_describe(title)}")
    show = _make_progress(progress, epochs, batches, title)
    loss_fn = SoftmaxCrossEntropy()
    history = History()
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        order = rng.permutation(n)
        total_loss = total_correct = 0.0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            logits = model.forward(x[idx])
            if not np.isfinite(logits).all():
                raise FloatingPointError(
                    f"training diverged in epoch {epoch}: the logits are no longer finite numbers; "
                    f"try a smaller learning rate than {optimizer.lr}")
            loss = loss_fn.forward(logits, y[idx])
            model.backward(loss_fn.backward())
            optimizer.step(model.params())
            total_loss += loss * len(idx)
            total_correct += float((logits.argmax(axis=1) == y[idx]).sum())
            if show is not None:
                seen = min((b + 1) * batch_size, n)
                show.batch(epoch, b + 1, total_loss / seen, total_correct / seen)
        history.loss.append(total_loss / n)
        history.accuracy.append(total_correct / n)
        text = f"loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.1%}"
        if x_val is not None:
            vl, va = evaluate(model, x_val, y_val)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
            text += f", validation accuracy {va:.1%}"
        history.seconds.append(time.perf_counter() - t0)
        if show is not None:
            show.epoch(epoch, text)
    if show is not None:
        show.close()
    model.forget()
    return history


# --------------------------------------------------------------------------
# The network and the experiment of the notebooks
# --------------------------------------------------------------------------

def _pool_layer(pool: str, blur: str, padding: str) -> Layer:
    """The pooling layer of :func:`make_cnn`; blur layers pad the way the convolutions do."""
    if pool == "max":
        return MaxPool2D(2)
    if pool == "blur":
        return BlurPool2D(2, blur, padding)
    return MaxBlurPool2D(2, blur, padding)


def make_cnn(head: str = "flatten", channels: int = 16, pool: str = "max", n_classes: int = 4,
             canvas: int = 28, n_conv: int = 2, padding: str = "same", in_channels: int = 1,
             blur: str = "bin5", seed: int = 0) -> Model:
    """The small CNN of the notebooks.

    ``n_conv`` stages of conv(3x3, ``channels`` filters) -> ReLU -> pool
    (each pool halves the size), then the head and a dense layer to
    ``n_classes`` logits. With the defaults, for a 28x28 image::

        conv1  Conv2D(1->16, 3x3, same)   (16, 28, 28)
        relu1  ReLU                        (16, 28, 28)
        pool1  MaxPool2D(2x2)              (16, 14, 14)
        conv2  Conv2D(16->16, 3x3, same)   (16, 14, 14)
        relu2  ReLU                        (16, 14, 14)
        pool2  MaxPool2D(2x2)              (16, 7, 7)
        head   Flatten -> 784 | GlobalAvgPool / GlobalMaxPool -> 16
        logits Dense(-> 4)

    ``head``: ``"flatten"`` (every feature keeps its position: one dense
    weight per position, so nothing learned at one place carries over to
    another), ``"gap"`` or ``"gmp"`` (global average / max pooling: one
    number per channel, whatever the position of the feature; exactly
    invariant with ``padding="circular"`` and shifts by multiples of the total
    stride ``2 ** n_conv``, approximately otherwise).
    ``pool``: ``"max"``, ``"blur"`` (:class:`BlurPool2D`) or ``"maxblur"``
    (:class:`MaxBlurPool2D`), with the blur filter ``blur``. ``padding``
    (``"same"``: zeros, or ``"circular"``) applies to the convolutions and
    to the blur pools alike: a circular blur after zero-padded convolutions
    would join the left and right borders of the image, and let a flatten
    head trained on the left recognise some objects at the right border.
    The weights are drawn from ``seed``: same seed, same network.

    Why this design: after two stages each value of the 7x7 map sees 10x10
    input pixels (receptive field 3, then 4 after the first pool, 8 after the
    second convolution, 10 after the second pool), a whole 9x9 sprite, so a
    global max over the map can answer "is there a cat?". With one stage the
    features see only 4x4 pieces of strokes. 16 channels make both heads
    reliable (with 8, seeds 0 and 2 of :func:`left_right_experiment` leave one
    head or the other below 95% where it should be near 100%); with Adam both
    heads learn in 32 steps of 64 images.
    """
    choice(head, "head", HEADS)
    choice(pool, "pool", POOLS)
    channels = positive_int(channels, "channels")
    n_classes = positive_int(n_classes, "n_classes")
    size = positive_int(canvas, "canvas")
    n_conv = positive_int(n_conv, "n_conv")
    in_channels = positive_int(in_channels, "in_channels")
    choice(padding, "padding", ("same", "circular"))
    choice(blur, "blur", tuple(BLUR_FILTERS))
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    rng = _as_rng(seed, "seed")
    layers: list[Layer] = []
    c_in = in_channels
    for _ in range(n_conv):
        if size < 2:
            raise ValueError(f"canvas={canvas} is too small for n_conv={n_conv} pooling stages "
                             f"(each halves the size)")
        layers += [Conv2D(c_in, channels, 3, padding, rng=rng), ReLU(), _pool_layer(pool, blur, padding)]
        size = size // 2 if pool == "max" else -(-size // 2)
        c_in = channels
    if head == "flatten":
        layers += [Flatten(), Dense(channels * size * size, n_classes, rng=rng)]
    else:
        layers += [GlobalAvgPool() if head == "gap" else GlobalMaxPool(), Dense(channels, n_classes, rng=rng)]
    return Model(layers)


@dataclass
class LeftRightResult:
    """The outcome of :func:`left_right_experiment`.

    ``models``: head name -> trained :class:`Model`. ``accuracy``: head name ->
    ``{"left": a, "right": b}`` (fractions, on fresh test images).
    ``seconds``: head name -> training time (varies from run to run).
    ``histories``: head name -> :class:`History`. ``data``: the training and
    test sets, ``{"train": (x, y), "left": (x, y), "right": (x, y)}``.
    ``settings``: the arguments of the run.
    """

    models: dict
    accuracy: dict
    seconds: dict
    histories: dict
    data: dict
    settings: dict

    @property
    def total_seconds(self) -> float:
        """Training time of all heads together."""
        return float(sum(self.seconds.values()))

    def table(self, times: bool = False) -> str:
        """The accuracies as a text table; ``times=True`` adds the training time.

        Leave ``times`` off in a notebook compared by nbval: the time varies.
        The column titles say which half was trained on only when that was
        the left half; after ``train_region="everywhere"`` they are plain
        ``left`` and ``right``.
        """
        if self.settings.get("train_region", "left") == "left":
            left, right = "left (trained)", "right (new)"
        else:
            left, right = "left", "right"
        head = f"{'head':<10} {left:>15} {right:>12}"
        lines = [head + (f" {'train time':>11}" if times else "")]
        for name, acc in self.accuracy.items():
            line = f"{name:<10} {acc['left']:>15.1%} {acc['right']:>12.1%}"
            if times:
                line += f" {self.seconds[name]:>10.2f}s"
            lines.append(line)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def left_right_experiment(seed: int = 0, heads=("flatten", "gmp"), n_train: int = 1024, n_test: int = 400,
                          epochs: int = 2, channels: int = 16, pool: str = "max", lr: float = 0.005,
                          optimizer: str = "adam", train_region: str = "left", progress=None) -> LeftRightResult:
    """Train the same network with different heads on the left half only; test on both halves.

    Science notes, experiment 4. The ``n_train`` training images have their
    sprite in ``train_region`` (``"left"``; ``"everywhere"`` for the control
    experiment); the test images (``n_test`` per region, drawn with other
    seeds) have it in the left half and in the right half. Each head in
    ``heads`` (names from :data:`HEADS`) gets the network of :func:`make_cnn`
    with the same ``seed`` (so the same convolution weights at the start) and
    is trained the same way: ``epochs`` passes in batches of 64 with Adam (or
    ``optimizer="sgd"``, SGD with momentum 0.9) at learning rate ``lr``.

    The defaults are the fixed setting of the notebooks, the benchmark and the
    tests: 2 epochs of 1024 images, 32 steps, about 1.5 s of training per
    head on two idle cores. At ``seed=0`` the flatten head gets 98.75% of the
    left test images right and 30.75% of the right ones (chance is 25%); the
    global max pooling head gets 100% on both. Seeds 0 to 5 all give the
    same picture. A global *average* pooling head (``"gap"``) learns more
    slowly: give it ``epochs=3``.

    ``progress`` is passed to :func:`train` (``None``: silent). Returns a
    :class:`LeftRightResult`.
    """
    seed = integer(seed, "seed")
    if seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed}")
    if isinstance(heads, str) or not hasattr(heads, "__iter__") or not list(heads):
        raise ValueError(f"heads must be a non-empty sequence of names from {HEADS}, got {_describe(heads)}")
    heads = tuple(heads)
    for h in heads:
        choice(h, "heads", HEADS)
    if len(set(heads)) != len(heads):
        raise ValueError(f"heads must not repeat a name, got {heads}")
    n_train = positive_int(n_train, "n_train")
    n_test = positive_int(n_test, "n_test")
    epochs = positive_int(epochs, "epochs")
    channels = positive_int(channels, "channels")
    choice(pool, "pool", POOLS)
    lr = positive_float(lr, "lr")
    choice(optimizer, "optimizer", OPTIMIZERS)
    choice(train_region, "train_region", ("left", "everywhere"))
    x_tr, y_tr, _ = make_dataset(n_train, train_region, seed=seed)
    x_le, y_le, _ = make_dataset(n_test, "left", seed=seed + 1000)
    x_ri, y_ri, _ = make_dataset(n_test, "right", seed=seed + 2000)
    models, accuracy, seconds, histories = {}, {}, {}, {}
    for h in heads:
        model = make_cnn(head=h, channels=channels, pool=pool, n_classes=len(CLASSES), seed=seed)
        opt = Adam(lr) if optimizer == "adam" else SGD(lr)
        t0 = time.perf_counter()
        histories[h] = train(model, x_tr, y_tr, epochs=epochs, optimizer=opt, seed=seed, progress=progress,
                             title=f"{h} head")
        seconds[h] = time.perf_counter() - t0
        models[h] = model
        accuracy[h] = {"left": evaluate(model, x_le, y_le)[1], "right": evaluate(model, x_ri, y_ri)[1]}
    settings = dict(seed=seed, heads=heads, n_train=n_train, n_test=n_test, epochs=epochs, channels=channels,
                    pool=pool, lr=lr, optimizer=optimizer, train_region=train_region)
    data = {"train": (x_tr, y_tr), "left": (x_le, y_le), "right": (x_ri, y_ri)}
    return LeftRightResult(models, accuracy, seconds, histories, data, settings)


def probability_vs_column(model: Model, name: str = "cat", row: int = 9, cols=None, canvas: int = 28,
                          noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Slide one sprite across the canvas and record the model's probabilities.

    The sprite ``name`` (one of :data:`helpers.sprites.CLASSES`) is placed
    with its top-left pixel at ``(row, col)`` for each ``col`` in ``cols``
    (default: every column where it fits). Returns ``(cols, probs)`` with
    ``probs`` of shape ``(len(cols), K)``; ``probs[:, CLASSES.index(name)]``
    is p(true class) against position (science notes, experiment 5).
    """
    model = _check_model(model)
    choice(name, "name", CLASSES)
    size = positive_int(canvas, "canvas")
    cols = np.arange(size - 9 + 1) if cols is None else np.asarray(cols)
    if cols.ndim != 1 or cols.size == 0 or cols.dtype.kind not in "iu":
        raise ValueError(f"cols must be a non-empty 1-D array of integer columns, got {_describe(cols)}")
    rng = _as_rng(seed, "seed")
    x = np.stack([place(name, row, int(c), size, noise, rng) for c in cols])[:, None]
    return cols, model.predict_proba(x)
