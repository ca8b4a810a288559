"""Run every benchmark and print one JSON object per line.

    python bench/run.py [NAME ...]

Each ``bench/bench_*.py`` module has a ``run()`` generator that yields dicts
such as ``{"bench": "conv2d_batch", "value": 1.9, "unit": "ms",
"baseline": 410.0, "ratio": 215.8}``. Comparisons are measured side by side
in the same run, since absolute times wander on a shared machine.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(argv=None) -> int:
    names = sys.argv[1:] if argv is None else argv
    modules = sorted(HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m.stem for n in names)]
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for record in module.run():
            print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
