"""Build notebooks/*.ipynb from notebooks/src/*.py and execute them in place.

    python tools/build_notebooks.py [--execute] [NAME ...]

Without names, every source is built. With ``--execute`` each notebook is run
top to bottom on a fresh kernel (cwd ``notebooks/``), so that the committed
outputs are exactly what nbval will compare against.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbsource import build  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NBDIR = ROOT / "notebooks"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help="notebook names or prefixes, e.g. 01")
    ap.add_argument("--execute", action="store_true")
    args = ap.parse_args(argv)
    sources = sorted((NBDIR / "src").glob("*.py"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    if not sources:
        print("no notebook sources matched", file=sys.stderr)
        return 1
    for src in sources:
        nb = build(src)
        target = NBDIR / f"{src.stem}.ipynb"
        if args.execute:
            t0 = time.perf_counter()
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(NBDIR)}}).execute()
            print(f"{target.name}: executed in {time.perf_counter() - t0:.1f} s")
        nbformat.write(nb, target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
