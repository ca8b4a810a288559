"""Pooling layers: max, blur and max-blur pooling with stride 2, and the global pools.

:class:`MaxPool2D`, :class:`BlurPool2D` and :class:`MaxBlurPool2D` halve the
spatial size; :class:`GlobalAvgPool` and :class:`GlobalMaxPool` turn
``(N, C, H, W)`` into ``(N, C)``, one number per channel whatever the position
of the feature. Each has ``forward`` and ``backward`` like the layers of
:mod:`helpers.tinycnn.layers`. The windowed pools compare a few strided views
of the input, one per position in the window; no Python loop runs over pixels.
"""

from __future__ import annotations

import numpy as np

from .._validate import choice, padding_choice, positive_int
from ..ops import BLUR_FILTERS, blur_kernel, blur_pool2d, pad2d, pad_amounts, unpad2d
from ._checks import check_grad, check_images, raise_forward_first
from .layers import Layer

__all__ = ["MaxPool2D", "BlurPool2D", "MaxBlurPool2D", "GlobalAvgPool", "GlobalMaxPool"]


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
        x = check_images(x, "x")
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
            raise_forward_first(self)
        g = check_grad(grad_out, self._out.shape)
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
    before, after = pad_amounts(n_k)
    h, w = in_shape[-2:]
    ho, wo = g.shape[-2:]
    gxp = np.zeros(in_shape[:-2] + (h + n_k - 1, w + n_k - 1))
    for u in range(n_k):
        for v in range(n_k):
            gxp[..., u:u + stride * (ho - 1) + 1:stride, v:v + stride * (wo - 1) + 1:stride] += kernel[u, v] * g
    return unpad2d(gxp, (before, before), (after, after), padding)


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
        self.padding = padding_choice(padding, "padding", ("circular", "zero"))
        self.kernel = blur_kernel(self.filter)
        self._in_shape = None

    def forward(self, x) -> np.ndarray:
        x = check_images(x, "x")
        self._in_shape = x.shape
        out = blur_pool2d(x, self.stride, self.filter, self.padding)
        self._out_shape = out.shape
        return out

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            raise_forward_first(self)
        g = check_grad(grad_out, self._out_shape)
        return _blur_transpose(g, self.kernel, self.stride, self._in_shape, self.padding)

    def describe(self) -> str:
        return f"BlurPool2D(stride {self.stride}, {self.filter}, {self.padding})"


class MaxBlurPool2D(Layer):
    """Anti-aliased max pooling (Zhang, 2019): a dense 2x2 max, then :class:`BlurPool2D`.

    The max is taken over every 2x2 window at stride 1, so the size is kept
    and the operation commutes with shifts; only the blur pool subsamples,
    and it blurs first. ``(N, C, H, W) -> (N, C, ceil(H / stride), ceil(W / stride))``.

    ``padding="circular"`` (default) wraps around for both steps, which makes
    the shift laws exact. ``padding="zero"``: the windows at the last row and
    column simply have fewer pixels (the missing ones count as minus
    infinity), and the blur pads with zeros, so the two borders of the image
    never mix.
    """

    kind = "pool"
    OFFSETS = ((0, 0), (0, 1), (1, 0), (1, 1))

    def __init__(self, stride: int = 2, filter: str = "bin5", padding: str = "circular"):
        super().__init__()
        self.padding = padding_choice(padding, "padding", ("circular", "zero"))
        self.blur = BlurPool2D(stride, filter, self.padding)
        self.stride, self.filter = self.blur.stride, self.blur.filter
        self._xp = None

    def forward(self, x) -> np.ndarray:
        x = check_images(x, "x")
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
            raise_forward_first(self)
        g = self.blur.backward(grad_out)
        h, w = g.shape[-2:]
        gxp = np.zeros(self._xp.shape)
        taken = np.zeros(g.shape, dtype=bool)
        for a, b in self.OFFSETS:  # the gradient goes to the first maximum of each window
            first = (self._xp[..., a:a + h, b:b + w] == self._dense) & ~taken
            taken |= first
            gxp[..., a:a + h, b:b + w] += g * first
        return unpad2d(gxp, (0, 0), (1, 1), self.padding)  # with "zero" the padding never wins a max

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
        x = check_images(x, "x")
        self._in_shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            raise_forward_first(self)
        n, c, h, w = self._in_shape
        g = check_grad(grad_out, (n, c))
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
        x = check_images(x, "x")
        n, c, h, w = x.shape
        flat = x.reshape(n, c, h * w)
        self._arg = flat.argmax(axis=-1)
        self._in_shape = x.shape
        return np.take_along_axis(flat, self._arg[..., None], axis=-1)[..., 0]

    def backward(self, grad_out) -> np.ndarray:
        if self._arg is None:
            raise_forward_first(self)
        n, c, h, w = self._in_shape
        g = check_grad(grad_out, (n, c))
        gx = np.zeros((n, c, h * w))
        np.put_along_axis(gx, self._arg[..., None], g[..., None], axis=-1)
        return gx.reshape(self._in_shape)
