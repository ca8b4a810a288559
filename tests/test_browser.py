"""Tier 4: every notebook run in JupyterLab in headless Chromium, every live view moved from the keyboard.

One JupyterLab server (127.0.0.1, random token, on a temporary copy of the
notebooks) and one browser serve the whole module; each notebook gets its own
page, and its kernel is shut down afterwards. For each notebook the test

- clears the outputs, runs all cells and waits until every code cell has an
  execution count and the kernel is idle;
- fails on any stderr or error output, and on any widget that did not render
  ("Error displaying widget", "model not found", a view that failed to build,
  "Loading widget..." still showing);
- checks that each control of each live view (``.live-view``) has a visible
  description label and a tooltip;
- saves a screenshot of each live view to ``build/screenshots/<notebook>-<n>.png``;
- presses an arrow key three times on every slider of every live view and
  checks that the picture and the readout change after each press.

Skipped, with a hint, where Playwright or Chromium is missing (an error instead
when ``$BROWSER_TEST_REQUIRED`` is set, as CI may do). The notebooks
come from ``notebooks/``, or from ``$BROWSER_TEST_NOTEBOOKS`` during development;
``$CHROMIUM`` names another browser executable.
"""

from __future__ import annotations

import os
import statistics

import browser_support as bs
import pytest

NOTEBOOKS = bs.notebooks()

#: Median key-press-to-repaint bound, well above the target (<= 60 ms, see bench/bench_browser.py)
#: so that a loaded machine does not fail it, but below a full figure rebuild per step (~300 ms+).
MAX_MEDIAN_MS = float(os.environ.get("BROWSER_TEST_MAX_MEDIAN_MS", "400"))


def _listing(items, max_lines: int = 25) -> str:
    """``(cell number, text)`` pairs as an indented list; long texts keep their last lines (a traceback's end)."""
    out = []
    for i, text in items:
        lines = text.splitlines() or [""]
        if len(lines) > max_lines:
            lines = [lines[0], f"... ({len(lines) - max_lines} lines left out)", *lines[-max_lines + 1:]]
        head = f"  - cell {i}: " if i is not None else "  - "
        out.append(head + "\n      ".join(lines))
    return "\n".join(out)


@pytest.fixture(scope="module")
def lab():
    reason = bs.missing_browser_reason()
    if reason and os.environ.get("BROWSER_TEST_REQUIRED"):  # CI can insist: a skip would hide a broken set-up
        pytest.fail(f"BROWSER_TEST_REQUIRED is set, but {reason}", pytrace=False)
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    server = bs.LabServer(bs.NOTEBOOK_DIR)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser_context(lab):
    """One browser and one context (so JupyterLab's scripts are cached) for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = bs.launch_browser(pw)
        try:
            yield chromium.new_context(viewport={"width": 1400, "height": 1000})
        finally:
            chromium.close()


@pytest.fixture
def page(lab, browser_context):
    """A page per notebook; its kernel is shut down afterwards, one kernel at a time keeps memory down."""
    page = browser_context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"))
    try:
        yield page
    finally:
        page.close()
        lab.shutdown_sessions()


def _console(page) -> str:
    errors = [e for e in page.console_errors if "Failed to load resource" not in e]
    return ("\nBrowser console errors:\n" + "\n".join(f"  {e[:300]}" for e in errors[:10])) if errors else ""


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebook in {bs.NOTEBOOK_DIR}")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_in_jupyterlab(lab, page, notebook, record_property):
    name = notebook.name
    bs.open_notebook(page, lab, name)
    run = bs.run_all_cells(page, lab, name)
    record_property("run_all_seconds", round(run.seconds, 2))

    if run.errors:
        pytest.fail(f"{name}: error or stderr output after Run All Cells:\n{_listing(run.errors)}", pytrace=False)
    if run.unexecuted:
        pytest.fail(f"{name}: code cells without an execution count after Run All Cells: "
                    f"{run.unexecuted}{_console(page)}", pytrace=False)
    if run.widget_problems:
        pytest.fail(f"{name}: widgets that did not render:\n{_listing(run.widget_problems)}{_console(page)}",
                    pytrace=False)

    probes = bs.probe_live_views(page, name)
    problems = [p for probe in probes for p in probe.problems]
    if problems:
        pytest.fail(f"{name}: live view problems:\n" + "\n".join(f"  - {p}" for p in problems) + _console(page),
                    pytrace=False)

    for probe in probes:
        times = probe.times_ms
        record_property(f"live_view_{probe.index}_repaint_ms", [round(t, 1) for t in times])
        if times and statistics.median(times) > MAX_MEDIAN_MS:
            pytest.fail(f"{name}, live view {probe.index}: median key-press-to-repaint "
                        f"{statistics.median(times):.0f} ms > {MAX_MEDIAN_MS:.0f} ms "
                        f"(all: {[round(t) for t in times]})", pytrace=False)
