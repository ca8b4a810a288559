"""Notebook 02's live views: the pooling windows, and max pooling against blur pooling.

- :class:`WindowExplorer`: a 4x4 image holding a single 1, moved by two
  sliders, with the 2x2 pooling windows drawn on it and the pooled map beside
  it;
- :class:`PoolingExplorer`: the cat slid one pixel at a time, its feature map,
  the max-pooled map and the blur-pooled map, with the consistency measure
  in the readout.

What they show is computed by :mod:`helpers.pooling`
(:func:`~helpers.pooling.window_state`, :func:`~helpers.pooling.cat_pooling_state`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..filters import FILTERS
from ..ops import BLUR_FILTERS
from ..pooling import (
    CAT_REFERENCE,
    WINDOW_REFERENCE,
    WINDOW_SIZE,
    cat_feature_map,
    cat_pooling_state,
    downsample,
    image_with_one,
    window_state,
)
from ..views import CMAPS, LiveFigure, style_axes, text_colour
from .base import Explorer, int_slider, toggle

__all__ = ["WindowExplorer", "PoolingExplorer", "pooling_grid"]


# --------------------------------------------------------------------------
# Live view 1: the single 1 in a 4x4 image
# --------------------------------------------------------------------------

def pooling_grid(live: LiveFigure, ax: int, shape, step: int, linewidth: float = 0.8, static: bool = False):
    """Lines every ``step`` pixels over an image panel, as ONE collection.

    One collection draws in a fraction of the time of one line per grid edge,
    which matters for a 28x28 map with a line every 2 pixels. A grid over a
    live image is redrawn on top of it at each update; with ``static=True``
    (over a panel that never changes) it goes into the cached background.
    """
    h, w = shape
    segs = [[(-0.5, r - 0.5), (w - 0.5, r - 0.5)] for r in range(0, h + 1, step)]
    segs += [[(c - 0.5, -0.5), (c - 0.5, h - 0.5)] for c in range(0, w + 1, step)]
    lines = LineCollection(segs, colors="tab:orange", linewidths=linewidth, zorder=3)
    live.axes[ax].add_collection(lines, autolim=False)
    return lines if static else live.add_artist(lines)


def _fmt_map(m: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in m) + "]"


class WindowExplorer(Explorer):
    """Two sliders move the single 1 of a 4x4 image; 2x2 max pooling (stride 2) gives a 2x2 map.

    Panels: the image with its four pooling windows outlined, the pooled map
    now, and the pooled map of the seed's ``[1, 0, 0, 0]`` window (the 1 at
    row 0, column 0). Values are written in the cells. The readout says
    whether the pooled output is unchanged or changed.
    """

    title = "Pooling-window explorer"

    def __init__(self, row: int = 0, col: int = 0, size: int = WINDOW_SIZE):
        if size != WINDOW_SIZE:
            raise ValueError(f"size must be 4 (a 4x4 image of four 2x2 windows), got {size}")
        self.size = size
        self.row = int_slider("row of the 1", row, 0, size - 1,
                              "Move the single 1 up and down (arrow keys work too)")
        self.col = int_slider("column of the 1", col, 0, size - 1,
                              "Move the single 1 left and right (arrow keys work too)")
        self.reference = window_state(*WINDOW_REFERENCE)["reference"]
        live = LiveFigure(ncols=3, panel=2.3)
        self.im_input = live.show_map(0, (size, size), "image", "input and its 2x2 windows")
        pooling_grid(live, 0, (size, size), 2, linewidth=3)
        self.one_label = live.add_artist(live.axes[0].text(0, 0, "1", ha="center", va="center", fontsize=16,
                                                           color=text_colour("image", 1.0), fontweight="bold"))
        half = size // 2
        self.im_pooled = live.show_map(1, (half, half), "image", "max-pooled map now")
        pooling_grid(live, 1, (half, half), 1, linewidth=3)
        self.pooled_labels = [[live.add_artist(live.axes[1].text(j, i, "0", ha="center", va="center",
                                                                 fontsize=16, color="black"))
                               for j in range(half)] for i in range(half)]
        ax_ref = live.axes[2]  # static: drawn once into the cached background
        ax_ref.imshow(self.reference, cmap=CMAPS["image"], vmin=0, vmax=1, interpolation="nearest")
        style_axes(ax_ref, "pooled map of [1, 0, 0, 0]")
        pooling_grid(live, 2, (half, half), 1, linewidth=3, static=True)
        for (i, j), v in np.ndenumerate(self.reference):
            ax_ref.text(j, i, f"{v:g}", ha="center", va="center", fontsize=16, color=text_colour("image", v))
        self._build([self.row, self.col], live)

    def image_with_one(self, row: int, col: int) -> np.ndarray:
        """The view's image with its 1 at ``(row, col)`` (:func:`helpers.pooling.image_with_one`)."""
        return image_with_one(row, col, self.size)

    def compute(self) -> dict:
        return window_state(self.row.value, self.col.value)

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        r, c = state["position"]
        self.one_label.set_position((c, r))
        self.im_pooled.set_data(state["pooled"])
        for (i, j), v in np.ndenumerate(state["pooled"]):
            label = self.pooled_labels[i][j]
            label.set_text(f"{v:g}")
            label.set_color(text_colour("image", v))

    def describe(self, state: dict) -> str:
        (r, c), (wr, wc) = state["position"], state["window"]
        lines = [f"the 1 is at row {r}, column {c}: inside pooling window (row {wr}, column {wc})",
                 f"pooled map = {_fmt_map(state['pooled'])}"]
        if state["unchanged"]:
            lines.append("pooled output unchanged: the 1 is still inside the top-left window, "
                         "like [1, 0, 0, 0]")
        else:
            lines.append(f"pooled output changed: the 1 crossed a window edge, so the pooled 1 moved to "
                         f"cell (row {wr}, column {wc}); with [1, 0, 0, 0] it was {_fmt_map(self.reference)}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Live view 2: the cat, max pooling against blur pooling
# --------------------------------------------------------------------------

class PoolingExplorer(Explorer):
    """Slide the cat one pixel at a time; compare max pooling with blur pooling.

    Panels: the input with the 2x2 pooling grid, the feature map (ReLU of a
    hand-made filter, circular padding, same grid), the max-pooled map and
    the blur-pooled map (MaxBlurPool with the chosen filter), each pooled
    map's peak marked with a cross. The readout gives, for each pooled map,
    its distance from the ideal (the reference pooled map moved by ``k / 2``
    cells, see :func:`ideal_shift_error`) beside the same distance for the
    unmoved reference map (the baseline: smooth maps lie close to their own
    half-cell shift even when they do not move), and the change of its mean value.
    """

    title = "Max pool vs blur pool explorer"

    def __init__(self, col: int = CAT_REFERENCE, filter: str = "vertical edge", blur: str = "bin5",
                 canvas: int = 28):
        if canvas != 28:
            raise ValueError(f"canvas must be 28, got {canvas}")
        self.canvas = canvas
        self.col = int_slider("cat column", col, 0, canvas - 9,
                              "Slide the cat left and right one pixel at a time (arrow keys work too)")
        self.filter = toggle("filter", FILTERS, filter, "Which hand-made filter makes the feature map")
        self.blur = toggle("blur filter", tuple(BLUR_FILTERS), blur,
                           "The blur of the blur pool: rect2 = [1,1], tri3 = [1,2,1], bin5 = [1,4,6,4,1]")
        self._reference: dict = {}
        half = canvas // 2
        live = LiveFigure(ncols=4, panel=2.2)
        self.im_input = live.show_map(0, (canvas, canvas), "image", "input, 2x2 pooling grid")
        pooling_grid(live, 0, (canvas, canvas), 2, linewidth=0.5)
        self.im_feature = live.show_map(1, (canvas, canvas), "magnitude", "feature map: ReLU(conv)", vmax=3)
        pooling_grid(live, 1, (canvas, canvas), 2, linewidth=0.5)
        self.im_max = live.show_map(2, (half, half), "magnitude", "max-pooled (14x14)", vmax=3)
        self.im_blur = live.show_map(3, (half, half), "magnitude", "blur-pooled (14x14)", vmax=3)
        self.mark_max = live.add_marker(2, color="tab:red", size=11)
        self.mark_blur = live.add_marker(3, color="tab:red", size=11)
        self._build([self.col, self.filter, self.blur], live)

    def feature_map(self, col: int, filter: str) -> np.ndarray:
        """:func:`helpers.pooling.cat_feature_map` on this view's canvas: ``(28, 28)``."""
        return cat_feature_map(col, filter, self.canvas)

    def reference_maps(self, filter: str, blur: str) -> tuple[np.ndarray, np.ndarray]:
        """The pooled maps ``(max, blur)`` of the cat at :data:`~helpers.pooling.CAT_REFERENCE`, cached."""
        key = (filter, blur)
        if key not in self._reference:
            f = self.feature_map(CAT_REFERENCE, filter)
            self._reference[key] = (downsample(f, "max"), downsample(f, blur))
        return self._reference[key]

    def compute(self) -> dict:
        filt, blur = self.filter.value, self.blur.value
        return cat_pooling_state(self.col.value, filt, blur, self.canvas, reference=self.reference_maps(filt, blur))

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        self.im_feature.set_data(state["feature"])
        self.im_max.set_data(state["max"])
        self.im_blur.set_data(state["blur"])
        for marker, key in ((self.mark_max, "max_peak"), (self.mark_blur, "blur_peak")):
            r, c = state[key]
            marker.set_data([c], [r])

    def describe(self, state: dict) -> str:
        k = state["shift"]
        label = f"blur pool ({state['blur_filter']})"
        width = len(label)

        def line(name, key):
            r, c = state[f"{key}_peak"]
            return (f"{name:<{width}}: distance from the ideal {state[f'{key}_error']:.2f} "
                    f"(unmoved map: {state[f'{key}_unmoved']:.2f}), "
                    f"mean value changed by {100 * state[f'{key}_mean_change']:.1f}%, peak at ({r}, {c})")

        cells = f"{k / 2:+g} pooled cells"
        where = "a whole number of cells" if k % 2 == 0 else "half-way between two cells"
        return (f"cat at column {state['position']}: shifted by k = {k:+d} pixels from column {CAT_REFERENCE}, "
                f"that is {cells} ({where})\n"
                f"feature map: ReLU of the '{state['filter']}' filter\n"
                f"{line('max pool', 'max')}\n{line(label, 'blur')}\n"
                f"ideal = the pooled map at column {CAT_REFERENCE} (the reference) moved by k / 2 cells; "
                "distance = ||pooled - ideal|| / ||reference|| (0 = follows the cat exactly); "
                "unmoved map = the same distance for the reference map itself, a map that did not move at all")
