"""Where translation invariance breaks: padding leaks position, and subsampling aliases.

Three experiments of notebook 05, small enough for a CPU in seconds: padding
lets a network tell where an object is (Kayhan & van Gemert 2020, "On
translation invariance in CNNs: convolutional layers can exploit absolute
spatial location"), a linear readout finds position in the features of a
zero-padded network (Islam, Jia & Bruce 2020, "How much position information
do convolutional neural networks encode?"), and the shift consistency of
trained classifiers (Zhang 2019; small shifts change the output: Azulay &
Weiss 2019):

1. **Which corner?** (:func:`corner_experiment`). The same cat sits in the
   top-left or in the bottom-right corner. One convolution layer, ReLU, a
   global max pool and a dense layer learn to say which. A global max pool
   forgets *where* a feature is, so the only way to tell is the border: with
   zero padding, windows that would stick out of the image do not exist, and
   which of the cat's responses are cut off depends on the corner. Away from
   the border, or with circular padding, nothing is cut off and the two
   classes give the same features.
2. **Position readout** (:func:`position_readout`). A stack of random
   convolutions; from the feature vector at each position of its output a
   linear least-squares readout predicts that position's (row, column). With
   zero padding it succeeds (the border is visible from everywhere once the
   receptive field is large); with circular padding no position is special.
3. **Shift consistency** (:func:`shift_metrics`). How often does a trained
   classifier change its answer when the image moves by one pixel? Max
   pooling against blur pooling (anti-aliasing), with the network and
   training of notebook 04 (:func:`train_everywhere`).

All randomness comes from seeds: the same arguments give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float_array, choice, describe_value, integer, non_negative_float, padding_choice, positive_int
from .ops import conv2d, max_pool2d, shift
from .sprites import CLASSES, SPRITE_SIZE, SPRITES, make_dataset, scatter_sprites, sprite
from .tinycnn.experiments import make_cnn
from .tinycnn.layers import Conv2D, Dense, ReLU
from .tinycnn.model import Adam, Model
from .tinycnn.pool_layers import GlobalMaxPool
from .tinycnn.training import evaluate, train

__all__ = [
    "CORNERS",
    "CORNER_PADDINGS",
    "CORNER_SETTINGS",
    "clear_caches",
    "corner_position",
    "corner_image",
    "corner_dataset",
    "make_corner_net",
    "CornerResult",
    "corner_experiment",
    "trained_corner_net",
    "corner_table",
    "RandomStack",
    "position_grid",
    "r2_score",
    "fit_readout",
    "position_readout",
    "distinct_positions",
    "train_everywhere",
    "centred_test_set",
    "shift_metrics",
]

#: The two classes of the corner experiment, in label order.
CORNERS = ("top-left", "bottom-right")
#: Paddings of the corner network: zeros or the image wrapped around.
CORNER_PADDINGS = ("zero", "circular")
#: The rows of notebook 05's corner table: ``(padding, k, gap)``.
CORNER_SETTINGS = (("zero", 3, 0), ("zero", 3, 1), ("zero", 3, 2), ("zero", 5, 1), ("circular", 3, 0))


def _check_gap(gap, canvas: int) -> int:
    gap = integer(gap, "gap")
    hi = (canvas - SPRITE_SIZE) // 2
    if not 0 <= gap <= hi:
        raise ValueError(f"gap must be in 0..{hi} on a {canvas}x{canvas} canvas (the cat's distance from "
                         f"the border, in pixels), got {gap}")
    return gap


# --------------------------------------------------------------------------
# 1. Which corner?
# --------------------------------------------------------------------------

def corner_position(corner: str, gap: int = 0, canvas: int = 28) -> tuple[int, int]:
    """Top-left pixel ``(row, col)`` of the cat ``gap`` pixels from the border in ``corner``."""
    choice(corner, "corner", CORNERS)
    canvas = positive_int(canvas, "canvas")
    if canvas < 2 * SPRITE_SIZE:
        raise ValueError(f"canvas must be at least {2 * SPRITE_SIZE} so that both corners hold a cat, got {canvas}")
    gap = _check_gap(gap, canvas)
    p = gap if corner == "top-left" else canvas - SPRITE_SIZE - gap
    return p, p


def corner_image(corner: str, gap: int = 0, canvas: int = 28, name: str = "cat") -> np.ndarray:
    """The sprite ``name`` ``gap`` pixels from the top and left (or bottom and right) border."""
    r, c = corner_position(corner, gap, canvas)
    choice(name, "name", tuple(SPRITES))
    out = np.zeros((canvas, canvas))
    out[r:r + SPRITE_SIZE, c:c + SPRITE_SIZE] = sprite(name)
    return out


def corner_dataset(n: int, gap: int = 0, noise: float = 0.1, seed: int = 0,
                   canvas: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images ``(n, 1, canvas, canvas)`` and labels ``(n,)``: 0 = top-left, 1 = bottom-right.

    Every image holds the same cat, ``gap`` pixels from the border of its
    corner, plus Gaussian noise of standard deviation ``noise``; the classes
    are balanced and shuffled by ``seed``.
    """
    n = positive_int(n, "n")
    noise = non_negative_float(noise, "noise")
    rng = np.random.default_rng(integer(seed, "seed"))
    images = np.stack([corner_image(c, gap, canvas) for c in CORNERS])
    y = np.arange(n) % 2
    rng.shuffle(y)
    x = images[y][:, None].copy()
    if noise > 0:
        x += noise * rng.standard_normal(x.shape)
    return x, y


def make_corner_net(padding: str = "zero", channels: int = 8, k: int = 3, seed: int = 0) -> Model:
    """``Conv2D(1 -> channels, k x k, padding) -> ReLU -> GlobalMaxPool -> Dense(channels -> 2)``.

    ``padding`` is ``"zero"`` (zeros) or ``"circular"``. The global max pool
    keeps, for each filter, its strongest response *anywhere*: the network
    has no direct way to see where anything is.
    """
    padding_choice(padding, "padding", CORNER_PADDINGS)
    channels = positive_int(channels, "channels")
    k = positive_int(k, "k")
    if k % 2 == 0:
        raise ValueError(f"k must be odd (3, 5, ...) so that 'zero' padding is the same on every side, got {k}")
    rng = np.random.default_rng(integer(seed, "seed"))
    return Model([Conv2D(1, channels, k, padding, rng=rng), ReLU(), GlobalMaxPool(), Dense(channels, 2, rng=rng)])


@dataclass
class CornerResult:
    """The outcome of :func:`corner_experiment`: the trained ``model``, its
    accuracy on its ``train`` set and on fresh ``test`` images, and the ``settings``."""

    model: Model
    train_accuracy: float
    test_accuracy: float
    settings: dict


def corner_experiment(padding: str = "zero", gap: int = 0, k: int = 3, seed: int = 0, n_train: int = 256,
                      n_test: int = 400, epochs: int = 8, channels: int = 8, noise: float = 0.1,
                      lr: float = 0.05) -> CornerResult:
    """Train :func:`make_corner_net` to tell the two corners apart (Kayhan & van Gemert 2020).

    Training and test images come from :func:`corner_dataset` with the same
    ``gap`` and ``noise`` and different seeds; training is ``epochs`` passes
    of Adam (learning rate ``lr``) in batches of 32. About 0.2 s with the
    defaults. Expected, with ``r = k // 2`` the filter's reach:

    - zero padding, ``gap < r``: near 100% test accuracy. Some windows that
      would see the cat are centred outside the image and do not exist, and
      which ones depends on the corner.
    - zero padding, ``r <= gap < 2 r``: better than chance, far from perfect
      (3x3 filters at gap 1: 49.0% to 69.8% over seeds 0-4, so at some seeds
      training misses the cue). Every window that sees the cat
      exists, but some of them also see padding, the one place without
      noise. With ``noise=0`` padding looks like background and the accuracy
      is exactly 50%.
    - zero padding, ``gap >= 2 r``, and circular padding: chance (50%).
    """
    padding_choice(padding, "padding", CORNER_PADDINGS)
    gap = _check_gap(gap, 28)
    model = make_corner_net(padding, channels, k, seed)
    x_tr, y_tr = corner_dataset(n_train, gap, noise, seed=1000 + seed)
    x_te, y_te = corner_dataset(n_test, gap, noise, seed=2000 + seed)
    history = train(model, x_tr, y_tr, epochs=epochs, batch_size=32, optimizer=Adam(lr), seed=seed,
                    progress=None)
    settings = dict(padding=padding, gap=gap, k=k, seed=seed, n_train=n_train, n_test=n_test, epochs=epochs,
                    channels=channels, noise=noise, lr=lr)
    return CornerResult(model, history.accuracy[-1], evaluate(model, x_te, y_te)[1], settings)


_CORNER_CACHE: dict = {}


def trained_corner_net(padding: str = "zero", gap: int = 0, k: int = 3, seed: int = 0) -> CornerResult:
    """:func:`corner_experiment` with default settings, trained once per session and cached."""
    key = (padding, gap, k, seed)
    if key not in _CORNER_CACHE:
        _CORNER_CACHE[key] = corner_experiment(padding, gap, k, seed)
    return _CORNER_CACHE[key]


def corner_table(settings=CORNER_SETTINGS, seeds=(0, 1, 2)) -> tuple[str, dict]:
    """Test accuracy of the corner network for several set-ups and seeds.

    ``settings`` is a sequence of ``(padding, k, gap)``. Returns the text
    table (accuracies in percent, one column per seed, then the mean) and a
    dict ``(padding, k, gap) -> list of accuracies``. Results are cached, so
    a live view built afterwards reuses the trained networks.
    """
    seeds = tuple(integer(s, "seeds") for s in seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    acc = {}
    for padding, k, gap in settings:
        acc[(padding, k, gap)] = [trained_corner_net(padding, gap, k, s).test_accuracy for s in seeds]
    head = f"{'padding':<9} {'filter':>6} {'gap':>4}  " + " ".join(f"{'seed ' + str(s):>7}" for s in seeds)
    lines = [head + f" {'mean':>7}"]
    for (padding, k, gap), values in acc.items():
        cells = " ".join(f"{v:>7.1%}" for v in values)
        lines.append(f"{padding:<9} {f'{k}x{k}':>6} {gap:>4}  {cells} {np.mean(values):>7.1%}")
    return "\n".join(lines), acc


# --------------------------------------------------------------------------
# 2. Position readout
# --------------------------------------------------------------------------

@dataclass
class RandomStack:
    """A stack of random convolutions: ``n_pool`` stages conv -> ReLU -> max pool 2x2,
    then ``depth - n_pool`` stages conv -> ReLU, all 3x3 with ``channels`` filters.

    ``weights`` is a list of ``(w, b)`` pairs, He-initialised from ``seed``,
    with biases of standard deviation ``bias_std`` (a bias makes the inside
    of a blank image differ from the zeros of the padding).
    """

    weights: list
    n_pool: int

    @classmethod
    def random(cls, depth: int = 5, channels: int = 32, n_pool: int = 2, seed: int = 0,
               bias_std: float = 0.5) -> RandomStack:
        depth = positive_int(depth, "depth")
        channels = positive_int(channels, "channels")
        n_pool = integer(n_pool, "n_pool")
        if not 0 <= n_pool <= depth:
            raise ValueError(f"n_pool must be in 0..depth ({depth}), got {n_pool}")
        bias_std = non_negative_float(bias_std, "bias_std")
        rng = np.random.default_rng(integer(seed, "seed"))
        weights, c_in = [], 1
        for _ in range(depth):
            w = rng.standard_normal((channels, c_in, 3, 3)) * np.sqrt(2.0 / (c_in * 9))
            weights.append((w, bias_std * rng.standard_normal(channels)))
            c_in = channels
        return cls(weights, n_pool)

    def features(self, x, padding: str = "zero") -> np.ndarray:
        """Features of images ``x`` ``(N, H, W)`` or ``(H, W)``: ``(N, C, h, w)`` or ``(C, h, w)``."""
        x = as_float_array(x, "x", ndims=(2, 3))
        padding_choice(padding, "padding", CORNER_PADDINGS)
        single = x.ndim == 2
        h = x[None, None] if single else x[:, None]
        for i, (w, b) in enumerate(self.weights):
            h = np.maximum(conv2d(h, w, b, padding=padding), 0.0)
            if i < self.n_pool:
                h = max_pool2d(h, 2)
        return h[0] if single else h


def position_grid(h: int, w: int) -> np.ndarray:
    """The ``(row, col)`` of every position of an ``h x w`` map, row by row: ``(h * w, 2)``."""
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return np.stack([rows.ravel(), cols.ravel()], axis=1).astype(float)


def r2_score(y, y_pred) -> float:
    """Coefficient of determination ``1 - sum (y - y_pred)^2 / sum (y - mean y)^2``.

    1 is a perfect prediction, 0 is no better than always predicting the
    mean, and it is negative for a prediction worse than that.
    """
    y = as_float_array(y, "y", ndims=(1,))
    y_pred = as_float_array(y_pred, "y_pred", ndims=(1,))
    if y.shape != y_pred.shape:
        raise ValueError(f"y and y_pred must have the same shape, got {y.shape} and {y_pred.shape}")
    total = ((y - y.mean()) ** 2).sum()
    if total == 0:
        raise ValueError("y is constant: R^2 is undefined")
    return float(1.0 - ((y - y_pred) ** 2).sum() / total)


def _design(features: np.ndarray) -> np.ndarray:
    """``(N, C, h, w)`` -> one row per (image, position): its C features and a 1."""
    n, c, h, w = features.shape
    rows = features.transpose(0, 2, 3, 1).reshape(n * h * w, c)
    return np.hstack([rows, np.ones((n * h * w, 1))])


def fit_readout(features) -> np.ndarray:
    """Least-squares weights ``(C + 1, 2)`` predicting each position's (row, col) from its features.

    ``features`` is ``(N, C, h, w)``. Every position of every image is one
    sample; the readout is linear: ``[row, col] ~ [f_1, ..., f_C, 1] @ coef``.
    """
    features = as_float_array(features, "features", ndims=(4,))
    n, _, h, w = features.shape
    targets = np.tile(position_grid(h, w), (n, 1))
    coef, *_ = np.linalg.lstsq(_design(features), targets, rcond=None)
    return coef


def position_readout(padding: str = "zero", seed: int = 0, n_train: int = 20, n_test: int = 10,
                     stack: RandomStack | None = None) -> dict:
    """Can a linear readout find *where* a feature vector comes from? (Islam, Jia & Bruce 2020.)

    Random images (uniform noise, 28x28) go through ``stack`` (default
    ``RandomStack.random(seed=seed)``: 7x7 maps of 32 features). The readout
    is fitted on ``n_train`` images and tested on ``n_test`` others. Returns
    ``{"r2_row", "r2_col", "true", "pred", "shape"}``: R^2 on the test images,
    the true and predicted ``(row, col)`` of every test position ``(n_test * h * w, 2)``.
    """
    padding_choice(padding, "padding", CORNER_PADDINGS)
    n_train = positive_int(n_train, "n_train")
    n_test = positive_int(n_test, "n_test")
    stack = RandomStack.random(seed=seed) if stack is None else stack
    rng = np.random.default_rng(100 + integer(seed, "seed"))
    images = rng.random((n_train + n_test, 28, 28))
    feats = stack.features(images, padding)
    coef = fit_readout(feats[:n_train])
    test = feats[n_train:]
    pred = _design(test) @ coef
    true = np.tile(position_grid(*test.shape[-2:]), (n_test, 1))
    return {"r2_row": r2_score(true[:, 0], pred[:, 0]), "r2_col": r2_score(true[:, 1], pred[:, 1]),
            "true": true, "pred": pred, "shape": test.shape[-2:]}


def distinct_positions(features, decimals: int = 9) -> int:
    """How many different feature vectors the positions of one map ``(C, h, w)`` hold.

    Vectors are compared after rounding to ``decimals`` decimals: the same
    sum computed at two positions can differ in its last bit (the matrix
    product behind :func:`helpers.ops.conv2d` may add in a different order
    at different places), and that is not a difference a readout could use.
    """
    features = as_float_array(features, "features", ndims=(3,))
    decimals = integer(decimals, "decimals")
    c = features.shape[0]
    rounded = np.round(features.reshape(c, -1).T, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return len(np.unique(rounded, axis=0))


# --------------------------------------------------------------------------
# 3. Shift consistency of trained classifiers
# --------------------------------------------------------------------------

_MODEL_CACHE: dict = {}


def clear_caches() -> None:
    """Forget the cached corner networks (:func:`trained_corner_net`) and trained classifiers
    (:func:`train_everywhere`), so that the next call trains again (for timing)."""
    _CORNER_CACHE.clear()
    _MODEL_CACHE.clear()


def train_everywhere(pool: str = "max", seed: int = 0) -> Model:
    """Notebook 04's network with a global max pooling head, trained on sprites placed everywhere.

    Exactly the setting of :func:`helpers.tinycnn.left_right_experiment` with
    ``train_region="everywhere"`` and ``heads=("gmp",)``: 1024 images, 2
    epochs of Adam (0.005), 16 channels, zero padding. ``pool`` is
    ``"max"`` (max pooling 2x2) or ``"maxblur"`` (a stride-1 max, then a
    [1, 4, 6, 4, 1] blur and subsampling: Zhang's MaxBlurPool). Cached.
    """
    choice(pool, "pool", ("max", "maxblur", "blur"))
    key = (pool, integer(seed, "seed"))
    if key not in _MODEL_CACHE:
        x, y, _ = make_dataset(1024, "everywhere", seed=seed)
        model = make_cnn(head="gmp", channels=16, pool=pool, n_classes=len(CLASSES), seed=seed)
        train(model, x, y, epochs=2, optimizer=Adam(0.005), seed=seed, progress=None)
        _MODEL_CACHE[key] = model
    return _MODEL_CACHE[key]


def centred_test_set(n: int = 200, noise: float = 0.05, seed: int = 0, margin: int = 4,
                     canvas: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images of the four classes with the sprite at least ``margin`` pixels from every border.

    Any shift of up to ``margin`` pixels then keeps the whole sprite on the
    canvas (the noise wraps around, which changes nothing on average).
    Returns ``x`` ``(n, 1, canvas, canvas)`` and labels ``y`` ``(n,)``.
    """
    n = positive_int(n, "n")
    noise = non_negative_float(noise, "noise")
    margin = integer(margin, "margin")
    if not 0 <= margin <= (canvas - SPRITE_SIZE) // 2:
        raise ValueError(f"margin must be in 0..{(canvas - SPRITE_SIZE) // 2}, got {margin}")
    return scatter_sprites(np.random.default_rng(integer(seed, "seed")), n, canvas, margin,
                           canvas - SPRITE_SIZE - margin, noise=noise)


def shift_metrics(model: Model, x, y, max_shift: int = 4, seed: int = 0) -> dict:
    """How much a classifier's answer depends on small shifts of the image.

    - ``accuracy``: fraction correct on the unshifted images;
    - ``consistency`` (Zhang 2019): fraction of images whose top-1 class is the
      same for two random shifts, each ``(dy, dx)`` drawn from
      ``-max_shift..max_shift``;
    - ``p_flip`` (Azulay & Weiss 2019): probability that a 1-pixel shift
      (down or right) changes the top-1 class;
    - ``mean_dprob``: mean absolute change, under those 1-pixel shifts, of
      the probability of the class predicted for the unshifted image;
    - ``mean_dp_true``: the same for the probability of the true class ``y``
      (the same class for every network, so the fairer of the two when
      networks are compared).

    Shifts are circular (:func:`helpers.ops.shift`); with
    :func:`centred_test_set` the sprite never crosses the border.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a helpers.tinycnn.Model, got {describe_value(model)}")
    x = as_float_array(x, "x", ndims=(4,))
    y = np.asarray(y)
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},) (one label per image), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    max_shift = integer(max_shift, "max_shift")
    if max_shift < 1:
        raise ValueError(f"max_shift must be at least 1, got {max_shift}")
    n = x.shape[0]
    idx = np.arange(n)
    p0 = model.predict_proba(x)
    top = p0.argmax(axis=1)
    flips, dprob, dtrue = [], [], []
    for dy, dx in ((1, 0), (0, 1)):
        p1 = model.predict_proba(shift(x, dy, dx))
        flips.append(np.mean(p1.argmax(axis=1) != top))
        dprob.append(np.mean(np.abs(p1[idx, top] - p0[idx, top])))
        dtrue.append(np.mean(np.abs(p1[idx, y] - p0[idx, y])))
    rng = np.random.default_rng(integer(seed, "seed"))
    s = rng.integers(-max_shift, max_shift + 1, size=(2, n, 2))
    pair = [np.stack([shift(x[i], *s[j, i]) for i in range(n)]) for j in range(2)]
    agree = model.predict(pair[0]) == model.predict(pair[1])
    return {"accuracy": float(np.mean(top == y)), "consistency": float(np.mean(agree)),
            "p_flip": float(np.mean(flips)), "mean_dprob": float(np.mean(dprob)),
            "mean_dp_true": float(np.mean(dtrue))}
