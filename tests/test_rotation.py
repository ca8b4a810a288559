"""Notebook 05's trained p4 network (helpers.rotation), Zhang's view (helpers.aliasing), and the exercise 3 checker."""

from __future__ import annotations

import numpy as np
import pytest
from forward_caches import saved_arrays

from helpers.aliasing import (
    SHIFT_PATH,
    probability_along_shifts,
    shift_path_summary,
    shift_path_test_set,
)
from helpers.checks.beyond import check_rotated_accuracy
from helpers.groupconv import P4Conv, P4Lift, make_p4_cnn, quantize_weights, rot90, rotate_p4
from helpers.ops import shift, softmax
from helpers.rotation import (
    NETWORKS,
    ROTATION_CLASSES,
    RotationRun,
    format_rotation_table,
    rotation_dataset,
    rotation_experiment,
    rotation_table,
    turn_randomly,
)
from helpers.sprites import SPRITES, place
from helpers.tinycnn import SGD, Model, SoftmaxCrossEntropy

# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def test_rotation_dataset_is_balanced_upright_and_seeded():
    x, y = rotation_dataset(40, canvas=16, noise=0.0, seed=3)
    assert x.shape == (40, 1, 16, 16) and y.shape == (40,)
    assert np.bincount(y).tolist() == [10] * 4
    for img, label in zip(x[:, 0], y):  # each image is one upright sprite on a blank canvas
        rows, cols = np.nonzero(img.any(axis=1))[0], np.nonzero(img.any(axis=0))[0]
        found = [name for name in ROTATION_CLASSES
                 if any(np.array_equal(img, place(name, r, c, 16)) for r in range(8) for c in range(8))]
        assert found == [ROTATION_CLASSES[label]], (rows, cols)
    x2, y2 = rotation_dataset(40, canvas=16, noise=0.0, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_plus_and_box_look_the_same_turned_cat_and_triangle_do_not():
    for name in ROTATION_CLASSES:
        same = np.array_equal(np.rot90(SPRITES[name]), SPRITES[name])
        assert same == (name in ("plus", "box")), name


def test_turn_randomly_turns_each_image_by_a_quarter_turn():
    x, _ = rotation_dataset(16, noise=0.1, seed=0)
    t = turn_randomly(x, seed=5)
    turns = [next(r for r in range(4) if np.array_equal(t[i], rot90(x[i], r))) for i in range(16)]
    assert len(set(turns)) > 1
    assert np.array_equal(t, turn_randomly(x, seed=5))


# --------------------------------------------------------------------------
# The trainable p4 layers keep their laws after training
# --------------------------------------------------------------------------


def test_trained_p4_layers_are_exactly_equivariant():
    """After SGD steps (weights then quantized: every sum exact) both trainable layers keep their laws bit for bit."""
    model = make_p4_cnn(channels=2, n_classes=4, padding="zero", seed=1)
    x, y = rotation_dataset(16, noise=0.0, seed=2)
    loss_fn, opt = SoftmaxCrossEntropy(), SGD(0.1)
    for _ in range(3):
        loss_fn.forward(model.forward(x), y)
        model.backward(loss_fn.backward())
        opt.step(model.params())
    quantize_weights(model)
    lift_layer, group_layer = model.layers[0], model.layers[3]
    assert isinstance(lift_layer, P4Lift) and isinstance(group_layer, P4Conv)
    rng = np.random.default_rng(0)
    img = rng.integers(0, 2, size=(2, 1, 12, 12)).astype(float)
    p4_map = rng.integers(-2, 3, size=(2, 2 * 4, 12, 12)).astype(float)
    for r in range(4):
        out = lift_layer.forward(img).reshape(2, 2, 4, 12, 12)
        assert np.array_equal(lift_layer.forward(rot90(img, r)).reshape(2, 2, 4, 12, 12), rotate_p4(out, r))
        out = group_layer.forward(p4_map).reshape(2, 2, 4, 12, 12)
        turned = rotate_p4(p4_map.reshape(2, 2, 4, 12, 12), r).reshape(2, 8, 12, 12)
        assert np.array_equal(group_layer.forward(turned).reshape(2, 2, 4, 12, 12), rotate_p4(out, r))


# --------------------------------------------------------------------------
# The experiment
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_run():
    return rotation_experiment(seed=0, steps=12, n_test=40)


def test_rotation_experiment_p4_answers_do_not_depend_on_the_angle(short_run):
    run = short_run
    assert isinstance(run, RotationRun) and set(run.accuracy) == set(NETWORKS)
    assert len(set(run.accuracy["p4"])) == 1 and run.p4_same_answers and run.p4_logit_change < 1e-12
    assert run.same_answers["p4"] == 1.0
    assert run.n_params == {"p4": 640, "plain": 700, "plain, rotated copies": 700}
    assert all(len(a) == 4 and all(0 <= v <= 1 for v in a) for a in run.accuracy.values())
    assert run.class_accuracy["plain"].shape == (4, 4)
    for model in run.models.values():  # forward caches dropped, in the p4 layers' convolutions too
        assert saved_arrays(model) == []


def test_rotation_experiment_is_deterministic(short_run):
    again = rotation_experiment(seed=0, steps=12, n_test=40)
    assert again.accuracy == short_run.accuracy and again.same_answers == short_run.same_answers


def test_format_rotation_table(short_run):
    text = format_rotation_table([short_run])
    lines = text.splitlines()
    assert lines[0].split() == ["seed", "network", "0", "deg", "90", "deg", "180", "deg", "270", "deg"]
    assert len(lines) == 1 + len(NETWORKS)
    assert lines[1].split()[:2] == ["0", "p4"] and lines[1].endswith("%")


def test_the_notebook_claims_hold_at_seed_0():
    run = rotation_table(seeds=(0,))[0]
    assert run.accuracy["plain"][0] == 1.0 and max(run.accuracy["plain"][1:]) < 0.9
    assert min(run.accuracy["plain, rotated copies"]) >= 0.99
    assert run.class_accuracy["plain"][1, 2:].tolist() == [1.0, 1.0]  # plus and box: nothing changes


# --------------------------------------------------------------------------
# Zhang's view
# --------------------------------------------------------------------------


def test_shift_path_test_set_keeps_the_sprite_inside_along_the_path():
    x, y = shift_path_test_set(20, noise=0.0, seed=1, max_shift=8, gap=2)
    assert x.shape == (20, 1, 28, 28) and y.shape == (20,)
    for img in x[:, 0]:
        moved = shift(img, 8, 8)
        rows, cols = np.nonzero(moved.any(axis=1))[0], np.nonzero(moved.any(axis=0))[0]
        assert rows.max() <= 25 and cols.max() <= 25 and moved.sum() == img.sum()


def test_probability_along_shifts_matches_predict_proba():
    from helpers.tinycnn import Dense, GlobalAvgPool
    model = Model([GlobalAvgPool(), Dense(1, 4, rng=0)])  # invariant to circular shifts
    x, y = shift_path_test_set(6, noise=0.2, seed=3)
    p = probability_along_shifts(model, x, y)
    assert p.shape == (6, len(SHIFT_PATH))
    expected = softmax(model.forward(x), axis=1)[np.arange(6), y]
    np.testing.assert_allclose(p[:, 0], expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(p, np.repeat(expected[:, None], len(SHIFT_PATH), axis=1), atol=1e-12)
    summary = shift_path_summary(p)
    assert summary["mean_drop"] < 1e-12 and summary["max_drop"] < 1e-12 and summary["mean_swing"] < 1e-12


def test_shift_path_summary_by_hand():
    p = np.array([[0.6, 0.2, 0.6, 0.3], [0.5, 0.7, 0.9, 0.5]])
    s = shift_path_summary(p)
    assert s["mean_drop"] == pytest.approx((0.4 + 0.0) / 2)
    assert s["max_drop"] == pytest.approx(0.4)
    assert s["mean_swing"] == pytest.approx((0.4 + 0.4) / 2)
    np.testing.assert_allclose(s["mean_change"], [0, 0.3, 0.2, 0.15])


# --------------------------------------------------------------------------
# Exercise 3's checker
# --------------------------------------------------------------------------


def test_check_rotated_accuracy_accepts_the_right_answer():
    assert check_rotated_accuracy.grade(lambda up: [up, up, up]).passed
    assert check_rotated_accuracy.grade(lambda up: (up,) * 3).passed
    assert check_rotated_accuracy.grade(lambda up: np.full(3, up)).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda up: [0.25] * 3, "chance"),
    (lambda up: [100 * up] * 3, "fractions"),
    (lambda up: [0.75 * up, up, 0.75 * up], "plain CNN's pattern"),
    (lambda up: [1.0] * 3, "does not depend on `upright`"),
    (lambda up: [0.75 * up] * 3, "turning costs the p4 network nothing"),
    (lambda up: [min(1.0, up + 0.1)] * 3, "cannot help"),
    (lambda up: up, "three numbers"),
    (lambda up: [up, up], "three numbers"),
    (0.88, "give a function"),
])
def test_check_rotated_accuracy_rejects_usual_wrong_answers(wrong, hint):
    result = check_rotated_accuracy.grade(wrong)
    assert result.status == "fail" and hint in result.message, result.message


def test_check_rotated_accuracy_stub_is_todo(capsys):
    def stub(upright):
        raise NotImplementedError

    assert check_rotated_accuracy.grade(stub).status == "todo"
    assert check_rotated_accuracy.grade(lambda up: [None, None, None]).status == "todo"
    check_rotated_accuracy(lambda up: [up] * 3)
    assert capsys.readouterr().out.startswith("PASS")


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, match", [
    (lambda: rotation_dataset(0), ValueError, "n must be"),
    (lambda: rotation_dataset(4, canvas=18), ValueError, "multiple of 4"),
    (lambda: rotation_dataset(4, noise=-1), ValueError, "noise must be"),
    (lambda: rotation_dataset(4, classes=("cat", "dog")), ValueError, "sprite names"),
    (lambda: rotation_dataset(4, classes="cat"), ValueError, "at least two"),
    (lambda: turn_randomly(np.zeros((2, 1, 4, 5))), ValueError, "square images"),
    (lambda: rotation_experiment(seed=-1), ValueError, "seed must be >= 0"),
    (lambda: rotation_experiment(steps=0), ValueError, "steps must be"),
    (lambda: rotation_experiment(lr=0), ValueError, "lr must be"),
    (lambda: rotation_table(seeds=()), ValueError, "must not be empty"),
    (lambda: rotation_table(seeds=3), TypeError, "seeds must be a sequence"),
    (lambda: format_rotation_table("table"), TypeError, "runs must be a list"),
    (lambda: shift_path_test_set(4, max_shift=16, gap=2), ValueError, "no position fits"),
    (lambda: shift_path_test_set(4, noise=-0.1), ValueError, "noise must be"),
    (lambda: probability_along_shifts("net", np.zeros((1, 1, 28, 28)), [0]), TypeError, "model must be"),
    (lambda: probability_along_shifts(make_p4_cnn(2, 4), np.zeros((2, 1, 28, 28)), [0]), ValueError,
     "one label per image"),
    (lambda: probability_along_shifts(make_p4_cnn(2, 4), np.zeros((1, 1, 28, 28)), [-1]), ValueError,
     r"y must lie in 0\.\.3"),
    (lambda: probability_along_shifts(make_p4_cnn(2, 4), np.zeros((1, 1, 28, 28)), [0], shifts=()), ValueError,
     "must not be empty"),
    (lambda: shift_path_summary(np.zeros((3, 1))), ValueError, "at least two shifts"),
    (lambda: shift_path_summary(np.zeros(3)), ValueError, "dimensions"),
])
def test_bad_input_gets_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
