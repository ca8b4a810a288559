"""Notebook 01's live view: move the cat, watch the feature maps move with it.

What it shows is computed by :func:`helpers.equivariance.equivariance_state`.
"""

from __future__ import annotations

import numpy as np

from ..equivariance import PADDINGS, REFERENCE, equivariance_state, feature_maps
from ..filters import FILTERS
from ..sprites import cat_at
from ..views import LiveFigure
from .base import Explorer, int_slider, toggle

__all__ = ["EquivarianceExplorer", "VMAX"]

#: One colour scale, -VMAX (blue) to +VMAX (red), for every signed panel of the
#: view. 4 is the largest absolute value any panel reaches (the ear map's
#: minimum, -4), so nothing is clipped; the tests sweep every position to check.
VMAX = 4.0


class EquivarianceExplorer(Explorer):
    """Sliders for the cat's row and column, a filter toggle and a padding toggle.

    Panels: the input, the feature map of each hand-made filter (a cross marks
    its largest value; with ties, the first of them in reading order), and the
    difference ``conv(shift(x)) - shift(conv(x))`` for the selected filter,
    where ``x`` is the cat at :data:`REFERENCE` and ``shift`` moves it to the
    sliders' position. The readout gives the peak position (and any ties) and
    the equivariance error in numbers.
    """

    title = "Equivariance explorer"

    def __init__(self, row: int = 4, col: int = 4, filter: str = "ear", padding: str = "circular",
                 canvas: int = 28):
        self.canvas = canvas
        hi = canvas - 9
        self.row = int_slider("cat row", row, 0, hi, "Move the cat up and down (arrow keys work too)")
        self.col = int_slider("cat column", col, 0, hi, "Move the cat left and right (arrow keys work too)")
        self.filter = toggle("filter for the difference", FILTERS, filter,
                             "Which filter's equivariance error to show and report")
        self.padding = toggle("padding", PADDINGS, padding,
                              "circular: the image wraps around; zero: zeros outside the image")
        self.names = list(FILTERS)
        self._reference = {}
        live = LiveFigure(ncols=2 + len(self.names))
        self.im_input = live.show_map(0, (canvas, canvas), "image", "input x")
        self.im_maps, self.markers = [], []
        for i, name in enumerate(self.names):
            self.im_maps.append(live.show_map(1 + i, (canvas, canvas), "signed", name, vmax=VMAX))
            self.markers.append(live.add_marker(1 + i))
        self.im_diff = live.show_map(len(self.names) + 1, (canvas, canvas), "signed",
                                     "conv(shift x) - shift(conv x)", vmax=VMAX)
        self._build([self.row, self.col, self.filter, self.padding], live)

    def feature_maps(self, x: np.ndarray, padding: str) -> np.ndarray:
        """The three filters' maps of one image: ``(3, H, W)`` (:func:`helpers.equivariance.feature_maps`)."""
        return feature_maps(x, padding)

    def reference_maps(self, padding: str) -> np.ndarray:
        if padding not in self._reference:
            self._reference[padding] = self.feature_maps(cat_at(*REFERENCE, self.canvas), padding)
        return self._reference[padding]

    def compute(self) -> dict:
        padding = self.padding.value
        return equivariance_state(self.row.value, self.col.value, self.filter.value, padding, self.canvas,
                                  reference=self.reference_maps(padding))

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        for im, marker, m, (r, c) in zip(self.im_maps, self.markers, state["maps"], state["peaks"]):
            im.set_data(m)
            marker.set_data([c], [r])
        self.im_diff.set_data(state["diff"])

    def describe(self, state: dict) -> str:
        (row, col), (dy, dx), (pr, pc) = state["position"], state["shift"], state["peak"]
        name, top, tops, ref_tops = state["filter"], state["top_value"], state["maxima"], state["reference_maxima"]
        if len(tops) == 1 and len(ref_tops) == 1:
            rr, rc = ref_tops[0]
            peak = (f"peak of the '{name}' map at row {pr}, column {pc} (its largest value, {top:g}, "
                    f"at this pixel only): moved by ({pr - rr:+d}, {pc - rc:+d})")
        else:
            followed = (f"all {len(tops)} moved by ({dy:+d}, {dx:+d}) with the cat" if state["maxima_moved"]
                        else f"they did not all move with the cat (the reference map has {len(ref_tops)})")
            peak = (f"the '{name}' map reaches its largest value, {top:g}, at {len(tops)} tied pixels; "
                    f"the cross marks the first in reading order, row {pr}, column {pc}; {followed}")
        err = state["error"]
        verdict = ("exact: the map moved exactly with the cat" if err == 0 else
                   "NOT exact: the cat touches the border, where the window sees zero padding "
                   "instead of the wrapped-around image")
        return (f"cat at row {row}, column {col}: shifted by ({dy:+d}, {dx:+d}) from the reference "
                f"at row {REFERENCE[0]}, column {REFERENCE[1]}\n"
                f"{peak}\n"
                f"equivariance error max|conv(shift x) - shift(conv x)| = {err:g} "
                f"({state['padding']} padding): {verdict}")
