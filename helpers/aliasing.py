"""Shift consistency of trained classifiers, over seeds, at matched accuracy (notebook 05, section 3).

Does blur pooling (Zhang 2019, "Making convolutional networks shift-invariant
again") make a *trained* classifier less sensitive to 1-pixel shifts? One
seed cannot say: with a few hundred test images, a flip rate of a few per
cent moves by a factor of two from one seed to the next. And a comparison
after the same number of training steps could compare training time rather
than pooling: the two networks need different numbers of steps to reach the
same validation accuracy (the blur-pooling one as many or more at seeds
0-4), and an under-trained network has more images near a tie between two
classes, where any perturbation flips the answer.

So :func:`train_to_accuracy` trains each network until its accuracy on noisy
validation images reaches a common target, and :func:`seed_table` compares
the two pooling layers over several seeds with the measures of
:func:`helpers.positions.shift_metrics`:

- ``mean_dp_true``: mean absolute change of the probability of the *true*
  class under a 1-pixel shift (down or right). It uses every image, not only
  the few near a tie, so it is the steadiest of the measures;
- ``p_flip`` (Azulay & Weiss 2019): how often a 1-pixel shift changes the
  top-1 class;
- ``consistency`` (Zhang 2019): how often two random shifts give the same
  top-1 class.

Zhang's own view of the problem (2019, Figure 1: AlexNet on ImageNet and VGG
on CIFAR-10, a few selected images) is the probability of the correct class as
an image moves diagonally, pixel by pixel. :func:`shift_path_test_set` and
:func:`probability_along_shifts` compute it for our trained networks, and
:func:`shift_path_summary` sums it up per network.

All randomness comes from seeds: the same arguments give the same numbers.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, choice, describe_value, integer, non_negative_float, positive_float, positive_int
from .ops import shift
from .positions import centred_test_set, shift_metrics
from .sprites import CLASSES, SPRITE_SIZE, make_dataset, scatter_sprites
from .tinycnn._checks import check_labels
from .tinycnn.experiments import make_cnn
from .tinycnn.model import Adam, Model, check_classifier
from .tinycnn.training import evaluate, train

__all__ = ["POOL_NAMES", "MatchedRun", "train_to_accuracy", "seed_table", "format_seed_table",
           "SHIFT_PATH", "shift_path_test_set", "probability_along_shifts", "shift_path_summary"]

#: The two pooling layers compared, and their names in the notebook.
POOL_NAMES = {"max": "max pool", "maxblur": "max-blur pool"}


@dataclass
class MatchedRun:
    """One network of :func:`train_to_accuracy`: the trained ``model``, the number of Adam ``steps``
    it took, its validation accuracy ``val_accuracy`` when it stopped, and whether it ``reached`` the target."""

    model: Model
    steps: int
    val_accuracy: float
    reached: bool


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {describe_value(value)}")
    return float(value)


def train_to_accuracy(pool: str = "max", seed: int = 0, target: float = 0.85, x_val=None, y_val=None,
                      channels: int = 16, batch_size: int = 32, check_every: int = 8, max_steps: int = 160,
                      lr: float = 0.005, noise: float = 0.25) -> MatchedRun:
    """Train notebook 04's CNN with a global max pooling head until validation accuracy >= ``target``.

    The network is :func:`helpers.tinycnn.make_cnn` with ``head="gmp"``,
    ``channels`` filters per layer, zero padding and ``pool`` (``"max"`` or
    ``"maxblur"``), weights drawn from ``seed``. Training images are fresh at
    every step (sprites anywhere, Gaussian noise ``noise``, drawn from
    ``seed``), ``batch_size`` per Adam step (learning rate ``lr``). Every
    ``check_every`` steps the accuracy on ``(x_val, y_val)`` (default: 200
    centred images with the training ``noise``, seed 99, never used for
    training or testing) is measured; training stops at the first check at
    or above ``target``, or after ``max_steps`` steps (then ``reached`` is
    False). With the defaults each network takes 24 to 80 steps (seeds 0-4)
    and a few seconds. Returns a :class:`MatchedRun`.

    The stop is checked only every ``check_every`` steps, so a network can
    overshoot the target: print the test accuracy beside any comparison.
    """
    choice(pool, "pool", tuple(POOL_NAMES))
    seed = integer(seed, "seed")
    target = _fraction(target, "target")
    channels = positive_int(channels, "channels")
    batch_size = positive_int(batch_size, "batch_size")
    check_every = positive_int(check_every, "check_every")
    max_steps = positive_int(max_steps, "max_steps")
    lr = positive_float(lr, "lr")
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together (both or neither)")
    if x_val is None:
        x_val, y_val = centred_test_set(200, noise=noise, seed=99)
    chunk = check_every * batch_size
    rounds = -(-max_steps // check_every)
    x, y, _ = make_dataset(rounds * chunk, "everywhere", noise=noise, seed=seed)
    model = make_cnn(head="gmp", channels=channels, pool=pool, n_classes=len(CLASSES), seed=seed)
    optimizer = Adam(lr)
    acc = 0.0
    for r in range(rounds):
        part = slice(r * chunk, (r + 1) * chunk)
        train(model, x[part], y[part], epochs=1, batch_size=batch_size, optimizer=optimizer, seed=seed + r,
              progress=None)
        acc = evaluate(model, x_val, y_val)[1]
        if acc >= target:
            return MatchedRun(model, (r + 1) * check_every, acc, True)
    return MatchedRun(model, rounds * check_every, acc, False)


def seed_table(seeds=(0, 1, 2, 3, 4), target: float = 0.85, n_test: int = 200, test_seed: int = 7,
               noises=(0.25,), **train_kwargs) -> dict:
    """Shift measures of max pooling against max-blur pooling, one pair of networks per seed.

    Each network is trained by :func:`train_to_accuracy` to validation
    accuracy ``target``, then measured by :func:`helpers.positions.shift_metrics`
    on ``n_test`` centred test images (seed ``test_seed``) at each noise level
    of ``noises``. Returns ``{(pool, seed): {"steps", "reached", noise: metrics}}``
    with ``pool`` in ``"max"``, ``"maxblur"``; the models are under ``"model"``.
    """
    seeds = tuple(integer(s, "seeds") for s in seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    n_test = positive_int(n_test, "n_test")
    tests = {noise: centred_test_set(n_test, noise=noise, seed=test_seed) for noise in noises}
    out = {}
    for seed in seeds:
        for pool in POOL_NAMES:
            run = train_to_accuracy(pool, seed, target, **train_kwargs)
            row = {"model": run.model, "steps": run.steps, "reached": run.reached}
            for noise, (x, y) in tests.items():
                row[noise] = shift_metrics(run.model, x, y, max_shift=4, seed=seed)
            out[pool, seed] = row
    return out


def format_seed_table(table: dict, noise: float) -> str:
    """The rows of :func:`seed_table` at one test ``noise`` as text: one line per seed and network."""
    head = (f"{'seed':>4}  {'network':<14} {'steps':>5} {'accuracy':>9} {'mean |dp|':>10} {'P(flip)':>8} "
            f"{'consistency':>12}")
    lines = [head]
    for (pool, seed), row in table.items():
        m = row[noise]
        lines.append(f"{seed:>4}  {POOL_NAMES[pool]:<14} {row['steps']:>5} {m['accuracy']:>9.1%} "
                     f"{m['mean_dp_true']:>10.3f} {m['p_flip']:>8.1%} {m['consistency']:>12.1%}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Zhang's view: the true-class probability along a path of shifts
# --------------------------------------------------------------------------

#: The diagonal shifts of :func:`probability_along_shifts`: (k, k) pixels for k = 0..8.
SHIFT_PATH = tuple(range(9))


def shift_path_test_set(n: int = 100, noise: float = 0.25, seed: int = 7, max_shift: int = 8, gap: int = 2,
                        canvas: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images of the four classes placed so that a diagonal shift of up to ``max_shift`` keeps them inside.

    The sprite's top-left pixel lies at a random ``(row, col)`` in
    ``gap..canvas - 9 - max_shift - gap``: shifted down and right by up to
    ``max_shift`` pixels it stays at least ``gap`` pixels from every border.
    Gaussian noise of standard deviation ``noise``; classes balanced;
    drawn from ``seed``. Returns ``x`` ``(n, 1, canvas, canvas)`` and ``y``
    ``(n,)``. Raises ``ValueError`` if no position fits.
    """
    n = positive_int(n, "n")
    max_shift = integer(max_shift, "max_shift")
    gap = integer(gap, "gap")
    canvas = positive_int(canvas, "canvas")
    noise = non_negative_float(noise, "noise")
    hi = canvas - SPRITE_SIZE - max_shift - gap
    if max_shift < 0 or gap < 0 or hi < gap:
        raise ValueError(f"no position fits: a 9x9 sprite shifted by max_shift={max_shift} with gap={gap} "
                         f"on a {canvas}x{canvas} canvas needs max_shift + 2 * gap <= {canvas - SPRITE_SIZE}")
    return scatter_sprites(np.random.default_rng(integer(seed, "seed")), n, canvas, gap, hi, noise=noise)


def probability_along_shifts(model: Model, x, y, shifts=SHIFT_PATH) -> np.ndarray:
    """The probability ``model`` gives the true class as each image moves diagonally: ``(N, len(shifts))``.

    Column ``j`` is ``softmax(model(shift(x, k, k)))[n, y[n]]`` for
    ``k = shifts[j]``: the image moved ``k`` pixels down and ``k`` right,
    circularly (:func:`helpers.ops.shift`; with :func:`shift_path_test_set`
    only noise wraps around). This is the curve of Zhang (2019, Figure 1)
    for every image at once. ``x`` is ``(N, 1, H, W)``, ``y`` integer labels
    ``(N,)``; a probability is a number in [0, 1].
    """
    model = check_classifier(model)
    x = as_float_array(x, "x", ndims=(4,))
    y = check_labels(y, x.shape[0], model.n_classes)
    if isinstance(shifts, (str, bytes)) or not hasattr(shifts, "__iter__"):
        raise TypeError(f"shifts must be a sequence of integers, got {describe_value(shifts)}")
    shifts = [integer(k, "shifts") for k in shifts]
    if not shifts:
        raise ValueError("shifts must not be empty")
    idx = np.arange(x.shape[0])
    return np.stack([model.predict_proba(shift(x, k, k))[idx, y] for k in shifts], axis=1)


def shift_path_summary(probs) -> dict:
    """Numbers that sum up :func:`probability_along_shifts` ``(N, K)`` (first column: no shift).

    - ``mean_drop``: the mean over images of the largest drop below the
      unshifted probability, ``max_k (p_0 - p_k)`` (0 if it never drops);
    - ``max_drop``: the largest such drop of any image;
    - ``mean_swing``: the mean over images of ``max_k p_k - min_k p_k``;
    - ``mean_change``: ``(K,)``, the mean over images of ``|p_k - p_0|``
      for each shift ``k``.

    Probabilities are fractions in [0, 1], and so are the drops.
    """
    p = as_float_array(probs, "probs", ndims=(2,))
    if p.shape[1] < 2:
        raise ValueError(f"probs must have at least two shifts (columns), got shape {p.shape}")
    drop = np.maximum((p[:, :1] - p[:, 1:]).max(axis=1), 0.0)
    return {"mean_drop": float(drop.mean()), "max_drop": float(drop.max()),
            "mean_swing": float((p.max(axis=1) - p.min(axis=1)).mean()),
            "mean_change": np.abs(p - p[:, :1]).mean(axis=0)}
