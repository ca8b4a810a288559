"""The machinery shared by every exercise checker."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """The verdict on one answer: ``status`` is ``"pass"``, ``"fail"`` or ``"todo"``."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __str__(self) -> str:
        label = {"pass": "PASS", "fail": "NOT YET", "todo": "TO DO"}[self.status]
        return f"{label}: {self.message}"


def ok(message: str) -> Result:
    return Result("pass", message)


def fail(message: str) -> Result:
    return Result("fail", message)


def todo(message: str = "this exercise is not done yet; replace the stub with your code and run again.") -> Result:
    return Result("todo", message)


def checker(grader):
    """Turn a grader ``answer -> Result`` into a checker that prints the verdict.

    The checker catches ``NotImplementedError`` (the stub) and reports "TO DO";
    any other exception from the student's code is reported as "NOT YET" with
    the exception's type and message. ``checker.grade`` is the grader itself.
    """

    @functools.wraps(grader)
    def check(*args, **kwargs) -> None:
        print(grade_safely(grader, *args, **kwargs))

    check.grade = functools.partial(grade_safely, grader)
    return check


def grade_safely(grader, *args, **kwargs) -> Result:
    if any(a is None for a in args):
        return todo()
    try:
        return grader(*args, **kwargs)
    except NotImplementedError:
        return todo()
    except Exception as exc:  # the student's code raised: say what, not a traceback
        return fail(f"your code raised {type(exc).__name__}: {exc}")
