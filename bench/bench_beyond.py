"""Notebook 05: its live views (slider step to new PNG, against the naive redraw, side by side)
and the training time of each of its trained experiments (target: at most 10 s each)."""

from __future__ import annotations

import time

from helpers import positions
from helpers.explorers.beyond import PositionLeakExplorer, RotationExplorer

from liveview import naive_redraw_ms, summary, sweep_ms
from timing import record


def quiet_state(explorer, **values) -> dict:
    """Set controls *without* the fast update running, and compute the state.

    The naive way has to compute the state too, but must not also pay for
    the fast way's render: the explorer's observers are detached meanwhile.
    """
    for c in explorer.controls:
        c.unobserve(explorer.update, names="value")
    try:
        for name, v in values.items():
            getattr(explorer, name).value = v
        return explorer.compute()
    finally:
        for c in explorer.controls:
            c.observe(explorer.update, names="value")


def seconds(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def training_records():
    """Each trained experiment of notebook 05, from scratch (the caches are emptied first)."""
    positions.clear_caches()
    runs = [seconds(lambda p=p, k=k, g=g, s=s: positions.trained_corner_net(p, g, k, s))
            for p, k, g in positions.CORNER_SETTINGS for s in (0, 1, 2)]
    yield record("train_05_corner_table", sum(runs), unit="s", runs=len(runs), slowest_run_s=round(max(runs), 3),
                 target="<= 10 s")
    for pool in ("max", "maxblur"):
        t = seconds(lambda pool=pool: positions.train_everywhere(pool))
        yield record(f"train_05_everywhere_{pool}", t, unit="s", target="<= 10 s")
    t = seconds(lambda: [positions.position_readout(p, seed=s) for p in ("zero", "circular") for s in (0, 1, 2)])
    yield record("fit_05_position_readouts", t, unit="s", runs=6, target="<= 10 s")


def run():
    yield from training_records()

    e = PositionLeakExplorer()  # reuses the corner networks trained above
    fast = []
    for padding in ("zero", "circular"):
        e.padding.value = padding
        e.distance.value = 0
        fast += sweep_ms(e.distance, list(range(1, 10)) + list(range(8, -1, -1)))

    def leak_panels(step):
        s = quiet_state(e, padding=("zero", "circular")[step % 2], distance=step % 10)
        return [s["padded"], s["map"], s["kernel"], s["probs"][None, :]]

    yield summary("live_view_05_position_leak", fast, naive_redraw_ms(leak_panels, steps=7))

    r = RotationExplorer()
    fast = []
    for obj in ("cat", "triangle"):
        r.obj.value = obj
        r.angle.value = 0
        fast += sweep_ms(r.angle, [90, 180, 270, 180, 90, 0] * 2)

    def rotation_panels(step):
        s = quiet_state(r, angle=90 * (step % 4))
        return [s["x"], *s["p4_maps"], s["p4_features"][None, :], s["x_ref"], *s["plain_maps"],
                s["plain_features"][None, :]]

    yield summary("live_view_05_rotation", fast, naive_redraw_ms(rotation_panels, steps=7))
