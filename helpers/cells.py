"""Which notebook cell made a display, so that running the cell again can free what it made before.

A live view or a progress bar is a set of widgets held by the kernel. When
its cell runs again (or the whole notebook, *Run All*), the front end drops
the old output, but the kernel would keep the old widgets forever. Each such
display takes a *slot*, ``(cell, n)``: the n-th display that run of the cell
makes. The cell is told by the id JupyterLab, Notebook 7 and Voila send with
each request (``cellId``), or else by the cell's code. A new display in a
slot that is taken closes the one there.

Outside a kernel (scripts, tests) there are no slots and nothing is closed.
"""

from __future__ import annotations

import gc

__all__ = ["claim", "close_widgets", "next_slot", "release", "widget_tree"]

#: The display holding each slot, made last in this kernel.
_TAKEN: dict[tuple, object] = {}
#: ``[request id, displays made so far]`` for the request being run.
_COUNT = ["", 0]


def _request():
    """The kernel's current execute request (its header, metadata and code), or ``None`` outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    try:
        return kernel.get_parent("shell") if kernel is not None else None
    except Exception:  # an older ipykernel without get_parent: no release, nothing breaks
        return None


def next_slot() -> tuple | None:
    """``(cell, n)`` for the next display of the cell being run; ``None`` outside a kernel."""
    parent = _request()
    if not parent or parent.get("msg_type", parent.get("header", {}).get("msg_type")) != "execute_request":
        return None
    msg_id = parent.get("header", {}).get("msg_id", "")
    cell = (parent.get("metadata") or {}).get("cellId") or (parent.get("content") or {}).get("code", "")
    if _COUNT[0] != msg_id:
        _COUNT[:] = [msg_id, 0]
    _COUNT[1] += 1
    return (cell, _COUNT[1])


def claim(slot: tuple | None, display) -> None:
    """Put ``display`` in ``slot``, closing (``.close()``) what an earlier run of the cell left there."""
    if slot is None:
        return
    previous = _TAKEN.pop(slot, None)
    _TAKEN[slot] = display
    if previous is not None and previous is not display:
        previous.close()
        gc.collect()  # a figure's artists refer to each other: free them now, not at the next collection


def release(slot: tuple | None, display) -> None:
    """Free ``slot`` if ``display`` holds it (``display`` was closed another way)."""
    if slot is not None and _TAKEN.get(slot) is display:
        del _TAKEN[slot]


def widget_tree(widget):
    """``widget`` and every widget below it, children first, with their layout and style widgets."""
    if widget is None:
        return
    import ipywidgets

    for child in getattr(widget, "children", ()):
        yield from widget_tree(child)
    for part in ("layout", "style"):
        value = getattr(widget, part, None)
        if isinstance(value, ipywidgets.Widget):
            yield value
    yield widget


def close_widgets(widget) -> None:
    """Close ``widget`` and every widget below it (layouts and styles are widgets too)."""
    for w in widget_tree(widget):
        w.close()
