"""helpers.digits (notebook 06's data and experiment) and its exercise checker."""

from __future__ import annotations

import numpy as np
import pytest
from forward_caches import saved_arrays

from helpers.checks.digits import GAP_CASES, check_accuracy_gap
from helpers.digits import (
    DIGIT_SIZE,
    accuracy_gap,
    digit_columns,
    first_layer_moves,
    left_right_digits,
    load_digits,
    logits_of,
    place_digits,
    split_digits,
)
from helpers.ops import shift

# --------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------


def test_load_digits_equals_scikit_learns_own_loader():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    bunch = sklearn_datasets.load_digits()
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert np.array_equal(images * 16, bunch.images) and np.array_equal(labels, bunch.target)


def test_load_digits_falls_back_to_scikit_learns_loader_where_the_file_is_not_found(monkeypatch):
    pytest.importorskip("sklearn.datasets")
    import helpers.digits as digits

    expected = load_digits(classes=(1, 2))
    monkeypatch.setattr(digits, "_csv_path", lambda: None)
    got = digits.load_digits(classes=(1, 2))
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])


def test_load_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    import sys

    import helpers.digits as digits

    monkeypatch.setattr(digits, "_csv_path", lambda: None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        digits.load_digits()


def test_load_digits_scales_ink_to_0_1_and_keeps_every_class():
    images, labels = load_digits()
    assert images.min() == 0.0 and images.max() == 1.0
    assert np.array_equal(np.unique(images * 16), np.arange(17))
    assert np.array_equal(np.bincount(labels), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_load_digits_keeps_and_relabels_the_chosen_classes_in_the_order_given():
    images, labels = load_digits()
    sub, sub_labels = load_digits(classes=(3, 8))
    assert np.array_equal(sub, images[np.isin(labels, (3, 8))])
    assert np.array_equal(sub_labels, (labels[np.isin(labels, (3, 8))] == 8).astype(int))


@pytest.mark.parametrize(("classes", "error", "match"), [
    ((3,), ValueError, "at least two distinct digits"),
    ((3, 3), ValueError, "at least two distinct digits"),
    ((0, 10), ValueError, "from 0 to 9"),
    ("01", TypeError, "sequence of digits"),
    (5, TypeError, "sequence of digits"),
    ((0, 1.5), TypeError, "classes"),
])
def test_load_digits_rejects_bad_classes(classes, error, match):
    with pytest.raises(error, match=match):
        load_digits(classes=classes)


# --------------------------------------------------------------------------
# Splitting and placing
# --------------------------------------------------------------------------


def test_split_digits_is_per_class_disjoint_and_seeded():
    labels = np.repeat(np.arange(4), [9, 12, 6, 3])
    train, held = split_digits(labels, held_out=1 / 3, seed=4)
    assert not set(train) & set(held) and len(train) + len(held) == len(labels)
    assert np.array_equal(np.bincount(labels[held]), [3, 4, 2, 1])
    again = split_digits(labels, held_out=1 / 3, seed=4)
    assert np.array_equal(again[1], held)
    assert not np.array_equal(split_digits(labels, held_out=1 / 3, seed=5)[1], held)


@pytest.mark.parametrize(("labels", "held_out", "error", "match"), [
    (np.array([0, 0, 1, 1]), 1.0, ValueError, "between 0 and 1"),
    (np.array([0, 0, 1, 1]), 0.0, ValueError, "held_out"),
    (np.array([0, 1, 1, 1]), 0.5, ValueError, "class 0 has 1 images"),
    (np.array([0.0, 1.0]), 0.5, ValueError, "integer array"),
    (np.zeros((2, 2), int), 0.5, ValueError, "1-D"),
])
def test_split_digits_rejects_bad_input(labels, held_out, error, match):
    with pytest.raises(error, match=match):
        split_digits(labels, held_out)


def test_digit_columns_gives_the_two_halves():
    assert digit_columns("left") == (0, 4) and digit_columns("right") == (12, 16)
    assert digit_columns("right", canvas=28) == (14, 20)
    with pytest.raises(ValueError, match="region"):
        digit_columns("middle")
    with pytest.raises(ValueError, match="even number"):
        digit_columns("left", canvas=25)
    with pytest.raises(ValueError, match="at least 16"):
        digit_columns("left", canvas=14)


def test_place_digits_puts_each_digit_at_its_row_and_column():
    images = np.random.default_rng(0).random((3, 8, 8))
    out = place_digits(images, np.array([0, 5, 16]), np.array([16, 0, 7]))
    assert out.shape == (3, 1, 24, 24)
    for img, canvas, r, c in zip(images, out[:, 0], (0, 5, 16), (16, 0, 7)):
        assert np.array_equal(canvas[r:r + DIGIT_SIZE, c:c + DIGIT_SIZE], img)
        assert canvas.sum() == pytest.approx(img.sum())
    same_place = place_digits(images, 2, 3)
    assert np.array_equal(same_place[:, 0, 2:10, 3:11], images)


@pytest.mark.parametrize(("images", "rows", "cols", "error", "match"), [
    (np.zeros((2, 8, 7)), 0, 0, ValueError, r"\(N, 8, 8\)"),
    (np.zeros((8, 8)), 0, 0, ValueError, "images"),
    (np.zeros((2, 8, 8)), np.array([0, 17]), 0, ValueError, "rows must lie from 0 to 16"),
    (np.zeros((2, 8, 8)), 0, np.array([-1, 0]), ValueError, "cols must lie"),
    (np.zeros((2, 8, 8)), np.array([0, 1, 2]), 0, ValueError, r"shape \(2,\)"),
    (np.zeros((2, 8, 8)), 0.5, 0, ValueError, "integer"),
    ("digits", 0, 0, TypeError, "images"),
])
def test_place_digits_rejects_bad_input(images, rows, cols, error, match):
    with pytest.raises(error, match=match):
        place_digits(images, rows, cols)


# --------------------------------------------------------------------------
# The experiment (a short run: the notebook checks the full one over three seeds)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_run():
    return left_right_digits(seed=0, classes=(0, 1), epochs=2, channels=4)


def test_left_right_digits_tests_the_same_held_out_digits_in_both_halves(short_run):
    (x_left, y_left), (x_right, y_right) = short_run.data["left"], short_run.data["right"]
    assert np.array_equal(y_left, y_right)
    assert np.array_equal(shift(x_left, 0, 12, mode="zero"), x_right)
    assert x_left[..., 12:].max() == 0 and short_run.data["train"][0][..., 12:].max() == 0
    s = short_run.settings
    assert s["n_train"] + s["n_held_out"] == 360 and s["n_held_out"] == 120


def test_left_right_digits_reports_accuracies_that_match_its_predictions(short_run):
    y = short_run.data["left"][1]
    for head in ("flatten", "gmp"):
        p = short_run.predictions[head]
        left, right, _ = accuracy_gap(y, p["left"], p["right"])
        assert short_run.accuracy[head]["left"] == left and short_run.accuracy[head]["right"] == right
        assert np.array_equal(short_run.logits[head]["left"].argmax(axis=1), p["left"])
        assert 0.0 <= short_run.accuracy[head]["train"] <= 1.0


def test_left_right_digits_is_reproducible():
    a = left_right_digits(seed=3, heads=("gmp",), classes=(0, 1), epochs=1, channels=2)
    b = left_right_digits(seed=3, heads=("gmp",), classes=(0, 1), epochs=1, channels=2)
    assert np.array_equal(a.logits["gmp"]["right"], b.logits["gmp"]["right"])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(seed=-1), ValueError, "seed"),
    (dict(heads="gmp"), ValueError, "heads"),
    (dict(heads=("gmp", "gmp")), ValueError, "repeat"),
    (dict(heads=("dense",)), ValueError, "heads"),
    (dict(canvas=20.5), TypeError, "canvas"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(lr=-1.0), ValueError, "lr"),
    (dict(classes=(1,)), ValueError, "classes"),
])
def test_left_right_digits_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        left_right_digits(**kwargs)


def test_accuracy_gap_and_its_errors():
    assert accuracy_gap(np.array([0, 1, 2, 3]), np.array([0, 1, 2, 0]), np.array([1, 1, 1, 1])) == (0.75, 0.25, 0.5)
    with pytest.raises(TypeError, match="pred_left must be an integer array"):
        accuracy_gap([0, 1], [0.0, 1.0], [0, 1])
    with pytest.raises(ValueError, match="same length"):
        accuracy_gap([0, 1], [0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="labels must be a non-empty 1-D"):
        accuracy_gap(np.array([], int), np.array([], int), np.array([], int))


# --------------------------------------------------------------------------
# The checker: passes the right answer, fails each usual wrong one with its hint
# --------------------------------------------------------------------------


def _right(labels, left, right):
    a, b = float(np.mean(left == labels)), float(np.mean(right == labels))
    return a, b, a - b


WRONG = {
    "counts": (lambda l, a, b: (float((a == l).sum()), float((b == l).sum()), float((a == l).sum() - (b == l).sum())),
               "counts of correct answers"),
    "percent": (lambda l, a, b: tuple(100 * v for v in _right(l, a, b)), "percentages"),
    "error rates": (lambda l, a, b: (1 - _right(l, a, b)[0], 1 - _right(l, a, b)[1], _right(l, a, b)[2]),
                    "error rates"),
    "swapped": (lambda l, a, b: _right(l, b, a), "swapped"),
    "sign": (lambda l, a, b: (*_right(l, a, b)[:2], -_right(l, a, b)[2]), "wrong sign"),
    "absolute gap": (lambda l, a, b: (*_right(l, a, b)[:2], abs(_right(l, a, b)[2])), "absolute value"),
    "agreement": (lambda l, a, b: (float(np.mean(a == l)), float(np.mean(b == a)),
                                   float(np.mean(a == l)) - float(np.mean(b == a))), "agree"),
    "ratio gap": (lambda l, a, b: (*_right(l, a, b)[:2], _right(l, a, b)[1] / max(_right(l, a, b)[0], 1e-9)),
                  "left minus right"),
    "one number": (lambda l, a, b: _right(l, a, b)[2], "return three numbers"),
    "arrays": (lambda l, a, b: (a == l, b == l, (a == l) ^ (b == l)), "return three numbers"),
    "fixed length": (lambda l, a, b: (float((a == l).sum() / 10), float((b == l).sum() / 10),
                                      float(((a == l).sum() - (b == l).sum()) / 10)), "expected"),
}


def test_check_accuracy_gap_passes_the_right_answer():
    result = check_accuracy_gap.grade(_right)
    assert result.passed, result
    numpy_floats = check_accuracy_gap.grade(lambda l, a, b: tuple(np.float64(v) for v in _right(l, a, b)))
    assert numpy_floats.passed, numpy_floats


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_accuracy_gap_fails_the_usual_wrong_answers_with_their_hint(name):
    fn, hint = WRONG[name]
    result = check_accuracy_gap.grade(fn)
    assert result.status == "fail", (name, result)
    assert hint in result.message, (name, result.message)


def test_check_accuracy_gap_reports_a_stub_as_to_do():
    def stub(labels, pred_left, pred_right):
        raise NotImplementedError

    assert check_accuracy_gap.grade(stub).status == "todo"
    assert check_accuracy_gap.grade(None).status == "todo"


def test_gap_cases_tell_the_wrong_answers_apart():
    labels, left, right = GAP_CASES[0]
    a, b, _ = accuracy_gap(labels, left, right)
    agree = float(np.mean(left == right))
    assert len({a, b, 1 - a, 1 - b, agree}) == 5  # so each wrong answer matches one hint only
    assert accuracy_gap(*GAP_CASES[1])[2] < 0  # one case better on the right: catches abs(gap)


def test_logits_of_matches_one_forward_pass_and_frees_the_saved_arrays(short_run):
    model = short_run.models["gmp"]
    x = short_run.data["left"][0][:150]
    z = logits_of(model, x, batch_size=64)
    assert np.allclose(z, model.forward(x), rtol=0, atol=1e-12)
    logits_of(model, x)
    assert saved_arrays(model) == []
    with pytest.raises(ValueError, match="x must"):
        logits_of(model, x[:, 0])
    with pytest.raises(ValueError, match="batch_size"):
        logits_of(model, x, batch_size=0)


def test_first_layer_moves_is_true_for_a_shift_and_false_otherwise(short_run):
    model = short_run.models["flatten"]
    x_left, x_right = short_run.data["left"][0], short_run.data["right"][0]
    assert first_layer_moves(model, x_left, x_right, cols=12)
    assert not first_layer_moves(model, x_left, x_right, cols=11)
    assert not first_layer_moves(model, x_left, shift(x_left, 0, 12, mode="zero") + 0.01, cols=12)
    with pytest.raises(ValueError, match="same shape"):
        first_layer_moves(model, x_left, x_right[:3], cols=12)
    with pytest.raises(ValueError, match="cols must be a shift from 1 to 23"):
        first_layer_moves(model, x_left, x_right, cols=24)
    with pytest.raises(TypeError, match="cols"):
        first_layer_moves(model, x_left, x_right, cols=1.5)
