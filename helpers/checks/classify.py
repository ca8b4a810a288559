"""Checkers for notebook 04: a stable softmax, two backward passes, an accuracy prediction."""

from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np

from ..ops import max_pool2d, softmax
from .core import checker, fail, ok, todo

__all__ = ["check_softmax", "check_relu_backward", "check_maxpool_backward", "check_accuracy_prediction"]


class _Hint(Exception):
    """A wrong answer found while calling the student's code; the message is the hint."""


def _hints(grader):
    """Report a :class:`_Hint` raised anywhere in ``grader`` as a failed check with that hint."""

    @functools.wraps(grader)
    def wrapped(*args, **kwargs):
        try:
            return grader(*args, **kwargs)
        except _Hint as hint:
            return fail(str(hint))

    return wrapped


def _result(got, name: str) -> np.ndarray:
    """The student's return value as a float array, or a hint if there is none."""
    if got is None:
        raise _Hint(f"{name} returned None: did you forget the return statement?")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _Hint(f"{name} must return a numpy array of numbers, got {type(got).__name__}") from None


def _softmax_of(my_softmax, z: np.ndarray) -> np.ndarray:
    try:
        got = my_softmax(z.copy())
    except ValueError as exc:
        if "broadcast" in str(exc):
            raise _Hint("numpy could not line up each row's maximum or sum with the row: reduce with "
                        "keepdims=True (z.max(axis=-1, keepdims=True), e.sum(axis=-1, keepdims=True)), so that "
                        f"the result keeps its axis and broadcasts back over the row (numpy said: {exc}).") from None
        raise
    return _result(got, "my_softmax")


@checker
@_hints
def check_softmax(my_softmax):
    """``my_softmax(z)`` for a batch of logits ``(N, K)``: one row of probabilities per row of ``z``, no overflow."""
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0], [2.0, 2.0, 1.0]])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # a naive softmax overflows below: we report that as a hint
        got = _softmax_of(my_softmax, z)
        if got.shape != z.shape:
            return fail(f"for logits of shape {z.shape} the result has shape {got.shape}; "
                        "softmax gives one probability per logit.")
        if np.allclose(got, softmax(z, axis=0)) and not np.allclose(got, softmax(z, axis=1)):
            return fail("the columns sum to 1, not the rows: normalise over the classes, axis=-1 "
                        "(use keepdims=True so the sum broadcasts back).")
        if not np.allclose(got, softmax(z)):
            e = np.exp(z)
            if np.allclose(got, e):
                return fail("you computed exp(z) but did not divide by the sum over the classes.")
            if np.allclose(got, e / e.sum()):
                return fail("the whole batch sums to 1, not each row: divide by each row's own sum "
                            "(axis=-1, keepdims=True); every image gets its own distribution.")
            return fail("the probabilities are wrong for small logits: softmax(z)_k = exp(z_k) / sum_j exp(z_j).")
        big = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
        got_big = _softmax_of(my_softmax, big)
        if not np.all(np.isfinite(got_big)):
            return fail("with logits near 1000, exp overflows to inf and you get nan. Subtract each row's "
                        "maximum first: softmax(z - c) == softmax(z), and then every exponent is <= 0.")
        if not np.allclose(got_big, softmax(big)):
            return fail("logits near 1000 give wrong probabilities: subtract each row's maximum "
                        "(keepdims=True), then exponentiate and normalise.")
        apart = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
        got_apart = _softmax_of(my_softmax, apart)
        if not (np.all(np.isfinite(got_apart)) and np.allclose(got_apart, softmax(apart))):
            return fail("a row whose logits all lie far below another row's (-1000 beside 1000) gives nan or "
                        "wrong values: subtract each row's OWN maximum (z.max(axis=-1, keepdims=True)), not the "
                        "maximum of the whole batch, or all of that row's exponentials underflow to 0.")
        v = np.array([1.0, 2.0, 3.0])
        try:
            got_v = _softmax_of(my_softmax, v)
        except Exception:  # any failure on a single vector gets the same hint
            got_v = None
        if got_v is None or got_v.shape != v.shape or not np.allclose(got_v, softmax(v)):
            return fail("a batch works, but a single vector of logits (shape (3,)) does not: use axis=-1 "
                        "(the last axis, the classes) rather than axis=1, and the same code serves both.")
    return ok("rows sum to 1, logits of 1000 do not overflow, and each row is shifted by its own maximum.")


def _numeric_grad(f, x, eps=1e-6):
    """Central differences of the scalar ``f(x)`` with respect to every entry of ``x``."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f(x)
        x[idx] = old - eps
        down = f(x)
        x[idx] = old
        g[idx] = (up - down) / (2 * eps)
    return g


def _backward_of(fn, name: str, x: np.ndarray, g: np.ndarray) -> np.ndarray:
    got = _result(fn(x.copy(), g.copy()), name)
    if got.shape != x.shape:
        raise _Hint(f"the gradient must have the shape of x, {x.shape}; got {got.shape}. "
                    "Each input pixel gets one number: how much the loss changes when that pixel changes.")
    return got


@checker
@_hints
def check_relu_backward(my_relu_backward):
    """``my_relu_backward(x, grad_out)``: the gradient of ``sum(relu(x) * grad_out)`` with respect to ``x``."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink at 0, where the derivative is undefined
    g = rng.standard_normal(x.shape)
    got = _backward_of(my_relu_backward, "my_relu_backward", x, g)
    want = _numeric_grad(lambda v: float((np.maximum(v, 0) * g).sum()), x.copy())
    if np.allclose(got, want, atol=1e-5):
        # The kink: at exactly x == 0 the slope is undefined, and the notebook's convention is 0.
        x0 = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.5]])
        g0 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        got0 = _backward_of(my_relu_backward, "my_relu_backward", x0, g0)
        if not np.allclose(got0, g0 * (x0 > 0)):
            return fail("right wherever x != 0, but at exactly x == 0 the gradient must be 0, as in the "
                        "layers of helpers.tinycnn: use (x > 0), not (x >= 0).")
        return ok("matches the finite-difference gradient: grad_out passes where x > 0, zero elsewhere "
                  "(and at x == 0).")
    if np.allclose(got, (x > 0).astype(float), atol=1e-5):
        return fail("you returned the mask (x > 0) alone: multiply it by grad_out (the chain rule).")
    if np.allclose(got, g, atol=1e-5):
        return fail("you passed grad_out through everywhere: where x < 0 ReLU is flat, so the gradient is 0.")
    if np.allclose(got, np.maximum(g, 0), atol=1e-5) or np.allclose(got, g * (g > 0), atol=1e-5):
        return fail("the mask must come from the input x, not from grad_out: the gradient passes where "
                    "the INPUT was positive.")
    if np.allclose(got, np.maximum(x, 0) * g, atol=1e-5):
        return fail("you multiplied grad_out by relu(x), the output. The derivative of relu is 1 where "
                    "x > 0 and 0 elsewhere: multiply by (x > 0), not by the value.")
    if np.allclose(got, g * (x < 0), atol=1e-5):
        return fail("the mask is the wrong way round: the gradient passes where x > 0 and is 0 where x < 0.")
    return fail("does not match the finite-difference gradient: the result is grad_out * (x > 0).")


@checker
@_hints
def check_maxpool_backward(my_maxpool_backward):
    """``my_maxpool_backward(x, grad_out)`` for 2x2 max pooling with stride 2, ``x`` of shape (N, C, H, W)."""
    rng = np.random.default_rng(4)
    x = rng.permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6).astype(float) / 10  # no ties
    g = rng.standard_normal((2, 2, 3, 3))
    got = _backward_of(my_maxpool_backward, "my_maxpool_backward", x, g)
    want = _numeric_grad(lambda v: float((max_pool2d(v, 2) * g).sum()), x.copy())
    if np.allclose(got, want, atol=1e-5):
        return _maxpool_wide(my_maxpool_backward, rng)
    spread = np.repeat(np.repeat(g, 2, axis=2), 2, axis=3)
    is_max = (x == np.repeat(np.repeat(max_pool2d(x, 2), 2, axis=2), 2, axis=3)).astype(float)
    if np.allclose(got, spread / 4, atol=1e-5):
        return fail("that is the gradient of AVERAGE pooling (spread over the window). For max pooling, "
                    "the whole gradient goes to the position of the window's maximum.")
    if np.allclose(got, spread, atol=1e-5):
        return fail("you copied grad_out to all four pixels of each window: only the maximum "
                    "pixel affects the output, so only it gets the gradient.")
    if np.allclose(got, is_max, atol=1e-5):
        return fail("you marked each window's maximum with a 1, but did not multiply by grad_out: "
                    "the maximum's gradient is that window's grad_out (the chain rule).")
    if np.allclose(got, (1 - is_max) * spread, atol=1e-5):
        return fail("the gradient went to the three pixels that are NOT the maximum: it belongs to the "
                    "maximum only, the others did not affect the output.")
    if np.allclose(got, want.transpose(0, 1, 3, 2), atol=1e-5):
        return fail("rows and columns are swapped: window (i, j) covers rows 2i, 2i+1 and columns 2j, 2j+1.")
    return fail("does not match the finite-difference gradient: route each window's grad_out to the "
                "pixel that was the maximum of that window, and give every other pixel 0.")


def _maxpool_wide(my_maxpool_backward, rng):
    """The second test of :func:`check_maxpool_backward`: an input that is not square, (1, 3, 4, 8)."""
    x = rng.permutation(3 * 4 * 8).reshape(1, 3, 4, 8).astype(float) / 10  # no ties
    g = rng.standard_normal((1, 3, 2, 4))
    try:
        got = _backward_of(my_maxpool_backward, "my_maxpool_backward", x, g)
    except _Hint:
        raise
    except Exception as exc:  # e.g. a reshape that uses H for W: a hint rather than a bare error
        raise _Hint(f"square inputs work, but an input of shape {x.shape} (H = 4, W = 8) raised "
                    f"{type(exc).__name__}: {exc}. Take H and W from x.shape separately.") from None
    want = _numeric_grad(lambda v: float((max_pool2d(v, 2) * g).sum()), x.copy())
    if not np.allclose(got, want, atol=1e-5):
        return fail(f"square inputs work, but an input of shape {x.shape} (H = 4, W = 8) gives a wrong "
                    "gradient: take H and W from x.shape separately, and keep rows and columns apart.")
    return ok("matches the finite-difference gradient, for square and non-square inputs: each window's "
              "gradient goes to its maximum.")


@checker
def check_accuracy_prediction(prediction, measured):
    """``prediction`` maps each head to a guessed accuracy on the right; ``measured`` holds the real ones.

    ``measured[head]`` is one accuracy, or a sequence of them (one per seed):
    the guess is then compared with their range. Any honest guess is
    recorded as done (the exercise is to guess before running); the message
    says how far it was from the measurement.
    """
    if not isinstance(prediction, dict) or set(prediction) != set(measured):
        return fail(f"give a dict with one accuracy (a number from 0 to 1) per head, with the keys "
                    f"{sorted(measured)}; got {prediction!r}.")
    for head, value in prediction.items():
        if value is None:
            return todo()
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            return fail(f"each accuracy must be a number from 0 to 1; got {value!r} for '{head}'.")
        if not 0.0 <= float(value) <= 1.0:
            hint = f" (for {value}% write {value / 100:g})" if 1 < value <= 100 else ""
            return fail(f"accuracies are fractions between 0 and 1; got {value} for '{head}'{hint}.")
    lines = []
    close = True
    for head in sorted(measured):
        values = np.atleast_1d(np.asarray(measured[head], dtype=float))
        lo, hi = float(values.min()), float(values.max())
        guess = float(prediction[head])
        gap = max(lo - guess, guess - hi, 0.0)  # the distance from the measured range
        close &= gap <= 0.15
        got = f"{lo:.2f}" if values.size == 1 else f"{lo:.2f} to {hi:.2f} over {values.size} seeds"
        lines.append(f"{head}: you said {guess:.2f}, measured {got}")
    verdict = ("each within 0.15 of the measurement" if close else
               "at least one guess is off by more than 0.15: read on to see why")
    return ok("guess recorded. " + "; ".join(lines) + f" ({verdict}).")
