"""A live view that knows when its kernel is gone.

A live view's controls live in the browser and its picture is drawn by the
kernel. After a kernel restart or shutdown, or a second *Run All* that
replaced the view, a slider still moves in the browser while nothing redraws
the picture: the control and the picture disagree, silently.

:class:`KernelWatch` is a small widget (an `anywidget
<https://anywidget.dev>`_, whose front-end code ships inside the Python
package, so nothing is downloaded) placed at the top of every live view. In
the browser it listens for the reader's keys and clicks on the view's
controls and sends the kernel a *ping*; the kernel answers with a *pong*.
When no answer comes within ``timeout_ms`` it shows, on the view and in the
readout (an ``aria-live`` region, so a screen reader says it too), that the
view belongs to a stopped kernel or a busy one, greys the picture and tells
the reader to run the cell again. When an answer does come (a kernel that
was only busy), the view returns to normal.

It reports the screen's pixel density (``pixel_ratio``: 2 on high-density
screens, else 1), so the view draws a picture that is sharp there.

It also marks each control of the view with ``data-lm-suppress-shortcuts``
when it takes the focus, which keeps the notebook's own keyboard shortcuts
away from it (Notebook 7's command mode otherwise takes the arrow keys), so
the arrow keys move a slider in JupyterLab, Notebook 7 and Voila alike.

Its style sheet makes the chosen button of a toggle group stand out in the
light and the dark theme alike (the theme's brand colour, bold, underlined).
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["KernelWatch", "STALE_TEXT"]

#: What the view and its readout say when the kernel does not answer.
STALE_TEXT = ("No answer from the kernel: this view belongs to a stopped kernel (restarted or shut down) "
              "or one that is busy. The picture no longer follows the controls. Run the cell again.")

_ESM = """
const KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown",
                      " ", "Enter"]);

function render({ model, el }) {
  el.classList.add("live-view-watch");
  el.setAttribute("role", "alert");
  el.style.display = "none";
  el.style.cssText += "padding: 6px 10px; margin: 0 0 6px 0; border: 2px solid #b00020; border-radius: 4px;"
    + "background: #fff4f4; color: #7a0016; font-weight: bold; max-width: 720px;";
  let root = null, timer = null, sent = 0, answered = 0, stale = false, savedReadout = null;

  function readout() { return root && root.querySelector(".live-view-readout"); }

  function markStale() {
    if (stale || !root) return;
    stale = true;
    el.textContent = model.get("stale_text");
    el.style.display = "block";
    root.classList.add("live-view-stale");
    const img = root.querySelector(".live-view-image");
    if (img) img.style.opacity = "0.35";
    const r = readout();
    if (r) {
      savedReadout = r.innerHTML;
      r.innerHTML = '<div role="status" aria-live="polite" style="font-family: monospace; white-space: pre-wrap;">'
        + model.get("stale_text").replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</div>";
    }
  }

  function markAlive() {
    if (!stale) return;
    stale = false;
    el.style.display = "none";
    el.textContent = "";
    root.classList.remove("live-view-stale");
    const img = root.querySelector(".live-view-image");
    if (img) img.style.opacity = "";
    const r = readout();
    if (r && savedReadout !== null && r.textContent.startsWith(model.get("stale_text").slice(0, 20))) {
      r.innerHTML = savedReadout;
    }
    savedReadout = null;
  }

  function ping() {
    sent += 1;
    const n = sent;
    try { model.send({ type: "ping", n }); } catch (e) { markStale(); return; }
    clearTimeout(timer);
    timer = setTimeout(() => { if (answered < n) markStale(); }, model.get("timeout_ms"));
  }

  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "pong") {
      answered = Math.max(answered, msg.n || 0);
      markAlive();
    }
  });

  // Lumino (JupyterLab, Notebook 7) matches a shortcut's selector from the focused element upwards and stops
  // at an element marked data-lm-suppress-shortcuts: the mark must be on the focused control itself, or Notebook 7's
  // command mode takes the arrow keys (ArrowRight: "move to the heading below") before the slider sees them.
  function onFocus(event) {
    if (event.target && event.target.setAttribute) event.target.setAttribute("data-lm-suppress-shortcuts", "true");
  }
  function onKey(event) { if (KEYS.has(event.key) && !el.contains(event.target)) ping(); }
  function onPointer(event) { if (!el.contains(event.target)) ping(); }

  // The picture is drawn for the screen's pixel density: 2 device pixels per CSS pixel on high-density
  // screens (and when zoomed to 150% or more), else 1; the kernel redraws when this changes.
  let ratioQuery = null;
  function reportRatio() {
    const ratio = (window.devicePixelRatio || 1) >= 1.5 ? 2 : 1;
    if (model.get("pixel_ratio") !== ratio) { model.set("pixel_ratio", ratio); model.save_changes(); }
  }
  function onRatioChange() { reportRatio(); watchRatio(); }
  function watchRatio() {
    if (!window.matchMedia) return;
    ratioQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    ratioQuery.addEventListener("change", onRatioChange, { once: true });
  }
  reportRatio();
  watchRatio();

  let tries = 0;
  function attach() {
    root = el.closest(".live-view");
    if (!root) {
      if (++tries < 600) requestAnimationFrame(attach);
      return;
    }
    root.setAttribute("data-lm-suppress-shortcuts", "true");
    root.addEventListener("focusin", onFocus, true);
    root.addEventListener("keydown", onKey, true);
    root.addEventListener("pointerup", onPointer, true);
  }
  attach();

  return () => {
    clearTimeout(timer);
    if (ratioQuery) ratioQuery.removeEventListener("change", onRatioChange);
    if (root) {
      root.removeEventListener("focusin", onFocus, true);
      root.removeEventListener("keydown", onKey, true);
      root.removeEventListener("pointerup", onPointer, true);
    }
  };
}

export default { render };
"""


#: Page styles every live view needs, loaded with the watch: a chosen toggle button that stands out in the
#: dark theme too (JupyterLab's own colours there differ by 31 levels of grey: rgb 97 against 66).
_CSS = """
.live-view .widget-toggle-buttons .jupyter-button.mod-active,
.live-view .widget-toggle-buttons .jupyter-button.mod-active:hover {
  background: var(--jp-brand-color1, #1976d2);
  color: var(--jp-ui-inverse-font-color0, #fff);
  box-shadow: inset 0 -3px 0 var(--jp-ui-font-color0, #000);
  font-weight: bold;
}
"""


class KernelWatch(anywidget.AnyWidget):
    """Answers the browser's pings; the browser shows :data:`STALE_TEXT` on the view when none comes.

    ``timeout_ms``: how long the browser waits for an answer (milliseconds;
    default 2000, well above a live view's update time, below a reader's
    patience).
    """

    _esm = _ESM
    _css = _CSS
    timeout_ms = traitlets.Int(2000).tag(sync=True)
    stale_text = traitlets.Unicode(STALE_TEXT).tag(sync=True)
    #: Device pixels per CSS pixel of the screen showing the view, as the browser reports it: 1 or 2.
    pixel_ratio = traitlets.Int(1).tag(sync=True)

    @traitlets.validate("pixel_ratio")
    def _valid_ratio(self, proposal):
        value = proposal["value"]
        return 2 if value >= 2 else 1  # whatever the browser sends, the kernel draws at 1 or 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pongs = 0
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            self.pongs += 1
            self.send({"type": "pong", "n": content.get("n")})
