"""JupyterLab in headless Chromium: shared by ``tests/test_browser.py`` and ``bench/bench_browser.py``.

:class:`LabServer` starts JupyterLab on 127.0.0.1 with a random token, on a
temporary copy of the notebooks, and stops it (with its kernels) afterwards.
:func:`launch_browser` starts Debian's Chromium through Playwright.
:func:`open_notebook` opens one notebook; :func:`run_all_cells` clears it, runs every cell and
reports what the page shows; :func:`probe_live_views` moves every slider of
every live view from the keyboard and times each repaint.

The live views follow one DOM convention (see ``helpers/explorers/base.py``):
a ``VBox`` with class ``live-view`` holding the controls, an ``Image`` with
class ``live-view-image`` and an ``HTML`` readout with class ``live-view-readout``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_CONFIG = ROOT / "etc" / "jupyter_server_config.py"

#: Where the notebooks come from; ``BROWSER_TEST_NOTEBOOKS`` overrides it (for development).
NOTEBOOK_DIR = Path(os.environ.get("BROWSER_TEST_NOTEBOOKS") or ROOT / "notebooks")
SCREENSHOT_DIR = ROOT / "build" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--no-proxy-server",  # the server is on loopback: never send its pages through an HTTP proxy
]

INSTALL_HINT = ("install Debian's Chromium (`sudo apt-get install chromium` on Debian/Ubuntu) "
                "or set CHROMIUM=/path/to/chromium; Playwright comes with `pip install -e '.[test]'`")

#: Timeouts in seconds, generous for a cold kernel on a loaded 2-core machine.
SERVER_TIMEOUT = 90
OPEN_TIMEOUT = 90
RUN_TIMEOUT = 240
WIDGET_TIMEOUT = 30
REPAINT_TIMEOUT = 15


def new_context(browser):
    """A page context on the screen the browser tests use: 1400 x 1000 CSS pixels at 2 device pixels per
    CSS pixel, as on most student laptops (the live views must draw their pictures for it)."""
    return browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
READOUT_TIMEOUT = 5  # once the picture has changed


def notebooks() -> list[Path]:
    """Every notebook to run, in name order."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def find_chromium() -> str | None:
    """The Chromium executable: ``$CHROMIUM`` if set, else the first one on the PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if (os.path.isfile(env) and os.access(env, os.X_OK)) else shutil.which(env)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: " + INSTALL_HINT
    if os.environ.get("CHROMIUM") and not find_chromium():
        return f"CHROMIUM={os.environ['CHROMIUM']} is not an executable: " + INSTALL_HINT
    if not find_chromium():
        return "no Chromium found: " + INSTALL_HINT
    return None


def launch_browser(playwright):
    """Headless Chromium from the system (Playwright's own download is not used)."""
    return playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)


#: An opener that ignores ``http_proxy`` and friends: the server is on 127.0.0.1.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Settings that keep a headless run quiet: no news or update check, no toasts.
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        # Render every cell, so that element screenshots and visibility checks see them.
        "windowingMode": "none"},
}


#: The front ends a server can be: (Python module run with -m, the app's option prefix, notebook URL path).
CLIENTS = {
    "jupyterlab": ("jupyterlab", "LabApp", "lab/tree"),
    "notebook7": ("notebook", "JupyterNotebookApp", "notebooks"),
}


class LabServer:
    """JupyterLab (or Notebook 7) on loopback with token auth, serving a temporary copy of ``source``.

    ``client`` is ``"jupyterlab"`` or ``"notebook7"``: both are the same
    server with another front end, and the same page scripts drive both.
    Use as a context manager; :meth:`stop` always takes down the server's
    process group and any kernel it started.
    """

    def __init__(self, source: Path = NOTEBOOK_DIR, client: str = "jupyterlab", settings: dict | None = None):
        if client not in CLIENTS:
            raise ValueError(f"client must be one of {sorted(CLIENTS)}; got {client!r}")
        self.client = client
        #: User settings for this server (``{"<plugin>.jupyterlab-settings" path: values}``); the default quiets
        #: news, update checks and toasts and renders every cell.
        if settings is None:  # Notebook 7 fails to load these settings ("reading 'schema'"): it gets none
            settings = _USER_SETTINGS if client == "jupyterlab" else {}
        self.settings = settings
        self.source = Path(source)
        self.token = secrets.token_hex(24)
        self.tmp = Path(tempfile.mkdtemp(prefix="browser-lab-"))
        self.root = self.tmp / "notebooks"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = self.tmp / "server.log"

    # -- life cycle ----------------------------------------------------------
    def start(self) -> LabServer:
        self.root.mkdir()
        for nb in [*sorted(self.source.glob("*.ipynb")), *self.source.glob("course.py")]:
            shutil.copy2(nb, self.root / nb.name)
        settings = self.tmp / "user-settings"
        settings.mkdir(parents=True, exist_ok=True)
        for rel, values in self.settings.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        (self.tmp / "workspaces").mkdir()
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # the kernel should behave as in a user's JupyterLab
        env["JUPYTER_CONFIG_DIR"] = str(self.tmp / "config")  # ignore the user's own config
        env["JUPYTER_RUNTIME_DIR"] = str(self.tmp / "runtime")
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        last_error = ""
        for _attempt in range(3):  # a port taken between probing and binding: try another
            self.port = _free_port()
            module, app, _ = CLIENTS[self.client]
            cmd = [
                sys.executable, "-m", module,
                "--no-browser",
                f"--config={SERVER_CONFIG}",  # the settings `make lab` uses
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.root_dir={self.root}",
                f"--IdentityProvider.token={self.token}",
                f"--{app}.expose_app_in_browser=True",
                f"--{app}.user_settings_dir={settings}",
                f"--{app}.workspaces_dir={self.tmp / 'workspaces'}",
                "--ServerApp.terminals_enabled=False",
                "--ServerApp.shutdown_no_activity_timeout=0",
                "--MappingKernelManager.cull_idle_timeout=0",
            ]
            if self.client == "jupyterlab":
                cmd += ["--LabApp.news_url=None", "--LabApp.extension_manager=readonly"]  # no PyPI look-ups
            if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI runners often run as root
                cmd.append("--allow-root")
            log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self._log = log
            self.proc = subprocess.Popen(cmd, cwd=self.tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:
                last_error = str(e)
                self._terminate()
                if "address already in use" not in last_error.lower():
                    break
        self.stop()
        raise RuntimeError(last_error)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.client} exited with code {self.proc.returncode} before it was ready.\n"
                                   f"Its log ({self.log_path}):\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=5)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise RuntimeError(f"{self.client} did not answer on 127.0.0.1:{self.port} within {SERVER_TIMEOUT} s.\n"
                           f"Its log ({self.log_path}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _terminate(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            import psutil
            kids = psutil.Process(proc.pid).children(recursive=True)
        except Exception:  # psutil missing, or the server already gone
            kids = []
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
                proc.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for kid in kids:  # kernels run in their own sessions: make sure none is left behind
            try:
                kid.wait(timeout=5)
            except Exception:
                try:
                    kid.kill()
                except Exception:
                    pass
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()
            self._log = None

    def stop(self) -> None:
        try:
            self._terminate()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- REST API --------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, timeout: float = 30):
        req = urllib.request.Request(self.base_url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with _LOOPBACK.open(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        path = CLIENTS[self.client][2]
        reset = "reset&" if self.client == "jupyterlab" else ""
        return f"{self.base_url}/{path}/{urllib.request.quote(name)}?{reset}token={self.token}"

    def sessions(self) -> list[dict]:
        return self.api("GET", "/api/sessions")

    def kernel_pid(self, kernel_id: str) -> int | None:
        """The pid of the kernel process with this id, found among the server's children."""
        import psutil

        for kid in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if any(kernel_id in arg for arg in kid.cmdline()):
                    return kid.pid
            except psutil.Error:
                continue
        return None

    def shutdown_sessions(self) -> None:
        """Shut down every session and kernel, to keep memory down between notebooks."""
        for s in self.sessions():
            try:
                self.api("DELETE", f"/api/sessions/{s['id']}")
            except urllib.error.HTTPError:
                pass
        for k in self.api("GET", "/api/kernels"):
            try:
                self.api("DELETE", f"/api/kernels/{k['id']}")
            except urllib.error.HTTPError:
                pass


@dataclass
class NotebookRun:
    """What a notebook showed after running all its cells in JupyterLab."""

    name: str
    seconds: float = 0.0
    code_cells: int = 0
    # Cells are numbered from 1, as in JupyterLab's status bar ("Cell 3/9").
    unexecuted: list = field(default_factory=list)  # numbers of code cells without an execution count
    errors: list = field(default_factory=list)  # (cell number, text) of stderr / error outputs
    widget_problems: list = field(default_factory=list)  # (cell number, text)
    live_views: int = 0
    kernel_id: str | None = None

    @property
    def problems(self) -> list:
        """Everything wrong after Run All Cells, as ``(cell number, text)`` pairs."""
        out = [(i, f"error output: {t}") for i, t in self.errors]
        out += [(i, "no execution count (the cell never ran)") for i in self.unexecuted]
        out += [(i, f"widget did not render: {t}") for i, t in self.widget_problems]
        return out


def expected_widget_outputs(path: Path) -> dict[int, int]:
    """How many widget views each cell of a committed notebook shows: ``{cell number: count}``.

    The committed notebooks are executed, so a cell that displays a live view
    holds a widget-view output; after Run All Cells the page must show as many.
    Cells are numbered from 1 over all cells, as in :class:`NotebookRun`.
    """
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    counts = {}
    for i, cell in enumerate(cells, 1):
        n = sum(_WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))
        if n:
            counts[i] = n
    return counts


# -- running a notebook ---------------------------------------------------------

_JS_PANEL = """
(name) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === name && w.content && w.content.model && w.sessionContext) return true;
  }
  return false;
}
"""

# Starts "Run All Cells" without waiting for it; the outcome lands in window.__runAll.
_JS_START_RUN_ALL = """
async (name) => {
  const app = window.jupyterapp;
  const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === name);
  app.shell.activateById(panel.id);
  await panel.context.ready;
  await panel.sessionContext.ready;
  window.__runAll = {done: false, ok: null, error: null, panelId: panel.id};
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells').then(
    ok => { window.__runAll.ok = ok; window.__runAll.done = true; },
    err => { window.__runAll.error = String(err); window.__runAll.done = true; });
  return panel.sessionContext.session ? panel.sessionContext.session.kernel.id : null;
}
"""

_JS_KERNEL_STATUS = """
(name) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.context && w.context.path === name);
  const k = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return k ? k.status : 'none';
}
"""

_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_BAD_WIDGET_TEXT = ["Error displaying widget", "model not found", "Loading widget...",
                    "Could not create", "Failed to create view"]

# What each code cell shows: execution count, stderr / error outputs, widget render problems.
_JS_REPORT = """
([name, widgetMime, badTexts]) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.context && w.context.path === name);
  const cells = [];
  panel.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    const node = cell.node;
    // A cell tagged raises-exception (as nbval and JupyterLab understand it) may show its error.
    const expectsError = (cell.model.getMetadata('tags') || []).includes('raises-exception');
    const errors = expectsError ? [] : Array.from(node.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
      .map(e => e.innerText.trim());
    const pending = (node.querySelector('.jp-InputPrompt') || {innerText: ''}).innerText.includes('*');
    const widgetProblems = [];
    // The widget renderer writes its messages as the output's only content, with no child element.
    for (const out of node.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${widgetMime}"]`)) {
      const text = out.childElementCount === 0 ? out.textContent : '';
      for (const bad of badTexts) if (text.includes(bad)) { widgetProblems.push(text.trim().slice(0, 300)); break; }
    }
    // A child view that failed to render becomes an error icon; a click on it reveals the message.
    for (const err of node.querySelectorAll('.jupyter-widgets-error-widget')) {
      if (!err.innerText.includes('Error')) err.click();
      widgetProblems.push(err.innerText
                          .replace(/\\[Open Browser Console[^\\]]*\\]/, '')
                          .trim().split('\\n').slice(0, 3).join(' | ')
                          .replace(/https?:\\/\\/[^ )]*\\/static\\//g, '').slice(0, 400));
    }
    const errorOutputs = cell.model.outputs.toJSON().filter(o => o.output_type === 'error' && !expectsError)
      .map(o => `${o.ename}: ${o.evalue}`);
    // Widgets on screen: an output holding a rendered view (the renderer drops the output's
    // data-mime-type once the view is in) that takes up some room.
    const rendered = Array.from(node.querySelectorAll('.jp-OutputArea-output'))
      .filter(out => Array.from(out.children).some(c => c.classList.contains('jupyter-widgets')
                                                   && c.getBoundingClientRect().height > 0)).length;
    cells.push({index: i + 1, count: cell.model.executionCount, pending, errors, errorOutputs, rendered,
                widgetProblems: Array.from(new Set(widgetProblems))});
  });
  return {cells, liveViews: panel.node.querySelectorAll('.live-view').length};
}
"""

_JS_WIDGETS_SETTLED = """
([name, widgetMime]) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.context && w.context.path === name);
  for (const out of panel.node.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${widgetMime}"]`)) {
    if (out.childElementCount === 0 && out.textContent.includes('Loading widget...')) return false;
  }
  for (const img of panel.node.querySelectorAll('.live-view img')) {
    if (!img.complete || !img.getAttribute('src')) return false;
  }
  return true;
}
"""


def _wait_js(page, js, arg, timeout_s: float, what: str, name: str) -> None:
    """Wait until ``js(arg)`` is truthy; on timeout raise an AssertionError naming the notebook."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(js, arg=arg, timeout=timeout_s * 1000, polling=100)
    except PlaywrightTimeout:
        raise AssertionError(f"{name}: {what} (waited {timeout_s:.0f} s)") from None


def _dialogs(page) -> str:
    """The text of any dialog JupyterLab shows (kernel selection, errors), for failure messages."""
    try:
        texts = page.evaluate("() => Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText)")
    except Exception:
        return ""
    return "".join(f"\nJupyterLab shows a dialog: {t.strip()[:300]!r}" for t in texts)


def open_notebook(page, server: LabServer, name: str) -> None:
    """Open ``name`` in JupyterLab (no workspace restored) and wait until its kernel is idle."""
    page.goto(server.notebook_url(name), wait_until="domcontentloaded", timeout=OPEN_TIMEOUT * 1000)
    try:
        _wait_js(page, _JS_PANEL, name, OPEN_TIMEOUT, "JupyterLab did not open the notebook", name)
        _wait_js(page, f"(name) => ({_JS_KERNEL_STATUS})(name) === 'idle'", name, OPEN_TIMEOUT,
                 "the kernel did not start (its status never became idle)", name)
    except AssertionError as e:
        raise AssertionError(f"{e}{_dialogs(page)}\nServer log (last lines):\n{server.log_tail(15)}") from None


def run_all_cells(page, server: LabServer, name: str, expected_widgets: dict[int, int] | None = None,
                  ) -> NotebookRun:
    """Clear the outputs, run every cell and report what the notebook shows (does not assert).

    ``expected_widgets`` (``{cell number: count}``, see :func:`expected_widget_outputs`)
    turns a cell that shows fewer widgets than that into a widget problem: a
    blank output is a failure too. By default it is read from the server's
    source copy of the notebook.
    """
    if expected_widgets is None:
        expected_widgets = expected_widget_outputs(server.source / name)
    run = NotebookRun(name)
    t0 = time.monotonic()
    run.kernel_id = page.evaluate(_JS_START_RUN_ALL, name)
    try:
        _wait_js(page, "() => window.__runAll && window.__runAll.done", None, RUN_TIMEOUT,
                 "'Run All Cells' did not finish", name)
        _wait_js(page, f"(name) => ({_JS_KERNEL_STATUS})(name) === 'idle'", name, RUN_TIMEOUT,
                 "the kernel stayed busy after running all cells", name)
    except AssertionError as e:
        report = page.evaluate(_JS_REPORT, [name, _WIDGET_MIME, _BAD_WIDGET_TEXT])
        stuck = [c["index"] for c in report["cells"] if c["pending"]]
        raise AssertionError(f"{e}; cells still running or queued: {stuck}{_dialogs(page)}") from None
    run.seconds = time.monotonic() - t0
    try:  # widget views render asynchronously after their cell has finished
        _wait_js(page, _JS_WIDGETS_SETTLED, [name, _WIDGET_MIME], WIDGET_TIMEOUT, "widgets did not finish", name)
    except AssertionError:
        pass  # reported below as "Loading widget..." still showing
    report = page.evaluate(_JS_REPORT, [name, _WIDGET_MIME, _BAD_WIDGET_TEXT])
    run.code_cells = len(report["cells"])
    run.live_views = report["liveViews"]
    outcome = page.evaluate("() => window.__runAll")
    if outcome.get("error"):
        run.errors.append((None, f"'Run All Cells' failed: {outcome['error']}"))
    for c in report["cells"]:
        if c["count"] is None:
            run.unexecuted.append(c["index"])
        for text in c["errors"] or c["errorOutputs"]:
            run.errors.append((c["index"], text))
        for text in c["widgetProblems"]:
            run.widget_problems.append((c["index"], text))
        want = expected_widgets.get(c["index"], 0)
        if c["rendered"] < want and not c["widgetProblems"]:
            run.widget_problems.append((c["index"], f"the committed notebook shows {want} widget(s) here, "
                                                    f"the page shows {c['rendered']} (blank output)"))
    return run


# -- live views ---------------------------------------------------------------------

# Finds the panel of a notebook; pasted in front of the scripts below.
_JS_VIEWS = """
const __views = (name) => {
  // JupyterLab and Notebook 7: the notebook's panel; Voila (no application object): the page.
  const app = window.jupyterapp;
  const panel = app ? Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === name) : null;
  return Array.from((panel ? panel.node : document).querySelectorAll('.live-view'));
};
const __visible = (el) => {
  if (!el || el.getClientRects().length === 0) return false;
  const st = getComputedStyle(el);
  return st.display !== 'none' && st.visibility !== 'hidden' && st.opacity !== '0';
};
const __labelOf = (ctl) => {
  const label = ctl.querySelector('label.widget-label, .widget-label');
  return label ? {text: label.innerText.trim(), visible: __visible(label)} : {text: '', visible: false};
};
"""

# The controls of live view i: every leaf widget holding something a user can operate.
# The tooltip is the ``title`` attribute the browser shows on hover; ipywidgets 8 puts a
# control's ``tooltip`` on its description label (and writes "null" there when there is none).
_JS_CONTROLS = _JS_VIEWS + """
return (([name, i]) => {
  const view = __views(name)[i];
  const interactive = 'input, button, select, textarea, [role="slider"], [contenteditable="true"]';
  const controls = [];
  const walk = (el) => {
    for (const child of el.children) {
      const isWidget = child.classList.contains('lm-Widget');
      const isContainer = child.classList.contains('widget-container') || child.classList.contains('widget-box');
      if (!isWidget || isContainer) { walk(child); continue; }
      if (child.matches('.live-view-image, .live-view-readout') || !child.querySelector(interactive)) continue;
      const kind = (Array.from(child.classList).find(c => c.startsWith('widget-') && c !== 'widget-inline-hbox'
                                                     && c !== 'widget-inline-vbox') || 'widget').slice(7);
      const titled = [child, ...child.querySelectorAll('[title]')]
        .map(e => ({el: e, title: (e.getAttribute('title') || '').trim()}))
        .filter(t => t.title && t.title !== 'null' && t.title !== 'undefined');
      const label = __labelOf(child);
      // Reachable with Tab: every enabled handle, button or field must be in the tab order
      // (the slider's editable number readout is a second way in, not counted).
      const unreachable = Array.from(child.querySelectorAll('input, button, select, textarea, [role="slider"]'))
        .filter(e => !e.disabled && !(e.closest('.noUi-target[disabled]')))
        .filter(e => e.tabIndex < 0 && __visible(e)).length;
      controls.push({kind, label: label.text, labelVisible: label.visible,
                     tooltip: titled.length ? titled[0].title : '',
                     tooltipOn: titled.length ? titled[0].el.tagName.toLowerCase() + '.' +
                                (titled[0].el.classList[0] || '') : '',
                     unreachable, sliders: child.querySelectorAll('[role="slider"]').length});
    }
  };
  walk(view);
  const img = view.querySelector('img.live-view-image, .live-view-image img');
  const readout = view.querySelector('.live-view-readout');
  const live = readout && (readout.matches('[aria-live]') || readout.querySelector('[aria-live]'));
  return {controls, hasImage: !!img, imageLoaded: !!img && img.complete && img.naturalWidth > 0,
          hasReadout: !!readout, readout: readout ? readout.innerText.trim() : null,
          readoutLive: live ? live.getAttribute('aria-live') : null};
})(arguments[0]);
"""

_JS_SLIDERS = _JS_VIEWS + """
return (([name, i]) => {
  const view = __views(name)[i];
  return Array.from(view.querySelectorAll('[role="slider"]')).map(h => {
    const ctl = h.closest('.widget-slider, .lm-Widget');
    const target = h.closest('.noUi-target');
    return {label: __labelOf(ctl).text, disabled: !!(target && target.hasAttribute('disabled')),
            now: h.getAttribute('aria-valuenow'), text: h.getAttribute('aria-valuetext'),
            min: parseFloat(h.getAttribute('aria-valuemin')), max: parseFloat(h.getAttribute('aria-valuemax'))};
  });
})(arguments[0]);
"""

# The toggle-button groups of live view i: label, and which buttons can be pressed.
_JS_TOGGLES = _JS_VIEWS + """
return (([name, i]) => {
  const view = __views(name)[i];
  return Array.from(view.querySelectorAll('.widget-toggle-buttons')).map(g => {
    const buttons = Array.from(g.querySelectorAll('button'));
    return {label: __labelOf(g).text,
            buttons: buttons.map(b => ({text: b.innerText.trim(), active: b.classList.contains('mod-active'),
                                        disabled: b.disabled}))};
  });
})(arguments[0]);
"""

# Arms the repaint timer of live view i: keydown -> new img src -> decoded -> next animation frame.
_JS_ARM = _JS_VIEWS + """
return (([name, i]) => {
  const view = __views(name)[i];
  const img = view.querySelector('img.live-view-image, .live-view-image img');
  const readout = view.querySelector('.live-view-readout');
  if (!window.__lvKeydown) {
    window.__lvKeydown = true;
    document.addEventListener('keydown', () => {
      if (window.__lv && window.__lv.t0 === null) window.__lv.t0 = performance.now();
    }, true);  // capture phase: before the control handles the key
  }
  if (window.__lvObserver) window.__lvObserver.disconnect();
  const a = {t0: null, src0: img.getAttribute('src'), text0: readout ? readout.innerText : null,
             tSrc: null, painted: null, srcChanges: 0};
  window.__lv = a;
  const obs = new MutationObserver(() => {
    if (img.getAttribute('src') === a.src0) return;
    a.srcChanges += 1;
    if (a.tSrc !== null) return;
    a.tSrc = performance.now();
    const done = () => requestAnimationFrame(() => { a.painted = performance.now(); });
    img.decode().then(done, done);
  });
  obs.observe(img, {attributes: true, attributeFilter: ['src']});
  window.__lvObserver = obs;
})(arguments[0]);
"""

_JS_PAINTED = "() => window.__lv && window.__lv.t0 !== null && window.__lv.painted !== null"

_JS_READOUT_CHANGED = _JS_VIEWS + """
return (([name, i]) => {
  const readout = __views(name)[i].querySelector('.live-view-readout');
  return readout !== null && readout.innerText !== window.__lv.text0;
})(arguments[0]);
"""


def _fn(body: str) -> str:
    """A JS function of one argument from a body that reads it as ``arguments[0]``."""
    return "function() {" + body + "}"


@dataclass
class SliderProbe:
    """Key presses on one control of a live view (a slider, or a group of toggle buttons)."""

    label: str
    kind: str = "slider"
    keys: list = field(default_factory=list)
    times_ms: list = field(default_factory=list)  # key press -> new picture painted
    problems: list = field(default_factory=list)


@dataclass
class LiveViewProbe:
    """One live view: its controls, its screenshot and its controls operated from the keyboard."""

    notebook: str
    index: int  # 1-based, as in the screenshot's name
    screenshot: Path | None = None
    controls: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    sliders: list = field(default_factory=list)
    toggles: list = field(default_factory=list)
    sharpness: dict | None = None  # the picture's pixels per CSS pixel against the screen's (see _JS_SHARPNESS)

    @property
    def times_ms(self) -> list[float]:
        """Slider key press -> repaint times, the figure the targets are about."""
        return [t for s in self.sliders for t in s.times_ms]

    @property
    def toggle_times_ms(self) -> list[float]:
        return [t for s in self.toggles for t in s.times_ms]


def count_live_views(page, name: str) -> int:
    return page.evaluate(_fn(_JS_VIEWS + "return __views(arguments[0]).length;"), name)


def probe_live_views(page, name: str, presses: int = 3, screenshot_dir: Path | None = SCREENSHOT_DIR,
                     repaint_timeout: float = REPAINT_TIMEOUT, toggles: bool = True) -> list[LiveViewProbe]:
    """Check the controls of every live view, screenshot it, then operate it from the keyboard.

    Every slider gets ``presses`` arrow-key presses, after each of which the
    picture and the readout must change. Then, with ``toggles``, one button of
    every toggle-button group is focused and pressed with the space bar; it must
    become selected and the readout must change (see :func:`_press_toggle`).
    Records problems instead of raising, so that one run reports all of them.
    """
    stem = Path(name).stem
    if screenshot_dir is not None:
        screenshot_dir.mkdir(parents=True, exist_ok=True)
        for old in screenshot_dir.glob(f"{stem}-*.png"):
            old.unlink()
    probes = []
    for i in range(count_live_views(page, name)):
        probe = LiveViewProbe(name, i + 1)
        probes.append(probe)
        where = f"{name}, live view {i + 1}"
        view = page.locator(".live-view").nth(i)
        view.scroll_into_view_if_needed()  # Notebook 7 renders outputs only once they come into view
        try:
            page.wait_for_function(_fn(_JS_VIEWS + """return (([name, i]) => { const v = __views(name)[i];
                const r = v && v.querySelector('.live-view-readout');
                return !!r && r.innerText.trim().length > 0; })(arguments[0]);"""), arg=[name, i], timeout=5000)
        except Exception:
            pass  # reported below as an empty readout
        sharp = _sharpness(page, name, i)
        if sharp and not sharp["ok"]:
            drawn, expected = sharp["drawn"], sharp["expected"]
            how = "stretched" if drawn < 1 else "blurry" if drawn < expected else "shrunk"
            probe.problems.append(
                f"{where}: its picture is {sharp['natural']} px wide, shown {sharp['css']:.0f} CSS px wide on a "
                f"screen of pixel ratio {sharp['dpr']:g}: drawn for ratio {drawn:.2f}, expected {expected} ({how})")
        probe.sharpness = sharp
        info = page.evaluate(_fn(_JS_CONTROLS), [name, i])
        probe.controls = info["controls"]
        if not info["hasImage"]:
            probe.problems.append(f"{where}: no image with class live-view-image")
        elif not info["imageLoaded"]:
            probe.problems.append(f"{where}: its image did not load")
        if not info["hasReadout"]:
            probe.problems.append(f"{where}: no readout with class live-view-readout")
        elif not info["readout"]:
            probe.problems.append(f"{where}: the readout is empty")
        elif info["readoutLive"] not in ("polite", "assertive"):
            probe.problems.append(f"{where}: the readout has no aria-live region, so a screen reader "
                                  f"does not announce its changes")
        if not probe.controls:
            probe.problems.append(f"{where}: no control found")
        for n, c in enumerate(probe.controls, 1):
            what = f"{where}, control {n} ({c['kind']} '{c['label']}')"
            if not c["label"]:
                probe.problems.append(f"{what}: no description label")
            elif not c["labelVisible"]:
                probe.problems.append(f"{what}: its description label is not visible")
            if not c["tooltip"]:
                probe.problems.append(f"{what}: no tooltip (no title attribute on the control or its label)")
            if c["unreachable"]:
                probe.problems.append(f"{what}: {c['unreachable']} element(s) not reachable with the Tab key")
        if screenshot_dir is not None:
            probe.screenshot = screenshot_dir / f"{stem}-{i + 1}.png"
            view.screenshot(path=str(probe.screenshot), animations="disabled")
        if not info["hasImage"]:
            continue
        for j, s in enumerate(page.evaluate(_fn(_JS_SLIDERS), [name, i])):
            if s["disabled"]:  # a disabled slider cannot move: nothing to check
                continue
            probe.sliders.append(_press_slider(page, name, i, j, s, presses, repaint_timeout))
            probe.problems.extend(probe.sliders[-1].problems)
        if toggles:
            for k, g in enumerate(page.evaluate(_fn(_JS_TOGGLES), [name, i])):
                probe.toggles.append(_press_toggle(page, name, i, k, g, repaint_timeout))
                probe.problems.extend(probe.toggles[-1].problems)
    return probes


# How sharp live view i's picture is: image pixels per CSS pixel against the screen's device pixel ratio.
# A picture is sharp and unstretched when it was drawn for the screen: 2 image pixels per CSS pixel where the
# screen has 1.5 or more device pixels per CSS pixel, else 1 (one CSS pixel of rounding allowed).
_JS_SHARP_READING = _JS_VIEWS + """
const __sharpness = ([name, i]) => {
  const img = __views(name)[i].querySelector('img.live-view-image, .live-view-image img');
  if (!img || !img.naturalWidth) return null;
  const css = img.getBoundingClientRect().width, dpr = window.devicePixelRatio || 1;
  const expected = dpr >= 1.5 ? 2 : 1;
  return {natural: img.naturalWidth, css, dpr, expected, drawn: img.naturalWidth / css,
          ok: Math.abs(img.naturalWidth - expected * css) <= expected,
          watched: !!__views(name)[i].querySelector('.live-view-watch')};
};
"""
_JS_SHARPNESS = _JS_SHARP_READING + "return __sharpness(arguments[0]);"
_JS_SHARP_OK = _JS_SHARP_READING + "const r = __sharpness(arguments[0]); return !!r && r.ok;"


def _sharpness(page, name: str, i: int, timeout_ms: int = 5000) -> dict | None:
    """The sharpness reading of live view i, once it is right or after ``timeout_ms`` (the kernel redraws a
    view for the screen's pixel ratio when the browser reports it, one round trip after the view appears)."""
    first = page.evaluate(_fn(_JS_SHARPNESS), [name, i])
    if first is None or first["ok"] or not first["watched"]:  # only a view with a kernel watch redraws by itself
        return first
    try:
        page.wait_for_function(_fn(_JS_SHARP_OK), arg=[name, i], timeout=timeout_ms)
    except Exception:
        pass  # reported by the caller
    return page.evaluate(_fn(_JS_SHARPNESS), [name, i])


def _number(text: str | None) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _after_key(page, sp: SliderProbe, name: str, i: int, key: str, where: str, timeout: float,
               not_painted) -> bool:
    """Wait for the picture, then the readout, to change after ``key``; ``False`` (and a problem) if not."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_JS_PAINTED, timeout=timeout * 1000, polling="raf")
    except PlaywrightTimeout:
        state = page.evaluate("() => window.__lv")
        if state["t0"] is None:
            sp.problems.append(f"{where}: the {key} key press did not reach the page")
        else:
            sp.problems.append(not_painted())
        return False
    state = page.evaluate("() => window.__lv")
    sp.times_ms.append(state["painted"] - state["t0"])
    try:
        page.wait_for_function(_fn(_JS_READOUT_CHANGED), arg=[name, i], timeout=READOUT_TIMEOUT * 1000)
    except PlaywrightTimeout:
        sp.problems.append(f"{where}: the readout text did not change within {READOUT_TIMEOUT} s "
                           f"after {key}, though the picture did")
        return False
    return True


def _press_slider(page, name: str, i: int, j: int, info: dict, presses: int,
                  timeout: float = REPAINT_TIMEOUT) -> SliderProbe:
    sp = SliderProbe(info["label"] or f"slider {j + 1}")
    where = f"{name}, live view {i + 1}, slider '{sp.label}'"
    handle = page.locator(".live-view").nth(i).locator('[role="slider"]').nth(j)
    handle.scroll_into_view_if_needed()
    handle.focus()
    key = "ArrowRight"
    for _press in range(presses):
        now = _number(handle.get_attribute("aria-valuenow"))
        if now is not None and now >= info["max"]:
            key = "ArrowLeft"
        elif now is not None and now <= info["min"]:
            key = "ArrowRight"
        page.evaluate(_fn(_JS_ARM), [name, i])
        page.keyboard.press(key)
        sp.keys.append(key)

        def not_painted(key=key, now=now):
            after = _number(handle.get_attribute("aria-valuenow"))
            if after is not None and after == now:
                return f"{where}: {key} did not move the slider (value stays {now:g})"
            return (f"{where}: the picture did not change within {timeout:g} s after {key} "
                    f"(slider moved {now} -> {after})")

        if not _after_key(page, sp, name, i, key, where, timeout, not_painted):
            break
    return sp


def _press_toggle(page, name: str, i: int, k: int, info: dict, timeout: float = REPAINT_TIMEOUT) -> SliderProbe:
    """Focus one not-selected button of toggle group ``k``, press the space bar, check the view responds.

    The button must become the selected one and the readout must change. The
    picture may legitimately stay the same (switching the padding does not move
    a feature map away from the border); when it changes, the time to repaint
    is recorded.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    sp = SliderProbe(info["label"] or f"toggle group {k + 1}", kind="toggle")
    where = f"{name}, live view {i + 1}, toggle buttons '{sp.label}'"
    choices = [n for n, b in enumerate(info["buttons"]) if not b["active"] and not b["disabled"]]
    if not choices:
        return sp  # one choice, or all disabled: nothing to press
    n = choices[0]
    text = info["buttons"][n]["text"]
    button = page.locator(".live-view").nth(i).locator(".widget-toggle-buttons").nth(k).locator("button").nth(n)
    button.scroll_into_view_if_needed()
    button.focus()
    page.evaluate(_fn(_JS_ARM), [name, i])
    page.keyboard.press("Space")
    sp.keys.append(f"Space on '{text}'")
    try:
        page.wait_for_function(_fn(_JS_READOUT_CHANGED), arg=[name, i], timeout=timeout * 1000)
    except PlaywrightTimeout:
        state = page.evaluate("() => window.__lv")
        if state["t0"] is None:
            sp.problems.append(f"{where}: the space bar press did not reach the page")
        elif "mod-active" not in (button.get_attribute("class") or ""):
            sp.problems.append(f"{where}: the space bar on the focused button '{text}' did not select it")
        else:
            sp.problems.append(f"{where}: the readout did not change within {timeout:g} s after selecting '{text}'")
        return sp
    # The picture, when it changes, arrives before the readout (update() sets it first): wait for its paint.
    if page.evaluate("() => window.__lv.tSrc !== null"):
        page.wait_for_function(_JS_PAINTED, timeout=READOUT_TIMEOUT * 1000, polling="raf")
        state = page.evaluate("() => window.__lv")
        sp.times_ms.append(state["painted"] - state["t0"])
    return sp


def kernel_rss_mb(server: LabServer, kernel_id: str | None) -> float | None:
    """Resident memory of a kernel process of ``server``, in MB (``None`` when not found)."""
    import psutil

    pid = server.kernel_pid(kernel_id) if kernel_id else None
    if pid is None:
        return None
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return None


def kernel_peak_rss_mb(server: LabServer, kernel_id: str | None) -> float | None:
    """The kernel's peak resident memory so far (Linux ``VmHWM``), in MB; ``None`` elsewhere.

    The peak, not the memory after the last cell, is what a JupyterHub memory
    limit must allow: training cells use more for a while, then free it.
    """
    pid = server.kernel_pid(kernel_id) if kernel_id else None
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class VoilaServer(LabServer):
    """Voila on loopback with a token, serving a temporary copy of ``source``: a notebook as an app.

    Voila runs the whole notebook when its page is requested and shows only
    the outputs; the page has no notebook application object, and the live
    views are found in the document.
    """

    def __init__(self, source: Path = NOTEBOOK_DIR):
        super().__init__(source)
        self.client = "voila"

    def start(self) -> VoilaServer:
        self.root.mkdir()
        for nb in [*sorted(self.source.glob("*.ipynb")), *self.source.glob("course.py")]:
            shutil.copy2(nb, self.root / nb.name)
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        env["JUPYTER_CONFIG_DIR"] = str(self.tmp / "config")
        env["JUPYTER_RUNTIME_DIR"] = str(self.tmp / "runtime")
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        self.port = _free_port()
        cmd = [sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1", f"--port={self.port}",
               "--Voila.port_retries=0", f"--token={self.token}", "--show_tracebacks=True", str(self.root)]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=self.tmp, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + SERVER_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voila exited with code {self.proc.returncode}.\n{self.log_tail()}")
            try:
                req = urllib.request.Request(f"{self.base_url}/?token={self.token}")
                with _LOOPBACK.open(req, timeout=5):
                    return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"Voila did not answer within {SERVER_TIMEOUT} s.\n{self.log_tail()}")

    def notebook_url(self, name: str) -> str:
        return f"{self.base_url}/voila/render/{urllib.request.quote(name)}?token={self.token}"


def require_browser() -> None:
    """Skip the calling test (or fail it where ``$BROWSER_TEST_REQUIRED`` is set) without Playwright and Chromium."""
    import pytest

    reason = missing_browser_reason()
    if reason and os.environ.get("BROWSER_TEST_REQUIRED"):  # CI insists: a skip would hide a broken set-up
        pytest.fail(f"BROWSER_TEST_REQUIRED is set, but {reason}", pytrace=False)
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


@contextlib.contextmanager
def serving(server: LabServer):
    """``server`` started for the block, always stopped after it."""
    require_browser()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright, closed after the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield browser
        finally:
            browser.close()
