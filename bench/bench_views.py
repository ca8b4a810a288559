"""Notebook 01's live views: slider step to new PNG, against the naive redraw, side by side."""

from __future__ import annotations

from helpers.explorers import EquivarianceExplorer, SlidingWindowExplorer

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

    w = SlidingWindowExplorer()
    w.row.value, w.col.value = 9, 0
    fast = sweep_ms(w.col, list(range(1, 28)) + list(range(26, -1, -1)))

    def window_panels(step):
        w.col.value = step % 28
        s = w.state
        return [s["x"], s["patch"], s["kernel"], s["products"], s["filled"]]

    naive = naive_redraw_ms(window_panels, steps=7)
    yield summary("live_view_01_sliding_window", fast, naive)
