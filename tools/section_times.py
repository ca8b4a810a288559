"""Run time and reading time of each notebook, per section: the measurements behind the teacher's guide.

    python tools/section_times.py [NAME ...]      execute each notebook on a fresh kernel and print a table
    python tools/section_times.py --no-execute    reading times only (no kernel)

NAME is a notebook name or prefix (``04``); without names, every notebook.

Each notebook is executed top to bottom with nbclient on a fresh kernel, in
the same environment as the build and the tests (one BLAS thread,
``tools/kernel_env.py``). A cell's run time is the time from the kernel
reporting it busy to its execute reply (nbclient's timing metadata); the
times are added up per ``##`` section (``###`` subsections included; see
``tools/sections.py``). The first section includes the kernel's imports.
Times depend on the machine and on its load: a run on a busy shared machine
is slower.

Reading time is estimated, not measured: the words of the section's
Markdown at ``PROSE_WPM`` words per minute, plus its lines of code at
``CODE_LPM`` lines per minute. Printed outputs are not counted. The
figures are assumptions, stated so that anyone can redo the sum with their own.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import execute  # noqa: E402
from sections import Section, notebook_paths, read, top_sections  # noqa: E402

#: Assumed reading speed of technical prose with formulas, for a student reading carefully (words/minute).
PROSE_WPM = 150
#: Assumed speed of reading code with understanding (lines/minute).
CODE_LPM = 15

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'.,\-]*")


def prose_words(section: Section) -> int:
    """Words of the section's Markdown; HTML tags, LaTeX commands and Markdown syntax are not words."""
    text = re.sub(r"<[^>]+>", " ", section.text)
    text = re.sub(r"\\[A-Za-z]+", " ", text)
    return len(WORD.findall(text))


def code_lines(nb, section: Section) -> int:
    """Non-blank lines of the section's code cells, comments included (they are read too)."""
    return sum(1 for i in section.code for line in nb.cells[i].source.splitlines() if line.strip())


def cell_seconds(cell) -> float:
    """Run time of one executed cell from nbclient's timing metadata (0 for a cell that did not run)."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.status.busy"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def table(path: Path, run: bool = True) -> list[dict]:
    """One row per ``##`` section of the notebook at ``path``: heading, run seconds, words, code lines,
    reading minutes."""
    nb = read(path)
    wall = None
    if run:
        start = time.perf_counter()
        nb = execute(nb, record_timing=True)
        wall = time.perf_counter() - start
    rows = []
    for s in top_sections(nb):
        words, lines = prose_words(s), code_lines(nb, s)
        rows.append({"notebook": path.stem, "section": s.heading, "run_s": sum(cell_seconds(nb.cells[i])
                                                                                for i in s.code) if run else None,
                     "words": words, "code_lines": lines,
                     "read_min": words / PROSE_WPM + lines / CODE_LPM})
    if rows and wall is not None:
        rows[0]["wall_s"] = wall  # kernel start and the whole run, for reference
    return rows


def format_rows(rows: list[dict]) -> str:
    out = ["| notebook | section | run (s) | words | code lines | reading (min) |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        run = "" if r["run_s"] is None else f"{r['run_s']:.1f}"
        out.append(f"| {r['notebook'][:2]} | {r['section']} | {run} | {r['words']} | {r['code_lines']} | "
                   f"{r['read_min']:.1f} |")
    run_total = None if rows[0]["run_s"] is None else sum(r["run_s"] for r in rows)
    total = f"{run_total:.1f}" if run_total is not None else ""
    out.append(f"| {rows[0]['notebook'][:2]} | **total** | {total} | {sum(r['words'] for r in rows)} | "
               f"{sum(r['code_lines'] for r in rows)} | {sum(r['read_min'] for r in rows):.1f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names or prefixes (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="reading times only")
    args = parser.parse_args(argv)
    paths = [p for p in notebook_paths() if not args.names or any(p.stem.startswith(n) for n in args.names)]
    if not paths:
        parser.error(f"no notebook matches {args.names}")
    print(f"reading time = prose words / {PROSE_WPM} + code lines / {CODE_LPM} (minutes)\n")
    for path in paths:
        rows = table(path, run=not args.no_execute)
        print(format_rows(rows))
        if rows[0].get("wall_s") is not None:
            print(f"\n{path.stem}: whole run with kernel start-up {rows[0]['wall_s']:.1f} s")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
