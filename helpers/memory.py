"""Give the memory a finished computation freed back to the operating system.

Training a network allocates and frees many large temporary arrays. On Linux
the C library (glibc) keeps freed memory in its heap for later use rather
than returning it, and for arrays above its *mmap threshold* it raises that
threshold each time such an array is freed, so later large arrays also come
from the heap (see ``mallopt(3)``, ``M_MMAP_THRESHOLD``). A kernel that runs
a notebook's training again and again therefore grows by what one run
freed: notebook 04 run four times in one kernel grew from 240 to over 300 MB
although each run held the same arrays.

- :func:`map_large_arrays` fixes the mmap threshold at glibc's default of
  128 kB, which turns the raising off: every array of 128 kB or more gets
  its own pages, which go back to the system the moment it is freed. The
  training loop calls it when it starts; with it, 04 run three times in one
  kernel stays at 233 to 236 MB (``bench/bench_memory.py``).
- :func:`release_freed_memory` returns the heap's free pages
  (``malloc_trim(3)``); the training loop calls it when it ends, a closed
  live view when it is closed.

Elsewhere (macOS, Windows, musl) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["MMAP_THRESHOLD", "map_large_arrays", "release_freed_memory"]


def _glibc(name: str, argtypes):
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):  # not glibc
        return None
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


_TRIM = _glibc("malloc_trim", [ctypes.c_size_t])
_MALLOPT = _glibc("mallopt", [ctypes.c_int, ctypes.c_int])
_M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
#: glibc's default mmap threshold (bytes); setting it explicitly stops glibc from raising it.
MMAP_THRESHOLD = 128 * 1024
_mapped = False


def map_large_arrays() -> bool:
    """Give every allocation of :data:`MMAP_THRESHOLD` bytes or more its own pages, returned when freed.

    Sets glibc's ``M_MMAP_THRESHOLD`` to its default value, which switches
    off glibc's raising of it (``mallopt(3)``): nothing else changes, and
    no result of any computation. Done once per process; returns True if
    the setting is in force.
    """
    global _mapped
    if not _mapped and _MALLOPT is not None:
        _mapped = bool(_MALLOPT(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _mapped


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the operating system (glibc ``malloc_trim(0)``).

    Frees nothing that is in use: only memory already freed by Python and
    numpy. Takes a few milliseconds. Returns True if memory was released,
    False if none could be or the C library has no ``malloc_trim``.
    """
    return bool(_TRIM(0)) if _TRIM is not None else False
