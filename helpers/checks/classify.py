"""Checkers for notebook 04: a stable softmax, a backward pass, an accuracy prediction."""

from __future__ import annotations

import warnings

import numpy as np

from ..ops import max_pool2d, softmax
from .core import checker, fail, ok, todo

__all__ = ["check_softmax", "check_relu_backward", "check_maxpool_backward", "check_accuracy_prediction"]


@checker
def check_softmax(my_softmax):
    """``my_softmax(z)`` for a batch of logits ``(N, K)``: rows of probabilities, no overflow."""
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0], [2.0, 2.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a naive softmax overflows here: we report it as a hint
        got = np.asarray(my_softmax(z.copy()), dtype=float)
        if got.shape != z.shape:
            return fail(f"for logits of shape {z.shape} the result has shape {got.shape}; "
                        "softmax gives one probability per logit.")
        if np.allclose(got, softmax(z, axis=0)) and not np.allclose(got, softmax(z, axis=1)):
            return fail("the columns sum to 1, not the rows: normalise over the classes, axis=-1 "
                        "(use keepdims=True so the sum broadcasts back).")
        if not np.allclose(got, softmax(z)):
            if np.allclose(got, np.exp(z)):
                return fail("you computed exp(z) but did not divide by the sum over the classes.")
            return fail("the probabilities are wrong for small logits: softmax(z)_k = exp(z_k) / sum_j exp(z_j).")
        big = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
        got_big = np.asarray(my_softmax(big.copy()), dtype=float)
    if not np.all(np.isfinite(got_big)):
        return fail("with logits near 1000, exp overflows to inf and you get nan. Subtract each row's "
                    "maximum first: softmax(z - c) == softmax(z), and then every exponent is <= 0.")
    if not np.allclose(got_big, softmax(big)):
        return fail("large logits give wrong probabilities: subtract the row's maximum (keepdims=True), "
                    "not the maximum of the whole batch.")
    return ok("rows sum to 1, and logits of 1000 do not overflow.")


def _numeric_grad(f, x, eps=1e-6):
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


@checker
def check_relu_backward(my_relu_backward):
    """``my_relu_backward(x, grad_out)``: the gradient of ``sum(relu(x) * grad_out)`` w.r.t. ``x``."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink at 0, where the derivative is undefined
    g = rng.standard_normal(x.shape)
    got = np.asarray(my_relu_backward(x.copy(), g.copy()), dtype=float)
    want = _numeric_grad(lambda v: float((np.maximum(v, 0) * g).sum()), x.copy())
    if got.shape != x.shape:
        return fail(f"the gradient must have the shape of x, {x.shape}; got {got.shape}.")
    if np.allclose(got, want, atol=1e-5):
        return ok("matches the finite-difference gradient: grad_out passes where x > 0, zero elsewhere.")
    if np.allclose(got, (x > 0).astype(float), atol=1e-5):
        return fail("you returned the mask (x > 0) alone: multiply it by grad_out (the chain rule).")
    if np.allclose(got, g, atol=1e-5):
        return fail("you passed grad_out through everywhere: where x < 0 ReLU is flat, so the gradient is 0.")
    if np.allclose(got, np.maximum(g, 0), atol=1e-5):
        return fail("the mask must come from the input x, not from grad_out.")
    return fail("does not match the finite-difference gradient: the result is grad_out * (x > 0).")


@checker
def check_maxpool_backward(my_maxpool_backward):
    """``my_maxpool_backward(x, grad_out)`` for 2x2 max pooling with stride 2, ``x`` of shape (N, C, H, W)."""
    rng = np.random.default_rng(4)
    x = rng.permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6).astype(float) / 10  # no ties
    g = rng.standard_normal((2, 2, 3, 3))
    got = np.asarray(my_maxpool_backward(x.copy(), g.copy()), dtype=float)
    want = _numeric_grad(lambda v: float((max_pool2d(v, 2) * g).sum()), x.copy())
    if got.shape != x.shape:
        return fail(f"the gradient must have the shape of x, {x.shape}; got {got.shape}.")
    if np.allclose(got, want, atol=1e-5):
        return ok("matches the finite-difference gradient: each window's gradient goes to its maximum.")
    if np.allclose(got, np.repeat(np.repeat(g, 2, axis=2), 2, axis=3) / 4, atol=1e-5):
        return fail("that is the gradient of AVERAGE pooling (spread over the window). For max pooling, "
                    "the whole gradient goes to the position of the window's maximum.")
    if np.allclose(got, np.repeat(np.repeat(g, 2, axis=2), 2, axis=3), atol=1e-5):
        return fail("you copied grad_out to all four pixels of each window: only the maximum "
                    "pixel affects the output, so only it gets the gradient.")
    return fail("does not match the finite-difference gradient: route each window's grad_out to the "
                "pixel that was the maximum of that window.")


@checker
def check_accuracy_prediction(prediction, measured):
    """``prediction`` maps each head to a guessed accuracy on the right; ``measured`` the real ones.

    Any honest guess passes once filled in; the message compares it with the measurement.
    """
    if not isinstance(prediction, dict) or set(prediction) != set(measured):
        return fail(f"give a dict with one accuracy (0 to 1) per head: keys {sorted(measured)}.")
    for head, value in prediction.items():
        if value is None:
            return todo()
        if not 0.0 <= float(value) <= 1.0:
            return fail(f"accuracies are between 0 and 1; got {value} for '{head}'.")
    lines = []
    close = True
    for head in sorted(measured):
        gap = abs(float(prediction[head]) - measured[head])
        close &= gap <= 0.15
        lines.append(f"{head}: you said {float(prediction[head]):.2f}, measured {measured[head]:.2f}")
    verdict = ("both within 0.15 of the measurement" if close else
               "at least one guess is off by more than 0.15: read on to see why")
    return ok("; ".join(lines) + f" ({verdict}).")
