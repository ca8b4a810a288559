"""Give the memory a finished computation freed back to the operating system.

Training a network allocates and frees many large temporary arrays. On Linux
the C library (glibc) keeps freed memory in its heap for later use rather
than returning it, and for arrays above its *mmap threshold* it raises that
threshold each time such an array is freed, so later large arrays also come
from the heap (see ``mallopt(3)``, ``M_MMAP_THRESHOLD``). A kernel that runs
a notebook's training again and again therefore grows by what one run
freed: notebook 04 run four times in one kernel grew from 240 to over 300 MB
although each run held the same arrays. :func:`release_freed_memory` asks
glibc to return those free pages (``malloc_trim(3)``); the training loop and
a closed live view call it. Elsewhere (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["release_freed_memory"]


def _load_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _load_trim()


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the operating system (glibc ``malloc_trim(0)``).

    Frees nothing that is in use: only memory already freed by Python and
    numpy. Takes a few milliseconds. Returns True if memory was released,
    False if none could be or the C library has no ``malloc_trim``.
    """
    return bool(_TRIM(0)) if _TRIM is not None else False
