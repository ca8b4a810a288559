"""Notebook 03: weight sharing. The matrix laws, the locally connected layer,
the fits, bad input, the live view driven headless, and the checkers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.checks.sharing import (
    LOCAL_QUESTION,
    check_conv_matrix,
    check_count_params,
    check_local_prediction,
)
from helpers.explorers.sharing import MAP_SCALE, MODES, SharingExplorer
from helpers.filters import EAR
from helpers.ops import PADDINGS, conv2d, shift
from helpers.sharing import (
    LocallyConnected2D,
    conv_matrix,
    equivariance_errors,
    locally_connected,
    locally_connected_matrix,
    output_shape,
    param_counts,
    patches,
    shift_matrix,
    shift_stack,
    tie_weights,
    weight_index_matrix,
)
from helpers.sharing_fit import DETECTION, fit_locally_connected, fit_shared_kernel, left_training_set
from helpers.sprites import cat_at
from helpers.views import param_figure, weight_matrix_figure

CASES = [((6, 6), (3, 3)), ((5, 7), (2, 3)), ((4, 4), (1, 1)), ((7, 5), (3, 2)), ((6, 5), (5, 4))]


# --- the convolution matrix ---------------------------------------------------

@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("image_shape,kernel_shape", CASES)
def test_conv_matrix_equals_conv2d(padding, stride, image_shape, kernel_shape):
    rng = np.random.default_rng(hash((padding, stride, image_shape, kernel_shape)) % 2**32)
    for _ in range(3):
        x = rng.standard_normal(image_shape)
        w = rng.standard_normal(kernel_shape)
        m = conv_matrix(w, image_shape, padding=padding, stride=stride)
        want = conv2d(x, w, padding=padding, stride=stride)
        assert m.shape == (want.size, x.size)
        np.testing.assert_allclose(m @ x.ravel(), want.ravel(), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 4), kw=st.integers(1, 4),
       padding=st.sampled_from(PADDINGS), stride=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_conv_matrix_equals_conv2d_property(h, w, kh, kw, padding, stride, seed):
    if padding == "valid" and (kh > h or kw > w):
        with pytest.raises(ValueError, match="does not fit"):
            conv_matrix(np.ones((kh, kw)), (h, w), padding=padding)
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((h, w))
    k = rng.standard_normal((kh, kw))
    m = conv_matrix(k, (h, w), padding=padding, stride=stride)
    np.testing.assert_allclose(m @ x.ravel(), conv2d(x, k, padding=padding, stride=stride).ravel(), atol=1e-12)


def test_circular_kernel_larger_than_image_adds_wrapped_entries():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 2)), rng.standard_normal((3, 3))
    m = conv_matrix(w, (2, 2), padding="circular")
    np.testing.assert_allclose(m @ x.ravel(), conv2d(x, w, padding="circular").ravel(), atol=1e-12)
    np.testing.assert_allclose(m.sum(), 4 * w.sum())


def test_conv_matrix_is_block_circulant():
    w = np.random.default_rng(1).standard_normal((3, 3))
    m = conv_matrix(w, (5, 6))
    row0 = m[0].reshape(5, 6)
    for i in range(5):
        for j in range(6):
            np.testing.assert_array_equal(m[i * 6 + j].reshape(5, 6), np.roll(row0, (i, j), axis=(0, 1)))


@pytest.mark.parametrize("mode", ["circular", "zero"])
def test_shift_matrix_is_the_shift(mode):
    x = np.random.default_rng(2).standard_normal((4, 5))
    for dy in range(-5, 6):
        for dx in range(-6, 7):
            s = shift_matrix((4, 5), dy, dx, mode=mode)
            np.testing.assert_array_equal(s @ x.ravel(), shift(x, dy, dx, mode=mode).ravel())


def test_shift_matrix_commutes_with_circulant_conv_matrix():
    w = np.random.default_rng(3).standard_normal((3, 3))
    m = conv_matrix(w, (5, 6), padding="circular")
    m_same = conv_matrix(w, (5, 6), padding="zero")
    not_commuting = 0
    for dy in range(5):
        for dx in range(6):
            s = shift_matrix((5, 6), dy, dx)
            np.testing.assert_allclose(s @ m, m @ s, atol=1e-12)
            not_commuting += not np.allclose(s @ m_same, m_same @ s)
    assert not_commuting == 5 * 6 - 1  # zero padding: only the identity shift commutes


def test_weight_index_matrix_matches_conv_matrix():
    w = np.arange(1.0, 10.0).reshape(3, 3)
    for padding in PADDINGS:
        idx = weight_index_matrix((3, 3), (5, 4), padding)
        m = conv_matrix(w, (5, 4), padding=padding)
        np.testing.assert_array_equal(np.where(idx >= 0, w.ravel()[idx], 0.0), m)
    local = weight_index_matrix((3, 3), (4, 4), "valid", shared=False)
    assert sorted(local[local >= 0].tolist()) == list(range(36))
    with pytest.raises(ValueError, match="wraps onto itself"):
        weight_index_matrix((3, 3), (2, 2), "circular")


# --- the locally connected layer -------------------------------------------------

@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2])
def test_locally_connected_equals_conv_when_tied(padding, stride):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 7, 6))  # a stack of three images
    w = rng.standard_normal((3, 3))
    layer = LocallyConnected2D.tied(w, (7, 6), padding=padding, stride=stride)
    assert layer.is_tied and layer.n_params == layer.out_shape[0] * layer.out_shape[1] * 9
    got = layer(x)
    want = conv2d(x[:, None], w[None, None], padding=padding, stride=stride)[:, 0]
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(layer(x[0]), conv2d(x[0], w, padding=padding, stride=stride), atol=1e-12)


@pytest.mark.parametrize("padding", PADDINGS)
def test_locally_connected_matrix_equals_the_layer(padding):
    rng = np.random.default_rng(5)
    layer = LocallyConnected2D.random((6, 7), (3, 2), padding=padding, rng=rng)
    assert not layer.is_tied
    x = rng.standard_normal((6, 7))
    np.testing.assert_allclose(layer.matrix((6, 7)) @ x.ravel(), layer(x).ravel(), atol=1e-12)


def test_locally_connected_definition_by_loop():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 6))
    weights = rng.standard_normal((3, 4, 3, 3))
    want = np.array([[np.sum(x[i:i + 3, j:j + 3] * weights[i, j]) for j in range(4)] for i in range(3)])
    np.testing.assert_allclose(locally_connected(x, weights), want, atol=1e-12)


def test_equivariance_errors_zero_iff_tied():
    x = cat_at(4, 5, canvas=14)  # touching the right border
    own = LocallyConnected2D(EAR + np.random.default_rng(7).standard_normal((14, 14, 3, 3)), padding="circular")
    err = equivariance_errors(own, x)
    assert err.shape == (14, 14) and err[0, 0] == 0 and (err.ravel()[1:] > 0.5).all()
    tied = LocallyConnected2D(tie_weights(own.weights.mean(axis=(0, 1)), (14, 14)), padding="circular")
    assert equivariance_errors(tied, x).max() < 1e-12
    # with zero padding, content at the border breaks it
    same = LocallyConnected2D.tied(EAR, (14, 14), padding="zero")
    assert equivariance_errors(same, x).max() > 0


def test_shift_stack_holds_every_shift():
    x = np.random.default_rng(8).standard_normal((3, 4))
    stack = shift_stack(x)
    for dy in range(3):
        for dx in range(4):
            np.testing.assert_array_equal(stack[dy, dx], shift(x, dy, dx))


# --- counting -----------------------------------------------------------------------

def test_param_counts():
    assert param_counts(28, 3) == {"dense": 784 * 676, "locally connected": 676 * 9, "convolution": 9}
    c = param_counts((12, 10), (5, 3), in_channels=3, out_channels=8, bias=True)
    ho, wo = 8, 8
    assert c["dense"] == 3 * 120 * 8 * ho * wo + 8 * ho * wo
    assert c["locally connected"] == ho * wo * 8 * 3 * 15 + 8 * ho * wo
    assert c["convolution"] == 8 * 3 * 15 + 8
    assert param_counts(28, 3, padding="zero")["locally connected"] == 784 * 9
    assert output_shape((7, 9), (3, 3), "zero", 2) == (4, 5)


# --- fitting ---------------------------------------------------------------------------

def test_fit_shared_kernel_recovers_a_realisable_kernel():
    rng = np.random.default_rng(9)
    xs = rng.standard_normal((10, 8, 8))
    w = rng.standard_normal((3, 3))
    targets = conv2d(xs[:, None], w[None, None], padding="zero")[:, 0]
    np.testing.assert_allclose(fit_shared_kernel(xs, targets, (3, 3), "zero", ridge=1e-9), w, atol=1e-6)
    weights = fit_locally_connected(xs, targets, (3, 3), "zero", ridge=1e-9)
    # inside, every position recovers w; on the border the entries over the padding see only
    # zeros, so least squares (with its small ridge) leaves them at zero, and the output is still right
    np.testing.assert_allclose(weights[1:-1, 1:-1], tie_weights(w, (6, 6)), atol=1e-5)
    assert np.all(weights[0, :, 0, :] == 0) and np.all(weights[:, -1, :, 2] == 0)
    np.testing.assert_allclose(locally_connected(xs, weights, "zero"), targets, atol=1e-5)


def test_left_trained_local_layer_has_zero_kernels_where_targets_were_zero():
    xs, targets, positions = left_training_set()
    assert xs.shape == targets.shape == (120, 28, 28) and positions[:, 1].max() == 5
    weights = fit_locally_connected(xs, targets)
    never = ~np.any(targets != 0, axis=0)
    assert np.all(weights[never] == 0)
    assert np.any(weights[~never] != 0)
    # the shared kernel found from the left works on the right, peak on the ear tip
    w = fit_shared_kernel(xs, targets)
    m = conv2d(cat_at(10, 19), w, padding="zero")
    assert np.unravel_index(np.argmax(m), m.shape) == (10, 19)
    assert locally_connected(cat_at(10, 19), weights, padding="zero").max() == 0


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("call,error,match", [
    (lambda: conv_matrix(np.ones((1, 3, 3)), (5, 5)), ValueError, "w must have 2 dimensions"),
    (lambda: conv_matrix("ear", (5, 5)), TypeError, "w must be a numeric array"),
    (lambda: conv_matrix(np.ones((3, 3)), (5, 5), padding="same"), ValueError,
     "padding must be one of 'valid', 'zero', 'circular'; got 'same'. Paddings are named by what fills"),
    (lambda: conv_matrix(np.ones((3, 3)), (5, 0)), ValueError, r"image_shape\[1\] must be a positive integer"),
    (lambda: conv_matrix(np.ones((3, 3)), "5x5"), TypeError, "image_shape must be an int or a"),
    (lambda: conv_matrix(np.ones((3, 3)), (2, 5), padding="valid"), ValueError, "does not fit"),
    (lambda: conv_matrix(np.ones((3, 3)), (5, 5), stride=0), ValueError, "stride must be a positive integer"),
    (lambda: conv_matrix(np.full((3, 3), np.nan), (5, 5)), ValueError, "NaN"),
    (lambda: locally_connected(np.ones((6, 6)), np.ones((3, 3, 3, 3))), ValueError, r"\(4, 4, 3, 3\)"),
    (lambda: locally_connected(np.ones(6), np.ones((4, 4, 3, 3))), ValueError, "at least 2 dimensions"),
    (lambda: locally_connected(np.ones((6, 6)), np.ones((4, 3, 3))), ValueError, "weights must have 4 dimensions"),
    (lambda: locally_connected_matrix(np.ones((2, 2, 3, 3)), (6, 6)), ValueError, "weights must have shape"),
    (lambda: LocallyConnected2D(np.ones((3, 3))), ValueError, "weights must have 4 dimensions"),
    (lambda: LocallyConnected2D.random((6, 6), scale=-1.0), ValueError, "scale must be a finite number"),
    (lambda: shift_matrix((4, 4), 1.5, 0), TypeError, "dy must be an integer"),
    (lambda: shift_matrix((4, 4), 1, 0, mode="wrap"), ValueError, "mode must be one of"),
    (lambda: tie_weights(np.ones(3), (4, 4)), ValueError, "kernel must have 2 dimensions"),
    (lambda: weight_index_matrix((3, 3), (4, 4), shared="yes"), TypeError, "shared must be True or False"),
    (lambda: param_counts(28, 3, in_channels=0), ValueError, "in_channels must be a positive integer"),
    (lambda: param_counts(28, 3, bias=1), TypeError, "bias must be True or False"),
    (lambda: equivariance_errors("conv", np.ones((4, 4))), TypeError, "f must be a function"),
    (lambda: equivariance_errors(lambda z: z[..., 1:, :], np.ones((4, 4))), ValueError, "must keep the image size"),
    (lambda: shift_stack(np.ones((2, 3, 3))), ValueError, "x must have 2 dimensions"),
    (lambda: patches(np.ones((4, 4)), (5, 5)), ValueError, "does not fit"),
    (lambda: fit_shared_kernel(np.ones((2, 6, 6)), np.ones((2, 4, 4))), ValueError, "targets must have shape"),
    (lambda: fit_locally_connected(np.ones((6, 6)), np.ones((6, 6))), ValueError, "xs must have 3 dimensions"),
    (lambda: fit_shared_kernel(np.ones((2, 6, 6)), np.ones((2, 6, 6)), ridge=0), ValueError, "ridge"),
    (lambda: left_training_set(noise=-0.1), ValueError, "noise must be a finite number"),
    (lambda: SharingExplorer(canvas=32), ValueError, "canvas must be 28"),
])
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- figures ------------------------------------------------------------------------------

def test_figures_build():
    fig = weight_matrix_figure([(weight_index_matrix(3, 4), "conv", True),
                                (weight_index_matrix(3, 4, "valid", shared=False), "local", False)],
                               values=np.arange(1, 10).reshape(3, 3), block=4)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("5") == 16 + 1  # w[1,1] = 5 once per row of the 16x16 matrix, and #5 once in "local"
    with pytest.raises(ValueError, match="at most 9"):
        weight_matrix_figure([(weight_index_matrix(4, 5), "big", True)], kernel_shape=(4, 4))
    fig = param_figure(param_counts(28, 3))
    assert "529,984" in [t.get_text() for t in fig.axes[0].texts]


# --- the live view, headless ----------------------------------------------------------------

@pytest.fixture(scope="module")
def explorer():
    return SharingExplorer()


@pytest.mark.parametrize("mode", MODES)
def test_every_slider_position(explorer, mode):
    explorer.mode.value = mode
    explorer.row.value, explorer.col.value = 9, 2
    for slider in (explorer.col, explorer.row):
        for value in range(slider.min, slider.max + 1):
            before, old = bytes(explorer.image.value), slider.value
            slider.value = value
            if value != old:
                assert bytes(explorer.image.value) != before, f"picture unchanged at {slider.description}={value}"
            s = explorer.state
            row, col = explorer.row.value, explorer.col.value
            for key in ("shared", "local"):  # the colour scale clips nothing
                assert np.abs(s[key]).max() <= MAP_SCALE
            # the shared kernel finds the ear tip everywhere, with the same value
            assert s["shared_peak"] == (row, col) and s["shared_found"]
            assert s["shared_value"] == pytest.approx(2.6271, abs=1e-4)
            if mode == MODES[1]:
                np.testing.assert_allclose(s["local"], s["shared"], atol=1e-12)
                assert s["local_found"] and s["difference"] < 1e-12
            elif col <= 5:
                assert s["local_found"], (row, col)  # a training column
            elif col >= 16:  # every position with a kernel sees only background
                assert not np.any(s["local"]) and "zero everywhere, nothing found" in explorer.readout_text
            assert f"cat at row {row}, column {col}" in explorer.readout_text
            assert f"peak {s['shared_value']:.2f} at row {row}, column {col}" in explorer.readout_text
            assert f"largest difference between the two maps: {s['difference']:.2f}" in explorer.readout_text


def test_markers_follow_the_peaks(explorer):
    explorer.mode.value = MODES[0]
    explorer.row.value, explorer.col.value = 4, 3
    assert explorer.mark_shared.get_visible() and explorer.mark_local.get_visible()
    assert list(explorer.mark_shared.get_xdata()) == [3] and list(explorer.mark_shared.get_ydata()) == [4]
    explorer.col.value = 18
    assert explorer.mark_shared.get_visible() and not explorer.mark_local.get_visible()
    assert explorer.state["local_value"] < DETECTION


def test_toggle_changes_picture_and_weights_panel(explorer):
    explorer.row.value, explorer.col.value = 9, 17
    explorer.mode.value = MODES[0]
    own = bytes(explorer.image.value)
    norm_own = explorer.state["norm"].copy()
    explorer.mode.value = MODES[1]
    assert bytes(explorer.image.value) != own
    assert np.ptp(explorer.state["norm"]) < 1e-12 and np.ptp(norm_own) > 1
    assert "weights tied (9 shared)" in explorer.readout_text


def test_controls_are_labelled_with_tooltips(explorer):
    for control in explorer.controls:
        assert control.description and control.tooltip
    assert "live-view" in explorer.widget._dom_classes
    assert explorer._repr_mimebundle_()["text/plain"].startswith("Weight-sharing explorer")
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


# --- checkers ----------------------------------------------------------------------------------

def count_reference(kind, size, k, c_in=1, c_out=1):
    side = size - k + 1
    return {"dense": c_in * size * size * c_out * side * side,
            "locally connected": side * side * c_out * c_in * k * k,
            "convolution": c_out * c_in * k * k}[kind]


def test_check_count_params():
    assert check_count_params.grade(count_reference).passed

    def no_channels(kind, size, k, c_in=1, c_out=1):
        return count_reference(kind, size, k)
    r = check_count_params.grade(no_channels)
    assert not r.passed and "c_in * c_out" in r.message

    def input_positions(kind, size, k, c_in=1, c_out=1):
        if kind == "locally connected":
            return size * size * c_out * c_in * k * k
        return count_reference(kind, size, k, c_in, c_out)
    r = check_count_params.grade(input_positions)
    assert not r.passed and "one kernel per INPUT pixel" in r.message

    def dense_same_size(kind, size, k, c_in=1, c_out=1):
        if kind == "dense":
            return (c_in * size * size) * (c_out * size * size)
        return count_reference(kind, size, k, c_in, c_out)
    r = check_count_params.grade(dense_same_size)
    assert not r.passed and "size - k + 1" in r.message

    def conv_per_position(kind, size, k, c_in=1, c_out=1):
        return count_reference("locally connected" if kind == "convolution" else kind, size, k, c_in, c_out)
    r = check_count_params.grade(conv_per_position)
    assert not r.passed and "does not depend on the image size" in r.message

    def with_bias(kind, size, k, c_in=1, c_out=1):
        return count_reference(kind, size, k, c_in, c_out) + (c_out if kind == "convolution" else 0)
    r = check_count_params.grade(with_bias)
    assert not r.passed and "bias" in r.message

    def dense_as_local(kind, size, k, c_in=1, c_out=1):
        return count_reference("locally connected" if kind == "dense" else kind, size, k, c_in, c_out)
    r = check_count_params.grade(dense_as_local)
    assert not r.passed and "EVERY input" in r.message

    def local_as_dense(kind, size, k, c_in=1, c_out=1):
        return count_reference("dense" if kind == "locally connected" else kind, size, k, c_in, c_out)
    r = check_count_params.grade(local_as_dense)
    assert not r.passed and "each output sees only" in r.message

    def as_text(kind, size, k, c_in=1, c_out=1):
        return str(count_reference(kind, size, k, c_in, c_out))
    r = check_count_params.grade(as_text)
    assert not r.passed and "not as text" in r.message
    r = check_count_params.grade(lambda kind, size, k, c_in=1, c_out=1: 1.5)
    assert not r.passed and "whole number" in r.message

    def stub(kind, size, k, c_in=1, c_out=1):
        raise NotImplementedError
    assert check_count_params.grade(stub).status == "todo"


def matrix_reference(w, size=4):
    return conv_matrix(w, (size, size), padding="circular")


def test_check_conv_matrix():
    assert check_conv_matrix.grade(matrix_reference).passed
    cases = {
        "transpose": (lambda w, size=4: matrix_reference(w, size).T),
        "flipped kernel": (lambda w, size=4: matrix_reference(w[::-1, ::-1], size)),
        "numbering": (lambda w, size=4: _column_major(matrix_reference(w, size), size)),
        "zero padding": (lambda w, size=4: conv_matrix(w, (size, size), padding="zero")),
        "'valid' padding": (lambda w, size=4: conv_matrix(w, (size, size), padding="valid")),
        "not centred": (lambda w, size=4: matrix_reference(w, size) @ shift_matrix((size, size), -1, -1)),
    }
    for hint, answer in cases.items():
        r = check_conv_matrix.grade(answer)
        assert not r.passed and hint in r.message, (hint, r.message)

    def no_wrap(w, size=4):  # forgets % size: runs off the image at the bottom and right
        m = np.zeros((size * size, size * size))
        for i in range(size):
            for j in range(size):
                for u in range(3):
                    for v in range(3):
                        m[i * size + j, (i + u - 1) * size + (j + v - 1)] += w[u, v]
        return m
    r = check_conv_matrix.grade(no_wrap)
    assert not r.passed and "% size" in r.message and "indexed past the image" in r.message

    def flat_wrap(w, size=4):  # wraps the pixel number, not the row and the column
        m = np.zeros((size * size, size * size))
        for i in range(size):
            for j in range(size):
                for u in range(3):
                    for v in range(3):
                        m[i * size + j, ((i + u - 1) * size + (j + v - 1)) % (size * size)] += w[u, v]
        return m
    r = check_conv_matrix.grade(flat_wrap)
    assert not r.passed and "pixel NUMBER" in r.message

    def overwrite(w, size=4):  # = instead of +=: right while no two kernel entries share a pixel
        m = np.zeros((size * size, size * size))
        for i in range(size):
            for j in range(size):
                for u in range(3):
                    for v in range(3):
                        m[i * size + j, ((i + u - 1) % size) * size + (j + v - 1) % size] = w[u, v]
        return m
    assert np.allclose(overwrite(np.arange(1.0, 10.0).reshape(3, 3), 4),
                       matrix_reference(np.arange(1.0, 10.0).reshape(3, 3), 4))
    r = check_conv_matrix.grade(overwrite)
    assert not r.passed and "add them up" in r.message

    r = check_conv_matrix.grade(lambda w, size=4: matrix_reference(w, size) + np.eye(size * size))
    assert not r.passed and "some entries are wrong" in r.message

    def stub(w, size=4):
        raise NotImplementedError
    assert check_conv_matrix.grade(stub).status == "todo"


def _column_major(m, size):
    p = np.arange(size * size).reshape(size, size).T.ravel()
    return m[np.ix_(p, p)]


def test_check_local_prediction(capsys):
    assert LOCAL_QUESTION["cat"] == (10, 19)
    assert check_local_prediction.grade(0).passed
    assert "shared kernel" in check_local_prediction.grade(2.63).message
    assert "zero weights" in check_local_prediction.grade(-1).message
    assert not check_local_prediction.grade(1.0).passed
    assert not check_local_prediction.grade("big").passed
    assert check_local_prediction.grade(None).status == "todo"
    check_local_prediction(None)
    assert capsys.readouterr().out.startswith("TO DO")


def test_sharing_state_is_what_the_view_shows():
    from helpers.sharing_fit import left_trained_weights, sharing_state

    kernel, own = left_trained_weights()
    explorer = SharingExplorer(row=9, col=15)
    direct = sharing_state(9, 15, kernel, own)
    assert explorer.state["difference"] == direct["difference"]
    assert explorer.state["local_found"] == direct["local_found"]
    with pytest.raises(TypeError, match="row must be an integer"):
        sharing_state(0.5, 2, kernel, own)
    with pytest.raises(ValueError, match="kernel must have 2 dimensions"):
        sharing_state(0, 2, kernel[None], own)


def test_ear_tip_sweep_matches_single_positions_and_tied_weights():
    from helpers.sharing_fit import ear_tip_sweep, left_trained_weights, sharing_state

    # the ear filter itself, shared and tied: 3 at the tip everywhere, found everywhere
    sweep = ear_tip_sweep(EAR, tie_weights(EAR, (28, 28)))
    assert sweep["shared"].shape == sweep["local"].shape == sweep["found"].shape == (20, 20)
    assert np.all(sweep["shared"] == 3) and np.all(sweep["local"] == 3) and sweep["found"].all()
    # the left-trained layers: each entry is what the view shows for that one position
    kernel, own = left_trained_weights()
    sweep = ear_tip_sweep(kernel, own)
    for row, col in [(0, 0), (9, 6), (9, 12), (19, 13), (10, 19)]:
        state = sharing_state(row, col, kernel, own)
        assert np.isclose(sweep["shared"][row, col], state["shared"][row, col])
        assert np.isclose(sweep["local"][row, col], state["local"][row, col])
        assert sweep["found"][row, col] == state["local_found"]
    assert np.all(sweep["local"][:, 15:] == 0) and not sweep["found"][:, 14:].any()
    with pytest.raises(ValueError, match="weights must have shape"):
        ear_tip_sweep(kernel, own[:27])
    with pytest.raises(ValueError, match="kernel must have 2 dimensions"):
        ear_tip_sweep(kernel[None], own)
