"""Notebook 01's sliding-window view, driven headless: the state, the artists, the readout, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.equivariance import WINDOW_CAT, sliding_window_state, window_patch
from helpers.explorers import SlidingWindowExplorer
from helpers.explorers.equivariance import VMAX
from helpers.filters import FILTERS
from helpers.ops import conv2d
from helpers.sprites import cat_at


@pytest.fixture(scope="module")
def explorer():
    return SlidingWindowExplorer()


@pytest.mark.parametrize("name", list(FILTERS))
def test_every_window_sums_to_its_map_cell(name):
    """At all 784 centres the sum of the nine products is conv2d's cell: cross-correlation, zero padding."""
    x = cat_at(*WINDOW_CAT)
    w = FILTERS[name]
    full = conv2d(x, w, padding="zero")
    padded = np.pad(x, 1)
    for row in range(28):
        for col in range(28):
            s = sliding_window_state(row, col, name)
            np.testing.assert_array_equal(s["patch"], padded[row:row + 3, col:col + 3])
            np.testing.assert_array_equal(s["products"], s["patch"] * w)
            assert s["sum"] == s["value"] == full[row, col]
            assert s["outside"] == int(s["padding_mask"].sum())
    assert np.abs(full).max() <= VMAX


def test_conv2d_is_cross_correlation_not_flipped():
    """The view's kernel is not flipped: with the flipped ear kernel the tip's window gives another sum."""
    s = sliding_window_state(*WINDOW_CAT, "ear")
    assert s["sum"] == 3.0
    assert float((s["patch"] * FILTERS["ear"][::-1, ::-1]).sum()) != s["sum"]


def test_filled_map_follows_reading_order():
    s = sliding_window_state(9, 4)
    filled = s["filled"].ravel()
    k = 9 * 28 + 4
    assert np.isfinite(filled[:k + 1]).all() and np.isnan(filled[k + 1:]).all()
    np.testing.assert_array_equal(filled[:k + 1], s["map"].ravel()[:k + 1])
    assert np.isfinite(sliding_window_state(27, 27)["filled"]).all()


def test_padding_counts_at_border():
    assert sliding_window_state(0, 0)["outside"] == 5
    assert sliding_window_state(0, 5)["outside"] == 3
    assert sliding_window_state(27, 27)["outside"] == 5
    assert sliding_window_state(13, 13)["outside"] == 0
    np.testing.assert_array_equal(sliding_window_state(0, 0)["padding_mask"][0], [True, True, True])


def test_no_negative_zero_in_products():
    s = sliding_window_state(9, 4)  # ear kernel, empty patch: -1 * 0 must print as 0, not -0
    assert not np.signbit(s["products"]).any()


def test_artists_follow_the_window(explorer):
    explorer.filter.value = "ear"
    for row, col in [(9, 9), (0, 0), (27, 3), (14, 27)]:
        before = bytes(explorer.image.value)
        explorer.row.value, explorer.col.value = row, col
        s = explorer.state
        assert bytes(explorer.image.value) != before
        assert explorer.window.get_xy() == (col - 1.5, row - 1.5)
        assert (explorer.window.get_width(), explorer.window.get_height()) == (3, 3)
        assert explorer.cell.get_xy() == (col - 0.5, row - 0.5)
        np.testing.assert_array_equal(explorer.im_patch.get_array(), s["patch"])
        np.testing.assert_array_equal(explorer.im_products.get_array(), s["products"])
        shown = np.ma.filled(explorer.im_map.get_array(), np.nan)
        np.testing.assert_array_equal(shown, s["filled"])
        for key in ("patch", "products"):
            assert explorer.numbers[key].labels == [[f"{v:g}" for v in r] for r in s[key]]
            assert len(explorer.numbers[key].collection.get_paths()) == 9
        italic = [[style == "italic" for style in r] for r in explorer.numbers["patch"].styles]
        assert italic == s["padding_mask"].tolist()
        assert explorer.numbers["products"].styles == [["normal"] * 3] * 3
        assert explorer.sum_text.get_text() == f"sum = {s['sum']:g}"


def test_changing_artists_are_dynamic_and_the_toggle_changes_the_kernel(explorer):
    live = explorer.live
    for artist in [explorer.window, explorer.cell, explorer.im_patch, explorer.im_kernel, explorer.im_products,
                   explorer.im_map, explorer.sum_text, *(n.collection for n in explorer.numbers.values())]:
        assert live.is_dynamic(artist)
    explorer.filter.value = "vertical edge"
    assert explorer.numbers["kernel"].labels == [["1", "0", "-1"]] * 3
    np.testing.assert_array_equal(explorer.im_kernel.get_array(), FILTERS["vertical edge"])
    explorer.filter.value = "ear"
    np.testing.assert_array_equal(explorer.im_kernel.get_array(), FILTERS["ear"])
    assert explorer.numbers["kernel"].labels[0] == ["-1", "-1", "-1"]


def test_cell_numbers_are_centred_glyph_outlines_cached_per_string(explorer):
    numbers = explorer.numbers["products"]
    explorer.row.value, explorer.col.value = 13, 11  # products of the left eye: -1, 0 and 1
    paths = numbers.collection.get_paths()
    assert len(paths) == 9 and all(len(p.vertices) for p in paths)
    for p in paths:  # each outline is centred on its cell's centre (0, 0), to within a fraction of a point
        ext = p.get_extents()
        assert abs(ext.x0 + ext.x1) < 0.5
    explorer.col.value = 12
    cached = len(numbers._paths)
    explorer.col.value = 11
    assert len(numbers._paths) == cached  # strings seen before are not laid out again
    # the text colour follows the cell: white on the patch's black ink, black on white
    explorer.row.value, explorer.col.value = 9, 9
    colours = numbers_colours(explorer.numbers["patch"])
    assert colours[1][1] == "white" and colours[0][0] == "black"


def test_cell_numbers_keep_their_size_at_pixel_ratio_2():
    """The numbers are as large, relative to their cells, on a high-density screen as on a plain one."""
    view = SlidingWindowExplorer()
    sizes = {}
    for ratio in (1, 2):
        view.set_pixel_ratio(ratio)
        numbers = view.numbers["kernel"]
        glyphs = numbers.collection.get_transform().transform([(0, 0), (72, 0)])  # one inch of outline
        cell = numbers.collection.axes.transData.transform([(0, 0), (1, 0)])  # one cell
        sizes[ratio] = (glyphs[1, 0] - glyphs[0, 0]) / (cell[1, 0] - cell[0, 0])
        assert glyphs[1, 0] - glyphs[0, 0] == pytest.approx(view.live.fig.dpi)
    assert sizes[2] == pytest.approx(sizes[1])
    view.close()


def numbers_colours(numbers):
    from matplotlib.colors import to_hex

    flat = [to_hex(c) for c in numbers.collection.get_facecolors()]
    names = {"#ffffff": "white", "#000000": "black"}
    return [[names.get(flat[3 * i + j], flat[3 * i + j]) for j in range(3)] for i in range(3)]


def test_picture_changes_with_each_step(explorer):
    explorer.row.value = 9
    seen = set()
    for col in range(3, 9):
        explorer.col.value = col
        seen.add(bytes(explorer.image.value))
    assert len(seen) == 6


def test_readout_states_the_sum(explorer):
    explorer.filter.value = "ear"
    explorer.row.value, explorer.col.value = WINDOW_CAT
    text = explorer.readout_text
    assert text.splitlines()[0] == ("window centred at row 9, column 9: sum of the nine products = 3, "
                                    "written into the feature map at row 9, column 9")
    assert "rows 8 to 10, columns 8 to 10" in text and "all nine of its pixels are in the image" in text
    assert "products patch * w = [[0, 0, 0], [0, 1, 0], [0, 1, 1]]" in text
    explorer.row.value, explorer.col.value = 0, 0
    assert "5 of its nine pixels lie outside the image, in the zero padding" in explorer.readout_text
    assert "the 783 after it are not reached yet" in explorer.readout_text
    explorer.row.value, explorer.col.value = 27, 27
    assert "the whole map is filled in" in explorer.readout_text
    assert 'aria-live="polite"' in explorer.readout.value


def test_controls_are_labelled_with_tooltips(explorer):
    for control in explorer.controls:
        assert control.description and control.tooltip
    assert (explorer.row.min, explorer.row.max, explorer.col.min, explorer.col.max) == (0, 27, 0, 27)
    assert explorer._repr_mimebundle_()["text/plain"].startswith("Sliding-window explorer")


def test_bad_input():
    with pytest.raises(ValueError, match="row must be in 0..27"):
        sliding_window_state(28, 0)
    with pytest.raises(ValueError, match="col must be in 0..27"):
        sliding_window_state(0, -1)
    with pytest.raises(TypeError, match="row must be an integer"):
        sliding_window_state(1.5, 0)
    with pytest.raises(ValueError, match="filter must be one of"):
        sliding_window_state(0, 0, "blur")
    with pytest.raises(ValueError, match="size must be an odd positive integer"):
        window_patch(np.zeros((5, 5)), 2, 2, size=2)
    with pytest.raises(ValueError, match="x must have 2 dimensions"):
        window_patch(np.zeros((5, 5, 1)), 2, 2)
    with pytest.raises(TypeError, match="x must be a numeric array"):
        window_patch("image", 0, 0)
    with pytest.raises(ValueError, match="canvas must be 28"):
        SlidingWindowExplorer(canvas=20)


def test_window_patch_general_size():
    x = np.arange(25.0).reshape(5, 5)
    np.testing.assert_array_equal(window_patch(x, 2, 2, size=5), x)
    np.testing.assert_array_equal(window_patch(x, 0, 4), [[0, 0, 0], [3, 4, 0], [8, 9, 0]])
