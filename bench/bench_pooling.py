"""Notebook 02's live views: slider step to new PNG, against the naive redraw, side by side."""

from __future__ import annotations

from helpers.explorers.pooling import PoolingExplorer, WindowExplorer, pooling_grid
from helpers.views import LiveFigure

from liveview import naive_redraw_ms, summary, sweep_ms
from timing import median_ms, record


def _grid_frame(one_collection: bool):
    """A cat-view-like figure with a 2x2 pooling grid over two 28x28 panels; returns its render function."""
    live = LiveFigure(ncols=2, panel=2.2)
    for ax in (0, 1):
        live.show_map(ax, (28, 28), "magnitude", "map", vmax=1)
        if one_collection:
            pooling_grid(live, ax, (28, 28), 2, linewidth=0.5)
        else:  # one line artist per grid edge, redrawn over the image at each update
            live.draw_grid(ax, (28, 28), 2, linewidth=0.5)
    live.render()
    return live.render


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

    # the pooling grid: one LineCollection per panel against one line per edge (30 per panel)
    collection = median_ms(_grid_frame(True), repeat=15, number=3)
    lines = median_ms(_grid_frame(False), repeat=15, number=3)
    yield record("pooling_grid_render", collection, baseline=lines,
                 shape="2 panels of 28x28 with a 2x2 grid: one LineCollection each vs 30 lines each")
