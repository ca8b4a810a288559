"""Checkers for notebook 03: counting parameters, the convolution matrix, a prediction."""

from __future__ import annotations

import numpy as np

from ..sharing import LAYER_KINDS, conv_matrix, param_counts, shift_matrix
from .core import checker, fail, ok, todo

__all__ = ["check_count_params", "check_conv_matrix", "check_local_prediction", "LOCAL_QUESTION"]

#: (size, k, c_in, c_out) cases for the parameter count; the first is section 1's layer.
_COUNT_CASES = [(28, 3, 1, 1), (10, 3, 1, 1), (12, 5, 3, 8), (7, 2, 4, 2)]


def _count(kind, size, k, c_in, c_out) -> int:
    return param_counts(size, k, c_in, c_out)[kind]


def _count_hint(kind, size, k, c_in, c_out, got) -> str:
    out = size - k + 1
    case = f"for kind={kind!r}, size={size}, k={k}, c_in={c_in}, c_out={c_out}"
    want = _count(kind, size, k, c_in, c_out)
    if c_in * c_out > 1 and got == _count(kind, size, k, 1, 1):
        return (f"{case} you get {got}, the count for one input and one output channel. Every output "
                f"channel has a weight for every input channel: multiply by c_in * c_out.")
    if kind == "dense":
        if got == (c_in * size * size) * (c_out * size * size):
            return (f"{case} you get {got}: that maps the image to a map of its own size. Without padding "
                    f"the output is {out}x{out} (size - k + 1), so there are {out}*{out} outputs per channel.")
        if got == _count("locally connected", size, k, c_in, c_out):
            return f"{case} you counted a locally connected layer: a dense layer connects EVERY input to every output."
        return (f"{case} you get {got}, expected {want}: "
                "(inputs) x (outputs) = (c_in*size*size) * (c_out*(size-k+1)**2).")
    if kind == "locally connected":
        if got == size * size * c_out * c_in * k * k:
            return (f"{case} you get {got}: one kernel per INPUT pixel. The layer has one kernel per output "
                    f"position, and without padding there are only {out}x{out} of them.")
        if got == _count("convolution", size, k, c_in, c_out):
            return (f"{case} you get {got}, the count of a convolution: a locally connected layer has its own "
                    f"kernel at each of the {out}x{out} output positions.")
        if got == _count("dense", size, k, c_in, c_out):
            return f"{case} you counted a dense layer: each output sees only a {k}x{k} patch."
        return f"{case} you get {got}, expected {want}: (output positions) x (weights per kernel) x channels."
    if got == _count("locally connected", size, k, c_in, c_out):
        return (f"{case} you get {got}: that is a kernel per position. A convolution uses the same kernel at "
                f"every position, so its count does not depend on the image size.")
    if got == c_out * c_in * k * k + c_out:
        return f"{case} you added a bias per channel; this exercise counts weights only, no biases."
    return f"{case} you get {got}, expected {want}: c_out kernels of shape (c_in, k, k)."


@checker
def check_count_params(my_count_params):
    """``my_count_params(kind, size, k, c_in, c_out)``: weights of a layer from a
    ``(c_in, size, size)`` image to ``(c_out, size - k + 1, size - k + 1)`` maps, no bias."""
    for kind in LAYER_KINDS:
        for size, k, c_in, c_out in _COUNT_CASES:
            got = my_count_params(kind, size, k, c_in, c_out)
            if got is None:
                return todo()
            if isinstance(got, (str, bytes)):
                return fail(f"for kind={kind!r} return the count as a number, not as text: got {got!r}.")
            try:
                got_int = int(got)
            except (TypeError, ValueError):
                return fail(f"for kind={kind!r} return a whole number of parameters, got {got!r}.")
            if got_int != got:
                return fail(f"for kind={kind!r} a parameter count is a whole number, got {got!r}.")
            if got_int != _count(kind, size, k, c_in, c_out):
                return fail(_count_hint(kind, size, k, c_in, c_out, got_int))
    d, lc, cv = (_count(kind, *_COUNT_CASES[0]) for kind in LAYER_KINDS)
    return ok(f"dense {d:,}, locally connected {lc:,}, convolution {cv} for the 28x28 -> 26x26 layer, "
              "and right for other sizes and channels too.")


def _transpose_order(n: int) -> np.ndarray:
    """Permutation taking row-major pixel numbers to column-major ones on an n x n image."""
    return np.arange(n * n).reshape(n, n).T.ravel()


def _flat_wrap_matrix(kernel, size: int) -> np.ndarray:
    """A typical mistake: wrapping the flat pixel number instead of the row and the column separately."""
    n = size * size
    i, j, u, v = np.meshgrid(np.arange(size), np.arange(size), np.arange(3), np.arange(3), indexing="ij")
    src = ((i + u - 1) * size + (j + v - 1)) % n
    m = np.zeros((n, n))
    np.add.at(m, ((i * size + j).ravel(), src.ravel()), np.broadcast_to(kernel, i.shape).ravel())
    return m


@checker
def check_conv_matrix(my_conv_matrix):
    """``my_conv_matrix(w, size)``: the ``(size*size, size*size)`` matrix of a circular
    3x3 convolution on a ``size x size`` image, pixels numbered row by row."""
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    rng = np.random.default_rng(5)
    # The 2x2 image comes last: there the 3x3 kernel wraps onto itself, so two kernel entries land on the
    # same input pixel and must add up. An answer that overwrites (= instead of +=) is right on the larger
    # images and wrong here.
    cases = [(4, w), (5, rng.integers(-4, 5, size=(3, 3)).astype(float)), (2, w)]
    for size, kernel in cases:
        want = conv_matrix(kernel, (size, size), padding="circular")
        try:
            got = my_conv_matrix(kernel.copy(), size)
        except IndexError as exc:
            return fail(f"for a {size}x{size} image your code indexed past the image ({exc}). With circular "
                        "padding, wrap every pixel index into 0 .. size - 1 with % size: row (i + u - 1) % size, "
                        "column (j + v - 1) % size.")
        if got is None:
            return todo()
        got = np.asarray(got, dtype=float)
        if got.shape == want.shape and np.allclose(got, want):
            continue
        n = size * size
        if size < 3 and got.shape == want.shape:
            return fail(f"right on the 4x4 and 5x5 images, wrong on a {size}x{size} one. There the 3x3 kernel "
                        "wraps around onto itself, so several kernel entries land on the same input pixel: "
                        "add them up (+=), do not overwrite (=).")
        if got.shape != want.shape:
            if got.shape == ((size - 2) ** 2, n):
                return fail(f"shape {got.shape}: that is 'valid' padding. With circular padding every one of "
                            f"the {n} pixels has an output, so the matrix is ({n}, {n}).")
            return fail(f"for a {size}x{size} image the matrix must be ({n}, {n}): one row per output pixel, "
                        f"one column per input pixel; got shape {got.shape}.")
        if np.allclose(got, want.T):
            return fail("your matrix is the transpose of the right one, which here is the same as using the "
                        "flipped kernel. Row i*size + j is output pixel (i, j), so that out = M @ x.ravel(), and "
                        "w[0, 0] multiplies the pixel up and to the LEFT of it (cross-correlation, as conv2d).")
        p = _transpose_order(size)
        if np.allclose(got, want[np.ix_(p, p)]):
            return fail("pixel numbering: x.ravel() goes row by row, so pixel (r, c) is number r*size + c, "
                        "not c*size + r.")
        if np.allclose(got, conv_matrix(kernel, (size, size), padding="zero")):
            return fail("entries are missing where the kernel hangs over the border: that is zero padding. "
                        "With circular padding, wrap the pixel indices around: (i + u - 1) % size.")
        if np.allclose(got, _flat_wrap_matrix(kernel, size)):
            return fail("at the left and right edges the kernel wraps into the row above or below: you wrapped "
                        "the pixel NUMBER. Wrap the row and the column separately, ((i + u - 1) % size, "
                        "(j + v - 1) % size), then number the pixel row * size + column.")
        uncentred = want @ shift_matrix((size, size), -1, -1)  # w[u, v] on pixel (i + u, j + v)
        if np.allclose(got, uncentred):
            return fail("the kernel is not centred: its middle entry w[1, 1] must sit on the output pixel, "
                        "so w[u, v] multiplies input pixel ((i + u - 1) % size, (j + v - 1) % size).")
        return fail(f"for a {size}x{size} image some entries are wrong: row i*size + j must hold w[u, v] in "
                    "the column of pixel ((i + u - 1) % size, (j + v - 1) % size).")
    return ok("your matrix times x.ravel() is the circular convolution, for a 4x4, a 5x5 and a 2x2 image "
              "(where the kernel wraps onto itself and entries add up).")


#: The prediction exercise: the locally connected layer fitted on left cats; the cat now here.
LOCAL_QUESTION = {"cat": (10, 19)}


@checker
def check_local_prediction(predicted):
    """``predicted``: the largest value of the locally connected map for the cat at LOCAL_QUESTION["cat"]."""
    if predicted is None:
        return todo()
    try:
        value = float(predicted)
    except (TypeError, ValueError):
        return fail(f"give the prediction as one number, got {predicted!r}.")
    if abs(value) < 0.05:
        return ok("zero. Where the cat now is, the target was zero in every training image, so least "
                  "squares gave those positions zero kernels; the positions with kernels see only background.")
    if abs(value - 3.0) <= 0.5:
        return fail("that is what the shared kernel gives, wherever the cat is. The locally connected layer "
                    "learnt each position's kernel only from what appeared at that position.")
    if value < 0:
        return fail("every weight under the cat is zero: what does a weighted sum with zero weights give?")
    return fail("not quite: during fitting, what did the target map look like at the positions the cat now "
                "covers? What weights does least squares give there?")
