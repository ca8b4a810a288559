"""Notebook 02: the pooling live views driven headless, their measurements, and the exercise checkers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.checks.pooling import (
    SUBSAMPLE_PATTERN,
    check_copy_prediction,
    check_max_pool2d,
    check_subsample_prediction,
)
from helpers.explorers.pooling import PoolingExplorer, WindowExplorer
from helpers.filters import FILTERS
from helpers.frequency_views import blur_gain_figure, consistency_figure, subsampling_figure
from helpers.ops import BLUR_FILTERS, blur_pool2d, conv2d, global_avg_pool, max_pool2d, shift
from helpers.pooling import (
    CAT_REFERENCE,
    METHOD_LABELS,
    METHODS,
    blur_gain,
    blur_row,
    cat_pooling_state,
    consistency_curve,
    consistency_curves,
    downsample,
    fold_share,
    frequencies_present,
    ideal_shift_error,
    image_with_one,
    is_shifted_copy,
    max_blur_pool,
    mean_change,
    measured_gain,
    peak,
    period,
    polyphase_prediction,
    power_spectrum,
    random_stack,
    stack_features,
    window_state,
)
from helpers.sprites import SPRITES, cat_at, place
from helpers.views import text_colour

PROPS = settings(max_examples=25, deadline=None)


# --- the window view ----------------------------------------------------------

@pytest.fixture(scope="module")
def window():
    return WindowExplorer()


def test_window_view_every_position(window):
    reference = np.array([[1.0, 0.0], [0.0, 0.0]])
    for row in range(4):
        window.row.value = row
        for col in range(4):
            before, old = bytes(window.image.value), window.col.value
            window.col.value = col
            if col != old:
                assert bytes(window.image.value) != before, f"picture unchanged at row {row}, column {col}"
            s = window.state
            assert s["position"] == (row, col)
            assert s["x"].sum() == 1.0 and s["x"][row, col] == 1.0
            np.testing.assert_array_equal(s["pooled"], max_pool2d(s["x"]))
            assert s["pooled"][row // 2, col // 2] == 1.0 and s["pooled"].sum() == 1.0
            inside = row < 2 and col < 2
            assert s["unchanged"] == inside
            assert s["unchanged"] == np.array_equal(s["pooled"], reference)
            text = window.readout_text
            assert f"row {row}, column {col}" in text
            assert ("pooled output unchanged" in text) == inside
            assert ("pooled output changed" in text) == (not inside)
            expected = str(s["pooled"].astype(int).tolist())
            assert f"pooled map = {expected}" in text  # the values, not only a colour


def test_window_view_row_slider_changes_picture(window):
    window.col.value = 1
    seen = set()
    for row in range(4):
        window.row.value = row
        seen.add(bytes(window.image.value))
    assert len(seen) == 4


def test_window_view_grids_are_single_collections(window):
    from matplotlib.collections import LineCollection

    for i, dynamic in ((0, True), (1, True), (2, False)):
        grids = [c for c in window.live.axes[i].collections if isinstance(c, LineCollection)]
        assert len(grids) == 1  # one collection per panel, not one line per edge
        assert window.live.is_dynamic(grids[0]) == dynamic  # the reference panel's grid is in the background


def test_window_view_labels_readable(window):
    window.row.value, window.col.value = 3, 2
    for (i, j), v in np.ndenumerate(window.state["pooled"]):
        assert window.pooled_labels[i][j].get_color() == ("white" if v == 1 else "black")
    assert window.one_label.get_color() == "white"  # on the black pixel of the 1


def test_window_view_only_4x4():
    with pytest.raises(ValueError, match="size must be 4"):
        WindowExplorer(size=6)


# --- the cat view -----------------------------------------------------------------

@pytest.fixture(scope="module")
def cat_view():
    return PoolingExplorer()


@pytest.mark.parametrize("filter_name, blur", [(f, "bin5") for f in FILTERS] + [("vertical edge", "rect2"),
                                                                              ("vertical edge", "tri3")])
def test_cat_view_every_column(cat_view, filter_name, blur):
    cat_view.filter.value = filter_name
    cat_view.blur.value = blur
    for col in range(cat_view.col.min, cat_view.col.max + 1):
        before, old = bytes(cat_view.image.value), cat_view.col.value
        cat_view.col.value = col
        if col != old:
            assert bytes(cat_view.image.value) != before, f"picture unchanged at column {col}"
        s = cat_view.state
        k = col - CAT_REFERENCE
        assert s["shift"] == k and s["position"] == col
        np.testing.assert_array_equal(s["x"], cat_at(9, col))
        np.testing.assert_array_equal(s["max"], max_pool2d(s["feature"]))
        np.testing.assert_allclose(s["blur"], max_blur_pool(s["feature"], blur), atol=1e-12)
        assert s["max_peak"] == tuple(np.unravel_index(np.argmax(s["max"]), s["max"].shape))
        if k % 2 == 0:  # whole pooled cells: both follow the cat exactly
            assert s["max_error"] == 0.0
            assert s["blur_error"] < 1e-12
        else:
            assert s["max_error"] > 0.1
            if blur == "bin5":
                assert s["blur_error"] < s["max_error"]
        assert s["blur_mean_change"] < 1e-9  # the blur kills the only frequencies that alias onto the mean
        for key in ("feature", "max", "blur"):  # the colour scale 0..3 clips nothing
            assert 0 <= s[key].min() and s[key].max() <= 3 + 1e-12
        text = cat_view.readout_text
        assert f"k = {k:+d}" in text
        assert f"distance from the ideal {s['max_error']:.2f}" in text
        assert f"distance from the ideal {s['blur_error']:.2f}" in text
        assert f"(unmoved map: {s['max_unmoved']:.2f})" in text and f"(unmoved map: {s['blur_unmoved']:.2f})" in text
        if k % 2:  # the baseline: the unmoved map is not at distance 0 from a half-cell move
            assert s["max_unmoved"] > 0.1 and s["blur_unmoved"] > 0.1
        assert f"'{filter_name}'" in text and f"blur pool ({blur})" in text


def test_cat_view_filter_and_blur_change_picture(cat_view):
    cat_view.col.value = 5
    seen = set()
    for name in FILTERS:
        cat_view.filter.value = name
        seen.add(bytes(cat_view.image.value))
    for blur in BLUR_FILTERS:
        cat_view.blur.value = blur
        seen.add(bytes(cat_view.image.value))
    assert len(seen) >= 5


def test_views_are_labelled_with_tooltips(window, cat_view):
    for view, name in ((window, "Pooling-window explorer"), (cat_view, "Max pool vs blur pool explorer")):
        for control in view.controls:
            assert control.description and control.tooltip
        assert "live-view" in view.widget._dom_classes
        assert view._repr_mimebundle_()["text/plain"].startswith(name)
        assert bytes(view.image.value).startswith(b"\x89PNG")


# --- checkers -----------------------------------------------------------------------

def loop_pool(x, size=2, stride=None, reduce=np.max, ceil=False, start=0):
    stride = size if stride is None else stride
    h, w = x.shape
    rows = (-(-(h - size) // stride) if ceil else (h - size) // stride) + 1 - start
    cols = (-(-(w - size) // stride) if ceil else (w - size) // stride) + 1 - start
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = reduce(x[i * stride:i * stride + size, j * stride:j * stride + size])
    return out


def test_check_max_pool2d_accepts_reference():
    assert check_max_pool2d.grade(loop_pool).passed
    assert check_max_pool2d.grade(lambda x, size=2, stride=None: max_pool2d(x, size, stride)).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda x, size=2, stride=None: loop_pool(x, size, 1), "start at every pixel"),
    (lambda x, size=2, stride=None: loop_pool(x, size, size), "ignored the stride"),
    (lambda x, size=2, stride=None: loop_pool(x, size, stride, ceil=True), "hang over the edge"),
    (lambda x, size=2, stride=None: loop_pool(x, size, stride, start=1), "last window is missing"),
    (lambda x, size=2, stride=None: loop_pool(x, size, stride, reduce=np.mean), "average pooling"),
    (lambda x, size=2, stride=None: np.maximum(loop_pool(x, size, stride), 0), "never goes below 0"),
    (lambda x, size=2: loop_pool(x, size), "must accept (x, size=2, stride=None)"),
    (lambda x, size=2, stride=None: loop_pool(x, size, stride) + 1, "some values are wrong"),
    # the default stride hard-coded to 2 is right only while size is 2
    (lambda x, size=2, stride=None: loop_pool(x, size, stride or 2), "used stride 2"),
    (lambda x, size=2, stride=None: loop_pool(x, size, stride or 1), "start at every pixel"),
    # a wrong default window size is seen only when the size is left out
    (lambda x, size=3, stride=None: loop_pool(x, size, stride), "defaults size=2 and stride=2"),
    (lambda x, size=2, stride=1: loop_pool(x, size, stride), "start at every pixel"),
    # 2x2 windows whatever the size
    (lambda x, size=2, stride=None: loop_pool(x, 2, size if stride is None else stride)[
        :(x.shape[0] - size) // (size if stride is None else stride) + 1,
        :(x.shape[1] - size) // (size if stride is None else stride) + 1], "the windows are 2x2"),
])
def test_check_max_pool2d_rejects_wrong_answers_with_a_hint(wrong, hint):
    result = check_max_pool2d.grade(wrong)
    assert not result.passed
    assert hint in result.message


def test_check_max_pool2d_swapped_rows_and_columns():
    def swapped(x, size=2, stride=None):
        stride = size if stride is None else stride
        n = (x.shape[0] - size) // stride + 1
        return np.array([[x[j * stride:j * stride + size, i * stride:i * stride + size].max() for j in range(n)]
                         for i in range(n)])
    result = check_max_pool2d.grade(swapped)
    assert not result.passed and "rows and columns are swapped" in result.message


def test_check_max_pool2d_stub_is_todo(capsys):
    def stub(x, size=2, stride=None):
        raise NotImplementedError
    assert check_max_pool2d.grade(stub).status == "todo"
    check_max_pool2d(stub)
    assert capsys.readouterr().out.startswith("TO DO")


def test_check_copy_prediction():
    right = [True, False, False, False, True, False, False, False]
    assert check_copy_prediction.grade(right).passed
    assert check_copy_prediction.grade(np.array(right)).passed
    assert "ONE pooling layer" in check_copy_prediction.grade([True, False] * 4).message
    assert "not every shift comes out as a shifted copy" in check_copy_prediction.grade([True] * 8).message
    assert "k = 0 is no shift" in check_copy_prediction.grade([False] * 8).message
    assert "check k = 4" in check_copy_prediction.grade([True] + [False] * 7).message
    assert "differs at k = 3" in check_copy_prediction.grade(right[:3] + [True] + right[4:]).message
    assert "list of 8 booleans" in check_copy_prediction.grade([True, False]).message
    assert "list of 8 booleans" in check_copy_prediction.grade(5).message
    assert check_copy_prediction.grade(None).status == "todo"


# --- measurements: exact laws, as properties ------------------------------------------

even_maps = st.tuples(st.integers(2, 5), st.integers(2, 5), st.integers(0, 2**32 - 1)).map(
    lambda t: np.random.default_rng(t[2]).standard_normal((2 * t[0], 2 * t[1])))


@PROPS
@given(x=even_maps, name=st.sampled_from(sorted(BLUR_FILTERS)), ky=st.integers(-9, 9), kx=st.integers(-9, 9))
def test_max_blur_pool_obeys_the_polyphase_identity(x, name, ky, kx):
    dense = blur_pool2d(max_pool2d(x, 2, stride=1, padding="circular"), stride=1, filter=name)
    np.testing.assert_allclose(max_blur_pool(x, name), dense[::2, ::2], atol=1e-12)
    np.testing.assert_allclose(max_blur_pool(shift(x, ky, kx), name),
                               polyphase_prediction(dense, 2, ky, kx), atol=1e-12)


@PROPS
@given(x=even_maps, name=st.sampled_from(sorted(BLUR_FILTERS)), ky=st.integers(-9, 9), kx=st.integers(-9, 9))
def test_blur_pooled_mean_does_not_depend_on_the_phase(x, name, ky, kx):
    """The blur vanishes at the Nyquist frequency, the only one that aliases onto the mean."""
    dense_mean = max_pool2d(x, 2, stride=1, padding="circular").mean()
    assert np.isclose(downsample(shift(x, ky, kx), name).mean(), dense_mean, atol=1e-12)


@PROPS
@given(x=even_maps, s=st.sampled_from([2, 3]), ky=st.integers(-12, 12), kx=st.integers(-12, 12))
def test_polyphase_prediction_is_what_max_pooling_gives(x, s, ky, kx):
    x = np.tile(x, (3, 3))[: 6 * (x.shape[0] // 2), : 6 * (x.shape[1] // 2)]  # divisible by 2 and 3
    dense = max_pool2d(x, s, stride=1, padding="circular")
    np.testing.assert_array_equal(max_pool2d(shift(x, ky, kx), s), polyphase_prediction(dense, s, ky, kx))


@PROPS
@given(x=even_maps, ky=st.integers(-20, 20), kx=st.integers(-20, 20))
def test_is_shifted_copy(x, ky, kx):
    assert is_shifted_copy(shift(x, ky, kx), x)
    assert not is_shifted_copy(x + 1.0, x)
    assert not is_shifted_copy(x[:-1], x)


@PROPS
@given(x=even_maps, q=st.integers(-3, 3), r=st.integers(0, 3), stride=st.sampled_from([2, 4]))
def test_ideal_shift_error_is_zero_for_the_ideal(x, q, r, stride):
    r = r % stride
    k = q * stride + r
    ideal = (1 - r / stride) * shift(x, 0, q) + (r / stride) * shift(x, 0, q + 1)
    assert ideal_shift_error(ideal, x, k, stride=stride) < 1e-12
    wrong = ideal + 0.5 * np.abs(x).max()
    assert ideal_shift_error(wrong, x, k, stride=stride) > 0


def test_ideal_shift_error_rejects_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        ideal_shift_error(np.ones((2, 2)), np.ones((2, 4)), 1)
    with pytest.raises(ValueError, match="all zeros"):
        ideal_shift_error(np.ones((2, 2)), np.zeros((2, 2)), 1)
    with pytest.raises(TypeError, match="dx"):
        ideal_shift_error(np.ones((2, 2)), np.ones((2, 2)), 0.5)


def test_downsample_checks_its_input():
    with pytest.raises(ValueError, match="method"):
        downsample(np.ones((4, 4)), "median")
    with pytest.raises(ValueError, match="H and W even"):
        downsample(np.ones((5, 4)), "max")
    with pytest.raises(ValueError, match="filter"):
        max_blur_pool(np.ones((4, 4)), "gauss")
    np.testing.assert_array_equal(downsample(np.arange(16.0).reshape(4, 4)), [[5, 7], [13, 15]])


def test_random_stack_shapes_and_seed():
    ws = random_stack(3, (4, 8))
    assert [w.shape for w in ws] == [(4, 1, 3, 3), (8, 4, 3, 3)]
    np.testing.assert_array_equal(ws[1], random_stack(3, (4, 8))[1])
    assert not np.array_equal(ws[0], random_stack(4, (4, 8))[0])
    with pytest.raises(ValueError, match="channels"):
        random_stack(0, (4, 0))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), row=st.integers(0, 19), col=st.integers(0, 19), q=st.integers(-3, 3),
       method=st.sampled_from(METHODS))
def test_stack_is_equivariant_to_multiples_of_its_total_stride(seed, row, col, q, method):
    ws = random_stack(seed, (3, 4))
    x = cat_at(row, col)
    f = stack_features(x, ws, method)
    moved = stack_features(shift(x, 4 * q, -4 * q), ws, method)
    np.testing.assert_allclose(moved, shift(f, q, -q), atol=1e-12)
    np.testing.assert_allclose(global_avg_pool(moved), global_avg_pool(f), atol=1e-12)
    batch = stack_features(np.stack([x, shift(x, 4 * q, -4 * q)])[:, None], ws, method)
    np.testing.assert_allclose(batch[0], f, atol=1e-12)


def test_consistency_curves_per_seed():
    images = np.stack([place(name, 9, 9) for name in list(SPRITES)[:2]])
    per_seed = consistency_curves(images, range(5), "max", seeds=(0, 1, 2))
    assert per_seed.shape == (3, 5)
    np.testing.assert_allclose(per_seed.mean(axis=0), consistency_curve(images, range(5), "max", seeds=(0, 1, 2)))
    np.testing.assert_allclose(per_seed[1], consistency_curve(images, range(5), "max", seeds=(1,)))
    with pytest.raises(ValueError, match="seeds"):
        consistency_curves(images, range(5), "max", seeds=())


def test_depth_shrinks_the_exactly_invariant_shifts():
    """One layer + global average pool ignores every even shift; two layers only multiples of 4, and at
    odd shifts two layers change more than one (mean over the sprites), for every seed tried: depth does
    not make the globally pooled features more invariant (the old claim of notebook 02)."""
    images = np.stack([place(name, 9, 9) for name in SPRITES])
    ks = np.arange(9)
    seeds = tuple(range(6))
    one = consistency_curves(images, ks, "max", seeds, channels=(4,))
    two = consistency_curves(images, ks, "max", seeds, channels=(4, 8))
    np.testing.assert_allclose(one[:, ks % 2 == 0], 0, atol=1e-12)
    np.testing.assert_allclose(two[:, ks % 4 == 0], 0, atol=1e-12)
    assert (two[:, [2, 6]] > 0.05).all()
    assert (two[:, ks % 2 == 1] > one[:, ks % 2 == 1]).all()


def test_random_stack_first_layer_does_not_depend_on_the_rest():
    np.testing.assert_array_equal(random_stack(5, (4,))[0], random_stack(5, (4, 8))[0])


def test_consistency_curve_shape_of_the_law():
    images = np.stack([place(name, 9, 9) for name in SPRITES])
    ks = range(9)
    curves = {m: consistency_curve(images, ks, m, seeds=(0, 1)) for m in METHODS}
    for c in curves.values():
        assert c.shape == (9,) and (c >= 0).all()
        np.testing.assert_allclose(c[[0, 4, 8]], 0, atol=1e-12)  # multiples of the total stride
        assert (c[[1, 3, 5, 7]] > 1e-3).all()
    assert (curves["max"][[2, 6]] > 1e-3).all()
    for m in BLUR_FILTERS:  # after a blur, the global mean ignores the last layer's phase
        np.testing.assert_allclose(curves[m][[2, 6]], 0, atol=1e-12)
    means = [curves[m][1:].mean() for m in METHODS]
    assert means == sorted(means, reverse=True)  # wider blur, smaller change


# --- aliasing measure and annotation colours ------------------------------------------------

@PROPS
@given(n=st.integers(2, 8), stride=st.sampled_from([2, 3]), seed=st.integers(0, 2**16))
def test_fold_share_extremes_and_range(n, stride, seed):
    size = 2 * stride * n
    alternating = np.tile([1.0, -1.0], (size, size // 2))
    assert fold_share(alternating, stride) == pytest.approx(1.0)
    slow = np.cos(2 * np.pi * np.arange(size) / size)[None].repeat(size, 0)  # one cycle per image
    assert fold_share(slow, stride) < 1e-12
    assert fold_share(np.full((size, size), 3.0), stride) == 0.0
    share = fold_share(np.random.default_rng(seed).standard_normal((size, size)), stride)
    assert 0.0 < share < 1.0


def test_fold_share_falls_with_each_wider_blur():
    relu = np.maximum(conv2d(cat_at(9, 9), FILTERS["vertical edge"], padding="circular"), 0.0)
    dense = max_pool2d(relu, 2, stride=1, padding="circular")
    shares = [fold_share(dense)] + [fold_share(blur_pool2d(dense, stride=1, filter=b, padding="circular"))
                                    for b in ("rect2", "tri3", "bin5")]
    assert shares == sorted(shares, reverse=True) and shares[-1] < 1e-3


def test_fold_share_rejects_bad_input():
    with pytest.raises(ValueError, match="m must have 2 dimensions"):
        fold_share(np.ones((2, 4, 4)))
    with pytest.raises(ValueError, match="stride"):
        fold_share(np.ones((4, 4)), 0)


def test_text_colour_follows_lightness():
    assert text_colour("magnitude", 0.0, 0, 3) == "white"  # dark purple end of viridis
    assert text_colour("magnitude", 3.0, 0, 3) == "black"  # yellow end
    assert text_colour("image", 1.0) == "white" and text_colour("image", 0.0) == "black"  # gray_r
    assert text_colour("viridis", 10.0, 0, 1) == "black"  # clipped to the top of the scale
    assert text_colour("signed", 0.0, -1, 1) == "black"  # white centre of the diverging map
    with pytest.raises(ValueError, match="kind_or_cmap"):
        text_colour("rainbowish", 0.5)
    with pytest.raises(ValueError, match="vmax must be larger"):
        text_colour("magnitude", 0.5, 1, 1)


def test_measurements_of_the_views_live_in_helpers_pooling():
    """The views' numbers come from helpers.pooling: the same state with or without a widget."""
    s = window_state(1, 1)
    assert s["unchanged"] and s["window"] == (0, 0)
    assert not window_state(2, 3)["unchanged"]
    view = PoolingExplorer()
    view.col.value = CAT_REFERENCE + 1
    direct = cat_pooling_state(CAT_REFERENCE + 1)
    assert view.state["max_error"] == direct["max_error"]
    assert view.state["blur_mean_change"] == direct["blur_mean_change"]
    assert peak(np.array([[0.0, 2.0], [2.0, 1.0]])) == (0, 1)
    assert mean_change(np.full((2, 2), 3.0), np.full((2, 2), 2.0)) == 0.5


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: image_with_one(4, 0), ValueError, r"row and col must lie in 0..3, got \(4, 0\)"),
    (lambda: image_with_one(0.5, 0), TypeError, "row must be an integer"),
    (lambda: mean_change(np.ones(3), np.ones(4)), ValueError, "moved and reference must have the same shape"),
    (lambda: mean_change(np.ones(3), np.zeros(3)), ValueError, "reference has mean 0"),
    (lambda: cat_pooling_state(4, blur="box"), ValueError, "blur must be one of"),
    (lambda: cat_pooling_state(4, filter="edge"), ValueError, "filter must be one of"),
    (lambda: peak(np.ones(3)), ValueError, "m must have 2 dimensions"),
])
def test_pooling_measurements_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- section 5: frequency, the gain of a blur, and the subsampling exercise -------------

FAST = np.array([1.0, -1.0] * 6)
SLOW = np.array([1.0, 1.0, -1.0, -1.0] * 3)


def test_period_and_frequencies_of_the_primer_patterns():
    assert (period(FAST), period(SLOW), period(np.ones(5)), period([1.0, 2.0, 3.0])) == (2, 4, 1, 3)
    assert frequencies_present(FAST) == [0.5] and frequencies_present(SLOW) == [0.25]
    assert frequencies_present(np.ones(8)) == [0.0] and frequencies_present(np.zeros(8)) == []
    assert frequencies_present(FAST[0::2]) == [0.0]  # the fastest pattern aliases to a constant
    freqs, power = power_spectrum(SLOW)
    assert freqs.shape == power.shape == (7,) and np.isclose(power.sum(), power[3])


@PROPS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 16))
def test_power_spectrum_keeps_the_sum_of_squares(seed, n):
    """Parseval, for the one-sided spectrum: the frequencies strictly between 0 and 1/2 count twice."""
    x = np.random.default_rng(seed).standard_normal(n)
    freqs, power = power_spectrum(x)
    weights = np.where((freqs == 0) | (freqs == 0.5), 1.0, 2.0)
    assert np.isclose((weights * power).sum(), n * (x ** 2).sum())


@pytest.mark.parametrize("name", sorted(BLUR_FILTERS))
def test_blur_gain_formula(name):
    f = np.linspace(0, 0.5, 11)
    taps = len(BLUR_FILTERS[name])
    assert np.allclose(blur_gain(name, f), np.abs(np.cos(np.pi * f)) ** (taps - 1))
    assert blur_gain(name, 0.0) == pytest.approx(1.0) and blur_gain(name, 0.5) == pytest.approx(0.0, abs=1e-12)
    assert blur_gain(name, f.reshape(1, 11)).shape == (1, 11)


@PROPS
@given(name=st.sampled_from(sorted(BLUR_FILTERS)), k=st.integers(0, 8), phase=st.floats(0, 2 * np.pi))
def test_blur_gain_is_what_the_blur_does_to_a_wave(name, k, phase):
    """A wave of frequency k / 16 comes out of the circular blur with its size times blur_gain (any phase)."""
    n = np.arange(16)
    wave = np.cos(2 * np.pi * k / 16 * n + phase)
    if np.abs(wave).max() < 1e-6:
        return
    out = blur_row(wave, name)
    assert np.isclose(np.linalg.norm(out), blur_gain(name, k / 16) * np.linalg.norm(wave), atol=1e-9)


def test_measured_gain_of_the_primer_patterns():
    for name, gains in (("tri3", (0.0, 0.5, 1.0)), ("bin5", (0.0, 0.25, 1.0))):
        assert [measured_gain(x, name) for x in (FAST, SLOW, np.ones(12))] == pytest.approx(list(gains), abs=1e-12)
        assert np.allclose(blur_row(SLOW, name), gains[1] * SLOW)
    assert np.allclose(blur_row(FAST, "tri3"), blur_pool2d(np.tile(FAST, (5, 1)), stride=1, filter="tri3")[2])


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: period(np.ones((2, 2))), ValueError, "x must have 1 dimensions"),
    (lambda: period([]), ValueError, "x must not be empty"),
    (lambda: power_spectrum("abc"), TypeError, "x must be a numeric array"),
    (lambda: blur_row(FAST, "box"), ValueError, "filter must be one of"),
    (lambda: measured_gain(np.zeros(4)), ValueError, "x is all zeros"),
    (lambda: measured_gain(SLOW, "rect2"), ValueError, "changes the shape of x"),
    (lambda: blur_gain("tri3", 0.6), ValueError, r"frequency must lie in \[0, 0.5\]"),
    (lambda: blur_gain("tri3", [0.1, -0.1]), ValueError, "frequency must lie in"),
    (lambda: blur_gain("tri3", [np.nan]), ValueError, "NaN"),
    (lambda: blur_gain("gauss", 0.1), ValueError, "filter must be one of"),
    (lambda: subsampling_figure([FAST]), TypeError, "patterns must be a dict"),
    (lambda: subsampling_figure({}), ValueError, "at least one pattern"),
    (lambda: subsampling_figure({"odd": np.ones(5)}), ValueError, "even length of at least 4"),
    (lambda: subsampling_figure({"2-D": np.ones((2, 4))}), ValueError, "must have 1 dimensions"),
    (lambda: subsampling_figure({"fast": FAST}, filter="box"), ValueError, "filter must be one of"),
    (lambda: blur_gain_figure(pixels=7), ValueError, "pixels must be an even number"),
    (lambda: blur_gain_figure(pixels=2.5), TypeError, "pixels must be a positive integer"),
    (lambda: blur_gain_figure(frequencies=1), ValueError, "frequencies must be at least 2"),
    (lambda: consistency_figure(np.arange(3), [np.zeros(3)]), TypeError, "curves must be a dict"),
    (lambda: consistency_figure(np.arange(3), {"max": np.zeros(3)}), ValueError, "missing"),
    (lambda: consistency_figure(np.arange(3), {m: np.zeros(4) for m in METHODS}), ValueError,
     "one value per shift"),
])
def test_frequency_helpers_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_frequency_figures_have_their_panels_and_titles():
    fig = subsampling_figure({"fast": FAST, "slow": SLOW})
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["fast", "fast, after the [1, 2, 1] blur", "slow", "slow, after the [1, 2, 1] blur"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["phase 0 keeps +1, +1, +1, +1, ...", "phase 1 keeps -1, -1, -1, -1, ..."]
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()][0] == "phase 0 keeps 0, 0, 0, 0, ..."
    fig = blur_gain_figure()
    assert len(fig.axes) == 2
    right = fig.axes[1]
    assert [line.get_label() for line in right.get_lines()] == ["no blur", "rect2 [1, 1]", "tri3 [1, 2, 1]",
                                                               "bin5 [1, 4, 6, 4, 1]"]
    f, gain = right.get_lines()[2].get_data()
    assert np.allclose(gain, np.cos(np.pi * f) ** 2)
    fig = consistency_figure(np.arange(3), {m: np.arange(3) * i for i, m in enumerate(METHODS)})
    assert [line.get_label() for line in fig.axes[0].get_lines()] == [METHOD_LABELS[m] for m in METHODS]
    assert len({line.get_marker() for line in fig.axes[0].get_lines()}) == len(METHODS)


SUB_X = np.array(SUBSAMPLE_PATTERN, dtype=float)


def test_check_subsample_prediction_passes_the_right_answer():
    assert check_subsample_prediction.grade([-1, 1, -1, 1], [1, -1, 1, -1]).passed
    assert check_subsample_prediction.grade(SUB_X[0::2], tuple(SUB_X[1::2])).passed
    assert check_subsample_prediction.grade(None, None).status == "todo"
    assert check_subsample_prediction.grade([-1, 1, -1, 1], None).status == "todo"


@pytest.mark.parametrize(("phase0", "phase1", "hint"), [
    (SUB_X[1::2], SUB_X[0::2], "the two phases are swapped: you took the odd-numbered pixels"),
    (SUB_X[0::2], SUB_X[0::2], "phase1 is [-1, +1, -1, +1]; that is what the other phase keeps"),
    (SUB_X[1::2], SUB_X[1::2], "phase0 is [+1, -1, +1, -1]; that is what the other phase keeps"),
    (SUB_X, SUB_X, "phase0 has all 8 values: that is not subsampled"),
    (SUB_X[0::2], SUB_X, "phase1 has all 8 values"),
    (blur_row(SUB_X, "tri3"), blur_row(SUB_X, "tri3"), "values of the [1, 2, 1] blur"),
    (blur_row(SUB_X, "tri3")[0::2], blur_row(SUB_X, "tri3")[1::2], "This question has no blur"),
    (SUB_X[:4], SUB_X[4:], "phase0 is the first four pixels"),
    (SUB_X[0::2], SUB_X[2::2], "phase1 has 3 values; it must have 4"),
    (SUB_X[0::2][:3], SUB_X[1::2], "phase0 has 3 values; it must have 4"),
    (list(SUB_X[0::2]) + [1], SUB_X[1::2], "phase0 has 5 values"),
    (-SUB_X[0::2] * 2, SUB_X[1::2], "Phase 0 keeps pixels 0, 2, 4, 6"),
    ("-1, 1, -1, 1", SUB_X[1::2], "phase0 must be a flat list of numbers"),
    (SUB_X[0::2], [[1, -1], [1, -1]], "phase1 must be a flat list of numbers"),
])
def test_check_subsample_prediction_fails_with_a_hint(phase0, phase1, hint):
    result = check_subsample_prediction.grade(phase0, phase1)
    assert result.status == "fail"
    assert hint in result.message


def test_check_subsample_prediction_prints_its_verdict(capsys):
    check_subsample_prediction([-1, 1, -1, 1], [1, -1, 1, -1])
    assert capsys.readouterr().out.startswith("PASS")
    check_subsample_prediction(None, None)
    assert capsys.readouterr().out.startswith("TO DO")
