"""Group convolution for the four 90-degree rotations (the group p4), in plain numpy.

A convolution shares one filter over all positions, and so it is equivariant
to shifts. Cohen & Welling (2016) share it over rotations too: every filter is
also applied in its four 90-degree rotations. The feature maps then get an
extra axis, the *orientation* ``r = 0, 1, 2, 3`` (the filter turned by
``r * 90`` degrees counter-clockwise), and rotating the input by 90 degrees
rotates every map *and rolls the orientation axis by one*.

Shapes: an ordinary image batch is ``(N, C, H, W)``; a p4 feature map is
``(N, C, 4, H, W)``. Rotations act on the last two axes, counter-clockwise
as drawn on screen (row 0 at the top), like ``np.rot90``.

The two layers, with ``R`` the rotation by 90 degrees and ``corr`` the
cross-correlation of :func:`helpers.ops.conv2d`:

- the **lifting layer** turns an image into a p4 map:
  ``out[o, r] = sum_c corr(x[c], R^r w[o, c])``, weights ``(O, C, k, k)``;
- the **group layer** maps a p4 map to a p4 map. Its filter has an
  orientation axis too, and for output orientation ``r`` the whole filter is
  turned: each slice is rotated by ``r`` and the orientation axis is rolled
  by ``r``: ``out[o, r] = sum_{c, s} corr(x[c, s], R^r w[o, c, (s - r) mod 4])``,
  weights ``(O, C, 4, k, k)``.

Both laws are exact: ``lift(R x) = P(lift(x))`` and
``group_conv(P(y)) = P(group_conv(y))`` where ``P`` = :func:`rotate_p4`
rotates each map and rolls the orientation axis by one. They need a square
kernel of odd size (its centre pixel is the rotation centre) and a padding
that treats the four sides alike (``"zero"``: zeros; or ``"circular"``).

Neither layer loops over pixels: the four rotated (and rolled) copies of the
filters are stacked into one ordinary filter bank of ``4 * O`` filters and
applied with one :func:`helpers.ops.conv2d` call. The trainable versions
(:class:`P4Lift`, :class:`P4Conv`) plug into :class:`helpers.tinycnn.Model`;
their backward pass is that of the stacked convolution, with the gradient of
each stacked copy turned back and summed onto the weight it was made from
(weight sharing over rotations, exactly as over positions).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, choice, describe_value, integer, padding_choice, positive_int
from .ops import conv2d, shift
from .tinycnn._checks import as_rng, check_grad, check_images, raise_forward_first
from .tinycnn.layers import Conv2D, Dense, Layer, ReLU
from .tinycnn.model import Model
from .tinycnn.pool_layers import GlobalAvgPool, GlobalMaxPool, MaxPool2D

__all__ = [
    "ORIENTATIONS",
    "P4_PADDINGS",
    "rot90",
    "rotate_p4",
    "lift_filters",
    "group_filters",
    "lift",
    "group_conv",
    "orientation_pool",
    "P4Lift",
    "P4Conv",
    "OrientationPool",
    "make_p4_cnn",
    "make_plain_cnn",
    "quantize_weights",
    "TRANSFORMS",
    "transform",
    "invariance_report",
]

#: The number of rotations in p4: 0, 90, 180 and 270 degrees.
ORIENTATIONS = 4
#: Paddings that keep the rotation laws exact (both treat the four sides alike).
P4_PADDINGS = ("circular", "zero")


# --------------------------------------------------------------------------
# Rotations
# --------------------------------------------------------------------------

def rot90(x, r: int = 1) -> np.ndarray:
    """Rotate the last two axes of ``x`` by ``r * 90`` degrees counter-clockwise.

    ``x`` has shape ``(..., H, W)``; the result has shape ``(..., W, H)``.
    Any integer ``r`` is allowed (taken modulo 4; negative turns clockwise).
    """
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    r = integer(r, "r")
    return np.rot90(x, r % ORIENTATIONS, axes=(-2, -1)).copy()


def rotate_p4(y, r: int = 1) -> np.ndarray:
    """How a p4 feature map moves when the input is rotated by ``r * 90`` degrees.

    ``y`` has shape ``(..., 4, H, W)`` (orientation axis third from the end).
    Every map is rotated by ``r`` quarter turns *and* the orientation axis is
    rolled by ``r``: the map that orientation ``s`` held moves to orientation
    ``s + r``. This is the law ``lift(rot90(x, r)) == rotate_p4(lift(x), r)``.
    """
    y = as_float_array(y, "y")
    if y.ndim < 3 or y.shape[-3] != ORIENTATIONS:
        raise ValueError(f"y must have shape (..., 4, H, W) with the 4 orientations third from the end, "
                         f"got shape {y.shape}")
    r = integer(r, "r") % ORIENTATIONS
    return np.roll(np.rot90(y, r, axes=(-2, -1)), r, axis=-3).copy()


# --------------------------------------------------------------------------
# Filter banks
# --------------------------------------------------------------------------

def _check_kernel(w: np.ndarray, name: str = "w") -> None:
    kh, kw = w.shape[-2:]
    if kh != kw or kh % 2 == 0:
        raise ValueError(f"{name} must hold square kernels of odd size (3x3, 5x5, ...) so that a rotation "
                         f"turns each kernel about its centre pixel; got kernels of size {kh}x{kw}")


def lift_filters(w) -> np.ndarray:
    """The four rotated copies of every filter: ``(O, C, k, k) -> (O, 4, C, k, k)``.

    ``out[o, r, c] = rot90(w[o, c], r)``.
    """
    w = as_float_array(w, "w", ndims=(4,))
    _check_kernel(w)
    return np.stack([np.rot90(w, r, axes=(-2, -1)) for r in range(ORIENTATIONS)], axis=1)


def group_filters(w) -> np.ndarray:
    """The four turned copies of every group filter: ``(O, C, 4, k, k) -> (O, 4, C, 4, k, k)``.

    Copy ``r`` rotates every slice by ``r`` quarter turns and rolls the
    filter's own orientation axis by ``r``:
    ``out[o, r, c, s] = rot90(w[o, c, (s - r) mod 4], r)``.
    """
    w = as_float_array(w, "w", ndims=(5,))
    if w.shape[2] != ORIENTATIONS:
        raise ValueError(f"w must have shape (O, C, 4, k, k) (an orientation axis of length 4), got {w.shape}")
    _check_kernel(w)
    return np.stack([np.rot90(np.roll(w, r, axis=2), r, axes=(-2, -1)) for r in range(ORIENTATIONS)], axis=1)


def _bias(b, n_out: int, name: str = "b") -> np.ndarray:
    if b is None:
        return np.zeros(n_out)
    b = as_float_array(b, name, ndims=(0, 1)).reshape(-1)
    if b.shape[0] != n_out:
        raise ValueError(f"{name} must have shape ({n_out},) (one bias per output channel, shared by its "
                         f"4 orientations), got {b.shape}")
    return b


# --------------------------------------------------------------------------
# The two layers as functions
# --------------------------------------------------------------------------

def lift(x, w, b=None, padding: str = "circular") -> np.ndarray:
    """The lifting layer: correlate with the four rotated copies of each filter.

    Teaching case: ``x`` of shape ``(H, W)`` and ``w`` of shape ``(k, k)``;
    returns ``(4, H, W)`` with ``out[r] = conv2d(x, rot90(w, r))``.

    Batch case: ``x`` ``(N, C, H, W)``, ``w`` ``(O, C, k, k)``, ``b``
    ``(O,)``; returns ``(N, O, 4, H, W)``,
    ``out[n, o, r] = b[o] + sum_c corr(x[n, c], rot90(w[o, c], r))``.

    ``padding``: ``"circular"`` or ``"zero"`` (zeros); the output keeps the
    input's size. ``k`` must be odd.
    """
    x = as_float_array(x, "x", ndims=(2, 4))
    w = as_float_array(w, "w", ndims=(2, 4))
    padding_choice(padding, "padding", P4_PADDINGS)
    if x.ndim != w.ndim:
        raise ValueError(f"x and w must both be 2-D (one image, one kernel) or both 4-D ((N, C, H, W) and "
                         f"(O, C, k, k)); got x of shape {x.shape} and w of shape {w.shape}")
    teaching = x.ndim == 2
    x4, w4 = (x[None, None], w[None, None]) if teaching else (x, w)
    _check_kernel(w4)
    if x4.shape[1] != w4.shape[1]:
        raise ValueError(f"channel mismatch: x has {x4.shape[1]} channels (shape {x4.shape}) but w expects "
                         f"{w4.shape[1]} (shape {w4.shape}); w must be (O, C, k, k) with C = x.shape[1]")
    o = w4.shape[0]
    bank = lift_filters(w4).reshape(o * ORIENTATIONS, *w4.shape[1:])
    bias = np.repeat(_bias(b, o), ORIENTATIONS)
    out = conv2d(x4, bank, bias, padding=padding)
    out = out.reshape(x4.shape[0], o, ORIENTATIONS, *out.shape[-2:])
    return out[0, 0] if teaching else out


def group_conv(x, w, b=None, padding: str = "circular") -> np.ndarray:
    """The group layer: p4 map in, p4 map out.

    Teaching case: ``x`` ``(4, H, W)`` and ``w`` ``(4, k, k)`` (one channel
    in, one out); returns ``(4, H, W)``.

    Batch case: ``x`` ``(N, C, 4, H, W)``, ``w`` ``(O, C, 4, k, k)``, ``b``
    ``(O,)``; returns ``(N, O, 4, H, W)``,
    ``out[n, o, r] = b[o] + sum_{c, s} corr(x[n, c, s], rot90(w[o, c, (s - r) mod 4], r))``.
    """
    x = as_float_array(x, "x", ndims=(3, 5))
    w = as_float_array(w, "w", ndims=(3, 5))
    padding_choice(padding, "padding", P4_PADDINGS)
    if x.ndim != w.ndim:
        raise ValueError(f"x and w must both be 3-D ((4, H, W) and (4, k, k)) or both 5-D ((N, C, 4, H, W) "
                         f"and (O, C, 4, k, k)); got x of shape {x.shape} and w of shape {w.shape}")
    teaching = x.ndim == 3
    x5, w5 = (x[None, None], w[None, None]) if teaching else (x, w)
    if x5.shape[2] != ORIENTATIONS:
        raise ValueError(f"x must have an orientation axis of length 4 (shape (N, C, 4, H, W)), got {x.shape}")
    if w5.shape[2] != ORIENTATIONS:
        raise ValueError(f"w must have an orientation axis of length 4 (shape (O, C, 4, k, k)), got {w.shape}")
    _check_kernel(w5)
    if x5.shape[1] != w5.shape[1]:
        raise ValueError(f"channel mismatch: x has {x5.shape[1]} channels (shape {x5.shape}) but w expects "
                         f"{w5.shape[1]} (shape {w5.shape}); w must be (O, C, 4, k, k) with C = x.shape[1]")
    n, c = x5.shape[:2]
    o = w5.shape[0]
    bank = group_filters(w5).reshape(o * ORIENTATIONS, c * ORIENTATIONS, *w5.shape[-2:])
    bias = np.repeat(_bias(b, o), ORIENTATIONS)
    out = conv2d(x5.reshape(n, c * ORIENTATIONS, *x5.shape[-2:]), bank, bias, padding=padding)
    out = out.reshape(n, o, ORIENTATIONS, *out.shape[-2:])
    return out[0, 0] if teaching else out


def orientation_pool(y, mode: str = "max") -> np.ndarray:
    """Pool over the orientation axis: ``(..., 4, H, W) -> (..., H, W)``.

    ``mode`` is ``"max"`` or ``"mean"``. The result is an ordinary feature
    map that is *equivariant* to rotations of the input (it rotates with it,
    the roll is forgotten); a global pool on top makes it *invariant*.
    """
    y = as_float_array(y, "y")
    if y.ndim < 3 or y.shape[-3] != ORIENTATIONS:
        raise ValueError(f"y must have shape (..., 4, H, W) with the 4 orientations third from the end, "
                         f"got shape {y.shape}")
    choice(mode, "mode", ("max", "mean"))
    return y.max(axis=-3) if mode == "max" else y.mean(axis=-3)


# --------------------------------------------------------------------------
# Trainable layers for helpers.tinycnn.Model
# --------------------------------------------------------------------------
# A Model passes (N, C, H, W) arrays between layers, so the p4 layers below
# keep their maps flattened as (N, C * 4, H, W): channel c * 4 + r holds
# orientation r of channel c. ReLU and MaxPool2D act on every map alike, so
# they keep the rotation laws (max pooling 2x2 needs an even map size).

class _P4Base(Layer):
    """Shared machinery: a stacked :class:`helpers.tinycnn.Conv2D` does the work."""

    def __init__(self, in_ch: int, out_ch: int, k: int, padding: str, rng, fan_in: int, w_shape: tuple):
        super().__init__()
        self.in_ch = positive_int(in_ch, "in_ch")
        self.out_ch = positive_int(out_ch, "out_ch")
        self.k = positive_int(k, "k")
        if self.k % 2 == 0:
            raise ValueError(f"k must be odd (3, 5, ...) so that a rotation turns the kernel about its centre "
                             f"pixel; got {k}")
        self.padding = padding_choice(padding, "padding", P4_PADDINGS)
        rng = as_rng(rng)
        std = np.sqrt(2.0 / (fan_in * self.k * self.k))
        self.params = {"w": rng.standard_normal(w_shape) * std, "b": np.zeros(self.out_ch)}
        self.grads = {key: np.zeros_like(val) for key, val in self.params.items()}
        self._conv = Conv2D(self.stacked_in, self.out_ch * ORIENTATIONS, self.k, self.padding, rng=0)
        self._ran = False

    def _bank(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fold(self, g_bank: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, x) -> np.ndarray:
        x = check_images(x, "x", self.stacked_in)
        self._conv.params["w"] = self._bank()
        self._conv.params["b"] = np.repeat(self.params["b"], ORIENTATIONS)
        self._ran = True
        return self._conv.forward(x)

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        if not self._ran:
            raise_forward_first(self)
        gx = self._conv.backward(grad_out, input_grad=input_grad)
        self.grads["w"] = self._fold(self._conv.grads["w"])
        self.grads["b"] = self._conv.grads["b"].reshape(self.out_ch, ORIENTATIONS).sum(axis=1)
        return gx


class P4Lift(_P4Base):
    """The lifting layer as a trainable layer: ``(N, in_ch, H, W) -> (N, out_ch * 4, H, W)``.

    Output channel ``o * 4 + r`` is filter ``o`` turned by ``r`` quarter turns
    (see :func:`lift`). Parameters ``w`` ``(out_ch, in_ch, k, k)`` and ``b``
    ``(out_ch,)``, He-initialised from ``rng``. The gradient of ``w`` is the
    sum over the four orientations of each copy's gradient turned back.
    """

    kind = "lift"

    def __init__(self, in_ch: int, out_ch: int, k: int = 3, padding: str = "circular", rng=None):
        self.stacked_in = positive_int(in_ch, "in_ch")
        super().__init__(in_ch, out_ch, k, padding, rng, in_ch, (out_ch, in_ch, k, k))

    def _bank(self) -> np.ndarray:
        w = self.params["w"]
        return lift_filters(w).reshape(self.out_ch * ORIENTATIONS, self.in_ch, self.k, self.k)

    def _fold(self, g_bank: np.ndarray) -> np.ndarray:
        g = g_bank.reshape(self.out_ch, ORIENTATIONS, self.in_ch, self.k, self.k)
        return sum(np.rot90(g[:, r], -r, axes=(-2, -1)) for r in range(ORIENTATIONS))

    def describe(self) -> str:
        return f"P4Lift({self.in_ch}->{self.out_ch}x4, {self.k}x{self.k}, {self.padding})"


class P4Conv(_P4Base):
    """The group layer as a trainable layer: ``(N, in_ch * 4, H, W) -> (N, out_ch * 4, H, W)``.

    See :func:`group_conv`. Parameters ``w`` ``(out_ch, in_ch, 4, k, k)`` and
    ``b`` ``(out_ch,)``.
    """

    kind = "p4conv"

    def __init__(self, in_ch: int, out_ch: int, k: int = 3, padding: str = "circular", rng=None):
        self.stacked_in = positive_int(in_ch, "in_ch") * ORIENTATIONS
        super().__init__(in_ch, out_ch, k, padding, rng, in_ch * ORIENTATIONS,
                         (out_ch, in_ch, ORIENTATIONS, k, k))

    def _bank(self) -> np.ndarray:
        return group_filters(self.params["w"]).reshape(self.out_ch * ORIENTATIONS, self.in_ch * ORIENTATIONS,
                                                       self.k, self.k)

    def _fold(self, g_bank: np.ndarray) -> np.ndarray:
        g = g_bank.reshape(self.out_ch, ORIENTATIONS, self.in_ch, ORIENTATIONS, self.k, self.k)
        # copy r holds rot90(w[..., (s - r) mod 4], r) at slot s: turn back, then un-roll.
        return sum(np.roll(np.rot90(g[:, r], -r, axes=(-2, -1)), -r, axis=2) for r in range(ORIENTATIONS))

    def describe(self) -> str:
        return f"P4Conv({self.in_ch}x4->{self.out_ch}x4, {self.k}x{self.k}, {self.padding})"


class OrientationPool(Layer):
    """Maximum over the 4 orientations: ``(N, C * 4, H, W) -> (N, C, H, W)``.

    The gradient goes to the (first) orientation that held the maximum.
    """

    kind = "opool"

    def __init__(self):
        super().__init__()
        self._arg = None

    def forward(self, x) -> np.ndarray:
        x = check_images(x, "x")
        n, c4, h, w = x.shape
        if c4 % ORIENTATIONS:
            raise ValueError(f"x must have a multiple of 4 channels (C * 4 orientations), got shape {x.shape}")
        y = x.reshape(n, c4 // ORIENTATIONS, ORIENTATIONS, h, w)
        self._arg = y.argmax(axis=2)
        self._shape = x.shape
        return np.take_along_axis(y, self._arg[:, :, None], axis=2)[:, :, 0]

    def backward(self, grad_out) -> np.ndarray:
        if self._arg is None:
            raise_forward_first(self)
        n, c4, h, w = self._shape
        g = check_grad(grad_out, (n, c4 // ORIENTATIONS, h, w))
        gx = np.zeros((n, c4 // ORIENTATIONS, ORIENTATIONS, h, w))
        np.put_along_axis(gx, self._arg[:, :, None], g[:, :, None], axis=2)
        return gx.reshape(self._shape)

    def describe(self) -> str:
        return "OrientationPool(max)"


# --------------------------------------------------------------------------
# Two small networks to compare
# --------------------------------------------------------------------------

def _check_common(channels, n_classes, padding, global_pool):
    channels = positive_int(channels, "channels")
    if n_classes is not None:
        n_classes = positive_int(n_classes, "n_classes")
        if n_classes < 2:
            raise ValueError(f"n_classes must be at least 2 (or None for features only), got {n_classes}")
    padding_choice(padding, "padding", P4_PADDINGS)
    choice(global_pool, "global_pool", ("max", "avg"))
    return channels, n_classes


def make_p4_cnn(channels: int = 8, n_classes: int | None = None, padding: str = "circular",
                global_pool: str = "max", seed: int = 0) -> Model:
    """A tiny p4 network whose output is exactly invariant to 90-degree rotations.

    ``P4Lift(1 -> channels) -> ReLU -> MaxPool 2x2 -> P4Conv(channels -> channels)
    -> ReLU -> MaxPool 2x2 -> OrientationPool (max over the 4) -> global max
    (or average) pool``, then ``Dense(channels -> n_classes)`` unless
    ``n_classes`` is ``None`` (the model then returns the ``(N, channels)``
    pooled features). For a square input whose size is divisible by 4 (28:
    28 -> 14 -> 7), rotating the input by 90 degrees rotates every map and
    rolls its orientations, the orientation pool forgets the roll and the
    global pool the rotation.
    """
    channels, n_classes = _check_common(channels, n_classes, padding, global_pool)
    rng = as_rng(seed, "seed")
    layers: list[Layer] = [P4Lift(1, channels, 3, padding, rng=rng), ReLU(), MaxPool2D(2),
                           P4Conv(channels, channels, 3, padding, rng=rng), ReLU(), MaxPool2D(2),
                           OrientationPool(), GlobalMaxPool() if global_pool == "max" else GlobalAvgPool()]
    if n_classes is not None:
        layers.append(Dense(channels, n_classes, rng=rng))
    return Model(layers)


def make_plain_cnn(channels: int = 8, n_classes: int | None = None, padding: str = "circular",
                   global_pool: str = "max", seed: int = 0) -> Model:
    """The same network without the rotated copies: ``Conv2D -> ReLU -> MaxPool``
    twice, then the global pool (and ``Dense`` if ``n_classes`` is given).

    Shift-invariant like the p4 network (global pooling), but its filters are
    used in one orientation only, so rotating the input changes its features.
    ``padding`` is ``"circular"`` or ``"zero"``.
    """
    channels, n_classes = _check_common(channels, n_classes, padding, global_pool)
    rng = as_rng(seed, "seed")
    layers: list[Layer] = [Conv2D(1, channels, 3, padding, rng=rng), ReLU(), MaxPool2D(2),
                           Conv2D(channels, channels, 3, padding, rng=rng), ReLU(), MaxPool2D(2),
                           GlobalMaxPool() if global_pool == "max" else GlobalAvgPool()]
    if n_classes is not None:
        layers.append(Dense(channels, n_classes, rng=rng))
    return Model(layers)


def quantize_weights(model: Model, step: float = 2.0 ** -6) -> Model:
    """Round every weight of ``model`` to a multiple of ``step`` (a power of two), in place.

    With such weights and an input of small multiples of a power of two (a
    sprite of 0s and 1s), every product and every sum in the network is
    exact in floating point, whatever order it is taken in. Equalities such as
    "the features of the rotated cat equal those of the cat" then hold to the
    last bit and can be checked with ``np.array_equal``. With arbitrary
    weights they hold to about 1e-15: sums taken in another order round
    differently. Returns the model.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a helpers.tinycnn.Model, got {describe_value(model)}")
    if isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0 or not np.isfinite(step):
        raise ValueError(f"step must be a positive power of two such as 2 ** -6, got {describe_value(step)}")
    if np.log2(step) != np.round(np.log2(step)):
        raise ValueError(f"step must be a power of two (so that rounding to it is exact), got {step}")
    for p in model.params():
        p.value[...] = np.round(p.value / step) * step
    return model


# --------------------------------------------------------------------------
# Checking invariance
# --------------------------------------------------------------------------

#: The transformations of :func:`invariance_report`: each is tried in these variants.
TRANSFORMS = {
    "1-pixel shift": (("shift", 0, 1), ("shift", 1, 0)),
    "2-pixel shift": (("shift", 0, 2), ("shift", 2, 0), ("shift", 2, 2)),
    "90-degree rotation": (("rot", 1), ("rot", 2), ("rot", 3)),
}


def transform(x, variant) -> np.ndarray:
    """Apply one variant of :data:`TRANSFORMS` to ``x`` ``(..., H, W)``:
    ``("shift", dy, dx)`` (circular) or ``("rot", r)`` (``r`` quarter turns)."""
    if not isinstance(variant, tuple) or not variant or variant[0] not in ("shift", "rot"):
        raise ValueError(f"variant must be ('shift', dy, dx) or ('rot', r), got {describe_value(variant)}")
    if variant[0] == "shift":
        return shift(x, variant[1], variant[2])
    return rot90(x, variant[1])


def invariance_report(model: Model, x) -> dict:
    """For each transformation in :data:`TRANSFORMS`, the largest change of ``model``'s output.

    ``x`` is one image ``(H, W)`` (square, for the rotations). Returns
    ``{name: max |model(T x) - model(x)|}`` over the variants of each
    transformation: 0 means exactly invariant for this image.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a helpers.tinycnn.Model, got {describe_value(model)}")
    x = as_float_array(x, "x", ndims=(2,))
    if x.shape[0] != x.shape[1]:
        raise ValueError(f"x must be a square image (rotations keep its shape), got shape {x.shape}")
    base = model.forward(x[None, None])
    return {name: max(float(np.abs(model.forward(transform(x, v)[None, None]) - base).max()) for v in variants)
            for name, variants in TRANSFORMS.items()}
