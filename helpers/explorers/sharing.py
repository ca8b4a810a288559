"""Notebook 03's live view and figures: shared weights against a kernel per position.

:class:`SharingExplorer` slides the cat over the canvas and shows, side by
side, the map of one shared 3x3 kernel and the map of a locally connected
layer, both fitted by least squares to the same training set, in which the
cat only ever sat in the left half (:func:`helpers.sharing.left_training_set`).

:func:`weight_matrix_figure` draws the matrix of a layer with the weight it
holds written in each cell (and, for a convolution, one colour per kernel
entry); :func:`param_figure` compares parameter counts on a log scale.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..ops import conv2d
from ..sharing import fit_locally_connected, fit_shared_kernel, left_training_set, locally_connected, tie_weights
from ..sprites import cat_at, region_columns
from ..views import LiveFigure, text_colour_on
from .base import Explorer, int_slider, toggle

__all__ = [
    "SharingExplorer",
    "MODES",
    "DETECTION",
    "MAP_SCALE",
    "KERNEL_COLOURS",
    "left_trained_weights",
    "weight_matrix_figure",
    "param_figure",
]

#: The toggle's two settings for the locally connected layer.
MODES = ("own weights at every position", "weights tied")

#: A map "detects" the ear when its peak reaches this value on the ear tip (the ear filter gives 3).
DETECTION = 1.5

#: The colour scale of the maps, -MAP_SCALE to MAP_SCALE. The ear filter's map of the cat runs from
#: -4 to 3 and the fitted layers' maps stay within -4.2 to 3.1 at every position: nothing is clipped.
MAP_SCALE = 4.5

#: One colour per kernel entry w[u, v] (index u * kw + v) in matrix pictures.
KERNEL_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
                  "tab:brown", "tab:pink", "tab:olive", "tab:cyan")

_CACHE: dict = {}


def left_trained_weights(noise: float = 0.05, seed: int = 0):
    """The shared kernel ``(3, 3)`` and the locally connected weights ``(28, 28, 3, 3)``
    fitted to :func:`helpers.sharing.left_training_set` (``"same"`` padding)."""
    key = (noise, seed)
    if key not in _CACHE:
        xs, targets, _ = left_training_set(noise=noise, seed=seed)
        _CACHE[key] = (fit_shared_kernel(xs, targets, (3, 3), "same"),
                       fit_locally_connected(xs, targets, (3, 3), "same"))
    shared, local = _CACHE[key]
    return shared.copy(), local.copy()


def _peak(m: np.ndarray) -> tuple[tuple[int, int], float]:
    r, c = np.unravel_index(int(np.argmax(m)), m.shape)
    return (int(r), int(c)), float(m[r, c])


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
        row, col, mode = self.row.value, self.col.value, self.mode.value
        x = cat_at(row, col, self.canvas)
        shared = conv2d(x, self.kernel, padding="same")
        weights = self.own if mode == MODES[0] else self.tied
        local = locally_connected(x, weights, padding="same")
        (ps, vs), (pl, vl) = _peak(shared), _peak(local)
        return {"x": x, "shared": shared, "local": local, "norm": self.norms[mode], "mode": mode,
                "position": (row, col), "shared_peak": ps, "shared_value": vs,
                "local_peak": pl, "local_value": vl,
                "shared_found": ps == (row, col) and vs >= DETECTION,
                "local_found": pl == (row, col) and vl >= DETECTION,
                "difference": float(np.abs(shared - local).max())}

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


# --------------------------------------------------------------------------
# Static figures
# --------------------------------------------------------------------------

def weight_matrix_figure(panels, kernel_shape=(3, 3), values=None, annotate: bool = True,
                         legend: bool = True, width: float = 6.0, stacked: bool = False,
                         block: int | None = None, suptitle: str | None = None) -> Figure:
    """Pictures of layer matrices: each cell shows which weight it holds.

    ``panels`` is a list of ``(index, title, shared)``: ``index`` an integer
    matrix from :func:`helpers.sharing.weight_index_matrix` (``-1`` = a zero
    entry, drawn white); ``shared`` is True for a convolution, whose cells are
    coloured by kernel entry (one colour per ``w[u, v]``, named in a legend),
    and False for a layer whose weights are all different (drawn grey).

    With ``annotate`` each non-zero cell gets a number, so that colour is not
    the only carrier: weights are numbered from 1 (the largest number is the
    number of distinct weights); for a shared panel the number is that of the
    kernel entry, ``u * kw + v + 1``, or its value if ``values`` (the kernel)
    is given. ``stacked`` puts the panels one above the other (for wide,
    flat matrices); ``block`` draws thin lines every ``block`` rows and
    columns (one image row of pixels). Returns a ``Figure``.
    """
    kh, kw = kernel_shape
    n_entries = kh * kw
    if n_entries > len(KERNEL_COLOURS):
        raise ValueError(f"at most {len(KERNEL_COLOURS)} kernel entries can have their own colour, "
                         f"got a {kh}x{kw} kernel")
    colours = ["white", *KERNEL_COLOURS[:n_entries]]
    shared_cmap = ListedColormap([to_rgb(c) for c in colours])
    grey_cmap = ListedColormap([to_rgb("white"), to_rgb("0.85")])
    n = len(panels)
    rows, cols = (n, 1) if stacked else (1, n)
    aspect = max(p[0].shape[0] / p[0].shape[1] for p in panels)
    panel_w = width / cols
    height = rows * (panel_w * aspect + 0.75) + (0.3 if suptitle else 0)
    fig = Figure(figsize=(width + (1.7 if legend else 0), height), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (index, title, shared) in zip(axes, panels):
        index = np.asarray(index)
        if shared:
            ax.imshow(index + 1, cmap=shared_cmap, vmin=-0.5, vmax=n_entries + 0.5, interpolation="nearest")
        else:
            ax.imshow((index >= 0).astype(int), cmap=grey_cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"column = input pixel ({index.shape[1]})", fontsize=8)
        ax.set_ylabel(f"row = output ({index.shape[0]})", fontsize=8)
        if block:
            for k in range(block, index.shape[1], block):
                ax.axvline(k - 0.5, color="0.4", linewidth=0.6)
            for k in range(block, index.shape[0], block):
                ax.axhline(k - 0.5, color="0.4", linewidth=0.6)
        if annotate:
            size = 7 if panel_w / index.shape[1] >= 0.2 else 6
            for (r, c), k in np.ndenumerate(index):
                if k < 0:
                    continue
                if shared:
                    text = f"{np.ravel(values)[k]:g}" if values is not None else str(k + 1)
                    colour = text_colour_on(to_rgb(colours[k + 1]))
                else:
                    text, colour = str(k + 1), "black"
                ax.text(c, r, text, ha="center", va="center", fontsize=size, color=colour)
    if legend and any(p[2] for p in panels):
        handles = []
        for k in range(n_entries):
            u, v = divmod(k, kw)
            label = f"w[{u},{v}]" + (f" = {np.ravel(values)[k]:g}" if values is not None else f": {k + 1}")
            handles.append(Patch(facecolor=KERNEL_COLOURS[k], edgecolor="black", linewidth=0.4, label=label))
        fig.legend(handles=handles, loc="outside right center", fontsize=8, title="kernel entry",
                   title_fontsize=8, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return fig


def param_figure(counts: dict, title: str = "Parameters of a 28x28 -> 26x26 layer (log scale)") -> Figure:
    """A horizontal bar chart of parameter counts on a log axis, each bar labelled with its number."""
    names = list(counts)
    values = [int(counts[k]) for k in names]
    fig = Figure(figsize=(6.4, 0.5 + 0.55 * len(names)), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.barh(range(len(names)), values, color="0.45")
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(1, max(values) * 40)
    for i, v in enumerate(values):
        ax.text(v * 1.3, i, f"{v:,}", va="center", fontsize=9)
    ax.set_xlabel("number of weights (log scale)", fontsize=9)
    ax.set_title(title, fontsize=10)
    return fig
