"""Shared code for the live-view benchmarks: the fast update against the naive redraw."""

from __future__ import annotations

import io
import statistics
import time

import numpy as np

#: Every live view's target for one update in the kernel (median of a slider sweep), at pixel ratio 1 and 2.
TARGET_MS = 20


def sweep_ms(slider, values, cpu: bool = False):
    """Time from setting ``slider.value`` to the new PNG being in the Image widget, per step (ms).

    With ``cpu=True`` returns ``(wall, cpu)``: the CPU time of the same steps as well, which a shared
    machine does not inflate.
    """
    wall, cpu_times = [], []
    for v in values:
        t0, c0 = time.perf_counter(), time.process_time()
        slider.value = v  # observers run synchronously: compute, draw, render, set Image.value
        wall.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    return (wall, cpu_times) if cpu else wall


def naive_redraw_ms(panels, steps: int = 5, kinds=None) -> float:
    """The naive way: a new pyplot figure per step, every panel redrawn, ``bbox_inches='tight'``.

    ``panels`` is a function ``step -> list of 2-D arrays``; returns the median ms per step.
    This is what ``interact`` + ``plt.subplots`` + ``plt.show`` costs on each slider move.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = []
    for step in range(steps):
        t0 = time.perf_counter()
        maps = panels(step)
        fig, axes = plt.subplots(1, len(maps), figsize=(2.2 * len(maps), 2.6))
        for ax, m in zip(np.atleast_1d(axes), maps):
            ax.imshow(m, cmap="RdBu_r")
            ax.set_title("panel")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def summary(name: str, fast: list[float], naive: float) -> dict:
    med = statistics.median(fast)
    return {"bench": name, "value": round(med, 2), "unit": "ms", "worst": round(max(fast), 2),
            "baseline": round(naive, 2), "ratio": round(naive / med, 1),
            "target": f"median <= {TARGET_MS} ms, ratio >= 10"}
