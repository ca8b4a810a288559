"""p4 group convolution: the rotation laws (exact), the definitions, gradients, the networks, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.groupconv import (
    ORIENTATIONS,
    P4_PADDINGS,
    TRANSFORMS,
    OrientationPool,
    P4Conv,
    P4Lift,
    group_conv,
    group_filters,
    invariance_report,
    lift,
    lift_filters,
    make_p4_cnn,
    make_plain_cnn,
    orientation_pool,
    quantize_weights,
    rot90,
    rotate_p4,
    transform,
)
from helpers.ops import conv2d, shift
from helpers.sprites import cat_at, place
from helpers.tinycnn import Adam, Dense, GlobalAvgPool, MaxPool2D, Model, ReLU, SoftmaxCrossEntropy, train

from gradcheck import check_layer, numeric_grad, rel_error


def ints(rng, shape, lo=-3, hi=4):
    """Random small integers as floats: every sum of their products is exact in float64."""
    return rng.integers(lo, hi, size=shape).astype(float)


# --------------------------------------------------------------------------
# Rotations
# --------------------------------------------------------------------------

def test_rot90_turns_counter_clockwise_on_screen():
    x = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(rot90(x), [[2, 4], [1, 3]])  # the top-right pixel goes to the top-left
    np.testing.assert_array_equal(rot90(x, 4), x)
    np.testing.assert_array_equal(rot90(x, -1), rot90(x, 3))
    np.testing.assert_array_equal(rot90(rot90(x, 1), 3), x)
    assert rot90(np.zeros((2, 3, 5, 7))).shape == (2, 3, 7, 5)


def test_rotate_p4_is_a_group_action():
    rng = np.random.default_rng(0)
    y = ints(rng, (2, 3, 4, 5, 5))
    np.testing.assert_array_equal(rotate_p4(y, 4), y)
    np.testing.assert_array_equal(rotate_p4(rotate_p4(y, 1), 2), rotate_p4(y, 3))
    # orientation s moves to s + 1, and is turned
    np.testing.assert_array_equal(rotate_p4(y)[..., 1, :, :], rot90(y[..., 0, :, :]))
    np.testing.assert_array_equal(rotate_p4(y)[..., 0, :, :], rot90(y[..., 3, :, :]))


# --------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------

@pytest.mark.parametrize("padding", P4_PADDINGS)
def test_lift_teaching_case_is_four_rotated_kernels(padding):
    rng = np.random.default_rng(1)
    x, w = ints(rng, (7, 6)), ints(rng, (3, 3))
    out = lift(x, w, padding=padding)
    assert out.shape == (4, 7, 6)
    for r in range(4):
        np.testing.assert_array_equal(out[r], conv2d(x, np.rot90(w, r), padding=padding))


def test_lift_batch_case_matches_the_formula():
    rng = np.random.default_rng(2)
    x, w, b = ints(rng, (2, 3, 6, 6)), ints(rng, (4, 3, 3, 3)), ints(rng, (4,))
    out = lift(x, w, b)
    assert out.shape == (2, 4, 4, 6, 6)
    for o in range(4):
        for r in range(4):
            want = b[o] + sum(conv2d(x[:, c:c + 1], np.rot90(w[o, c], r)[None, None], padding="circular")[:, 0]
                              for c in range(3))
            np.testing.assert_array_equal(out[:, o, r], want)


def test_group_conv_matches_the_formula():
    rng = np.random.default_rng(3)
    x, w, b = ints(rng, (2, 2, 4, 5, 5)), ints(rng, (3, 2, 4, 3, 3)), ints(rng, (3,))
    out = group_conv(x, w, b, padding="zero")
    assert out.shape == (2, 3, 4, 5, 5)
    for o in range(3):
        for r in range(4):
            want = b[o] + sum(
                conv2d(x[:, c, s][:, None], np.rot90(w[o, c, (s - r) % 4], r)[None, None], padding="zero")[:, 0]
                for c in range(2) for s in range(4))
            np.testing.assert_array_equal(out[:, o, r], want)
    # the teaching case is the batch case with one image and one channel
    np.testing.assert_array_equal(group_conv(x[0, 0], w[0, 0], padding="zero"),
                                  group_conv(x[:1, :1], w[:1, :1], padding="zero")[0, 0])


def test_filter_banks():
    rng = np.random.default_rng(4)
    w = ints(rng, (2, 3, 3, 3))
    bank = lift_filters(w)
    assert bank.shape == (2, 4, 3, 3, 3)
    np.testing.assert_array_equal(bank[1, 3, 2], np.rot90(w[1, 2], 3))
    wg = ints(rng, (2, 3, 4, 3, 3))
    gbank = group_filters(wg)
    assert gbank.shape == (2, 4, 3, 4, 3, 3)
    np.testing.assert_array_equal(gbank[0, 1, 2, 3], np.rot90(wg[0, 2, 2], 1))  # slot s=3, r=1: w[(3-1) % 4]


# --------------------------------------------------------------------------
# The rotation laws, exactly
# --------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 8), w=st.integers(3, 8),
       k=st.sampled_from([1, 3, 5]), padding=st.sampled_from(P4_PADDINGS), r=st.integers(0, 3),
       seed=st.integers(0, 2**16))
def test_lift_rotating_the_input_rotates_maps_and_rolls_orientations(n, c, o, h, w, k, padding, r, seed):
    rng = np.random.default_rng(seed)
    x, wt, b = ints(rng, (n, c, h, w)), ints(rng, (o, c, k, k)), ints(rng, (o,))
    np.testing.assert_array_equal(lift(rot90(x, r), wt, b, padding), rotate_p4(lift(x, wt, b, padding), r))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 7), w=st.integers(3, 7),
       k=st.sampled_from([1, 3]), padding=st.sampled_from(P4_PADDINGS), r=st.integers(0, 3),
       seed=st.integers(0, 2**16))
def test_group_conv_is_equivariant(n, c, o, h, w, k, padding, r, seed):
    rng = np.random.default_rng(seed)
    y, wt, b = ints(rng, (n, c, 4, h, w)), ints(rng, (o, c, 4, k, k)), ints(rng, (o,))
    np.testing.assert_array_equal(group_conv(rotate_p4(y, r), wt, b, padding),
                                  rotate_p4(group_conv(y, wt, b, padding), r))


@pytest.mark.parametrize("padding", P4_PADDINGS)
def test_laws_hold_to_rounding_for_arbitrary_floats(padding):
    rng = np.random.default_rng(5)
    x, w1 = rng.standard_normal((2, 2, 9, 9)), rng.standard_normal((3, 2, 3, 3))
    w2 = rng.standard_normal((2, 3, 4, 3, 3))
    y = lift(x, w1, padding=padding)
    for r in range(4):
        np.testing.assert_allclose(lift(rot90(x, r), w1, padding=padding), rotate_p4(y, r), atol=1e-12)
        np.testing.assert_allclose(group_conv(rotate_p4(y, r), w2, padding=padding),
                                   rotate_p4(group_conv(y, w2, padding=padding), r), atol=1e-12)


def test_orientation_pool_forgets_the_roll():
    rng = np.random.default_rng(6)
    x, w = ints(rng, (1, 1, 8, 8)), ints(rng, (2, 1, 3, 3))
    for mode in ("max", "mean"):
        pooled = orientation_pool(lift(x, w), mode)
        assert pooled.shape == (1, 2, 8, 8)
        np.testing.assert_array_equal(orientation_pool(lift(rot90(x), w), mode), rot90(pooled))


def test_shifts_still_commute_with_lifting():
    rng = np.random.default_rng(7)
    x, w = ints(rng, (1, 2, 8, 8)), ints(rng, (3, 2, 3, 3))
    np.testing.assert_array_equal(lift(shift(x, 2, -3), w), shift(lift(x, w), 2, -3))


# --------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------

@pytest.mark.parametrize("padding", P4_PADDINGS)
@pytest.mark.parametrize("global_pool", ["max", "avg"])
def test_p4_network_exactly_invariant_plain_network_not(padding, global_pool):
    rng = np.random.default_rng(8)
    x = ints(rng, (28, 28), 0, 2)
    p4 = quantize_weights(make_p4_cnn(channels=4, padding=padding, global_pool=global_pool, seed=1))
    plain = quantize_weights(make_plain_cnn(channels=4, padding=padding, global_pool=global_pool, seed=1))
    f0 = p4.forward(x[None, None])
    assert f0.shape == (1, 4) and np.abs(f0).max() > 0
    for r in range(1, 4):
        np.testing.assert_array_equal(p4.forward(rot90(x, r)[None, None]), f0)
    changes = [np.abs(plain.forward(rot90(x, r)[None, None]) - plain.forward(x[None, None])).max() for r in (1, 2, 3)]
    assert min(changes) > 1e-3


def test_p4_network_invariant_to_rounding_with_arbitrary_weights_and_classifies():
    model = make_p4_cnn(channels=4, n_classes=3, seed=2)
    x = np.random.default_rng(9).standard_normal((2, 1, 12, 12))
    logits = model.forward(x)
    assert logits.shape == (2, 3)
    for r in range(1, 4):
        np.testing.assert_allclose(model.forward(rot90(x, r)), logits, atol=1e-12)


def test_invariance_report_on_the_cat():
    cat = cat_at(9, 9)
    p4 = quantize_weights(make_p4_cnn(channels=4, padding="circular", global_pool="avg", seed=0))
    report = invariance_report(p4, cat)
    assert set(report) == set(TRANSFORMS)
    assert report["90-degree rotation"] == 0.0 and report["2-pixel shift"] > 0  # total stride 4
    plain = quantize_weights(make_plain_cnn(channels=4, padding="circular", seed=0))
    assert invariance_report(plain, cat)["90-degree rotation"] > 0
    np.testing.assert_array_equal(transform(cat, ("rot", 2)), cat[::-1, ::-1])
    np.testing.assert_array_equal(transform(cat, ("shift", 1, 2)), shift(cat, 1, 2))


def test_quantize_weights_rounds_to_the_step():
    model = quantize_weights(make_p4_cnn(channels=2, seed=3), step=0.25)
    for p in model.params():
        np.testing.assert_array_equal(p.value * 4, np.round(p.value * 4))


# --------------------------------------------------------------------------
# Gradients (finite differences, float64)
# --------------------------------------------------------------------------





@pytest.mark.parametrize("padding", P4_PADDINGS)
@pytest.mark.parametrize("make", [lambda p: P4Lift(2, 3, 3, p, rng=0), lambda p: P4Conv(2, 2, 3, p, rng=0)],
                         ids=["lift", "group"])
def test_layer_gradients(make, padding):
    layer = make(padding)
    rng = np.random.default_rng(10)
    layer.params["b"][:] = rng.standard_normal(layer.params["b"].shape)
    x = rng.standard_normal((2, layer.stacked_in, 5, 5))
    errors = check_layer(layer, x, rng)  # also checks each gradient's shape against its parameter's
    assert set(errors) == {"x", *layer.params}
    assert all(e < 1e-6 for e in errors.values()), errors


def test_orientation_pool_gradient():
    layer = OrientationPool()
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 8, 3, 3))
    weights = rng.standard_normal((2, 2, 3, 3))
    layer.forward(x)
    gx = layer.backward(weights)
    assert rel_error(gx, numeric_grad(lambda: float((layer.forward(x) * weights).sum()), x)) < 1e-6


def test_whole_p4_model_gradient():
    model = make_p4_cnn(channels=2, n_classes=3, padding="zero", global_pool="avg", seed=4)
    rng = np.random.default_rng(12)
    for p in model.params():
        if p.name.endswith(".b"):
            p.value[:] = 0.1 * rng.standard_normal(p.value.shape)
    x = rng.standard_normal((3, 1, 8, 8))
    y = np.array([0, 2, 1])
    loss_fn = SoftmaxCrossEntropy()

    def loss():
        return loss_fn.forward(model.forward(x), y)

    loss()
    gx = model.backward(loss_fn.backward(), input_grad=True)
    analytic = {p.name: p.grad.copy() for p in model.params()}
    for p in model.params():
        assert rel_error(analytic[p.name], numeric_grad(loss, p.value)) < 1e-6, p.name
    assert rel_error(gx, numeric_grad(loss, x)) < 1e-6


def test_training_keeps_the_invariance():
    rng = np.random.default_rng(13)
    x = np.stack([place(name, int(r), int(c), 16) for name, r, c in
                  zip(["cat", "triangle"] * 16, rng.integers(0, 8, 32), rng.integers(0, 8, 32))])[:, None]
    y = np.array([0, 1] * 16)
    model = make_p4_cnn(channels=2, n_classes=2, seed=5)
    history = train(model, x, y, epochs=3, batch_size=16, optimizer=Adam(0.01), progress=None)
    assert history.loss[-1] < history.loss[0]
    np.testing.assert_allclose(model.forward(rot90(x)), model.forward(x), atol=1e-10)


def test_p4_layers_compose_with_tinycnn_layers():
    model = Model([P4Lift(1, 2, 3, rng=0), ReLU(), MaxPool2D(2), OrientationPool(), GlobalAvgPool(),
                   Dense(2, 2, rng=0)])
    assert "P4Lift(1->2x4, 3x3, circular)" in model.summary((1, 8, 8))
    assert model.forward(np.zeros((1, 1, 8, 8))).shape == (1, 2)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: rot90("image"), TypeError, "x must be a numeric array"),
    (lambda: rot90(np.zeros(3)), ValueError, "at least 2 dimensions"),
    (lambda: rot90(np.zeros((2, 2)), 1.5), TypeError, "r must be an integer"),
    (lambda: rotate_p4(np.zeros((3, 5, 5))), ValueError, "4 orientations"),
    (lambda: lift(np.zeros((5, 5)), np.zeros((2, 2))), ValueError, "odd size"),
    (lambda: lift(np.zeros((5, 5)), np.zeros((3, 5))), ValueError, "square kernels"),
    (lambda: lift(np.zeros((5, 5)), np.zeros((1, 1, 3, 3))), ValueError, "both be 2-D"),
    (lambda: lift(np.zeros((1, 2, 5, 5)), np.zeros((1, 3, 3, 3))), ValueError, "channel mismatch"),
    (lambda: lift(np.zeros((5, 5)), np.zeros((3, 3)), padding="valid"), ValueError, "padding must be one of"),
    (lambda: lift(np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3)), b=np.zeros(3)), ValueError,
     r"b must have shape \(2,\)"),
    (lambda: lift(np.full((5, 5), np.nan), np.zeros((3, 3))), ValueError, "NaN"),
    (lambda: group_conv(np.zeros((3, 5, 5)), np.zeros((3, 3, 3))), ValueError, "orientation axis of length 4"),
    (lambda: group_conv(np.zeros((4, 5, 5)), np.zeros((1, 1, 4, 3, 3))), ValueError, "both be 3-D"),
    (lambda: group_conv(np.zeros((1, 2, 4, 5, 5)), np.zeros((1, 1, 4, 3, 3))), ValueError, "channel mismatch"),
    (lambda: group_conv(np.zeros((1, 1, 4, 5, 5)), np.zeros((1, 1, 3, 3, 3))), ValueError, "orientation axis"),
    (lambda: group_filters(np.zeros((1, 1, 3, 3))), ValueError, "5 dimensions"),
    (lambda: orientation_pool(np.zeros((1, 5, 5))), ValueError, "4 orientations"),
    (lambda: orientation_pool(np.zeros((4, 5, 5)), "min"), ValueError, "mode must be one of"),
    (lambda: P4Lift(1, 2, 4), ValueError, "k must be odd"),
    (lambda: P4Lift(0, 2), ValueError, "in_ch must be a positive integer"),
    (lambda: P4Lift(1, 2, padding="valid"), ValueError, "padding must be one of"),
    (lambda: P4Lift(1, 2).forward(np.zeros((1, 2, 5, 5))), ValueError, "must have 1 channel"),
    (lambda: P4Conv(2, 2).forward(np.zeros((1, 2, 5, 5))), ValueError, "must have 8 channels"),
    (lambda: P4Lift(1, 2).backward(np.zeros((1, 8, 5, 5))), RuntimeError, "before forward"),
    (lambda: OrientationPool().forward(np.zeros((1, 6, 5, 5))), ValueError, "multiple of 4"),
    (lambda: OrientationPool().backward(np.zeros((1, 1, 5, 5))), RuntimeError, "before forward"),
    (lambda: make_p4_cnn(channels=0), ValueError, "channels must be a positive integer"),
    (lambda: make_p4_cnn(n_classes=1), ValueError, "at least 2"),
    (lambda: make_plain_cnn(global_pool="sum"), ValueError, "global_pool must be one of"),
    (lambda: quantize_weights("model"), TypeError, "model must be a helpers.tinycnn.Model"),
    (lambda: quantize_weights(make_p4_cnn(channels=1), 0.3), ValueError, "power of two"),
    (lambda: quantize_weights(make_p4_cnn(channels=1), -1.0), ValueError, "positive power of two"),
    (lambda: invariance_report(make_p4_cnn(channels=1), np.zeros((8, 12))), ValueError, "square"),
    (lambda: invariance_report("net", np.zeros((8, 8))), TypeError, "model must be"),
    (lambda: transform(np.zeros((4, 4)), ("flip",)), ValueError, "variant must be"),
])
def test_bad_input_gets_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_wrong_gradient_shape():
    layer = P4Lift(1, 2, rng=0)
    layer.forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="shape of this layer's last output"):
        layer.backward(np.zeros((1, 2, 5, 5)))
    assert ORIENTATIONS == 4
