"""Notebook 04: its live view against the naive redraw, and every training run of the notebook.

The view needs two trained networks: the left/right experiment at its fixed
seed trains them first (a few seconds, not part of the live-view
measurement). The naive way draws the same panels, bars included, into a new
pyplot figure on every step and saves it with ``bbox_inches="tight"``, as
``interact`` would.

The training record repeats the notebook's runs with their seeds, so that the
accuracies printed in the notebook can be reproduced from a terminal, and
reports their training times (which the notebook may not print: nbval
compares outputs exactly).
"""

from __future__ import annotations

import io
import statistics
import time

import numpy as np

from helpers.explorers.classify import ClassifierExplorer
from helpers.sprites import CLASSES
from helpers.tinycnn import left_right_experiment

from liveview import TARGET_MS, sweep_ms
from timing import median_ms

TARGET = f"median <= {TARGET_MS} ms, ratio >= 5"
#: Section 5 of notebook 04: name -> (head, train_region, n_train), each trained for 64 steps of 64 images.
SECTION5_RUNS = {"flatten, 1024 everywhere": ("flatten", "everywhere", 1024),
                 "flatten, 128 everywhere": ("flatten", "everywhere", 128),
                 "gmp, 128 left": ("gmp", "left", 128)}
SECTION5_STEPS = 64


def naive_redraw_ms(view: ClassifierExplorer, steps: int = 7) -> float:
    """Median ms per step: move the slider's value, recompute, rebuild the whole figure, save PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = []
    for step in range(steps):
        t0 = time.perf_counter()
        view.col.value = (3 * step) % (view.col.max + 1)
        s = view.compute()
        ncols = 3 + 2 * len(s["heads"][0]["relu1"])
        fig, axes = plt.subplots(2, ncols, figsize=(1.75 * ncols, 4.5))
        for h, head in enumerate(s["heads"]):
            row = axes[h]
            row[0].imshow(s["x"], cmap="gray_r")
            row[0].set_title(f"{head['kind']} head: input")
            for ax, m in zip(row[1:], [*head["relu1"], *head["pool2"]]):
                ax.imshow(m, cmap="viridis")
                ax.set_title("feature map")
            row[-2].bar(CLASSES, head["logits"])
            row[-2].set_title("logits")
            row[-1].bar(CLASSES, head["probs"])
            row[-1].set_ylim(0, 1)
            row[-1].set_title("probabilities")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def notebook_training(result) -> dict:
    """Section 5's runs, timed; with ``result`` (section 3's experiment) the notebook's whole training."""
    accuracy, seconds = {}, {}
    for name, (head, region, n) in SECTION5_RUNS.items():
        res = left_right_experiment(seed=0, heads=(head,), train_region=region, n_train=n,
                                    epochs=SECTION5_STEPS * 64 // n)
        accuracy[name] = {half: round(a, 4) for half, a in res.accuracy[head].items()}
        seconds[name] = round(res.total_seconds, 2)
    section3 = result.total_seconds
    total = section3 + sum(seconds.values())
    return {"bench": "notebook_04_training", "value": round(total, 2), "unit": "s",
            "section3_both_heads_s": round(section3, 2), "section3_target_s": 10.0,
            "section3_target_met": bool(section3 <= 10.0),
            "section3_accuracy": {h: {half: round(a, 4) for half, a in acc.items()}
                                  for h, acc in result.accuracy.items()},
            "section5_seconds": seconds, "section5_accuracy": accuracy,
            "note": "training time only (no data generation, no evaluation); seed 0 as in the notebook"}


def run():
    result = left_right_experiment(seed=0)
    yield notebook_training(result)
    view = ClassifierExplorer(result.models["flatten"], result.models["gmp"])
    view.col.value = 0
    # Side by side: fast sweeps and naive steps in turns, so that both see the same load.
    fast, naive = [], []
    for _ in range(3):
        fast += sweep_ms(view.col, list(range(1, 20)) + list(range(18, -1, -1)))
        naive.append(naive_redraw_ms(view, steps=5))
    med = statistics.median(fast)
    slow = float(np.median(naive))
    yield {"bench": "live_view_04_classifier", "value": round(med, 2), "unit": "ms", "worst": round(max(fast), 2),
           "baseline": round(slow, 2), "ratio": round(slow / med, 1), "target": TARGET,
           "target_met": bool(med <= TARGET_MS and slow / med >= 5)}
    yield {"bench": "live_view_04_classifier_compute", "value": round(median_ms(view.compute, repeat=15), 3),
           "unit": "ms", "note": "the numpy part of one update: both networks' forward passes on one image"}
