"""A tiny convolutional network in plain numpy, written so that it can be read.

One module per concern:

- :mod:`~helpers.tinycnn.layers`: :class:`Layer`, :class:`Conv2D`,
  :class:`ReLU`, :class:`Flatten`, :class:`Dense` and the loss
  :class:`SoftmaxCrossEntropy`, each with ``forward`` and ``backward``;
- :mod:`~helpers.tinycnn.pool_layers`: :class:`MaxPool2D`,
  :class:`BlurPool2D`, :class:`MaxBlurPool2D`, :class:`GlobalAvgPool`,
  :class:`GlobalMaxPool`;
- :mod:`~helpers.tinycnn.model`: :class:`Model` (a chain of layers) and the
  optimisers :class:`SGD` and :class:`Adam`;
- :mod:`~helpers.tinycnn.training`: :func:`train` and :func:`evaluate`;
- :mod:`~helpers.tinycnn.experiments`: notebook 04's network
  (:func:`make_cnn`) and experiments (:func:`left_right_experiment`,
  :func:`probability_vs_column`);
- ``_checks``: the input checks they share (private).

Dependencies run one way: layers <- pool_layers <- model <- training <-
experiments. This package re-exports the public names, so
``from helpers.tinycnn import Conv2D, Model, train`` works.

Shapes follow the deep-learning convention: images ``(N, C, H, W)`` (batch,
channels, height, width), convolution weights ``(O, C, kh, kw)``, dense
weights ``(in_features, out_features)``, logits ``(N, K)`` for ``K`` classes.
All arithmetic is float64 and every random number comes from a seeded
``numpy.random.Generator``: the same seed gives the same weights and the same
training run, bit for bit (on the same machine and numpy build).
"""

from .experiments import (
    DATA_COST_RUNS,
    HEADS,
    POOLS,
    LeftRightResult,
    data_cost_experiment,
    left_right_experiment,
    logit_change_vs_shift,
    make_cnn,
    probability_vs_column,
)
from .layers import Conv2D, Dense, Flatten, Layer, ReLU, SoftmaxCrossEntropy
from .model import SGD, Adam, Model, Parameter, check_classifier
from .pool_layers import BlurPool2D, GlobalAvgPool, GlobalMaxPool, MaxBlurPool2D, MaxPool2D
from .training import History, evaluate, train

__all__ = [
    "Layer",
    "Conv2D",
    "ReLU",
    "MaxPool2D",
    "BlurPool2D",
    "MaxBlurPool2D",
    "GlobalAvgPool",
    "GlobalMaxPool",
    "Flatten",
    "Dense",
    "SoftmaxCrossEntropy",
    "Model",
    "Parameter",
    "SGD",
    "Adam",
    "check_classifier",
    "History",
    "train",
    "evaluate",
    "HEADS",
    "POOLS",
    "make_cnn",
    "LeftRightResult",
    "left_right_experiment",
    "DATA_COST_RUNS",
    "data_cost_experiment",
    "probability_vs_column",
    "logit_change_vs_shift",
]
