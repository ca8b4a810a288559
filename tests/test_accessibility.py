"""Accessibility checks that need no browser: read the committed notebooks (fast).

From the Notebooks for All authoring checklist, as far as a file can show it:

- headings in order: one title (``#``) per notebook, in its first cell, and no
  level skipped on the way down (``##`` then ``####`` is a gap);
- every figure has a caption next to it: the markdown cell right after a
  figure opens with a paragraph in italics;
- every live view's committed output (its static fallback: the notebook
  keeps no widget state) holds its picture with alt text, then its text
  readout, and its controls, each with a description and a tooltip; no
  ``Dropdown`` (JupyterLab drops its tooltip). What the live widget tree
  must be (an ``aria-live`` readout, no tooltip on the ``Image``) is tested
  on the widgets themselves in ``tests/test_explorer_base.py``;
- every live view is followed, before the next section, by a static figure,
  so that a reader without a kernel (GitHub, nbviewer, print) still sees it;
- colour maps named in the code are readable with colour-vision deficiency.

The browser test (tests/test_browser.py) checks the same widgets as they
render in JupyterLab; this file catches the same faults in a second.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

#: Colour maps a figure may use: sequential ones readable with colour-vision deficiency
#: (viridis family, greys), and diverging ones for signed values, centred on zero by the code.
ALLOWED_CMAPS = {"viridis", "cividis", "magma", "inferno", "plasma", "gray", "gray_r", "Greys", "Greys_r",
                 "binary", "RdBu", "RdBu_r", "PuOr", "PuOr_r", "BrBG", "BrBG_r", "coolwarm", "bwr"}

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no committed notebook")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _headings(md: str):
    """``(level, text)`` of the ATX headings of a markdown text, outside fenced code."""
    fenced = False
    for line in md.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m and not fenced:
            yield len(m.group(1)), m.group(2)


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_headings_in_order_one_title(path):
    cells = _load(path)["cells"]
    heads = [(i, level, text) for i, c in enumerate(cells, 1) if c["cell_type"] == "markdown"
             for level, text in _headings(_source(c))]
    assert heads, f"{path.name}: no heading at all"
    titles = [(i, text) for i, level, text in heads if level == 1]
    assert len(titles) == 1, f"{path.name}: {len(titles)} level-1 headings (one title per notebook): {titles}"
    first = heads[0]
    assert first[1] == 1 and first[0] == 1, (
        f"{path.name}: the first heading must be the title (#) in cell 1; found {'#' * first[1]} "
        f"{first[2]!r} in cell {first[0]}")
    gaps = [f"cell {i}: {'#' * level} {text!r} after a level-{prev} heading"
            for (_, prev, _), (i, level, text) in zip(heads, heads[1:]) if level > prev + 1]
    assert not gaps, f"{path.name}: heading levels skipped:\n  " + "\n  ".join(gaps)


def _has_figure(cell) -> bool:
    return cell["cell_type"] == "code" and any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def _italic_first_paragraph(md: str) -> bool:
    paras = [p.strip() for p in re.split(r"\n\s*\n", md) if p.strip()]
    if not paras:
        return False
    p = paras[0]
    return bool(re.match(r"^(\*[^*\s]|_[^_\s])", p) and re.search(r"([^*\s]\*|[^_\s]_)$", p))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_figure_has_a_caption(path):
    cells = _load(path)["cells"]
    missing = []
    for i, cell in enumerate(cells):
        if not _has_figure(cell):
            continue
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if nxt is None or nxt["cell_type"] != "markdown" or not _italic_first_paragraph(_source(nxt)):
            missing.append(i + 1)
    assert not missing, (f"{path.name}: figures in cells {missing} are not followed by a markdown cell that "
                         "opens with a caption in italics (what is plotted, what to look at)")


def _live_views(nb: dict):
    """``(cell number, static HTML)`` of every live view a cell's output shows.

    A committed notebook keeps no widget state: each live view's output holds
    its static fallback (``helpers.explorers.base.Explorer.static_html``).
    """
    for i, cell in enumerate(nb["cells"], 1):
        for out in cell.get("outputs", []):
            page = out.get("data", {}).get("text/html")
            page = "".join(page) if isinstance(page, list) else page
            if page and 'class="live-view-static"' in page:
                yield i, page


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def live_view_problems(nb: dict) -> list[str]:
    """What a live view's static fallback lacks: picture with alt text, readout, labelled controls with tooltips."""
    problems = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if WIDGET_MIME in out.get("data", {}):
                problems.append("a widget output is committed (its model id changes on every run and it shows "
                                "nothing without the kernel): rebuild with tools/build_notebooks.py")
    for cell, page in _live_views(nb):
        where = f"cell {cell}, live view"
        img = re.search(r"<img\b[^>]*>", page)
        if img is None or not (_attr(img.group(0), "src") or "").startswith("data:image/png;base64,"):
            problems.append(f"{where}: no picture")
        elif not (_attr(img.group(0), "alt") or "").strip():
            problems.append(f"{where}: the picture has no alt text")
        readout = re.search(r'class="live-view-static-readout"[^>]*>(.*?)</p>', page, re.S)
        if readout is None or not html.unescape(re.sub(r"<[^>]+>", "", readout.group(1))).strip():
            problems.append(f"{where}: no text readout")
        elif img is not None and readout.start() < img.start():
            problems.append(f"{where}: the readout comes before the picture; it should follow it")
        controls = re.findall(r'<li class="live-view-static-control"([^>]*)>(.*?)</li>', page, re.S)
        if not controls:
            problems.append(f"{where}: no control")
        for attrs, text in controls:
            kind, tip = _attr(attrs, "data-kind"), _attr(attrs, "data-tooltip")
            label = html.unescape(text).split(":", 1)[0].strip()
            what = f"{where}, {kind} {label!r}"
            if kind == "Dropdown":
                problems.append(f"{what}: JupyterLab drops a Dropdown's tooltip; use helpers.explorers.base.toggle")
            if not label or label == kind:
                problems.append(f"{what}: no description label")
            if not (tip or "").strip():
                problems.append(f"{what}: no tooltip")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_live_views_readout_labels_tooltips(path):
    problems = live_view_problems(_load(path))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_live_view_check_catches_the_usual_faults():
    """The check above fails on a missing picture, alt text, readout, label or tooltip, and on a Dropdown."""
    good = ('<figure class="live-view-static"><img src="data:image/png;base64,AAAA" alt="cat at row 4">'
            '<figcaption><p class="live-view-static-readout">cat at row 4</p><ul>'
            '<li class="live-view-static-control" data-kind="IntSlider" data-tooltip="Move it">cat row: slider</li>'
            "</ul></figcaption></figure>")

    def nb(page, extra=None):
        data = {"text/html": page, "text/plain": "x", **(extra or {})}
        return {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": data}]}]}

    assert live_view_problems(nb(good)) == []
    faults = {
        "no picture": good.replace('src="data:image/png;base64,AAAA"', 'src="x.png"'),
        "no alt text": good.replace('alt="cat at row 4"', 'alt=""'),
        "no text readout": good.replace(">cat at row 4</p>", "></p>"),
        "no description label": good.replace(">cat row: slider<", ">IntSlider: slider<"),
        "no tooltip": good.replace('data-tooltip="Move it"', 'data-tooltip=""'),
        "drops a Dropdown": good.replace('data-kind="IntSlider"', 'data-kind="Dropdown"'),
        "no control": re.sub(r"<li.*</li>", "", good),
    }
    for words, page in faults.items():
        found = live_view_problems(nb(page))
        assert any(words in p for p in found), (words, found)
    assert any("widget output is committed" in p
               for p in live_view_problems(nb(good, {WIDGET_MIME: {"model_id": "abc"}})))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_live_view_followed_by_static_figure(path):
    """After a live view, a figure (before the next section heading) shows what it shows, for static readers."""
    nb = _load(path)
    cells = nb["cells"]
    missing = []
    for cell, _page in _live_views(nb):
        level_here = None
        for c in reversed(cells[:cell - 1]):  # the level of the section the live view sits in
            heads = [lvl for lvl, _ in _headings(_source(c))] if c["cell_type"] == "markdown" else []
            if heads:
                level_here = heads[-1]
                break
        found = False
        for c in cells[cell:]:
            heads = [lvl for lvl, _ in _headings(_source(c))] if c["cell_type"] == "markdown" else []
            if heads and level_here is not None and min(heads) <= level_here:
                break
            if _has_figure(c):
                found = True
                break
        if not found:
            missing.append(cell)
    assert not missing, (f"{path.name}: live views in cells {missing} have no static figure after them in "
                         "their section (small multiples of a few positions, for GitHub, nbviewer and print)")


def _code_texts():
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        yield path.relative_to(ROOT), path.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        code = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "code")
        yield path.relative_to(ROOT), code


def test_colour_maps_are_cvd_friendly():
    from helpers.views import CMAPS

    used = {name for name in CMAPS.values()}
    where = {}
    for rel, text in _code_texts():
        for m in re.finditer(r"""cmap\s*=\s*["']([A-Za-z0-9_]+)["']|colormaps\[\s*["']([A-Za-z0-9_]+)["']\s*\]""",
                             text):
            name = m.group(1) or m.group(2)
            used.add(name)
            where.setdefault(name, str(rel))
    bad = sorted(used - ALLOWED_CMAPS)
    assert not bad, (f"colour maps that are hard to read with colour-vision deficiency: "
                     f"{[(b, where.get(b, 'helpers.views.CMAPS')) for b in bad]}; use viridis/cividis for "
                     "magnitudes and a diverging map centred on zero (RdBu_r) for signed values")
