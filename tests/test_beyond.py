"""Notebook 05: the position experiments, the shift measures, both live views headless, the checkers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.aliasing import format_seed_table, seed_table, train_to_accuracy
from helpers.beyond import ROTATION_OBJECTS, rotation_networks, window_responses
from helpers.checks.beyond import (
    INVARIANCE_ANSWER,
    TRANSFORMS,
    check_invariance_prediction,
    check_lift,
)
from helpers.explorers.beyond import PositionLeakExplorer, RotationExplorer
from helpers.groupconv import OrientationPool, P4Lift, invariance_report, quantize_weights, rot90
from helpers.ops import conv2d, shift
from helpers.positions import (
    CORNER_PADDINGS,
    CORNERS,
    RandomStack,
    centred_test_set,
    corner_dataset,
    corner_experiment,
    corner_image,
    corner_position,
    corner_table,
    distinct_positions,
    fit_readout,
    make_corner_net,
    position_grid,
    position_readout,
    r2_score,
    shift_metrics,
    train_everywhere,
    trained_corner_net,
)
from helpers.sprites import CLASSES, cat_at, sprite
from helpers.tinycnn import Conv2D, Dense, GlobalAvgPool, GlobalMaxPool, MaxPool2D, Model, ReLU

# --------------------------------------------------------------------------
# 1. Which corner?
# --------------------------------------------------------------------------

def test_corner_images_and_data():
    assert corner_position("top-left", 0) == (0, 0)
    assert corner_position("bottom-right", 2) == (17, 17)
    img = corner_image("bottom-right", 1)
    np.testing.assert_array_equal(img[18:27, 18:27], sprite("cat"))
    assert img.sum() == sprite("cat").sum()
    x, y = corner_dataset(50, gap=1, noise=0.0, seed=3)
    assert x.shape == (50, 1, 28, 28) and y.shape == (50,) and y.sum() == 25
    for i in range(50):
        np.testing.assert_array_equal(x[i, 0], corner_image(CORNERS[y[i]], 1))
    x2, y2 = corner_dataset(50, gap=1, noise=0.1, seed=3)
    np.testing.assert_array_equal(y2, y)
    assert 0.05 < np.std(x2 - x) < 0.15
    np.testing.assert_array_equal(corner_dataset(8, seed=4)[0], corner_dataset(8, seed=4)[0])


@pytest.mark.parametrize("k", [3, 5])
def test_global_max_features_equal_for_both_corners_exactly_when_the_padding_is_not_felt(k):
    model = make_corner_net("zero", channels=6, k=k, seed=1)
    circ = make_corner_net("circular", channels=6, k=k, seed=1)
    radius = k // 2
    for gap in range(0, 6):
        xs = np.stack([corner_image(c, gap) for c in CORNERS])[:, None]
        for net, felt in ((model, gap < radius), (circ, False)):
            net.forward(xs, keep=True)
            feats = net.activations["gmp1"]
            diff = np.abs(feats[0] - feats[1]).max()
            if felt:
                assert diff > 1e-3, (k, gap)
            else:
                assert diff < 1e-12, (k, gap, net.layers[0].padding)


def test_corner_experiment_claims():
    leak = trained_corner_net("zero", 0, 3, 0)
    assert leak.test_accuracy >= 0.95
    assert leak.settings["padding"] == "zero" and leak.model.layers[0].padding == "zero"
    for padding, gap in (("zero", 2), ("circular", 0)):
        assert 0.4 <= trained_corner_net(padding, gap, 3, 0).test_accuracy <= 0.6
    assert trained_corner_net("zero", 0, 3, 0) is leak  # cached


def test_padding_next_to_the_cat_is_a_weak_cue_only_with_noise():
    # gap 1, 3x3: every window that sees the cat exists, but some also see the noise-free padding
    noisy = [corner_experiment("zero", gap=1, k=3, seed=s).test_accuracy for s in (0, 1, 2)]
    assert 0.55 < np.mean(noisy) < 0.8
    for s in (0, 1):
        assert corner_experiment("zero", gap=1, k=3, seed=s, noise=0.0).test_accuracy == 0.5


def test_corner_table_format():
    text, acc = corner_table(settings=(("zero", 3, 0), ("circular", 3, 0)), seeds=(0,))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["padding", "filter", "gap"]
    assert lines[1].startswith("zero") and lines[2].startswith("circular")
    assert set(acc) == {("zero", 3, 0), ("circular", 3, 0)}
    assert f"{acc[('zero', 3, 0)][0]:.1%}" in lines[1]


# --------------------------------------------------------------------------
# 2. Position readout
# --------------------------------------------------------------------------

def test_random_stack_shapes_and_blank_image():
    stack = RandomStack.random(depth=5, channels=8, n_pool=2, seed=0)
    assert stack.features(np.zeros((28, 28))).shape == (8, 7, 7)
    assert stack.features(np.zeros((3, 28, 28)), "circular").shape == (3, 8, 7, 7)
    blank_zero = stack.features(np.zeros((28, 28)), "zero")
    blank_circ = stack.features(np.zeros((28, 28)), "circular")
    assert distinct_positions(blank_circ) == 1
    assert distinct_positions(blank_zero) > 40
    # circular: the stack commutes with shifts by multiples of its stride (4)
    x = np.random.default_rng(0).random((28, 28))
    np.testing.assert_allclose(stack.features(shift(x, 4, 8), "circular"),
                               shift(stack.features(x, "circular"), 1, 2), atol=1e-12)


def test_readout_and_r2():
    assert r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    assert r2_score([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]) == 0.0
    assert r2_score([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) < 0
    # features that contain the position linearly are read back exactly
    grid = position_grid(4, 5)
    np.testing.assert_array_equal(grid[6], [1, 1])
    feats = np.stack([grid[:, 0].reshape(4, 5), grid[:, 1].reshape(4, 5), np.ones((4, 5))])[None] * 2 + 1
    coef = fit_readout(feats)
    design = np.hstack([feats[0].reshape(3, -1).T, np.ones((20, 1))])
    np.testing.assert_allclose(design @ coef, grid, atol=1e-9)


def test_position_readout_claims():
    for seed in (0, 1):
        zero = position_readout("zero", seed=seed)
        circ = position_readout("circular", seed=seed)
        assert min(zero["r2_row"], zero["r2_col"]) > 0.8
        assert max(circ["r2_row"], circ["r2_col"]) < 0.05
    assert zero["true"].shape == zero["pred"].shape == (10 * 49, 2)


# --------------------------------------------------------------------------
# 3. Shift consistency
# --------------------------------------------------------------------------

def test_centred_test_set_keeps_a_margin():
    x, y = centred_test_set(40, noise=0.0, margin=4, seed=1)
    assert x.shape == (40, 1, 28, 28) and sorted(set(y.tolist())) == [0, 1, 2, 3]
    for img in x[:, 0]:
        rows, cols = np.nonzero(img)
        assert rows.min() >= 4 and cols.min() >= 4 and rows.max() <= 23 and cols.max() <= 23


def test_shift_metrics_of_an_exactly_invariant_model():
    rng = np.random.default_rng(0)
    model = Model([Conv2D(1, 4, 3, "circular", rng=rng), ReLU(), GlobalMaxPool(), Dense(4, 4, rng=rng)])
    x, y = centred_test_set(20, noise=0.1, seed=2)
    m = shift_metrics(model, x, y)
    assert set(m) == {"accuracy", "consistency", "p_flip", "mean_dprob", "mean_dp_true"}
    assert m["consistency"] == 1.0 and m["p_flip"] == 0.0 and m["mean_dprob"] < 1e-12 and m["mean_dp_true"] < 1e-12
    assert 0 <= m["accuracy"] <= 1


def test_train_to_accuracy_stops_at_the_target():
    x_val, y_val = centred_test_set(40, noise=0.25, seed=99)
    run = train_to_accuracy("max", seed=0, target=0.5, x_val=x_val, y_val=y_val, check_every=8, max_steps=64)
    assert run.reached and run.steps % 8 == 0 and run.val_accuracy >= 0.5
    never = train_to_accuracy("max", seed=0, target=1.0, x_val=x_val, y_val=y_val, check_every=4, max_steps=8,
                              channels=2)
    assert not never.reached and never.steps == 8


@pytest.fixture(scope="module")
def seed0():
    return seed_table(seeds=(0,))


def test_blur_pooling_at_matched_accuracy_moves_the_probabilities_less(seed0):
    """What notebook 05 states for every seed, checked on seed 0; the notebook checks seeds 0-4."""
    mx, bl = seed0["max", 0], seed0["maxblur", 0]
    assert mx["reached"] and bl["reached"] and bl["steps"] > mx["steps"]  # blur pooling learns more slowly
    assert bl[0.25]["mean_dp_true"] < mx[0.25]["mean_dp_true"] / 2
    assert bl[0.25]["p_flip"] <= mx[0.25]["p_flip"]
    text = format_seed_table(seed0, 0.25)
    assert text.splitlines()[1].split()[:3] == ["0", "max", "pool"] and len(text.splitlines()) == 3


def test_the_old_seed0_claims_are_not_laws():
    """The figures notebook 05 used to state as laws (flip ratio 4.5, consistency 87.0% -> 92.5%) came from
    one seed, and from networks compared after the same number of steps, where max-blur pooling is the less
    accurate one. The notebook no longer trains that way; this keeps the reason on record."""
    x, y = centred_test_set(200, noise=0.25, seed=7)
    mx, bl = (shift_metrics(train_everywhere(p), x, y) for p in ("max", "maxblur"))
    assert bl["accuracy"] < mx["accuracy"]  # same steps: the blur network is behind
    assert bl["mean_dp_true"] < mx["mean_dp_true"]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: corner_position("middle"), ValueError, "corner must be one of"),
    (lambda: corner_position("top-left", 10), ValueError, "gap must be in 0..9"),
    (lambda: corner_position("top-left", 1.5), TypeError, "gap must be an integer"),
    (lambda: corner_position("top-left", 0, canvas=12), ValueError, "canvas must be at least 18"),
    (lambda: corner_image("top-left", 0, name="dog"), ValueError, "name must be one of"),
    (lambda: corner_dataset(0), ValueError, "n must be a positive integer"),
    (lambda: corner_dataset(4, noise=-1), ValueError, "noise must be a finite number >= 0"),
    (lambda: make_corner_net("valid"), ValueError, "padding must be one of"),
    (lambda: make_corner_net(k=4), ValueError, "k must be odd"),
    (lambda: corner_table(seeds=()), ValueError, "seeds must not be empty"),
    (lambda: RandomStack.random(depth=2, n_pool=3), ValueError, "n_pool must be in 0..depth"),
    (lambda: RandomStack.random(bias_std=-1.0), ValueError, "finite number >= 0"),
    (lambda: RandomStack.random().features(np.zeros(5)), ValueError, "2 or 3 dimensions"),
    (lambda: RandomStack.random().features(np.zeros((8, 8)), "wrap"), ValueError, "padding must be one of"),
    (lambda: r2_score([1.0, 1.0], [1.0, 2.0]), ValueError, "y is constant"),
    (lambda: r2_score([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "same shape"),
    (lambda: fit_readout(np.zeros((3, 3))), ValueError, "4 dimensions"),
    (lambda: position_readout("zero", n_train=0), ValueError, "n_train must be a positive integer"),
    (lambda: distinct_positions(np.zeros((2, 2))), ValueError, "3 dimensions"),
    (lambda: train_everywhere("avg"), ValueError, "pool must be one of"),
    (lambda: train_to_accuracy("blur"), ValueError, "pool must be one of"),
    (lambda: train_to_accuracy(target=1.5), ValueError, r"target must be a number in \(0, 1\]"),
    (lambda: train_to_accuracy(x_val=np.zeros((2, 1, 28, 28))), ValueError, "given together"),
    (lambda: seed_table(seeds=()), ValueError, "seeds must not be empty"),
    (lambda: shift_metrics(Model([GlobalAvgPool()]), np.zeros((1, 1, 8, 8)), [0.5]), TypeError,
     "integer class labels"),
    (lambda: centred_test_set(5, margin=10), ValueError, "margin must be in 0..9"),
    (lambda: shift_metrics("model", np.zeros((1, 1, 8, 8)), [0]), TypeError, "model must be"),
    (lambda: shift_metrics(Model([GlobalAvgPool()]), np.zeros((2, 1, 8, 8)), [0]), ValueError,
     r"y must have shape \(2,\)"),
    (lambda: shift_metrics(Model([GlobalAvgPool()]), np.zeros((1, 1, 8, 8)), [0], max_shift=0), ValueError,
     "max_shift must be at least 1"),
    (lambda: PositionLeakExplorer(canvas=32), ValueError, "canvas must be 28"),
    (lambda: RotationExplorer(canvas=30), ValueError, "divisible by 4"),
])
def test_bad_input_gets_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------
# Live views, headless
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def leak():
    return PositionLeakExplorer()


@pytest.mark.parametrize("padding", list(CORNER_PADDINGS))
@pytest.mark.parametrize("corner", CORNERS)
def test_position_leak_every_control(leak, padding, corner):
    leak.padding.value = padding
    leak.corner.value = corner
    leak.distance.value = 0
    slider = leak.distance
    for d in range(slider.min, slider.max + 1):
        before, old = bytes(leak.image.value), slider.value
        slider.value = d
        if d != old:
            assert bytes(leak.image.value) != before, f"picture unchanged at distance {d}"
        s = leak.state
        assert s["distance"] == d and s["corner"] == corner and s["padding"] == padding
        assert s["position"] == corner_position(corner, d)
        np.testing.assert_allclose(s["probs"].sum(), 1.0)
        np.testing.assert_array_equal(s["x"], corner_image(corner, d))
        assert s["map"].shape == s["padded"].shape == (30, 30)
        felt = padding == "zero" and d == 0
        if felt:
            assert s["feature_gap"] > 0.5 and s["answer"] == corner
            assert "The zero padding is felt here" in leak.readout_text
            assert "(right)" in leak.readout_text
        else:
            assert s["feature_gap"] < 1e-9
            np.testing.assert_allclose(s["probs"], s["probs_other"], atol=1e-9)
            assert "the same answer for both corners" in leak.readout_text
        assert s["seen_value"] > 0.1, "the deciding filter should respond to the cat"
        # one numbering everywhere: the readout names the filter as the notebook prints it, from 0
        assert f"deciding filter {s['filter']} (numbered from 0;" in leak.readout_text
        assert f"cat {d} pixel" in leak.readout_text and f"{padding} padding" in leak.readout_text


def test_position_leak_toggles_change_the_picture(leak):
    leak.distance.value = 0
    leak.padding.value = "zero"
    leak.corner.value = "top-left"
    for control, value in ((leak.corner, "bottom-right"), (leak.padding, "circular"), (leak.corner, "top-left"),
                           (leak.padding, "zero")):
        before = bytes(leak.image.value)
        control.value = value
        assert bytes(leak.image.value) != before, f"picture unchanged after {control.description}={value}"


def test_window_responses_inner_block_is_the_layer_output(leak):
    model = leak.results["zero"].model
    x = corner_image("top-left", 0)
    full = window_responses(model, x, "zero")
    model.forward(x[None, None], keep=True)
    np.testing.assert_allclose(full[:, 1:-1, 1:-1], model.activations["relu1"][0], atol=1e-12)
    circ = leak.results["circular"].model
    full_c = window_responses(circ, x, "circular")
    np.testing.assert_allclose(full_c[:, 0], full_c[:, -2])  # the outer ring repeats the other side


@pytest.fixture(scope="module")
def rotation():
    return RotationExplorer()


@pytest.mark.parametrize("obj", ROTATION_OBJECTS)
def test_rotation_every_control(rotation, obj):
    rotation.obj.value = obj
    rotation.angle.value = 0
    ref = rotation.state
    assert ref["p4_change"] == 0 and ref["plain_change"] == 0
    for angle in (90, 180, 270, 0):
        before = bytes(rotation.image.value)
        rotation.angle.value = angle
        assert bytes(rotation.image.value) != before, f"picture unchanged at {angle} degrees"
        s = rotation.state
        r = angle // 90
        np.testing.assert_array_equal(s["x"], rot90(ref["x"], r))
        # the lifting maps turn and roll: map (s + r) of the turned object is map s of the upright one, turned
        for o in range(4):
            np.testing.assert_array_equal(s["p4_maps"][(o + r) % 4], rot90(ref["p4_maps"][o], r))
        assert s["p4_change"] == 0.0
        assert (s["plain_change"] > 1e-3) == (r != 0)
        if obj == "cat":
            assert s["best_orientation"] == r
        assert f"{obj} turned {angle}°" in rotation.readout_text
        # the readout reports what was measured on this image; invariance belongs to the network, not to one output
        assert "= 0 (exactly the same)" in rotation.readout_text and "invariant" not in rotation.readout_text


def test_rotation_object_toggle(rotation):
    rotation.angle.value = 90
    before = bytes(rotation.image.value)
    rotation.obj.value = "triangle" if rotation.obj.value == "cat" else "cat"
    assert bytes(rotation.image.value) != before


def test_rotation_networks_share_the_ear_filter():
    p4, plain = rotation_networks()
    from helpers.filters import EAR
    np.testing.assert_array_equal(p4.layers[0].params["w"][0, 0], EAR)
    np.testing.assert_array_equal(plain.layers[0].params["w"][0, 0], EAR)


@pytest.mark.parametrize("fixture", ["leak", "rotation"])
def test_controls_are_labelled_with_tooltips(fixture, request):
    explorer = request.getfixturevalue(fixture)
    for control in explorer.controls:
        assert control.description and control.tooltip
    assert "live-view" in explorer.widget._dom_classes
    assert explorer._repr_mimebundle_()["text/plain"].startswith(explorer.title)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


# --------------------------------------------------------------------------
# Checkers
# --------------------------------------------------------------------------

def reference_lift(x, w):
    return np.stack([conv2d(x, np.rot90(w, r), padding="circular") for r in range(4)])


def test_check_lift_accepts_reference_and_rejects_wrong_answers():
    assert check_lift.grade(reference_lift).passed
    cases = {
        "wrong way": lambda x, w: np.stack([conv2d(x, np.rot90(w, -r), padding="circular") for r in range(4)]),
        "all four maps are the same": lambda x, w: np.stack([conv2d(x, w, padding="circular")] * 4),
        "turned the image": lambda x, w: np.stack([conv2d(np.rot90(x, r), w, padding="circular") for r in range(4)]),
        "flipped": lambda x, w: np.stack([conv2d(x, np.rot90(w, r)[::-1, ::-1], padding="circular")
                                          for r in range(4)]),
        "zero padding": lambda x, w: np.stack([conv2d(x, np.rot90(w, r), padding="zero") for r in range(4)]),
        "last axis": lambda x, w: np.moveaxis(reference_lift(x, w), 0, -1),
        "shape": lambda x, w: reference_lift(x, w)[:3],
        "raised": lambda x, w: x @ w,
        "assume a 3x3 kernel": lambda x, w: np.stack([conv2d(x, np.rot90(w, r)[:3, :3], padding="circular")
                                                      for r in range(4)]),
    }
    for hint, wrong in cases.items():
        result = check_lift.grade(wrong)
        assert not result.passed and hint in result.message, (hint, result.message)


def test_check_lift_stub_is_todo(capsys):
    def stub(x, w):
        raise NotImplementedError
    assert check_lift.grade(stub).status == "todo"
    check_lift(stub)
    assert capsys.readouterr().out.startswith("TO DO")


def question_networks():
    net_a = quantize_weights(Model([Conv2D(1, 8, 3, "circular", rng=0), ReLU(), MaxPool2D(2), GlobalAvgPool()]))
    net_b = quantize_weights(Model([P4Lift(1, 8, 3, "circular", rng=0), ReLU(), MaxPool2D(2), OrientationPool(),
                                    GlobalAvgPool()]))
    return {"A": net_a, "B": net_b}


def test_invariance_answer_is_what_the_networks_do():
    rng = np.random.default_rng(3)
    for name, net in question_networks().items():
        for x in (cat_at(9, 9), rng.integers(0, 2, (28, 28)).astype(float)):
            report = invariance_report(net, x)
            for t in TRANSFORMS:
                assert (report[t] == 0.0) == INVARIANCE_ANSWER[name][t], (name, t, report[t])


def test_check_invariance_prediction():
    assert check_invariance_prediction.grade(INVARIANCE_ANSWER).passed
    wrong = {k: dict(v) for k, v in INVARIANCE_ANSWER.items()}
    wrong["A"]["1-pixel shift"] = True
    result = check_invariance_prediction.grade(wrong)
    assert not result.passed and "polyphase" in result.message
    wrong = {k: dict(v) for k, v in INVARIANCE_ANSWER.items()}
    wrong["B"]["90-degree rotation"] = False
    wrong["A"]["2-pixel shift"] = False
    result = check_invariance_prediction.grade(wrong)
    assert not result.passed and "multiple of the stride" in result.message and "1 more" in result.message
    wrong = {k: dict(v) for k, v in INVARIANCE_ANSWER.items()}
    wrong["B"]["90-degree rotation"] = False
    assert "rolls the orientations" in check_invariance_prediction.grade(wrong).message
    stub = {k: dict.fromkeys(TRANSFORMS) for k in "AB"}
    assert check_invariance_prediction.grade(stub).status == "todo"
    assert not check_invariance_prediction.grade({"A": {}}).passed
    assert "True or False" in check_invariance_prediction.grade(
        {k: dict.fromkeys(TRANSFORMS, "yes") for k in "AB"}).message
    assert check_invariance_prediction.grade(None).status == "todo"
    assert len(CLASSES) == 4


def test_a_negative_bias_spread_is_named_in_the_error():
    with pytest.raises(ValueError, match="bias_std must be a finite number >= 0, got -0.5"):
        RandomStack.random(bias_std=-0.5)
