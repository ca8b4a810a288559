"""Real handwriting for the left/right experiment: scikit-learn's 8x8 digits placed on a blank canvas.

The data are the 1,797 handwritten digits that scikit-learn ships inside
its wheel (``sklearn/datasets/data/digits.csv.gz``, the file
``sklearn.datasets.load_digits`` reads): the test part of the UCI
"Optical Recognition of Handwritten Digits" set (E. Alpaydin and C. Kaynak,
Bogazici University, 1998; Alpaydin & Kaynak, "Cascading Classifiers",
Kybernetika 1998). Each digit was written by one of 13 people on a form,
scanned to 32x32 black-and-white pixels, and each 4x4 block counted: an 8x8
image of integers from 0 (blank) to 16 (all ink), labels 0 to 9.

Nothing is downloaded. :func:`load_digits` reads that CSV file where
scikit-learn is installed, without importing scikit-learn: importing it
loads SciPy and adds about 90 MB to a kernel, against about 1 MB for the
file (measured on 2026-12-01, scikit-learn 1.9.1; DEVELOPERS.md). A unit
test checks that the arrays equal ``sklearn.datasets.load_digits()``'s, and
where the file is not at its usual place the function falls back to that
call.

:func:`split_digits` splits the digits into training and held-out images,
class by class; :func:`place_digits` puts 8x8 digits on a canvas at given
rows and columns; :func:`digit_columns` gives the columns of the two halves;
:func:`left_right_digits` runs notebook 06's experiment: train on the left
half, test held-out digits on the left half and the same held-out digits on
the right half.
"""

from __future__ import annotations

import gzip
import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validate import as_float_array, choice, describe_value, integer, positive_float, positive_int
from .tinycnn._checks import as_rng
from .tinycnn.experiments import check_seed_and_heads, make_cnn
from .tinycnn.model import Adam, check_classifier
from .tinycnn.training import evaluate, train

__all__ = ["DIGIT_SIZE", "INK_MAX", "load_digits", "split_digits", "digit_columns", "place_digits",
           "DigitsResult", "left_right_digits", "logits_of", "first_layer_moves", "accuracy_gap"]

#: Height and width of one digit, in pixels.
DIGIT_SIZE = 8
#: The largest pixel value of the data set: 16 of the 16 pixels of a 4x4 block carried ink.
INK_MAX = 16


def _csv_path() -> Path | None:
    """Where scikit-learn's wheel keeps ``digits.csv.gz``, found without importing scikit-learn; None if absent."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    return path if path.is_file() else None


def load_digits(classes=None) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten 8x8 digits that scikit-learn ships, as ``(images, labels)``.

    ``images``: float array ``(N, 8, 8)``, ink from 0.0 (blank) to 1.0 (each
    value is the source's count of 0 to 16 inked pixels, divided by 16).
    ``labels``: int array ``(N,)`` of digits 0 to 9. ``classes``: ``None``
    for all ten digits, or a sequence of distinct digits; the images of
    those digits are kept, in the file's order, and relabelled ``0 ..
    len(classes) - 1`` in the order given (``classes=(3, 8)``: 3 becomes 0,
    8 becomes 1).

    Source: the test part of the UCI "Optical Recognition of Handwritten
    Digits" set (Alpaydin & Kaynak, 1998), as bundled in scikit-learn
    (BSD-3-Clause). Raises ``ImportError`` if scikit-learn is not installed,
    ``ValueError``/``TypeError`` for bad ``classes``.
    """
    picked = _check_classes(classes)
    path = _csv_path()
    if path is not None:
        with gzip.open(path, "rt") as f:
            table = np.loadtxt(f, delimiter=",")
        images, labels = table[:, :-1].reshape(-1, DIGIT_SIZE, DIGIT_SIZE), table[:, -1].astype(int)
    else:  # the file has been at this place in every scikit-learn release tried (1.3.0, 1.9.1)
        try:
            from sklearn.datasets import load_digits as sklearn_load_digits
        except ImportError as err:
            raise ImportError("load_digits needs scikit-learn, which ships the data: "
                              "pip install scikit-learn (or pip install -e . in this project)") from err
        bunch = sklearn_load_digits()
        images, labels = bunch.images.astype(float), bunch.target.astype(int)
    images = images / INK_MAX
    if picked is None:
        return images, labels
    keep = np.isin(labels, picked)
    relabel = np.full(10, -1)
    relabel[list(picked)] = np.arange(len(picked))
    return images[keep], relabel[labels[keep]]


def _check_classes(classes):
    if classes is None:
        return None
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise TypeError(f"classes must be None or a sequence of digits 0 to 9, got {describe_value(classes)}")
    picked = tuple(integer(c, "classes") for c in classes)
    if len(picked) < 2 or len(set(picked)) != len(picked) or not all(0 <= c <= 9 for c in picked):
        raise ValueError(f"classes must hold at least two distinct digits from 0 to 9, got {picked}")
    return picked


def split_digits(labels, held_out: float = 1 / 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, held_out)`` that split the images class by class, shuffled by ``seed``.

    ``labels``: int array ``(N,)``. Of each class's images, a fraction
    ``held_out`` (rounded) goes to the held-out set, the rest to training;
    no image is in both. Both index arrays are sorted. Raises ``ValueError``
    for a fraction outside (0, 1) or a class with fewer than two images.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a non-empty 1-D integer array, got {describe_value(labels)}")
    held_out = positive_float(held_out, "held_out")
    if not held_out < 1:
        raise ValueError(f"held_out must be a fraction between 0 and 1, got {held_out}")
    rng = as_rng(seed, "seed")
    train_idx, test_idx = [], []
    for k in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == k))
        n_out = int(round(held_out * len(idx)))
        if len(idx) < 2 or not 0 < n_out < len(idx):
            raise ValueError(f"class {k} has {len(idx)} images: too few to split with held_out={held_out}")
        test_idx.append(idx[:n_out])
        train_idx.append(idx[n_out:])
    return np.sort(np.concatenate(train_idx)), np.sort(np.concatenate(test_idx))


def digit_columns(region: str, canvas: int = 24) -> tuple[int, int]:
    """First and last column of a digit's left edge in ``region`` (``"left"`` or ``"right"``), inclusive.

    The left half is columns ``0 .. canvas/2 - 1``, the right half the rest;
    a digit (8 pixels wide) in a half lies inside it. For the default
    24-pixel canvas: left edges 0 to 4 in the left half, 12 to 16 in the
    right. ``canvas`` must be even and at least 16.
    """
    choice(region, "region", ("left", "right"))
    canvas = _check_canvas(canvas)
    half = canvas // 2
    return (0, half - DIGIT_SIZE) if region == "left" else (half, canvas - DIGIT_SIZE)


def _check_canvas(canvas) -> int:
    canvas = positive_int(canvas, "canvas")
    if canvas % 2 or canvas < 2 * DIGIT_SIZE:
        raise ValueError(f"canvas must be an even number of pixels, at least {2 * DIGIT_SIZE} (two digits wide), "
                         f"got {canvas}")
    return canvas


def place_digits(images, rows, cols, canvas: int = 24) -> np.ndarray:
    """Put each 8x8 digit on a blank ``canvas x canvas`` image, its top-left pixel at ``(rows[i], cols[i])``.

    ``images``: ``(N, 8, 8)``; ``rows``, ``cols``: integer arrays ``(N,)``
    (or single integers, used for every image) with ``0 <= row, col <=
    canvas - 8``. Returns ``(N, 1, canvas, canvas)``, the shape
    :func:`helpers.tinycnn.train` expects, zeros (blank) around each digit.
    """
    images = as_float_array(images, "images", ndims=(3,))
    if images.shape[1:] != (DIGIT_SIZE, DIGIT_SIZE):
        raise ValueError(f"images must have shape (N, 8, 8), got {images.shape}")
    canvas = _check_canvas(canvas)
    n = len(images)
    where = []
    for name, value in (("rows", rows), ("cols", cols)):
        arr = np.broadcast_to(np.asarray(value), (n,)) if np.ndim(value) == 0 else np.asarray(value)
        if arr.shape != (n,) or arr.dtype.kind not in "iu":
            raise ValueError(f"{name} must be an integer or an integer array of shape ({n},), "
                             f"got {describe_value(value)}")
        if n and (arr.min() < 0 or arr.max() > canvas - DIGIT_SIZE):
            raise ValueError(f"{name} must lie from 0 to {canvas - DIGIT_SIZE} (an 8-pixel digit on a "
                             f"{canvas}-pixel canvas), got values from {arr.min()} to {arr.max()}")
        where.append(arr)
    out = np.zeros((n, 1, canvas, canvas))
    offsets = np.arange(DIGIT_SIZE)
    r = where[0][:, None, None] + offsets[None, :, None]
    c = where[1][:, None, None] + offsets[None, None, :]
    out[np.arange(n)[:, None, None], 0, r, c] = images
    return out


@dataclass
class DigitsResult:
    """The outcome of :func:`left_right_digits` at one seed.

    ``accuracy``: head -> ``{"train": a, "left": b, "right": c}``, fractions:
    on the training images (left half), on the held-out digits in the left
    half, and on the same held-out digits moved to the right half.
    ``predictions``: head -> ``{"left": p, "right": p}``, int arrays of the
    predicted classes of the held-out digits. ``logits``: head -> ``{"left":
    z, "right": z}``, ``(n_held_out, K)``. ``models``: head -> trained
    :class:`~helpers.tinycnn.Model`. ``data``: ``{"train": (x, y), "left": (x,
    y), "right": (x, y)}`` (images ``(N, 1, canvas, canvas)``). ``seconds``:
    head -> training time (varies: never print it in a notebook).
    ``settings``: the arguments of the run.
    """

    accuracy: dict
    predictions: dict
    logits: dict
    models: dict
    data: dict
    seconds: dict
    settings: dict


def left_right_digits(seed: int = 0, heads=("flatten", "gmp"), classes=(0, 1, 2, 3), canvas: int = 24,
                      held_out: float = 1 / 3, epochs: int = 10, channels: int = 16, lr: float = 0.005,
                      progress=None) -> DigitsResult:
    """Notebook 06's experiment: train on handwritten digits in the left half, test on both halves.

    The digits of ``classes`` (:func:`load_digits`) are split class by class
    (:func:`split_digits`, fraction ``held_out``, shuffled by ``seed``). Each
    training digit is placed at a random row and a random column of the left
    half (:func:`digit_columns`); each held-out digit at a random row and
    left-half column (the left test set), and again at the same row, ``canvas
    / 2`` columns further right (the right test set: the same digits, only
    moved). Each head in ``heads`` (from :data:`helpers.tinycnn.HEADS`) gets
    :func:`helpers.tinycnn.make_cnn` with ``channels`` filters, the
    ``canvas`` size and the same ``seed`` (the same convolution weights at
    the start), trained for ``epochs`` passes in batches of 64 with Adam at
    learning rate ``lr``. Everything random comes from ``seed``.

    Returns a :class:`DigitsResult`. ``ValueError``/``TypeError`` name a bad
    argument; ``ImportError`` if scikit-learn (which ships the data) is
    missing.
    """
    seed, heads = check_seed_and_heads(seed, heads)
    canvas = _check_canvas(canvas)
    epochs = positive_int(epochs, "epochs")
    channels = positive_int(channels, "channels")
    lr = positive_float(lr, "lr")
    images, labels = load_digits(classes)
    n_classes = int(labels.max()) + 1
    tr, te = split_digits(labels, held_out, seed)
    rng = np.random.default_rng([seed, 6])
    lo, hi = digit_columns("left", canvas)
    top = canvas - DIGIT_SIZE
    x_tr = place_digits(images[tr], rng.integers(0, top + 1, len(tr)), rng.integers(lo, hi + 1, len(tr)), canvas)
    rows, cols = rng.integers(0, top + 1, len(te)), rng.integers(lo, hi + 1, len(te))
    x_le = place_digits(images[te], rows, cols, canvas)
    x_ri = place_digits(images[te], rows, cols + canvas // 2, canvas)
    y_tr, y_te = labels[tr], labels[te]
    accuracy, predictions, logits, models, seconds = {}, {}, {}, {}, {}
    for h in heads:
        model = make_cnn(head=h, channels=channels, n_classes=n_classes, canvas=canvas, seed=seed)
        t0 = time.perf_counter()
        train(model, x_tr, y_tr, epochs=epochs, optimizer=Adam(lr), seed=seed, progress=progress,
              title=f"{h} head")
        seconds[h] = time.perf_counter() - t0
        z = {half: logits_of(model, x) for half, x in (("left", x_le), ("right", x_ri))}
        models[h], logits[h] = model, z
        predictions[h] = {half: v.argmax(axis=1) for half, v in z.items()}
        accuracy[h] = {"train": evaluate(model, x_tr, y_tr)[1],
                       **{half: float((p == y_te).mean()) for half, p in predictions[h].items()}}
    settings = dict(seed=seed, heads=heads, classes=classes, canvas=canvas, held_out=held_out, epochs=epochs,
                    channels=channels, lr=lr, n_train=len(tr), n_held_out=len(te), n_classes=n_classes)
    data = {"train": (x_tr, y_tr), "left": (x_le, y_te), "right": (x_ri, y_te)}
    return DigitsResult(accuracy, predictions, logits, models, data, seconds, settings)


def logits_of(model, x, batch_size: int = 100) -> np.ndarray:
    """The logits ``(N, K)`` of ``model`` for images ``x`` ``(N, 1, H, W)``, computed in batches.

    Batches of ``batch_size`` images keep the memory of the forward pass
    small, and the model's saved forward results are freed afterwards
    (:meth:`~helpers.tinycnn.Model.forget`), so a notebook's kernel does not
    keep them.
    """
    return check_classifier(model).logits(as_float_array(x, "x", ndims=(4,)), batch_size)


def first_layer_moves(model, x_left, x_right, cols: int) -> bool:
    """True when the first convolution + ReLU of ``model`` maps ``x_right`` to ``x_left``'s maps moved ``cols`` right.

    ``x_left``, ``x_right``: images ``(N, 1, H, W)``; ``cols``: a shift from
    1 to ``W - 1`` columns. Compares the maps of ``x_right`` at columns
    ``cols .. W-1`` with those of ``x_left`` at ``0 .. W-1-cols``, exactly
    (``np.array_equal``): the part of the moved map that is still on the
    canvas. The model's first two layers must be a convolution and its
    activation (as in :func:`helpers.tinycnn.make_cnn`). The maps are
    dropped afterwards, so the check keeps no memory.
    """
    model = check_classifier(model)
    x_left = as_float_array(x_left, "x_left", ndims=(4,))
    x_right = as_float_array(x_right, "x_right", ndims=(4,))
    if x_left.shape != x_right.shape:
        raise ValueError(f"x_left and x_right must have the same shape, got {x_left.shape} and {x_right.shape}")
    cols = integer(cols, "cols")
    width = x_left.shape[-1]
    if not 0 < cols < width:
        raise ValueError(f"cols must be a shift from 1 to {width - 1} columns, got {cols}")
    first, activation = model.layers[:2]
    same = True
    for i in range(0, len(x_left), 100):
        left = activation.forward(first.forward(x_left[i:i + 100]))
        right = activation.forward(first.forward(x_right[i:i + 100]))
        same &= bool(np.array_equal(right[..., cols:], left[..., :width - cols]))
    model.forget()
    return same


def accuracy_gap(labels, pred_left, pred_right) -> tuple[float, float, float]:
    """``(accuracy left, accuracy right, gap)`` for predictions of the same digits in both halves.

    ``labels``, ``pred_left``, ``pred_right``: integer arrays ``(N,)`` (true
    classes, predicted classes with the digits in the left half, and in the
    right half). Accuracies are fractions from 0 to 1; ``gap`` is left minus
    right, positive when the network does worse on the right.
    """
    arrays = []
    for name, value in (("labels", labels), ("pred_left", pred_left), ("pred_right", pred_right)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must be an integer array of classes, got {describe_value(value)}")
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got {describe_value(value)}")
        arrays.append(arr)
    if len({a.shape for a in arrays}) != 1:
        raise ValueError(f"labels, pred_left and pred_right must have the same length, got shapes "
                         f"{[a.shape for a in arrays]}")
    left = float((arrays[1] == arrays[0]).mean())
    right = float((arrays[2] == arrays[0]).mean())
    return left, right, left - right
