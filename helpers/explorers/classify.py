"""Notebook 04's live view: slide a sprite across the canvas, watch two trained classifiers answer.

:class:`ClassifierExplorer` takes two trained networks from
:func:`helpers.tinycnn.make_cnn` that differ only in their head: one with
flatten + dense, one with global pooling + dense (for example the two models
of :func:`helpers.tinycnn.left_right_experiment`). A column slider moves the
sprite across the whole canvas, a row slider moves it up and down, and a
toggle picks the sprite. Each head gets one row of panels, read left to right
as the image flows through the network:

    input | two ReLU maps of the first stage | two pooled maps of the second stage | logits | probabilities

The logits and probabilities are bar charts whose bars change height in
place; the true class's bar is dark, the others grey. The readout says what
each head predicts and whether that is correct (never "right", which would
read as the right half), with p(cat) and every logit in numbers.

:meth:`ClassifierExplorer.snapshots` draws the static small multiples that
follow the view in the notebook: the sprite at a few positions, with both
heads' probabilities written on the bars. What it shows is computed by
:func:`helpers.classify.classify_state`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._validate import choice, describe_value, integer
from ..classify import HEAD_LABELS, SPRITE, check_two_stage_classifier, classify_state, head_kind, pick_channels
from ..sprites import CLASSES, REGIONS, place, region_columns
from ..views import CMAPS, LiveFigure, style_axes
from .base import Explorer, int_slider, toggle

__all__ = ["ClassifierExplorer"]

#: Colours of the bars: the true class dark, the others light grey.
TRUE_COLOR, OTHER_COLOR = "0.15", "0.7"


class ClassifierExplorer(Explorer):
    """Sliders for the sprite's column and row, a sprite toggle; two trained heads side by side.

    ``flatten_model``: a network with a flatten + dense head; ``pooled_model``:
    the same network with a global pooling head (``"gmp"`` or ``"gap"``), both
    with :data:`helpers.sprites.CLASSES` as classes and 28x28 inputs.
    ``trained_region`` (``"left"``, ``"right"`` or ``"everywhere"``) is where
    their training images had the sprite: a dashed line on the input marks
    its edge. ``n_maps`` feature maps are shown per stage: for each network
    and stage, the channels that respond most to the cat (over a blank
    canvas) at ``(row, 9)``, chosen once.

    ``compute()`` returns, for the current controls, the image ``x`` and per
    head (``state["heads"]``, flatten first) its maps, ``logits``, ``probs``,
    predicted class, ``p_cat`` and ``p_true``; the tests compare them with
    ``model.predict_proba``.
    """

    title = "Classifier explorer"

    def __init__(self, flatten_model, pooled_model, col: int = 2, row: int = 9, sprite: str = "cat",
                 trained_region: str = "left", n_maps: int = 2, canvas: int = 28):
        if isinstance(canvas, bool) or not isinstance(canvas, int) or canvas != 28:
            raise ValueError(f"canvas must be 28 (the size the networks of notebook 04 take), "
                             f"got {describe_value(canvas)}")
        self.canvas = canvas
        hi = canvas - SPRITE
        col, row = integer(col, "col"), integer(row, "row")
        for name, value in (("col", col), ("row", row)):
            if not 0 <= value <= hi:
                raise ValueError(f"{name} must be in 0..{hi} (where a 9x9 sprite fits on the canvas), got {value}")
        choice(sprite, "sprite", CLASSES)
        self.trained_region = choice(trained_region, "trained_region", REGIONS)
        n_maps = integer(n_maps, "n_maps")
        if not 1 <= n_maps <= 3:
            raise ValueError(f"n_maps must be 1, 2 or 3 (feature maps per stage), got {n_maps}")
        self.models = [check_two_stage_classifier(flatten_model, "flatten_model", ("flatten",), canvas),
                       check_two_stage_classifier(pooled_model, "pooled_model", ("gap", "gmp"), canvas)]
        self.kinds = [head_kind(m) for m in self.models]
        self.labels = [HEAD_LABELS[k] for k in self.kinds]

        self.col = int_slider("column", col, 0, hi,
                              "Slide the sprite across the whole canvas, left to right (arrow keys work too)")
        self.row = int_slider("row", row, 0, hi, "Move the sprite up and down (arrow keys work too)")
        self.sprite = toggle("sprite", CLASSES, sprite, "Which sprite to show the networks; the true class")

        self.channels, self.vmax = self._pick_channels(row, n_maps)
        self.ylim = self._logit_range(row)
        n = n_maps
        # 952 CSS pixels wide: fits the output area of JupyterLab in a 1400-pixel window (968), never shrunk
        live = LiveFigure(ncols=3 + 2 * n, nrows=2, panel=1.7, title_space=0.5,
                          width_ratios=[1] * (1 + 2 * n) + [1.25, 1.25])
        ncols = 3 + 2 * n
        self.im_input, self.im_maps, self.logit_bars, self.prob_bars = [], [], [], []
        edge = self.region_edge()
        short = [c if c != "plus" else "+" for c in CLASSES]
        for h, kind in enumerate(self.kinds):
            base = h * ncols
            self.im_input.append(live.show_map(base, (canvas, canvas), "image", f"{kind} head: input"))
            if edge is not None:
                line = live.axes[base].axvline(edge, color="tab:orange", linewidth=1.2, linestyle="--")
                live.add_overlay(line)
            maps = []
            for i, ch in enumerate(self.channels[h]["relu1"]):
                maps.append(live.show_map(base + 1 + i, (canvas, canvas), "magnitude", f"relu1, channel {ch}",
                                          vmax=self.vmax[h]["relu1"][i]))
            size = self.pool_size[h]
            for i, ch in enumerate(self.channels[h]["pool2"]):
                maps.append(live.show_map(base + 1 + n + i, (size, size), "magnitude", f"pool2, channel {ch}",
                                          vmax=self.vmax[h]["pool2"][i]))
            self.im_maps.append(maps)
            lim = self.ylim[h]
            self.logit_bars.append(live.add_bars(base + 1 + 2 * n, short, ylim=(-lim, lim), title="logits"))
            self.prob_bars.append(live.add_bars(base + 2 + 2 * n, short, ylim=(0.0, 1.0), title="probabilities"))
        live.fig.subplots_adjust(left=0.03, right=0.99, bottom=0.08, top=0.9, wspace=0.25, hspace=0.45)
        self._build([self.col, self.row, self.sprite], live)

    # -- set-up ------------------------------------------------------------
    def _pick_channels(self, row: int, n: int):
        channels, vmax, self.pool_size = pick_channels(self.models, row, n, self.canvas)
        return channels, vmax

    def _logit_range(self, row: int) -> list[float]:
        """A fixed, symmetric y range per head for the logits: every sprite at every column of ``row``, plus 10%."""
        x = np.stack([place(s, row, c, self.canvas) for s in CLASSES for c in range(self.canvas - SPRITE + 1)])
        out = []
        for model in self.models:
            big = float(np.abs(model.forward(x[:, None])).max())
            out.append(float(np.ceil(1.1 * big)) or 1.0)
        return out

    def region_edge(self) -> float | None:
        """The x position of the dashed line: the edge of the pixels the training sprites could cover."""
        if self.trained_region == "left":
            return region_columns("left", self.canvas, SPRITE)[1] + SPRITE - 0.5
        if self.trained_region == "right":
            return region_columns("right", self.canvas, SPRITE)[0] - 0.5
        return None

    # -- the three steps of an update -----------------------------------------
    def compute(self) -> dict:
        return classify_state(self.models, self.row.value, self.col.value, self.sprite.value, self.channels,
                              self.canvas, kinds=self.kinds, labels=self.labels)

    def draw(self, state: dict) -> None:
        for h, head in enumerate(state["heads"]):
            self.im_input[h].set_data(state["x"])
            for im, m in zip(self.im_maps[h], [*head["relu1"], *head["pool2"]]):
                im.set_data(m)
            lim = self.ylim[h]
            for i, (lb, pb) in enumerate(zip(self.logit_bars[h], self.prob_bars[h])):
                lb.set_height(float(np.clip(head["logits"][i], -lim, lim)))
                pb.set_height(float(head["probs"][i]))
                color = TRUE_COLOR if i == state["true"] else OTHER_COLOR
                lb.set_color(color)
                pb.set_color(color)

    def describe(self, state: dict) -> str:
        name, col = state["sprite"], state["col"]
        where = state["region"]
        if self.trained_region == "everywhere":
            seen = "anywhere in training"
        elif where == f"{self.trained_region} half":
            seen = "where the training images had their sprites"
        else:
            seen = "never seen there in training"
        lines = [f"{name} at row {state['row']}, column {col} (its pixels: columns {col} to {col + SPRITE - 1}, "
                 f"{'the ' if where.endswith('half') else ''}{where}: {seen})"]
        width = max(len(h["label"]) for h in state["heads"])
        for head in state["heads"]:
            verdict = "correct" if head["pred"] == state["true"] else "WRONG"  # not "right": that is a half
            p_true = "" if name == "cat" else f", p({name}) = {head['p_true']:.3f}"
            logits = ", ".join(f"{c} {v:+.2f}" for c, v in zip(CLASSES, head["logits"]))
            lines.append(f"{head['label']:<{width}}: predicts {head['pred_name']} (p = {head['p_pred']:.3f}, "
                         f"{verdict}); p(cat) = {head['p_cat']:.3f}{p_true}; sum of p = {head['probs'].sum():.3f}")
            lines.append(f"{'':<{width}}  logits: {logits}")
        return "\n".join(lines)

    # -- the static version ---------------------------------------------------
    def snapshots(self, cols=(2, 7, 12, 17)) -> Figure:
        """Small multiples: the sprite at each column of ``cols`` (current row and sprite), both heads' probabilities.

        One column of panels per position: the input (dashed line: the edge of
        the training region), then each head's probabilities as bars with the
        values written above them. The controls are put back afterwards.
        """
        if isinstance(cols, (str, bytes)) or not hasattr(cols, "__iter__"):
            raise TypeError(f"cols must be a sequence of columns, got {describe_value(cols)}")
        cols = [integer(c, "cols") for c in cols]
        hi = self.canvas - SPRITE
        if not 1 <= len(cols) <= 6 or not all(0 <= c <= hi for c in cols):
            raise ValueError(f"cols must hold 1 to 6 columns in 0..{hi}, got {cols}")
        old = self.col.value
        states = []
        for c in cols:
            self.col.value = c
            states.append(self.state)
        self.col.value = old
        fig = Figure(figsize=(2.6 * len(cols), 7.4), dpi=80, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(3, len(cols), squeeze=False, height_ratios=[1.1, 1, 1])
        edge = self.region_edge()
        short = [c if c != "plus" else "+" for c in CLASSES]
        for j, s in enumerate(states):
            ax = axes[0, j]
            ax.imshow(s["x"], cmap=CMAPS["image"], vmin=0, vmax=1, interpolation="nearest")
            if edge is not None:
                ax.axvline(edge, color="tab:orange", linewidth=1.2, linestyle="--")
            style_axes(ax, f"{s['sprite']} at column {s['col']}\n({s['region']})", fontsize=11)
            for h, head in enumerate(s["heads"]):
                ax = axes[1 + h, j]
                colors = [TRUE_COLOR if i == s["true"] else OTHER_COLOR for i in range(len(CLASSES))]
                ax.bar(range(len(CLASSES)), head["probs"], color=colors)
                for i, p in enumerate(head["probs"]):
                    ax.text(i, p + 0.03, f"{p:.2f}", ha="center", va="bottom", fontsize=10)
                ax.set_xticks(range(len(CLASSES)), short, fontsize=11)
                ax.set_ylim(0, 1.25)
                ax.set_yticks([0, 0.5, 1])
                ax.tick_params(axis="y", labelsize=10)
                verdict = "correct" if head["pred"] == s["true"] else "wrong"
                ax.set_title(f"{head['kind']}: {head['pred_name']} ({verdict})", fontsize=11)
                if j == 0:
                    ax.set_ylabel(f"p, {head['kind']} head", fontsize=11)
        return fig
