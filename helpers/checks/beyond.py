"""Checkers for notebook 05: the lifting layer, an invariance prediction, and a trained p4 network's accuracy."""

from __future__ import annotations

import numpy as np

from ..groupconv import lift
from ..ops import conv2d
from .core import checker, fail, ok, todo

__all__ = ["check_lift", "check_invariance_prediction", "INVARIANCE_QUESTION", "INVARIANCE_ANSWER",
           "check_rotated_accuracy"]

#: (image shape, kernel size): square and non-square images, and a 5x5 kernel, which an answer that
#: assumes 3x3 kernels (padding 1, three offsets) gets wrong.
_CASES = [((6, 6), 3), ((7, 7), 3), ((5, 8), 3), ((9, 9), 5)]


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


@checker
def check_lift(my_lift):
    """``my_lift(x, w)``: a 2-D image and a 2-D odd kernel -> ``(4, H, W)``, ``out[r] = corr(x, rot90(w, r))``.

    Circular padding, output the size of the image, orientation axis first.
    """
    rng = np.random.default_rng(11)
    for shape, k in _CASES:
        x = rng.integers(-3, 4, size=shape).astype(float)
        w = rng.integers(-2, 3, size=(k, k)).astype(float)
        want = lift(x, w, padding="circular")
        got = my_lift(x.copy(), w.copy())
        if got is None:
            return todo()
        got = np.asarray(got, dtype=float)
        if _same(got, want):
            continue
        where = f"for an image of shape {shape} and a {k}x{k} kernel"
        if k != 3:  # every 3x3 case passed
            return fail(f"{where} the result is wrong, although your function is right for 3x3 kernels: does it "
                        "assume a 3x3 kernel (padding 1, or three offsets)? Let conv2d(x, np.rot90(w, r), "
                        "padding='circular') handle any odd size.")
        if got.shape == (*shape, 4) and _same(np.moveaxis(got, -1, 0), want):
            return fail(f"{where} you stacked the orientations on the last axis, shape {got.shape}; put them "
                        f"first: shape (4, {shape[0]}, {shape[1]}), e.g. np.stack([...], axis=0).")
        if got.shape != want.shape:
            return fail(f"{where} the result has shape {got.shape}; expected {want.shape}: four maps, one per "
                        "rotation of the kernel, each the size of the image (circular padding).")
        if _same(got, want[[0, 3, 2, 1]]):
            return fail(f"{where} maps 1 and 3 are swapped: you turned the kernel the wrong way. Map r uses the "
                        "kernel turned r quarter turns counter-clockwise, np.rot90(w, r), the same way "
                        "np.rot90 turns an image.")
        if all(_same(got[r], got[0]) for r in range(1, 4)):
            return fail(f"{where} all four maps are the same: map r must use the kernel turned by r quarter "
                        "turns, np.rot90(w, r).")
        if shape[0] == shape[1] and _same(
                got, np.stack([conv2d(np.rot90(x, r), w, padding="circular") for r in range(4)])):
            return fail(f"{where} you turned the image instead of the kernel, so map r comes out turned too. "
                        "Keep the image still and correlate it with the turned kernel np.rot90(w, r).")
        flipped = np.stack([conv2d(x, np.rot90(w, r)[::-1, ::-1], padding="circular") for r in range(4)])
        if _same(got, flipped):
            return fail(f"{where} the kernel is flipped: conv2d is cross-correlation, do not flip the kernel "
                        "(np.rot90(w, r) only).")
        zero = np.stack([conv2d(x, np.rot90(w, r), padding="zero") for r in range(4)])
        if _same(got, zero):
            return fail(f"{where} the values at the border are wrong: you used zero padding; use "
                        "padding='circular' (the image wraps around).")
        if shape[0] != shape[1] and _same(got[0], want[0]):
            return fail(f"{where} (not square) map 0 is right but the others are not: turn the kernel, "
                        "not the image: conv2d(x, np.rot90(w, r), padding='circular').")
        return fail(f"{where} some values are wrong: out[r] must be conv2d(x, np.rot90(w, r), "
                    "padding='circular') for r = 0, 1, 2, 3.")
    return ok("your lifting layer matches helpers.groupconv.lift on square and non-square images, "
              "with 3x3 and 5x5 kernels.")


#: The prediction exercise: two architectures and three transformations.
INVARIANCE_QUESTION = {
    "A": "circular 3x3 conv (8 filters) -> ReLU -> 2x2 max pool, stride 2 -> global average pool",
    "B": ("p4 lifting layer (the same 8 filters, each in 4 orientations, circular) -> ReLU -> 2x2 max pool, "
          "stride 2 -> max over the 4 orientations -> global average pool"),
}
TRANSFORMS = ("1-pixel shift", "2-pixel shift", "90-degree rotation")
#: The right answers (the notebook checks them by running both networks).
INVARIANCE_ANSWER = {
    "A": {"1-pixel shift": False, "2-pixel shift": True, "90-degree rotation": False},
    "B": {"1-pixel shift": False, "2-pixel shift": True, "90-degree rotation": True},
}

_HINTS = {
    ("A", "1-pixel shift", True): "A, 1-pixel shift: the max pool has stride 2. A shift by 1 makes it sample the "
    "other polyphase component, which is a different map, not a shifted copy (notebook 02); its average changes.",
    ("A", "2-pixel shift", False): "A, 2-pixel shift: 2 is a multiple of the stride, so the pooled map is the old "
    "one circularly shifted by one cell, and a global average does not care where the values are.",
    ("A", "90-degree rotation", True): "A, rotation: each filter is used in one orientation only. A turned cat "
    "meets the filters at another angle, and the responses change (see the plain CNN in the live view).",
    ("B", "1-pixel shift", True): "B, 1-pixel shift: the rotated copies change nothing about the stride; B has "
    "the same stride-2 max pool as A.",
    ("B", "2-pixel shift", False): "B, 2-pixel shift: as for A, a shift by the stride moves the pooled maps by "
    "one cell, and the pools over orientations and positions forget it.",
    ("B", "90-degree rotation", False): "B, rotation: turning the input turns every map and rolls the "
    "orientations (section 4). The max over the orientations forgets the roll, and the global average forgets "
    "the turn (a quarter turn maps the 2x2 pooling cells of a 28x28 map onto each other).",
}


@checker
def check_invariance_prediction(prediction):
    """``prediction["A"]["1-pixel shift"]`` etc.: True if the network's output is exactly invariant."""
    if not isinstance(prediction, dict) or set(prediction) != {"A", "B"}:
        return fail(f"give a dict with keys 'A' and 'B', each a dict of True/False for {', '.join(TRANSFORMS)}; "
                    f"got {prediction!r}.")
    for net in ("A", "B"):
        part = prediction[net]
        if not isinstance(part, dict) or set(part) != set(TRANSFORMS):
            return fail(f"prediction[{net!r}] must be a dict with the keys {', '.join(map(repr, TRANSFORMS))}; "
                        f"got {part!r}.")
        if any(v is None for v in part.values()):
            return todo("replace every None with True (exactly invariant) or False, then run again.")
        for t, v in part.items():
            if not isinstance(v, (bool, np.bool_)):
                return fail(f"prediction[{net!r}][{t!r}] must be True or False, got {v!r}.")
    wrong = [(net, t) for net in ("A", "B") for t in TRANSFORMS
             if bool(prediction[net][t]) != INVARIANCE_ANSWER[net][t]]
    if not wrong:
        return ok("A and B both ignore 2-pixel shifts and both notice 1-pixel shifts (the stride); only B, "
                  "with its filters shared over rotations, ignores a 90-degree turn.")
    net, t = wrong[0]
    more = f" ({len(wrong) - 1} more to fix after this one)" if len(wrong) > 1 else ""
    return fail(_HINTS[(net, t, bool(prediction[net][t]))] + more)


#: Upright accuracies the rotated-accuracy checker tries (fractions), among them the one of seed 3.
_UPRIGHT = (1.0, 0.88, 0.5, 0.3)


@checker
def check_rotated_accuracy(rotated_accuracy):
    """``rotated_accuracy(upright)``: the trained p4 network's test accuracy at 90, 180 and 270 degrees.

    ``upright`` is its accuracy (a fraction) on the upright test objects; the
    answer is a sequence of three fractions. Right: all three equal
    ``upright`` (the network's output is invariant to quarter turns, so every
    answer, right or wrong, is the same at every angle).
    """
    if not callable(rotated_accuracy):
        return fail(f"give a function rotated_accuracy(upright) that returns three accuracies; "
                    f"got {type(rotated_accuracy).__name__}.")
    answers = {}
    for up in _UPRIGHT:
        got = rotated_accuracy(up)
        if got is None or (hasattr(got, "__len__") and any(v is None for v in got)):
            return todo("return three numbers, the accuracies at 90, 180 and 270 degrees, then run again.")
        try:
            values = np.asarray(got, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            return fail(f"rotated_accuracy({up}) must return three numbers, got {got!r}.")
        if values.shape != (3,):
            return fail(f"rotated_accuracy({up}) must return three numbers (for 90, 180 and 270 degrees), "
                        f"got {got!r}.")
        answers[up] = values
    if all(np.allclose(v, up) for up, v in answers.items()):
        return ok("the same accuracy at every angle: a turned image gives the p4 network exactly the features "
                  "of the upright one (up to rounding, far below 1e-12), so every answer, right or wrong, "
                  "stays the same.")
    if any((v > 1).any() for v in answers.values()):
        return fail("give accuracies as fractions, as `upright` is (0.88, not 88).")
    if all(np.allclose(v, 0.25) for v in answers.values()):
        return fail("0.25 is chance with four classes, but the network does not guess on turned objects: the "
                    "pool over orientations and positions gives a turned image the same features, so the "
                    "same answers, as the upright one.")
    if all(np.isclose(v[1], up) and (v[[0, 2]] < up).all() for up, v in answers.items() if up > 0.3):
        return fail("that is the plain CNN's pattern (a half turn can look like the upright object; quarter "
                    "turns do not). The p4 network's filters are shared over all four orientations: no angle "
                    "is special, 90 and 270 degrees included.")
    if len({tuple(v) for v in answers.values()}) == 1:
        return fail("your answer does not depend on `upright`. The p4 network is not perfect at every seed "
                    "(see the upright accuracies printed above): what it gets wrong upright it gets wrong turned.")
    if any((v > up + 1e-9).any() for up, v in answers.items()):
        return fail("turning the objects cannot help the p4 network: it sees exactly the same features as for "
                    "the upright objects.")
    return fail("turning costs the p4 network nothing: its output for a turned image equals its output for the "
                "upright one, so its accuracy is the upright accuracy at every angle.")
