"""Notebook 01's live view, driven headless, and its exercise checkers."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks.equivariance import check_conv2d, check_shift
from helpers.equivariance import REFERENCE
from helpers.explorers import EquivarianceExplorer
from helpers.explorers.equivariance import VMAX
from helpers.filters import FILTERS
from helpers.ops import conv2d, shift


@pytest.fixture(scope="module")
def explorer():
    return EquivarianceExplorer()


@pytest.mark.parametrize("padding", ["circular", "zero"])
def test_every_slider_position(explorer, padding):
    explorer.padding.value = padding
    explorer.filter.value = "ear"
    explorer.row.value = REFERENCE[0]
    for slider in (explorer.col, explorer.row):
        for value in range(slider.min, slider.max + 1):
            before, old = bytes(explorer.image.value), slider.value
            slider.value = value
            if value != old:
                assert bytes(explorer.image.value) != before, f"picture unchanged at {slider.description}={value}"
            state = explorer.state
            row, col = explorer.row.value, explorer.col.value
            # The ear filter's unique peak is the cat's top-left pixel: it follows the cat.
            assert state["peak"] == (row, col)
            near_border = min(row, col) == 0 or max(row, col) == slider.max
            if padding == "circular" or not near_border:
                assert state["error"] == 0.0, (padding, row, col)
            else:
                assert state["error"] > 0.0, (padding, row, col)
            assert f"row {row}, column {col}" in explorer.readout_text
            assert f"= {state['error']:g}" in explorer.readout_text


def test_picture_changes_with_each_step(explorer):
    explorer.padding.value = "circular"
    seen = set()
    for col in range(5, 10):
        explorer.col.value = col
        seen.add(bytes(explorer.image.value))
    assert len(seen) == 5
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_difference_panel_matches_definition(explorer):
    explorer.padding.value = "zero"
    explorer.filter.value = "vertical edge"
    explorer.row.value, explorer.col.value = 3, 0
    s = explorer.state
    w = np.array([[1.0, 0, -1]] * 3)
    ref = conv2d(shift(s["x"], REFERENCE[0] - 3, REFERENCE[1] - 0), w, padding="zero")
    expected = conv2d(s["x"], w, padding="zero") - shift(ref, 3 - REFERENCE[0], -REFERENCE[1])
    np.testing.assert_array_equal(s["diff"], expected)
    assert s["error"] > 0 and "NOT exact" in explorer.readout_text


def test_colour_scale_clips_nothing_and_is_tight(explorer):
    """Every map and difference value at every position fits in [-VMAX, VMAX]; the ear map reaches -VMAX."""
    largest = 0.0
    for padding in ("circular", "zero"):
        explorer.padding.value = padding
        for name in FILTERS:
            explorer.filter.value = name
            for row in (0, 5, REFERENCE[0], 19):
                for col in range(20):
                    explorer.row.value, explorer.col.value = row, col
                    s = explorer.state
                    largest = max(largest, float(np.abs(s["maps"]).max()), s["error"])
    assert largest == VMAX
    for im in [*explorer.im_maps, explorer.im_diff]:
        assert (im.norm.vmin, im.norm.vmax) == (-VMAX, VMAX)
    explorer.row.value, explorer.col.value = REFERENCE
    explorer.padding.value = "zero"
    assert explorer.state["maps"][2].min() == -VMAX


def test_readout_reports_ties(explorer):
    explorer.padding.value = "circular"
    explorer.row.value, explorer.col.value = 4, 4
    explorer.filter.value = "vertical edge"
    s = explorer.state
    assert len(s["maxima"]) == 10 and s["maxima_moved"]
    assert s["peak"] == s["maxima"][0]  # the cross marks the first maximum in reading order
    assert "at 10 tied pixels" in explorer.readout_text and "all 10 moved by (-5, -5)" in explorer.readout_text
    explorer.filter.value = "ear"
    assert "at this pixel only" in explorer.readout_text and "moved by (-5, -5)" in explorer.readout_text
    # Zero padding, cat against the bottom border: some of the horizontal-edge maxima fall off the map.
    explorer.padding.value = "zero"
    explorer.filter.value = "horizontal edge"
    explorer.row.value = 19
    s = explorer.state
    assert len(s["maxima"]) < len(s["reference_maxima"]) and not s["maxima_moved"]
    assert "did not all move" in explorer.readout_text


def test_controls_are_labelled_with_tooltips(explorer):
    for control in explorer.controls:
        assert control.description and control.tooltip
    assert "live-view" in explorer.widget._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Equivariance explorer")


# --- checkers ---------------------------------------------------------------

def reference_shift(x, dy, dx):
    return np.roll(x, (dy, dx), axis=(0, 1))


def test_check_shift_accepts_reference_and_rejects_wrong_answers():
    assert check_shift.grade(reference_shift).passed
    wrong_way = check_shift.grade(lambda x, dy, dx: np.roll(x, (-dy, -dx), axis=(0, 1)))
    assert not wrong_way.passed and "wrong way" in wrong_way.message
    swapped = check_shift.grade(lambda x, dy, dx: np.roll(x, (dx, dy), axis=(0, 1)))
    assert not swapped.passed and "swapped" in swapped.message
    zero = check_shift.grade(lambda x, dy, dx: shift(x, dy, dx, mode="zero"))
    assert not zero.passed and "dropped" in zero.message


def test_check_shift_names_the_missing_modulo_not_swapped_axes():
    # Slicing without a modulo: shift (7, 0) of a 5-row image returns the image unchanged, which is also
    # what shift (0, 7) gives on its 7 columns. The hint used to say "rows and columns are swapped".
    def no_modulo(x, dy, dx):
        if dy:
            x = np.concatenate([x[-dy:], x[:-dy]], axis=0)
        if dx:
            x = np.concatenate([x[:, -dx:], x[:, :-dx]], axis=1)
        return x
    result = check_shift.grade(no_modulo)
    assert not result.passed and "modulo" in result.message and "swapped" not in result.message


def test_check_shift_reports_stub_as_todo(capsys):
    def stub(x, dy, dx):
        raise NotImplementedError
    assert check_shift.grade(stub).status == "todo"
    check_shift(stub)
    assert capsys.readouterr().out.startswith("TO DO")


def loop_conv(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + kh, j:j + kw] * w).sum()
    return out


def test_check_conv2d_accepts_reference_and_rejects_wrong_answers():
    assert check_conv2d.grade(loop_conv).passed
    flipped = check_conv2d.grade(lambda x, w: loop_conv(x, w[::-1, ::-1]))
    assert not flipped.passed and "flipped" in flipped.message

    def off_by_one(x, w):
        return loop_conv(x, w)[:-1, :-1]
    short = check_conv2d.grade(off_by_one)
    assert not short.passed and "Off by one" in short.message
    same = check_conv2d.grade(lambda x, w: conv2d(x, w, padding="zero"))
    assert not same.passed and "no padding" in same.message
    crash = check_conv2d.grade(lambda x, w: x @ w)
    assert not crash.passed and "raised" in crash.message
