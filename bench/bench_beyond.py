"""Notebook 05's live views: slider step to new PNG, against the naive redraw, side by side."""

from __future__ import annotations

from liveview import naive_redraw_ms, summary, sweep_ms

from helpers.explorers.beyond import PositionLeakExplorer, RotationExplorer


def run():
    e = PositionLeakExplorer()  # trains its two small networks once (about 1 s)
    fast = []
    for padding in ("zero", "circular"):
        e.padding.value = padding
        e.distance.value = 0
        fast += sweep_ms(e.distance, list(range(1, 10)) + list(range(8, -1, -1)))

    def leak_panels(step):
        e.padding.value = ("zero", "circular")[step % 2]
        e.distance.value = step % 10
        s = e.state
        return [s["padded"], s["map"], s["kernel"], s["probs"][None, :]]

    yield summary("live_view_05_position_leak", fast, naive_redraw_ms(leak_panels, steps=7))

    r = RotationExplorer()
    fast = []
    for obj in ("cat", "triangle"):
        r.obj.value = obj
        r.angle.value = 0
        fast += sweep_ms(r.angle, [90, 180, 270, 180, 90, 0] * 2)

    def rotation_panels(step):
        r.angle.value = 90 * (step % 4)
        s = r.state
        return [s["x"], *s["p4_maps"], s["p4_features"][None, :], s["x_ref"], *s["plain_maps"],
                s["plain_features"][None, :]]

    yield summary("live_view_05_rotation", fast, naive_redraw_ms(rotation_panels, steps=7))
