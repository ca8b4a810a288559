"""Notebook 01, exercise 3: one feature-map cell by hand. The checker fails with its hint on the usual mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks.equivariance import WINDOW_QUESTION, check_window_sum, window_mistakes, window_sum
from helpers.ops import conv2d

X, W, (R, C) = WINDOW_QUESTION["x"], WINDOW_QUESTION["w"], WINDOW_QUESTION["centre"]
PATCH = np.pad(X, 1)[R:R + 3, C:C + 3]


def test_the_answer_is_conv2d_and_conv2d_is_cross_correlation():
    want = conv2d(X, W, padding="zero")[R, C]
    assert window_sum() == want == 15.0
    # cross-correlation: the kernel is not flipped; the flipped kernel (true convolution) gives another number
    assert float((PATCH * W[::-1, ::-1]).sum()) != want
    assert not np.array_equal(W, W[::-1, ::-1])


def test_every_mistake_gives_a_number_of_its_own():
    """No mistake lands on the right answer, and no two kinds of mistake share a number (one hint each)."""
    kinds = {}
    for kind, value in window_mistakes():
        kinds.setdefault(value, set()).add(kind.split(" ")[0])
    assert window_sum() not in kinds
    assert all(len(k) == 1 for k in kinds.values()), kinds


@pytest.mark.parametrize("answer", [15, 15.0, np.int64(15), np.float32(15), np.array(15.0), [15]])
def test_accepts_the_right_answer(answer):
    result = check_window_sum.grade(answer)
    assert result.passed and "not flipped" in result.message and "[1, 2]" in result.message


@pytest.mark.parametrize("answer, hint", [
    (float((PATCH * W[::-1, ::-1]).sum()), "180 degrees"),              # true convolution: the kernel flipped
    (float((X[R:R + 3, C:C + 3] * W).sum()), "top-left corner"),         # the 'valid' indexing, not centred
    (window_sum(centre=(C, R)), "swapped"),                              # x[2, 1] instead of x[1, 2]
    (window_sum(centre=(R - 1, C)), "one pixel off, at (0, 2)"),         # off by one in the centre
    (window_sum(centre=(R + 1, C)), "one pixel off, at (2, 2)"),
    (window_sum(centre=(R, C - 1)), "one pixel off, at (1, 1)"),
    (window_sum(centre=(R, C + 1)), "one pixel off, at (1, 3)"),
    (15 - 4, "products is missing"),                                    # forgot the term 2 * 2 (or 2 * 2 below)
    (15 - 6, "products is missing"),                                    # forgot 2 * 3
    (15 - 1, "products is missing"),                                    # forgot a 1 * 1
    (15 + 1, "products is missing"),                                    # forgot the -1 * 1
    (float(PATCH.sum()), "sum of the patch"),                            # added pixels, no products
    (float(W.sum()), "sum of the kernel"),                               # added weights, no products
    (-15, "wrong sign"),
    (PATCH * W, "ONE number"),                                           # the products, not their sum
    (42, "not quite"),
    (float("nan"), "not quite"),
    ("15", "one number"),
    (True, "one number"),
    (np.zeros((5, 5)), "shape (5, 5)"),
])
def test_rejects_the_usual_mistakes_with_their_hint(answer, hint):
    result = check_window_sum.grade(answer)
    assert not result.passed and hint in result.message, result.message


def test_zero_gets_the_neighbour_hint_and_the_placeholder_question():
    assert window_sum(centre=(R + 1, C)) == 0
    result = check_window_sum.grade(0)
    assert not result.passed and "placeholder" in result.message


def test_stub_is_todo(capsys):
    assert check_window_sum.grade(None).status == "todo"
    check_window_sum(None)
    assert capsys.readouterr().out.startswith("TO DO")


def test_question_is_read_only():
    with pytest.raises(ValueError):
        WINDOW_QUESTION["x"][0, 0] = 5
