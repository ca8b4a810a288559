"""Notebook 02's live views: slider step to new PNG, against the naive redraw, side by side."""

from __future__ import annotations

from liveview import naive_redraw_ms, summary, sweep_ms

from helpers.explorers.pooling import PoolingExplorer, WindowExplorer


def run():
    w = WindowExplorer()
    fast = []
    for row in range(4):
        w.row.value = row
        fast += sweep_ms(w.col, [1, 2, 3, 2, 1, 0])

    def window_panels(step):
        w.row.value, w.col.value = step % 4, (step // 4) % 4
        return [w.state["x"], w.state["pooled"], w.reference]

    yield summary("live_view_02_window", fast, naive_redraw_ms(window_panels, steps=7))

    e = PoolingExplorer()
    e.col.value = 0
    fast = sweep_ms(e.col, list(range(1, 20)) + list(range(18, -1, -1)))

    def cat_panels(step):
        e.col.value = step % 20
        s = e.state
        return [s["x"], s["feature"], s["max"], s["blur"]]

    yield summary("live_view_02_pooling", fast, naive_redraw_ms(cat_panels, steps=7))
