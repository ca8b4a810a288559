"""Notebook 05's live views: the padding that leaks position, and rotations with p4.

- :class:`PositionLeakExplorer`: the cat moves from a corner towards the
  centre; a network trained to tell the top-left from the bottom-right corner
  (one convolution, global max pool, dense) answers, with zero or circular
  padding. Panels: the input as the filters see it (padding included), the
  responses of the deciding filter to every window that overlaps the image
  (those that zero padding never computes included), that filter's weights,
  and the two probabilities.
- :class:`RotationExplorer`: the cat (or the triangle) turned by 0, 90, 180
  or 270 degrees, through a p4 network and a plain CNN. Panels: the four
  orientation channels of the p4 lifting layer (they turn and move one
  orientation along), four maps of the plain CNN (they change otherwise), and
  both networks' pooled features against those of the unturned object.

What they show is computed by :mod:`helpers.beyond` (:func:`~helpers.beyond.leak_state`,
:func:`~helpers.beyond.rotation_state`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..beyond import (
    ROTATION_OBJECTS,
    deciding_filter,
    leak_state,
    plain_filters,
    rotation_networks,
    rotation_object,
    rotation_state,
)
from ..groupconv import ORIENTATIONS
from ..positions import CORNER_PADDINGS, CORNERS, trained_corner_net
from ..views import LiveFigure
from .base import Explorer, int_slider, toggle

__all__ = ["PositionLeakExplorer", "RotationExplorer"]


class PositionLeakExplorer(Explorer):
    """A distance slider, a corner toggle and a padding toggle.

    The networks are those of :func:`helpers.positions.trained_corner_net`
    (trained with the cat touching the corners, ``gap=0``, seed 0), one per
    padding; building the view trains them if the notebook has not already.

    Panels: the input with the padding around it (outside the orange frame);
    the responses of the network's deciding filter (:func:`helpers.beyond.deciding_filter`)
    for every window that overlaps the image (inside the frame: the layer's
    output; outside: windows centred beyond the border, which zero padding
    never computes), with a cross on the strongest response the global max
    pool sees and a circle on a stronger one that was lost; that filter's 3x3
    weights, written in the cells; the network's two probabilities.
    """

    title = "Position-leak explorer"

    def __init__(self, distance: int = 0, corner: str = "top-left", padding: str = "zero", canvas: int = 28):
        if canvas != 28:
            raise ValueError(f"canvas must be 28 (the size the networks were trained for), got {canvas}")
        self.canvas = canvas
        hi = (canvas - 9) // 2
        self.distance = int_slider("distance from the border", distance, 0, hi,
                                   "How many pixels of background between the cat and the image border "
                                   "(arrow keys work too)")
        self.corner = toggle("corner", CORNERS, corner, "Which corner the cat sits in")
        self.padding = toggle("padding", CORNER_PADDINGS, padding,
                              "zero: zeros outside the image; circular: the image wraps around")
        self.results = {pad: trained_corner_net(pad, 0, 3, 0) for pad in CORNER_PADDINGS}
        self.k = self.results["zero"].settings["k"]
        self.radius = self.k // 2
        size = canvas + 2 * self.radius
        self._deciding = {pad: deciding_filter(self.results[pad].model, canvas) for pad in CORNER_PADDINGS}
        live = LiveFigure(ncols=4, panel=2.3)
        self.im_input = live.show_map(0, (size, size), "image", "input; padding outside frame")
        self.im_map = live.show_map(1, (size, size), "magnitude", "deciding filter: every window")
        self.mark_seen = live.add_marker(1, color="white")
        self.mark_lost = live.add_marker(1, marker="o", color="tab:orange", size=11, markerfacecolor="none")
        for ax in range(2):
            frame = Rectangle((self.radius - 0.5, self.radius - 0.5), canvas, canvas, fill=False,
                              edgecolor="tab:orange", linewidth=1.2)
            live.axes[ax].add_patch(frame)
            live.add_overlay(frame)
        vmax = max(float(np.abs(self._kernel(name)).max()) for name in CORNER_PADDINGS)
        self.im_kernel = live.show_map(2, (self.k, self.k), "signed", "its 3x3 weights", vmax=vmax)
        self.kernel_text = [[live.add_artist(live.axes[2].text(j, i, "", ha="center", va="center", fontsize=9))
                             for j in range(self.k)] for i in range(self.k)]
        self.bars = live.add_bars(3, ["top-left", "bottom-right"], title="p(corner)")
        live.fig.subplots_adjust(bottom=0.12, left=0.01, right=0.99)
        self._build([self.distance, self.corner, self.padding], live)

    def deciding_filter(self, name: str) -> int:
        """The deciding filter of the network with padding ``name`` (:func:`helpers.beyond.deciding_filter`)."""
        return self._deciding[name]

    def _kernel(self, name: str) -> np.ndarray:
        return self.results[name].model.layers[0].params["w"][self._deciding[name], 0]

    def compute(self) -> dict:
        name = self.padding.value
        return leak_state(self.results[name].model, name, self.corner.value, self.distance.value, self.canvas,
                          filter=self._deciding[name])

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["padded"])
        self.im_map.set_data(state["map"])
        self.im_map.set_clim(0.0, state["scale"])
        (r, c), (lr, lc) = state["seen"], state["lost"]
        self.mark_seen.set_data([c], [r])
        self.mark_lost.set_data([lc], [lr])
        self.mark_lost.set_visible(state["padding"] == "zero" and state["lost_value"] > state["seen_value"])
        self.im_kernel.set_data(state["kernel"])
        vmax = self.im_kernel.norm.vmax
        for (i, j), v in np.ndenumerate(state["kernel"]):
            self.kernel_text[i][j].set_text(f"{round(float(v), 1) + 0.0:.1f}")
            self.kernel_text[i][j].set_color("white" if abs(v) > 0.55 * vmax else "black")
        for bar, p in zip(self.bars, state["probs"]):
            bar.set_height(p)

    def describe(self, state: dict) -> str:
        d, corner, name = state["distance"], state["corner"], state["padding"]
        other = CORNERS[1 - CORNERS.index(corner)]
        p, q = state["probs"], state["probs_other"]
        if state["feature_gap"] < 1e-9:
            verdict = "the same answer for both corners: it cannot tell them apart"
        else:
            verdict = "right" if state["answer"] == corner else "wrong"
        leaning = "top-left" if state["vote"] > 0 else "bottom-right"
        seen = (f"deciding filter {state['filter']} (numbered from 0; a strong response votes '{leaning}'): "
                f"strongest response the network sees {state['seen_value']:.2f}")
        if name == "zero" and state["lost_value"] > state["seen_value"]:
            seen += f"; a window outside the image would give {state['lost_value']:.2f}, but it does not exist"
        lines = [f"cat {d} pixel{'s' if d != 1 else ''} from the {corner} border "
                 f"(top-left pixel at {state['position']}), {name} padding",
                 f"p(top-left) = {p[0]:.3f}, p(bottom-right) = {p[1]:.3f}: answer '{state['answer']}' ({verdict})",
                 f"same distance from the {other} corner: p(top-left) = {q[0]:.3f}, p(bottom-right) = {q[1]:.3f}",
                 seen,
                 f"largest difference between the two corners' pooled features: {state['feature_gap']:.4f}"]
        if name == "circular":
            lines.append("circular padding: no window is lost (those outside are their wrapped twins inside), the "
                         "cat in one corner is a circular shift of the cat in the other, and a global max cannot "
                         "tell shifts apart")
        elif d < self.radius:
            lines.append(f"the {self.k}x{self.k} windows reach {self.radius} pixel{'s' if self.radius != 1 else ''} "
                         "past the cat: some that see it are centred outside the image and do not exist, and which "
                         "ones depends on the corner. The zero padding is felt here")
        else:
            lines.append("every window that sees the cat lies inside the image: the padding is not felt, the two "
                         "corners give the same pooled features and the same answer")
        return "\n".join(lines)


class RotationExplorer(Explorer):
    """An angle slider (0 to 270 degrees in steps of 90) and an object toggle.

    Top row: the turned object, the four orientation channels of the p4
    lifting layer for the ear filter (after ReLU), and the p4 network's pooled
    features (bars) with those of the unturned object (black ticks). Bottom
    row: the unturned object, four maps of the plain CNN's first layer (the
    ear filter and three random ones), and its pooled features.
    """

    title = "Rotation explorer"
    cache_frames = True  # 4 angles x 2 objects: each picture drawn once (12 panels; about 70 kB at pixel ratio 2)

    def __init__(self, angle: int = 0, obj: str = "cat", canvas: int = 28):
        if canvas % 4:
            raise ValueError(f"canvas must be divisible by 4 (two 2x2 poolings of a square), got {canvas}")
        self.canvas = canvas
        self.angle = int_slider("rotation (degrees)", angle, 0, 270,
                                "Turn the object counter-clockwise in steps of 90 degrees (arrow keys work too)",
                                step=90)
        self.obj = toggle("object", ROTATION_OBJECTS, obj, "Which sprite to turn")
        self.p4, self.plain = rotation_networks()
        self.channels = self.p4.layers[0].out_ch
        # the ear filter, and the three other first-layer filters that respond most to the cat
        self.plain_filters = plain_filters(self.plain, canvas)
        self._reference: dict = {}
        live = LiveFigure(ncols=6, nrows=2, panel=2.0)
        ax = live.axes
        self.im_input = live.show_map(0, (canvas, canvas), "image", "input, turned")
        self.im_ref = live.show_map(6, (canvas, canvas), "image", "input, not turned")
        self.im_p4, self.mark_p4 = [], []
        for r in range(ORIENTATIONS):
            self.im_p4.append(live.show_map(1 + r, (canvas, canvas), "magnitude",
                                            f"p4: ear filter at {90 * r}°", vmax=3.0))
            self.mark_p4.append(live.add_marker(1 + r, color="white"))
        self.im_plain = []
        for i, f in enumerate(self.plain_filters):
            label = "plain: ear filter" if f == 0 else f"plain: filter {f}"
            self.im_plain.append(live.show_map(7 + i, (canvas, canvas), "magnitude", label, vmax=3.0))
        self.mark_plain = live.add_marker(7, color="white")
        labels = [str(i) for i in range(self.channels)]  # numbered from 0, as the printed arrays
        top = float(max(self.features(self.p4, self._object(0, "cat")).max(),
                        self.features(self.plain, self._object(0, "cat")).max())) * 1.6
        self.bars_p4 = live.add_bars(5, labels, ylim=(0, top), title="p4: pooled features")
        self.bars_plain = live.add_bars(11, labels, ylim=(0, top), title="plain: pooled features")
        self.ticks = []
        for a in (ax[5], ax[11]):
            (line,) = a.plot(range(self.channels), np.zeros(self.channels), linestyle="none", marker="_",
                             color="black", markersize=12, markeredgewidth=2)
            self.ticks.append(live.add_artist(line))
        for a in (ax[5], ax[11]):
            a.set_xlabel("feature (ticks: not turned)", fontsize=8)
        live.fig.subplots_adjust(top=0.92, bottom=0.12, hspace=0.42, left=0.01, right=0.99)
        self._build([self.angle, self.obj], live)

    def _object(self, quarter_turns: int, name: str) -> np.ndarray:
        return rotation_object(quarter_turns, name, self.canvas)

    @staticmethod
    def features(model, x: np.ndarray) -> np.ndarray:
        return model.forward(x[None, None])[0]

    def reference(self, name: str) -> dict:
        if name not in self._reference:
            x = self._object(0, name)
            self._reference[name] = {"x": x, "p4": self.features(self.p4, x),
                                     "plain": self.features(self.plain, x)}
        return self._reference[name]

    def compute(self) -> dict:
        name = self.obj.value
        return rotation_state(self.p4, self.plain, self.angle.value, name, self.canvas, filters=self.plain_filters,
                              reference=self.reference(name))

    def draw(self, state: dict) -> None:
        self.im_input.set_data(state["x"])
        self.im_ref.set_data(state["x_ref"])
        for im, mark, m, (pr, pc) in zip(self.im_p4, self.mark_p4, state["p4_maps"], state["p4_peaks"]):
            im.set_data(m)
            mark.set_data([pc], [pr])
            mark.set_visible(bool(m.max() >= 2.5))
        for im, m in zip(self.im_plain, state["plain_maps"]):
            im.set_data(m)
        pr, pc = state["plain_peak"]
        self.mark_plain.set_data([pc], [pr])
        self.mark_plain.set_visible(state["plain_ear_max"] >= 2.5)
        for bars, feats in ((self.bars_p4, state["p4_features"]), (self.bars_plain, state["plain_features"])):
            for bar, v in zip(bars, feats):
                bar.set_height(v)
        self.ticks[0].set_ydata(state["p4_ref"])
        self.ticks[1].set_ydata(state["plain_ref"])

    def describe(self, state: dict) -> str:
        angle, r = state["angle"], state["quarter_turns"]
        best = state["best_orientation"]
        p4_verdict = ("exactly the same" if state["p4_change"] == 0 else "changed")
        values = ", ".join(f"{90 * s}°: {v:.2f}" for s, v in enumerate(state["p4_peak_values"]))
        return (f"{state['object']} turned {angle}° counter-clockwise\n"
                f"p4 lifting layer, ear filter: peaks {values}; the strongest is the copy turned {90 * best}° "
                f"(the maps turned by {angle}° and moved {r} orientation{'s' if r != 1 else ''} along)\n"
                f"p4 pooled features: largest difference from the unturned {state['object']} = "
                f"{state['p4_change']:g} ({p4_verdict})\n"
                f"plain CNN: its ear filter peaks at {state['plain_ear_max']:.2f}; pooled features: largest "
                f"difference from the unturned {state['object']} = {state['plain_change']:.3f}")
