"""The live views' PNG encoder: exact pixels, checked input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image as PILImage

from helpers.png import encode_png
from helpers.views import LiveFigure


def _decode(png: bytes) -> np.ndarray:
    im = PILImage.open(io.BytesIO(png))
    assert im.format == "PNG" and im.mode in ("RGB", "RGBA")
    return np.asarray(im)


@settings(max_examples=60, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.sampled_from([3, 4]))),
       st.integers(0, 9))
def test_decoded_pixels_are_the_input(pixels, level):
    # every channel comes back, alpha included: a transparent pixel stays transparent
    assert np.array_equal(_decode(encode_png(pixels, level)), pixels)


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 5), st.sampled_from([3, 4]))),
       st.integers(1, 40))
def test_strips_join_without_a_seam(pixels, strip_bytes):
    # rows are filtered and compressed a strip at a time; the first row of a strip is compared with the
    # last row of the one before (an off-by-one there would show as a wrong row)
    import helpers.png as png

    old = png._STRIP_BYTES
    png._STRIP_BYTES = strip_bytes
    try:
        assert np.array_equal(_decode(encode_png(pixels)), pixels)
    finally:
        png._STRIP_BYTES = old


def test_channels_choose_the_colour_type():
    assert PILImage.open(io.BytesIO(encode_png(np.zeros((2, 3, 3), np.uint8)))).mode == "RGB"
    assert PILImage.open(io.BytesIO(encode_png(np.zeros((2, 3, 4), np.uint8)))).mode == "RGBA"


def test_a_strided_view_is_encoded_as_its_pixels():
    # a view that is not contiguous in memory (every second column, a slice of channels) must not be read raw
    base = np.random.default_rng(1).integers(0, 256, (6, 10, 4), dtype=np.uint8)
    for view in (base[:, ::2], base[:, :, :3], base[::-1]):
        assert np.array_equal(_decode(encode_png(view)), view)


def test_up_filter_wraps_modulo_256():
    # 0 above 255 and 255 above 0: the differences wrap; a filter computed with signed numbers would break these
    pixels = np.array([[[0, 255, 7]], [[255, 0, 7]], [[0, 255, 8]]], np.uint8)
    assert np.array_equal(_decode(encode_png(pixels)), pixels)


def test_a_live_figure_frame_decodes_to_its_canvas():
    live = LiveFigure(2, pixel_ratio=2)
    im = live.show_map(0, (5, 5), "signed", "x", vmax=1)
    im.set_data(np.random.default_rng(0).uniform(-1, 1, (5, 5)))
    png = live.render()
    assert np.array_equal(_decode(png), live.to_array())
    assert PILImage.open(io.BytesIO(png)).size == live.canvas.get_width_height()


@pytest.mark.parametrize(("pixels", "level", "error", "match"), [
    (np.zeros((2, 2, 3), np.float64), 1, TypeError, "pixels must be uint8, got dtype float64"),
    (np.zeros((2, 2), np.uint8), 1, ValueError, r"shape \(H, W, 3\) or \(H, W, 4\), got \(2, 2\)"),
    (np.zeros((2, 2, 2), np.uint8), 1, ValueError, "got \\(2, 2, 2\\)"),
    (np.zeros((0, 2, 3), np.uint8), 1, ValueError, "got \\(0, 2, 3\\)"),
    (np.zeros((2, 2, 3), np.uint8), 10, ValueError, "level must be a whole number from 0 to 9, got 10"),
    (np.zeros((2, 2, 3), np.uint8), True, ValueError, "got True"),
])
def test_bad_input_names_the_argument(pixels, level, error, match):
    with pytest.raises(error, match=match):
        encode_png(pixels, level)
