"""The environment the project's kernels run in, for tests and builds alike (see the root conftest.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path):
            return True
    except OSError:
        return False


def prepare_kernel_environment() -> None:
    """Set defaults in ``os.environ`` for kernels started from this process, and warm matplotlib's font cache.

    - ``OPENBLAS_NUM_THREADS`` and ``OMP_NUM_THREADS``: ``1`` unless already set;
    - ``MPLCONFIGDIR``: ``build/mplconfig`` in the repository when matplotlib's
      default folder (``$HOME/.config/matplotlib``) cannot be written;
    - the font cache is built now, so no kernel prints "Matplotlib is
      building the font cache" on stderr.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if "MPLCONFIGDIR" not in os.environ:
        home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        if not _writable(Path(home) / "matplotlib"):
            os.environ["MPLCONFIGDIR"] = str(ROOT / "build" / "mplconfig")
    import logging

    logging.getLogger("matplotlib").setLevel(logging.ERROR)  # the "building the font cache" note, here only
    import matplotlib.font_manager  # noqa: F401  (builds the cache if it is cold)
