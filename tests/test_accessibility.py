"""Accessibility checks that need no browser: read the committed notebooks (fast).

From the Notebooks for All authoring checklist, as far as a file can show it:

- headings in order: one title (``#``) per notebook, in its first cell, and no
  level skipped on the way down (``##`` then ``####`` is a gap);
- every figure has a caption next to it: the markdown cell right after a
  figure opens with a paragraph in italics;
- every live view (a ``VBox`` with class ``live-view`` in the saved widget
  state) holds its picture, then a text readout that is an ``aria-live``
  region with text in it, and controls with a description and a tooltip;
  none of the widgets known to fail: a ``Dropdown`` (JupyterLab drops its
  tooltip) or an ``Image`` with a tooltip (ipywidgets 8.1 cannot render it);
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
STATE_MIME = "application/vnd.jupyter.widget-state+json"

#: Models a user operates: each needs a visible description and a tooltip.
CONTROL_MODELS = {"IntSliderModel", "FloatSliderModel", "IntRangeSliderModel", "FloatRangeSliderModel",
                  "SelectionSliderModel", "ToggleButtonsModel", "ToggleButtonModel", "CheckboxModel",
                  "RadioButtonsModel", "SelectModel", "ButtonModel", "PlayModel", "DropdownModel"}

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


def _widget_state(nb: dict) -> dict:
    return nb.get("metadata", {}).get("widgets", {}).get(STATE_MIME, {}).get("state", {})


def _ref(value) -> str | None:
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


def _live_views(nb: dict):
    """``(cell number, model id)`` of every live view a cell's output shows."""
    state = _widget_state(nb)
    for i, cell in enumerate(nb["cells"], 1):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_MIME)
            if view and "live-view" in state.get(view.get("model_id"), {}).get("state", {}).get("_dom_classes", []):
                yield i, view["model_id"]


def _descendants(state: dict, model_id: str):
    """The models below ``model_id``, depth first, in display order."""
    for child in state.get(model_id, {}).get("state", {}).get("children", []):
        cid = _ref(child)
        if cid in state:
            yield cid
            yield from _descendants(state, cid)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_widget_outputs_have_saved_state(path):
    """A widget output must point at a model in the saved widget state (else static renderers show nothing)."""
    nb = _load(path)
    state = _widget_state(nb)
    orphans = [i for i, cell in enumerate(nb["cells"], 1) for out in cell.get("outputs", [])
               if WIDGET_MIME in out.get("data", {}) and out["data"][WIDGET_MIME].get("model_id") not in state]
    assert not orphans, (f"{path.name}: widget outputs in cells {orphans} have no saved widget state; "
                         "re-execute the notebook with tools/build_notebooks.py --execute")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_live_views_readout_labels_tooltips(path):
    nb = _load(path)
    state = _widget_state(nb)
    problems = []
    for name, model in state.items():  # anywhere in the notebook, not only in live views
        s = model.get("state", {})
        if model.get("model_name") == "DropdownModel":
            problems.append(f"Dropdown {s.get('description')!r}: JupyterLab drops its tooltip; use "
                            "helpers.explorers.base.toggle")
        if model.get("model_name") == "ImageModel" and s.get("tooltip"):
            problems.append(f"Image {name[:8]} has a tooltip: ipywidgets 8.1 fails to render it")
    for cell, view in _live_views(nb):
        where = f"cell {cell}, live view"
        below = list(_descendants(state, view))
        kinds = [state[m]["model_name"] for m in below]
        classes = [state[m]["state"].get("_dom_classes", []) for m in below]
        image = next((k for k, c in enumerate(classes) if "live-view-image" in c), None)
        readout = next((k for k, c in enumerate(classes) if "live-view-readout" in c), None)
        if image is None:
            problems.append(f"{where}: no Image with class live-view-image")
        if readout is None:
            problems.append(f"{where}: no text readout (class live-view-readout)")
        else:
            if image is not None and readout < image:
                problems.append(f"{where}: the readout comes before the picture; it should follow it")
            value = state[below[readout]]["state"].get("value", "")
            if not re.search(r'aria-live="(polite|assertive)"', value):
                problems.append(f"{where}: the readout is not an aria-live region: {value[:80]!r}")
            if not html.unescape(re.sub(r"<[^>]+>", "", value)).strip():
                problems.append(f"{where}: the readout is empty")
        controls = [m for m, k in zip(below, kinds) if k in CONTROL_MODELS]
        if not controls:
            problems.append(f"{where}: no control")
        for m in controls:
            s = state[m]["state"]
            what = f"{where}, {state[m]['model_name'][:-5]} {s.get('description')!r}"
            if not (s.get("description") or "").strip():
                problems.append(f"{what}: no description label")
            if not (s.get("tooltip") or "").strip():
                problems.append(f"{what}: no tooltip")
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_live_view_followed_by_static_figure(path):
    """After a live view, a figure (before the next section heading) shows what it shows, for static readers."""
    nb = _load(path)
    cells = nb["cells"]
    missing = []
    for cell, _view in _live_views(nb):
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
