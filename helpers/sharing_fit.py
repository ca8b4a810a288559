"""Notebook 03's experiment: a shared kernel and a locally connected layer fitted to cats seen on the left.

Both layers are fitted by least squares to the ear filter's maps of cats
whose whole sprite lies in the left half of the image
(:func:`left_training_set`). The shared kernel (:func:`fit_shared_kernel`)
learns from every position at once and finds the ear anywhere; the locally
connected layer (:func:`fit_locally_connected`) learns each position's kernel
from that position's examples only, so it has nothing to the right of where
the training cats were. :func:`ear_tip_sweep` slides the cat through every
position and records both layers' values at the ear tip (the notebook's
table and figure, for each seed). :func:`sharing_state` computes what the live view of
:mod:`helpers.explorers.sharing` shows for the cat at one position.

No widgets and no drawing here. The layers themselves are in :mod:`helpers.sharing`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import as_float_array, integer, non_negative_float, positive_float, positive_int
from .filters import EAR
from .ops import conv2d
from .sharing import locally_connected, output_shape, patches
from .sprites import cat_at, region_columns

__all__ = [
    "DETECTION",
    "ear_tip_sweep",
    "fit_shared_kernel",
    "fit_locally_connected",
    "left_training_set",
    "left_trained_weights",
    "sharing_state",
]

#: A map "detects" the ear when its peak reaches this value on the ear tip (the ear filter gives 3).
DETECTION = 1.5

_CACHE: dict = {}


# --------------------------------------------------------------------------
# Fitting by least squares
# --------------------------------------------------------------------------

def _training_pairs(xs, targets, kernel_shape, padding):
    xs = as_float_array(xs, "xs", ndims=(3,))
    targets = as_float_array(targets, "targets", ndims=(3,))
    out = output_shape(xs.shape[-2:], kernel_shape, padding)  # checks kernel_shape and padding
    kh, kw = (kernel_shape, kernel_shape) if isinstance(kernel_shape, numbers.Integral) else kernel_shape
    kh, kw = int(kh), int(kw)
    if targets.shape != (xs.shape[0], *out):
        raise ValueError(f"targets must have shape (N, Ho, Wo) = {(xs.shape[0], *out)} for images "
                         f"of shape {xs.shape} and a {kh}x{kw} kernel with {padding} padding, got {targets.shape}")
    p = patches(xs, (kh, kw), padding).reshape(xs.shape[0], *out, kh * kw)
    return p, targets, (kh, kw), out


def fit_shared_kernel(xs, targets, kernel_shape=(3, 3), padding: str = "zero", ridge: float = 1e-3) -> np.ndarray:
    """The one kernel ``w`` that best maps images to target maps, by least squares.

    ``xs`` is ``(N, H, W)``, ``targets`` ``(N, Ho, Wo)``. Minimises
    ``sum |conv2d(x, w) - target|^2 + ridge * |w|^2`` over all images and all
    positions together: every position's example teaches the same ``kh * kw``
    weights. Returns ``w`` of shape ``kernel_shape``.
    """
    p, t, (kh, kw), _ = _training_pairs(xs, targets, kernel_shape, padding)
    ridge = positive_float(ridge, "ridge")
    a = np.einsum("nijk,nijl->kl", p, p) + ridge * np.eye(kh * kw)
    b = np.einsum("nijk,nij->k", p, t)
    return np.linalg.solve(a, b).reshape(kh, kw)


def fit_locally_connected(xs, targets, kernel_shape=(3, 3), padding: str = "zero",
                          ridge: float = 1e-3) -> np.ndarray:
    """A kernel for every output position, each fitted by least squares on its own examples.

    Same problem as :func:`fit_shared_kernel`, but output ``(i, j)`` has its
    own kernel, taught only by what the images show at ``(i, j)``. A position
    whose target is always zero gets exactly zero weights. Returns weights
    ``(Ho, Wo, kh, kw)`` for :func:`locally_connected`. All ``Ho * Wo`` small
    systems are solved in one batched call.
    """
    p, t, (kh, kw), (ho, wo) = _training_pairs(xs, targets, kernel_shape, padding)
    ridge = positive_float(ridge, "ridge")
    a = np.einsum("nijk,nijl->ijkl", p, p) + ridge * np.eye(kh * kw)
    b = np.einsum("nijk,nij->ijk", p, t)
    return np.linalg.solve(a, b[..., None])[..., 0].reshape(ho, wo, kh, kw)


# --------------------------------------------------------------------------
# The notebook's running experiment: cats seen only on the left
# --------------------------------------------------------------------------

def left_training_set(noise: float = 0.05, seed: int = 0, canvas: int = 28):
    """Training pairs for an ear detector, with the cat only ever in the left half.

    One image per position of the cat's top-left pixel: every row, and the
    columns where the whole cat lies in the left half (see
    :func:`helpers.sprites.region_columns`). Each image gets Gaussian noise of
    standard deviation ``noise`` (seeded); its target is the ear filter's map
    of the clean image (``"zero"`` padding), the map a good ear detector
    should produce.

    Returns ``(xs, targets, positions)`` with shapes ``(N, canvas, canvas)``
    twice and ``(N, 2)``.
    """
    size = positive_int(canvas, "canvas")
    noise = non_negative_float(noise, "noise")
    c0, c1 = region_columns("left", size, 9)
    positions = np.array([(r, c) for r in range(size - 9 + 1) for c in range(c0, c1 + 1)])
    clean = np.stack([cat_at(int(r), int(c), size) for r, c in positions])
    targets = conv2d(clean[:, None], EAR[None, None], padding="zero")[:, 0]
    xs = clean + noise * np.random.default_rng(seed).standard_normal(clean.shape)
    return xs, targets, positions


def left_trained_weights(noise: float = 0.05, seed: int = 0):
    """The shared kernel ``(3, 3)`` and the locally connected weights ``(28, 28, 3, 3)``
    fitted to :func:`left_training_set` (zero padding). Computed once per
    ``(noise, seed)``; each call returns fresh copies."""
    key = (noise, seed)
    if key not in _CACHE:
        xs, targets, _ = left_training_set(noise=noise, seed=seed)
        _CACHE[key] = (fit_shared_kernel(xs, targets, (3, 3), "zero"),
                       fit_locally_connected(xs, targets, (3, 3), "zero"))
    shared, local = _CACHE[key]
    return shared.copy(), local.copy()


def ear_tip_sweep(kernel, weights, canvas: int = 28) -> dict:
    """Both layers' values at the ear tip, for the cat at every position where it fits.

    ``kernel`` is a shared ``(kh, kw)`` kernel, ``weights`` a locally connected
    layer's ``(canvas, canvas, kh, kw)`` kernels; both are applied with
    ``"zero"`` padding. For the cat with its top-left pixel (the ear tip) at
    ``(row, col)``, ``0 <= row, col < n`` with ``n = canvas - 9 + 1``:

    - ``"shared"`` and ``"local"``: ``(n, n)`` arrays, the value of each
      layer's map at ``(row, col)``;
    - ``"found"``: ``(n, n)`` booleans, the locally connected map's largest
      value (the first in reading order, as ``np.argmax``) is at the ear tip
      and reaches :data:`DETECTION`.

    Raises ValueError if ``weights`` does not have one kernel per pixel of the canvas.
    """
    size = positive_int(canvas, "canvas")
    kernel = as_float_array(kernel, "kernel", ndims=(2,))
    weights = as_float_array(weights, "weights", ndims=(4,))
    if weights.shape[:2] != (size, size) or weights.shape[2:] != kernel.shape:
        raise ValueError(f"weights must have shape (canvas, canvas, kh, kw) = {(size, size, *kernel.shape)} "
                         f"for canvas={size} and a kernel of shape {kernel.shape}, got {weights.shape}")
    n = size - 9 + 1
    cols = np.arange(n)
    out = {"shared": np.zeros((n, n)), "local": np.zeros((n, n)), "found": np.zeros((n, n), dtype=bool)}
    for row in range(n):
        imgs = np.stack([cat_at(row, int(c), size) for c in cols])
        shared = conv2d(imgs[:, None], kernel[None, None], padding="zero")[:, 0]
        local = locally_connected(imgs, weights, padding="zero")
        out["shared"][row] = shared[cols, row, cols]
        out["local"][row] = local[cols, row, cols]
        peaks = local.reshape(n, -1).argmax(axis=1)
        out["found"][row] = (peaks == row * size + cols) & (local.reshape(n, -1).max(axis=1) >= DETECTION)
    return out


def _peak(m: np.ndarray) -> tuple[tuple[int, int], float]:
    r, c = np.unravel_index(int(np.argmax(m)), m.shape)
    return (int(r), int(c)), float(m[r, c])


def sharing_state(row: int, col: int, kernel, weights, canvas: int = 28) -> dict:
    """The cat at ``(row, col)`` through a shared ``kernel`` ``(kh, kw)`` and a locally connected
    layer with ``weights`` ``(canvas, canvas, kh, kw)``, both with zero padding.

    Keys: ``x``, ``shared`` and ``local`` (the two maps, ``(canvas, canvas)``),
    ``position``; ``shared_peak``, ``local_peak`` (``(row, col)``) and
    ``shared_value``, ``local_value``; ``shared_found`` and ``local_found``
    (the peak is on the ear tip ``(row, col)`` and reaches :data:`DETECTION`);
    ``difference``, the largest absolute difference between the two maps.
    """
    row, col = integer(row, "row"), integer(col, "col")
    kernel = as_float_array(kernel, "kernel", ndims=(2,))
    x = cat_at(row, col, canvas)
    shared = conv2d(x, kernel, padding="zero")
    local = locally_connected(x, weights, padding="zero")
    (ps, vs), (pl, vl) = _peak(shared), _peak(local)
    return {"x": x, "shared": shared, "local": local, "position": (row, col),
            "shared_peak": ps, "shared_value": vs, "local_peak": pl, "local_value": vl,
            "shared_found": ps == (row, col) and vs >= DETECTION,
            "local_found": pl == (row, col) and vl >= DETECTION,
            "difference": float(np.abs(shared - local).max())}
