"""Training and evaluation: mini-batch training with a progress bar in Jupyter, a text line elsewhere.

:func:`train` visits the images in an order shuffled by a seed, in
mini-batches, and lets an optimiser update the weights after each batch; the
same seeds give the same run, bit for bit (on the same machine and numpy
build). :func:`evaluate` gives the mean loss and the accuracy. Progress is a
widget bar in Jupyter and one text line per epoch elsewhere; no timing is
ever printed, so notebook outputs stay the same from run to run.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

import numpy as np

from .. import cells
from .._validate import as_float_array, choice, describe_value, positive_int
from ..memory import release_after_each_cell
from ..ops import log_softmax
from ._checks import as_rng, check_labels
from .layers import SoftmaxCrossEntropy
from .model import SGD, Adam, Model, Optimizer, check_classifier

__all__ = ["History", "train", "evaluate", "OPTIMIZERS", "PROGRESS"]

OPTIMIZERS = ("adam", "sgd")
PROGRESS = ("auto", "widget", "text")


@dataclass
class History:
    """What :func:`train` measured, one entry per epoch.

    ``loss`` and ``accuracy`` are averaged over the training batches of the
    epoch (the weights change during the epoch); ``val_loss`` and
    ``val_accuracy`` are measured at the end of the epoch when validation data
    are given. ``seconds`` is the wall-clock time of each epoch (it varies from
    run to run: do not print it in a notebook compared by nbval).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        """Training time of all epochs together."""
        return float(sum(self.seconds))


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (the IPython shell class is ``ZMQInteractiveShell``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _TextProgress:
    """One line per epoch on stdout. Only deterministic numbers are printed (no timings)."""

    def __init__(self, epochs: int, batches: int, title: str):
        self.epochs, self.title = epochs, title

    def batch(self, epoch: int, done: int, loss: float, acc: float) -> None:
        pass

    def epoch(self, epoch: int, text: str) -> None:
        print(f"{self.title}, epoch {epoch}/{self.epochs}: {text}", flush=True)

    def finish(self) -> None:
        pass


class _ProgressBox:
    """What is displayed, once: the bar and label, whose values then change in place.

    Its plain-text form is a fixed sentence, so that a notebook output
    compared by nbval does not depend on the widget's id or state.
    """

    TEXT = "Training progress (live in JupyterLab)"

    def __init__(self, widget):
        self.widget = widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.TEXT
        return bundle


class _WidgetProgress:
    """An ``IntProgress`` bar (one tick per batch) and an ``HTML`` label with loss and accuracy.

    Displayed once; later only the widgets' values change (no ``clear_output``).
    """

    def __init__(self, epochs: int, batches: int, title: str):
        import ipywidgets as widgets
        from IPython.display import display

        self.epochs, self.batches = epochs, batches
        self.bar = widgets.IntProgress(value=0, min=0, max=epochs * batches, description=title,
                                       style={"description_width": "initial"})
        self.label = widgets.HTML(value="starting")
        self.box = _ProgressBox(widgets.HBox([self.bar, self.label]))
        # The bar a previous run of this cell showed is closed: re-running a cell does not pile up widgets.
        self.slot = cells.next_slot()
        cells.claim(self.slot, self)
        display(self.box)

    def batch(self, epoch: int, done: int, loss: float, acc: float) -> None:
        self.bar.value = (epoch - 1) * self.batches + done
        if done % 4 == 0:  # fewer label messages to the browser
            self._say(f"epoch {epoch}/{self.epochs}: loss {loss:.3f}, accuracy {acc:.1%}")

    def epoch(self, epoch: int, text: str) -> None:
        self._say(f"epoch {epoch}/{self.epochs}: {text}")

    def _say(self, text: str) -> None:
        self.label.value = f'<span style="font-family: monospace">{html.escape(text)}</span>'

    def finish(self) -> None:
        self.bar.bar_style = "success"

    def close(self) -> None:
        """Close the bar's widgets (when its cell runs again)."""
        cells.close_widgets(self.box.widget)
        cells.release(self.slot, self)


def _make_progress(progress, epochs: int, batches: int, title: str):
    """The progress display for ``progress`` (``None`` for silence)."""
    if progress is None:
        return None
    choice(progress, "progress", PROGRESS)
    if progress == "auto":
        progress = "widget" if _in_notebook() else "text"
    cls = _WidgetProgress if progress == "widget" else _TextProgress
    return cls(epochs, batches, title)


def _make_optimizer(optimizer):
    if optimizer is None:
        return Adam()
    if isinstance(optimizer, Optimizer):
        return optimizer
    choice(optimizer, "optimizer", OPTIMIZERS)
    return Adam() if optimizer == "adam" else SGD()


def _check_data(model: Model, x, y, xname: str = "x", yname: str = "y"):
    x = as_float_array(x, xname, ndims=(4,)).astype(np.float64, copy=False)
    y = check_labels(y, x.shape[0], model.n_classes, yname)
    return x, y


def evaluate(model: Model, x, y, batch_size: int = 100) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy (fraction correct) of ``model`` on ``(x, y)``.

    ``x`` is ``(N, C, H, W)``, ``y`` integer labels ``(N,)``.
    """
    model = check_classifier(model)
    x, y = _check_data(model, x, y)
    batch_size = positive_int(batch_size, "batch_size")
    logits = model.logits(x, batch_size)
    logp = log_softmax(logits, axis=1)
    return float(-logp[np.arange(len(y)), y].mean()), float((logits.argmax(axis=1) == y).mean())


def train(model: Model, x, y, epochs: int = 5, batch_size: int = 64, optimizer=None, seed: int = 0,
          progress="auto", x_val=None, y_val=None, title: str = "training") -> History:
    """Train ``model`` on images ``x`` ``(N, C, H, W)`` with integer labels ``y`` ``(N,)``.

    Each epoch visits the images once in an order shuffled by ``seed``, in
    mini-batches of ``batch_size``; after each batch the ``optimizer`` (an
    :class:`Adam` or :class:`SGD` object, or the name ``"adam"``/``"sgd"``;
    default ``Adam()``) updates the weights in place. The same model seed,
    data and ``seed`` give the same result, bit for bit.

    ``progress``: ``"auto"`` (a progress bar in Jupyter, one text line per
    epoch elsewhere), ``"widget"``, ``"text"`` or ``None`` (silent).
    ``x_val``, ``y_val``: optional validation data, evaluated after every epoch.
    ``title`` labels the progress bar or text lines.

    Returns a :class:`History`.
    """
    model = check_classifier(model)
    x, y = _check_data(model, x, y)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    optimizer = _make_optimizer(optimizer)
    rng = as_rng(seed, "seed")
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together (both or neither)")
    if x_val is not None:
        x_val, y_val = _check_data(model, x_val, y_val, "x_val", "y_val")
    n = len(y)
    batches = -(-n // batch_size)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {describe_value(title)}")
    show = _make_progress(progress, epochs, batches, title)
    release_after_each_cell()  # what a cell run again replaced goes back to the system: see helpers.memory
    loss_fn = SoftmaxCrossEntropy()
    history = History()
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        order = rng.permutation(n)
        total_loss = total_correct = 0.0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            logits = model.forward(x[idx])
            if not np.isfinite(logits).all():
                raise FloatingPointError(
                    f"training diverged in epoch {epoch}: the logits are no longer finite numbers; "
                    f"try a smaller learning rate than {optimizer.lr}")
            loss = loss_fn.forward(logits, y[idx])
            model.backward(loss_fn.backward())
            optimizer.step(model.params())
            total_loss += loss * len(idx)
            total_correct += float((logits.argmax(axis=1) == y[idx]).sum())
            if show is not None:
                seen = min((b + 1) * batch_size, n)
                show.batch(epoch, b + 1, total_loss / seen, total_correct / seen)
        history.loss.append(total_loss / n)
        history.accuracy.append(total_correct / n)
        text = f"loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.1%}"
        if x_val is not None:
            vl, va = evaluate(model, x_val, y_val)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
            text += f", validation accuracy {va:.1%}"
        history.seconds.append(time.perf_counter() - t0)
        if show is not None:
            show.epoch(epoch, text)
    if show is not None:
        show.finish()
    model.forget()
    return history
