"""Every notebook as a Voila app in headless Chromium: it runs without errors and every live view moves.

Voila executes the notebook when the page is requested and shows its outputs
without the code: a teacher's dashboard. For each notebook the test waits for
the page to finish, fails on error or stderr outputs and on widgets that did
not render, then operates every live view from the keyboard with the same
probes as the JupyterLab and Notebook 7 test (tests/test_browser.py): arrow
keys on every slider, the space bar on every toggle group, the picture and the
readout must change.
"""

from __future__ import annotations

import os

import pytest

import browser_support as bs

NOTEBOOKS = bs.notebooks()

_MISSING = bs.missing_browser_reason()
if _MISSING and not os.environ.get("BROWSER_TEST_REQUIRED"):
    pytest.skip(f"browser tests skipped: {_MISSING}", allow_module_level=True)
pytest.importorskip("voila", reason="Voila is not installed (pip install voila)")

#: Seconds Voila may take to run a notebook and send the page.
PAGE_TIMEOUT = float(os.environ.get("VOILA_PAGE_TIMEOUT", "240"))


@pytest.fixture(scope="module")
def voila():
    with bs.serving(bs.VoilaServer(bs.NOTEBOOK_DIR)) as server:
        yield server


@pytest.fixture(scope="module")
def context(voila):
    with bs.chromium() as browser:
        yield bs.new_context(browser)


def _expected_live_views(path) -> int:
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum('class="live-view-static"' in "".join(o.get("data", {}).get("text/html", ""))
               for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebook in {bs.NOTEBOOK_DIR}")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_in_voila(voila, context, notebook):
    name = notebook.name
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(voila.notebook_url(name), wait_until="load", timeout=PAGE_TIMEOUT * 1000)
        expected = _expected_live_views(notebook)
        page.wait_for_function(
            "(n) => document.querySelectorAll('.live-view .live-view-image').length >= n"
            " && Array.from(document.querySelectorAll('.live-view-image')).every(i => i.complete && i.naturalWidth)",
            arg=expected, timeout=PAGE_TIMEOUT * 1000)
        shown = page.evaluate("""() => ({
            errors: Array.from(document.querySelectorAll(
              '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output pre.ansi, .voila-error'))
              .map(e => e.innerText.slice(0, 300)),
            bad: Array.from(document.querySelectorAll('.jupyter-widgets, .jp-OutputArea-output'))
              .map(e => e.innerText)
              .filter(t => /Error displaying widget|model not found|Failed to create view/.test(t))
              .map(t => t.slice(0, 200)),
            views: document.querySelectorAll('.live-view').length})""")
        problems = [f"error output: {e}" for e in shown["errors"]] + [f"widget: {b}" for b in shown["bad"]]
        if shown["views"] != expected:
            problems.append(f"{shown['views']} live views, the notebook has {expected}")
        probes = bs.probe_live_views(page, name, presses=2, screenshot_dir=None)
        problems += [p for probe in probes for p in probe.problems]
        assert not problems, f"{name} in Voila:\n  " + "\n  ".join(problems) + (
            "\nPage errors:\n  " + "\n  ".join(errors[:5]) if errors else "")
    finally:
        page.close()
