"""The tiny numpy CNN: gradients, learning, determinism, input checks and the left/right claim."""

from __future__ import annotations

import re

import numpy as np
import pytest
from forward_caches import saved_arrays

from helpers import ops
from helpers.sprites import CLASSES, make_dataset
from helpers.tinycnn import (
    HEADS,
    SGD,
    Adam,
    BlurPool2D,
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    GlobalMaxPool,
    Layer,
    MaxBlurPool2D,
    MaxPool2D,
    Model,
    ReLU,
    SoftmaxCrossEntropy,
    data_cost_experiment,
    evaluate,
    left_right_experiment,
    logit_change_vs_shift,
    make_cnn,
    probability_vs_column,
    train,
)

from gradcheck import check_layer, numeric_grad, rel_error

TOL = 1e-6


# --------------------------------------------------------------------------
# Finite differences
# --------------------------------------------------------------------------





def away_from_zero(rng, shape):
    """Random values with |x| >= 0.1, so that ReLU kinks are far from the finite-difference step."""
    x = rng.standard_normal(shape)
    return np.sign(x) * (0.1 + np.abs(x))




LAYERS = [
    pytest.param(lambda: Conv2D(2, 3, 3, "zero", rng=1), (2, 2, 6, 5), id="conv-same"),
    pytest.param(lambda: Conv2D(2, 3, 3, "circular", rng=1), (2, 2, 6, 5), id="conv-circular"),
    pytest.param(lambda: Conv2D(2, 3, 3, "valid", rng=1), (2, 2, 6, 5), id="conv-valid"),
    pytest.param(lambda: Conv2D(2, 3, 3, "zero", stride=2, rng=1), (2, 2, 7, 6), id="conv-same-stride2"),
    pytest.param(lambda: Conv2D(2, 3, 3, "circular", stride=2, rng=1), (2, 2, 7, 6), id="conv-circular-stride2"),
    pytest.param(lambda: Conv2D(2, 3, 3, "valid", stride=2, rng=1), (2, 2, 7, 6), id="conv-valid-stride2"),
    pytest.param(lambda: Conv2D(2, 2, 2, "zero", rng=1), (1, 2, 5, 4), id="conv-even-kernel-same"),
    pytest.param(lambda: Conv2D(1, 2, 2, "circular", rng=1), (1, 1, 5, 4), id="conv-even-kernel-circular"),
    pytest.param(ReLU, (2, 3, 4, 4), id="relu"),
    pytest.param(lambda: MaxPool2D(2), (2, 3, 5, 6), id="maxpool2-odd"),
    pytest.param(lambda: MaxPool2D(3), (1, 2, 6, 7), id="maxpool3"),
    pytest.param(lambda: BlurPool2D(2, "rect2"), (2, 2, 6, 5), id="blurpool-rect2"),
    pytest.param(lambda: BlurPool2D(2, "tri3"), (2, 2, 6, 5), id="blurpool-tri3"),
    pytest.param(lambda: BlurPool2D(2, "bin5"), (2, 2, 6, 5), id="blurpool-bin5"),
    pytest.param(lambda: BlurPool2D(2, "bin5", padding="zero"), (2, 2, 6, 5), id="blurpool-bin5-zero"),
    pytest.param(lambda: BlurPool2D(1, "tri3"), (1, 2, 4, 5), id="blurpool-stride1"),
    pytest.param(lambda: MaxBlurPool2D(2, "tri3"), (2, 2, 6, 5), id="maxblurpool"),
    pytest.param(lambda: MaxBlurPool2D(2, "bin5", padding="zero"), (2, 2, 6, 5), id="maxblurpool-zero"),
    pytest.param(GlobalAvgPool, (2, 3, 4, 5), id="gap"),
    pytest.param(GlobalMaxPool, (2, 3, 4, 5), id="gmp"),
    pytest.param(Flatten, (2, 3, 2, 2), id="flatten"),
    pytest.param(lambda: Dense(5, 3, rng=1), (4, 5), id="dense"),
]


@pytest.mark.parametrize(("make", "shape"), LAYERS)
def test_layer_gradients_match_finite_differences(make, shape):
    rng = np.random.default_rng(7)
    layer = make()
    errors = check_layer(layer, away_from_zero(rng, shape), rng)
    assert set(errors) == {"x", *layer.params}
    assert max(errors.values()) < TOL, errors


def test_softmax_cross_entropy_gradient():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss = SoftmaxCrossEntropy()
    value = loss.forward(logits, y)
    assert value == pytest.approx(ops.cross_entropy(logits, y))
    analytic = loss.backward()
    numeric = numeric_grad(lambda: loss.forward(logits, y), logits)
    assert rel_error(analytic, numeric) < TOL


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize(("pool", "padding"), [("max", "zero"), ("max", "circular"), ("blur", "zero"),
                                               ("maxblur", "zero"), ("maxblur", "circular")])
def test_whole_model_gradient_through_the_loss(head, pool, padding):
    rng = np.random.default_rng(11)
    model = make_cnn(head=head, channels=3, pool=pool, n_classes=3, canvas=8, padding=padding, seed=2)
    x = rng.standard_normal((2, 1, 8, 8))
    y = np.array([0, 2])
    loss_fn = SoftmaxCrossEntropy()

    def loss():
        return loss_fn.forward(model.forward(x), y)

    loss()
    gx = model.backward(loss_fn.backward(), input_grad=True)
    analytic = {p.name: p.grad.copy() for p in model.params()}
    assert rel_error(gx, numeric_grad(loss, x)) < TOL
    for p in model.params():
        assert rel_error(analytic[p.name], numeric_grad(loss, p.value)) < TOL, p.name


# --------------------------------------------------------------------------
# The layers compute what helpers.ops computes
# --------------------------------------------------------------------------

def test_layers_agree_with_ops():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8))
    for padding in ("zero", "circular", "valid"):
        conv = Conv2D(3, 4, 3, padding, rng=0)
        conv.params["b"] = rng.standard_normal(4)
        np.testing.assert_allclose(conv.forward(x), ops.conv2d(x, conv.params["w"], conv.params["b"],
                                                                padding=padding), atol=1e-12)
    np.testing.assert_array_equal(MaxPool2D(2).forward(x), ops.max_pool2d(x, 2))
    np.testing.assert_allclose(BlurPool2D(2, "bin5").forward(x), ops.blur_pool2d(x, 2, "bin5"))
    np.testing.assert_allclose(BlurPool2D(2, "tri3", "zero").forward(x), ops.blur_pool2d(x, 2, "tri3", "zero"))
    dense_max = ops.max_pool2d(x, 2, stride=1, padding="circular")
    np.testing.assert_allclose(MaxBlurPool2D(2, "tri3").forward(x), ops.blur_pool2d(dense_max, 2, "tri3"))
    # Windows past the border have fewer pixels: pad with a value below every pixel.
    padded = np.pad(x, [(0, 0), (0, 0), (0, 1), (0, 1)], constant_values=x.min() - 1)
    dense_max_same = ops.max_pool2d(padded, 2, stride=1)
    np.testing.assert_allclose(MaxBlurPool2D(2, "tri3", "zero").forward(x),
                               ops.blur_pool2d(dense_max_same, 2, "tri3", "zero"))
    np.testing.assert_allclose(GlobalAvgPool().forward(x), ops.global_avg_pool(x))
    np.testing.assert_array_equal(GlobalMaxPool().forward(x), ops.global_max_pool(x))


def test_max_pool_sends_a_tie_to_the_first_maximum_only():
    pool = MaxPool2D(2)
    x = np.array([[[[1.0, 1.0], [0.0, 1.0]]]])
    assert pool.forward(x)[0, 0, 0, 0] == 1.0
    g = pool.backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(g[0, 0], [[1.0, 0.0], [0.0, 0.0]])


def test_circular_model_with_global_pooling_is_invariant_to_shifts_by_the_total_stride():
    model = make_cnn(head="gmp", channels=4, padding="circular", seed=1)
    x, _, _ = make_dataset(3, seed=4)
    base = model.forward(x)
    np.testing.assert_allclose(model.forward(ops.shift(x, 4, 8)), base, atol=1e-12)
    assert np.abs(model.forward(ops.shift(x, 1, 0)) - base).max() > 1e-6


def test_he_initialisation_scale_and_seed():
    w = Conv2D(8, 64, 3, rng=0).params["w"]
    assert w.dtype == np.float64
    assert w.std() == pytest.approx(np.sqrt(2 / (8 * 9)), rel=0.05)
    np.testing.assert_array_equal(w, Conv2D(8, 64, 3, rng=0).params["w"])
    assert not np.array_equal(w, Conv2D(8, 64, 3, rng=1).params["w"])
    assert not Conv2D(8, 64, 3, rng=0).params["b"].any()


# --------------------------------------------------------------------------
# The model, activations and training
# --------------------------------------------------------------------------

def test_activations_of_one_image():
    model = make_cnn("gmp", channels=5, seed=0)
    x, _, _ = make_dataset(1, seed=1)
    logits = model.forward(x, keep=True)
    acts = model.activations
    assert list(acts) == ["input", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "gmp1", "logits", "probs"]
    assert acts["conv1"].shape == (1, 5, 28, 28)
    assert acts["pool1"].shape == (1, 5, 14, 14)
    assert acts["pool2"].shape == (1, 5, 7, 7)
    assert acts["gmp1"].shape == (1, 5)
    np.testing.assert_array_equal(acts["logits"], logits)
    np.testing.assert_allclose(acts["probs"], model.predict_proba(x))
    assert acts["probs"].sum() == pytest.approx(1.0)
    assert model.predict(x).shape == (1,)
    assert "total" in model.summary() and str(model.n_params()) in model.summary()


def test_fits_a_tiny_data_set():
    x, y, _ = make_dataset(16, seed=3)
    model = make_cnn("gmp", channels=8, seed=0)
    history = train(model, x, y, epochs=40, batch_size=16, optimizer=Adam(0.01), progress=None)
    assert history.loss[-1] < 0.2 * history.loss[0]
    assert evaluate(model, x, y)[1] == 1.0
    assert len(history.loss) == len(history.accuracy) == len(history.seconds) == 40


def test_sgd_also_learns():
    x, y, _ = make_dataset(16, seed=3)
    model = make_cnn("flatten", channels=4, seed=0)
    history = train(model, x, y, epochs=20, batch_size=16, optimizer=SGD(0.05, 0.9), progress=None)
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_same_seed_same_result_bit_for_bit():
    x, y, _ = make_dataset(96, seed=5)

    def run(model_seed, data_seed):
        model = make_cnn("gap", channels=4, seed=model_seed)
        h = train(model, x, y, epochs=2, batch_size=32, seed=data_seed, progress=None, x_val=x[:8], y_val=y[:8])
        return [p.value.copy() for p in model.params()], h

    w1, h1 = run(0, 0)
    w2, h2 = run(0, 0)
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert h1.loss == h2.loss and h1.val_accuracy == h2.val_accuracy
    w3, _ = run(1, 0)
    w4, _ = run(0, 1)
    assert not np.array_equal(w1[0], w3[0])
    assert not np.array_equal(w1[0], w4[0])


def test_text_progress_prints_no_timings(capsys):
    x, y, _ = make_dataset(32, seed=5)
    train(make_cnn("gmp", channels=2), x, y, epochs=2, progress="text", title="demo")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for epoch, line in enumerate(lines, start=1):  # loss and accuracy only: no seconds, nothing that varies
        assert re.fullmatch(rf"demo, epoch {epoch}/2: loss \d+\.\d{{4}}, accuracy \d+\.\d%", line), line


def test_widget_progress_has_a_fixed_plain_text():
    from helpers.tinycnn.training import _WidgetProgress

    bar = _WidgetProgress(2, 3, "demo")
    bundle = bar.box._repr_mimebundle_()
    assert bundle["text/plain"] == "Training progress (live in JupyterLab)"
    assert "application/vnd.jupyter.widget-view+json" in bundle
    bar.batch(1, 3, 0.5, 0.75)
    assert bar.bar.value == 3 and "75.0%" not in bar.label.value  # the label changes only every 4 batches
    bar.epoch(1, "loss 0.5000, accuracy 75.0%")
    assert "75.0%" in bar.label.value


def test_probability_vs_column():
    model = make_cnn("gmp", channels=2)
    cols, probs = probability_vs_column(model, "box", row=3)
    np.testing.assert_array_equal(cols, np.arange(20))
    assert probs.shape == (20, len(CLASSES))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


# --------------------------------------------------------------------------
# Bad input: a clear message naming the argument
# --------------------------------------------------------------------------

def _model_and_data():
    """A small model and data set for the train() argument checks."""
    x, y, _ = make_dataset(8, seed=0)
    return make_cnn("gap", channels=2), x, y


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: Conv2D(0, 4), ValueError, "in_ch"),
    (lambda: Conv2D(1, 4, padding="full"), ValueError, "padding must be one of 'zero', 'circular', 'valid'"),
    (lambda: Conv2D(1, 4, k=2.5), TypeError, "k must be"),
    (lambda: Conv2D(1, 4, rng="seed"), TypeError, "rng"),
    (lambda: Conv2D(1, 4, rng=-1), ValueError, "rng"),
    (lambda: Conv2D(2, 4).forward(np.zeros((1, 3, 5, 5))), ValueError, "x must have 2 channels"),
    (lambda: Conv2D(1, 4).forward(np.zeros((5, 5))), ValueError, "x must have 4 dimensions"),
    (lambda: Conv2D(1, 4).forward(np.zeros((0, 1, 5, 5))), ValueError, "x must not be empty"),
    (lambda: Conv2D(1, 4).forward(np.full((1, 1, 3, 3), np.nan).astype(np.float32)), ValueError, "NaN"),
    (lambda: Conv2D(1, 4, padding="valid").forward(np.zeros((1, 1, 2, 2))), ValueError, "smaller than"),
    (lambda: Conv2D(1, 4).backward(np.zeros((1, 4, 3, 3))), RuntimeError, "before forward"),
    (lambda: ReLU().forward("image"), TypeError, "x must be a numeric array"),
    (lambda: MaxPool2D(0), ValueError, "size"),
    (lambda: MaxPool2D(4).forward(np.zeros((1, 1, 3, 3))), ValueError, "pooling window"),
    (lambda: BlurPool2D(filter="gauss"), ValueError, "filter must be one of 'rect2', 'tri3', 'bin5'"),
    (lambda: MaxBlurPool2D(stride=0), ValueError, "stride"),
    (lambda: GlobalAvgPool().forward(np.zeros((2, 3))), ValueError, "x must have 4 dimensions"),
    (lambda: GlobalMaxPool().backward(np.zeros((2, 3))), RuntimeError, "before forward"),
    (lambda: Flatten().forward(np.zeros(3)), ValueError, "x must have a batch axis"),
    (lambda: Dense(5, 3).forward(np.zeros((2, 4))), ValueError, r"x must have shape \(N, 5\)"),
    (lambda: Dense(5, -3), ValueError, "out_features"),
    (lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 4)), [0, 4]), ValueError, r"y must lie in 0\.\.3"),
    (lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 4)), [0.0, 1.0]), TypeError, "y must hold integer"),
    (lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 4)), [0]), ValueError, "expected 2 labels, got 1"),
    (lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 4, 1)), [0, 1]), ValueError, "logits must have 2"),
    (lambda: Model([]), ValueError, "layers must not be empty"),
    (lambda: Model(ReLU()), TypeError, "layers must be a list"),
    (lambda: Model([ReLU(), "pool"]), TypeError, r"layers\[1\] must be a Layer"),
    (lambda: make_cnn("gap").predict_proba(np.zeros((1, 2, 28, 28))), ValueError, "x must have 1 channel "),
    (lambda: make_cnn("gap").predict(np.zeros((1, 1, 28, 28)), batch_size=0), ValueError, "batch_size"),
    (lambda: make_cnn("gap").summary((28, 28)), ValueError, "input_shape"),
    (lambda: SGD(lr=-0.1), ValueError, "lr must be a finite number > 0"),
    (lambda: SGD(momentum=1.0), ValueError, "momentum"),
    (lambda: Adam(betas=(0.9,)), ValueError, "betas"),
    (lambda: Adam(eps=0), ValueError, "eps"),
    (lambda: Adam().step([np.zeros(3)]), TypeError, "params must be Parameter"),
    (lambda: train(*_model_and_data()[:2], np.arange(8) + 1), ValueError, r"y must lie in 0\.\.3"),
    (lambda: train(*_model_and_data()[:2], np.zeros(8)), TypeError, "y must hold integer"),
    (lambda: train(*_model_and_data()[:2], np.zeros(7, int)), ValueError, "expected 8 labels, got 7"),
    (lambda: train(_model_and_data()[0], np.zeros((0, 1, 28, 28)), np.zeros(0, int)), ValueError,
     "x must not be empty"),
    (lambda: train(*_model_and_data(), epochs=0), ValueError, "epochs"),
    (lambda: train(*_model_and_data(), batch_size=1.5), TypeError, "batch_size"),
    (lambda: train(*_model_and_data(), optimizer="rmsprop"), ValueError, "optimizer must be one of 'adam', 'sgd'"),
    (lambda: train(*_model_and_data(), progress="bar"), ValueError,
     "progress must be one of 'auto', 'widget', 'text'"),
    (lambda: train(*_model_and_data(), x_val=np.zeros((2, 1, 28, 28))), ValueError, "x_val and y_val"),
    (lambda: train(*_model_and_data(), x_val=np.zeros((2, 1, 28, 28)), y_val=[0, 9]), ValueError, "y_val must lie"),
    (lambda: train(*_model_and_data(), seed=-2), ValueError, "seed"),
    (lambda: train(*_model_and_data(), title=3), TypeError, "title"),
    (lambda: train("model", np.zeros((1, 1, 28, 28)), [0]), TypeError, "model must be a Model"),
    (lambda: train(Model([Flatten()]), np.zeros((1, 1, 28, 28)), [0]), ValueError, "must end with a Dense"),
    (lambda: evaluate(_model_and_data()[0], np.zeros((2, 28, 28)), [0, 1]), ValueError, "x must have 4 dimensions"),
    (lambda: make_cnn("dense"), ValueError, "head must be one of 'flatten', 'gap', 'gmp'"),
    (lambda: make_cnn(pool="avg"), ValueError, "pool must be one of 'max', 'blur', 'maxblur'"),
    (lambda: make_cnn(n_classes=1), ValueError, "n_classes must be at least 2"),
    (lambda: make_cnn(canvas=4, n_conv=3), ValueError, "too small"),
    (lambda: make_cnn(padding="valid"), ValueError, "padding must be one of 'zero', 'circular'"),
    (lambda: left_right_experiment(heads="gap"), ValueError, "heads must be a non-empty sequence"),
    (lambda: left_right_experiment(heads=("gap", "gap")), ValueError, "heads must not repeat"),
    (lambda: left_right_experiment(heads=("flatten", "avg")), ValueError, "heads must be one of"),
    (lambda: left_right_experiment(seed=-1), ValueError, "seed must be an integer >= 0"),
    (lambda: left_right_experiment(train_region="right"), ValueError, "train_region must be one of"),
    (lambda: left_right_experiment(optimizer="lbfgs"), ValueError, "optimizer must be one of"),
    (lambda: probability_vs_column(make_cnn(), "triangle"), ValueError, "name must be one of 'cat'"),
    (lambda: probability_vs_column(make_cnn(), cols=[0.5]), ValueError, "cols must be"),
    (lambda: data_cost_experiment(steps=8), ValueError, "steps \\* 64 must be a multiple of 1024"),
    (lambda: data_cost_experiment(n_test=0), ValueError, "n_test must be"),
    (lambda: logit_change_vs_shift(make_cnn(), ref=8, shifts=[12]), ValueError, r"shifts \[12\] leave the canvas"),
    (lambda: logit_change_vs_shift(make_cnn(), shifts=[]), ValueError, "at least one integer shift"),
    (lambda: logit_change_vs_shift(make_cnn(), shifts=[1.5]), TypeError, "shifts must be an integer"),
    (lambda: logit_change_vs_shift("net"), TypeError, "model must be"),
])
def test_bad_input_is_named_in_the_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_training_stops_with_a_message_when_the_loss_is_nan():
    _, x, y = _model_and_data()
    model = Model([Flatten(), Dense(28 * 28, 4, rng=0)])
    model.layers[1].params["w"][:] = 1e308  # the logits overflow
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="smaller learning rate than 0.1"):
        train(model, x, y, progress=None, optimizer=SGD(0.1))


def test_gradient_of_the_wrong_shape_is_refused():
    conv = Conv2D(1, 2)
    conv.forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of this layer's last output \(1, 2, 5, 5\)"):
        conv.backward(np.zeros((1, 2, 4, 4)))
    model = make_cnn("gap", channels=2)
    model.forward(np.zeros((3, 1, 28, 28)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of this layer's last output \(3, 4\)"):
        model.backward(np.zeros((3, 5)))


# --------------------------------------------------------------------------
# Notebook 04's left/right claim, at each seed the notebook shows
# --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])  # the seeds notebook 04 shows
def test_left_right_experiment_meets_the_targets(seed):
    result = left_right_experiment(seed=seed)
    acc = result.accuracy
    assert set(acc) == {"flatten", "gmp"}
    assert acc["flatten"]["left"] >= 0.95
    assert acc["flatten"]["right"] <= 0.40
    assert acc["gmp"]["left"] >= 0.95
    assert acc["gmp"]["right"] >= 0.95
    rows = result.table().splitlines()[1:]  # without times: the same text on every run, safe for nbval
    assert [row.split()[0] for row in rows] == ["flatten", "gmp"]
    assert all(re.fullmatch(r"\w+ +\d+\.\d% +\d+\.\d%", row) for row in rows), rows
    assert "train time" in result.table(times=True)
    # Both heads start from the same convolution weights: only the head differs.
    np.testing.assert_array_equal(
        make_cnn("flatten", seed=0).layers[0].params["w"], make_cnn("gmp", seed=0).layers[0].params["w"])


def test_table_titles_follow_the_training_region():
    from helpers.tinycnn import LeftRightResult

    acc = {"flatten": {"left": 0.5, "right": 0.25}}
    left = LeftRightResult({}, acc, {"flatten": 1.0}, {}, {}, {"train_region": "left"})
    everywhere = LeftRightResult({}, acc, {"flatten": 1.0}, {}, {}, {"train_region": "everywhere"})
    assert "left (trained)" in left.table() and "right (new)" in left.table()
    head = everywhere.table().splitlines()[0]
    assert "trained" not in head and "new" not in head and head.split() == ["head", "left", "right"]
    assert everywhere.table().splitlines()[1] == left.table().splitlines()[1]


def _held_bytes(model):
    """Bytes of every array a model's layers (and their sub-layers) hold, weights included."""
    def walk(obj):
        for value in vars(obj).values():
            if isinstance(value, np.ndarray):
                yield value.nbytes
            elif isinstance(value, Layer):
                yield from walk(value)
            elif isinstance(value, dict):
                yield from (v.nbytes for v in value.values() if isinstance(v, np.ndarray))
    return sum(b for layer in model.layers for b in walk(layer))


def test_a_trained_and_evaluated_model_holds_only_its_weights():
    model = make_cnn("gmp", channels=4, seed=0)
    x, y, _ = make_dataset(300, seed=0)
    weights = 2 * sum(p.value.nbytes for p in model.params())  # weights and their gradients
    model.forward(x)  # a forward pass alone keeps what backward needs: megabytes
    assert _held_bytes(model) > 10 * weights
    train(model, x[:64], y[:64], epochs=1, progress=None)
    assert _held_bytes(model) == weights
    model.forward(x)
    evaluate(model, x, y)
    assert _held_bytes(model) == weights
    model.forward(x)
    model.predict_proba(x)
    assert _held_bytes(model) == weights
    with pytest.raises(RuntimeError):
        model.layers[1].backward(np.ones((300, 4, 28, 28)))  # forward results are gone


def test_logit_change_vs_shift_is_zero_for_even_shifts_away_from_the_border_for_any_weights():
    for seed in (0, 1, 2):  # untrained: the property holds for every set of weights
        gmp = logit_change_vs_shift(make_cnn("gmp", seed=seed), "cat", row=9, ref=8)
        assert list(gmp) == list(range(-8, 9))
        assert all(gmp[k] == 0 for k in (-2, 0, 2, 4, 6))  # columns 6 to 14, away from both borders
        assert all(gmp[k] > 0 for k in range(-7, 9, 2))  # odd shifts: the other polyphase component
        flat = logit_change_vs_shift(make_cnn("flatten", seed=seed), "cat", row=9, ref=8)
        assert all(flat[k] > 0 for k in flat if k != 0)  # one weight per position: every shift counts


def test_data_cost_experiment_trains_every_run_for_the_same_steps():
    runs = data_cost_experiment(seed=0, steps=16, n_test=8, keep_data=True)
    assert list(runs) == ["everywhere, 1024", "everywhere, 128", "left, 128"]
    assert {name: r.settings["heads"] for name, r in runs.items()} == {
        "everywhere, 1024": ("flatten",), "everywhere, 128": ("flatten",), "left, 128": ("flatten", "gmp")}
    for r in runs.values():
        assert r.settings["n_train"] * r.settings["epochs"] == 16 * 64  # the same 16 steps of 64 images
        assert all(len(h.loss) == r.settings["epochs"] for h in r.histories.values())
    left = runs["left, 128"]
    # The control and the pooling head saw the very same images.
    assert left.settings["train_region"] == "left" and left.data["train"][0].shape == (128, 1, 28, 28)
    # Without keep_data the images are dropped (a notebook kernel keeps the results), nothing else changes,
    # and the images can be drawn again from the seed as the docstring says.
    dropped = data_cost_experiment(seed=0, steps=16, n_test=8)
    for name, run in runs.items():
        assert dropped[name].data == {} and dropped[name].accuracy == run.accuracy
        with pytest.raises(KeyError, match="keep_data=True.*seed=0 .* 1000 and 2000"):
            dropped[name].data["right"]
        region, n = run.settings["train_region"], run.settings["n_train"]
        assert np.array_equal(run.data["train"][0], make_dataset(n, region, seed=0)[0])
        assert np.array_equal(run.data["left"][0], make_dataset(8, "left", seed=1000)[0])
        assert np.array_equal(run.data["right"][0], make_dataset(8, "right", seed=2000)[0])
    with pytest.raises(TypeError, match="keep_data must be True or False, got 'yes'"):
        data_cost_experiment(keep_data="yes")


def _saved_images(model) -> int:
    """The largest batch any layer still keeps from a forward pass (0: only weights are kept)."""
    return max((a.shape[0] for a in saved_arrays(model) if a.ndim >= 2), default=0)


def test_logit_change_vs_shift_leaves_the_model_holding_only_its_weights():
    # a kernel that measures a few models must not keep their layer inputs for 17 images each
    model = make_cnn("gmp", seed=0)
    logit_change_vs_shift(model, "cat", row=9, ref=8)
    assert _saved_images(model) == 0
    model.forward(np.zeros((3, 1, 28, 28)))
    assert _saved_images(model) == 3  # what the check above would see without the release

