"""A notebook exported to HTML shows every live view as a picture, offline (tested in Chromium).

`jupyter nbconvert --to html` of each committed notebook, opened from a file
with every request to another host blocked: each live view's output is its
static picture (with its readout as alt text, the readout and its controls
in words), and no request leaves the machine for it. Before the committed
notebooks kept a widget view and its saved state, the export chose the widget
view, whose renderer loads from a CDN: an empty box offline.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import browser_support as bs

NOTEBOOKS = bs.notebooks()
#: The notebooks with a live view (a notebook without one has nothing to check here).
WITH_VIEWS = [nb for nb in NOTEBOOKS if 'class=\\"live-view-static\\"' in nb.read_text(encoding="utf-8")]

_MISSING = bs.missing_browser_reason()
if _MISSING and not os.environ.get("BROWSER_TEST_REQUIRED"):
    pytest.skip(f"browser tests skipped: {_MISSING}", allow_module_level=True)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    done = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out),
                           *map(str, NOTEBOOKS)], check=True, capture_output=True, text=True)
    (out / "nbconvert.log").write_text(done.stderr)
    return out


def test_every_picture_in_the_exports_has_alt_text(exported):
    """nbconvert warns "Alternative text is missing" for each image without alt text: figures and live views."""
    log = (exported / "nbconvert.log").read_text()
    assert "Alternative text is missing" not in log, log


@pytest.fixture(scope="module")
def browser():
    bs.require_browser()
    with bs.chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("notebook", WITH_VIEWS, ids=[nb.stem for nb in WITH_VIEWS])
def test_exported_html_shows_every_live_view_offline(exported, browser, notebook):
    import json

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    expected = sum('class="live-view-static"' in "".join(o.get("data", {}).get("text/html", ""))
                   for c in nb["cells"] for o in c.get("outputs", []))
    page = browser.new_page()
    outside = []

    def block(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", block)  # the page's own scripts from a CDN (MathJax, require.js) fail: the views must not care
    try:
        page.goto((exported / f"{notebook.stem}.html").as_uri(), wait_until="load")
        views = page.evaluate("""() => Array.from(document.querySelectorAll('figure.live-view-static')).map(f => {
            const img = f.querySelector('img');
            return {loaded: !!img && img.complete && img.naturalWidth > 0, alt: img ? img.alt : '',
                    readout: (f.querySelector('.live-view-static-readout') || {}).innerText || '',
                    controls: f.querySelectorAll('.live-view-static-control').length,
                    height: f.getBoundingClientRect().height}; })""")
    finally:
        page.close()
    assert expected > 0 and len(views) == expected, f"{notebook.name}: {len(views)} live views shown of {expected}"
    for i, v in enumerate(views, 1):
        where = f"{notebook.name}, live view {i}"
        assert v["loaded"], f"{where}: its picture did not load offline"
        assert v["alt"].strip() and v["readout"].strip(), f"{where}: no alt text or readout"
        assert v["controls"] > 0 and v["height"] > 100, f"{where}: {v}"
