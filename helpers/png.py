"""A fast PNG encoder for the live views' frames.

A live view sends a new PNG on every key press. Drawn for a high-density
screen (pixel ratio 2) a frame has 1 to 1.5 million pixels, and Pillow's PNG
writer spends about as long choosing a filter for every row as the rest of
the update takes (it tries each of PNG's five filters per row). The frames
are flat colours, blocks of pixels and text, for which one fixed filter is as
good: this module writes every row with the *Up* filter (each byte minus the
byte above it, W3C PNG Specification, 2nd ed. 2003, section 9.2, filter type
2) and compresses with zlib at level 1. The result is an ordinary 8-bit RGB
or RGBA PNG that every browser and Pillow read; ``bench/bench_pixel_ratio.py``
measures it against Pillow's writer side by side (about a third of the time
on a frame at pixel ratio 2, files of about the same size).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_STRIP_BYTES = 1 << 18  # filtered bytes compressed at a time


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(pixels, level: int = 1) -> bytes:
    """Encode an image as an 8-bit PNG: RGB for 3 channels, RGBA (alpha kept) for 4.

    A live view's canvas is RGBA and opaque. Keeping its alpha byte costs
    almost nothing (after the Up filter an opaque alpha channel is zeros, which
    zlib squeezes to nearly nothing) and saves dropping it, a strided copy
    that took longer than the compression itself (``bench/bench_pixel_ratio.py``).

    Args:
        pixels: array-like of shape ``(H, W, 3)`` or ``(H, W, 4)``, dtype
            ``uint8`` (for example ``np.asarray(canvas.buffer_rgba())``).
        level: zlib compression level, 0 (none) to 9 (smallest, slowest).

    Returns:
        The PNG file's bytes: colour type 2 (RGB) or 6 (RGBA), 8 bits per
        channel, no interlace.

    Raises:
        TypeError: ``pixels`` is not ``uint8``.
        ValueError: ``pixels`` is not ``(H, W, 3|4)`` with ``H, W >= 1``, or
            ``level`` is not a whole number from 0 to 9.
    """
    a = np.asarray(pixels)
    if a.dtype != np.uint8:
        raise TypeError(f"pixels must be uint8, got dtype {a.dtype}")
    if a.ndim != 3 or a.shape[2] not in (3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"pixels must have shape (H, W, 3) or (H, W, 4), got {a.shape}")
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 9:
        raise ValueError(f"level must be a whole number from 0 to 9, got {level!r}")
    height, width, channels = a.shape
    flat = a.reshape(height, width * channels)  # a row's bytes, as the file stores them (a copy only if strided)
    # Filtered rows are made and compressed a strip at a time: a small scratch buffer instead of a
    # second copy of the whole frame (5 MB at pixel ratio 2), which would stay in the kernel's heap.
    strip = max(1, _STRIP_BYTES // (1 + width * channels))
    rows = np.empty((min(strip, height), 1 + width * channels), np.uint8)
    rows[:, 0] = 2  # filter type 2, "Up": each byte minus the byte above; the first row is compared with zeros
    compressor = zlib.compressobj(level)
    parts = []
    for top in range(0, height, strip):
        n = min(strip, height - top)
        out = rows[:n, 1:]
        if top == 0:
            out[0] = flat[0]
            np.subtract(flat[1:n], flat[:n - 1], out=out[1:])
        else:  # uint8 arithmetic wraps modulo 256, as the filter is defined
            np.subtract(flat[top:top + n], flat[top - 1:top + n - 1], out=out)
        parts.append(compressor.compress(rows[:n]))
    parts.append(compressor.flush())
    data = b"".join(parts)
    colour_type = 2 if channels == 3 else 6
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)  # 8 bits per channel, no interlace
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
