"""Static figures of notebook 02's sections 5 and 6: what subsampling and a blur do to fast patterns.

- :func:`subsampling_figure` draws repeating 1-D patterns, the pixels that
  subsampling by 2 keeps at phase 0 and at phase 1, and the same after a
  binomial blur (section 5, the primer on frequency);
- :func:`blur_gain_figure` draws the fastest pattern ``+1, -1, +1, ...`` with
  its two phases and its blurred version, and the gain of each binomial blur
  against the frequency (section 6, before blur pooling);
- :func:`consistency_figure` draws the shift-consistency curves of max
  pooling and of blur pooling (section 6, :func:`helpers.pooling.consistency_curve`).

The numbers come from :mod:`helpers.pooling` (:func:`~helpers.pooling.blur_row`,
:func:`~helpers.pooling.blur_gain`); this module only draws. Meaning is
carried by marker shape and line style as well as colour. End the notebook
cell with ``show(fig)`` (:func:`helpers.views.show`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._validate import as_float_array, choice, positive_int
from .ops import BLUR_FILTERS
from .pooling import METHOD_LABELS, METHODS, blur_gain, blur_row

__all__ = ["subsampling_figure", "blur_gain_figure", "consistency_figure"]


def _taps(filter: str) -> str:
    return "[" + ", ".join(str(int(v)) for v in BLUR_FILTERS[filter]) + "]"


def _values(v) -> str:
    return ", ".join(f"{x:+g}" if x else "0" for x in v)


def subsampling_figure(patterns: dict, filter: str = "tri3") -> Figure:
    """One row per pattern: the pattern with the pixels each phase keeps, then the same after the blur.

    ``patterns`` maps a name (the row's title) to a 1-D array of pixel values
    of even length (at least 4), drawn against the pixel index. In each row,
    the left panel shows the pattern (grey line), the pixels subsampling by 2
    keeps at phase 0 (circles: pixels 0, 2, 4, ...) and at phase 1 (squares:
    pixels 1, 3, 5, ...), with the kept values in the legend; the right panel
    the same after the normalised binomial ``filter`` (circular, see
    :func:`helpers.pooling.blur_row`). Returns a ``Figure`` 10 x 2.3 inches
    per row at 80 dpi. Raises ``TypeError`` if ``patterns`` is not a dict and
    ``ValueError`` for an empty dict, a pattern that is not 1-D, of odd length
    or shorter than 4, or an unknown ``filter``.
    """
    if not isinstance(patterns, dict):
        raise TypeError(f"patterns must be a dict {{name: 1-D array}}, got {type(patterns).__name__}")
    if not patterns:
        raise ValueError("patterns must hold at least one pattern, got an empty dict")
    choice(filter, "filter", tuple(BLUR_FILTERS))
    rows = {}
    for name, values in patterns.items():
        x = as_float_array(values, f"patterns[{name!r}]", ndims=(1,))
        if x.size < 4 or x.size % 2:
            raise ValueError(f"patterns[{name!r}] must have an even length of at least 4, got {x.size}")
        rows[str(name)] = x
    fig = Figure(figsize=(10, 2.3 * len(rows)), dpi=80, layout="constrained")
    axes = fig.subplots(len(rows), 2, squeeze=False)
    for (name, x), (left, right) in zip(rows.items(), axes):
        for ax, y, what in ((left, x, name), (right, blur_row(x, filter), f"{name}, after the {_taps(filter)} blur")):
            n = np.arange(y.size)
            ax.plot(n, y, color="0.6", linewidth=1)
            ax.plot(n[0::2], y[0::2], "o", markersize=9, label=f"phase 0 keeps {_values(y[0::2][:4])}, ...")
            ax.plot(n[1::2], y[1::2], "s", markersize=7, label=f"phase 1 keeps {_values(y[1::2][:4])}, ...")
            ax.axhline(0, color="0.8", linewidth=0.6, zorder=0)
            ax.set_ylim(-1.5, 3.0)
            ax.set_xticks(n[::2])
            ax.set_xlabel("pixel n")
            ax.set_ylabel("value")
            ax.set_title(what, fontsize=10)
            ax.legend(fontsize=8, loc="upper right")
    return fig


def blur_gain_figure(pixels: int = 12, frequencies: int = 101) -> Figure:
    """Left: the pattern ``+1, -1, +1, ...`` over ``pixels`` pixels, its two phases and its ``[1, 2, 1]`` blur.
    Right: the gain of each binomial blur (:func:`helpers.pooling.blur_gain`) at ``frequencies`` points
    from 0 to 1/2 cycle per pixel, the band above 1/4 shaded (it folds back after stride-2 subsampling).

    Returns a 10 x 3.2 inch ``Figure`` at 80 dpi. Raises ``TypeError`` unless ``pixels`` and
    ``frequencies`` are integers, ``ValueError`` unless both are at least 2 and ``pixels`` is even
    (a whole number of cycles, so that the circular blur sees the pattern repeat).
    """
    pixels, frequencies = positive_int(pixels, "pixels"), positive_int(frequencies, "frequencies")
    if pixels < 2 or pixels % 2:
        raise ValueError(f"pixels must be an even number of at least 2, got {pixels}")
    if frequencies < 2:
        raise ValueError(f"frequencies must be at least 2, got {frequencies}")
    fig = Figure(figsize=(10, 3.2), dpi=80, layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    n = np.arange(pixels)
    signal = (-1.0) ** n
    smooth = blur_row(signal, "tri3")
    ax1.plot(n, signal, color="0.6", linewidth=1)
    ax1.plot(n[0::2], signal[0::2], "o", markersize=9, label="phase 0 keeps: all +1")
    ax1.plot(n[1::2], signal[1::2], "s", markersize=9, label="phase 1 keeps: all -1")
    ax1.plot(n, smooth, "D--", color="black", markersize=5, label="after [1,2,1] blur: all 0")
    ax1.set_xlabel("pixel n")
    ax1.set_ylabel("value")
    ax1.set_ylim(-1.6, 2.2)
    ax1.set_title("Fastest pattern: the two phases disagree, unless blurred")
    ax1.legend(fontsize=8, loc="upper right", ncols=2)
    f = np.linspace(0, 0.5, frequencies)
    ax2.axvspan(0.25, 0.5, color="0.9")
    ax2.text(0.375, 1.05, "folds back after\nstride-2 subsampling", ha="center", fontsize=8)
    ax2.plot(f, np.ones_like(f), color="0.4", linewidth=1, label="no blur")
    for name, style in zip(BLUR_FILTERS, ("-", "--", ":")):
        ax2.plot(f, blur_gain(name, f), style, linewidth=2, label=f"{name} {BLUR_FILTERS[name].astype(int).tolist()}")
    ax2.set_xlabel("frequency (cycles per pixel)")
    ax2.set_ylabel("gain of the blur")
    ax2.set_ylim(0, 1.25)
    ax2.set_title("Binomial blurs: gain 0 at the fastest pattern (1/2)")
    ax2.legend(fontsize=8, loc="lower left")
    return fig


def consistency_figure(shifts, curves: dict) -> Figure:
    """The shift-consistency curves: relative change of the features against the shift, one line per pooling.

    ``shifts`` is a 1-D array of the shifts ``k`` (pixels); ``curves`` maps each of
    :data:`helpers.pooling.METHODS` (``"max"``, ``"rect2"``, ``"tri3"``, ``"bin5"``) to a 1-D array of
    the same length (e.g. :func:`helpers.pooling.consistency_curve`). Lines differ in marker and style
    as well as colour. Returns a 7 x 3.4 inch ``Figure`` at 80 dpi. Raises ``TypeError`` if ``curves``
    is not a dict, ``ValueError`` if a method is missing or a curve's length differs from ``shifts``.
    """
    ks = as_float_array(shifts, "shifts", ndims=(1,))
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict {{method: 1-D array}}, got {type(curves).__name__}")
    missing = [m for m in METHODS if m not in curves]
    if missing:
        raise ValueError(f"curves must have a curve for each of {METHODS}; missing {missing}")
    for m in METHODS:
        if as_float_array(curves[m], f"curves[{m!r}]", ndims=(1,)).shape != ks.shape:
            raise ValueError(f"curves[{m!r}] must have one value per shift ({ks.size}), "
                             f"got shape {np.shape(curves[m])}")
    fig = Figure(figsize=(7, 3.4), dpi=80, layout="constrained")
    ax = fig.subplots()
    for m, style in zip(METHODS, ("o-", "s--", "^-.", "D:")):
        ax.plot(shifts, curves[m], style, linewidth=1.5, markersize=7, label=METHOD_LABELS[m])
    ax.set_xticks(shifts)
    ax.set_xlabel("shift k (pixels to the right)")
    ax.set_ylabel("relative change of the features")
    ax.set_title("Blur pooling: with three taps or more, features change less under small shifts")
    ax.legend(fontsize=9)
    return fig
