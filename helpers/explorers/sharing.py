"""Notebook 03's live view: shared weights against a kernel per position.

:class:`SharingExplorer` slides the cat over the canvas and shows, side by
side, the map of one shared 3x3 kernel and the map of a locally connected
layer, both fitted by least squares to the same training set, in which the
cat only ever sat in the left half (:func:`helpers.sharing_fit.left_training_set`).
What it shows is computed by :func:`helpers.sharing_fit.sharing_state`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..sharing import tie_weights
from ..sharing_fit import DETECTION, left_trained_weights, sharing_state
from ..sprites import region_columns
from ..views import LiveFigure
from .base import Explorer, int_slider, toggle

__all__ = [
    "SharingExplorer",
    "MODES",
    "MAP_SCALE",
]

#: The toggle's two settings for the locally connected layer.
MODES = ("own weights at every position", "weights tied")

#: The colour scale of the maps, -MAP_SCALE to MAP_SCALE. The ear filter's map of the cat runs from
#: -4 to 3 and the fitted layers' maps stay within -4.2 to 3.1 at every position: nothing is clipped.
MAP_SCALE = 4.5

class SharingExplorer(Explorer):
    """Sliders for the cat's row and column, and a toggle for the locally connected layer.

    Panels: the input (the dashed frame marks the half where the training
    cats were), the feature map of the shared kernel, the feature map of the
    locally connected layer, and the size of that layer's kernel at each
    position (``|w_ij|``, zero where it learnt nothing). Crosses mark each
    map's peak when it detects the ear. The readout gives peak positions and
    values in numbers.
    """

    title = "Weight-sharing explorer"

    def __init__(self, row: int = 9, col: int = 2, mode: str = MODES[0], canvas: int = 28):
        if canvas != 28:
            raise ValueError(f"canvas must be 28 (the size the layers were fitted for), got {canvas}")
        self.canvas = canvas
        hi = canvas - 9
        self.row = int_slider("cat row", row, 0, hi, "Move the cat up and down (arrow keys work too)")
        self.col = int_slider("cat column", col, 0, hi, "Move the cat left and right (arrow keys work too)")
        self.mode = toggle("locally connected layer", MODES, mode,
                           "own weights: each position keeps the kernel it fitted; "
                           "tied: every position uses the shared kernel")
        self.kernel, self.own = left_trained_weights()
        self.tied = tie_weights(self.kernel, (canvas, canvas))
        self.norms = {MODES[0]: np.sqrt((self.own ** 2).sum(axis=(2, 3))),
                      MODES[1]: np.sqrt((self.tied ** 2).sum(axis=(2, 3)))}
        self.train_cols = region_columns("left", canvas, 9)
        live = LiveFigure(ncols=4, panel=2.3)
        self.im_input = live.show_map(0, (canvas, canvas), "image", "input x")
        self.im_shared = live.show_map(1, (canvas, canvas), "signed", "shared kernel: map", vmax=MAP_SCALE)
        self.im_local = live.show_map(2, (canvas, canvas), "signed", "locally connected: map", vmax=MAP_SCALE)
        self.im_norm = live.show_map(3, (canvas, canvas), "magnitude", "|kernel| at each position",
                                     vmax=float(max(n.max() for n in self.norms.values())))
        for ax in (0, 2, 3):  # the half of the canvas where the training cats were
            frame = Rectangle((-0.5, -0.5), self.train_cols[1] + 9, canvas, fill=False,
                              edgecolor="tab:orange", linestyle="--", linewidth=1.5)
            live.axes[ax].add_patch(frame)
            live.add_artist(frame)
        self.mark_shared = live.add_marker(1)
        self.mark_local = live.add_marker(2)
        self._build([self.row, self.col, self.mode], live)

    def compute(self) -> dict:
        mode = self.mode.value
        weights = self.own if mode == MODES[0] else self.tied
        state = sharing_state(self.row.value, self.col.value, self.kernel, weights, self.canvas)
        return {**state, "norm": self.norms[mode], "mode": mode}

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        self.im_shared.set_data(state["shared"])
        self.im_local.set_data(state["local"])
        self.im_norm.set_data(state["norm"])
        for marker, key in ((self.mark_shared, "shared"), (self.mark_local, "local")):
            r, c = state[f"{key}_peak"]
            marker.set_data([c], [r])
            marker.set_visible(state[f"{key}_value"] >= DETECTION)

    def describe(self, state: dict) -> str:
        row, col = state["position"]
        c0, c1 = self.train_cols

        def line(name, key):
            (r, c), v = state[f"{key}_peak"], state[f"{key}_value"]
            if state[f"{key}_found"]:
                return f"{name}: peak {v:.2f} at row {r}, column {c}, on the ear tip: found"
            if not np.any(state[key]):
                return f"{name}: zero everywhere, nothing found"
            where = f"peak {v:.2f} at row {r}, column {c}"
            if v < DETECTION:
                return f"{name}: {where}, below {DETECTION:g}: nothing found"
            return f"{name}: {where}, not on the ear tip"

        own = state["mode"] == MODES[0]
        local_name = (f"locally connected, own weights ({self.own.size} parameters)" if own
                      else "locally connected, weights tied (9 shared)")
        return (f"cat at row {row}, column {col}: its ear tip is at ({row}, {col})\n"
                f"training cats: top-left column {c0} to {c1}, so ink only in columns 0 to {c1 + 8} "
                f"(dashed frame)\n"
                f"{line('shared kernel (9 parameters)', 'shared')}\n"
                f"{line(local_name, 'local')}\n"
                f"largest difference between the two maps: {state['difference']:.2f}")
