"""Build notebooks/*.ipynb from their sources in notebooks/src/ and execute them.

    python tools/build_notebooks.py [NAME ...]           build and execute (the usual command)
    python tools/build_notebooks.py --check [NAME ...]   do the committed notebooks match their sources?
    python tools/build_notebooks.py --clean FILE ...     normalise committed notebooks in place
    python tools/build_notebooks.py --no-execute [--overwrite-outputs] [NAME ...]

NAME is a notebook name or prefix (``01``); without names, every notebook.

Building executes each notebook top to bottom on a fresh kernel (working
folder ``notebooks/``, like nbval), then normalises it (no timestamps, no
kernel version, no widget ids or saved widget state: see
``tools/nbsource.py``) and writes it only where its text changed. Rebuilding
an unchanged source therefore leaves ``git diff`` empty.

``--no-execute`` writes notebooks without outputs; it refuses to replace a
notebook that has outputs unless ``--overwrite-outputs`` is given too.
``--check`` executes nothing: it fails, naming the notebook, where a committed
notebook's cells (type, source, tags) differ from its source or its file is
not normalised (for the pre-commit hook and the tests). ``--clean`` applies
the normalisation to the given ``.ipynb`` files (for the pre-commit hook).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_env import prepare_kernel_environment  # noqa: E402
from nbsource import SourceError, build, dumps, normalise, write  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NBDIR = ROOT / "notebooks"


def sources(names) -> list[Path]:
    found = sorted((NBDIR / "src").glob("*.py"))
    if names:
        found = [s for s in found if any(s.stem.startswith(n) for n in names)]
    return found


def execute(nb: nbformat.NotebookNode, cwd: Path = NBDIR, timeout: int = 600,
            record_timing: bool = False) -> nbformat.NotebookNode:
    """Run ``nb`` top to bottom on a fresh ``python3`` kernel in ``cwd``.

    With ``record_timing`` each code cell gets nbclient's start and end times in its metadata
    (``tools/section_times.py``); the committed notebooks are built without them.
    """
    prepare_kernel_environment()  # the same environment as the tests' kernels: the same figures
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=record_timing,
                   store_widget_state=False, resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def has_outputs(path: Path) -> bool:
    if not path.exists():
        return False
    nb = nbformat.read(path, as_version=4)
    return any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def differences(src: Path, committed: Path) -> list[str]:
    """Why ``committed`` does not match ``src`` (empty when it does)."""
    if not committed.exists():
        return [f"{committed.name}: missing; build it with `python tools/build_notebooks.py {src.stem[:2]}`"]
    built = build(src)
    nb = nbformat.read(committed, as_version=4)
    problems = []
    if len(nb.cells) != len(built.cells):
        problems.append(f"{committed.name}: {len(nb.cells)} cells, its source has {len(built.cells)}")
    for i, (a, b) in enumerate(zip(nb.cells, built.cells)):
        if (a.cell_type, a.source, a.metadata.get("tags", [])) != (b.cell_type, b.source, b.metadata.get("tags", [])):
            problems.append(f"{committed.name}: cell {i} ({b.id}) differs from {src.name}")
            break
    text = committed.read_text(encoding="utf-8")
    if text != dumps(normalise(nbformat.reads(text, as_version=4))):
        problems.append(f"{committed.name}: not normalised (timestamps, widget state or extra metadata); "
                        f"run `python tools/build_notebooks.py --clean {committed.relative_to(ROOT)}`")
    if problems:
        problems.append(f"  rebuild with `python tools/build_notebooks.py {src.stem[:2]}`")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="notebook names or prefixes (e.g. 01), or files with --clean")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare committed notebooks with their sources")
    mode.add_argument("--clean", action="store_true", help="normalise the given .ipynb files in place")
    mode.add_argument("--no-execute", action="store_true", help="write notebooks without outputs")
    ap.add_argument("--overwrite-outputs", action="store_true",
                    help="with --no-execute: replace notebooks that have outputs")
    args = ap.parse_args(argv)

    if args.clean:
        for name in args.names:
            path = Path(name)
            if write(normalise(nbformat.read(path, as_version=4)), path):
                print(f"{path}: normalised")
        return 0

    srcs = sources(args.names)
    if not srcs:
        print(f"no notebook source in notebooks/src/ matches {args.names}", file=sys.stderr)
        return 1
    try:
        if args.check:
            problems = [p for src in srcs for p in differences(src, NBDIR / f"{src.stem}.ipynb")]
            for p in problems:
                print(p, file=sys.stderr)
            return 1 if problems else 0
        for src in srcs:
            target = NBDIR / f"{src.stem}.ipynb"
            nb = build(src)
            if args.no_execute:
                if has_outputs(target) and not args.overwrite_outputs:
                    print(f"{target.name}: has outputs; not replaced by an unexecuted notebook "
                          "(add --overwrite-outputs to do that)", file=sys.stderr)
                    return 1
            else:
                t0 = time.perf_counter()
                execute(nb)
                print(f"{target.name}: executed in {time.perf_counter() - t0:.1f} s")
            changed = write(normalise(nb), target)
            print(f"{target.name}: {'written' if changed else 'unchanged'}")
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
