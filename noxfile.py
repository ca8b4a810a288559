"""Check the dependency bounds of pyproject.toml: `nox -s oldest` and `nox -s newest`.

`oldest` installs the lowest version that pyproject.toml allows of every
dependency the project names (uv's ``--resolution lowest-direct``), on the
oldest Python it allows; `newest` installs the newest versions on the newest
Python checked. Both then run ruff, the unit and property tests, the live
views headless, the student copies and strict nbval on every notebook: what
`make test` runs, less the browser test (it needs Chromium and takes minutes).
See "Dependency bounds" in DEVELOPERS.md.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True  # a missing Python fails, never skips
nox.options.sessions = ["oldest", "newest"]

OLDEST_PYTHON = "3.10"  # the lower bound of requires-python (tests/test_environment.py checks)
NEWEST_PYTHON = "3.13"

LINT_PATHS = ["helpers", "tests", "bench", "tools", "notebooks", "etc", "noxfile.py", "conftest.py", "book"]
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
KEY_PACKAGES = ["numpy", "matplotlib", "scikit-learn", "ipywidgets", "anywidget", "jupyterlab", "jupytext", "nbval",
                "nbclient", "nbformat", "ipykernel", "jupyter_client", "notebook", "voila", "pytest", "hypothesis",
                "ruff"]


def _show_versions(session: nox.Session) -> None:
    code = ("import importlib.metadata as m, platform, sys\n"
            "print('python', platform.python_version())\n"
            "for name in sys.argv[1:]:\n"
            "    print(name, m.version(name))")
    session.run("python", "-c", code, *KEY_PACKAGES, silent=False)


def _run_tests(session: nox.Session) -> None:
    _show_versions(session)
    session.run("python", "-m", "ruff", "check", *LINT_PATHS)
    session.run("python", "-m", "pytest", "-rs", *NBVAL, "tests", "notebooks",
                "--ignore=tests/test_browser.py", "--ignore=tests/test_voila.py", "--ignore=tests/test_exports.py",
                *session.posargs, env={"MPLBACKEND": "Agg", "NOTEBOOK_PIXELS_MAY_DIFFER": "1"})


@nox.session(python=OLDEST_PYTHON)
def oldest(session: nox.Session) -> None:
    """The lowest declared version of each dependency, on the oldest declared Python."""
    session.install("--resolution", "lowest-direct", "-e", ".[test]")
    _run_tests(session)


@nox.session(python=NEWEST_PYTHON)
def newest(session: nox.Session) -> None:
    """The newest version of each dependency, on the newest Python checked."""
    session.install("--resolution", "highest", "-e", ".[test]")
    _run_tests(session)
