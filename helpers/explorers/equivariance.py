"""Notebook 01's live views.

- :class:`SlidingWindowExplorer`: move one 3x3 window over the cat and watch
  one cell of the feature map being computed (its state comes from
  :func:`helpers.equivariance.sliding_window_state`);
- :class:`EquivarianceExplorer`: move the cat, watch the feature maps move with
  it (:func:`helpers.equivariance.equivariance_state`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from ..equivariance import PADDINGS, REFERENCE, WINDOW_CAT, equivariance_state, feature_maps, sliding_window_state
from ..filters import FILTERS
from ..sprites import cat_at
from ..views import CMAPS, LiveFigure, style_axes, text_colour
from .base import Explorer, int_slider, toggle

__all__ = ["SlidingWindowExplorer", "EquivarianceExplorer", "VMAX"]

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


class CellNumbers:
    """The numbers written in the cells of a small image panel, drawn as ONE artist.

    ``CellNumbers(live, ax, shape)`` registers a collection of glyph outlines
    (``matplotlib.textpath.TextPath``, one per cell, cached per string) with
    ``live`` as a dynamic artist; :meth:`set` changes the strings, colours and
    styles. Nine ``Text`` artists per panel cost about 0.3 ms each to draw at
    every slider step; one collection costs a fraction of that (bench/), which
    keeps the sliding-window view within its 20 ms budget. :attr:`labels` and
    :attr:`styles` hold what is written, for the tests.
    """

    def __init__(self, live: LiveFigure, ax, shape, fontsize: float = 14):
        h, w = shape
        self.shape = (h, w)
        self._props = {style: FontProperties(size=fontsize, style=style) for style in ("normal", "italic")}
        self._paths: dict = {}
        digits = TextPath((0, 0), "0123456789", prop=self._props["normal"]).get_extents()
        self._mid_y = (digits.y0 + digits.y1) / 2
        self.labels = [[""] * w for _ in range(h)]
        self.styles = [["normal"] * w for _ in range(h)]
        self.collection = PathCollection([self._path("", "normal")] * (h * w),
                                         offsets=[(j, i) for i in range(h) for j in range(w)],
                                         offset_transform=ax.transData, facecolors="black", edgecolors="none")
        # The outlines are in points, centred on (0, 0), drawn on each cell's centre: points -> inches -> pixels
        # through the figure's own dpi transform, so they keep their size when the view's pixel ratio changes.
        self.collection.set_transform(Affine2D().scale(1 / 72) + live.fig.dpi_scale_trans)
        ax.add_collection(self.collection, autolim=False)
        live.add_artist(self.collection)

    def _path(self, text: str, style: str):
        if (text, style) not in self._paths:
            if not text.strip():
                self._paths[text, style] = Path(np.empty((0, 2)))  # nothing written (TextPath refuses "")
            else:
                path = TextPath((0, 0), text, prop=self._props[style])
                ext = path.get_extents()
                self._paths[text, style] = path.transformed(Affine2D().translate(-(ext.x0 + ext.x1) / 2,
                                                                                 -self._mid_y))
        return self._paths[text, style]

    def set(self, labels, colours, styles=None) -> None:
        """Write ``labels[i][j]`` in cell ``(i, j)`` in ``colours[i][j]`` (``styles``: "normal" or "italic")."""
        h, w = self.shape
        styles = [["normal"] * w for _ in range(h)] if styles is None else styles
        self.labels = [[str(t) for t in row] for row in labels]
        self.styles = [list(row) for row in styles]
        self.collection.set_paths([self._path(self.labels[i][j], self.styles[i][j])
                                   for i in range(h) for j in range(w)])
        self.collection.set_facecolors([colours[i][j] for i in range(h) for j in range(w)])


def _fmt_matrix(m: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v + 0.0:g}" for v in row) + "]" for row in m) + "]"


class SlidingWindowExplorer(Explorer):
    """Two sliders move a 3x3 window over the cat; one cell of the feature map is computed at a time.

    Panels: the image (the cat at :data:`~helpers.equivariance.WINDOW_CAT`)
    with the window outlined, the dashed frame marking the image's edge
    (outside it: zero padding); the 3x3 patch under the window; the kernel;
    the nine element-wise products; and the feature map
    ``conv2d(x, w, padding="zero")`` filled row by row up to the window's
    cell, which is outlined (later cells are grey: not computed yet). Every
    3x3 panel has its numbers written in its cells. The readout says the sum.
    """

    title = "Sliding-window explorer"

    def __init__(self, row: int = 9, col: int = 6, filter: str = "ear", canvas: int = 28):
        if canvas != 28:
            raise ValueError(f"canvas must be 28 (the cat image of section 2), got {canvas}")
        self.canvas = canvas
        self.row = int_slider("window row", row, 0, canvas - 1,
                              "Move the window's centre up and down (arrow keys work too)")
        self.col = int_slider("window column", col, 0, canvas - 1,
                              "Move the window's centre left and right (arrow keys work too)")
        self.filter = toggle("kernel", FILTERS, filter, "Which hand-made 3x3 kernel the window multiplies by")
        live = LiveFigure(ncols=5, panel=2.2, title_space=0.75)
        ax_img = live.axes[0]  # the image never changes: drawn once, into the cached background
        x = cat_at(*WINDOW_CAT, canvas)
        ax_img.imshow(np.pad(x, 1), cmap=CMAPS["image"], vmin=0, vmax=1, interpolation="nearest",
                      extent=(-1.5, canvas + 0.5, canvas + 0.5, -1.5))
        self._title(ax_img, "image x and the window\n(dashed: the image's edge)")
        edge = Rectangle((-0.5, -0.5), canvas, canvas, fill=False, edgecolor="0.4", linestyle="--", linewidth=1)
        ax_img.add_patch(edge)
        live.add_overlay(edge)
        self.window = live.add_artist(ax_img.add_patch(
            Rectangle((0, 0), 3, 3, fill=False, edgecolor="tab:orange", linewidth=2.5)))
        self.im_patch = live.show_map(1, (3, 3), "image")
        self._title(live.axes[1], "patch: the pixels\nin the window")
        self.im_kernel = live.show_map(2, (3, 3), "signed", vmax=VMAX)
        self._title(live.axes[2], "kernel w\n(the same at every window)")
        self.im_products = live.show_map(3, (3, 3), "signed", vmax=VMAX)
        self._title(live.axes[3], "products patch * w,\nelement by element")
        self.im_map = live.show_map(4, (canvas, canvas), "signed", vmax=VMAX)
        self._title(live.axes[4], "feature map, row by row\n(grey: not computed yet)")
        self.cell = live.add_artist(live.axes[4].add_patch(
            Rectangle((0, 0), 1, 1, fill=False, edgecolor="tab:orange", linewidth=2.5)))
        self.numbers = {key: CellNumbers(live, live.axes[ax], (3, 3))
                        for ax, key in ((1, "patch"), (2, "kernel"), (3, "products"))}
        # One line over the products: their sum, which is the outlined cell of the map.
        self.sum_text = live.add_artist(live.axes[3].text(0.5, 1.03, "", transform=live.axes[3].transAxes,
                                                          ha="center", va="bottom", fontsize=11))
        self._colours = {}
        for left, right, sign in ((1, 2, "\u00d7"), (2, 3, "="), (3, 4, "\u2192")):  # x  =  ->: the arithmetic
            a, b = live.axes[left].get_position(), live.axes[right].get_position()
            live.fig.text((a.x1 + b.x0) / 2, (a.y0 + a.y1) / 2, sign, ha="center", va="center", fontsize=16)
        self._build([self.row, self.col, self.filter], live)

    @staticmethod
    def _title(ax, title: str) -> None:
        style_axes(ax)
        ax.set_title(title, fontsize=10, pad=18)

    def compute(self) -> dict:
        return sliding_window_state(self.row.value, self.col.value, self.filter.value, self.canvas)

    def _colour(self, kind: str, value: float) -> str:
        """Black or white text on a cell of ``value`` (:func:`helpers.views.text_colour`), cached."""
        key = (kind, value)
        if key not in self._colours:
            lo, hi = (0.0, 1.0) if kind == "image" else (-VMAX, VMAX)
            self._colours[key] = text_colour(kind, value, lo, hi)
        return self._colours[key]

    def draw(self, state: dict) -> None:
        row, col = state["position"]
        self.window.set_xy((col - 1.5, row - 1.5))
        self.cell.set_xy((col - 0.5, row - 0.5))
        self.im_patch.set_data(state["patch"])
        self.im_kernel.set_data(state["kernel"])
        self.im_products.set_data(state["products"])
        self.im_map.set_data(state["filled"])
        italic = [["italic" if p else "normal" for p in row] for row in state["padding_mask"]]
        for key, kind in (("patch", "image"), ("kernel", "signed"), ("products", "signed")):
            m = state[key]
            self.numbers[key].set([[f"{v + 0.0:g}" for v in row] for row in m],
                                  [[self._colour(kind, v) for v in row] for row in m],
                                  italic if key == "patch" else None)
        self.sum_text.set_text(f"sum = {state['sum']:g}")

    def describe(self, state: dict) -> str:
        (row, col), n = state["position"], self.canvas
        pad = state["outside"]
        where = ("all nine of its pixels are in the image" if pad == 0 else
                 f"{pad} of its nine pixels lie outside the image, in the zero padding")
        reached = (f"cells before it, row by row, are filled in; the {n * n - 1 - row * n - col} after it "
                   "are not reached yet (grey)" if (row, col) != (n - 1, n - 1) else
                   "it is the last cell: the whole map is filled in")
        return (f"window centred at row {row}, column {col}: sum of the nine products = {state['sum']:g}, "
                f"written into the feature map at row {row}, column {col}\n"
                f"window: rows {row - 1} to {row + 1}, columns {col - 1} to {col + 1}; {where}\n"
                f"patch = {_fmt_matrix(state['patch'])}\n"
                f"kernel w ('{state['filter']}') = {_fmt_matrix(state['kernel'])}\n"
                f"products patch * w = {_fmt_matrix(state['products'])}\n"
                f"feature map cell (row {row}, column {col}) = {state['value']:g}; {reached}")
