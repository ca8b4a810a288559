"""`pytest --nbval` of one notebook passes with an unwritable home folder and no matplotlib cache.

There matplotlib warns on its first import (on stderr: "created a temporary
cache directory ...") and nbval fails the notebook's first cell. The root
conftest.py gives the kernels a writable cache (``tools/kernel_env.py``); the
same run without it (``--noconftest``) must fail, which shows the test can.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]


def _nbval_00(*flags: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env["HOME"] = "/etc/hostname/no-home"  # a path under a file: not writable, not even for root
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags, *NBVAL,
                           "notebooks/00_start_here.ipynb"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_one_notebook_passes_with_an_unwritable_home_and_a_cold_matplotlib_cache():
    done = _nbval_00()
    assert done.returncode == 0, done.stdout[-2000:]


def test_without_the_project_settings_the_same_run_fails_on_stderr():
    done = _nbval_00("--noconftest")
    assert done.returncode != 0 and "stderr" in done.stdout, done.stdout[-2000:]
