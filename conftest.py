"""Settings for every pytest run in this repository, including `pytest --nbval` on one notebook.

Kernels started by nbval inherit this process's environment, so what is set
here holds for the notebooks too:

- ``OPENBLAS_NUM_THREADS=1`` (unless set): the networks multiply small
  matrices, for which one BLAS thread is as fast as several and far faster
  when other programs share the processor (a class on one hub, a CI runner).
  The committed outputs are built with the same setting
  (``tools/build_notebooks.py``), so the printed figures match bit for bit.
- a writable matplotlib cache: with an unwritable home folder or a cold font
  cache, matplotlib warns on its first import, on stderr, and nbval fails the
  first cell of the notebook. ``MPLCONFIGDIR`` points to ``build/mplconfig``
  when the default place is not writable, and the font cache is built here,
  before any kernel starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from kernel_env import prepare_kernel_environment  # noqa: E402

prepare_kernel_environment()
