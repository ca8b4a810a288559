"""Print one PDF handout per notebook: ``python tools/make_handouts.py [OUT]`` (``make handouts``; OUT: build/handouts).

Each handout is the student edition of a committed notebook: every cell
tagged ``solution`` shows its stub (tools/make_student.py's
:func:`strip_solution`) and no output, and so does the checker cell after it
(its verdict was on the solution); every other cell keeps the output it
has in the committed notebook (each live view as its static picture with its
readout and its controls in words). nbconvert turns it into HTML with its
scripts from elsewhere removed and the formulas turned into MathML
(latex2mathml); headless Chromium prints it through Playwright with code
lines wrapped and page numbers in the footer. Every request that would leave
the machine is aborted, so the handouts print offline.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from make_student import strip_solution  # noqa: E402
from nbsource import WIDGET_VIEW  # noqa: E402

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html, body { background: white !important; }
body { font-size: 11pt; }
pre, code, .jp-InputArea-editor pre, .highlight pre, .jp-OutputArea-output pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-word; }
.jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
.jp-Cell, .jp-InputArea, .jp-OutputArea { overflow: visible !important; }
img { max-width: 100% !important; height: auto !important; }
figure.live-view-static, .jp-OutputArea-output img, pre { break-inside: avoid; }
.jp-Notebook { padding: 0 !important; }
.jp-OutputArea-output pre { white-space: pre !important; overflow-wrap: normal; word-break: normal; }
"""

#: The printable width of an A4 page with the margins below, in CSS pixels (182 mm at 96 per inch).
PRINT_WIDTH_PX = 688

#: Printed output (a table, an array) keeps its lines: where one is wider than the page, the block's font is
#: made smaller until it fits (down to 6 px); only what still does not fit is wrapped.
FIT_OUTPUT_JS = """() => {
  let shrunk = 0, wrapped = 0;
  for (const p of document.querySelectorAll('.jp-OutputArea-output pre')) {
    let size = parseFloat(getComputedStyle(p).fontSize);
    if (p.scrollWidth <= p.clientWidth + 1) continue;
    while (p.scrollWidth > p.clientWidth + 1 && size > 6) { size -= 0.25; p.style.fontSize = size + 'px'; }
    shrunk += 1;
    if (p.scrollWidth > p.clientWidth + 1) {
      p.style.setProperty('white-space', 'pre-wrap', 'important');
      wrapped += 1;
    }
  }
  return {shrunk, wrapped};
}"""

_SCRIPT_FROM_ELSEWHERE = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>', re.I)
_MODULE_FROM_ELSEWHERE = re.compile(r'<script type="module">(?:(?!</script>).)*https?://(?:(?!</script>).)*</script>',
                                    re.I | re.S)
_CODE_SPAN = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")


def mathml(markdown: str) -> str:
    """``markdown`` with ``$...$`` and ``$$...$$`` formulas (outside code) replaced by MathML."""
    from latex2mathml.converter import convert

    def display(m):
        return f'\n\n<div class="math">{convert(m.group(1).strip(), display="block")}</div>\n\n'

    def inline(m):
        return convert(m.group(1).strip())

    parts = _CODE_SPAN.split(markdown)
    for i in range(0, len(parts), 2):  # the even parts are outside code
        parts[i] = _INLINE.sub(inline, _DISPLAY.sub(display, parts[i]))
    return "".join(parts)


def handout_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student edition of ``nb`` with the committed outputs of every cell but the solutions."""
    nb = nbformat.from_dict(nb)
    after_solution = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = mathml(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            cell.source = strip_solution(cell.source)
            cell.outputs = []
            after_solution = True
            continue
        if after_solution and cell.source.lstrip().startswith("check_"):
            cell.outputs = []  # the checker's verdict on the solution: the student has not answered yet
        after_solution = False
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    return nb


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Self-contained HTML of ``nb`` for printing: no script from another host, print style added."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _MODULE_FROM_ELSEWHERE.sub("", _SCRIPT_FROM_ELSEWHERE.sub("", body))
    return body.replace("</head>", f"<style>{PRINT_CSS}</style></head>", 1)


def print_pdfs(pages: list[tuple[Path, Path, str]], browser=None) -> list[str]:
    """Print each ``(html file, pdf file, title)`` with headless Chromium; returns the requests aborted.

    ``browser``: a Playwright browser to use (default: start Chromium for the call).
    """
    from browser_support import chromium

    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    footer = ('<div style="font-size: 8pt; width: 100%; text-align: center; color: #444;">'
              '{title}: page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')
    with contextlib.nullcontext(browser) if browser is not None else chromium() as chosen:
        page = chosen.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        page.emulate_media(media="print")  # lay out as printed, so that the widths measured below are the page's
        page.route("**/*", route)
        for src, pdf, title in pages:
            page.goto(src.as_uri(), wait_until="load")
            page.evaluate(FIT_OUTPUT_JS)
            page.pdf(path=str(pdf), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer.format(title=html.escape(title)),
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        page.close()
    return blocked


def build(out: Path, notebooks=None, browser=None) -> dict:
    """Write one PDF per notebook into ``out``; returns ``{"pdfs": [...], "seconds": s, "blocked": [...]}``."""
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = sorted((ROOT / "notebooks").glob(NOTEBOOK_GLOB)) if notebooks is None else list(notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for path in notebooks:
            nb = handout_notebook(nbformat.read(path, as_version=4))
            src = Path(tmp) / f"{path.stem}.html"
            src.write_text(to_html(nb, path.stem), encoding="utf-8")
            pages.append((src, out / f"{path.stem}.pdf", path.stem))
        blocked = print_pdfs(pages, browser)
    return {"pdfs": [p[1] for p in pages], "seconds": round(time.perf_counter() - t0, 1), "blocked": blocked}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "build" / "handouts"))
    args = parser.parse_args(argv)
    from browser_support import missing_browser_reason

    reason = missing_browser_reason()
    if reason:
        print(f"make handouts needs Chromium: {reason}", file=sys.stderr)
        return 1
    report = build(Path(args.out))
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf comes with the test extra
        PdfReader = None
    for pdf in report["pdfs"]:
        pages = f"{len(PdfReader(pdf).pages)} pages, " if PdfReader else ""
        print(f"{pdf.name}: {pages}{pdf.stat().st_size / 1024:.0f} kB")
    if report["blocked"]:
        print(f"requests to other hosts aborted: {report['blocked']}", file=sys.stderr)
    print(f"{len(report['pdfs'])} handouts in {report['seconds']} s in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
