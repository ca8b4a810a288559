"""Notebook 05's view measurements: how padding leaks position, and p4 against a plain CNN (plain numpy).

- :func:`window_responses`, :func:`deciding_filter` and :func:`leak_state`
  compute what the padding view of :mod:`helpers.explorers.beyond` shows: a
  network trained to tell the top-left corner from the bottom-right one
  (:func:`helpers.positions.trained_corner_net`) sees a difference only
  through its padding (Kayhan & van Gemert 2020, "On translation invariance
  in CNNs: convolutional layers can exploit absolute spatial location").
- :func:`rotation_networks` and :func:`rotation_state` compute what the
  rotation view shows: a p4 network's pooled features do not change when the
  object turns by 90 degrees, a plain CNN's do (Cohen & Welling 2016, "Group
  equivariant convolutional networks").

No widgets and no drawing here.
"""

from __future__ import annotations

import numpy as np

from ._validate import choice, describe_value, integer, padding_choice
from .filters import EAR
from .groupconv import lift, make_p4_cnn, make_plain_cnn, quantize_weights, rot90
from .ops import conv2d, pad2d
from .positions import CORNER_PADDINGS, CORNERS, corner_image, corner_position
from .sprites import place
from .tinycnn.model import Model

__all__ = [
    "window_responses",
    "corner_forward",
    "deciding_filter",
    "leak_state",
    "ROTATION_OBJECTS",
    "rotation_networks",
    "rotation_object",
    "plain_filters",
    "rotation_state",
]


def _model(model, name: str = "model") -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"{name} must be a helpers.tinycnn.Model, got {describe_value(model)}")
    return model


# --------------------------------------------------------------------------
# Padding leaks position
# --------------------------------------------------------------------------

def window_responses(model, x: np.ndarray, padding: str) -> np.ndarray:
    """The first layer's ReLU responses of *every* window that overlaps the image ``(C, H + 2r, W + 2r)``.

    ``x`` is one image ``(H, W)``, ``r`` the kernel radius. The inner ``H x W``
    block is the layer's real output. The outer ring holds windows centred
    outside the image: with zero padding the layer never computes them, they
    are lost; with circular padding they are computed, as their wrapped-around
    twins inside.
    """
    padding_choice(padding, "padding", CORNER_PADDINGS)
    conv = _model(model).layers[0]
    w, b = conv.params["w"], conv.params["b"]
    r = w.shape[-1] // 2
    if padding == "circular":
        inner = np.maximum(conv2d(x[None, None], w, b, padding="circular")[0], 0.0)
        return pad2d(inner, (r, r), (r, r), "circular")
    xp = pad2d(x[None, None], (2 * r, 2 * r), (2 * r, 2 * r), "zero")
    return np.maximum(conv2d(xp, w, b, padding="valid")[0], 0.0)


def corner_forward(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A corner network's globally max-pooled features ``(C,)`` and probabilities ``(2,)`` for one image ``(H, W)``."""
    model = _model(model)
    model.forward(np.asarray(x, dtype=float)[None, None], keep=True)
    return model.activations["gmp1"][0], model.activations["probs"][0]


def deciding_filter(model, canvas: int = 28) -> int:
    """The filter of a corner network that carries the decision at the corners.

    For filter ``j`` with dense weights ``w[j]``, its vote for "top-left"
    is ``w[j, 0] - w[j, 1]``; its share of the decision is that vote times
    the difference of its pooled feature between the cat touching the
    top-left and the bottom-right corner. Returns the ``j`` with the
    largest share. With circular padding all differences are 0 and no
    filter decides anything; it then returns the filter that moves the
    logits most, the largest ``|vote * pooled feature|`` (a filter that
    responds to the cat, not one that is silent).
    """
    w = _model(model).layers[-1].params["w"]
    vote = w[:, 0] - w[:, 1]
    feats = [corner_forward(model, corner_image(c, 0, canvas))[0] for c in CORNERS]
    share = np.abs(vote * (feats[0] - feats[1]))
    if share.max() > 1e-9:
        return int(np.argmax(share))
    return int(np.argmax(np.abs(vote * feats[0])))


def leak_state(model, padding: str, corner: str = "top-left", distance: int = 0, canvas: int = 28,
               filter: int | None = None) -> dict:
    """What a corner network (trained with ``padding``) makes of the cat ``distance`` pixels from ``corner``.

    ``filter`` is the deciding filter (:func:`deciding_filter` by default).
    Keys: ``x`` ``(canvas, canvas)``; ``padded`` (the image as the filters see
    it, padding included, ``(canvas + 2r, canvas + 2r)``); ``map``, the
    deciding filter's :func:`window_responses`; ``filter``; ``kernel`` (its
    weights); ``vote`` (its dense-weight difference, > 0 votes top-left);
    ``scale`` (the map's largest value over both corners at distance 0);
    ``seen`` and ``seen_value`` (the strongest response inside the image),
    ``lost`` and ``lost_value`` (the strongest outside it); ``pooled``,
    ``probs``, and ``probs_other`` for the other corner; ``feature_gap``, the
    largest difference of the pooled features between the two corners;
    ``distance``, ``corner``, ``padding``, ``position``, ``answer``.
    """
    model = _model(model)
    padding_choice(padding, "padding", CORNER_PADDINGS)
    choice(corner, "corner", CORNERS)
    d = integer(distance, "distance")
    other = CORNERS[1 - CORNERS.index(corner)]
    f = deciding_filter(model, canvas) if filter is None else integer(filter, "filter")
    conv = model.layers[0]
    r = conv.params["w"].shape[-1] // 2
    x = corner_image(corner, d, canvas)
    pooled, probs = corner_forward(model, x)
    pooled_other, probs_other = corner_forward(model, corner_image(other, d, canvas))
    m = window_responses(model, x, padding)[f]
    inside = np.zeros(m.shape, dtype=bool)
    inside[r:-r, r:-r] = True
    seen = tuple(int(v) for v in np.unravel_index(int(np.argmax(np.where(inside, m, -np.inf))), m.shape))
    lost = tuple(int(v) for v in np.unravel_index(int(np.argmax(np.where(inside, -np.inf, m))), m.shape))
    w = model.layers[-1].params["w"]
    scale = max(float(window_responses(model, corner_image(c, 0, canvas), padding)[f].max())
                for c in CORNERS) or 1.0
    return {"x": x, "padded": pad2d(x, (r, r), (r, r), padding),
            "map": m, "filter": f, "kernel": conv.params["w"][f, 0], "vote": float(w[f, 0] - w[f, 1]),
            "scale": scale, "seen": seen, "seen_value": float(m[seen]), "lost": lost, "lost_value": float(m[lost]),
            "pooled": pooled, "probs": probs, "probs_other": probs_other,
            "feature_gap": float(np.abs(pooled - pooled_other).max()),
            "distance": d, "corner": corner, "padding": padding,
            "position": corner_position(corner, d, canvas),
            "answer": CORNERS[int(np.argmax(probs))]}


# --------------------------------------------------------------------------
# Rotations
# --------------------------------------------------------------------------

#: Objects of the rotation view: neither looks the same after a quarter turn.
ROTATION_OBJECTS = ("cat", "triangle")


def rotation_networks(channels: int = 8, seed: int = 0):
    """The p4 network and the plain CNN of the rotation view, features only (no dense layer).

    Both have random weights from ``seed``, rounded to multiples of 2**-6
    (:func:`helpers.groupconv.quantize_weights`) so that every equality can
    be checked bit for bit; filter 0 of each first layer is the ear filter.
    Circular padding. Returns ``(p4, plain)``.
    """
    p4 = make_p4_cnn(channels=channels, padding="circular", seed=seed)
    plain = make_plain_cnn(channels=channels, padding="circular", seed=seed)
    quantize_weights(p4)
    quantize_weights(plain)
    p4.layers[0].params["w"][0, 0] = EAR
    plain.layers[0].params["w"][0, 0] = EAR
    return p4, plain


def rotation_object(quarter_turns: int, name: str = "cat", canvas: int = 28) -> np.ndarray:
    """The sprite ``name`` in the middle of the canvas, turned ``quarter_turns`` times 90 degrees counter-clockwise."""
    choice(name, "name", ROTATION_OBJECTS)
    top = (canvas - 9) // 2
    return rot90(place(name, top, top, canvas), integer(quarter_turns, "quarter_turns"))


def plain_filters(plain, canvas: int = 28, n: int = 4) -> list[int]:
    """The ear filter (0) and the ``n - 1`` other first-layer filters of ``plain`` that respond most to the cat."""
    conv = _model(plain, "plain").layers[0]
    strength = np.maximum(conv2d(rotation_object(0, "cat", canvas)[None, None], conv.params["w"], conv.params["b"],
                                 padding="circular")[0], 0).max(axis=(1, 2))
    return [0, *[int(i) + 1 for i in np.argsort(-strength[1:], kind="stable")[:n - 1]]]


def rotation_state(p4, plain, angle: int = 0, name: str = "cat", canvas: int = 28, filters=None,
                   reference=None) -> dict:
    """The object turned by ``angle`` degrees (a multiple of 90) through the p4 network and the plain CNN.

    ``filters``: the plain CNN's maps to show (:func:`plain_filters` by
    default); ``reference``: ``{"x", "p4", "plain"}`` for the unturned object
    (computed by default; a view caches it). Keys: ``x``, ``x_ref``,
    ``angle``, ``quarter_turns``, ``object``; ``p4_maps`` ``(4, H, W)``, the
    lifting layer's ReLU maps for the ear filter, with ``p4_peaks``,
    ``p4_peak_values`` and ``best_orientation``; ``plain_maps``, with
    ``plain_peak`` and ``plain_ear_max`` (the ear filter's largest value);
    ``p4_features``, ``plain_features``, ``p4_ref``, ``plain_ref`` (pooled
    features) and ``p4_change``, ``plain_change`` (their largest difference
    from the unturned object's). Raises ``ValueError`` if ``angle`` is not a
    multiple of 90.
    """
    p4, plain = _model(p4, "p4"), _model(plain, "plain")
    angle = integer(angle, "angle")
    if angle % 90:
        raise ValueError(f"angle must be a multiple of 90 degrees, got {angle}")
    filters = plain_filters(plain, canvas) if filters is None else list(filters)
    r = (angle // 90) % 4
    x = rotation_object(r, name, canvas)
    if reference is None:
        x0 = rotation_object(0, name, canvas)
        reference = {"x": x0, "p4": p4.forward(x0[None, None])[0], "plain": plain.forward(x0[None, None])[0]}
    conv = p4.layers[0]
    lifted = np.maximum(lift(x, conv.params["w"][0, 0], conv.params["b"][0], padding="circular"), 0.0)
    pconv = plain.layers[0]
    plain_maps = np.maximum(conv2d(x[None, None], pconv.params["w"][filters], pconv.params["b"][filters],
                                   padding="circular")[0], 0.0)
    f_p4, f_plain = p4.forward(x[None, None])[0], plain.forward(x[None, None])[0]
    peaks = [tuple(int(v) for v in np.unravel_index(int(np.argmax(m)), m.shape)) for m in lifted]
    return {"x": x, "x_ref": reference["x"], "angle": angle, "quarter_turns": r, "object": name,
            "p4_maps": lifted, "plain_maps": plain_maps, "p4_peaks": peaks,
            "p4_peak_values": [float(m.max()) for m in lifted],
            "best_orientation": int(np.argmax([m.max() for m in lifted])),
            "plain_peak": tuple(int(v) for v in np.unravel_index(int(np.argmax(plain_maps[0])),
                                                                 plain_maps[0].shape)),
            "plain_ear_max": float(plain_maps[0].max()),
            "p4_features": f_p4, "plain_features": f_plain,
            "p4_ref": reference["p4"], "plain_ref": reference["plain"],
            "p4_change": float(np.abs(f_p4 - reference["p4"]).max()),
            "plain_change": float(np.abs(f_plain - reference["plain"]).max())}
