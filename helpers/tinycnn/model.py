"""The model, a chain of layers, and the optimisers that change its weights.

:class:`Model` chains layers; ``forward(x, keep=True)`` keeps every
intermediate result in ``model.activations`` so that a notebook can show
feature maps, pooled maps, logits and probabilities of one image.
:class:`SGD` (with momentum) and :class:`Adam` update the weights in place
from the gradients the last ``backward`` left in the layers.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, describe_value, positive_float, positive_int
from ..ops import softmax
from .layers import Conv2D, Dense, Layer

__all__ = ["Parameter", "Model", "Optimizer", "SGD", "Adam", "check_classifier"]


@dataclass
class Parameter:
    """One weight array of a model with its gradient: ``name`` is like ``"conv1.w"``.

    ``value`` is the layer's own array: optimisers change it in place.
    """

    name: str
    value: np.ndarray
    grad: np.ndarray


class Model:
    """A chain of layers: ``Model([Conv2D(1, 8), ReLU(), MaxPool2D(), ...])``.

    ``forward(x)`` returns the logits ``(N, K)``; ``forward(x, keep=True)``
    also keeps every intermediate result in :attr:`activations`, a dict from
    layer name (``"input"``, ``"conv1"``, ``"relu1"``, ``"pool1"``, ...,
    ``"logits"``, ``"probs"``) to array. Layers are named by kind and number
    unless they already have a ``name``; the last dense layer is ``"logits"``.
    """

    def __init__(self, layers):
        if isinstance(layers, Layer) or not hasattr(layers, "__iter__"):
            raise TypeError(f"layers must be a list of Layer objects, got {describe_value(layers)}")
        layers = list(layers)
        if not layers:
            raise ValueError("layers must not be empty: a Model needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer (Conv2D, ReLU, ...), got {describe_value(layer)}")
        self.layers = layers
        counts: dict[str, int] = {}
        for i, layer in enumerate(layers):
            if layer.name is None:
                if i == len(layers) - 1 and isinstance(layer, Dense):
                    layer.name = "logits"
                else:
                    counts[layer.kind] = counts.get(layer.kind, 0) + 1
                    layer.name = f"{layer.kind}{counts[layer.kind]}"
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique, got {names}")
        self.activations: dict[str, np.ndarray] = {}

    @property
    def n_classes(self) -> int | None:
        """Number of outputs of the last layer if it is :class:`Dense`, else ``None``."""
        last = self.layers[-1]
        return last.out_features if isinstance(last, Dense) else None

    def forward(self, x, keep: bool = False) -> np.ndarray:
        """Logits ``(N, K)`` for images ``x`` ``(N, C, H, W)``.

        With ``keep=True`` every layer's output is stored in :attr:`activations`
        (with ``"input"`` first and ``"probs"``, the softmax of the output, last).
        """
        out = as_float_array(x, "x").astype(np.float64, copy=False)
        if keep:
            self.activations = {"input": out}
        for layer in self.layers:
            out = layer.forward(out)
            if keep:
                self.activations[layer.name] = out
        if keep and out.ndim == 2:
            self.activations["probs"] = softmax(out, axis=1)
        return out

    def backward(self, grad_logits, input_grad: bool = False) -> np.ndarray | None:
        """Back-propagate ``dL/dlogits`` through every layer, filling each layer's ``grads``.

        Returns ``dL/dx`` ``(N, C, H, W)`` if ``input_grad=True`` (a saliency
        map), else ``None`` and the first layer skips that part of the work.
        """
        g = grad_logits
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and isinstance(layer, (Conv2D, Dense)):
                return layer.backward(g, input_grad=input_grad)
            g = layer.backward(g)
        return g if input_grad else None

    def params(self):
        """Iterate over every weight array as :class:`Parameter` ``(name, value, grad)``."""
        for layer in self.layers:
            for key, value in layer.params.items():
                yield Parameter(f"{layer.name}.{key}", value, layer.grads[key])

    def forget(self) -> None:
        """Free every layer's saved forward results (see :meth:`Layer.forget`).

        :meth:`logits`, :meth:`predict_proba`, :func:`evaluate` and :func:`train` call it when
        they finish, so a trained model holds only its weights (and
        :attr:`activations`, if ``forward(x, keep=True)`` was used).
        """
        for layer in self.layers:
            layer.forget()

    def n_params(self) -> int:
        """Total number of learned numbers."""
        return sum(p.value.size for p in self.params())

    def logits(self, x, batch_size: int = 100) -> np.ndarray:
        """The outputs ``(N, K)`` for images ``x`` ``(N, C, H, W)``, computed ``batch_size`` images at a time.

        Batches keep the forward pass's memory small, and what the layers
        saved for a backward pass is freed afterwards (:meth:`forget`), so
        the model holds only its weights.
        """
        x = as_float_array(x, "x")
        batch_size = positive_int(batch_size, "batch_size")
        out = np.concatenate([self.forward(x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)])
        self.forget()
        return out

    def predict_proba(self, x, batch_size: int = 100) -> np.ndarray:
        """Class probabilities ``(N, K)`` (softmax of the logits), computed in batches."""
        return softmax(self.logits(x, batch_size), axis=1)

    def predict(self, x, batch_size: int = 100) -> np.ndarray:
        """The most probable class of each image, ``(N,)`` integers."""
        return self.predict_proba(x, batch_size).argmax(axis=1)

    def summary(self, input_shape=(1, 28, 28)) -> str:
        """A table of the layers with their output shapes and parameter counts."""
        if not (isinstance(input_shape, tuple) and len(input_shape) == 3):
            raise ValueError(f"input_shape must be a (C, H, W) tuple, got {describe_value(input_shape)}")
        shape = tuple(positive_int(v, "input_shape") for v in input_shape)
        out = np.zeros((1, *shape))
        lines = [f"{'layer':<10} {'operation':<32} {'output shape':<16} {'params':>7}",
                 f"{'input':<10} {'':<32} {str(shape):<16} {'':>7}"]
        for layer in self.layers:
            out = layer.forward(out)
            n = sum(v.size for v in layer.params.values())
            lines.append(f"{layer.name:<10} {layer.describe():<32} {str(out.shape[1:]):<16} {n:>7}")
        lines.append(f"{'total':<10} {'':<32} {'':<16} {self.n_params():>7}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "Model([" + ", ".join(layer.describe() for layer in self.layers) + "])"


def check_classifier(model, name: str = "model") -> Model:
    """``model`` itself if it is a :class:`Model` whose last layer is :class:`Dense` (the logits).

    Raises ``TypeError`` for anything but a :class:`Model` and ``ValueError``
    for a model without a final dense layer, naming the argument ``name``.
    """
    if not isinstance(model, Model):
        raise TypeError(f"{name} must be a Model, got {describe_value(model)}")
    if model.n_classes is None:
        raise ValueError(f"{name} must end with a Dense layer (the logits), got {model.layers[-1].describe()}")
    return model


class Optimizer:
    """Base class of the optimisers: a learning rate ``lr`` > 0 and per-parameter state; ``step(params)`` updates."""

    def __init__(self, lr: float):
        self.lr = positive_float(lr, "lr")
        self.state: dict[int, tuple] = {}
        self.steps = 0

    def _check(self, params) -> list:
        params = list(params)
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"params must be Parameter objects (from model.params()), got {describe_value(p)}")
        return params

    def _slot(self, p: Parameter, n: int) -> list:
        # Keyed by the identity of the weight array, which is updated in place;
        # the array itself is kept so that its id cannot be reused.
        key = id(p.value)
        if key not in self.state:
            self.state[key] = (p.value, [np.zeros_like(p.value) for _ in range(n)])
        return self.state[key][1]


class SGD(Optimizer):
    """Stochastic gradient descent with momentum: ``v = momentum * v - lr * g``, ``w += v``."""

    def __init__(self, lr: float = 0.05, momentum: float = 0.9):
        super().__init__(lr)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number in [0, 1), got {describe_value(momentum)}")
        self.momentum = float(momentum)

    def step(self, params) -> None:
        """Update every parameter in place from its gradient."""
        self.steps += 1
        for p in self._check(params):
            (v,) = self._slot(p, 1)
            v *= self.momentum
            v -= self.lr * p.grad
            p.value += v

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): each weight's step is scaled by a running size of its gradient.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``, and
    ``w -= lr * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected
    ``m_hat``, ``v_hat``. Robust to the scale of the gradients, so it needs
    little tuning. The default ``lr`` suits the small networks of these
    notebooks (the usual default, 0.001, also works but needs more steps).
    """

    def __init__(self, lr: float = 0.005, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(lr)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2
                and all(isinstance(b, numbers.Real) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1), got {describe_value(betas)}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = positive_float(eps, "eps")

    def step(self, params) -> None:
        """Update every parameter in place from its gradient."""
        self.steps += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.steps, 1 - b2 ** self.steps
        for p in self._check(params):
            m, v = self._slot(p, 2)
            m *= b1
            m += (1 - b1) * p.grad
            v *= b2
            v += (1 - b2) * p.grad ** 2
            p.value -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps})"
