"""Notebook 04: the classifier live view driven headless, and the exercise checkers on right and wrong answers."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.checks.classify import (
    check_accuracy_prediction,
    check_maxpool_backward,
    check_relu_backward,
    check_softmax,
)
from helpers.classify import HEAD_LABELS, head_kind
from helpers.explorers import ClassifierExplorer
from helpers.ops import max_pool2d
from helpers.sprites import CLASSES, place
from helpers.tinycnn import make_cnn

# --------------------------------------------------------------------------
# The live view
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nets():
    """Small untrained networks: the view's arithmetic does not depend on training."""
    return make_cnn("flatten", channels=4, seed=0), make_cnn("gmp", channels=4, seed=0)


@pytest.fixture
def view(nets):
    return ClassifierExplorer(*nets)


def _probs(model, name, row, col):
    return model.predict_proba(place(name, row, col)[None, None])[0]


def test_compute_agrees_with_predict_proba(view, nets):
    for name in ("cat", "box"):
        view.sprite.value = name
        for row, col in [(9, 0), (9, 19), (0, 7), (19, 12)]:
            view.row.value, view.col.value = row, col
            s = view.state
            assert (s["row"], s["col"], s["sprite"]) == (row, col, name)
            np.testing.assert_array_equal(s["x"], place(name, row, col))
            for head, model in zip(s["heads"], nets):
                want = _probs(model, name, row, col)
                np.testing.assert_allclose(head["probs"], want, rtol=1e-12, atol=1e-15)
                np.testing.assert_allclose(head["logits"], model.forward(s["x"][None, None])[0], rtol=1e-12)
                assert head["pred"] == int(want.argmax()) and head["pred_name"] == CLASSES[head["pred"]]
                assert head["p_cat"] == pytest.approx(want[0])
                assert head["p_true"] == pytest.approx(want[CLASSES.index(name)])
    assert [h["kind"] for h in view.state["heads"]] == ["flatten", "gmp"]


def test_feature_maps_are_the_chosen_channels(view, nets):
    view.col.value = 5
    s = view.state
    for head, model, chans in zip(s["heads"], nets, view.channels):
        model.forward(s["x"][None, None], keep=True)
        np.testing.assert_array_equal(head["relu1"], model.activations["relu1"][0, chans["relu1"]])
        np.testing.assert_array_equal(head["pool2"], model.activations["pool2"][0, chans["pool2"]])
        assert head["relu1"].shape == (2, 28, 28) and head["pool2"].shape == (2, 7, 7)


def test_bars_move_in_place_and_the_picture_changes(view):
    bars = [list(view.logit_bars[h]) + list(view.prob_bars[h]) for h in range(2)]
    seen = set()
    for col in range(view.col.min, view.col.max + 1):
        before = bytes(view.image.value)
        view.col.value = col  # the view starts at column 2, so every step here is a change
        assert bytes(view.image.value) != before, f"picture unchanged at column {col}"
        seen.add(bytes(view.image.value))
        for h, head in enumerate(view.state["heads"]):
            lim = view.ylim[h]
            np.testing.assert_allclose([b.get_height() for b in view.prob_bars[h]], head["probs"])
            np.testing.assert_allclose([b.get_height() for b in view.logit_bars[h]],
                                       np.clip(head["logits"], -lim, lim))
    # the same rectangles all along: updated with set_height, never rebuilt
    assert bars == [list(view.logit_bars[h]) + list(view.prob_bars[h]) for h in range(2)]
    assert len(seen) == view.col.max + 1
    assert view.frames == 1 + (view.col.max + 1)  # one frame at build, one per change


def test_true_class_bar_is_dark(view):
    view.sprite.value = "x"
    k = CLASSES.index("x")
    for bars in view.prob_bars:
        dark = [i for i, b in enumerate(bars) if b.get_facecolor()[0] < 0.5]
        assert dark == [k]


def test_readout(view):
    view.row.value, view.col.value, view.sprite.value = 9, 17, "cat"
    text = view.readout_text
    s = view.state
    assert "cat at row 9, column 17" in text and "right half" in text and "never seen there" in text
    for head in s["heads"]:
        assert f"{head['label']}" in text
        assert f"predicts {head['pred_name']} (p = {head['p_pred']:.3f}" in text
        verdict = "correct" if head["pred"] == s["true"] else "WRONG"
        assert f"p = {head['p_pred']:.3f}, {verdict})" in text
        assert f"p(cat) = {head['p_cat']:.3f}" in text
    assert "right)" not in text  # "right" names a half of the canvas, never a verdict
    assert "sum of p = 1.000" in text
    view.col.value = 2
    assert "left half: where the training images had their sprites" in view.readout_text
    view.col.value = 8
    assert "columns 8 to 16, across the middle: never seen there" in view.readout_text  # not "the across"
    view.sprite.value = "box"
    assert "p(box) = " in view.readout_text
    assert 'role="status"' in view.readout.value


def test_controls_are_labelled_with_tooltips(view):
    assert [c.description for c in view.controls] == ["column", "row", "sprite"]
    for control in view.controls:
        assert control.description and control.tooltip
    assert (view.col.min, view.col.max, view.row.max) == (0, 19, 19)
    assert list(view.sprite.options) == list(CLASSES)
    assert "live-view" in view.widget._dom_classes
    assert view._repr_mimebundle_()["text/plain"].startswith("Classifier explorer")


def test_snapshots(view):
    view.col.value = 3
    fig = view.snapshots(cols=(2, 7, 12, 17))
    assert isinstance(fig, Figure) and len(fig.axes) == 12
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("cat at column 2") and titles[3].startswith("cat at column 17")
    verdicts = [t for t in titles if t.startswith(("flatten:", "gmp:"))]
    assert len(verdicts) == 8 and all(t.endswith(("(correct)", "(wrong)")) for t in verdicts)
    assert view.col.value == 3  # the controls are put back
    with pytest.raises(ValueError, match="cols must hold"):
        view.snapshots(cols=(2, 20))
    with pytest.raises(ValueError, match="cols must hold"):
        view.snapshots(cols=())
    with pytest.raises(TypeError, match="cols must be a sequence"):
        view.snapshots(cols=5)


def test_everywhere_region_has_no_edge_line(nets):
    v = ClassifierExplorer(*nets, trained_region="everywhere", col=12)
    assert v.region_edge() is None
    assert "anywhere in training" in v.readout_text


def test_head_kind():
    assert head_kind(make_cnn("flatten", channels=2)) == "flatten"
    assert head_kind(make_cnn("gap", channels=2)) == "gap"
    assert head_kind(make_cnn("gmp", channels=2)) == "gmp"
    assert set(HEAD_LABELS) == {"flatten", "gap", "gmp"}


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"flatten_model": "net"}, TypeError, "flatten_model must be a trained"),
    ({"flatten_model": "gmp"}, ValueError, "flatten_model must have a flatten \\+ dense head"),
    ({"pooled_model": "flatten"}, ValueError, "pooled_model must have a global average pool"),
    ({"pooled_model": "three classes"}, ValueError, "pooled_model must end with 4 logits"),
    ({"pooled_model": "one stage"}, ValueError, "two conv -> ReLU -> pool stages"),
    ({"col": 20}, ValueError, "col must be in 0..19"),
    ({"row": -1}, ValueError, "row must be in 0..19"),
    ({"col": 2.5}, TypeError, "col must be an integer"),
    ({"sprite": "dog"}, ValueError, "sprite must be one of"),
    ({"trained_region": "top"}, ValueError, "trained_region must be one of"),
    ({"n_maps": 4}, ValueError, "n_maps must be 1, 2 or 3"),
    ({"canvas": 32}, ValueError, "canvas must be 28"),
])
def test_bad_input_is_named_in_the_message(nets, kwargs, error, match):
    flat, pooled = nets
    models = {"gmp": make_cnn("gmp", channels=2), "flatten": make_cnn("flatten", channels=2),
              "three classes": make_cnn("gmp", channels=2, n_classes=3),
              "one stage": make_cnn("gmp", channels=2, n_conv=1)}
    args = {"flatten_model": flat, "pooled_model": pooled}
    for key, value in kwargs.items():
        args[key] = models.get(value, value) if key.endswith("model") else value
    with pytest.raises(error, match=match):
        ClassifierExplorer(**args)


# --------------------------------------------------------------------------
# Checker: softmax
# --------------------------------------------------------------------------

def good_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "overflows"),
    (lambda z: np.exp(z - z.max(axis=0, keepdims=True)) / np.exp(z - z.max(axis=0, keepdims=True)).sum(
        axis=0, keepdims=True), "columns sum to 1"),
    (lambda z: np.exp(z) / np.exp(z).sum(axis=-1), "keepdims=True"),
    (lambda z: np.exp(z - z.max(axis=-1)) / np.exp(z - z.max(axis=-1)).sum(axis=-1, keepdims=True),
     "row's maximum or sum"),
    (lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=-1, keepdims=True), "OWN maximum"),
    (lambda z: np.exp(z), "did not divide"),
    (lambda z: np.exp(z) / np.exp(z).sum(), "whole batch sums to 1"),
    (lambda z: z / z.sum(axis=-1, keepdims=True), "wrong for small logits"),
    (lambda z: np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(
        axis=1, keepdims=True), "single vector"),
    (lambda z: None, "returned None"),
    (lambda z: good_softmax(z)[:, :2], "has shape"),
    (lambda z: good_softmax(z).T, "has shape"),
], ids=["naive", "axis0", "no-keepdims", "max-no-keepdims", "global-max", "no-divide", "batch-sum", "no-exp",
        "axis1-only", "none", "shape", "transposed"])
def test_check_softmax_rejects_typical_mistakes(answer, hint):
    result = check_softmax.grade(answer)
    assert result.status == "fail", result
    assert hint in result.message, result.message


def test_check_softmax_accepts_good_answers_and_reports_the_stub(capsys):
    assert check_softmax.grade(good_softmax).passed

    def with_loop(z):
        z = np.atleast_2d(z)
        out = np.empty_like(z)
        for i, row in enumerate(z):
            e = np.exp(row - row.max())
            out[i] = e / e.sum()
        return out.reshape(-1) if out.shape[0] == 1 else out

    assert check_softmax.grade(with_loop).passed

    def stub(z):
        raise NotImplementedError

    assert check_softmax.grade(stub).status == "todo"
    check_softmax(stub)
    assert capsys.readouterr().out.startswith("TO DO")


def test_check_softmax_prints_no_warning(recwarn, capsys):
    check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert "NOT YET" in capsys.readouterr().out
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# --------------------------------------------------------------------------
# Checkers: backward passes
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "hint"), [
    (lambda x, g: (x > 0).astype(float), "mask (x > 0) alone"),
    (lambda x, g: g, "passed grad_out through everywhere"),
    (lambda x, g: np.maximum(g, 0), "not from grad_out"),
    (lambda x, g: np.maximum(x, 0) * g, "relu(x), the output"),
    (lambda x, g: g * (x < 0), "wrong way round"),
    (lambda x, g: g[..., :2], "shape of x"),
    (lambda x, g: None, "returned None"),
    (lambda x, g: 2 * g * (x > 0), "grad_out * (x > 0)"),
    (lambda x, g: g * (x >= 0), "at exactly x == 0"),  # passed before the checker tried x == 0
])
def test_check_relu_backward_rejects_typical_mistakes(answer, hint):
    result = check_relu_backward.grade(answer)
    assert result.status == "fail", result
    assert hint in result.message, result.message


def test_check_relu_backward_accepts_good_answers():
    assert check_relu_backward.grade(lambda x, g: g * (x > 0)).passed
    assert check_relu_backward.grade(lambda x, g: np.where(x > 0, g, 0.0)).passed

    def stub(x, g):
        raise NotImplementedError

    assert check_relu_backward.grade(stub).status == "todo"


def _up(a):
    return np.repeat(np.repeat(a, 2, axis=2), 2, axis=3)


def good_maxpool_backward(x, g):
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2)
    mask = win == win.max(axis=(3, 5), keepdims=True)
    return (mask * g[:, :, :, None, :, None]).reshape(x.shape)


def loop_maxpool_backward(x, g):
    out = np.zeros_like(x)
    for n, c, i, j in np.ndindex(g.shape):
        window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        a, b = np.unravel_index(np.argmax(window), (2, 2))
        out[n, c, 2 * i + a, 2 * j + b] = g[n, c, i, j]
    return out


def square_reshape_maxpool_backward(x, g):
    """Takes the width from the height: right for square inputs only."""
    n, c, h, _ = x.shape
    win = x.reshape(n, c, h // 2, 2, h // 2, 2)
    mask = win == win.max(axis=(3, 5), keepdims=True)
    return (mask * g[:, :, :, None, :, None]).reshape(x.shape)


def square_loop_maxpool_backward(x, g):
    """Loops over the columns with the row count: right for square inputs only."""
    out = np.zeros_like(x)
    for n, c, i in np.ndindex(g.shape[:3]):
        for j in range(min(g.shape[2], g.shape[3])):
            window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
            a, b = np.unravel_index(np.argmax(window), (2, 2))
            out[n, c, 2 * i + a, 2 * j + b] = g[n, c, i, j]
    return out


@pytest.mark.parametrize(("answer", "hint"), [
    (square_reshape_maxpool_backward, "raised ValueError"),  # both passed while the checker tried only 6x6
    (square_loop_maxpool_backward, "gives a wrong gradient"),
    (lambda x, g: _up(g) / 4, "AVERAGE pooling"),
    (lambda x, g: _up(g), "all four pixels"),
    (lambda x, g: (x == _up(max_pool2d(x, 2))).astype(float), "did not multiply by grad_out"),
    (lambda x, g: (x != _up(max_pool2d(x, 2))) * _up(g), "NOT the maximum"),
    (lambda x, g: good_maxpool_backward(x, g).transpose(0, 1, 3, 2), "swapped"),
    (lambda x, g: g, "shape of x"),
    (lambda x, g: None, "returned None"),
    (lambda x, g: (x == x.max(axis=(2, 3), keepdims=True)) * _up(g), "route each window's grad_out"),
])
def test_check_maxpool_backward_rejects_typical_mistakes(answer, hint):
    result = check_maxpool_backward.grade(answer)
    assert result.status == "fail", result
    assert hint in result.message, result.message


def test_check_maxpool_backward_accepts_good_answers():
    assert check_maxpool_backward.grade(good_maxpool_backward).passed
    assert check_maxpool_backward.grade(loop_maxpool_backward).passed
    crash = check_maxpool_backward.grade(lambda x, g: x @ g)
    assert crash.status == "fail" and "raised" in crash.message


# --------------------------------------------------------------------------
# Checker: the accuracy prediction
# --------------------------------------------------------------------------

MEASURED = {"flatten": 0.3075, "gmp": 1.0}


def test_check_accuracy_prediction_compares_an_honest_guess():
    close = check_accuracy_prediction.grade({"flatten": 0.25, "gmp": 0.95}, MEASURED)
    assert close.passed and "flatten: you said 0.25, measured 0.31" in close.message
    assert "each within 0.15" in close.message
    far = check_accuracy_prediction.grade({"flatten": 0.95, "gmp": 0.95}, MEASURED)
    assert far.passed and "off by more than 0.15" in far.message
    assert close.message.startswith("guess recorded.")  # PASS means the guess was made, not that it was right


def test_check_accuracy_prediction_compares_with_the_range_over_seeds():
    over_seeds = {"flatten": [0.3075, 0.2825, 0.25], "gmp": [1.0, 1.0, 1.0]}
    close = check_accuracy_prediction.grade({"flatten": 0.1, "gmp": 0.9}, over_seeds)
    assert "measured 0.25 to 0.31 over 3 seeds" in close.message and "each within 0.15" in close.message
    far = check_accuracy_prediction.grade({"flatten": 0.5, "gmp": 0.9}, over_seeds)
    assert "off by more than 0.15" in far.message  # 0.5 is 0.19 above the highest seed


@pytest.mark.parametrize(("prediction", "status", "hint"), [
    (None, "todo", "not done yet"),
    ({"flatten": None, "gmp": None}, "todo", "not done yet"),
    ({"flatten": 0.3, "gmp": None}, "todo", "not done yet"),
    ({"flatten": 0.3}, "fail", "keys ['flatten', 'gmp']"),
    ([0.3, 1.0], "fail", "one accuracy"),
    ({"flatten": 30, "gmp": 100}, "fail", "write 0.3"),
    ({"flatten": -0.1, "gmp": 1.0}, "fail", "between 0 and 1"),
    ({"flatten": "low", "gmp": 1.0}, "fail", "must be a number"),
    ({"flatten": True, "gmp": 1.0}, "fail", "must be a number"),
    ({"flatten": float("nan"), "gmp": 1.0}, "fail", "must be a number"),
])
def test_check_accuracy_prediction_rejects_malformed_answers(prediction, status, hint):
    result = check_accuracy_prediction.grade(prediction, MEASURED)
    assert result.status == status, result
    assert hint in result.message, result.message


def test_classify_state_rejects_bad_input_and_names_the_argument():
    from helpers.classify import check_two_stage_classifier, classify_state, region_of

    model = make_cnn("gmp", channels=2)
    with pytest.raises(ValueError, match="sprite must be one of"):
        classify_state([model], 9, 2, "dog", [{"relu1": [0], "pool2": [0]}])
    with pytest.raises(TypeError, match="col must be an integer"):
        classify_state([model], 9, 2.5, "cat", [{"relu1": [0], "pool2": [0]}])
    with pytest.raises(TypeError, match="flatten_model must be a trained helpers.tinycnn.Model"):
        check_two_stage_classifier("model", "flatten_model", ("flatten",))
    assert region_of(2) == "left half" and region_of(19) == "right half" and region_of(9) == "across the middle"
