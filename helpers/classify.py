"""Notebook 04's view measurements: what two trained classifiers make of one sprite (plain numpy).

:func:`classify_state` computes what the live view of
:mod:`helpers.explorers.classify` shows for a sprite at one position: for a
network with a flatten head and one with a global pooling head, their feature
maps, logits, probabilities and predictions. A flatten head has one weight
per position, so what it learned in the left half does not carry over to the
right; a global pool gives the same features wherever the sprite sits (Lin et
al. 2013, "Network in network"; Blything et al. 2021).

No widgets and no drawing here. The networks and their training are in
:mod:`helpers.tinycnn`.
"""

from __future__ import annotations

import numpy as np

from ._validate import choice, describe_value, integer
from .sprites import CLASSES, SPRITE_SIZE, place, region_columns
from .tinycnn.layers import Conv2D, Flatten
from .tinycnn.model import Model
from .tinycnn.pool_layers import GlobalAvgPool, GlobalMaxPool

__all__ = ["HEAD_LABELS", "SPRITE", "head_kind", "check_two_stage_classifier", "region_of", "pick_channels",
           "classify_state"]

#: How each head is named in the panels and the readout.
HEAD_LABELS = {"flatten": "flatten + dense", "gap": "global average pool + dense",
               "gmp": "global max pool + dense"}
#: The side of a sprite, in pixels.
SPRITE = SPRITE_SIZE  # the name the live view and notebook 04 use


def head_kind(model) -> str | None:
    """``"flatten"``, ``"gap"`` or ``"gmp"``: the layer of ``model`` that turns maps into one vector."""
    for layer in model.layers:
        if isinstance(layer, Flatten):
            return "flatten"
        if isinstance(layer, GlobalAvgPool):
            return "gap"
        if isinstance(layer, GlobalMaxPool):
            return "gmp"
    return None


def check_two_stage_classifier(model, name: str, heads: tuple[str, ...], canvas: int = 28) -> Model:
    """``model`` itself if it is one of notebook 04's classifiers (:func:`helpers.tinycnn.make_cnn`) with a
    head in ``heads``; ``TypeError`` or ``ValueError`` naming the argument ``name`` otherwise."""
    if not isinstance(model, Model):
        raise TypeError(f"{name} must be a trained helpers.tinycnn.Model (from make_cnn), got {describe_value(model)}")
    if model.n_classes != len(CLASSES):
        raise ValueError(f"{name} must end with {len(CLASSES)} logits, one per class {CLASSES}, "
                         f"got {model.n_classes}")
    kind = head_kind(model)
    if kind not in heads:
        raise ValueError(f"{name} must have a {' or '.join(HEAD_LABELS[h] for h in heads)} head, "
                         f"got {HEAD_LABELS.get(kind, 'no such head')} ({model!r})")
    first = model.layers[0]
    if not isinstance(first, Conv2D) or first.in_ch != 1:
        raise ValueError(f"{name} must start with a one-channel Conv2D (images of shape (1, 1, {canvas}, {canvas})), "
                         f"got {first.describe()}")
    names = [layer.name for layer in model.layers]
    for key in ("relu1", "pool2"):
        if key not in names:
            raise ValueError(f"{name} must have two conv -> ReLU -> pool stages (layers 'relu1' ... 'pool2'), "
                             f"got layers {names}")
    try:
        model.forward(np.zeros((1, 1, canvas, canvas)))
    except ValueError as exc:
        raise ValueError(f"{name} does not accept {canvas}x{canvas} images: {exc}") from None
    return model


def region_of(col: int, canvas: int = 28) -> str:
    """Where a sprite whose left column is ``col`` lies: the left half, the right half, or across the middle."""
    lo, hi = region_columns("left", canvas, SPRITE)
    if lo <= col <= hi:
        return "left half"
    lo, hi = region_columns("right", canvas, SPRITE)
    if lo <= col <= hi:
        return "right half"
    return "across the middle"


def _activations(model: Model, x: np.ndarray, canvas: int) -> dict:
    model.forward(x.reshape(-1, 1, canvas, canvas), keep=True)
    return model.activations


def pick_channels(models, row: int, n: int, canvas: int = 28):
    """Per network: the ``n`` channels of relu1 and of pool2 that respond most to the cat at ``(row, 9)``.

    Returns ``(channels, vmax, pool_size)``: per model a dict ``{"relu1": [...], "pool2": [...]}`` of
    channel indices, a dict of the same shape with each channel's largest value over every sprite at the
    left, middle and right of ``row`` (a colour scale), and the side of the pool2 maps.
    """
    row, n = integer(row, "row"), integer(n, "n")
    x = np.stack([np.zeros((canvas, canvas)), place("cat", row, 9, canvas)])
    sprites = np.stack([place(s, row, c, canvas) for s in CLASSES for c in (0, 9, canvas - SPRITE)])
    channels, vmax, pool_size = [], [], []
    for model in models:
        chosen, scale = {}, {}
        acts = _activations(model, x, canvas)
        pool_size.append(acts["pool2"].shape[-1])
        for key in ("relu1", "pool2"):
            score = (acts[key][1] - acts[key][0]).clip(min=0).sum(axis=(1, 2))
            chosen[key] = [int(c) for c in np.argsort(-score, kind="stable")[:n]]
        acts = _activations(model, sprites, canvas)
        for key in ("relu1", "pool2"):
            scale[key] = [float(acts[key][:, c].max()) or 1.0 for c in chosen[key]]
        channels.append(chosen)
        vmax.append(scale)
    return channels, vmax, pool_size


def classify_state(models, row: int, col: int, sprite: str, channels, canvas: int = 28, kinds=None,
                   labels=None) -> dict:
    """The sprite ``sprite`` at ``(row, col)`` through each model of ``models``.

    ``channels``: per model, the relu1 and pool2 channels to keep
    (:func:`pick_channels`). Keys: ``x`` ``(canvas, canvas)``, ``row``,
    ``col``, ``sprite``, ``true`` (its class index), ``region``
    (:func:`region_of`) and ``heads``, one dict per model with ``kind``,
    ``label``, ``relu1`` and ``pool2`` (the kept maps), ``logits`` ``(K,)``,
    ``probs`` ``(K,)``, ``pred``, ``pred_name``, ``p_pred``, ``p_cat`` and ``p_true``.
    """
    row, col = integer(row, "row"), integer(col, "col")
    choice(sprite, "sprite", CLASSES)
    kinds = [head_kind(m) for m in models] if kinds is None else kinds
    labels = [HEAD_LABELS.get(k, str(k)) for k in kinds] if labels is None else labels
    x = place(sprite, row, col, canvas)
    k = CLASSES.index(sprite)
    heads = []
    for model, kind, label, chans in zip(models, kinds, labels, channels):
        acts = _activations(model, x, canvas)
        probs = acts["probs"][0].copy()
        pred = int(np.argmax(probs))
        heads.append({"kind": kind, "label": label,
                      "relu1": acts["relu1"][0, chans["relu1"]].copy(),
                      "pool2": acts["pool2"][0, chans["pool2"]].copy(),
                      "logits": acts["logits"][0].copy(), "probs": probs,
                      "pred": pred, "pred_name": CLASSES[pred], "p_pred": float(probs[pred]),
                      "p_cat": float(probs[CLASSES.index("cat")]), "p_true": float(probs[k])})
    return {"x": x, "row": row, "col": col, "sprite": sprite, "true": k,
            "region": region_of(col, canvas), "heads": heads}
