"""The controls every live view is built from."""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import numpy as np
from PIL import Image as PILImage

from helpers import cells
from helpers.explorers import Explorer, int_slider, toggle
from helpers.views import LiveFigure


def test_every_toggle_button_carries_the_tooltip():
    t = toggle("padding", ("zero", "circular"), "zero", "How the border is padded")
    assert isinstance(t, widgets.ToggleButtons)
    assert t.description == "padding" and t.tooltip == "How the border is padded"
    assert len(t.tooltips) == 2
    assert all(tip.startswith("How the border is padded") and option in tip
               for tip, option in zip(t.tooltips, t.options))


def test_slider_is_labelled_and_updates_continuously():
    s = int_slider("cat column", 3, 0, 19, "Move the cat")
    assert (s.description, s.tooltip, s.value, s.min, s.max) == ("cat column", "Move the cat", 3, 0, 19)
    assert s.continuous_update


class _Tiny(Explorer):
    """The smallest live view: one slider moving one pixel."""

    title = "Tiny view"

    def __init__(self):
        live = LiveFigure(1, panel=1.0, dpi=40)
        self.im = live.show_map(0, (4, 4), kind="image", title="x")
        self.slider = int_slider("column", 0, 0, 3, "Move the pixel")
        self.buttons = toggle("ink", ("black", "grey"), "black", "Ink colour")
        self._build([self.slider, self.buttons], live)

    def compute(self):
        x = np.zeros((4, 4))
        x[1, self.slider.value] = 1.0 if self.buttons.value == "black" else 0.5
        return {"x": x, "column": self.slider.value}

    def draw(self, state):
        self.im.set_data(state["x"])

    def describe(self, state):
        return f"pixel at column {state['column']} <{self.buttons.value}>"


def test_widget_tree_picture_then_aria_live_readout_and_no_image_tooltip():
    view = _Tiny()
    children = view.widget.children
    assert children.index(view.image) < children.index(view.readout)
    assert not view.image.tooltip  # ipywidgets 8.1 fails to render an Image that has a tooltip
    assert 'aria-live="polite"' in view.readout.value and "pixel at column 0 &lt;black&gt;" in view.readout.value
    assert "live-view" in view.widget._dom_classes and "live-view-image" in view.image._dom_classes


def test_static_fallback_is_the_current_picture_with_its_readout_and_controls():
    view = _Tiny()
    view.slider.value = 2
    bundle = view._repr_mimebundle_()
    page = bundle["text/html"]
    png = view.live.render()
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    width, height = PILImage.open(io.BytesIO(png)).size
    r = view.live.pixel_ratio
    assert view.live.css_size == (width // r, height // r)
    assert f'width="{width // r}" height="{height // r}"' in page  # the size it was drawn for: never stretched
    assert (view.image.layout.width, view.image.layout.height) == (f"{width // r}px", f"{height // r}px")
    assert 'alt="pixel at column 2 &lt;black&gt;"' in page and "pixel at column 2 &lt;black&gt;</p>" in page
    assert 'data-kind="IntSlider" data-tooltip="Move the pixel">column: slider from 0 to 3; now 2' in page
    assert 'data-kind="ToggleButtons" data-tooltip="Ink colour">ink: buttons black, grey; chosen: black' in page
    assert bundle["text/plain"] == "Tiny view (live view: run the notebook in JupyterLab to move it)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def _request(msg_id, code="view = Tiny()", cell_id=None):
    return {"header": {"msg_id": msg_id, "msg_type": "execute_request"}, "msg_type": "execute_request",
            "metadata": {"cellId": cell_id} if cell_id else {}, "content": {"code": code}}


def test_running_the_cell_again_closes_the_previous_view(monkeypatch):
    """The same cell run again closes the view it made before: widgets closed, figure freed, no more updates."""
    parent = {"value": _request("run-1")}
    monkeypatch.setattr(cells, "_request", lambda: parent["value"])
    first, other = _Tiny(), _Tiny()  # two views made by one run of a cell: both stay
    tree = list(cells.widget_tree(first.widget))
    assert len(tree) >= 12 and all(w.comm is not None for w in tree)
    assert first.image.layout in tree and first.slider.style in tree  # layouts and styles are widgets too
    assert (first.slot, other.slot) == (("view = Tiny()", 1), ("view = Tiny()", 2))
    parent["value"] = _request("run-2", code="print('another cell')")
    elsewhere = _Tiny()  # another cell: nothing closed
    assert all(w.comm is not None for w in tree)
    parent["value"] = _request("run-3")  # the first cell again
    first_live, first_slider = first.live, first.slider
    second = _Tiny()
    assert all(w.comm is None for w in tree), "the first view's widgets stay open"
    assert not any(w.model_id in widgets.Widget.widgets for w in tree if hasattr(w, "model_id"))
    live, slider = first_live, first_slider
    assert live.fig is None and live._background is None
    assert first.closed and vars(first) == {"closed": True}  # nothing big is kept by Out[n]
    assert first._repr_mimebundle_() == {"text/plain": "Tiny view (closed: the cell that made it ran again)"}
    assert other.image.comm is not None and elsewhere.image.comm is not None
    slider.value = 3  # the closed view no longer listens: nothing happens
    second.slider.value = 3
    assert second.frames == 2 and cells._TAKEN[second.slot] is second
    slot = second.slot
    second.close()
    assert slot not in cells._TAKEN
    for view in (other, elsewhere):
        view.close()


def test_a_cell_id_wins_over_the_code(monkeypatch):
    monkeypatch.setattr(cells, "_request", lambda: _request("run-9", code="x", cell_id="cell-a"))
    view = _Tiny()
    assert view.slot == ("cell-a", 1)
    view.close()


def test_outside_a_kernel_nothing_is_released():
    one, two = _Tiny(), _Tiny()
    assert one.slot is None and two.slot is None
    assert one.image.comm is not None and two.image.comm is not None


def test_kernel_watch_answers_each_ping_and_sits_on_top_of_the_view():
    view = _Tiny()
    assert view.widget.children[0] is view.watch
    sent = []
    view.watch.send = sent.append
    view.watch._answer(view.watch, {"type": "ping", "n": 7}, [])
    view.watch._answer(view.watch, {"type": "something else"}, [])
    assert sent == [{"type": "pong", "n": 7}] and view.watch.pongs == 1
    assert "run the cell again" in view.watch.stale_text.lower() and view.watch.timeout_ms == 2000
    assert "data-lm-suppress-shortcuts" in view.watch._esm  # keeps Notebook 7's command mode off the arrow keys


def test_live_figure_pixel_ratio_is_checked():
    import pytest

    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="pixel_ratio must be a whole number"):
            LiveFigure(1, pixel_ratio=bad)
    one, two = LiveFigure(2, pixel_ratio=1), LiveFigure(2, pixel_ratio=2)
    assert one.css_size == two.css_size
    assert two.canvas.get_width_height() == tuple(2 * n for n in one.css_size)


def _png_size(png: bytes) -> tuple[int, int]:
    return PILImage.open(io.BytesIO(png)).size


def test_the_screen_s_pixel_ratio_gives_a_sharper_picture_at_the_same_size():
    view = _Tiny()
    css = view.live.css_size
    assert _png_size(view.image.value) == css  # drawn for ratio 1 until a browser says otherwise
    view.watch.pixel_ratio = 2  # what the browser sends from a high-density screen
    assert view.live.pixel_ratio == 2
    assert _png_size(view.image.value) == (2 * css[0], 2 * css[1])
    assert (view.image.layout.width, view.image.layout.height) == (f"{css[0]}px", f"{css[1]}px")
    view.slider.value = 2
    assert _png_size(view.image.value) == (2 * css[0], 2 * css[1]) and view.readout_text.startswith("pixel at column 2")
    for sent, kept in ((3, 2), (1, 1), (0, 1)):  # the kernel draws at 1 or 2, whatever arrives
        view.watch.pixel_ratio = sent
        assert view.watch.pixel_ratio == kept and view.live.pixel_ratio == kept
    frames = view.frames
    view.watch.pixel_ratio = 1  # no change, no redraw
    assert view.frames == frames
    assert "devicePixelRatio" in view.watch._esm and "matchMedia" in view.watch._esm


def test_set_pixel_ratio_is_checked_and_reports_a_change():
    import pytest

    live = LiveFigure(2)
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="pixel_ratio must be a whole number"):
            live.set_pixel_ratio(bad)
    assert live.set_pixel_ratio(2) is True and live.set_pixel_ratio(2) is False
    live.render()
    assert live.canvas.get_width_height() == tuple(2 * n for n in LiveFigure(2).css_size)


class _Cached(_Tiny):
    cache_frames = True
    computed = 0

    def compute(self):
        type(self).computed += 1
        return super().compute()


def test_a_view_with_cached_frames_draws_every_state_when_built_and_then_only_serves_them():
    _Cached.computed = 0
    fresh = _Tiny()
    view = _Cached()
    assert _Cached.computed == 4 * 2  # every (column, ink) state once, the first picture included
    assert (view.slider.value, view.buttons.value) == (0, "black")  # left as built
    for col, ink in ((1, "black"), (2, "grey"), (1, "black"), (0, "black"), (3, "grey")):
        view.slider.value, view.buttons.value = col, ink
        fresh.slider.value, fresh.buttons.value = col, ink
        assert view.image.value == fresh.image.value and view.readout_text == fresh.readout_text
        assert view.state["column"] == col
    assert _Cached.computed == 8  # no key press waited for a drawing
    view.watch.pixel_ratio = 2  # a new pixel ratio: every state drawn again, once, for it
    assert _Cached.computed == 8 + 8 and len(view._frame_cache) == 16
    assert _png_size(view.image.value)[0] == 2 * view.live.css_size[0]


def test_a_view_with_too_many_states_is_not_drawn_ahead(monkeypatch):
    _Cached.computed = 0
    monkeypatch.setattr(_Cached, "MAX_CACHED_STATES", 7)
    view = _Cached()
    assert _Cached.computed == 1 and len(view._frame_cache) == 1
    view.slider.value = 3
    assert _Cached.computed == 2


def test_a_training_progress_bar_is_closed_when_its_cell_runs_again(monkeypatch):
    from helpers.tinycnn.training import _WidgetProgress

    monkeypatch.setattr(cells, "_request", lambda: _request("run-1", code="train(...)"))
    first = _WidgetProgress(2, 4, "training")
    tree = list(cells.widget_tree(first.box.widget))
    assert all(w.comm is not None for w in tree)
    monkeypatch.setattr(cells, "_request", lambda: _request("run-2", code="train(...)"))
    second = _WidgetProgress(2, 4, "training")
    assert all(w.comm is None for w in tree) and second.bar.comm is not None
    second.close()
    assert second.slot not in cells._TAKEN
