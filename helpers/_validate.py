"""Input checks shared by the helpers.

Every public helper validates its arguments with these functions, so that a
mistake gives one clear message naming the argument, what it got and what was
expected, instead of a numpy traceback from deep inside.
"""

from __future__ import annotations

import numbers

import numpy as np


def describe_value(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def as_float_array(value, name: str, ndims: tuple[int, ...] | None = None,
                   allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a float array after checking it.

    Raises ``TypeError`` for non-numeric input and ``ValueError`` for a wrong
    number of dimensions, an empty array or NaN/infinity.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a numeric array, got {describe_value(value)}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got dtype {arr.dtype}"
            " (expected an integer, boolean or float array)")
    if ndims is not None and arr.ndim not in ndims:
        expected = " or ".join(str(d) for d in ndims)
        raise ValueError(
            f"{name} must have {expected} dimensions, got {arr.ndim} (shape {arr.shape})")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; expected finite numbers")
    return arr


def positive_int(value, name: str) -> int:
    """Check that ``value`` is an integer >= 1 and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {describe_value(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {value}")
    return int(value)


def integer(value, name: str) -> int:
    """Check that ``value`` is an integer (any sign) and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe_value(value)}")
    return int(value)


def choice(value, name: str, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got {describe_value(value)}")
    return value


def padding_choice(value, name: str, options) -> str:
    """:func:`choice` for a padding mode, with a hint for the old name ``"same"``.

    The helpers name a padding by what fills the border: ``"zero"`` or
    ``"circular"`` (and ``"valid"`` for none). ``"same"`` names an output
    size, not a fill, so it is refused with a message that says which name to use.
    """
    if isinstance(value, str) and value == "same" and "same" not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}; got 'same'. Paddings are named by what fills the "
                         f"border: use 'zero' for zero padding (called 'same' elsewhere) or 'circular'")
    return choice(value, name, options)


def non_negative_float(value, name: str) -> float:
    """Check that ``value`` is a finite real number >= 0 (a noise level, say); ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {describe_value(value)}")
    return float(value)


def positive_float(value, name: str) -> float:
    """Check that ``value`` is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {describe_value(value)}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)
