"""The live-view toolkit shared by every notebook.

An :class:`Explorer` is a set of controls (sliders, toggles), a
:class:`~helpers.views.LiveFigure` rendered into an ``ipywidgets.Image``, and
a text readout. A subclass says what to compute and how to draw:

- :meth:`Explorer.compute` returns the state for the current control values
  (plain numpy, no drawing; the tests check it);
- :meth:`Explorer.draw` moves that state into the figure's artists;
- :meth:`Explorer.describe` says in words what the picture shows.

Every control change calls :meth:`Explorer.update`, which runs the three and
puts the new PNG into the image widget. The figure is never rebuilt.

The widget tree follows one convention, which the browser tests rely on:
a ``VBox`` with CSS class ``live-view`` holds the controls (each with a visible
description and a tooltip), the image (class ``live-view-image``) and the
readout (class ``live-view-readout``).
"""

from __future__ import annotations

import base64
import contextlib
import html
import itertools

import ipywidgets as widgets

from .. import cells
from ..memory import release_freed_memory

try:  # anywidget carries the watch's browser code; without it (a bare hub image) the views still work
    from .watch import KernelWatch
except ImportError:  # pragma: no cover - exercised where anywidget is missing
    KernelWatch = None

__all__ = ["Explorer", "int_slider", "toggle"]

_STYLE = {"description_width": "initial"}


def int_slider(description: str, value: int, lo: int, hi: int, tooltip: str, step: int = 1):
    """A keyboard-operable integer slider with a visible label and a tooltip."""
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                             tooltip=tooltip, continuous_update=True, style=_STYLE,
                             layout=widgets.Layout(width="340px"))


def toggle(description: str, options, value, tooltip: str):
    """Toggle buttons for a few named choices.

    Used instead of a drop-down list everywhere: every choice is visible at
    once (good on a projector), each button is reachable with the keyboard,
    and the tooltip shows in JupyterLab (a ``Dropdown`` drops it).
    """
    options = list(options)
    # The group's tooltip sits on its label; each button gets it too, so hovering a button shows it.
    return widgets.ToggleButtons(options=options, value=value, description=description, tooltip=tooltip,
                                 tooltips=[f"{tooltip} (this button: {o})" for o in options],
                                 style={**_STYLE, "button_width": "auto"})



def control_values(control) -> list:
    """Every value a control can take: a toggle's options, or a slider's positions from min to max."""
    if isinstance(control, widgets.ToggleButtons):
        return list(control.options)
    return list(range(control.min, control.max + 1, control.step))


class Explorer:
    """Base class of the live views. Subclasses set ``title`` and call :meth:`_build`."""

    title = "Live view"

    def _build(self, controls, live) -> None:
        """Wire ``controls`` (a list of widgets) to the ``live`` figure, then draw once.

        The view made by the same cell in an earlier run in this kernel (the
        cell run again, or a second *Run All*) is closed first: its widgets
        and figure are freed, so re-running a cell does not pile up memory.
        See :mod:`helpers.cells` for how "the same cell" is told.
        """
        self.slot = cells.next_slot()
        cells.claim(self.slot, self)
        self.controls = list(controls)
        self.live = live
        # No tooltip on the image: ipywidgets 8.1 fails to render an Image that has one.
        # The readout below is the picture's text alternative. The PNG is drawn at live.pixel_ratio
        # device pixels per CSS pixel and shown at its CSS size, never stretched.
        self.image = widgets.Image(format="png")
        css_width, css_height = live.css_size
        self.image.layout.width = f"{css_width}px"
        self.image.layout.height = f"{css_height}px"
        self.image.add_class("live-view-image")
        self.readout = widgets.HTML()
        self.readout.add_class("live-view-readout")
        rows = []
        row: list = []
        for c in self.controls:
            row.append(c)
            if len(row) == 2:
                rows.append(widgets.HBox(row))
                row = []
        if row:
            rows.append(widgets.HBox(row))
        self.watch = KernelWatch() if KernelWatch is not None else None
        top = [self.watch] if self.watch is not None else []
        self.widget = widgets.VBox([*top, *rows, self.image, self.readout])
        self.widget.add_class("live-view")
        self.frames = 0
        #: Finished frames by (pixel ratio, control values), for views that set ``cache_frames``.
        self._frame_cache: dict = {}
        for c in self.controls:
            c.observe(self.update, names="value")
        if self.watch is not None:
            self.watch.observe(self._on_pixel_ratio, names="pixel_ratio")
        self.update()
        self._draw_all_states()

    closed = False

    #: A view with few states (the product of its controls' positions, at most :attr:`MAX_CACHED_STATES`) and
    #: a costly picture sets this: all its states are drawn when it is built (and again for a new pixel
    #: ratio), then served from memory, so no key press waits for a drawing (the rotation view: 8 states).
    cache_frames = False
    MAX_CACHED_STATES = 16

    def _states(self) -> list[tuple]:
        """Every combination of the controls' values, or [] if there are more than MAX_CACHED_STATES."""
        choices = [control_values(c) for c in self.controls]
        total = 1
        for values in choices:
            total *= len(values)
        return list(itertools.product(*choices)) if total <= self.MAX_CACHED_STATES else []

    @contextlib.contextmanager
    def stepping(self):
        """Set the controls one state after another without a redraw on each change.

        Inside, setting a control does not update the view, and a browser
        showing it sees no change; on leaving, the controls get their values
        back (the browser sees only those) and the view is drawn for them.
        Used to draw states ahead (:attr:`cache_frames`) and by the book's
        frame recorder (:func:`helpers.book_frames.render_frames`).
        """
        saved = [c.value for c in self.controls]
        for c in self.controls:
            c.unobserve(self.update, names="value")
        try:
            with contextlib.ExitStack() as held:
                for c in self.controls:
                    held.enter_context(c.hold_sync())
                yield
                for c, v in zip(self.controls, saved):
                    c.value = v
        finally:
            for c in self.controls:
                c.observe(self.update, names="value")
        self.update()

    def _draw_all_states(self) -> None:
        """Fill the frame cache with every state, without a flicker of the controls in the browser."""
        if not self.cache_frames:
            return
        with self.stepping():
            for values in self._states():
                for c, v in zip(self.controls, values):
                    c.value = v
                if self._key() not in self._frame_cache:  # the state shown was drawn by update()
                    self._frame()

    def set_pixel_ratio(self, pixel_ratio: int) -> None:
        """Draw for ``pixel_ratio`` device pixels per CSS pixel (1 or 2) and show the picture at the same size.

        Called when the browser reports its screen's pixel density (see
        :class:`~helpers.explorers.watch.KernelWatch`); a view on a
        high-density screen is drawn at 2, so its text is sharp there.
        """
        if self.live.set_pixel_ratio(pixel_ratio):
            css_width, css_height = self.live.css_size
            self.image.layout.width = f"{css_width}px"
            self.image.layout.height = f"{css_height}px"
            self.update()
            self._draw_all_states()

    def _on_pixel_ratio(self, change) -> None:
        self.set_pixel_ratio(int(change["new"]))

    def close(self) -> None:
        """Close every widget of the view, free its figure and drop everything it holds.

        The object itself may live on (IPython keeps a cell's result in
        ``Out[n]``), so it keeps nothing but its title: a closed view is an
        empty shell that says it is closed.
        """
        if self.closed:
            return
        for c in getattr(self, "controls", []):
            c.unobserve(self.update, names="value")
        cells.close_widgets(getattr(self, "widget", None))
        if getattr(self, "live", None) is not None:
            self.live.close()
        cells.release(getattr(self, "slot", None), self)
        self.__dict__.clear()
        self.closed = True
        release_freed_memory()  # the figure's pixel buffers (see helpers.memory)

    # -- what subclasses provide -----------------------------------------
    def compute(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def draw(self, state: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, state: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- the update loop ---------------------------------------------------
    def update(self, change=None) -> None:
        """Recompute, redraw and re-render for the current control values."""
        cached = self._frame_cache.get(self._key())
        if cached is None:
            png = self._frame()
        else:
            self.state, png, self.readout_text = cached
            self.draw(self.state)  # the artists follow the state shown (cheap: no drawing)
        self.image.value = png
        self.readout.value = (
            f'<div role="status" aria-live="polite" style="font-family: monospace; white-space: pre-wrap;">'
            f"{html.escape(self.readout_text)}</div>")
        self.frames += 1

    def _frame(self) -> bytes:
        """Compute, draw, describe and render the current control values; cache the frame if asked."""
        self.state = self.compute()
        self.draw(self.state)
        png = self.live.render()
        self.readout_text = self.describe(self.state)
        if self.cache_frames:
            self._frame_cache[self._key()] = (self.state, png, self.readout_text)
        return png

    def _key(self) -> tuple:
        """What a frame depends on: the pixel ratio and every control's value."""
        return (self.live.pixel_ratio, *(c.value for c in self.controls))

    # -- display -------------------------------------------------------------
    def _control_text(self, control) -> str:
        """One control in words, for readers without a kernel: label, kind, range or choices, value, tooltip."""
        label = control.description or type(control).__name__
        if isinstance(control, widgets.ToggleButtons):
            kind = f"buttons {', '.join(map(str, control.options))}; chosen: {control.value}"
        elif hasattr(control, "min") and hasattr(control, "max"):
            kind = f"slider from {control.min} to {control.max}; now {control.value}"
        else:
            kind = f"{type(control).__name__}; now {control.value}"
        tip = f" ({control.tooltip})" if getattr(control, "tooltip", None) else ""
        return f"{label}: {kind}{tip}"

    def static_html(self) -> str:
        """The view as last drawn, as HTML that needs no kernel and no widget manager.

        The picture (with the readout as its ``alt`` text), the readout, and
        the controls in words. It is part of every live view's output, so that
        an exported HTML file, GitHub, nbviewer, a printout or a notebook
        opened before its cells run shows this instead of an empty box. The
        size is the picture's natural size divided by its pixel ratio, so it is never stretched.
        """
        png = self.image.value
        width, height = self.live.css_size
        controls = "".join(
            f'<li class="live-view-static-control" data-kind="{type(c).__name__}" '
            f'data-tooltip="{html.escape(getattr(c, "tooltip", None) or "", quote=True)}">'
            f"{html.escape(self._control_text(c))}</li>" for c in self.controls)
        return (
            f'<figure class="live-view-static" style="margin: 0;">'
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" width="{width}" '
            f'height="{height}" alt="{html.escape(self.readout_text, quote=True)}">'
            f'<figcaption><p class="live-view-static-readout" style="font-family: monospace; '
            f'white-space: pre-wrap;">{html.escape(self.readout_text)}</p>'
            f"<p><strong>{html.escape(self.title)}</strong>: a picture of the live view as last drawn. "
            f"Run the notebook to move it with these controls:</p><ul>{controls}</ul></figcaption></figure>")

    def _repr_mimebundle_(self, **kwargs):
        if self.closed:
            return {"text/plain": f"{self.title} (closed: the cell that made it ran again)"}
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"{self.title} (live view: run the notebook in JupyterLab to move it)"
        bundle["text/html"] = self.static_html()
        return bundle
