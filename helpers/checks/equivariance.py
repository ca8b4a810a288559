"""Checkers for notebook 01: the shift, the loop convolution, a peak prediction."""

from __future__ import annotations

import numpy as np

from ..ops import conv2d, shift
from .core import checker, fail, ok, todo

__all__ = ["check_shift", "check_conv2d", "check_peak_prediction", "PEAK_QUESTION"]

_RNG = np.random.default_rng(1234)
_X = _RNG.integers(0, 10, size=(5, 7)).astype(float)


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


@checker
def check_shift(my_shift):
    """``my_shift(x, dy, dx)`` must move a 2-D image circularly, down by dy and right by dx."""
    cases = [(1, 0), (0, 2), (2, 3), (-1, -2), (7, 0), (0, 16)]
    for dy, dx in cases:
        got = np.asarray(my_shift(_X.copy(), dy, dx))
        want = shift(_X, dy, dx)
        if _same(got, want):
            continue
        if np.shape(got) != want.shape:
            return fail(f"for shift ({dy}, {dx}) the result has shape {np.shape(got)}; it must keep "
                        f"the image's shape {want.shape}.")
        if _same(got, shift(_X, -dy, -dx)):
            return fail(f"for shift ({dy}, {dx}) the image moved the wrong way: positive dy moves "
                        "content DOWN, positive dx moves it RIGHT.")
        if _same(got, shift(_X, dx, dy)):
            return fail(f"for shift ({dy}, {dx}) rows and columns are swapped: dy is along axis 0 "
                        "(rows), dx along axis 1 (columns).")
        if _same(got, shift(_X, dy, dx, mode="zero")):
            return fail(f"for shift ({dy}, {dx}) what leaves one side was dropped; a circular shift "
                        "brings it back on the other side (think np.roll, or indices modulo the size).")
        if abs(dy) >= _X.shape[0] or abs(dx) >= _X.shape[1]:
            return fail(f"shift ({dy}, {dx}) is at least the image size {_X.shape}: "
                        "a circular shift wraps around, so take it modulo the size.")
        return fail(f"for shift ({dy}, {dx}) the result differs from the expected image.")
    return ok("your shift moves images exactly like helpers.ops.shift, for small, negative "
              "and larger-than-the-image shifts.")


@checker
def check_conv2d(my_conv2d):
    """``my_conv2d(x, w)``: valid cross-correlation of a 2-D image with a 2-D kernel."""
    rng = np.random.default_rng(7)
    for shape, kshape in [((5, 6), (3, 3)), ((6, 5), (2, 3)), ((4, 4), (1, 1))]:
        x = rng.integers(-3, 4, size=shape).astype(float)
        w = rng.integers(-2, 3, size=kshape).astype(float)
        want = conv2d(x, w)
        got = np.asarray(my_conv2d(x, w), dtype=float)
        if _same(got, want):
            continue
        if got.shape != want.shape:
            h, wd = shape
            kh, kw = kshape
            hint = (f"image {shape} and kernel {kshape} give {got.shape}; expected {want.shape} "
                    f"= ({h} - {kh} + 1, {wd} - {kw} + 1).")
            if got.shape == (want.shape[0] - 1, want.shape[1] - 1):
                hint += " Off by one: the last window starts at index H - kh, so loop over range(H - kh + 1)."
            elif got.shape == shape:
                hint += " 'valid' means no padding: the map is smaller than the image."
            return fail(hint)
        if _same(got, conv2d(x, w[::-1, ::-1])):
            return fail("you flipped the kernel: that is the mathematicians' convolution. Deep-learning "
                        "'convolution' is cross-correlation: out[i, j] = sum(x[i:i+kh, j:j+kw] * w).")
        if _same(got, conv2d(x.T, w.T).T):
            return fail("rows and columns are mixed up: i runs over rows (axis 0), j over columns.")
        return fail(f"for an image of shape {shape} and a kernel of shape {kshape} some values are wrong: "
                    "out[i, j] must be sum(x[i:i+kh, j:j+kw] * w).")
    return ok("your loop gives exactly what helpers.ops.conv2d gives, for square and non-square kernels.")


#: The prediction exercise: the cat (top-left pixel) at (9, 9); the ear map's peak is there too.
PEAK_QUESTION = {"cat": (9, 9), "peak": (9, 9), "shift": (5, -3)}


@checker
def check_peak_prediction(predicted):
    """``predicted`` is a ``(row, col)`` for the ear map's peak after the shift in PEAK_QUESTION."""
    if predicted is None:
        return todo()
    try:
        r, c = (int(v) for v in predicted)
    except (TypeError, ValueError):
        return fail(f"give the prediction as a pair (row, column) of integers, got {predicted!r}.")
    (pr, pc), (dy, dx) = PEAK_QUESTION["peak"], PEAK_QUESTION["shift"]
    want = (pr + dy, pc + dx)
    if (r, c) == want:
        return ok(f"the peak moves by the same ({dy:+d}, {dx:+d}) as the cat: to {want}. "
                  "That is equivariance.")
    if (r, c) == (pr + dx, pc + dy):
        return fail("rows and columns swapped: dy moves rows, dx moves columns.")
    if (r, c) == (pr - dy, pc - dx):
        return fail("right size, wrong direction: positive dy moves down (larger row index).")
    if (r, c) == (pr, pc):
        return fail("the peak does not stay put: the filter's response travels with the cat.")
    return fail(f"not quite: where does the cat's left ear go when the cat moves by ({dy:+d}, {dx:+d})?")
