"""Small timing utilities for the benchmarks."""

from __future__ import annotations

import statistics
import time


def median_ms(fn, repeat: int = 7, number: int = 1) -> float:
    """Median over ``repeat`` runs of the time of ``number`` calls, in ms per call."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times) * 1000.0


def record(name: str, value: float, unit: str = "ms", baseline: float | None = None, **extra) -> dict:
    """One benchmark line; ``ratio`` is baseline / value when there is a baseline."""
    out = {"bench": name, "value": round(value, 3), "unit": unit}
    if baseline is not None:
        out["baseline"] = round(baseline, 3)
        out["ratio"] = round(baseline / value, 1) if value > 0 else None
    out.update(extra)
    return out
