# %% [markdown]
# # 02 · Max pooling: invariant inside the window, and where that stops
#
# Notebook 01 showed that a convolution is *equivariant*: move the cat, and
# the feature map moves with it. A classifier needs more: the answer "cat"
# should not move at all. Max pooling is often said to give this
# *invariance*, with a four-pixel example that is true as far as it goes. This
# notebook runs that example, finds exactly where it stops working, states the
# precise rule behind it, and measures what the rule costs a network under
# one-pixel shifts. It ends with the fix used in practice: blur before you
# subsample.
#
# **You will learn**
# - what 2x2 max pooling computes, and why it ignores where inside a window
#   the largest value sits;
# - exactly when a shift changes the pooled map: at the window's edge, and in
#   general by the *polyphase identity*;
# - why stacked pooling layers make small shifts matter less, but are exact
#   only for multiples of the total stride;
# - what aliasing is, and why blurring before subsampling (blur pooling) makes
#   a network's features far more consistent under one-pixel shifts.
#
# **You need** notebooks `00_start_here` and `01_equivariance` (shifts,
# `conv2d`, equivariance), Python and numpy indexing.

# %%
# %matplotlib inline
from itertools import permutations

import numpy as np
from matplotlib.figure import Figure

from helpers.checks.pooling import check_copy_prediction, check_max_pool2d
from helpers.explorers.pooling import PoolingExplorer, WindowExplorer
from helpers.filters import FILTERS
from helpers.ops import (
    BLUR_FILTERS,
    blur_kernel,
    blur_pool2d,
    conv2d,
    global_avg_pool,
    max_pool2d,
    shift,
    subsample,
)
from helpers.pooling import (
    CAT_REFERENCE,
    METHOD_LABELS,
    METHODS,
    cat_feature_map,
    consistency_curve,
    downsample,
    fold_share,
    ideal_shift_error,
    is_shifted_copy,
    max_blur_pool,
    polyphase_prediction,
    random_stack,
    stack_features,
)
from helpers.sprites import SPRITES, cat_at, place
from helpers.views import small_multiples

np.set_printoptions(linewidth=120)

# %% [markdown]
# ## 1. The `[1, 0, 0, 0]` window
#
# **Max pooling** with a 2x2 window and stride 2 cuts a map into 2x2 windows
# side by side and keeps the largest value of each. A 4x4 map becomes 2x2:

# %%
x4 = np.array([[1, 3, 2, 0],
               [4, 2, 1, 1],
               [0, 1, 5, 6],
               [2, 2, 7, 8]], dtype=float)
print(max_pool2d(x4))

# %% [markdown]
# The top-left window holds `1, 3, 4, 2`, so the top-left output is 4; the
# bottom-right window holds `5, 6, 7, 8`, so its output is 8.
#
# Now the example you may have met elsewhere. The four values `[1, 0, 0, 0]`
# are one 2x2 window, `[[1, 0], [0, 0]]` (read row by row). The "translated"
# images A = `[0, 0, 0, 1]` and B = `[0, 1, 0, 0]` are the same window with the
# 1 moved. Max pooling gives 1 for all three:

# %%
windows = {"[1, 0, 0, 0]": [[1, 0], [0, 0]], "A = [0, 0, 0, 1]": [[0, 0], [0, 1]],
           "B = [0, 1, 0, 0]": [[0, 1], [0, 0]]}
for name, w in windows.items():
    pooled = max_pool2d(np.array(w))
    print(f"{name:<18} as a window {w} -> max pooling gives {pooled.tolist()}")
    assert pooled.tolist() == [[1.0]]

# %% [markdown]
# This is true for a simple reason: the maximum of a set of numbers does not
# depend on their order. Max pooling is **invariant to any rearrangement
# inside one window**. All 24 orderings of four different numbers in a 2x2
# window give the same output:

# %%
outputs = {max_pool2d(np.reshape(order, (2, 2)))[0, 0] for order in permutations([5, 2, 7, 1])}
print(f"{len(list(permutations([5, 2, 7, 1])))} orderings, pooled outputs seen: {sorted(float(v) for v in outputs)}")
assert outputs == {7.0}

# %% [markdown]
# In general, `max_pool2d(x, size, stride)` takes the maximum over
# `size x size` windows whose top-left corners are `stride` pixels apart
# (`stride` defaults to `size`, windows side by side). Only windows that fit
# inside the image count ("valid"), so an `H x W` map gives
# `floor((H - size) / stride) + 1` rows and the same rule for the columns:

# %%
x57 = np.arange(35, dtype=float).reshape(5, 7)
for size, stride in [(2, None), (3, 1), (3, 2)]:
    out = max_pool2d(x57, size, stride)
    s_ = size if stride is None else stride
    assert out.shape == ((5 - size) // s_ + 1, (7 - size) // s_ + 1)
    print(f"size {size}, stride {stride}: 5x7 -> {out.shape}")


# %% [markdown]
# ### Exercise 1: write `max_pool2d`
#
# Write `my_max_pool2d(x, size=2, stride=None)` for a 2-D array `x`, with two
# loops over the output positions. Output `(i, j)` is the maximum of
# `x[i*stride : i*stride + size, j*stride : j*stride + size]`. The checker
# tries default and explicit strides, overlapping windows, sizes that leave
# pixels over at the edge, and windows full of negative numbers.

# %% tags=["solution"]
def my_max_pool2d(x, size=2, stride=None):
    """Max over size x size windows every stride pixels (stride defaults to size), valid windows only."""
    # BEGIN SOLUTION
    stride = size if stride is None else stride
    rows = (x.shape[0] - size) // stride + 1
    cols = (x.shape[1] - size) // stride + 1
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = x[i * stride:i * stride + size, j * stride:j * stride + size].max()
    return out
    # END SOLUTION


# %%
check_max_pool2d(my_max_pool2d)


# %% [markdown]
# ## 2. Where it stops: the window's edge
#
# The `[1, 0, 0, 0]` example moves the 1 *inside* its window. Put the window
# in a bigger image and move the 1 one pixel at a time. A 4x4 image has four
# windows; here is the pooled 2x2 map for every position of a single 1,
# compared with the pooled map of `[1, 0, 0, 0]` (the 1 at row 0, column 0):

# %%
def one_at(row, col, size=4):
    """A size x size image of zeros with a single 1 at (row, col)."""
    img = np.zeros((size, size))
    img[row, col] = 1.0
    return img


reference = max_pool2d(one_at(0, 0))
unchanged = []
print("the 1 at | pooled map               | compared with [1, 0, 0, 0]")
for r in range(4):
    for c in range(4):
        pooled = max_pool2d(one_at(r, c))
        same = np.array_equal(pooled, reference)
        unchanged += [(r, c)] if same else []
        print(f"({r}, {c})   | {str(pooled.astype(int).tolist()):<24} | {'unchanged' if same else 'changed'}")
print("unchanged for:", unchanged)
assert unchanged == [(0, 0), (0, 1), (1, 0), (1, 1)]

# %% [markdown]
# The pooled map is unchanged for exactly the four positions of the top-left
# window: `[1, 0, 0, 0]` itself and its two moves A and B, plus the fourth
# corner of the same window. One more step across
# the window's edge, from column 1 to column 2, and the 1 lands in the
# neighbouring cell of the pooled map.
#
# So "invariant to small shifts" depends on *where the content sits relative
# to the windows*. A 1 at column 0 survives a shift by one to the right; a 1
# at column 1 does not:

# %%
for col in (0, 1):
    before, after = max_pool2d(one_at(0, col)), max_pool2d(one_at(0, col + 1))
    print(f"1 at column {col} -> {col + 1}: pooled map {'unchanged' if np.array_equal(before, after) else 'changed'}")

# %% [markdown]
# ### Live view: move the 1 yourself
#
# Drag the sliders (or click one and use the arrow keys) to move the single 1.
# The thick lines are the pooling windows. The middle panel is the pooled map
# now, the right one the pooled map of `[1, 0, 0, 0]`; values are written in
# the cells, and the text below says whether the pooled output changed.

# %%
WindowExplorer()

# %% [markdown]
# Without a running kernel the view cannot move. Here are four positions of
# the 1, each followed by its pooled map:

# %%
window_view = WindowExplorer()
frames, titles = [], []
for r, c in [(0, 0), (1, 1), (0, 2), (2, 3)]:
    window_view.row.value, window_view.col.value = r, c
    verdict = "unchanged" if window_view.state["unchanged"] else "changed"
    frames += [window_view.state["x"], window_view.state["pooled"]]
    titles += [f"the 1 at ({r}, {c})", f"pooled: {verdict}"]
small_multiples(frames, titles, kind="image", ncols=4, annotate=True, panel=1.7)

# %% [markdown]
# *Four pairs of panels, each a 4x4 input with one 1 and its 2x2 max-pooled
# map, values written in the cells. The 1 at (0, 0) or (1, 1) is in the
# top-left window: the pooled 1 stays in the top-left cell. At (0, 2) it sits
# in the top-right window and at (2, 3) in the bottom-right one, and the
# pooled 1 moves there.*
#
# ## 3. The precise rule: the polyphase identity
#
# Max pooling does two things: it takes the maximum over *every* 2x2 window
# (a "dense" max, stride 1, which keeps the map's size), then keeps every
# second value. Write the second step as an operator:
#
# - **subsampling** by `s` keeps every `s`-th sample, $D_s x[n] = x[s n]$;
# - its **phase-`p`** version starts at `p` instead, $D_s^{(p)} x[n] = x[s n + p]$.
#
# The `s` phases `p = 0, ..., s - 1` are the *polyphase components* of `x`:
# together they hold every sample exactly once. In one dimension, with
# `helpers.ops.subsample` (which keeps `x[..., p::s, q::s]`, so a row vector
# uses phase `(0, p)`):

# %%
x1 = np.arange(8, dtype=float)[None]  # one row: 0, 1, ..., 7
print("x             =", x1[0].astype(int))
print("D_2 x         =", subsample(x1, 2, (0, 0))[0].astype(int), "  (phase 0)")
print("D_2^(1) x     =", subsample(x1, 2, (0, 1))[0].astype(int), "  (phase 1)")
print("S_1 x         =", shift(x1, 0, 1)[0].astype(int), "  (shifted right by 1)")
print("D_2 S_1 x     =", subsample(shift(x1, 0, 1), 2, (0, 0))[0].astype(int), "  (shift, then subsample)")
print("S_1 D_2^(1) x =", shift(subsample(x1, 2, (0, 1)), 0, 1)[0].astype(int), "  (phase 1, moved by 1)")

# %% [markdown]
# Subsampling the shifted signal did not give `0 2 4 6` moved along: it gave
# the *odd* samples, `1 3 5 7`, moved by one. That is the whole story, and it
# holds for every signal. With a circular shift $S_k$ by `k` samples:
#
# - if `s` divides `k`: $D_s S_k = S_{k/s} D_s$. A shift by `k` in is a shift
#   by `k / s` out: **equivariance at the coarser scale**.
# - if `k = q s + r` with `0 < r < s`: $D_s S_k x = S_{q+1} D_s^{(s-r)} x$.
#   The output is the *other* polyphase component, moved: **not a shifted copy
#   of the original output**, but different numbers.
#
# Max pooling with window 2 and stride 2 is $D_2$ after the dense max. The
# dense max (here with circular padding: the windows at the right and bottom
# edges wrap around) treats every position alike, so it is equivariant: it
# commutes with every shift, like a convolution. Hence the same rule holds for
# max pooling. First the two facts, on the cat:

# %%
x = cat_at(9, 9)
dense = max_pool2d(x, 2, stride=1, padding="circular")  # max over every 2x2 window: 28x28
print("dense max:", dense.shape, "  max pooling:", max_pool2d(x).shape)
print("max_pool2d(x) == D_2(dense max of x):", np.array_equal(max_pool2d(x), subsample(dense, 2)))
dense_equivariant = all(np.array_equal(max_pool2d(shift(x, dy, dx), 2, stride=1, padding="circular"),
                                       shift(dense, dy, dx)) for dy in range(4) for dx in range(8))
print("dense max of the shifted cat == shifted dense max, all 32 shifts tried:", dense_equivariant)
assert dense_equivariant

# %% [markdown]
# Now shift the cat right by `k = 0, ..., 7` pixels and ask two questions of
# its pooled map: is it a shifted copy of the original pooled map (equal to it
# moved by some whole number of cells)? And is it what the polyphase identity
# predicts, computed from the *unshifted* cat's dense max?

# %%
pooled = max_pool2d(x)
copies = []
print(" k | shifted copy of the pooled cat? | equals the polyphase prediction?")
for k in range(8):
    moved = max_pool2d(shift(x, 0, k))
    copy = is_shifted_copy(moved, pooled)
    predicted = np.array_equal(moved, polyphase_prediction(dense, 2, 0, k))
    copies.append(copy)
    print(f" {k} | {str(copy):<31} | {predicted}")
    assert predicted
    if k % 2 == 0:  # the copy is the pooled cat moved by exactly k / 2 cells
        assert np.array_equal(moved, shift(pooled, 0, k // 2))
assert copies == [k % 2 == 0 for k in range(8)]

# %% [markdown]
# The pooled cat moves cleanly, by exactly `k / 2` cells, for even `k` only
# (the cell checks that too). For odd `k` it is not a copy at all, yet it is
# exactly the predicted polyphase component, every time.
#
# So the slogan "max pooling is invariant to small shifts" needs care. The
# pooled map stays *unchanged* only while every maximum stays inside its
# window, as the single 1 did in section 2. For a general image, an even shift
# gives a *moved* pooled map (equivariance at half the resolution, not
# invariance) and an odd shift gives different numbers; the polyphase identity
# says exactly which.
#
# One caution: the identity is about the *operator*. A particular input can
# give a shifted copy even for odd shifts. A single 1, as in section 2, always
# pools to a single 1 somewhere, and a constant image pools to the same
# constant:

# %%
lone = one_at(1, 1, size=8)
const = np.full((8, 8), 0.5)
print("single 1, every k = 0..7 gives a shifted copy:",
      all(is_shifted_copy(max_pool2d(shift(lone, 0, k)), max_pool2d(lone)) for k in range(8)))
print("constant, every k = 0..7 gives a shifted copy:",
      all(is_shifted_copy(max_pool2d(shift(const, 0, k)), max_pool2d(const)) for k in range(8)))

# %% [markdown]
# ### Exercise 2: predict, then check
#
# Section 4 stacks two layers of the form *convolution, ReLU, 2x2 max pooling
# with stride 2*. Shift the input right by `k = 0, 1, ..., 7` pixels. For
# which `k` is the output of the second pooling layer a shifted copy of the
# unshifted output? Write one `True` or `False` per `k`, before running
# anything.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_copies = None  # a list of 8 booleans, one for each k = 0, 1, ..., 7
predicted_copies = [True, False, False, False, True, False, False, False]
# END SOLUTION

# %%
check_copy_prediction(predicted_copies)

# %% [markdown]
# ## 4. Invariance grows with depth
#
# Build the stack: a convolution (circular padding) from 1 to 4 channels,
# ReLU, max pooling; then a convolution from 4 to 8 channels, ReLU, max
# pooling. The weights are random: nothing in the argument depends on what the
# filters are. The 28x28 cat becomes 8 maps of 7x7, a total stride of
# 2 x 2 = 4.

# %%
weights = random_stack(seed=0, channels=(4, 8))
features = stack_features(x, weights)
print("weights:", [w.shape for w in weights], "  features:", features.shape)

# %% [markdown]
# Check the prediction of exercise 2 for `k = 0, ..., 8`. Beside it, how much
# the output changes, position by position: `||f(S_k x) - f(x)|| / ||f(x)||`,
# for this two-layer stack and for its first layer alone (stride 2). This
# measures *invariance*: it is 0 only if the output stays where it was.

# %%
first_layer = weights[:1]
one_layer = stack_features(x, first_layer)
two_copies, change_1, change_2 = [], [], []
print(" k | 2 layers: shifted copy? | change, 1 layer | change, 2 layers")
for k in range(9):
    f1 = stack_features(shift(x, 0, k), first_layer)
    f2 = stack_features(shift(x, 0, k), weights)
    change_1.append(np.linalg.norm(f1 - one_layer) / np.linalg.norm(one_layer))
    change_2.append(np.linalg.norm(f2 - features) / np.linalg.norm(features))
    two_copies.append(is_shifted_copy(f2, features))
    print(f" {k} | {str(two_copies[-1]):<23} | {change_1[-1]:15.2f} | {change_2[-1]:.2f}")
assert two_copies == [k % 4 == 0 for k in range(9)]
assert all(c2 < c1 for c1, c2 in zip(change_1[1:4], change_2[1:4]))

# %% [markdown]
# Two things to read from this table.
#
# - **Exact equivariance only for multiples of the total stride.** The two-layer
#   output is a shifted copy for `k = 0, 4, 8`. A shift by 2 passes the first
#   pooling as a shift by 1, which the second pooling turns into another
#   polyphase component. With a total stride `s_tot`, only shifts by multiples
#   of `s_tot` come out as clean shifts.
# - **Approximate invariance grows with depth.** For `k = 1, 2, 3` the deeper
#   output changes less than the one-layer output: at stride 4, a shift by a
#   pixel or two is a fraction of one output cell.
#
# Do not be surprised by the change of 0.80 at `k = 4`, where the output *is*
# a shifted copy: a map moved by one whole cell is equivariant, but compared
# position by position it has changed a lot. The feature maps alone are not
# invariant; something must forget *where*.
#
# Pooling over the whole map on top (global average pooling: one mean per
# channel) turns "a shifted copy" into "exactly the same numbers", because a
# mean does not care where the values are. So the network's 8 features are
# exactly invariant to shifts by multiples of 4, and only approximately to the
# others:

# %%
g0 = global_avg_pool(features)
global_change = []
for k in range(9):
    g = global_avg_pool(stack_features(shift(x, 0, k), weights))
    global_change.append(np.linalg.norm(g - g0) / np.linalg.norm(g0))
    print(f"k = {k}: relative change of the 8 global features {global_change[-1]:.4f}")
assert [c < 1e-12 for c in global_change] == [k % 4 == 0 for k in range(9)]

# %% [markdown]
# ## 5. Aliasing, and blur pooling
#
# ### The shift-consistency curve
#
# Section 4 used one image and one set of weights. For a steadier picture,
# average the relative change of the global features,
# `||g(S_k x) - g(x)|| / ||g(x)||`, over the five sprites and four random
# networks, for every shift `k = 0, ..., 8`. For max pooling:

# %%
sprites = np.stack([place(name, 9, 9) for name in SPRITES])
ks = np.arange(9)
curves = {m: consistency_curve(sprites, ks, m, seeds=(0, 1, 2, 3)) for m in METHODS}
print("k:        ", "  ".join(f"{k:5d}" for k in ks))
print("max pool: ", "  ".join(f"{v:5.3f}" for v in curves["max"]))

# %% [markdown]
# Zero at `k = 0, 4, 8`, and 10 to 14% in between, at every other shift: a
# one-pixel shift changes the features about as much as a three-pixel one.
# Where does that come from?
#
# ### The sampling theorem
#
# Keeping every second pixel can only represent patterns that change slowly
# enough: at most one full cycle per **four** pixels (frequencies up to 1/4
# cycle per pixel, half the original limit of 1/2). A faster pattern does not
# disappear when you subsample; it folds back and masquerades as a slower one
# (**aliasing**), and *what* it becomes depends on which phase you keep. The
# extreme case is the fastest pattern of all, `+1, -1, +1, -1, ...` (1/2 cycle
# per pixel, the Nyquist frequency): phase 0 sees only `+1`, phase 1 only `-1`.
# A one-pixel shift switches the phase, so it flips the output.
#
# The fix follows from the theorem: remove the fast patterns *before*
# subsampling, with a low-pass filter. The binomial blurs `[1, 1]`, `[1, 2, 1]`
# and `[1, 4, 6, 4, 1]` (normalised) all turn `+1, -1, +1, ...` into zeros:

# %%
alt = np.array([[1.0, -1.0] * 4] * 8)  # +1, -1 along every row, 8x8
print("row of the pattern:           ", alt[0].astype(int))
print("phase 0 keeps:                ", subsample(alt, 2, (0, 0))[0].astype(int))
print("phase 1 keeps:                ", subsample(alt, 2, (0, 1))[0].astype(int))
for name in BLUR_FILTERS:
    blurred = blur_pool2d(alt, stride=1, filter=name)
    print(f"after the {name} blur, largest |value|: {np.abs(blurred).max():.4f}")

# %% [markdown]
# Are there such fast patterns in a real feature map? ReLU maps have sharp
# edges and isolated peaks. `fold_share(m)` measures the share of a map's
# variation (the power of `m - m.mean()` in its 2-D Fourier transform) at
# frequencies above 1/4 cycle per pixel along either axis: the part that folds
# back when every second pixel is kept. For the cat's vertical-edge map, before
# and after the dense 2x2 max, and after each blur:

# %%
relu_map = np.maximum(conv2d(x, FILTERS["vertical edge"], padding="circular"), 0.0)
dense_relu = max_pool2d(relu_map, 2, stride=1, padding="circular")
shares = {"ReLU feature map": fold_share(relu_map), "after the dense 2x2 max": fold_share(dense_relu)}
for name in BLUR_FILTERS:
    shares[f"then the {name} blur"] = fold_share(blur_pool2d(dense_relu, stride=1, filter=name, padding="circular"))
for name, share in shares.items():
    print(f"{name:<24} {100 * share:5.1f}% of the variation would fold back")
assert shares["after the dense 2x2 max"] > 0.05 > shares["then the rect2 blur"] > shares["then the bin5 blur"]

# %% [markdown]
# The dense max removes some of the fast variation but leaves several percent,
# which plain max pooling then folds back. Each blur leaves less, the widest
# almost nothing. The picture below shows both halves of the argument.

# %%
fig = Figure(figsize=(10, 3.2), dpi=80, layout="constrained")
ax1, ax2 = fig.subplots(1, 2)
n = np.arange(12)
signal = (-1.0) ** n
smooth = blur_pool2d(np.tile(signal, (5, 1)), stride=1, filter="tri3")[2]
ax1.plot(n, signal, color="0.6", linewidth=1)
ax1.plot(n[0::2], signal[0::2], "o", markersize=9, label="phase 0 keeps: all +1")
ax1.plot(n[1::2], signal[1::2], "s", markersize=9, label="phase 1 keeps: all -1")
ax1.plot(n, smooth, "D--", color="black", markersize=5, label="after [1,2,1] blur: all 0")
ax1.set_xlabel("pixel n")
ax1.set_ylabel("value")
ax1.set_ylim(-1.6, 2.2)
ax1.set_title("Fastest pattern: the two phases disagree, unless blurred")
ax1.legend(fontsize=8, loc="upper right", ncols=2)
f = np.linspace(0, 0.5, 101)
ax2.axvspan(0.25, 0.5, color="0.9")
ax2.text(0.375, 1.05, "folds back after\nstride-2 subsampling", ha="center", fontsize=8)
ax2.plot(f, np.ones_like(f), color="0.4", linewidth=1, label="no blur")
for (name, row), style in zip(BLUR_FILTERS.items(), ("-", "--", ":")):
    # gain at frequency f: |sum_n h[n] exp(-2 pi i f n)|, how much a wave of frequency f keeps of its size
    response = np.abs(np.exp(-2j * np.pi * np.outer(f, np.arange(len(row)))) @ (row / row.sum()))
    ax2.plot(f, response, style, linewidth=2, label=f"{name} {row.astype(int).tolist()}")
ax2.set_xlabel("frequency (cycles per pixel)")
ax2.set_ylabel("gain of the blur")
ax2.set_ylim(0, 1.25)
ax2.set_title("Binomial blurs: gain 0 at the fastest pattern (1/2)")
ax2.legend(fontsize=8, loc="lower left")
fig

# %% [markdown]
# *Left: the pattern +1, -1, +1, ... (grey line) over 12 pixels. Subsampling
# at phase 0 keeps the circles (all +1), at phase 1 the squares (all -1); the
# [1, 2, 1] blur turns it into zeros (diamonds), the same for both phases.
# Right: how much of each frequency each blur lets through, from 0 (constant)
# to 1/2 cycle per pixel. Shaded: the frequencies above 1/4 that fold back after
# keeping every second pixel. All three blurs reach 0 at 1/2; the wider the
# filter, the less of the shaded band it lets through.*
#
# ### Blur pooling
#
# **MaxBlurPool** (Zhang, 2019) keeps the max but splits it from the
# subsampling: a dense 2x2 max (stride 1), then a blur, then every second pixel.
# `helpers.pooling.max_blur_pool` is exactly that:
#
# ```python
# dense = max_pool2d(x, 2, stride=1, padding="circular")
# return blur_pool2d(dense, stride=2, filter=filter, padding="circular")
# ```
#
# Without the blur step it is plain max pooling:

# %%
print("dense max + every second pixel == max_pool2d:",
      np.array_equal(subsample(max_pool2d(x, 2, stride=1, padding="circular"), 2), max_pool2d(x)))
print("max_blur_pool(x) shape:", max_blur_pool(x).shape, "  blur kernel bin5 (x 256):")
print((blur_kernel("bin5") * 256).astype(int))

# %% [markdown]
# Now the shift-consistency curve for all four: the same random networks with
# max pooling replaced by MaxBlurPool with each blur.

# %%
print("k:                    ", "  ".join(f"{k:5d}" for k in ks))
for m in METHODS:
    print(f"{METHOD_LABELS[m]:<22}", "  ".join(f"{v:5.3f}" for v in curves[m]))
means = {m: curves[m][1:].mean() for m in METHODS}
print("mean over k = 1..8:   ", ", ".join(f"{METHOD_LABELS[m]} {means[m]:.3f}" for m in METHODS))
assert means["max"] > means["rect2"] > means["tri3"] > means["bin5"]

# %%
fig = Figure(figsize=(7, 3.4), dpi=80, layout="constrained")
ax = fig.subplots()
for m, style in zip(METHODS, ("o-", "s--", "^-.", "D:")):
    ax.plot(ks, curves[m], style, linewidth=1.5, markersize=7, label=METHOD_LABELS[m])
ax.set_xticks(ks)
ax.set_xlabel("shift k (pixels to the right)")
ax.set_ylabel("relative change of the features")
ax.set_title("Blur before subsampling: features change far less under small shifts")
ax.legend(fontsize=9)
fig

# %% [markdown]
# *Relative change of the globally pooled features of a two-layer random
# network against the shift, averaged over 5 sprites and 4 networks, one line
# per pooling (marker shape and line style tell them apart). Max pooling
# (circles): zero at 0, 4 and 8, about 0.10 to 0.14 at every other shift. Blur
# pooling: zero at every even shift, and at odd shifts 0.110 with `[1, 1]`,
# 0.043 with `[1, 2, 1]`, 0.024 with `[1, 4, 6, 4, 1]`: the wider the blur,
# the smaller the change.*
#
# Two things stand out. The blur-pooled curves are exactly zero at `k = 2`
# and `k = 6`, where max pooling is not. The reason is the same theorem: the
# mean of a map survives subsampling unchanged only if nothing folds onto the
# constant, and the only patterns that fold onto the constant are the fastest
# ones, which the blur has removed. So the global average of a blur-pooled map
# does not depend on the phase at all:

# %%
ys = np.random.default_rng(3).standard_normal((8, 8))
for method in METHODS:
    phase_means = [downsample(shift(ys, 0, k), method).mean() for k in range(2)]
    print(f"{METHOD_LABELS[method]:<22} mean at phase 0: {phase_means[0]:+.4f}, at phase 1: {phase_means[1]:+.4f}")
    assert np.isclose(phase_means[0], phase_means[1]) == (method != "max")

# %% [markdown]
# And the odd shifts are not exactly zero even with the widest blur. A
# binomial blur is not a perfect low-pass filter: its gain above 1/4 is small
# but not zero (the right panel above), so the first layer's two phases still
# differ a little, and the second layer's ReLU and max turn that difference
# into a change of its mean. Blur pooling makes the network **far more
# consistent, not perfectly invariant**.
#
# The same happens in real networks on real images:
#
# - Zhang, "Making Convolutional Networks Shift-Invariant Again" (ICML 2019),
#   put a `[1, 4, 6, 4, 1]` blur into the pooling layers of ImageNet networks.
#   *Consistency* is the percentage of images whose top-1 class is the same
#   for two random shifts of the image:
#
#   | network | accuracy, baseline -> blur | consistency, baseline -> blur |
#   | --- | --- | --- |
#   | ResNet50 | 76.16 -> 77.04 | 89.20 -> 91.31 |
#   | VGG16 | 71.59 -> 72.33 | 88.52 -> 90.19 |
#   | AlexNet | 56.55 -> 56.58 | 78.18 -> 82.51 |
#
#   Consistency rose for every network, and accuracy did not drop.
# - Azulay & Weiss, "Why do deep convolutional networks generalize so poorly to
#   small image transformations?" (JMLR 2019), traced the problem to
#   subsampling that ignores the sampling theorem. A one-pixel shift can change
#   the top-1 class of a modern network with a probability of the order of
#   30%, as later work summarises their measurements.
#
# ## 6. Live view: max pooling against blur pooling
#
# Drag the slider (or click it and use the arrow keys) to slide the cat one
# pixel at a time. The panels show the input with the 2x2 pooling grid, the
# feature map (ReLU of one hand-made filter, circular padding), its max-pooled
# map and its blur-pooled map (MaxBlurPool), each pooled map with its peak
# marked by a cross. Two rows of buttons choose the filter (vertical edge,
# horizontal edge, ear) and the blur (`rect2` = `[1, 1]`, `tri3` = `[1, 2, 1]`,
# `bin5` = `[1, 4, 6, 4, 1]`).
#
# The readout compares each pooled map with the *ideal*: the pooled map of
# the cat at column 4, moved by `k / 2` cells (for odd `k`, half-way between
# two whole-cell moves). Its *distance* is `||pooled - ideal|| / ||reference||`,
# 0 when the pooled map follows the cat exactly. It also gives how much the
# mean of each pooled map changed, the number a global average pool would
# pass on: for the blur pool it stays at 0%, for the reason section 5 gave.
# Watch the max-pooled distance jump between 0 and a large value as `k` goes
# even, odd, even.

# %%
PoolingExplorer()

# %% [markdown]
# Without a running kernel, here is what the view shows for the cat at
# columns 4, 5 and 6 (`k = 0, 1, 2`), with the vertical-edge filter and the
# `[1, 4, 6, 4, 1]` blur:

# %%
cat_view = PoolingExplorer()
frames, titles = [], []
for col in (4, 5, 6):
    cat_view.col.value = col
    s = cat_view.state
    frames += [s["x"], s["feature"], s["max"], s["blur"]]
    titles += [f"cat at column {col} (k = {s['shift']})", "feature map",
               f"max pool: distance {s['max_error']:.2f}", f"blur pool: distance {s['blur_error']:.2f}"]
    print(f"k = {s['shift']}: mean of the pooled map changed by {100 * s['max_mean_change']:.1f}% (max pool), "
          f"{100 * s['blur_mean_change']:.1f}% (blur pool)")
print("largest value in the feature and pooled maps:", max(float(m.max()) for m in frames[1::4] + frames[2::4]
                                                           + frames[3::4]), "(the colour scale ends at 3)")
fig = small_multiples(frames, titles, kind=["image", "magnitude", "magnitude", "magnitude"] * 3, vmax=3, ncols=4)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.5, label="map value")
fig


# %% [markdown]
# *Three rows, one per position of the cat (k = 0, 1, 2): the input, the
# vertical-edge feature map, the max-pooled map and the blur-pooled map, the
# maps on one colour scale from 0 to 3 (bar on the right; no value is above
# 3). At k = 2 both pooled maps are the k = 0 maps moved by one cell
# (distance 0). At k = 1 the max-pooled map is a different picture (distance
# 0.56), while the blur-pooled map lies close to half-way (distance 0.17).*
#
# The same distances in numbers, for all three filters and every blur. Every
# even `k` gives 0 (checked), and the odd ones all give the same distance,
# since two more pixels are exactly one more pooled cell (checked for `k = 1`
# and `k = 3`); so one number per filter and pooling tells the story:

# %%
def pooled_distance(filter_name, method, k):
    """Distance from the ideal of the pooled feature map of the cat shifted by k from the reference column."""
    reference = downsample(cat_feature_map(CAT_REFERENCE, filter_name), method)
    moved = downsample(cat_feature_map(CAT_REFERENCE + k, filter_name), method)
    return ideal_shift_error(moved, reference, k)


print("distance from the ideal at odd k (0 at every even k)")
print(f"{'filter':<16}", "".join(f"{METHOD_LABELS[m]:>23}" for m in METHODS))
odd = {}
for filter_name in FILTERS:
    d = {m: [pooled_distance(filter_name, m, k) for k in range(4)] for m in METHODS}
    assert all(d[m][0] < 1e-12 and d[m][2] < 1e-12 and np.isclose(d[m][1], d[m][3]) for m in METHODS)
    odd[filter_name] = {m: d[m][1] for m in METHODS}
    print(f"{filter_name:<16}", "".join(f"{odd[filter_name][m]:>23.2f}" for m in METHODS))
assert all(o["bin5"] < 0.4 * o["max"] for o in odd.values())
assert odd["ear"]["rect2"] > odd["ear"]["max"]

# %% [markdown]
# The `[1, 4, 6, 4, 1]` blur cuts the odd-`k` distance of max pooling to
# roughly a third (less than 0.4 times it) for every filter. The short
# `[1, 1]` blur helps less, and with the ear filter it is even a little worse
# than plain max pooling: two taps are too few to remove the fast patterns (in
# the picture of section 5 its gain above 1/4 stays high).
#
# ### Question
#
# Blur pooling throws information away: it smooths the map before keeping
# every second value. Why does that make the output *more* reliable under
# one-pixel shifts, not less?
#
# <details><summary>Show an answer</summary>
#
# Keeping every second value can only represent patterns slower than one
# cycle per four pixels. Anything faster is not lost by subsampling: it folds
# back as a false, slower pattern (aliasing), and which false pattern you get
# depends on the sampling phase, which a one-pixel shift changes. The blur
# removes those fast patterns first. What it throws away is exactly the part
# that the subsampled map could not have represented faithfully anyway; what
# remains is sampled the same way at either phase, up to a small residue.
#
# </details>
#
# ## Summary
#
# - Max pooling is invariant to any rearrangement **inside one window**: the
#   `[1, 0, 0, 0]` example is true.
# - Move the content across a window's edge and the pooled map changes.
#   Whether a small shift is absorbed depends on where the content sits
#   relative to the windows.
# - Precisely: pooling with stride `s` turns a shift by `k` into a shift by
#   `k / s` when `s` divides `k`, and into a different polyphase component
#   otherwise.
# - A stack with total stride `s_tot` is exactly equivariant only to shifts by
#   multiples of `s_tot`; with a global pool on top it is exactly invariant to
#   those, and approximately (better with depth) to the rest.
# - The gap comes from aliasing. Blurring before subsampling (blur pooling)
#   removes the patterns that alias, and makes features far more consistent
#   under one-pixel shifts, though not perfectly.
#
# ## Further reading
#
# - Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019:
#   anti-aliased CNNs and BlurPool; the table in section 5.
# - Azulay & Weiss, "Why do deep convolutional networks generalize so poorly to
#   small image transformations?", JMLR 2019: the sampling-theorem argument,
#   measured on ImageNet networks.
# - Dive into Deep Learning, the chapter on pooling: max and average pooling,
#   padding and stride.
# - Next: `03_weight_sharing`, on where equivariance comes from; then
#   `04_softmax`, where global pooling makes a trained classifier invariant and
#   softmax does not.
