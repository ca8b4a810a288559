"""Notebook 01's live view: slider step to new PNG, against the naive redraw, side by side."""

from __future__ import annotations

from helpers.explorers import EquivarianceExplorer

from liveview import naive_redraw_ms, summary, sweep_ms


def run():
    e = EquivarianceExplorer()
    e.col.value = 0
    fast = sweep_ms(e.col, list(range(1, 20)) + list(range(18, -1, -1)))

    def panels(step):
        e.col.value = step % 20
        s = e.state
        return [s["x"], *s["maps"], s["diff"]]

    naive = naive_redraw_ms(panels, steps=7)
    yield summary("live_view_01_equivariance", fast, naive)
