"""Finite-difference gradient checks shared by the layer tests (float64)."""

from __future__ import annotations

import numpy as np

#: Step of the central differences.
EPS = 1e-6


def numeric_grad(f, a: np.ndarray, eps: float = EPS) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of a (changed in place, then restored)."""
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + eps
        up = f()
        a[i] = old - eps
        down = f()
        a[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def rel_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Largest difference relative to the largest entry; refuses an all-zero gradient (it would test nothing)."""
    assert analytic.shape == numeric.shape
    scale = max(np.abs(numeric).max(), np.abs(analytic).max())
    assert scale > 1e-8, "the gradient is all zeros: the check would test nothing"
    return float(np.abs(analytic - numeric).max() / scale)


def check_layer(layer, x, rng) -> dict:
    """Relative errors of ``layer.backward`` against finite differences of ``sum(forward(x) * r)``.

    ``r`` is a random array of the output's shape; returns ``{"x": error, <param>: error, ...}``.
    """
    out = layer.forward(x)
    r = rng.standard_normal(out.shape)

    def loss():
        return float((layer.forward(x) * r).sum())

    layer.forward(x)
    gx = layer.backward(r)
    analytic = {key: layer.grads[key].copy() for key in layer.params}
    errors = {"x": rel_error(gx, numeric_grad(loss, x))}
    for key, value in layer.params.items():
        errors[key] = rel_error(analytic[key], numeric_grad(loss, value))
    return errors
