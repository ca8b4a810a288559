"""Notebook 06: what loading the handwritten digits costs, and the notebook's training.

- ``digits_load_memory``: the resident memory a fresh Python process adds
  (MB, after ``import numpy``) by ``helpers.digits.load_digits()``, which
  reads the file scikit-learn ships without importing scikit-learn, against
  ``from sklearn.datasets import load_digits; load_digits()`` (baseline),
  which imports scikit-learn and SciPy. Each measured in its own process.
- ``digits_load_time``: the time of each call in such a process (import
  included).
- ``train_06_three_seeds``: the training of notebook 06, three seeds, both
  heads, with the accuracies the notebook prints (training time only).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers.digits import left_right_digits

from timing import record

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, time, psutil, numpy
p = psutil.Process()
before = p.memory_info().rss
t0 = time.perf_counter()
{load}
seconds = time.perf_counter() - t0
print(json.dumps({{"mb": (p.memory_info().rss - before) / 2**20, "s": seconds}}))
"""
LOADERS = {"helpers": "from helpers.digits import load_digits; load_digits()",
           "sklearn": "from sklearn.datasets import load_digits; load_digits()"}


def _probe(load: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(load=load)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def run():
    helpers, sklearn = _probe(LOADERS["helpers"]), _probe(LOADERS["sklearn"])
    yield record("digits_load_memory", helpers["mb"], unit="MB", baseline=sklearn["mb"],
                 note="added to a fresh process after `import numpy`; baseline: scikit-learn's own load_digits")
    yield record("digits_load_time", helpers["s"] * 1000, unit="ms", baseline=sklearn["s"] * 1000,
                 note="first call in a fresh process, imports included")
    results = [left_right_digits(seed=s) for s in (0, 1, 2)]
    total = sum(sum(r.seconds.values()) for r in results)
    yield record("train_06_three_seeds", total, unit="s",
                 accuracy={r.settings["seed"]: {h: {k: round(v, 4) for k, v in a.items()}
                                                for h, a in r.accuracy.items()} for r in results})
