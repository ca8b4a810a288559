"""pyproject.toml and environment.yml agree on which packages the project needs, and on their lower bounds.

The lower bounds are the versions `nox -s oldest` installs and tests (see "Dependency bounds" in
DEVELOPERS.md), so both files must name the same ones, and the session must run the oldest Python
that pyproject.toml allows.
"""

from __future__ import annotations

import ast
import re

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_packages() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + [r for extra in meta["optional-dependencies"].values() for r in extra]
    return {_name(r) for r in reqs}


def _conda_packages() -> set[str]:
    names = set()
    in_pip = in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if not line.startswith(" "):
            in_deps = stripped == "dependencies:"
            continue
        if not in_deps:
            continue
        if stripped.startswith("- pip:"):
            in_pip = True
            continue
        if in_pip and line.startswith("      - "):
            continue  # the project itself, installed with pip
        in_pip = False
        if stripped.startswith("- ") and line.startswith("  - "):
            names.add(_name(stripped[2:]))
    return names - {"python", "pip"}


def test_environment_yml_matches_pyproject():
    pyproject, conda = _pyproject_packages(), _conda_packages()
    assert pyproject == conda, (
        f"only in pyproject.toml: {sorted(pyproject - conda)}; only in environment.yml: {sorted(conda - pyproject)}")


def test_environment_installs_the_project_itself():
    assert "- -e ." in (ROOT / "environment.yml").read_text()


def test_core_packages_are_declared():
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbval", "pytest"} <= _pyproject_packages()


#: ``name>=X.Y``, optionally only from a Python version on (the book's packages: ``; python_version >= '3.11'``).
_BOUND = re.compile(r"^([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9.]*)(\s*;\s*python_version\s*>=\s*'[0-9.]+')?$")


def _bounds(requirements) -> dict[str, str]:
    """``{name: lower bound}`` of requirements written ``name>=X.Y``; fails on any other form."""
    bounds = {}
    for req in requirements:
        match = _BOUND.match(req.strip())
        assert match, (f"{req!r}: write every requirement as name>=X.Y (a tested lower bound, no upper bound), "
                       "with at most a marker python_version >= 'X.Y'")
        bounds[_name(match.group(1))] = match.group(2)
    return bounds


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_requirements() -> list[str]:
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:") + 1
    return [line.strip()[2:] for line in lines[start:] if line.startswith("  - ") and line.strip() != "- pip:"
            and line.strip() != "- pip"]


def test_lower_bounds_agree():
    meta = _pyproject()["project"]
    reqs = list(meta["dependencies"]) + [r for extra in meta["optional-dependencies"].values() for r in extra]
    pyproject = _bounds(reqs)
    conda = _bounds(r for r in _conda_requirements() if _name(r) != "python")
    assert pyproject == conda, {n: (pyproject.get(n), conda.get(n)) for n in pyproject.keys() | conda.keys()
                                if pyproject.get(n) != conda.get(n)}


def test_python_bound_agrees_with_conda_and_nox():
    requires = _pyproject()["project"]["requires-python"]
    conda = [r for r in _conda_requirements() if _name(r) == "python"]
    assert conda == [f"python{requires}"], f"environment.yml has {conda}, pyproject.toml requires-python {requires!r}"
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    consts = {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, ast.Constant)}
    assert requires == f">={consts['OLDEST_PYTHON']}", (
        f"noxfile.py's oldest session runs Python {consts['OLDEST_PYTHON']}, pyproject.toml requires {requires!r}")


def test_the_bound_rule_takes_a_python_marker_and_nothing_looser():
    assert _bounds(["sphinx>=9.0.4; python_version >= '3.11'", "numpy>=1.24"]) == {"sphinx": "9.0.4", "numpy": "1.24"}
    for loose in ("numpy", "numpy<2", "numpy>=1.24,<2", "numpy>=1.24; sys_platform == 'linux'"):
        with pytest.raises(AssertionError, match="write every requirement"):
            _bounds([loose])
