"""Exercise checkers: each prints a clear pass, or a hint saying what is wrong.

Every exercise has a *grader*, a pure function that takes the student's answer
and returns a :class:`Result`, and a *checker* that prints the result. The
graders are what the tests call; the checkers are what the notebooks call::

    check_shift(my_shift)      # prints "PASS: ..." or "NOT YET: <hint>"

An answer that is still the stub (it raises ``NotImplementedError`` or is
``None``) is reported as "TO DO", never as an error, so a student copy of a
notebook runs from top to bottom before any exercise is done.

The graders of each notebook live in a submodule (``checks.equivariance``,
``checks.pooling``, ...) and are re-exported here.
"""

from __future__ import annotations

from .core import Result, checker, fail, ok, todo

__all__ = ["Result", "checker", "ok", "fail", "todo"]
