"""Notebook 01, exercise 3: the prediction of where zero padding stays exact."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks.equivariance import EXACT_QUESTION, check_exact_columns, exact_columns
from helpers.ops import conv2d, shift
from helpers.sprites import cat_at


def measured_exact_columns(k: int, seed: int = 0) -> list[int]:
    """Cat columns (0..19, row 9) with zero equivariance error for a random k x k filter, zero padding."""
    w = np.random.default_rng(seed).standard_normal((k, k))
    base = cat_at(9, 9)
    ref = conv2d(base, w, padding="same")
    return [c for c in range(20)
            if np.abs(conv2d(cat_at(9, c), w, padding="same") - shift(ref, 0, c - 9)).max() == 0]


@pytest.mark.parametrize("k", [3, 5, 7])
def test_exact_columns_formula_matches_measurement(k):
    first, last = exact_columns(k)
    assert measured_exact_columns(k) == list(range(first, last + 1))


def test_the_answer_is_measured_not_assumed():
    assert exact_columns(EXACT_QUESTION["kernel"]) == (3, 16)
    assert measured_exact_columns(EXACT_QUESTION["kernel"], seed=1) == list(range(3, 17))


@pytest.mark.parametrize("answer", [(3, 16), [3, 16], (np.int64(3), np.int64(16))])
def test_accepts_the_right_answer(answer):
    result = check_exact_columns.grade(answer)
    assert result.passed and "radius 3" in result.message


@pytest.mark.parametrize("answer, hint", [
    ((4, 15), "one column too strict"),        # r + 1 empty columns demanded: the summary's old off-by-one
    ((2, 17), "check the radius"),             # radius of a 5x5 filter
    ((1, 18), "check the radius"),             # radius of a 3x3 filter
    ((7, 12), "filter's width"),               # width used instead of radius
    ((3, 24), "LEFT column"),                  # forgot the cat's width on the right
    ((3, 18), "first column is right"),
    ((2, 16), "last column is right"),
    ((0, 19), "not every position is exact"),
    ((16, 3), "must not be larger"),
    ((5, 5), "not quite"),
    ("here", "pair of integers"),
    ((3,), "pair of integers"),
])
def test_rejects_wrong_answers_with_a_hint(answer, hint):
    result = check_exact_columns.grade(answer)
    assert not result.passed and result.status == "fail"
    assert hint in result.message


def test_stub_is_todo(capsys):
    assert check_exact_columns.grade(None).status == "todo"
    check_exact_columns(None)
    assert capsys.readouterr().out.startswith("TO DO")
    check_exact_columns((4, 15))
    assert capsys.readouterr().out.startswith("NOT YET")
    check_exact_columns((3, 16))
    assert capsys.readouterr().out.startswith("PASS")
