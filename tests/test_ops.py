"""helpers.ops: agreement with loop references, the shift laws (equivariance, polyphase), and bad input.

The references below are written the slow, obvious way (one Python loop per
index, the definitions straight from the docstrings and the usual formulas),
so that the vectorised versions in ``helpers.ops`` are checked against
something independent of sliding windows and einsum.
"""

from __future__ import annotations

import itertools
import math
import warnings
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers.ops import (
    avg_pool2d,
    blur_kernel,
    blur_pool2d,
    conv2d,
    cross_entropy,
    global_avg_pool,
    global_max_pool,
    log_softmax,
    max_pool2d,
    pad2d,
    pad_amounts,
    shift,
    softmax,
    subsample,
    unpad2d,
)

ATOL = 1e-10
PROPS = settings(max_examples=50, deadline=None)
BLUR_ROWS = {"rect2": [1.0, 1.0], "tri3": [1.0, 2.0, 1.0], "bin5": [1.0, 4.0, 6.0, 4.0, 1.0]}


def rng_for(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


# ---------------------------------------------------------------------------
# Loop references
# ---------------------------------------------------------------------------

def ref_conv2d(x, w, b, stride, padding):
    """Batch cross-correlation by definition: x (N, C, H, W), w (O, C, kh, kw), b (O,)."""
    n_img, n_ch, h, wd = x.shape
    n_out, _, kh, kw = w.shape
    if padding == "valid":
        top = left = 0
        hp, wp = h, wd
    else:  # kh - 1 rows of padding in all, the extra one at the bottom (right) for even kernels
        top, left = (kh - 1) // 2, (kw - 1) // 2
        hp, wp = h + kh - 1, wd + kw - 1
    ho, wo = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    out = np.zeros((n_img, n_out, ho, wo))
    for n in range(n_img):
        for o in range(n_out):
            for i in range(ho):
                for j in range(wo):
                    acc = 0.0 if b is None else float(b[o])
                    for c in range(n_ch):
                        for u in range(kh):
                            for v in range(kw):
                                r, q = i * stride + u - top, j * stride + v - left
                                if padding == "circular":
                                    r, q = r % h, q % wd
                                elif not (0 <= r < h and 0 <= q < wd):
                                    continue  # a zero of the padding
                                acc += w[o, c, u, v] * x[n, c, r, q]
                    out[n, o, i, j] = acc
    return out


def ref_pool(x, size, stride, padding, reduce):
    """max or mean over size x size windows every stride pixels; circular: wrap around."""
    stride = size if stride is None else stride
    h, wd = x.shape[-2:]
    extra = size - 1 if padding == "circular" else 0
    ho, wo = (h + extra - size) // stride + 1, (wd + extra - size) // stride + 1
    out = np.zeros(x.shape[:-2] + (ho, wo))
    for idx in np.ndindex(*x.shape[:-2]):
        for i in range(ho):
            for j in range(wo):
                vals = []
                for u in range(size):
                    for v in range(size):
                        r, q = i * stride + u, j * stride + v
                        if padding == "circular":
                            r, q = r % h, q % wd
                        vals.append(x[idx + (r, q)])
                out[idx + (i, j)] = max(vals) if reduce == "max" else math.fsum(vals) / len(vals)
    return out


def ref_blur_pool(x, stride, name, padding):
    row = BLUR_ROWS[name]
    n = len(row)
    total = sum(row) ** 2
    before = (n - 1) // 2
    h, wd = x.shape[-2:]
    ho, wo = -(-h // stride), -(-wd // stride)
    out = np.zeros(x.shape[:-2] + (ho, wo))
    for idx in np.ndindex(*x.shape[:-2]):
        for i in range(ho):
            for j in range(wo):
                acc = 0.0
                for u in range(n):
                    for v in range(n):
                        r, q = i * stride + u - before, j * stride + v - before
                        if padding == "circular":
                            r, q = r % h, q % wd
                        elif not (0 <= r < h and 0 <= q < wd):
                            continue
                        acc += row[u] * row[v] / total * x[idx + (r, q)]
                out[idx + (i, j)] = acc
    return out


def ref_shift(x, dy, dx, mode):
    h, wd = x.shape[-2:]
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape[:-2]):
        for i in range(h):
            for j in range(wd):
                r, q = i - dy, j - dx
                if mode == "circular":
                    out[idx + (i, j)] = x[idx + (r % h, q % wd)]
                elif 0 <= r < h and 0 <= q < wd:
                    out[idx + (i, j)] = x[idx + (r, q)]
    return out


def ref_log_softmax_row(z, temperature=1.0):
    z = [v / temperature for v in z]
    m = max(z)
    log_total = math.log(math.fsum(math.exp(v - m) for v in z))
    return [v - m - log_total for v in z]


def ref_softmax_row(z, temperature=1.0):
    return [math.exp(v) for v in ref_log_softmax_row(z, temperature)]


# ---------------------------------------------------------------------------
# Agreement: convolution
# ---------------------------------------------------------------------------

TEACHING_CASES = [((6, 7), (3, 3)), ((5, 8), (2, 2)), ((7, 6), (2, 5)), ((6, 6), (4, 1)),
                  ((4, 5), (1, 1)), ((5, 5), (5, 5))]


@pytest.mark.parametrize("padding", ["valid", "zero", "circular"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("image_shape,kernel_shape", TEACHING_CASES)
@pytest.mark.parametrize("with_bias", [False, True])
def test_conv2d_teaching_case_matches_loop_reference(image_shape, kernel_shape, stride, padding, with_bias):
    rng = rng_for("teach", image_shape, kernel_shape, stride, padding, with_bias)
    x = rng.standard_normal(image_shape)
    w = rng.standard_normal(kernel_shape)
    b = float(rng.standard_normal()) if with_bias else None
    got = conv2d(x, w, b=b, stride=stride, padding=padding)
    want = ref_conv2d(x[None, None], w[None, None], None if b is None else [b], stride, padding)[0, 0]
    assert got.ndim == 2
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=ATOL)


def test_conv2d_teaching_case_small_example_by_hand():
    x = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    w = np.array([[0.0, 1.0], [2.0, 3.0]])
    # The deep-learning definition: no kernel flip (the d2l corr2d example).
    np.testing.assert_array_equal(conv2d(x, w), [[19.0, 25.0], [37.0, 43.0]])
    np.testing.assert_array_equal(conv2d(x, w, b=1.0), [[20.0, 26.0], [38.0, 44.0]])


BATCH_CASES = [  # (N, C, H, W), (O, kh, kw)
    ((2, 1, 6, 7), (3, 3, 3)),
    ((1, 3, 7, 5), (2, 2, 2)),
    ((3, 2, 5, 6), (1, 3, 2)),
    ((2, 2, 6, 6), (4, 1, 4)),
    ((1, 2, 4, 4), (2, 5, 5)),
]


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("x_shape,k_shape,padding", [
    (xs, ks, p) for xs, ks in BATCH_CASES for p in ("valid", "zero", "circular")
    if p != "valid" or (ks[1] <= xs[2] and ks[2] <= xs[3])  # too large for "valid": see the bad-input tests
])
def test_conv2d_batch_case_matches_loop_reference(x_shape, k_shape, stride, padding):
    n, c, h, wd = x_shape
    o, kh, kw = k_shape
    rng = rng_for("batch", x_shape, k_shape, stride, padding)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((o, c, kh, kw))
    b = rng.standard_normal(o)
    for bias in (None, b):
        got = conv2d(x, w, b=bias, stride=stride, padding=padding)
        want = ref_conv2d(x, w, bias, stride, padding)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=ATOL)


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("h,k", [(7, 3), (8, 3), (9, 2), (6, 4), (5, 5)])
def test_conv2d_output_sizes_follow_the_floor_formula(h, k, stride):
    x = np.ones((1, 1, h, h + 1))
    w = np.ones((1, 1, k, k))
    assert conv2d(x, w, stride=stride).shape[-2:] == ((h - k) // stride + 1, (h + 1 - k) // stride + 1)
    for padding in ("zero", "circular"):
        assert conv2d(x, w, stride=stride, padding=padding).shape[-2:] == (
            (h - 1) // stride + 1, h // stride + 1)


def test_conv2d_accepts_integer_and_boolean_input_as_float():
    x = np.arange(20).reshape(4, 5)
    w = np.array([[True, False], [False, True]])
    got = conv2d(x, w)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, ref_conv2d(x[None, None].astype(float), w[None, None].astype(float),
                                                  None, 1, "valid")[0, 0])


# ---------------------------------------------------------------------------
# Agreement: pooling, blur, shift
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("padding", ["valid", "circular"])
@pytest.mark.parametrize("size,stride", [(1, None), (2, None), (3, None), (2, 1), (3, 1), (2, 3), (3, 2)])
@pytest.mark.parametrize("shape", [(7, 8), (2, 3, 6, 7)])
def test_max_and_avg_pool_match_loop_reference(shape, size, stride, padding):
    x = rng_for("pool", shape, size, stride, padding).standard_normal(shape)
    for fn, reduce in ((max_pool2d, "max"), (avg_pool2d, "mean")):
        got = fn(x, size, stride=stride, padding=padding)
        want = ref_pool(x, size, stride, padding, reduce)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=ATOL)


def test_max_pool_seed_example_and_the_honest_continuation():
    base = np.zeros((4, 4))
    for r, c in [(0, 0), (1, 1), (0, 1)]:  # [1,0,0,0], [0,0,0,1], [0,1,0,0] in the top-left window
        img = base.copy()
        img[r, c] = 1.0
        np.testing.assert_array_equal(max_pool2d(img), [[1.0, 0.0], [0.0, 0.0]])
    img = base.copy()
    img[0, 2] = 1.0  # one pixel further: across the window's edge
    np.testing.assert_array_equal(max_pool2d(img), [[0.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize("padding", ["circular", "zero"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(BLUR_ROWS))
@pytest.mark.parametrize("shape", [(7, 6), (2, 6, 9)])
def test_blur_pool_matches_loop_reference(shape, name, stride, padding):
    x = rng_for("blur", shape, name, stride, padding).standard_normal(shape)
    got = blur_pool2d(x, stride=stride, filter=name, padding=padding)
    want = ref_blur_pool(x, stride, name, padding)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=ATOL)


@pytest.mark.parametrize("name", sorted(BLUR_ROWS))
def test_blur_kernel_is_normalised_binomial_and_kills_nyquist(name):
    k = blur_kernel(name)
    row = np.array(BLUR_ROWS[name])
    np.testing.assert_allclose(k, np.outer(row, row) / row.sum() ** 2, rtol=0, atol=1e-15)
    assert k.sum() == pytest.approx(1.0, abs=1e-15)
    checker = (-1.0) ** np.add.outer(np.arange(8), np.arange(8))  # +1, -1, +1, ...: the Nyquist pattern
    np.testing.assert_allclose(blur_pool2d(checker, stride=1, filter=name), 0.0, atol=1e-14)
    assert np.abs(max_pool2d(checker, 2, stride=1, padding="circular")).min() == 1.0  # no blur: not removed


SHIFTS = [-12, -7, -5, -1, 0, 1, 3, 5, 7, 12, 23]


@pytest.mark.parametrize("mode", ["circular", "zero"])
@pytest.mark.parametrize("shape", [(5, 7), (2, 3, 4, 6)])
def test_shift_matches_loop_reference(shape, mode):
    x = rng_for("shift", shape, mode).standard_normal(shape)
    before = x.copy()
    for dy, dx in itertools.product(SHIFTS, repeat=2):
        got = shift(x, dy, dx, mode=mode)
        np.testing.assert_array_equal(got, ref_shift(x, dy, dx, mode), err_msg=f"dy={dy}, dx={dx}")
    np.testing.assert_array_equal(x, before)  # the input is never modified


def test_shift_zero_mode_larger_than_the_image_gives_zeros_and_circular_wraps():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    for dy, dx in [(3, 0), (0, 4), (-3, 0), (0, -4), (10, -10)]:
        assert not shift(x, dy, dx, mode="zero").any()
    np.testing.assert_array_equal(shift(x, 3, 4), x)
    np.testing.assert_array_equal(shift(x, 7, -9), shift(x, 1, -1))
    np.testing.assert_array_equal(shift(x, 1, 0, mode="zero"), [[0, 0, 0, 0], [1, 2, 3, 4], [5, 6, 7, 8]])


# ---------------------------------------------------------------------------
# Agreement: softmax, log_softmax, cross-entropy
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("temperature", [1.0, 0.3, 4.0])
def test_softmax_and_log_softmax_match_loop_reference(temperature):
    z = rng_for("softmax", temperature).normal(0.0, 5.0, size=(4, 6))
    for axis in (-1, 1, 0):
        zz = z if axis != 0 else z.T
        want_log = np.array([ref_log_softmax_row(list(row), temperature) for row in zz])
        want = np.array([ref_softmax_row(list(row), temperature) for row in zz])
        got_log = log_softmax(z, axis=axis, temperature=temperature)
        got = softmax(z, axis=axis, temperature=temperature)
        if axis == 0:
            got_log, got = got_log.T, got.T
        np.testing.assert_allclose(got_log, want_log, rtol=0, atol=ATOL)
        np.testing.assert_allclose(got, want, rtol=0, atol=ATOL)


def test_softmax_on_a_3d_array_acts_along_the_given_axis():
    z = rng_for("softmax3d").standard_normal((2, 3, 4))
    got = softmax(z, axis=1)
    for i, k in itertools.product(range(2), range(4)):
        np.testing.assert_allclose(got[i, :, k], ref_softmax_row(list(z[i, :, k])), rtol=0, atol=ATOL)


def test_cross_entropy_matches_loop_reference():
    rng = rng_for("xent")
    logits = rng.normal(0.0, 3.0, size=(7, 4))
    labels = rng.integers(0, 4, size=7)
    want = math.fsum(-ref_log_softmax_row(list(row))[t] for row, t in zip(logits, labels)) / 7
    got = cross_entropy(logits, labels)
    assert isinstance(got, float)
    assert got == pytest.approx(want, abs=ATOL)
    assert cross_entropy(logits, list(labels)) == pytest.approx(want, abs=ATOL)
    # uniform logits: log K
    assert cross_entropy(np.zeros((3, 4)), [0, 1, 3]) == pytest.approx(math.log(4), abs=1e-15)


# ---------------------------------------------------------------------------
# Laws: convolution commutes with circular shifts (equivariance)
# ---------------------------------------------------------------------------

@PROPS
@given(n=st.integers(1, 2), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(1, 9), w=st.integers(1, 9),
       kh=st.integers(1, 5), kw=st.integers(1, 5), dy=st.integers(-30, 30), dx=st.integers(-30, 30),
       seed=st.integers(0, 2**32 - 1))
def test_circular_conv_commutes_with_every_shift(n, c, o, h, w, kh, kw, dy, dx, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    k = rng.standard_normal((o, c, kh, kw))
    b = rng.standard_normal(o)
    lhs = conv2d(shift(x, dy, dx), k, b, padding="circular")
    rhs = shift(conv2d(x, k, b, padding="circular"), dy, dx)
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=ATOL)


@PROPS
@given(h=st.integers(1, 9), w=st.integers(1, 9), dy=st.integers(-20, 20), dx=st.integers(-20, 20),
       size=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_dense_pooling_and_relu_commute_with_every_circular_shift(h, w, dy, dx, size, seed):
    x = np.random.default_rng(seed).standard_normal((2, h, w))
    for pool in (max_pool2d, avg_pool2d):
        lhs = pool(shift(x, dy, dx), size, stride=1, padding="circular")
        rhs = shift(pool(x, size, stride=1, padding="circular"), dy, dx)
        np.testing.assert_allclose(lhs, rhs, rtol=0, atol=ATOL)
    np.testing.assert_array_equal(np.maximum(shift(x, dy, dx), 0), shift(np.maximum(x, 0), dy, dx))


@PROPS
@given(data=st.data(), h=st.integers(8, 14), w=st.integers(8, 14), kh=st.integers(1, 5), kw=st.integers(1, 5),
       seed=st.integers(0, 2**32 - 1))
def test_zero_padded_conv_commutes_with_shifts_that_keep_content_inside(data, h, w, kh, kw, seed):
    my, mx = kh // 2, kw // 2  # the kernel radius (the larger side for even kernels)
    ch = data.draw(st.integers(1, h - 2 * my), label="content height")
    cw = data.draw(st.integers(1, w - 2 * mx), label="content width")
    r0 = data.draw(st.integers(my, h - my - ch), label="row")
    c0 = data.draw(st.integers(mx, w - mx - cw), label="col")
    r1 = data.draw(st.integers(my, h - my - ch), label="row after the shift")
    c1 = data.draw(st.integers(mx, w - mx - cw), label="col after the shift")
    wraps_y, wraps_x = data.draw(st.integers(-1, 1)), data.draw(st.integers(-1, 1))
    dy, dx = r1 - r0 + wraps_y * h, c1 - c0 + wraps_x * w  # a circular shift; any multiple of the size is the same
    rng = np.random.default_rng(seed)
    x = np.zeros((h, w))
    x[r0:r0 + ch, c0:c0 + cw] = rng.standard_normal((ch, cw))
    k = rng.standard_normal((kh, kw))
    lhs = conv2d(shift(x, dy, dx), k, padding="zero")
    rhs = shift(conv2d(x, k, padding="zero"), dy, dx)
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=ATOL)


def test_zero_padded_conv_is_not_equivariant_when_content_touches_the_border():
    rng = rng_for("border")
    x = np.zeros((10, 10))
    x[3:7, 0:3] = rng.standard_normal((4, 3))  # touches the left border
    k = rng.standard_normal((3, 3))
    for dx in (1, -1):
        err = np.abs(conv2d(shift(x, 0, dx), k, padding="zero") - shift(conv2d(x, k, padding="zero"), 0, dx)).max()
        assert err > 1e-3
        circ = conv2d(shift(x, 0, dx), k, padding="circular") - shift(conv2d(x, k, padding="circular"), 0, dx)
        assert np.abs(circ).max() < ATOL


# ---------------------------------------------------------------------------
# Laws: the polyphase identity of subsampling
# ---------------------------------------------------------------------------

def polyphase_prediction(dense, s, ky, kx):
    """S_{q+1} D_s^(s-r) (dense) per axis for k = q s + r, or S_q D_s (dense) when r = 0."""
    qy, ry = divmod(ky, s)
    qx, rx = divmod(kx, s)
    phase = ((s - ry) % s, (s - rx) % s)
    return shift(subsample(dense, s, phase), qy + (ry > 0), qx + (rx > 0))


def is_a_shifted_copy(a, b):
    """Is ``a`` equal to some circular shift of ``b``?"""
    return any(np.allclose(a, shift(b, i, j), rtol=0, atol=1e-9)
               for i in range(b.shape[-2]) for j in range(b.shape[-1]))


@PROPS
@given(s=st.sampled_from([2, 3]), mh=st.integers(5, 7), mw=st.integers(5, 7),
       ky=st.integers(-25, 25), kx=st.integers(-25, 25), seed=st.integers(0, 2**32 - 1))
def test_max_pool_polyphase_identity_for_every_shift(s, mh, mw, ky, kx, seed):
    x = np.random.default_rng(seed).standard_normal((2, s * mh, s * mw))  # generic: no ties
    dense = max_pool2d(x, s, stride=1, padding="circular")
    pooled = max_pool2d(x, s)
    np.testing.assert_array_equal(pooled, subsample(dense, s))  # max pooling is D_s after a dense max
    moved = max_pool2d(shift(x, ky, kx), s)
    np.testing.assert_array_equal(moved, polyphase_prediction(dense, s, ky, kx))
    if ky % s == 0 and kx % s == 0:
        np.testing.assert_array_equal(moved, shift(pooled, ky // s, kx // s))
    else:
        assert not is_a_shifted_copy(moved, pooled)


@pytest.mark.parametrize("k", range(8))
def test_max_pool_shift_along_columns_is_a_copy_exactly_for_even_k(k):
    """The 1-D polyphase identity: D_2 S_k x = S_{k/2} D_2 x for even k, else the other phase."""
    x = rng_for("polyphase", k).standard_normal((8, 16))
    dense = max_pool2d(x, 2, stride=1, padding="circular")
    moved = max_pool2d(shift(x, 0, k))
    if k % 2 == 0:
        np.testing.assert_array_equal(moved, shift(max_pool2d(x), 0, k // 2))
    else:
        np.testing.assert_array_equal(moved, shift(subsample(dense, 2, (0, 1)), 0, k // 2 + 1))
        assert not is_a_shifted_copy(moved, max_pool2d(x))


def test_a_constant_image_satisfies_the_equality_for_any_shift():
    x = np.full((6, 6), 0.7)  # the identity is about operators, not one special input
    for k in range(6):
        np.testing.assert_array_equal(max_pool2d(shift(x, 0, k)), shift(max_pool2d(x), 0, k // 2))


@PROPS
@given(s=st.sampled_from([2, 3]), name=st.sampled_from(sorted(BLUR_ROWS)), mh=st.integers(2, 5),
       mw=st.integers(2, 5), ky=st.integers(-20, 20), kx=st.integers(-20, 20), seed=st.integers(0, 2**32 - 1))
def test_blur_pool_polyphase_identity_for_every_shift(s, name, mh, mw, ky, kx, seed):
    x = np.random.default_rng(seed).standard_normal((s * mh, s * mw))
    dense = blur_pool2d(x, stride=1, filter=name)
    pooled = blur_pool2d(x, stride=s, filter=name)
    np.testing.assert_allclose(pooled, subsample(dense, s), rtol=0, atol=ATOL)
    moved = blur_pool2d(shift(x, ky, kx), stride=s, filter=name)
    np.testing.assert_allclose(moved, polyphase_prediction(dense, s, ky, kx), rtol=0, atol=ATOL)
    if ky % s == 0 and kx % s == 0:
        np.testing.assert_allclose(moved, shift(pooled, ky // s, kx // s), rtol=0, atol=ATOL)
    else:
        assert not is_a_shifted_copy(moved, pooled)


@settings(max_examples=25, deadline=None)
@given(k=st.integers(-3, 3), dy=st.integers(0, 3), seed=st.integers(0, 2**32 - 1))
def test_stack_with_total_stride_four_is_exactly_invariant_to_multiples_of_four(k, dy, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, 1, 16, 16))
    w1, w2 = rng.standard_normal((4, 1, 3, 3)), rng.standard_normal((4, 4, 3, 3))

    def features(img):
        h = max_pool2d(np.maximum(conv2d(img, w1, padding="circular"), 0))
        h = max_pool2d(np.maximum(conv2d(h, w2, padding="circular"), 0))
        return global_avg_pool(h)

    np.testing.assert_allclose(features(shift(x, 4 * dy, 4 * k)), features(x), rtol=0, atol=ATOL)


# ---------------------------------------------------------------------------
# Laws: global pools and softmax
# ---------------------------------------------------------------------------

@PROPS
@given(h=st.integers(1, 8), w=st.integers(1, 8), dy=st.integers(-20, 20), dx=st.integers(-20, 20),
       seed=st.integers(0, 2**32 - 1))
def test_global_pools_are_invariant_to_circular_shifts(h, w, dy, dx, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w))
    assert global_max_pool(x).shape == (2, 3)
    np.testing.assert_array_equal(global_max_pool(shift(x, dy, dx)), global_max_pool(x))
    np.testing.assert_allclose(global_avg_pool(shift(x, dy, dx)), global_avg_pool(x), rtol=0, atol=1e-12)
    np.testing.assert_allclose(global_avg_pool(x), x.reshape(2, 3, -1).sum(-1) / (h * w), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(global_max_pool(x), x.reshape(2, 3, -1).max(-1))


def test_flatten_is_not_invariant_but_global_pooling_is():
    x = np.zeros((8, 8))
    x[2, 3] = 1.0
    moved = shift(x, 1, 2)
    assert not np.array_equal(moved.ravel(), x.ravel())  # every flattened position is its own weight
    assert global_max_pool(moved) == global_max_pool(x) == 1.0


logit_rows = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6),
                        elements=st.floats(-100, 100, allow_subnormal=False))


@PROPS
@given(z=logit_rows, c=st.floats(-1000, 1000, allow_subnormal=False))
def test_softmax_is_invariant_to_adding_a_constant_to_every_logit(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=0, atol=1e-12)
    np.testing.assert_allclose(log_softmax(z + c), log_softmax(z), rtol=0, atol=1e-10)


@PROPS
@given(z=logit_rows, axis_pick=st.integers(0, 1), temperature=st.floats(0.05, 50))
def test_softmax_rows_are_distributions(z, axis_pick, temperature):
    axis = -1 if z.ndim == 1 else (0, -1)[axis_pick]
    p = softmax(z, axis=axis, temperature=temperature)
    assert p.shape == z.shape
    assert (p >= 0).all() and (p <= 1).all()
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=0, atol=1e-12)


def test_softmax_of_huge_logits_has_no_overflow_nan_or_warning():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        p = softmax(np.array([1e4, 0.0, -1e4]))
        q = softmax(np.array([[1e4, 1e4], [-1e4, 1e4]]))
        lp = log_softmax(np.array([1e4, 0.0, -1e4]))
        loss = cross_entropy(np.array([[1e4, -1e4], [1e4, 1e4]]), [0, 1])
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(q, [[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_array_equal(lp, [0.0, -1e4, -2e4])
    assert loss == pytest.approx(math.log(2) / 2, abs=1e-12)


def test_temperature_flattens_when_large_and_sharpens_when_small():
    z = np.array([1.0, 2.0, 3.0, 0.5])
    temps = [0.1, 0.5, 1.0, 2.0, 10.0, 100.0]
    top = [softmax(z, temperature=t).max() for t in temps]
    assert all(a > b for a, b in zip(top, top[1:]))  # larger T: flatter
    np.testing.assert_allclose(softmax(z, temperature=1e6), 0.25, rtol=0, atol=1e-5)
    np.testing.assert_allclose(softmax(z, temperature=0.01), [0.0, 0.0, 1.0, 0.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(softmax(z, temperature=2.0), softmax(z / 2.0), rtol=0, atol=1e-15)
    assert np.argmax(softmax(z, temperature=7.0)) == np.argmax(z)  # the ranking never changes


def test_softmax_gives_no_invariance_to_moving_the_object():
    """Softmax adds no invariance: if the logits change with position, so do the probabilities."""
    w = rng_for("readout").standard_normal((3, 64))
    x = np.zeros((8, 8))
    x[2, 2] = 1.0
    p_here = softmax(w @ x.ravel())
    p_there = softmax(w @ shift(x, 3, 3).ravel())
    assert np.abs(p_here - p_there).max() > 1e-3


# ---------------------------------------------------------------------------
# Bad input: a clear ValueError or TypeError that names the argument
# ---------------------------------------------------------------------------

IMG = np.ones((5, 5))
K3 = np.ones((3, 3))
X4 = np.ones((2, 3, 6, 6))
W4 = np.ones((4, 3, 3, 3))


@pytest.mark.parametrize("call,match", [
    (lambda: conv2d(np.ones((1, 5, 5)), K3), r"x must have 2 or 4 dimensions, got 3"),
    (lambda: conv2d(np.ones(5), K3), r"x must have 2 or 4 dimensions, got 1"),
    (lambda: conv2d(IMG, np.ones((1, 3, 3))), r"w must have 2 or 4 dimensions, got 3"),
    (lambda: conv2d(IMG, 3.0), r"w must have 2 or 4 dimensions, got 0"),
    (lambda: shift(np.ones(5), 1, 1), r"x must have at least 2 dimensions"),
    (lambda: max_pool2d(np.ones(6)), r"x must have at least 2 dimensions"),
    (lambda: avg_pool2d(np.ones(6)), r"x must have at least 2 dimensions"),
    (lambda: blur_pool2d(np.ones(6)), r"x must have at least 2 dimensions"),
    (lambda: subsample(np.ones(6)), r"x must have at least 2 dimensions"),
    (lambda: global_max_pool(np.ones(6)), r"x must have at least 2 dimensions"),
    (lambda: global_avg_pool(np.float64(2.0)), r"x must have at least 2 dimensions"),
    (lambda: softmax(np.float64(2.0)), r"z must have at least 1 dimension"),
    (lambda: log_softmax(3.0), r"z must have at least 1 dimension"),
    (lambda: cross_entropy(np.zeros(3), [0]), r"logits must have 2 dimensions, got 1"),
    (lambda: cross_entropy(np.zeros((1, 2, 3)), [0]), r"logits must have 2 dimensions, got 3"),
])
def test_wrong_number_of_dimensions(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_conv2d_channel_mismatch_and_mixed_ranks():
    with pytest.raises(ValueError, match=r"channel mismatch: x has 3 channels .* w expects 2"):
        conv2d(X4, np.ones((4, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"x and w must both be 2-D .* x of shape \(5, 5\) and w of shape"):
        conv2d(IMG, W4)
    with pytest.raises(ValueError, match=r"x and w must both be 2-D .* x of shape \(2, 3, 6, 6\)"):
        conv2d(X4, K3)


@pytest.mark.parametrize("x,w,stride", [
    (IMG, np.ones((6, 3)), 1), (IMG, np.ones((3, 6)), 2), (X4, np.ones((4, 3, 7, 7)), 1),
])
def test_conv2d_kernel_larger_than_the_image_with_valid_padding(x, w, stride):
    with pytest.raises(ValueError, match=r"kernel of size \d+x\d+ is larger than the valid-padded image"):
        conv2d(x, w, stride=stride, padding="valid")
    same = conv2d(x, w, stride=stride, padding="zero")  # with padding the same kernel is fine
    assert same.shape[-2:] == (-(-x.shape[-2] // stride), -(-x.shape[-1] // stride))


def test_pool_size_larger_than_the_image():
    with pytest.raises(ValueError, match=r"size=6 is larger than the image \(5x5\)"):
        max_pool2d(IMG, 6)


POSITIVE_INT_ARGS = [
    ("stride", lambda v: conv2d(IMG, K3, stride=v)),
    ("stride", lambda v: conv2d(X4, W4, stride=v)),
    ("size", lambda v: max_pool2d(IMG, v)),
    ("size", lambda v: avg_pool2d(IMG, v)),
    ("stride", lambda v: max_pool2d(IMG, 2, stride=v)),
    ("stride", lambda v: avg_pool2d(IMG, 2, stride=v)),
    ("stride", lambda v: blur_pool2d(IMG, stride=v)),
    ("stride", lambda v: subsample(IMG, v)),
]


@pytest.mark.parametrize("name,call", POSITIVE_INT_ARGS)
@pytest.mark.parametrize("value", [0, -1, -3])
def test_stride_and_size_must_be_positive(name, call, value):
    with pytest.raises(ValueError, match=rf"{name} must be a positive integer \(>= 1\), got {value}"):
        call(value)


@pytest.mark.parametrize("name,call", POSITIVE_INT_ARGS)
@pytest.mark.parametrize("value", [2.0, 1.5, True, "2", np.float64(2.0)])
def test_stride_and_size_must_be_integers(name, call, value):
    with pytest.raises(TypeError, match=rf"{name} must be a positive integer, got .*"):
        call(value)


@pytest.mark.parametrize("call", [lambda: conv2d(IMG, K3, stride=None), lambda: blur_pool2d(IMG, stride=None),
                                  lambda: subsample(IMG, None), lambda: max_pool2d(IMG, None)])
def test_none_is_not_a_stride_or_size(call):
    with pytest.raises(TypeError, match=r"(stride|size) must be a positive integer, got None"):
        call()


def test_pool_stride_none_means_the_window_size():
    x = np.arange(36.0).reshape(6, 6)
    np.testing.assert_array_equal(max_pool2d(x, 3, stride=None), max_pool2d(x, 3, stride=3))
    np.testing.assert_array_equal(avg_pool2d(x, 2), avg_pool2d(x, 2, stride=2))
    assert max_pool2d(x, 3).shape == (2, 2)


def test_numpy_integers_are_accepted_as_stride_and_shift():
    np.testing.assert_array_equal(conv2d(IMG, K3, stride=np.int64(2)), conv2d(IMG, K3, stride=2))
    ramp = IMG * np.arange(5)
    np.testing.assert_array_equal(shift(ramp, np.int32(1), np.int64(-2)), shift(ramp, 1, -2))


@pytest.mark.parametrize("call,match", [
    (lambda: conv2d(IMG, K3, padding="full"), r"padding must be one of 'valid', 'zero', 'circular'; got 'full'"),
    (lambda: conv2d(IMG, K3, padding="SAME"), r"padding must be one of 'valid', 'zero', 'circular'; got 'SAME'"),
    (lambda: conv2d(IMG, K3, padding=None), r"padding must be one of 'valid', 'zero', 'circular'; got None"),
    (lambda: max_pool2d(IMG, padding="zero"), r"padding must be one of 'valid', 'circular'; got 'zero'"),
    (lambda: avg_pool2d(IMG, padding="reflect"), r"padding must be one of 'valid', 'circular'; got 'reflect'"),
    (lambda: blur_pool2d(IMG, padding="valid"), r"padding must be one of 'circular', 'zero'; got 'valid'"),
    (lambda: shift(IMG, 1, 1, mode="wrap"), r"mode must be one of 'circular', 'zero'; got 'wrap'"),
    (lambda: blur_pool2d(IMG, filter="gauss"), r"filter must be one of 'rect2', 'tri3', 'bin5'; got 'gauss'"),
    (lambda: blur_kernel("bin3"), r"filter must be one of 'rect2', 'tri3', 'bin5'; got 'bin3'"),
    (lambda: pad2d(IMG, (1, 1), (1, 1), "reflect"), r"mode must be one of 'zero', 'circular'; got 'reflect'"),
])
def test_unknown_names_list_the_valid_ones(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call,match", [
    (lambda: conv2d(np.ones((0, 5)), K3), r"x must not be empty, got shape \(0, 5\)"),
    (lambda: conv2d(IMG, np.ones((3, 0))), r"w must not be empty"),
    (lambda: conv2d(np.ones((0, 3, 6, 6)), W4), r"x must not be empty"),
    (lambda: shift(np.ones((3, 0)), 1, 1), r"x must not be empty"),
    (lambda: max_pool2d(np.ones((2, 0, 4))), r"x must not be empty"),
    (lambda: avg_pool2d(np.ones((0, 4))), r"x must not be empty"),
    (lambda: blur_pool2d(np.ones((4, 0))), r"x must not be empty"),
    (lambda: global_max_pool(np.ones((0, 4))), r"x must not be empty"),
    (lambda: global_avg_pool(np.ones((3, 0, 4))), r"x must not be empty"),
    (lambda: softmax(np.array([])), r"z must not be empty"),
    (lambda: log_softmax([]), r"z must not be empty"),
    (lambda: cross_entropy(np.zeros((0, 3)), []), r"logits must not be empty"),
])
def test_empty_arrays(call, match):
    with pytest.raises(ValueError, match=match):
        call()


BAD_DTYPES = [
    np.array([["a", "b"], ["c", "d"]]),
    np.array([[1, None], [2, 3]], dtype=object),
    np.ones((2, 2), dtype=complex),
    np.array([[b"x", b"y"], [b"z", b"w"]]),
]


@pytest.mark.parametrize("bad", BAD_DTYPES, ids=["str", "object", "complex", "bytes"])
@pytest.mark.parametrize("name,call", [
    ("x", lambda v: conv2d(v, np.ones((1, 1)))),
    ("w", lambda v: conv2d(IMG, v)),
    ("x", lambda v: shift(v, 1, 0)),
    ("x", lambda v: max_pool2d(v)),
    ("x", lambda v: avg_pool2d(v)),
    ("x", lambda v: blur_pool2d(v)),
    ("x", lambda v: global_max_pool(v)),
    ("x", lambda v: global_avg_pool(v)),
    ("x", lambda v: subsample(v)),
    ("z", lambda v: softmax(v)),
    ("z", lambda v: log_softmax(v)),
    ("logits", lambda v: cross_entropy(v, [0, 1])),
])
def test_non_numeric_dtypes(bad, name, call):
    with pytest.raises(TypeError, match=rf"{name} must hold real numbers, got dtype .*\(expected"):
        call(bad)


@pytest.mark.parametrize("value", ["abc", b"abc", None])
def test_a_string_or_none_instead_of_an_array(value):
    with pytest.raises(TypeError, match=r"x must be a numeric array, got"):
        conv2d(value, K3)
    with pytest.raises(TypeError, match=r"z must be a numeric array, got"):
        softmax(value)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name,call", [
    ("x", lambda v: conv2d(v, K3)),
    ("w", lambda v: conv2d(IMG, v[:3, :3])),
    ("x", lambda v: shift(v, 1, 0)),
    ("x", lambda v: max_pool2d(v)),
    ("x", lambda v: avg_pool2d(v)),
    ("x", lambda v: blur_pool2d(v)),
    ("x", lambda v: global_max_pool(v)),
    ("x", lambda v: global_avg_pool(v)),
    ("z", lambda v: softmax(v)),
    ("z", lambda v: log_softmax(v)),
    ("logits", lambda v: cross_entropy(v, [0, 1, 2, 3, 4])),
])
def test_nan_or_infinity(bad_value, name, call):
    v = np.ones((5, 5))
    v[1, 2] = bad_value
    with pytest.raises(ValueError, match=rf"{name} contains NaN or infinity"):
        call(v)


def test_bias_with_nan_or_wrong_shape():
    with pytest.raises(ValueError, match=r"b contains NaN or infinity"):
        conv2d(IMG, K3, b=np.nan)
    with pytest.raises(ValueError, match=r"b must have shape \(4,\) \(one bias per output channel\), got \(3,\)"):
        conv2d(X4, W4, b=np.ones(3))
    with pytest.raises(ValueError, match=r"b must have 1 dimensions, got 2"):
        conv2d(X4, W4, b=np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"b must have 1 dimensions, got 0"):
        conv2d(X4, W4, b=1.0)
    with pytest.raises(ValueError, match=r"b must have 0 dimensions, got 1"):
        conv2d(IMG, K3, b=np.ones(2))
    with pytest.raises(TypeError, match=r"b must"):
        conv2d(IMG, K3, b="1")


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_temperature_must_be_a_finite_positive_number(fn):
    z = np.array([1.0, 2.0])
    for t in (0, 0.0, -1.0, -1e-9, np.nan, np.inf):
        with pytest.raises(ValueError, match=r"temperature must be a finite number > 0, got"):
            fn(z, temperature=t)
    for t in ("1", None, True, [1.0]):
        with pytest.raises(TypeError, match=r"temperature must be a positive number, got"):
            fn(z, temperature=t)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_axis_must_be_a_valid_integer(fn):
    with pytest.raises(ValueError, match=r"axis must be in -2\.\.1 for an array of shape \(2, 3\), got 2"):
        fn(np.ones((2, 3)), axis=2)
    with pytest.raises(TypeError, match=r"axis must be an integer, got"):
        fn(np.ones((2, 3)), axis=1.0)


@pytest.mark.parametrize("labels,exc,match", [
    ([0, 3], ValueError, r"labels must lie in 0\.\.2 \(logits have 3 classes\), got values from 0 to 3"),
    ([-1, 0], ValueError, r"labels must lie in 0\.\.2 .* got values from -1 to 0"),
    ([0, 1, 2], ValueError, r"labels must have shape \(2,\) to match logits \(2, 3\), got \(3,\)"),
    ([[0, 1]], ValueError, r"labels must have shape \(2,\) .* got \(1, 2\)"),
    (1, ValueError, r"labels must have shape \(2,\) .* got \(\)"),
    ([0.0, 1.0], TypeError, r"labels must be integers, got dtype float64"),
    ([True, False], TypeError, r"labels must be integers, got dtype bool"),
    (["0", "1"], TypeError, r"labels must be integers, got dtype <U1"),
])
def test_cross_entropy_bad_labels(labels, exc, match):
    with pytest.raises(exc, match=match):
        cross_entropy(np.zeros((2, 3)), labels)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: shift(IMG, 1.5, 0), TypeError, r"dy must be an integer, got 1\.5"),
    (lambda: shift(IMG, 0, True), TypeError, r"dx must be an integer, got True"),
    (lambda: shift(IMG, 0, "1"), TypeError, r"dx must be an integer"),
    (lambda: subsample(IMG, 2, 2), ValueError, r"phase must lie in 0\.\.1, got 2"),
    (lambda: subsample(IMG, 2, (0, -1)), ValueError, r"phase must lie in 0\.\.1, got \(0, -1\)"),
    (lambda: subsample(IMG, 2, 0.5), TypeError, r"phase must be an integer"),
])
def test_shift_amounts_and_phases(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_log_softmax_tiny_temperature_gives_the_hard_maximum():
    # Dividing before subtracting the maximum would give inf - inf = nan here.
    with np.errstate(over="ignore"):
        got = log_softmax(np.array([1.0, 2.0, 3.0]), temperature=1e-320)
    assert not np.isnan(got).any()
    assert got[2] == 0.0 and np.all(got[:2] < -1e299)


def test_subsample_rejects_a_phase_tuple_of_the_wrong_length():
    with pytest.raises(ValueError, match="phase must be an integer or a pair"):
        subsample(np.zeros((4, 4)), 2, (0, 1, 1))


@pytest.mark.parametrize("call,accepted", [
    (lambda: conv2d(IMG, K3, padding="same"), "'valid', 'zero', 'circular'"),
    (lambda: blur_pool2d(IMG, padding="same"), "'circular', 'zero'"),
    (lambda: pad2d(IMG, (1, 1), (1, 1), "same"), "'zero', 'circular'"),
])
def test_the_old_name_same_is_refused_with_the_new_names(call, accepted):
    """Paddings are named by their fill ("zero", "circular"), never by the output size ("same")."""
    with pytest.raises(ValueError, match=rf"must be one of {accepted}; got 'same'\. Paddings are named by what "
                                         r"fills the border: use 'zero' for zero padding"):
        call()


def test_pad_amounts_and_unpad2d_undo_pad2d():
    assert pad_amounts(3) == (1, 1) and pad_amounts(2) == (0, 1) and pad_amounts(1) == (0, 0)
    x = np.arange(20.0).reshape(4, 5)
    for mode in ("zero", "circular"):
        g = np.ones((7, 9))
        folded = unpad2d(g, (1, 2), (2, 2), mode)
        assert folded.shape == x.shape
        # the transpose of pad2d: <pad2d(x), g> == <x, unpad2d(g)>
        assert np.isclose((pad2d(x, (1, 2), (2, 2), mode) * g).sum(), (x * folded).sum())
    with pytest.raises(ValueError, match="k must be a positive integer"):
        pad_amounts(0)
