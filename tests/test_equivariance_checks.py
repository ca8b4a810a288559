"""Notebook 01, exercises 3 and 4: where the stride-2 peak goes, and where zero padding stays exact."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks.equivariance import (
    EXACT_QUESTION,
    PEAK_QUESTION,
    check_exact_columns,
    check_strided_peak,
    exact_columns,
    strided_peak,
)
from helpers.ops import conv2d, shift
from helpers.sprites import cat_at


def measured_exact_columns(k: int, seed: int = 0) -> list[int]:
    """Cat columns (0..19, row 9) with zero equivariance error for a random k x k filter, zero padding."""
    w = np.random.default_rng(seed).standard_normal((k, k))
    base = cat_at(9, 9)
    ref = conv2d(base, w, padding="zero")
    return [c for c in range(20)
            if np.abs(conv2d(cat_at(9, c), w, padding="zero") - shift(ref, 0, c - 9)).max() == 0]


@pytest.mark.parametrize("k", [3, 5, 7])
def test_exact_columns_formula_matches_measurement(k):
    first, last = exact_columns(k)
    assert measured_exact_columns(k) == list(range(first, last + 1))


def test_the_answer_is_measured_not_assumed():
    assert exact_columns(EXACT_QUESTION["kernel"]) == (3, 16)
    assert measured_exact_columns(EXACT_QUESTION["kernel"], seed=1) == list(range(3, 17))


@pytest.mark.parametrize("answer", [(3, 16), [3, 16], (np.int64(3), np.int64(16)), (3.0, 16.0)])
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
    ((3.5, 16.9), "pair of integers"),         # int() would round these down to the right answer
    ((True, 16), "pair of integers"),
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


# --------------------------------------------------------------------------
# Exercise 3: where the stride-2 peak goes
# --------------------------------------------------------------------------

def measured_strided_peak() -> tuple[int, int]:
    """Run the experiment of the question: shift the cat, take the stride-2 ear map, find its unique maximum."""
    from helpers.filters import FILTERS

    (r, c), (dy, dx) = PEAK_QUESTION["start"], PEAK_QUESTION["shift"]
    m = conv2d(shift(cat_at(r, c), dy, dx), FILTERS["ear"], padding="circular", stride=2)
    (peak,) = np.argwhere(m == m.max())
    return tuple(int(v) for v in peak)


def test_strided_peak_formula_matches_measurement():
    assert strided_peak() == measured_strided_peak() == (7, 2)


def test_strided_peak_rejects_odd_positions():
    with pytest.raises(ValueError, match="even"):
        strided_peak((9, 9), (6, 24))


@pytest.mark.parametrize("answer", [(7, 2), [7, 2], (np.int64(7), np.int64(2))])
def test_strided_peak_accepts_the_right_answer(answer):
    result = check_strided_peak.grade(answer)
    assert result.passed and "(7, 2)" in result.message


@pytest.mark.parametrize("answer, hint", [
    ((14, 4), "FULL map"),              # forgot that stride 2 halves the coordinates
    ((7, 16), "circular"),              # forgot the wrap-around
    ((14, 32), "two things are missing"),
    ((2, 7), "swapped"),
    ((5, 5), "not quite"),
    ("north-east", "pair of integers"),
    ((7.5, 2.9), "pair of integers"),   # int() would round these down to the right answer
])
def test_strided_peak_rejects_typical_mistakes(answer, hint):
    result = check_strided_peak.grade(answer)
    assert not result.passed and hint in result.message


def test_strided_peak_unanswered_is_to_do():
    result = check_strided_peak.grade(None)
    assert not result.passed and "TO DO" in str(result).upper()
