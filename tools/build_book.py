"""Build the static book: ``python tools/build_book.py [OUT]`` (``make book``; OUT defaults to build/book).

1. Copies book/ (Sphinx configuration, landing page, the player's script and
   style) to a staging folder next to OUT, with the committed executed
   notebooks ``notebooks/[0-9][0-9]_*.ipynb`` and, if present,
   ``docs/teachers/*.md`` and ``docs/glossary.md``.
2. In the staged notebooks: cells tagged ``solution`` get myst-nb's
   ``hide-cell`` tag (collapsed), widget outputs are dropped (the committed
   notebooks carry no widget state: the book needs no widget renderer), and
   each live view's static figure is replaced by a player of frames
   pre-computed with the view's own code (:mod:`helpers.book_frames`).
3. Runs Sphinx (myst-nb, execution off) into OUT, and writes
   ``OUT/_frames.json``: per view, its frames, kilobytes and build seconds.

Nothing is executed in a notebook and nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402
from nbsource import WIDGET_VIEW  # noqa: E402

from helpers import book_frames  # noqa: E402

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
FRAMES_DIR = "_static/frames"


def _radio_group(view_id: str, index: int, control, kept: str) -> str:
    name = f"{view_id}-t{index}"
    buttons = "".join(
        f'<label><input type="radio" name="{name}" value="{html.escape(str(o), quote=True)}"'
        f'{" checked" if o == kept else ""}> {html.escape(str(o))}</label> ' for o in control.options)
    return (f'<fieldset class="book-live-view-toggle" data-index="{index}">'
            f"<legend>{html.escape(control.description)}</legend>{buttons}</fieldset>")


def player_html(view_id: str, view, spec, frames, committed, files: list[str], prefix: str) -> str:
    """The HTML of one book live view: range input, radio groups, picture, aria-live readout, frame data."""
    slider = getattr(view, spec.slider)
    toggles = [getattr(view, t) for t in spec.toggles]
    moving = [slider.description] + [t.description for t in toggles]
    still = [c.description for c in view.controls if c is not slider and all(c is not t for t in toggles)]
    note = f"In the book, {_words(moving)} move{'s' if len(moving) == 1 else ''} this view"
    note += (f"; {_words(still)} need{'s' if len(still) == 1 else ''} the running notebook "
             f"(shown here at {_values(view, still)})." if still else ".")
    data = {
        "slider": {"min": slider.min, "max": slider.max, "step": slider.step},
        "frames": {_key(f.slider, f.toggles): [prefix + name, f.readout] for f, name in zip(frames, files)},
    }
    current = next(i for i, f in enumerate(frames)
                   if f.slider == committed["slider"] and f.toggles == committed["toggles"])
    frame = frames[current]
    width, height = view.live.css_size
    slider_id = f"{view_id}-slider"
    payload = json.dumps(data).replace("</", "<\\/")
    radios = "".join(_radio_group(view_id, i, t, committed["toggles"][i]) for i, t in enumerate(toggles))
    return (
        f'<figure class="book-live-view" id="{view_id}" data-view="{view_id}">'
        f'<p class="book-live-view-note"><strong>{html.escape(view.title)}</strong>. {html.escape(note)}</p>'
        f'<div class="book-live-view-controls" hidden>'
        f'<label for="{slider_id}">{html.escape(slider.description)}</label> '
        f'<input type="range" id="{slider_id}" min="{slider.min}" max="{slider.max}" step="{slider.step}" '
        f'value="{frame.slider}"> <output for="{slider_id}">{frame.slider}</output>{radios}</div>'
        f'<img class="book-live-view-image" src="{prefix}{files[current]}" width="{width}" height="{height}" '
        f'alt="{html.escape(frame.readout, quote=True)}">'
        f'<figcaption><p class="book-live-view-readout" role="status" aria-live="polite">'
        f"{html.escape(frame.readout)}</p></figcaption>"
        f'<script type="application/json" class="book-live-view-data">'
        f"{payload}</script></figure>")


def _key(slider_value, toggles) -> str:
    return "|".join([str(slider_value), *map(str, toggles)])


def _words(names) -> str:
    names = [f"“{n}”" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _values(view, descriptions) -> str:
    return ", ".join(f"{c.description} = {c.value}" for c in view.controls if c.description in descriptions)


def stage_notebook(src: Path, dest: Path, static: Path, fmt: str, report: list) -> None:
    """Copy one notebook to ``dest`` with the book's changes (see the module docstring)."""
    nb = nbformat.read(src, as_version=4)
    stem = src.stem
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = list(cell.metadata.get("tags", []))
        if "solution" in tags and "hide-cell" not in tags:
            cell.metadata["tags"] = tags + ["hide-cell"]
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            data.pop(WIDGET_VIEW, None)
            text = data.get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            if book_frames.STATIC_CLASS not in text:
                continue
            n += 1
            key = (stem, n)
            if key in book_frames.KERNEL_ONLY:
                continue
            spec = book_frames.REGISTRY.get(key)
            if spec is None:
                print(f"warning: live view {n} of {stem} has no entry in helpers/book_frames.py: "
                      "the book shows its static picture", file=sys.stderr)
                report.append({"view": f"{stem}-{n}", "notebook": stem, "n": n, "registered": False})
                continue
            t0 = time.perf_counter()
            view = spec.factory()
            t1 = time.perf_counter()
            frames, committed = book_frames.render_frames(view, spec)
            view_id = f"{stem}-{n}"
            folder = static / "frames" / view_id
            folder.mkdir(parents=True, exist_ok=True)
            files, size = [], 0
            for i, f in enumerate(frames):
                blob = book_frames.encode(f.png, fmt)
                name = f"{view_id}/{i:03d}.{fmt}"
                (static / "frames" / name).write_bytes(blob)
                files.append(name)
                size += len(blob)
            prefix = os.path.relpath(static / "frames", dest.parent).replace(os.sep, "/") + "/"
            data["text/html"] = player_html(view_id, view, spec, frames, committed, files, prefix)
            data.pop("image/png", None)
            view.close()
            at_committed = next(f.readout for f in frames
                                if f.slider == committed["slider"] and f.toggles == committed["toggles"])
            report.append({"view": view_id, "notebook": stem, "n": n, "registered": True, "frames": len(frames),
                           "readout_at_committed": at_committed,
                           "kB": round(size / 1024, 1), "build_s": round(time.perf_counter() - t0, 2),
                           "factory_s": round(t1 - t0, 2)})
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def stage(stage_dir: Path, notebooks=None, fmt: str = "webp") -> list:
    """Lay out the Sphinx source folder; returns the per-view report."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(ROOT / "book", stage_dir, ignore=shutil.ignore_patterns("__pycache__"))
    notebooks = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB)) if notebooks is None else list(notebooks)
    report: list = []
    for nb in notebooks:
        stage_notebook(nb, stage_dir / "notebooks" / nb.name, stage_dir / "_static", fmt, report)
    for doc in [*sorted((ROOT / "docs" / "teachers").glob("*.md")), ROOT / "docs" / "glossary.md"]:
        target = stage_dir / doc.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(doc, target)
    shutil.copytree(ROOT / "docs" / "img", stage_dir / "docs" / "img")
    return report


def sphinx(stage_dir: Path, out: Path, quiet: bool = True) -> int:
    from sphinx.cmd.build import build_main

    args = ["-b", "html", "-E", "-d", str(stage_dir / "_doctrees"), str(stage_dir), str(out)]
    with warnings.catch_warnings():  # the extensions' notices about Sphinx's next API: not the reader's concern
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return build_main((["-q"] if quiet else []) + args)


def build(out: Path, notebooks=None, fmt: str = "webp") -> dict:
    """Stage and build the book into ``out``; returns the report (also written to ``out/_frames.json``).

    ``notebooks``: the notebook files (default: every ``notebooks/NN_*.ipynb``).
    """
    out = Path(out).resolve()
    stage_dir = out.parent / (out.name + "-src")
    t0 = time.perf_counter()
    views = stage(stage_dir, notebooks, fmt)
    t1 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    rc = sphinx(stage_dir, out)
    if rc:
        raise SystemExit(f"sphinx-build failed with exit status {rc}")
    for debug_map in out.rglob("*.map"):  # the theme's source maps: only a browser's developer tools read them
        debug_map.unlink()
    t2 = time.perf_counter()
    site = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    report = {"views": views, "stage_s": round(t1 - t0, 1), "sphinx_s": round(t2 - t1, 1),
              "total_s": round(t2 - t0, 1), "site_MB": round(site / 2**20, 2), "format": fmt}
    (out / "_frames.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "build" / "book"))
    parser.add_argument("--format", default="webp", choices=["webp", "png"], help="image format of the frames")
    args = parser.parse_args(argv)
    report = build(Path(args.out), fmt=args.format)
    for v in report["views"]:
        if v["registered"]:
            print(f"{v['view']:22s} {v['frames']:4d} frames {v['kB']:7.1f} kB {v['build_s']:6.2f} s")
        else:
            print(f"{v['view']:22s} static only (no registry entry)")
    print(f"staging {report['stage_s']} s, sphinx {report['sphinx_s']} s, total {report['total_s']} s; "
          f"site {report['site_MB']} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
