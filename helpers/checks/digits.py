"""Checker for notebook 06: the accuracy on each half and the gap, from arrays of predictions."""

from __future__ import annotations

import numbers

import numpy as np

from ..digits import accuracy_gap
from .core import checker, fail, ok

__all__ = ["check_accuracy_gap", "GAP_CASES"]

#: The cases the checker tries: (labels, pred_left, pred_right). The first has left 0.9, right 0.2; the
#: second, of another length, is better on the right (a negative gap); the third is the same everywhere.
GAP_CASES = (
    (np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]), np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 2]),
     np.array([1, 1, 1, 1, 1, 3, 1, 1, 1, 1])),
    (np.array([3, 3, 2, 2, 1, 1, 0, 0]), np.array([3, 0, 2, 0, 1, 0, 0, 1]),
     np.array([3, 3, 2, 2, 1, 1, 0, 3])),
    (np.array([2, 0, 1]), np.array([2, 0, 1]), np.array([2, 0, 1])),
)


def _numbers(answer):
    """The student's answer as three floats, or None when it is not three real numbers."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return None
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in answer):
        return None
    return tuple(float(v) for v in answer)


def _close(a, b) -> bool:
    return all(abs(x - y) < 1e-9 for x, y in zip(a, b))


@checker
def check_accuracy_gap(fn):
    """``fn(labels, pred_left, pred_right)`` must return ``(accuracy left, accuracy right, left - right)``.

    Tried on :data:`GAP_CASES`; a wrong answer gets a hint naming the usual
    mistake it matches: counts instead of fractions, percentages, error rates
    instead of accuracies, the halves swapped, the gap's sign reversed or its
    absolute value, and the agreement between the two halves taken for the
    accuracy on the right.
    """
    for labels, left, right in GAP_CASES:
        got = _numbers(fn(labels.copy(), left.copy(), right.copy()))
        if got is None:
            return fail("return three numbers: (accuracy on the left, accuracy on the right, gap), "
                        "for example `return acc_left, acc_right, acc_left - acc_right`.")
        a_left, a_right, gap = accuracy_gap(labels, left, right)
        n = len(labels)
        if _close(got, (a_left, a_right, gap)):
            continue
        if _close(got[:2], (a_left * n, a_right * n)):
            return fail(f"these are counts of correct answers ({got[0]:g} and {got[1]:g}); an accuracy is the "
                        f"fraction of the {n} digits that are right: divide by their number (or use .mean()).")
        if _close(got[:2], (100 * a_left, 100 * a_right)):
            return fail("these are percentages; give fractions from 0 to 1 (the notebook's tables print them "
                        "with :.1%, which multiplies by 100 for you).")
        if _close(got[:2], (1 - a_left, 1 - a_right)):
            return fail("these are error rates (the fraction wrong); the accuracy is the fraction right: "
                        "compare each prediction with its label, `pred == labels`.")
        if _close(got[:2], (a_right, a_left)):
            return fail("the left and right accuracies are swapped: the first is pred_left against labels.")
        agree = float((left == right).mean())
        if abs(got[1] - agree) < 1e-9 and abs(agree - a_right) > 1e-9:
            return fail("your right-half accuracy compares pred_right with pred_left: that is how often the "
                        "two halves agree, not how often the right half is correct; compare with labels.")
        if _close(got[:2], (a_left, a_right)):
            if gap < 0 and abs(got[2] - abs(gap)) < 1e-9:
                return fail("the gap is left minus right with its sign: here the network does better on the "
                            "right, so the gap is negative; do not take its absolute value.")
            if abs(got[2] + gap) < 1e-9:
                return fail("the gap has the wrong sign: it is left minus right, positive when the network "
                            "does worse on the right.")
            return fail(f"the two accuracies are right; the gap should be left minus right, "
                        f"{a_left:.3f} - {a_right:.3f} = {gap:.3f}, got {got[2]:.3f}.")
        return fail(f"for labels {labels.tolist()}, pred_left {left.tolist()}, pred_right {right.tolist()} "
                    f"expected ({a_left:.3f}, {a_right:.3f}, {gap:.3f}), got "
                    f"({got[0]:.3f}, {got[1]:.3f}, {got[2]:.3f}).")
    return ok("both accuracies are fractions of the digits right, and the gap is left minus right "
              f"(tried on {len(GAP_CASES)} sets of predictions, one better on the right).")
