"""pyproject.toml and environment.yml agree on which packages the project needs."""

from __future__ import annotations

import re

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
