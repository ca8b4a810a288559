"""A trained p4 network against a plain CNN on turned objects (notebook 05, section 4), in plain numpy.

Cohen & Welling (2016, "Group equivariant convolutional networks") share
every filter over the four 90-degree rotations (the group p4): the lifting
layer and the group layer of :mod:`helpers.groupconv`. A p4 network that
pools over orientations and positions is *invariant* to quarter turns of its
input, from its first random weights to its last trained ones; training
changes the weights but not the weight sharing. A plain CNN shares its
filters over positions only.

:func:`rotation_experiment` trains three networks on the same upright
objects, for one seed, and tests them on the test objects turned by 0, 90,
180 and 270 degrees:

- ``"p4"``: :func:`helpers.groupconv.make_p4_cnn` (4 filters, each used in
  4 orientations, two layers, zero padding, a max over orientations, a
  global max pool, a dense layer): 640 parameters;
- ``"plain"``: :func:`helpers.groupconv.make_plain_cnn` with 8 filters per
  layer: 700 parameters, with the same initial weights as ...
- ``"plain, rotated copies"``: the same plain CNN trained for as many steps
  on the same images, each turned by a random quarter turn (data
  augmentation: the invariance is learned from the data, not built in).

:func:`rotation_table` runs it for several seeds and formats the result.

The objects are the sprites ``cat``, ``triangle``, ``plus`` and ``box``
(:data:`ROTATION_CLASSES`) anywhere on a small canvas (16x16 by default, a
size divisible by 4 so that both 2x2 max pools keep the rotation law exact),
with Gaussian noise. A plus and a box look the same after a quarter turn;
a cat and a triangle do not.

All randomness comes from seeds: the same arguments give the same numbers,
bit for bit (on the same machine and numpy build).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import describe_value, integer, non_negative_float, positive_float, positive_int
from .groupconv import ORIENTATIONS, make_p4_cnn, make_plain_cnn, rot90
from .sprites import SPRITE_SIZE, SPRITES, scatter_sprites
from .tinycnn.model import Adam
from .tinycnn.training import train

__all__ = [
    "ROTATION_CLASSES",
    "ROTATION_NOISE",
    "NETWORKS",
    "ANGLES",
    "rotation_dataset",
    "turn_randomly",
    "RotationRun",
    "rotation_experiment",
    "rotation_table",
    "format_rotation_table",
]

#: The classes: two that change under a quarter turn (cat, triangle), two that do not (plus, box).
ROTATION_CLASSES = ("cat", "triangle", "plus", "box")
#: The three networks of :func:`rotation_experiment`, in the order they are printed.
NETWORKS = ("p4", "plain", "plain, rotated copies")
#: The standard deviation of the Gaussian noise on every image (the sprites are 0 and 1).
ROTATION_NOISE = 0.15
#: The test rotations in degrees (counter-clockwise).
ANGLES = (0, 90, 180, 270)


def _canvas(canvas) -> int:
    canvas = positive_int(canvas, "canvas")
    if canvas < SPRITE_SIZE or canvas % 4:
        raise ValueError(f"canvas must be a multiple of 4 (two 2x2 max pools must keep the rotation law "
                         f"exact) of at least {SPRITE_SIZE} (the sprite), got {canvas}")
    return canvas


def rotation_dataset(n: int, canvas: int = 16, noise: float = ROTATION_NOISE, seed: int = 0,
                     classes=ROTATION_CLASSES) -> tuple[np.ndarray, np.ndarray]:
    """``n`` upright objects, balanced over ``classes``, anywhere on a ``canvas`` x ``canvas`` image.

    Each image holds one 9x9 sprite with its top-left pixel at a random
    ``(row, col)`` in ``0..canvas - 9``, plus Gaussian noise of standard
    deviation ``noise``. Returns images ``(n, 1, canvas, canvas)`` and labels
    ``(n,)`` (indices into ``classes``). The positions are spread evenly
    over the canvas, so a quarter turn of the whole image gives the same
    spread: only the object's orientation changes.

    Raises ``ValueError`` for ``n < 1``, a ``canvas`` that is not a multiple
    of 4 of at least 9, a negative ``noise`` or unknown class names.
    """
    n = positive_int(n, "n")
    canvas = _canvas(canvas)
    noise = non_negative_float(noise, "noise")
    if isinstance(classes, str) or not hasattr(classes, "__len__") or len(classes) < 2:
        raise ValueError(f"classes must be a sequence of at least two sprite names, got {describe_value(classes)}")
    for c in classes:
        if c not in SPRITES:
            raise ValueError(f"classes must hold sprite names from {sorted(SPRITES)}, got {c!r}")
    return scatter_sprites(np.random.default_rng(integer(seed, "seed")), n, canvas, 0, canvas - SPRITE_SIZE,
                           tuple(classes), noise)


def turn_randomly(x, seed: int = 0) -> np.ndarray:
    """Each image of ``x`` ``(N, C, H, H)`` turned by its own random quarter turn (0 to 3, drawn from ``seed``).

    This is the data augmentation of :func:`rotation_experiment`: the same
    images, in the same order, each shown at a random one of the four angles.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 4 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"x must be square images (N, C, H, H), got shape {x.shape}")
    turns = np.random.default_rng(integer(seed, "seed")).integers(0, ORIENTATIONS, x.shape[0])
    out = np.empty_like(x)
    for r in range(ORIENTATIONS):
        out[turns == r] = rot90(x[turns == r], r)
    return out


@dataclass
class RotationRun:
    """One seed of :func:`rotation_experiment`.

    ``accuracy[name]``: test accuracy (fraction) at 0, 90, 180 and 270
    degrees, for each name in :data:`NETWORKS`; ``class_accuracy[name]``:
    ``(4 angles, 4 classes)`` accuracy per class; ``same_answers[name]``: the
    fraction of test images whose top-1 class is the same at all four
    angles; ``n_params[name]``;
    ``p4_logit_change``: the largest ``|logits(turned) - logits(upright)|`` of
    the p4 network over the test images and the three turns (rounding only:
    the same sums in another order); ``p4_same_answers``: whether its top-1
    class is the same for every test image at every angle; ``models``: the
    trained networks (their forward caches dropped).
    """

    seed: int
    accuracy: dict = field(default_factory=dict)
    class_accuracy: dict = field(default_factory=dict)
    same_answers: dict = field(default_factory=dict)
    n_params: dict = field(default_factory=dict)
    p4_logit_change: float = 0.0
    models: dict = field(default_factory=dict)

    @property
    def p4_same_answers(self) -> bool:
        """Whether the p4 network's top-1 class is the same for every test image at every angle."""
        return self.same_answers.get("p4") == 1.0


def rotation_experiment(seed: int = 0, steps: int = 160, batch_size: int = 32, lr: float = 0.005,
                        n_test: int = 200, canvas: int = 16, noise: float = ROTATION_NOISE) -> RotationRun:
    """Train the p4 network, the plain CNN and the plain CNN on rotated copies; test at four angles.

    The three networks see ``steps`` Adam steps (learning rate ``lr``) of
    ``batch_size`` images each, every image used once: the same upright
    training images (:func:`rotation_dataset`, seed ``seed``) for ``"p4"``
    and ``"plain"``; the same images turned by :func:`turn_randomly` for
    ``"plain, rotated copies"``. Both plain CNNs start from the same weights
    (seed ``seed``). The test set is ``n_test`` upright images (seed
    ``seed + 100``), turned whole by 0, 90, 180 and 270 degrees.

    With the defaults one seed takes about 2 s of one core. Returns a
    :class:`RotationRun`. Raises ``ValueError``/``TypeError`` for bad
    arguments (naming the argument).
    """
    seed = integer(seed, "seed")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    steps = positive_int(steps, "steps")
    batch_size = positive_int(batch_size, "batch_size")
    lr = positive_float(lr, "lr")
    n_test = positive_int(n_test, "n_test")
    k = len(ROTATION_CLASSES)
    x, y = rotation_dataset(steps * batch_size, canvas, noise, seed)
    x_test, y_test = rotation_dataset(n_test, canvas, noise, seed + 100)
    models = {"p4": make_p4_cnn(4, k, "zero", "max", seed),
              "plain": make_plain_cnn(8, k, "zero", "max", seed),
              "plain, rotated copies": make_plain_cnn(8, k, "zero", "max", seed)}
    data = {"p4": x, "plain": x, "plain, rotated copies": turn_randomly(x, seed + 1000)}
    run = RotationRun(seed)
    logits = {}
    for name in NETWORKS:
        model = models[name]
        train(model, data[name], y, epochs=1, batch_size=batch_size, optimizer=Adam(lr), seed=seed, progress=None)
        run.n_params[name] = model.n_params()
        outs = [model.logits(rot90(x_test, r)) for r in range(ORIENTATIONS)]
        logits[name] = outs
        answers = [o.argmax(axis=1) for o in outs]
        run.accuracy[name] = [float(np.mean(a == y_test)) for a in answers]
        run.same_answers[name] = float(np.mean([len(set(a)) == 1 for a in zip(*answers)]))
        run.class_accuracy[name] = np.array([[np.mean(a[y_test == c] == c) for c in range(k)] for a in answers])
    p4 = logits["p4"]
    run.p4_logit_change = float(max(np.abs(o - p4[0]).max() for o in p4[1:]))
    run.models = models
    return run


def rotation_table(seeds=(0, 1, 2, 3, 4), **kwargs) -> list[RotationRun]:
    """:func:`rotation_experiment` for each seed (keyword arguments passed on); a list of :class:`RotationRun`."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of integer seeds, got {describe_value(seeds)}")
    seeds = [integer(s, "seeds") for s in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    return [rotation_experiment(s, **kwargs) for s in seeds]


def format_rotation_table(runs) -> str:
    """The accuracies of :func:`rotation_table` as text: one line per seed and network, one column per angle."""
    if not isinstance(runs, (list, tuple)) or not all(isinstance(r, RotationRun) for r in runs):
        raise TypeError(f"runs must be a list of RotationRun (from rotation_table), got {describe_value(runs)}")
    head = f"{'seed':>4}  {'network':<22}" + "".join(f"{f'{a} deg':>9}" for a in ANGLES)
    lines = [head]
    for run in runs:
        for name in NETWORKS:
            lines.append(f"{run.seed:>4}  {name:<22}" + "".join(f"{a:>9.1%}" for a in run.accuracy[name]))
    return "\n".join(lines)
