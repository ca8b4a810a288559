"""The static book (``make book``) and the handouts (``make handouts``).

The book is built once per session into a temporary folder and every page
is opened in headless Chromium served from 127.0.0.1, with every request to
another host aborted and recorded: every image loads, nothing leaves the
machine, every book live view changes its picture and readout on an arrow
key, no console error. Internal links and anchors are checked in the HTML
files. A canary book with a planted page shows that each check reports its
fault. The live-view registry (helpers/book_frames.py) must cover every live
view of the notebooks, and its frames must agree with the committed static
pictures' readouts. The handouts are printed and searched for solution lines
and page numbers.
"""

from __future__ import annotations

import contextlib
import functools
import html
import html.parser
import http.server
import importlib.util
import io
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from helpers import book_frames

from browser_support import ROOT, SCREENSHOT_DIR, chromium, require_browser

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _need_sphinx():
    try:
        import latex2mathml  # noqa: F401
        import myst_nb  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError as e:
        if os.environ.get("BROWSER_TEST_REQUIRED"):
            pytest.fail(f"BROWSER_TEST_REQUIRED is set, but the book's packages are missing ({e})", pytrace=False)
        pytest.skip(f"book tests skipped: {e}; install them with pip install -e '.[test,book]'")


@pytest.fixture(scope="session")
def book(tmp_path_factory):
    _need_sphinx()
    out = tmp_path_factory.mktemp("book") / "site"
    report = _tool("build_book").build(out)
    return out, report


# -- the registry ---------------------------------------------------------------------------------

def live_view_keys(path: Path) -> list[tuple[str, int]]:
    nb = nbformat.read(path, as_version=4)
    return [(path.stem, n) for n in range(1, len(book_frames.static_readouts(nb)) + 1)]


def unregistered(keys) -> list[tuple[str, int]]:
    return [k for k in keys if k not in book_frames.REGISTRY and k not in book_frames.KERNEL_ONLY]


def test_every_live_view_is_registered():
    keys = [k for path in NOTEBOOKS for k in live_view_keys(path)]
    assert keys, "no live view found in the notebooks: has the static fallback's class changed?"
    missing = unregistered(keys)
    assert not missing, (f"live views with no entry in helpers/book_frames.py REGISTRY (nor KERNEL_ONLY): {missing}; "
                         "register a factory that builds the view as the notebook does (DEVELOPERS.md, The book)")
    stale = sorted((set(book_frames.REGISTRY) | set(book_frames.KERNEL_ONLY)) - set(keys))
    assert not stale, f"registry entries with no such live view in the notebooks: {stale}"


def test_an_unregistered_view_is_caught():
    assert unregistered([("99_canary", 1), ("01_equivariance", 1)]) == [("99_canary", 1)]


def test_render_frames_steps_the_view_and_restores_it():
    from PIL import Image

    spec = book_frames.REGISTRY[("02_pooling", 1)]
    view = spec.factory()
    try:
        before = (view.row.value, view.col.value, view.readout_text)
        frames, committed = book_frames.render_frames(view, spec)
        assert [f.slider for f in frames] == list(range(view.col.min, view.col.max + 1))
        assert committed == {"slider": before[1], "toggles": ()}
        assert (view.row.value, view.col.value, view.readout_text) == before
        assert len({f.readout for f in frames}) == len(frames)  # every position says something different
        webp = book_frames.encode(frames[0].png)
        assert len(webp) < len(frames[0].png)
        assert Image.open(io.BytesIO(webp)).size == Image.open(io.BytesIO(frames[0].png)).size
        view.col.value = 1  # still wired to its controls afterwards
        assert view.readout_text == frames[1].readout
    finally:
        view.close()


def test_encode_names_a_bad_format():
    with pytest.raises(ValueError, match="fmt must be 'png' or 'webp', got 'gif'"):
        book_frames.encode(b"", "gif")


def test_frames_agree_with_the_committed_static_pictures(book):
    _, report = book
    views = {(v["notebook"], v["n"]): v for v in report["views"]}
    assert set(views) == {k for path in NOTEBOOKS for k in live_view_keys(path)} - set(book_frames.KERNEL_ONLY)
    for path in NOTEBOOKS:
        committed = book_frames.static_readouts(nbformat.read(path, as_version=4))
        for n, readout in enumerate(committed, start=1):
            if (path.stem, n) in book_frames.KERNEL_ONLY:
                continue
            view = views[(path.stem, n)]
            assert view["registered"]
            assert view["readout_at_committed"] == readout, (
                f"{path.stem} live view {n}: the registry's factory no longer builds the view of the notebook "
                f"(readout at the committed values differs)")
            assert view["frames"] >= 2


# -- internal links, checked in the files -----------------------------------------------------------

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.no_alt: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and not (a.get("alt") or "").strip():
            self.no_alt.append((a.get("src") or "")[:80])
        for name in ("id", "name"):
            if a.get(name):
                self.ids.add(a[name])
        if tag == "a" and a.get("href"):
            self.refs.append(a["href"])
        if tag in ("img", "script", "link") and (a.get("src") or a.get("href")):
            self.refs.append(a.get("src") or a.get("href"))


@functools.cache
def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _pages(site: Path) -> list[Path]:
    """The book's pages (the theme copies two Jinja templates named .html into _static: not pages)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")


def broken_links(site: Path) -> list[str]:
    """Every href/src of every page that points to a missing local file or anchor."""
    _parse.cache_clear()
    broken = []
    for page in _pages(site):
        for ref in _parse(page).refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)}: {ref}"
            if not target.exists():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{where} (no such anchor)")
    return broken


def images_without_alt(site: Path) -> list[str]:
    """Every picture of every page with no text alternative."""
    return [f"{page.relative_to(site)}: {src}" for page in _pages(site) for src in _parse(page).no_alt]


def test_no_broken_internal_link(book):
    site, _ = book
    assert broken_links(site) == []


def test_every_picture_has_a_text_alternative(book):
    site, _ = book
    assert images_without_alt(site) == []


# -- every page in Chromium, offline ----------------------------------------------------------------

@contextlib.contextmanager
def serve(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


_IMAGES_JS = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = "eager"; });
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src").slice(0, 80));
}"""

_VIEW_STATE_JS = """(f) => { const i = f.querySelector("img.book-live-view-image");
  return [i.getAttribute("src"), f.querySelector(".book-live-view-readout").textContent,
          i.complete && i.naturalWidth > 0]; }"""


@pytest.fixture(scope="module")
def browser():
    require_browser()
    with chromium() as b:
        yield b


def check_pages(browser, site: Path, screenshot: str | None = None,
                view_timeout_ms: int = 5000) -> dict[str, list[str]]:
    """Open every page of ``site``; returns the faults found, by kind (all lists empty: all good)."""
    faults = {"external": [], "failed": [], "console": [], "images": [], "views": []}
    pages = [p.relative_to(site).as_posix() for p in _pages(site)]
    with serve(site) as base:
        page = browser.new_page()
        current = {"name": ""}

        def route(r):
            if r.request.url.startswith((base, "data:")):
                r.continue_()
            else:
                faults["external"].append(f"{current['name']}: {r.request.url}")
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and faults["console"].append(f"{current['name']}: {m.text}"))
        page.on("pageerror", lambda e: faults["console"].append(f"{current['name']}: {e}"))
        page.on("response", lambda r: r.status >= 400 and faults["failed"].append(
            f"{current['name']}: {r.status} {r.url}"))
        for name in pages:
            current["name"] = name
            page.goto(base + name, wait_until="load")
            faults["images"] += [f"{name}: {src}" for src in page.evaluate(_IMAGES_JS)]
            views = page.locator("figure.book-live-view")
            for k in range(views.count()):
                view = views.nth(k)
                before = view.evaluate(_VIEW_STATE_JS)
                slider = view.locator("input[type=range]")
                at_max = slider.evaluate("s => Number(s.value) >= Number(s.max)")
                slider.focus()
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                try:
                    page.wait_for_function(
                        """([f, src, text]) => { const i = f.querySelector("img.book-live-view-image");
                           return i.getAttribute("src") !== src && i.complete && i.naturalWidth > 0
                             && f.querySelector(".book-live-view-readout").textContent !== text; }""",
                        arg=[view.element_handle(), before[0], before[1]], timeout=view_timeout_ms)
                except Exception:  # noqa: BLE001 - playwright's TimeoutError; reported as a fault
                    faults["views"].append(f"{name}: live view {k + 1} did not change picture and readout")
                    continue
                if screenshot and name == screenshot and k == 0:
                    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
                    view.screenshot(path=str(SCREENSHOT_DIR / "book-live-view-moved.png"))
        page.close()
    return faults


def test_every_page_works_offline(book, browser):
    site, report = book
    faults = check_pages(browser, site, screenshot="notebooks/01_equivariance.html")
    assert faults == {k: [] for k in faults}
    players = sum(1 for v in report["views"] if v["registered"])
    assert players == len([k for p in NOTEBOOKS for k in live_view_keys(p)]) - len(book_frames.KERNEL_ONLY)


_CONTRAST_JS = """() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const back = (el) => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
      if (c && !c.endsWith(", 0)") && c !== "transparent") return c; } return "rgb(255, 255, 255)"; };
  return Array.from(document.querySelectorAll(".book-live-view-readout")).map(r => {
    const a = lum(getComputedStyle(r).color), b = lum(back(r));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_readout_is_readable_in_both_colour_modes(book, browser, mode):
    """WCAG contrast of each player's readout at least 4.5 (the theme's dark mode once gave 1.7)."""
    site, _ = book
    with serve(site) as url:
        page = browser.new_page()
        page.goto(url + "notebooks/01_equivariance.html")
        page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{mode}';"
                      f" document.documentElement.dataset.mode = '{mode}'; }}")
        ratios = page.evaluate(_CONTRAST_JS)
        page.close()
    assert ratios and min(ratios) >= 4.5, ratios


def test_search_works_offline(book, browser):
    site, _ = book
    with serve(site) as base:
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        page.goto(base + "search.html?q=equivariant", wait_until="load")
        page.wait_for_function("document.querySelectorAll('#search-results ul.search li').length > 0",
                               timeout=15000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
        page.close()
    assert any("01_equivariance" in h for h in hits), hits


CANARY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title>
<script src="_static/liveview.js"></script></head><body>
<h1 id="canary">Canary: one fault for each check</h1>
<p><img src="http://example.invalid/picture.png" alt="from another host"></p>
<p><img src="no-such-picture.png" alt="missing"></p>
<p><a href="no-such-page.html">a broken link</a> and <a href="index.html#no-such-anchor">a broken anchor</a>,
<a href="index.html#home">a good one</a></p>
<script>console.error("canary: an error in the console");</script>
<figure class="book-live-view"><input type="range" min="0" max="1" step="1" value="0">
<output>0</output><img class="book-live-view-image" src="_static/good.png" alt="">
<p class="book-live-view-readout" aria-live="polite">same</p>
<script type="application/json" class="book-live-view-data">{"frames": {}}</script></figure>
</body></html>
"""


def test_the_checks_catch_a_canary(tmp_path, browser):
    from PIL import Image

    site = tmp_path / "canary"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "liveview.js").write_bytes((ROOT / "book" / "_static" / "liveview.js").read_bytes())
    Image.new("RGB", (4, 4), "white").save(site / "_static" / "good.png")
    (site / "index.html").write_text('<!DOCTYPE html><html lang="en"><head><title>Home</title></head>'
                                     '<body><h1 id="home">Home</h1></body></html>')
    (site / "canary.html").write_text(CANARY)
    broken = broken_links(site)
    assert sorted(b.split(" (")[0] for b in broken) == [
        "canary.html: index.html#no-such-anchor", "canary.html: no-such-page.html",
        "canary.html: no-such-picture.png"], broken
    assert images_without_alt(site) == ["canary.html: _static/good.png"]
    faults = check_pages(browser, site, view_timeout_ms=1000)  # the dead view waits this long
    assert any("example.invalid" in f for f in faults["external"]), faults
    assert any("no-such-picture.png" in f for f in faults["failed"]), faults
    assert any("canary: an error" in f for f in faults["console"]), faults
    # nothing else: the player's own script runs without error on the canary's view
    assert [f for f in faults["console"] if "canary: an error" not in f and "Failed to load resource" not in f] == []
    assert any("example.invalid" in f for f in faults["images"]), faults
    assert any("no-such-picture.png" in f for f in faults["images"]), faults
    assert faults["views"] == ["canary.html: live view 1 did not change picture and readout"], faults
    assert all(f.startswith("canary.html") for kind in faults.values() for f in kind), faults


# -- the handouts ------------------------------------------------------------------------------------

_BLOCK = re.compile(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", re.S)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines_in(text: str, nb) -> list[str]:
    """The lines of ``nb``'s solutions found in ``text`` (whitespace ignored: the PDF wraps lines).

    Lines that also appear outside the solutions (in a stub, the prose or an output) are not counted,
    nor lines under 12 characters or comment-only lines.
    """
    handout = _tool("make_handouts").handout_notebook(nb)
    elsewhere = _squash("".join(c.source + str(c.get("outputs", "")) for c in handout.cells))
    lines = {line.strip() for c in nb.cells if "solution" in c.metadata.get("tags", [])
             for block in _BLOCK.findall(c.source) for line in block.splitlines()}
    lines = {_squash(line) for line in lines if len(_squash(line)) >= 12 and not line.startswith("#")}
    squashed = _squash(text)
    return sorted(line for line in lines if line in squashed and line not in elsewhere)


#: The handouts printed to PDF by the test (the smallest with exercises: printing all six takes about 15 s of CPU);
#: the HTML they are printed from is checked for every notebook.
PRINTED = ["01_equivariance"]


def _html_text(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_handout_pages_have_no_solution(tmp_path):
    _need_sphinx()
    handouts = _tool("make_handouts")
    checked = 0
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        page = handouts.to_html(handouts.handout_notebook(nb), path.stem)
        assert solution_lines_in(_html_text(page), nb) == [], f"{path.stem}: the handout shows solution lines"
        assert "BEGIN SOLUTION" not in page and "END SOLUTION" not in page
        # the check can fail: the solutions themselves are found
        checked += len(solution_lines_in("\n".join(c.source for c in nb.cells), nb))
    assert checked > 0, "no solution line to look for: has the solution tag changed?"


def test_printed_handouts_have_no_solution_and_have_page_numbers(tmp_path, browser):
    _need_sphinx()
    from pypdf import PdfReader

    chosen = [p for p in NOTEBOOKS if p.stem in PRINTED]
    report = _tool("make_handouts").build(tmp_path, chosen, browser)
    assert report["blocked"] == [], report["blocked"]
    for path, pdf in zip(chosen, report["pdfs"]):
        nb = nbformat.read(path, as_version=4)
        pages = [p.extract_text() for p in PdfReader(pdf).pages]
        assert len(pages) > 1
        assert solution_lines_in("\n".join(pages), nb) == [], f"{pdf.name} shows solution lines"
        assert "YOUR CODE HERE" in "\n".join(pages)  # the stubs are shown
        for i, text in enumerate(pages, start=1):
            assert f"page {i} of {len(pages)}" in text, f"{pdf.name}: no page number on page {i}"


def test_wide_printed_output_is_made_smaller_not_wrapped(tmp_path, browser):
    """A printed table wider than the A4 page keeps its rows: its font shrinks to fit (the handouts once
    wrapped every row of 02's shift-consistency table in two)."""
    tools = _tool("make_handouts")
    row = "  ".join(f"k = {k}: {k / 10:.3f}" for k in range(12))  # about 190 characters
    narrow = "short line"
    page_html = ('<html><head><style>' + tools.PRINT_CSS + '</style></head><body>'
                 '<div class="jp-OutputArea-output"><pre id="wide">' + row + "\n" + row + '</pre></div>'
                 '<div class="jp-OutputArea-output"><pre id="narrow">' + narrow + '</pre></div></body></html>')
    src = tmp_path / "wide.html"
    src.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": tools.PRINT_WIDTH_PX, "height": 800})
    page.emulate_media(media="print")
    page.goto(src.as_uri())
    before = page.evaluate("() => { const p = document.getElementById('wide'); return p.scrollWidth > p.clientWidth; }")
    result = page.evaluate(tools.FIT_OUTPUT_JS)
    wide = page.evaluate("""() => { const p = document.getElementById('wide'), q = document.getElementById('narrow');
      return {fits: p.scrollWidth <= p.clientWidth + 1, size: parseFloat(getComputedStyle(p).fontSize),
              narrowSize: parseFloat(getComputedStyle(q).fontSize),
              whiteSpace: getComputedStyle(p).whiteSpace}; }""")
    page.close()
    assert before, "the test row should be wider than the page"
    assert result == {"shrunk": 1, "wrapped": 0}
    assert wide["fits"] and wide["whiteSpace"] == "pre" and wide["size"] >= 6
    assert wide["size"] < wide["narrowSize"]  # only the wide block is made smaller
