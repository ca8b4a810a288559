"""The numpy CNN: one training step (against PyTorch when it is installed) and the left/right experiment.

PyTorch is never a dependency of the project: when it cannot be imported the
comparison is reported as skipped. When it can, both steps are timed side by
side in the same run, on the CPU, in float64 (the precision of the numpy code).
"""

from __future__ import annotations

import time

import numpy as np

from helpers.sprites import make_dataset
from helpers.tinycnn import (
    Adam,
    Conv2D,
    Dense,
    GlobalAvgPool,
    MaxPool2D,
    Model,
    ReLU,
    SoftmaxCrossEntropy,
    left_right_experiment,
    make_cnn,
)

from timing import median_ms, record

BATCH = 64
STEP_SHAPE = "64x1x28x28, conv 1->16 3x3 zero padding, ReLU, max pool 2, global average pool, dense 16->4; Adam"


def numpy_step_fn(model: Model, x: np.ndarray, y: np.ndarray):
    """One training step: forward, loss, backward, Adam update."""
    loss_fn = SoftmaxCrossEntropy()
    opt = Adam(0.001)

    def step():
        loss_fn.forward(model.forward(x), y)
        model.backward(loss_fn.backward())
        opt.step(model.params())

    return step


def torch_step_fn(x: np.ndarray, y: np.ndarray, dtype: str = "float64"):
    """The same step as :func:`numpy_step_fn` for the one-stage network, in PyTorch on the CPU."""
    import torch

    tdtype = getattr(torch, dtype)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 4)).to(tdtype)
    opt = torch.optim.Adam(net.parameters(), lr=0.001)
    xt, yt = torch.from_numpy(x).to(tdtype), torch.from_numpy(y)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(xt), yt).backward()
        opt.step()

    return step, torch.__version__, torch.get_num_threads()


def _torch_records(model: Model, x: np.ndarray, y: np.ndarray):
    """The one-stage step in numpy and in PyTorch, measured in turns, in float64 and float32."""
    # float64 is the like-for-like comparison; float32 is PyTorch's usual precision, for context.
    for dtype, name in (("float64", "train_step_torch"), ("float32", "train_step_torch_float32")):
        torch_step, version, threads = torch_step_fn(x, y, dtype)
        numpy_step = numpy_step_fn(model, x, y)
        # Interleave the two measurements so that both see the same load on the shared machine.
        torch_times, numpy_times = [], []
        for _ in range(5):
            torch_times.append(median_ms(torch_step, repeat=3, number=3))
            numpy_times.append(median_ms(numpy_step, repeat=3, number=3))
        t_ms, n_ms = float(np.median(torch_times)), float(np.median(numpy_times))
        yield record(name, t_ms, shape=STEP_SHAPE, dtype=dtype, numpy_dtype="float64", torch=version,
                     torch_threads=threads, numpy_ms=round(n_ms, 3), numpy_over_torch=round(n_ms / t_ms, 2),
                     target_numpy_over_torch=1.5)


def run():
    x, y, _ = make_dataset(BATCH, "everywhere", seed=0)

    # (1) One training step of a single conv stage with a global-pooling head.
    model = Model([Conv2D(1, 16, 3, "zero", rng=0), ReLU(), MaxPool2D(2), GlobalAvgPool(), Dense(16, 4, rng=0)])
    numpy_ms = median_ms(numpy_step_fn(model, x, y), repeat=15, number=3)
    yield record("train_step_numpy", numpy_ms, shape=STEP_SHAPE, dtype="float64")

    # The network of the notebooks' experiment (two conv stages), for scale.
    deep = make_cnn("gmp", channels=16, seed=0)
    yield record("train_step_numpy_two_stages", median_ms(numpy_step_fn(deep, x, y), repeat=9, number=3),
                 shape="64x1x28x28, make_cnn('gmp'): 2 x (conv 3x3 16 ch, ReLU, max pool 2), global max pool, "
                       "dense 16->4; Adam", dtype="float64")

    # (2) The left/right experiment at its fixed seed: accuracies and training time of both heads.
    t0 = time.perf_counter()
    result = left_right_experiment(seed=0)
    wall = time.perf_counter() - t0
    acc = result.accuracy
    yield record(
        "left_right_experiment", result.total_seconds, unit="s", target_seconds=10.0,
        seconds_including_data_and_evaluation=round(wall, 2),
        seconds_per_head={h: round(t, 2) for h, t in result.seconds.items()},
        accuracy={h: {region: round(a, 4) for region, a in acc[h].items()} for h in acc},
        targets="flatten: left >= 0.95, right <= 0.40; gmp: left and right >= 0.95",
        targets_met=bool(acc["flatten"]["left"] >= 0.95 and acc["flatten"]["right"] <= 0.40
                         and acc["gmp"]["left"] >= 0.95 and acc["gmp"]["right"] >= 0.95),
        settings=result.settings)

    # (1, continued) PyTorch last: once imported, its worker threads keep spinning for a while
    # after each step and would slow down the numpy measurements above.
    try:
        import torch  # noqa: F401
    except ImportError:
        yield {"bench": "train_step_torch", "skipped": "PyTorch not installed"}
    else:
        yield from _torch_records(model, x, y)
