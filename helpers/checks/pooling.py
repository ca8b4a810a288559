"""Checkers for notebook 02: a loop max pooling, a prediction about pooling twice, and the two phases
of a subsampled pattern."""

from __future__ import annotations

import numpy as np

from ..ops import max_pool2d
from ..pooling import blur_row
from .core import checker, fail, ok, todo

__all__ = ["check_max_pool2d", "check_copy_prediction", "COPY_QUESTION", "check_subsample_prediction",
           "SUBSAMPLE_PATTERN"]


def _windows_reduce(x, size, stride, reduce, ceil=False):
    """Reduce ``size x size`` windows every ``stride`` pixels; with ``ceil`` keep cut-off edge windows too."""
    h, w = x.shape
    if ceil:
        rows, cols = -(-(h - size) // stride) + 1, -(-(w - size) // stride) + 1
    else:
        rows, cols = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = reduce(x[i * stride:i * stride + size, j * stride:j * stride + size])
    return out


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


#: (shape, size, stride) of each test case: size None means "call my_max_pool2d(x)" (both defaults),
#: stride None means "call my_max_pool2d(x, size)" (the default stride, which is the window size).
_CASES = [((4, 4), 2, None), ((5, 7), 2, None), ((7, 8), 3, None), ((6, 6), 3, 1), ((7, 8), 3, 2),
          ((6, 5), 2, 3), ((6, 4), None, None)]


def _call(size, stride) -> str:
    if size is None:
        return "my_max_pool2d(x)"
    return f"my_max_pool2d(x, {size})" if stride is None else f"my_max_pool2d(x, {size}, {stride})"


@checker
def check_max_pool2d(my_max_pool2d):
    """``my_max_pool2d(x, size=2, stride=None)``: max over ``size x size`` windows every ``stride``
    pixels (``stride`` defaults to ``size``), windows that do not fit dropped ("valid")."""
    rng = np.random.default_rng(2)
    for shape, given_size, stride in _CASES:
        size = 2 if given_size is None else given_size
        x = rng.integers(-9, 10, size=shape).astype(float)
        x[: size, : size] = -rng.integers(1, 9, size=(size, size))  # one window of negatives only
        s = size if stride is None else stride
        want = max_pool2d(x, size, stride=s)
        args = (x.copy(),) if given_size is None else (x.copy(), size) if stride is None else (x.copy(), size, stride)
        try:
            got = np.asarray(my_max_pool2d(*args), dtype=float)
        except TypeError as exc:
            if "argument" not in str(exc):
                raise
            return fail(f"my_max_pool2d must accept (x, size=2, stride=None); calling it as "
                        f"{_call(given_size, stride)} raised TypeError: {exc}")
        call = _call(given_size, stride)
        where = f"For an image of shape {shape}, {call}"
        if not _same(got, want) and given_size is None:
            return fail(f"{where} must use the defaults size=2 and stride=2 (2x2 windows side by side), "
                        f"giving shape {want.shape}; got shape {got.shape}. Check the default values in "
                        "the def line.")
        if not _same(got, want) and stride is None and size != 2:
            for wrong in (2, 1):
                if _same(got, max_pool2d(x, size, stride=wrong)):
                    return fail(f"{where} used stride {wrong}. With stride=None the stride is the window "
                                f"size ({size} here), whatever the size: "
                                "stride = size if stride is None else stride.")
        if _same(got, want):
            continue
        if got.shape != want.shape:
            hint = f"{where} has shape {got.shape}; expected {want.shape}."
            if stride is None and got.shape == max_pool2d(x, size, stride=1).shape:
                return fail(hint + " The windows start at every pixel: with stride=None the stride is "
                            "the window size, so the windows sit side by side without overlap.")
            if stride is not None and got.shape == max_pool2d(x, size, stride=size).shape:
                return fail(hint + f" You ignored the stride argument: with stride={stride} the windows "
                            f"start at rows 0, {stride}, {2 * stride}, ..., not every {size} rows.")
            if got.shape == _windows_reduce(x, size, s, np.max, ceil=True).shape:
                return fail(hint + " You kept windows that hang over the edge of the image. A window that "
                            f"does not fit is dropped: the output has floor((H - size) / stride) + 1 = "
                            f"{want.shape[0]} rows.")
            if got.shape[0] < want.shape[0] or got.shape[1] < want.shape[1]:
                return fail(hint + " The last window is missing: the last window starts at row H - size "
                            "(or before), so loop over range(0, H - size + 1, stride).")
            if got.shape == want.shape[::-1]:
                return fail(hint + " Rows and columns are swapped.")
            return fail(hint + " The output has floor((H - size) / stride) + 1 rows and the same rule "
                        "for the columns.")
        if _same(got, _windows_reduce(x, size, s, np.mean)):
            return fail(f"{where} gives the mean of each window: that is average pooling. Take the maximum.")
        if _same(got, np.maximum(want, 0.0)):
            return fail(f"{where} never goes below 0, but a window of negative numbers has a negative "
                        "maximum. Start from the window's own values (x[...].max()), not from 0.")
        if _same(got, _windows_reduce(x, size, size, np.max, ceil=True)[: want.shape[0], : want.shape[1]]):
            return fail(f"{where}: the windows start every {size} pixels; they must start every "
                        f"{s} pixels (the stride), at rows 0, {s}, {2 * s}, ...")
        if _same(got, _windows_reduce(x, size, 1, np.max)[: want.shape[0], : want.shape[1]]):
            return fail(f"{where}: the windows start at every pixel; they must start every {s} pixels "
                        "(the stride): window i starts at row i * stride.")
        if size != 2 and _same(got, _windows_reduce(x, 2, s, np.max)[: want.shape[0], : want.shape[1]]):
            return fail(f"{where}: the windows are 2x2, but they must be size x size ({size}x{size} here): "
                        "take x[i*stride : i*stride + size, j*stride : j*stride + size].")
        if got.shape == want.T.shape and _same(got, want.T):
            return fail(f"{where}: rows and columns are swapped. out[i, j] comes from ROWS i*stride to "
                        "i*stride + size and COLUMNS j*stride to j*stride + size: x[rows, columns].")
        return fail(f"{where} has the right shape but some values are wrong: out[i, j] must be the "
                    "maximum of x[i*stride : i*stride + size, j*stride : j*stride + size].")
    return ok("your max pooling matches helpers.ops.max_pool2d on every case tried: the default size and "
              "stride, the default stride with windows of 2 and 3, explicit strides, overlapping windows, "
              "edges that do not fit, negative values.")


#: The prediction exercise: two conv-ReLU-max-pool layers (stride 2 each), input shifted right by k.
COPY_QUESTION = {"shifts": tuple(range(8)), "layers": 2, "stride": 2}


@checker
def check_copy_prediction(predicted):
    """``predicted``: 8 booleans, for k = 0..7: is the output of two pooling layers a shifted copy?"""
    if predicted is None:
        return todo()
    try:
        answer = [bool(v) for v in predicted]
    except TypeError:
        return fail(f"give a list of 8 booleans, one for each k = 0, 1, ..., 7; got {predicted!r}.")
    ks = COPY_QUESTION["shifts"]
    if len(answer) != len(ks) or not all(isinstance(v, (bool, np.bool_)) for v in predicted):
        return fail(f"give a list of {len(ks)} booleans (True or False), one for each k = 0, 1, ..., 7; "
                    f"got {predicted!r}.")
    total = COPY_QUESTION["stride"] ** COPY_QUESTION["layers"]
    want = [k % total == 0 for k in ks]
    if answer == want:
        return ok(f"only k = 0 and k = 4 give a shifted copy: the total stride is 2 x 2 = {total}, "
                  "so only multiples of 4 move the output by whole cells.")
    if answer == [k % 2 == 0 for k in ks]:
        return fail("that is the answer for ONE pooling layer. After the first layer a shift by 2 has "
                    "become a shift by 1, and the second pooling layer turns an odd shift into a "
                    "different sampling phase.")
    if all(answer):
        return fail("not every shift comes out as a shifted copy: look again at section 3, where an odd "
                    "shift gives a different polyphase component (different numbers), not a moved map.")
    if not answer[0]:
        return fail("k = 0 is no shift at all: the output is its own copy, so the first entry is True.")
    wrong = [k for k, a, w in zip(ks, answer, want) if a != w]
    if not answer[4]:
        return fail("check k = 4: the first pooling turns it into a shift by 2, the second into a shift "
                    "by 1 cell, a shifted copy.")
    return fail(f"your answer differs at k = {', '.join(map(str, wrong))}. Follow k through the "
                "two layers: each one needs an even shift to pass it on as a shift by k / 2.")


#: The pattern of the subsampling exercise: B = +1, +1, -1, -1, ... moved one pixel to the right.
SUBSAMPLE_PATTERN = (-1, +1, +1, -1, -1, +1, +1, -1)


def _as_row(values):
    """``values`` as a 1-D float array, or None if it is not a flat list of numbers."""
    try:
        row = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return row if row.ndim == 1 else None


def _fmt(v) -> str:
    return "[" + ", ".join(f"{x:+g}" if x else "0" for x in v) + "]"


@checker
def check_subsample_prediction(phase0, phase1):
    """``phase0``, ``phase1``: what keeping every second pixel of :data:`SUBSAMPLE_PATTERN` gives at
    phase 0 (pixels 0, 2, 4, 6) and at phase 1 (pixels 1, 3, 5, 7), as lists of numbers."""
    x = np.array(SUBSAMPLE_PATTERN, dtype=float)
    want = {0: x[0::2], 1: x[1::2]}
    got = {0: _as_row(phase0), 1: _as_row(phase1)}
    for p in (0, 1):
        if got[p] is None:
            return fail(f"phase{p} must be a flat list of numbers, such as [+1, -1, +1, -1]; "
                        f"got {phase0 if p == 0 else phase1!r}.")
    blurred = blur_row(x, "tri3")
    for p in (0, 1):
        g, name = got[p], f"phase{p}"
        if g.shape == x.shape and np.allclose(g, blurred) or g.shape == want[p].shape and np.allclose(
                g, blurred[p::2]):
            return fail(f"{name} holds values of the [1, 2, 1] blur ({_fmt(g)}). This question has no "
                        "blur: keep the pixels of the pattern as they are. The blur comes after it.")
        if g.shape == x.shape:
            return fail(f"{name} has all 8 values: that is not subsampled. Keeping every second pixel "
                        "leaves 4 of the 8.")
        if g.shape == want[p].shape and np.allclose(g, x[:4]) and not np.allclose(g, want[p]):
            return fail(f"{name} is the first four pixels, {_fmt(x[:4])}. Subsampling keeps every second "
                        "pixel over the whole row, not the first half of it.")
        if g.shape != want[p].shape:
            return fail(f"{name} has {g.size} values; it must have 4: the pattern has 8 pixels and "
                        f"phase {p} keeps every second one, starting at pixel {p} (x[{p}::2]).")
    if np.allclose(got[0], want[1]) and np.allclose(got[1], want[0]):
        return fail("the two phases are swapped: you took the odd-numbered pixels (1, 3, 5, 7) for phase 0. "
                    "Python counts from 0, so phase 0 keeps pixels 0, 2, 4, 6 (x[0::2]) and phase 1 keeps "
                    "pixels 1, 3, 5, 7 (x[1::2]).")
    for p in (0, 1):
        if not np.allclose(got[p], want[p]):
            hint = ("that is what the other phase keeps. " if np.allclose(got[p], want[1 - p]) else "")
            return fail(f"phase{p} is {_fmt(got[p])}; {hint}Phase {p} keeps pixels {p}, {p + 2}, {p + 4}, "
                        f"{p + 6} of the pattern: read them off {_fmt(x)}, counting from 0.")
    return ok(f"phase 0 keeps {_fmt(want[0])}, phase 1 keeps {_fmt(want[1])}: both alternate, the fastest "
              "pattern the coarser grid can hold, and the two phases differ in sign: which one you get "
              "depends on where the pattern sits.")
