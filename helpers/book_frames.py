"""The live views of the committed notebooks, rebuilt for the book (``make book``).

A live view in a notebook needs a kernel to move. The book shows it without
one: the build rebuilds the view exactly as the notebook does, steps it
through every position of its main slider (and every state of the toggles
kept, where that stays small), and stores one picture and one readout per
step. The page then swaps pictures with a plain HTML range input.

:data:`REGISTRY` maps ``(notebook stem, n)`` (the n-th live view shown in
that notebook, counting from 1 in the order of the outputs) to a
:class:`ViewSpec`: a factory that builds the view with the same helper calls
and seeds as the notebook cell, the attribute name of the main slider and
the attribute names of the toggles whose states are pre-computed. Views
that only a kernel can show are listed in :data:`KERNEL_ONLY` with the reason.
tests/test_book.py fails for a live view found in a notebook with neither,
and checks that the frame at the notebook's committed control values has
the same readout as the committed static picture (so a factory that drifts
from its notebook is caught).

No measurement happens here: the views compute with their own
``compute``/``draw``/``describe``.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ViewSpec", "Frame", "REGISTRY", "KERNEL_ONLY", "render_frames", "static_readouts", "encode"]

#: The class the static fallback of every live view carries (see Explorer.static_html).
STATIC_CLASS = "live-view-static"
_READOUT = re.compile(r'<p class="live-view-static-readout"[^>]*>(.*?)</p>', re.S)


@dataclass(frozen=True)
class ViewSpec:
    """How to rebuild one live view and which of its controls move in the book."""

    factory: Callable
    slider: str
    toggles: tuple[str, ...] = ()
    notes: str = field(default="", compare=False)


@dataclass(frozen=True)
class Frame:
    """One pre-computed step: control values, PNG bytes and readout text."""

    slider: int
    toggles: tuple[str, ...]
    png: bytes
    readout: str


def _equivariance(**kwargs):
    from .explorers import EquivarianceExplorer

    return EquivarianceExplorer(**kwargs)


def _sliding_window():
    from .explorers import SlidingWindowExplorer

    return SlidingWindowExplorer()


def _window():
    from .explorers import WindowExplorer

    return WindowExplorer()


def _pooling():
    from .explorers import PoolingExplorer

    return PoolingExplorer()


def _sharing():
    from .explorers import SharingExplorer

    return SharingExplorer()


def _classifier():
    # notebook 04: results[0] = left_right_experiment(seed=0, ...), then
    # ClassifierExplorer(result.models["flatten"], result.models["gmp"], col=2)
    from .explorers import ClassifierExplorer
    from .tinycnn import left_right_experiment

    result = left_right_experiment(seed=0)
    return ClassifierExplorer(result.models["flatten"], result.models["gmp"], col=2)


def _position_leak():
    from .explorers import PositionLeakExplorer

    return PositionLeakExplorer()


def _rotation():
    from .explorers import RotationExplorer

    return RotationExplorer()


REGISTRY: dict[tuple[str, int], ViewSpec] = {
    ("00_start_here", 1): ViewSpec(_equivariance, "col", ("padding",)),
    ("01_equivariance", 1): ViewSpec(_sliding_window, "col"),
    ("01_equivariance", 2): ViewSpec(_equivariance, "col", ("padding",)),
    ("02_pooling", 1): ViewSpec(_window, "col"),
    ("02_pooling", 2): ViewSpec(_pooling, "col", ("blur",)),
    ("03_weight_sharing", 1): ViewSpec(_sharing, "col", ("mode",)),
    ("04_softmax", 1): ViewSpec(_classifier, "col", ("sprite",)),
    ("05_beyond", 1): ViewSpec(_position_leak, "distance", ("padding",)),
    ("05_beyond", 2): ViewSpec(_rotation, "angle", ("obj",)),
}

#: Live views the book shows as their static picture only: ``(notebook stem, n)`` -> reason.
KERNEL_ONLY: dict[tuple[str, int], str] = {}


def static_readouts(notebook) -> list[str]:
    """The readout of every live view's static fallback in ``notebook`` (an nbformat node), in order."""
    found = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = out.get("data", {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            if STATIC_CLASS in text:
                m = _READOUT.search(text)
                found.append(html.unescape(m.group(1)) if m else "")
    return found


def render_frames(view, spec: ViewSpec) -> tuple[list[Frame], dict]:
    """Step ``view`` through its main slider and kept toggles; returns (frames, committed values).

    The committed values are the controls' values as built (the values the
    notebook shows); the view is left at them. Each frame runs the view's own
    ``update`` (compute, draw, describe, render) once.
    """
    from .explorers.base import control_values

    slider = getattr(view, spec.slider)
    toggles = [getattr(view, name) for name in spec.toggles]
    committed = {"slider": slider.value, "toggles": tuple(t.value for t in toggles)}
    frames = []
    with view.stepping():  # left at the committed values afterwards
        for combo in itertools.product(*(control_values(t) for t in toggles)):
            for t, v in zip(toggles, combo):
                t.value = v
            for s in control_values(slider):
                slider.value = s
                view.update()
                frames.append(Frame(s, tuple(combo), view.image.value, view.readout_text))
    return frames, committed


def encode(png: bytes, fmt: str = "webp") -> bytes:
    """Re-encode a frame's PNG: ``"png"`` (as is) or ``"webp"`` (lossless, smaller)."""
    if fmt == "png":
        return png
    if fmt != "webp":
        raise ValueError(f"fmt must be 'png' or 'webp', got {fmt!r}")
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format="WEBP", lossless=True, method=6)  # opaque
    return out.getvalue()
