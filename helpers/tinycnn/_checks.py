"""Input checks shared by the layers, the model and the training loop (private).

Each raises a ``ValueError`` or ``TypeError`` that names the argument, says
what it got and what was expected.
"""

from __future__ import annotations

import numbers
from typing import NoReturn

import numpy as np

from .._validate import as_float_array, describe_value


def as_rng(rng, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator, an integer seed or ``None`` (seed 0)."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a seed >= 0 or a numpy Generator, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy.random.Generator, an integer seed or None, got {describe_value(rng)}")


def layer_array(value, name: str, ndims: tuple[int, ...] | None = None, allow_empty: bool = False) -> np.ndarray:
    """:func:`as_float_array` for the layers, with a fast path for float64 arrays.

    A float64 array only has its number of dimensions and size checked: the
    scan for NaN and infinity would cost a full pass over every activation in
    every layer. :class:`Model` and :func:`train` check their inputs fully,
    and :func:`train` stops with a clear message if the logits stop being
    finite numbers.
    """
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        if ndims is not None and value.ndim not in ndims:
            expected = " or ".join(str(d) for d in ndims)
            raise ValueError(f"{name} must have {expected} dimensions, got {value.ndim} (shape {value.shape})")
        if value.size == 0 and not allow_empty:
            raise ValueError(f"{name} must not be empty, got shape {value.shape}")
        return value
    return as_float_array(value, name, ndims, allow_empty)


def check_images(x, name: str, channels: int | None = None) -> np.ndarray:
    """Check a batch of images ``(N, C, H, W)``, optionally with ``C == channels``."""
    x = layer_array(x, name, ndims=(4,))
    if channels is not None and x.shape[1] != channels:
        plural = "" if channels == 1 else "s"
        raise ValueError(f"{name} must have {channels} channel{plural} (shape (N, {channels}, H, W)), "
                         f"got shape {x.shape}")
    return x


def check_grad(grad, shape: tuple, name: str = "grad_out") -> np.ndarray:
    """Check that a gradient has exactly the shape of the forward output."""
    grad = layer_array(grad, name, allow_empty=True)
    if grad.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of this layer's last output {tuple(shape)}, "
                         f"got {grad.shape}")
    return grad


def check_labels(y, n: int | None, n_classes: int, name: str = "y") -> np.ndarray:
    """Check integer class labels ``(N,)`` with values in ``0..n_classes-1``."""
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"{name} must be an array of integer class labels, got {describe_value(y)}")
    arr = np.asarray(y)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per image), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty (an empty batch), got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must hold one label per image: expected {n} labels, got {arr.shape[0]}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= n_classes:
        raise ValueError(f"{name} must lie in 0..{n_classes - 1} ({n_classes} classes), "
                         f"got values from {lo} to {hi}")
    return arr.astype(np.intp, copy=False)


def raise_forward_first(layer) -> NoReturn:
    raise RuntimeError(f"{type(layer).__name__}.backward called before forward; "
                       "call forward(x) first (backward uses what forward stored)")
