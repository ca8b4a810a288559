"""Checkers for notebook 01: the shift, the loop convolution, one window's sum, the stride-2 peak, where zero
padding stays exact."""

from __future__ import annotations

import numpy as np

from ..ops import conv2d, shift
from .core import checker, fail, ok

__all__ = ["check_shift", "check_conv2d", "check_strided_peak", "strided_peak", "PEAK_QUESTION",
           "check_exact_columns", "exact_columns", "EXACT_QUESTION", "check_window_sum", "window_sum",
           "WINDOW_QUESTION"]

_RNG = np.random.default_rng(1234)
_X = _RNG.integers(0, 10, size=(5, 7)).astype(float)


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


def _int_pair(predicted) -> tuple[int, int]:
    """``predicted`` as two integers. A number that is not whole (``7.5``) raises ValueError rather
    than being rounded down by ``int()``, which would let a wrong prediction pass."""
    values = tuple(predicted)
    if len(values) != 2:
        raise ValueError("not a pair")
    out = []
    for v in values:
        if isinstance(v, (bool, np.bool_, str)):
            raise ValueError("not an integer")
        f = float(v)
        if not f.is_integer():
            raise ValueError("not a whole number")
        out.append(int(f))
    return out[0], out[1]


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
        if abs(dy) >= _X.shape[0] or abs(dx) >= _X.shape[1]:
            # the smaller shifts passed already, so what fails here is the wrap-around of a large shift
            # (checked before the "swapped" hint: shift (7, 0) without a modulo can look like shift (0, 7))
            return fail(f"shift ({dy}, {dx}) is at least the image size {_X.shape}: "
                        "a circular shift wraps around, so take it modulo the size.")
        if _same(got, shift(_X, -dy, -dx)):
            return fail(f"for shift ({dy}, {dx}) the image moved the wrong way: positive dy moves "
                        "content DOWN, positive dx moves it RIGHT.")
        if _same(got, shift(_X, dx, dy)):
            return fail(f"for shift ({dy}, {dx}) rows and columns are swapped: dy is along axis 0 "
                        "(rows), dx along axis 1 (columns).")
        if _same(got, shift(_X, dy, dx, mode="zero")):
            return fail(f"for shift ({dy}, {dx}) what leaves one side was dropped; a circular shift "
                        "brings it back on the other side (think np.roll, or indices modulo the size).")
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


#: The prediction exercise: a k x k filter with zero padding ("zero"), the cat (``cat`` pixels
#: wide) moved along one row of a ``canvas``-wide image. For which of its left columns is
#: conv(shift x) == shift(conv x) exact (compared with the circular shift, as in section 5)?
EXACT_QUESTION = {"kernel": 7, "canvas": 28, "cat": 9}


def exact_columns(kernel: int, canvas: int = 28, cat: int = 9) -> tuple[int, int]:
    """First and last left column of the cat for which zero padding is still exact.

    A ``kernel`` x ``kernel`` filter (odd) reaches ``r = (kernel - 1) // 2`` pixels
    from its centre; the error is zero exactly when at least ``r`` empty columns
    separate the cat from each border: ``r <= col`` and ``col + cat - 1 <= canvas - 1 - r``.
    """
    r = (kernel - 1) // 2
    return r, canvas - cat - r


@checker
def check_exact_columns(predicted):
    """``predicted`` is ``(first, last)``: the cat's left columns with zero equivariance error."""
    try:
        first, last = _int_pair(predicted)
    except (TypeError, ValueError):
        return fail(f"give the prediction as a pair of integers (first column, last column), got {predicted!r}.")
    k, n, cat = EXACT_QUESTION["kernel"], EXACT_QUESTION["canvas"], EXACT_QUESTION["cat"]
    r = (k - 1) // 2
    want = exact_columns(k, n, cat)
    if (first, last) == want:
        return ok(f"a {k}x{k} filter has radius {r}: the error is zero exactly while at least {r} empty "
                  f"columns separate the cat from each border, for left columns {want[0]} to {want[1]}.")
    if first > last:
        return fail(f"the first column ({first}) must not be larger than the last ({last}).")
    if (first, last) == (0, n - cat):
        return fail("not every position is exact: with zero padding, a window that hangs over the border "
                    "sees zeros where the circularly shifted map expects the other side of the image.")
    if (first, last) == (r + 1, n - cat - r - 1):
        return fail(f"one column too strict on each side: the window reaches {r} pixels past its centre, "
                    f"so {r} empty columns between the cat and the border are enough.")
    if (first, last) == (k, n - cat - k) or (first, last) == (k - 1, n - cat - k + 1):
        return fail(f"you used the filter's width, {k}. What matters is how far the window reaches from its "
                    f"centre, its radius: (k - 1) / 2 for a k x k filter.")
    if first != want[0] and abs(first - want[0]) == abs(last - want[1]) and first + last == sum(want):
        return fail(f"check the radius: a {k}x{k} filter reaches (k - 1) / 2 pixels from its centre "
                    "(1 for 3x3, 2 for 5x5); the cat needs that many empty columns on each side.")
    if first == want[0] and last in (n - 1 - r, n - r):
        return fail("the column is the cat's LEFT column: its right side is at column + "
                    f"{cat - 1}, and that side needs the empty columns before the right border.")
    if first == want[0]:
        return fail(f"your first column is right. For the last: the cat at column c covers columns c to "
                    f"c + {cat - 1}, leaving {n} - (c + {cat}) empty columns on its right.")
    if last == want[1]:
        return fail("your last column is right. For the first: the cat at column c has c empty columns "
                    "on its left.")
    return fail(f"not quite. Work out the radius r of a {k}x{k} filter, then count the empty columns "
                f"between the {cat}-pixel-wide cat and each border of the {n}-pixel-wide image.")


#: Exercise 4 of notebook 01: the cat at ``start`` (its ear tip on the stride-2 grid) is shifted
#: circularly by ``shift`` on a ``canvas`` x ``canvas`` image; where is the stride-2 ear map's peak?
PEAK_QUESTION = {"start": (8, 8), "shift": (6, 24), "canvas": 28}


def strided_peak(start=PEAK_QUESTION["start"], shift_by=PEAK_QUESTION["shift"],
                 canvas: int = PEAK_QUESTION["canvas"]) -> tuple[int, int]:
    """Peak of the stride-2 ear map after a circular shift with even ``dy`` and ``dx``.

    The ear tip is the cat's top-left pixel; the full map's peak moves with it,
    modulo the canvas; the stride-2 map keeps every second pixel, so its peak
    is at half those coordinates (on a map of ``canvas // 2`` pixels).
    """
    (r, c), (dy, dx) = start, shift_by
    if r % 2 or c % 2 or dy % 2 or dx % 2:
        raise ValueError(f"start and shift_by must be even so that the tip stays on the stride-2 grid, "
                         f"got start={start}, shift_by={shift_by}")
    return ((r + dy) % canvas) // 2, ((c + dx) % canvas) // 2


@checker
def check_strided_peak(predicted):
    """``predicted`` is ``(row, col)``: the stride-2 ear map's peak after the shift of :data:`PEAK_QUESTION`."""
    try:
        row, col = _int_pair(predicted)
    except (TypeError, ValueError):
        return fail(f"give the prediction as a pair of integers (row, column), got {predicted!r}.")
    (r, c), (dy, dx), n = PEAK_QUESTION["start"], PEAK_QUESTION["shift"], PEAK_QUESTION["canvas"]
    want = strided_peak()
    if (row, col) == want:
        return ok(f"the full map's peak moves to ({(r + dy) % n}, {(c + dx) % n}) (the shift wraps around), "
                  f"and the stride-2 map holds it at half those coordinates: {want}.")
    if (row, col) == ((r + dy) % n, (c + dx) % n):
        return fail("that is where the peak of the FULL map goes. The stride-2 map keeps only every second "
                    "pixel: its pixel (i, j) is the full map's pixel (2i, 2j).")
    if (row, col) == ((r + dy) // 2, (c + dx) // 2):
        return fail(f"the shift is circular: what leaves the right side comes back on the left. The stride-2 "
                    f"map has only {n // 2} columns, so column {(c + dx) // 2} does not exist.")
    if (row, col) == (r + dy, c + dx):
        return fail("two things are missing: the shift wraps around the image, and the stride-2 map is "
                    "half as large as the image (a shift by k moves it by k / 2).")
    if (row, col) == (want[1], want[0]):
        return fail("rows and columns are swapped: dy moves the cat down (rows), dx moves it right (columns).")
    return fail(f"not quite. Start from the stride-2 peak before the shift, {(r // 2, c // 2)}: a shift by an "
                f"even k moves the stride-2 map by k / 2, circularly on its {n // 2} x {n // 2} grid.")


#: Exercise 3 of notebook 01: the image ``x``, the kernel ``w`` and the centre ``(row, col)`` of one
#: window; the student computes ``conv2d(x, w, padding="zero")[row, col]`` by hand. The numbers are
#: chosen so that each usual mistake (below) gives a different result from the right one and from
#: each other (tests/test_window_sum_check.py checks it).
WINDOW_QUESTION = {
    "x": np.array([[0, 2, 0, 3, 0],
                   [1, 0, 1, 0, 2],
                   [1, 1, 1, 2, 3],
                   [1, 0, 0, 1, 0],
                   [3, 3, 1, 3, 0]], dtype=float),
    "w": np.array([[2, -1, 2],
                   [0, 1, -1],
                   [-1, 1, 2]], dtype=float),
    "centre": (1, 2),
}
for _a in (WINDOW_QUESTION["x"], WINDOW_QUESTION["w"]):
    _a.setflags(write=False)


def _window(x: np.ndarray, row: int, col: int) -> np.ndarray:
    """The 3x3 patch of ``x`` centred on ``(row, col)``, zeros outside (zero padding)."""
    return np.pad(x, 1)[row:row + 3, col:col + 3]


def window_sum(x=None, w=None, centre=None) -> float:
    """``conv2d(x, w, padding="zero")[row, col]`` for a 3x3 kernel: the sum of the nine products
    ``patch * w`` of the window centred on ``centre`` (defaults: :data:`WINDOW_QUESTION`)."""
    q = WINDOW_QUESTION
    x = q["x"] if x is None else np.asarray(x, dtype=float)
    w = q["w"] if w is None else np.asarray(w, dtype=float)
    row, col = q["centre"] if centre is None else centre
    return float((_window(x, row, col) * w).sum())


def window_mistakes() -> list[tuple[str, float]]:
    """``(hint, result)`` for each usual mistake on :data:`WINDOW_QUESTION`, in the order they are checked."""
    x, w, (r, c) = WINDOW_QUESTION["x"], WINDOW_QUESTION["w"], WINDOW_QUESTION["centre"]
    patch = _window(x, r, c)
    right = float((patch * w).sum())
    out = [("flipped", float((patch * w[::-1, ::-1]).sum())),
           ("top-left", float((x[r:r + 3, c:c + 3] * w).sum())),
           ("swapped", window_sum(centre=(c, r)))]
    out += [(f"neighbour {(i, j)}", window_sum(centre=(i, j)))
            for i, j in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))]
    out += [("missing", right - float(p)) for p in (patch * w).ravel() if p != 0]
    out += [("patch sum", float(patch.sum())), ("kernel sum", float(w.sum())), ("sign", -right)]
    return out


@checker
def check_window_sum(answer):
    """``answer`` is one number: the feature-map cell of :data:`WINDOW_QUESTION`'s window, worked out by hand."""
    r, c = WINDOW_QUESTION["centre"]
    want = window_sum()
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        return fail(f"give the answer as one number, got {answer!r}.")
    arr = np.asarray(answer)
    if arr.dtype.kind not in "iuf":
        return fail(f"give the answer as one number, got {answer!r}.")
    if arr.size != 1:
        if arr.shape == (3, 3):
            return fail("that is a 3x3 array; the feature map's cell is ONE number: add up the nine products.")
        return fail(f"give the answer as one number, got an array of shape {arr.shape}.")
    value = float(arr.ravel()[0])
    if value == want:
        return ok(f"the window centred on row {r}, column {c} covers rows {r - 1} to {r + 1} and columns "
                  f"{c - 1} to {c + 1}; its nine products with w (not flipped) add up to {want:g}, which is "
                  f"conv2d(x, w, padding='zero')[{r}, {c}].")
    for kind, result in window_mistakes():
        if value != result:
            continue
        if kind == "flipped":
            return fail("you turned the kernel by 180 degrees before multiplying: that is the mathematicians' "
                        "convolution. conv2d, like every deep-learning framework, computes cross-correlation: "
                        "the weight in row u, column v of w multiplies the pixel in row u, column v of the patch.")
        if kind == "top-left":
            return fail(f"you laid the kernel with its top-left corner on ({r}, {c}), as in the 'valid' formula "
                        f"of section 2. With padding, out[i, j] is the window CENTRED on (i, j): rows i - 1 to "
                        f"i + 1, columns j - 1 to j + 1.")
        if kind == "swapped":
            return fail(f"rows and columns are swapped: out[{r}, {c}] is row {r} (counted down from 0), "
                        f"column {c} (counted right from 0).")
        if kind.startswith("neighbour"):
            zero = " (Or is 0 a placeholder? Work the sum out.)" if value == 0 else ""
            return fail(f"that is the sum of the window centred one pixel off, at {kind.split(' ', 1)[1]}. "
                        f"Count rows and columns from 0: the centre is row {r}, column {c}.{zero}")
        if kind == "missing":
            return fail("one of the nine products is missing: a 3x3 window gives nine products; add all nine "
                        "(a zero pixel gives a zero product, every other one counts).")
        if kind == "patch sum":
            return fail("that is the sum of the patch's pixels: multiply each pixel by the weight in the same "
                        "place first, then add the products.")
        if kind == "kernel sum":
            return fail("that is the sum of the kernel's weights: multiply each weight by the pixel under it "
                        "first, then add the products.")
        if kind == "sign":
            return fail("right size, wrong sign: check the products of the negative weights.")
    return fail(f"not quite. Cut out the 3x3 patch centred on row {r}, column {c} (zeros outside the image), "
                "multiply it element by element with w, and add the nine products.")
