"""Layers with weights or none, and the loss: each with ``forward(x)`` and ``backward(grad_out)``.

Each layer (:class:`Conv2D`, :class:`ReLU`, :class:`Flatten`, :class:`Dense`;
the pooling layers are in :mod:`helpers.tinycnn.pool_layers`) has
``forward(x)`` and ``backward(grad_out)``. ``backward`` receives the gradient
of the loss with respect to the layer's output and returns the gradient with
respect to its input; a layer with weights also fills its ``grads`` dict,
which has the same keys as its ``params`` dict. :class:`SoftmaxCrossEntropy`
turns logits and labels into one number and gives the gradient of that number
with respect to the logits.

Shapes: images ``(N, C, H, W)``, convolution weights ``(O, C, kh, kw)``, dense
weights ``(in_features, out_features)``, logits ``(N, K)``. All arithmetic is
float64; weights are drawn from a seeded ``numpy.random.Generator``.

No function loops over pixels in Python. A convolution's forward pass is
:func:`helpers.ops.conv2d` (an ``einsum`` over a ``sliding_window_view`` of
the padded input); its weight gradient lays the same windows out as one
matrix per image (*im2col*) and becomes a batched matrix product; its input
gradient is again a convolution, with the flipped kernel.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._validate import as_float_array, padding_choice, positive_int
from ..ops import conv2d, log_softmax, pad2d, pad_amounts, unpad2d
from ._checks import as_rng, check_grad, check_images, check_labels, layer_array, raise_forward_first

__all__ = ["Layer", "Conv2D", "ReLU", "Flatten", "Dense", "SoftmaxCrossEntropy", "CONV_PADDINGS"]

CONV_PADDINGS = ("zero", "circular", "valid")


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
        return layer_array(x, "x")

    def backward(self, grad_out) -> np.ndarray:
        """Gradient with respect to the input, from the gradient with respect to the output."""
        return layer_array(grad_out, "grad_out", allow_empty=True)

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
    ``padding="zero"`` or ``"circular"`` and ``stride=1`` the size is kept.
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
      circular padding's is folded back onto the pixels it copied (:func:`helpers.ops.unpad2d`).

    The windows come from ``sliding_window_view`` of the padded input (a view,
    no copy); ``dL/dw`` copies them once into one matrix per image (im2col)
    and is then a batched matrix product. No Python loop runs over pixels.
    """

    kind = "conv"

    def __init__(self, in_ch: int, out_ch: int, k: int = 3, padding: str = "zero", stride: int = 1, rng=None):
        super().__init__()
        self.in_ch = positive_int(in_ch, "in_ch")
        self.out_ch = positive_int(out_ch, "out_ch")
        self.k = positive_int(k, "k")
        self.padding = padding_choice(padding, "padding", CONV_PADDINGS)
        self.stride = positive_int(stride, "stride")
        rng = as_rng(rng)
        std = np.sqrt(2.0 / (self.in_ch * self.k * self.k))
        self.params = {"w": rng.standard_normal((self.out_ch, self.in_ch, self.k, self.k)) * std,
                       "b": np.zeros(self.out_ch)}
        self.grads = {key: np.zeros_like(val) for key, val in self.params.items()}
        self._xp = None

    def _pad_amounts(self):
        if self.padding == "valid":
            return (0, 0), (0, 0)
        (t, b) = pad_amounts(self.k)
        return (t, t), (b, b)

    def forward(self, x) -> np.ndarray:
        """``(N, in_ch, H, W) -> (N, out_ch, Ho, Wo)``."""
        x = check_images(x, "x", self.in_ch)
        before, after = self._pad_amounts()
        xp = pad2d(x, before, after, self.padding) if self.padding != "valid" else x
        if xp.shape[-2] < self.k or xp.shape[-1] < self.k:
            raise ValueError(f"x of shape {x.shape} is smaller than the {self.k}x{self.k} kernel "
                             f"with padding={self.padding!r}; use larger images or padding='zero'")
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
            raise_forward_first(self)
        g = check_grad(grad_out, self._out_shape)
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
        return unpad2d(gxp, before, after, "circular")

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
        x = layer_array(x, "x")
        self._mask = x > 0
        return np.maximum(x, 0.0)

    def backward(self, grad_out) -> np.ndarray:
        if self._mask is None:
            raise_forward_first(self)
        g = check_grad(grad_out, self._mask.shape)
        return g * self._mask


class Flatten(Layer):
    """``(N, C, H, W) -> (N, C * H * W)``: every value gets its own slot, tied to its position."""

    kind = "flatten"

    def __init__(self):
        super().__init__()
        self._in_shape = None

    def forward(self, x) -> np.ndarray:
        x = layer_array(x, "x")
        if x.ndim < 2:
            raise ValueError(f"x must have a batch axis and at least one more, got shape {x.shape}")
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out) -> np.ndarray:
        if self._in_shape is None:
            raise_forward_first(self)
        n = self._in_shape[0]
        g = check_grad(grad_out, (n, int(np.prod(self._in_shape[1:]))))
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
        rng = as_rng(rng)
        std = np.sqrt(2.0 / self.in_features)
        self.params = {"w": rng.standard_normal((self.in_features, self.out_features)) * std,
                       "b": np.zeros(self.out_features)}
        self.grads = {key: np.zeros_like(val) for key, val in self.params.items()}
        self._x = None

    def forward(self, x) -> np.ndarray:
        x = layer_array(x, "x", ndims=(2,))
        if x.shape[1] != self.in_features:
            raise ValueError(f"x must have shape (N, {self.in_features}) for Dense({self.in_features}, "
                             f"{self.out_features}), got {x.shape}")
        self._x = x
        return x @ self.params["w"] + self.params["b"]

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` (``dL/dw = x.T @ g``, ``dL/db = g.sum(0)``) and return ``dL/dx = g @ w.T``."""
        if self._x is None:
            raise_forward_first(self)
        g = check_grad(grad_out, (self._x.shape[0], self.out_features))
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
        y = check_labels(y, logits.shape[0], logits.shape[1])
        logp = log_softmax(logits, axis=1)
        self.probs = np.exp(logp)
        self._y = y
        return float(-logp[np.arange(len(y)), y].mean())

    def backward(self) -> np.ndarray:
        if self.probs is None:
            raise_forward_first(self)
        g = self.probs.copy()
        g[np.arange(len(self._y)), self._y] -= 1.0
        return g / len(self._y)
