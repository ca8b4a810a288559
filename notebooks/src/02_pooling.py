# %% [markdown]
# # 02 · Max pooling: unchanged while the 1 stays inside its window, and where that stops
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
#   general by the polyphase identity;
# - what stacking pooling layers does: the maps get coarser, and a stack with
#   a global average on top is invariant to the shifts by multiples of its
#   total stride (for every input); other shifts change its features for most
#   inputs;
# - what the frequency of a pattern is (in cycles per pixel), what keeping
#   every second pixel does to the fastest patterns, and what a blur does to
#   them first;
# - what aliasing is, and why blurring before subsampling (blur pooling), with
#   a blur of three taps or more, makes a network's features change less under
#   one-pixel shifts.
#
# **You need** notebooks `00_start_here` and `01_equivariance` (shifts,
# `conv2d`, equivariance), Python and numpy indexing.

# %%
# %matplotlib inline
from itertools import permutations

import course  # noqa: F401  (makes `import helpers` work: see course.py)
import numpy as np

from helpers.checks.pooling import (
    SUBSAMPLE_PATTERN,
    check_copy_prediction,
    check_max_pool2d,
    check_subsample_prediction,
)
from helpers.explorers.pooling import PoolingExplorer, WindowExplorer
from helpers.filters import FILTERS
from helpers.frequency_views import blur_gain_figure, consistency_figure, subsampling_figure
from helpers.ops import (
    BLUR_FILTERS,
    blur_kernel,
    blur_pool2d,
    conv2d,
    max_pool2d,
    shift,
    subsample,
)
from helpers.pooling import (
    CAT_REFERENCE,
    METHOD_LABELS,
    METHODS,
    blur_gain,
    blur_row,
    cat_feature_map,
    consistency_curve,
    consistency_curves,
    downsample,
    fold_share,
    frequencies_present,
    ideal_shift_error,
    is_shifted_copy,
    max_blur_pool,
    measured_gain,
    period,
    polyphase_prediction,
    power_spectrum,
    random_stack,
    stack_features,
)
from helpers.sprites import SPRITES, cat_at, place
from helpers.views import show, small_multiples

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
# So whether a small shift leaves the pooled map unchanged depends on *where
# the content sits relative to the windows*: it is a fact about the input,
# not a property of max pooling. A 1 at column 0 survives a shift by one to
# the right; a 1 at column 1 does not:

# %%
for col in (0, 1):
    before, after = max_pool2d(one_at(0, col)), max_pool2d(one_at(0, col + 1))
    print(f"1 at column {col} -> {col + 1}: pooled map {'unchanged' if np.array_equal(before, after) else 'changed'}")

# %% [markdown]
# ### Live view: move the 1 yourself
#
# Drag the sliders (or click one and use the arrow keys) to move the single 1.
# In the live view thick lines mark the pooling windows; the middle panel is
# the pooled map now, the right one the pooled map of `[1, 0, 0, 0]`; values
# are written in the cells, and the text below says whether the pooled output
# changed. The static figure after it has no window lines: each 4x4 panel
# splits into its four windows at the middle row and column.

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
show(small_multiples(frames, titles, kind="image", ncols=4, annotate=True, panel=1.7))

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
# (a *dense max*, stride 1, with circular padding: the windows at the right
# and bottom edges wrap around to the opposite edge, so the map keeps its
# size), then keeps every second value. Write the second step as an operator:
#
# - **subsampling** by `s` keeps every `s`-th sample, $D_s x[n] = x[s n]$;
# - its **phase-`p`** version starts at `p` instead, $D_s^{(p)} x[n] = x[s n + p]$.
#
# The `s` phases `p = 0, ..., s - 1` are the *polyphase components* of `x`:
# together they hold every sample exactly once. In code,
# `helpers.ops.subsample(x, s, (p_row, p_col))` keeps `x[..., p_row::s, p_col::s]`,
# one phase for the rows and one for the columns. The example below is a
# single row, so its phase `p` goes in the column slot, `(0, p)`:

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
# the *odd* samples, `1 3 5 7`, moved by one. The law behind it holds for
# every signal `x`. With a circular shift $S_k$ by `k` samples:
#
# - if `s` divides `k`: $D_s S_k = S_{k/s} D_s$. A shift by `k` in is a shift
#   by `k / s` out. So $D_s$ is **equivariant** to the shifts by multiples of
#   `s`, as notebook 00 defines it, with the output shift $S' = S_{k/s}$ (on
#   the coarser grid, `k` pixels are `k / s` cells).
# - if `k = q s + r` with `0 < r < s`: $D_s S_k x = S_{q+1} D_s^{(s-r)} x$.
#   The output is the *other* polyphase component, moved.
#
# That is the law, the **polyphase identity**. What it means for a typical
# signal is a separate statement: the other polyphase component usually holds different numbers
# (here `1 3 5 7` against `0 2 4 6`), so the output is **not a shifted copy
# of the original output**. For some special signals it is (the end of this
# section shows two).
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
# So the slogan "max pooling is invariant to small shifts" is not a property
# of the operation. The pooled map stays *unchanged for an input* only while
# every maximum stays inside its window, as the single 1 did in section 2.
# Max pooling is equivariant to even shifts, with $S'$ = a shift by `k / 2`
# cells, for every input (the pooled map moves: that is not invariance). It
# is not equivariant to odd shifts: for the cat an odd shift gives different
# numbers, and the polyphase identity says exactly which.
#
# The typical case is not every case: a particular input can give a shifted
# copy even for odd shifts. A single 1, as in section 2, always pools to a
# single 1 somewhere, and a constant image pools to the same constant:

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
# Section 4 stacks two layers, each of the form *convolution with circular
# padding, ReLU, 2x2 max pooling with stride 2*, on the 28x28 cat. The
# **ReLU** (rectified linear unit) sets every negative value to 0 and keeps
# the others: `np.maximum(m, 0)`. It acts on each pixel alone, so it commutes
# with every shift. Shift the input image circularly right by
# `k = 0, 1, ..., 7` pixels. For
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
# ## 4. What depth does
#
# Section 3 showed one pooling layer. Stack two, as in exercise 2. Two words
# first.
#
# - A **multi-channel convolution** takes `C_in` maps and gives `C_out` maps.
#   It has one 3x3 filter for every pair (output channel, input channel), so
#   its weights have shape `(C_out, C_in, 3, 3)`. Output map `o` is the sum,
#   over the input maps `i`, of `conv2d(map i, filter (o, i))`. Each term is
#   a convolution, so the sum is equivariant to shifts, as one convolution is.
# - **He initialisation** (He et al., 2015) draws every weight at random from
#   a normal distribution with mean 0 and variance `2 / fan_in`, where
#   `fan_in = 9 C_in` is the number of inputs one output value sums. He et
#   al. derived this scale for networks with ReLUs (the 2 makes up for the
#   negative values the ReLU sets to 0), so that the values of random inputs
#   keep roughly the same size from layer to layer.
#
# The stack: a convolution (circular padding) from 1 to 4 channels, ReLU, 2x2
# max pooling; then a convolution from 4 to 8 channels, ReLU, max pooling.
# `random_stack(seed)` draws He-initialised weights. Nothing in the argument
# depends on what the filters are, but the sizes of the effects do, so every
# result below is shown for four seeds. Each layer halves the map: the 28x28
# cat becomes 4 maps of 14x14, then 8 maps of 7x7. The maps get **coarser**:
# one cell of the second layer's map stands for 4x4 pixels, a *total stride* of
# 2 x 2 = 4.

# %%
SEEDS = (0, 1, 2, 3)
stacks = {seed: random_stack(seed, channels=(4, 8)) for seed in SEEDS}
weights = stacks[0]
print("weights:", [w.shape for w in weights])
print("cat:", x.shape, "-> after layer 1:", stack_features(x, weights[:1]).shape,
      "-> after layer 2:", stack_features(x, weights).shape)

# %% [markdown]
# Check the prediction of exercise 2 on the cat, for `k = 0, ..., 8` and each
# of the four random stacks: is the output of the second pooling layer a
# shifted copy of the unshifted output?

# %%
print(" k | 2 layers: shifted copy? (seeds 0, 1, 2, 3)")
for k in range(9):
    answers = [is_shifted_copy(stack_features(shift(x, 0, k), stacks[seed]), stack_features(x, stacks[seed]))
               for seed in SEEDS]
    print(f" {k} | {answers}")
    assert answers == [k % 4 == 0] * len(SEEDS)

# %% [markdown]
# The same answer for every seed. The stack is equivariant to shifts by
# multiples of the total stride 4 (with the output shift $S'$ = one cell per
# 4 pixels), and to no other shift: a shift by 2 passes the first pooling as a
# shift by 1 cell, which the second pooling turns into another polyphase
# component.
#
# A shifted copy is not yet what a classifier needs: the same numbers moved
# are different numbers at each position. Something must forget *where*.
# **Global average pooling** does: it replaces each channel's map by its mean,
# one number per channel, and a mean does not care where the values are. So a
# shifted copy becomes exactly the same features.
#
# Do the globally pooled features of a deeper stack change less? Put a
# global average pool on the one-layer stack (its first layer alone,
# `channels=(4,)`, the same weights) and on the two-layer stack, and measure
# the **relative change** of the pooled features `g`,
# `||g(S_k x) - g(x)|| / ||g(x)||` (0: unchanged), for each of the five
# sprites of `helpers.sprites` (9x9 drawings like the cat, placed at
# `(9, 9)`; the cell prints their names), then average over the sprites.
# `consistency_curves` does this, one row per seed:

# %%
sprites = np.stack([place(name, 9, 9) for name in SPRITES])
print("sprites:", ", ".join(SPRITES))
ks = np.arange(9)
per_sprite = {n: np.stack([consistency_curves(sprites[i:i + 1], ks, "max", SEEDS, channels=(4, 8)[:n])
                           for i in range(len(sprites))]) for n in (1, 2)}  # (sprite, seed, k)
depth = {n: per_sprite[n].mean(axis=0) for n in (1, 2)}  # (seed, k): mean over the 5 sprites
print("relative change of the global features, mean over the 5 sprites")
print("layers  seed |" + "".join(f"{f'k = {k}':>8}" for k in ks))
for n in (1, 2):
    for i, seed in enumerate(SEEDS):
        print(f"{n:6d}  {seed:4d} |" + "".join(f"{v:8.3f}" for v in depth[n][i]))
odd = ks % 2 == 1
for n in (1, 2):
    odd_means = depth[n][:, odd].mean(axis=1)  # one mean over the odd k per seed
    print(f"{n} layer(s): mean over the odd k, per seed: {', '.join(f'{v:.3f}' for v in odd_means)} "
          f"(from {odd_means.min():.3f} to {odd_means.max():.3f}); "
          f"k = 2, mean over the seeds {depth[n][:, 2].mean():.3f}")
more = per_sprite[2][:, :, 1] > per_sprite[1][:, :, 1]
print(f"k = 1, one sprite at a time: two layers change more in {more.sum()} of {more.size} (sprite, seed) pairs, "
      f"less in {(~more).sum()}")
# for every seed: one layer ignores every even shift, two layers only the multiples of 4 ...
assert np.allclose(depth[1][:, ks % 2 == 0], 0, atol=1e-12)
assert np.allclose(depth[2][:, ks % 4 == 0], 0, atol=1e-12)
assert (depth[2][:, [2, 6]] > 0.05).all()
# ... and at odd shifts two layers change more than one
assert (depth[2][:, odd] > depth[1][:, odd]).all()
assert 0 < (~more).sum() < more.sum()

# %% [markdown]
# What holds for every seed:
#
# - one layer with a global pool on top is **exactly invariant to every even
#   shift**; two layers only to the multiples of 4. At `k = 2` and `k = 6`
#   the one-layer features do not change at all, the two-layer ones do;
# - at odd shifts, averaged over the sprites, two layers change **more** than
#   one.
#
# What varies is the size, several-fold from seed to seed (the mean over the
# odd `k`: one layer from 0.030 to 0.137, two layers from 0.059 to 0.224,
# printed per seed), and for a single sprite the order at `k = 1` can go
# either way: two layers change less in 6 of the 20 (sprite, seed) pairs.
#
# So for these random networks two layers change more than one, averaged
# over the sprites, at every seed: at odd `k`, and at `k = 2` and `6`, where
# one layer does not change at all. Depth makes the maps coarser, and it
# shrinks the set of shifts to which the globally pooled stack is invariant:
# multiples of 2 after one pooling layer, multiples of 4 after two, multiples
# of $2^L$ after `L`. Any other shift lands on another polyphase component
# somewhere in the stack, and the global mean of a polyphase component is in
# general not the global mean of the map (section 6 shows when it is).

# %% [markdown]
# ## 5. Frequency: how fast a pattern changes
#
# Section 6 explains why the pooled features of section 4 change under some
# shifts: the reason is how fast a map changes from one pixel to the next. It
# then makes those changes of the features smaller with a blur. This section
# gives the words for that, on single rows of pixels that you can read by eye.
#
# A pattern that starts again every `P` pixels has **period** `P`: `P` is the
# smallest shift of 1 pixel or more (circular, as in notebook 01) that leaves
# it unchanged. One
# repeat is one **cycle**. Its **frequency** is `1 / P` **cycles per pixel**,
# the part of a cycle it completes from one pixel to the next: a pattern with
# period 4 has frequency 1/4. A constant row is the one exception to `1 / P`:
# every shift leaves it unchanged, so its period is 1, but it never goes up
# and down, so it completes no cycle at all: its frequency is 0, not 1. The
# two patterns that change:
#
# - `fast = +1, -1, +1, -1, ...` has period 2, frequency 1/2 cycle per pixel.
#   No pattern on a grid of pixels alternates faster: a pattern that is back
#   at its start after one pixel is a constant.
# - `slow = +1, +1, -1, -1, ...` has period 4, frequency 1/4 cycle per pixel.

# %%
fast = np.array([+1.0, -1.0] * 6)  # 12 pixels
slow = np.array([+1.0, +1.0, -1.0, -1.0] * 3)
flat = np.ones(12)
patterns = {"fast": fast, "slow": slow, "constant": flat}
for name, row in patterns.items():
    print(f"{name:<8} {row.astype(int)}  period {period(row)}")
assert (period(fast), period(slow), period(flat)) == (2, 4, 1)

# %% [markdown]
# How much of each frequency a row contains is measured by the **Fourier
# transform**. It writes a row of `N` pixels, read as one cycle of a pattern
# that repeats, as a sum of smooth waves (cosines), one for each frequency
# 0, 1/N, 2/N, ... up to 1/2 cycle per pixel (for the 12-pixel rows here:
# 0, 1/12 = 0.083, 2/12 = 0.167, ..., 6/12 = 0.500). Each wave has its own
# size (how far it swings from 0) and its own position (how far its peaks are
# moved along the row); the waves added up give the row back exactly.
# `np.fft.rfft(row)` returns one complex number per frequency; its absolute
# value is the size of that wave times a fixed scale (`N` at frequencies 0
# and 1/2, `N / 2` between them). The **power** at a frequency is that
# absolute value squared: how much of that frequency the row contains, 0 if
# none. `power_spectrum(row)` (in `helpers.pooling`) returns the frequencies
# and their powers, `frequencies_present(row)` the frequencies whose power is
# not zero:

# %%
freqs, _ = power_spectrum(fast)
print("frequency (cycles per pixel):", " ".join(f"{f:6.3f}" for f in freqs))
for name, row in patterns.items():
    print(f"power of {name:<8}            ", " ".join(f"{p:6.1f}" for p in power_spectrum(row)[1]),
          f"  present: {frequencies_present(row)}")
assert frequencies_present(fast) == [0.5] and frequencies_present(slow) == [0.25]
assert frequencies_present(flat) == [0.0]
n12 = np.arange(12)
assert np.allclose(slow, np.sqrt(2) * np.cos(2 * np.pi * n12 / 4 - np.pi / 4))  # one wave of period 4
assert np.isclose(power_spectrum(fast)[1][6], (12 * 1) ** 2)  # size 1 at 1/2: scale N
assert np.isclose(power_spectrum(slow)[1][3], (12 / 2 * np.sqrt(2)) ** 2)  # size sqrt(2) at 1/4: scale N / 2

# %% [markdown]
# Each row holds a single frequency: `fast` only 1/2, `slow` only 1/4, the
# constant only 0. `slow` looks square, but at the pixels it is exactly one
# wave, a cosine of period 4 and size $\sqrt{2}$ whose peaks fall between
# pixels, so that every pixel reads +1 or -1 (the `assert` marked "one wave
# of period 4" checks it). That explains the two powers: `fast` is a wave of
# size 1 at 1/2, scale `N` = 12, so its power is $(12 \cdot 1)^2 = 144$;
# `slow` is a wave of size $\sqrt{2}$ at 1/4, scale `N / 2` = 6, so its power
# is $(6 \sqrt{2})^2 = 72$. So powers at different frequencies do not
# compare sizes directly: `slow`, the larger wave, has the smaller power,
# because the scale is `N` at 1/2 and `N / 2` at 1/4. Power says how much of
# a frequency a row holds, not how fast the row changes.
#
# ### Keeping every second pixel
#
# Section 3 called it subsampling: phase 0 keeps pixels 0, 2, 4, ... and
# phase 1 keeps pixels 1, 3, 5, ...; in numpy, `row[0::2]` and `row[1::2]`.
# The kept samples are 2 pixels apart, so their frequencies are counted in
# cycles per kept sample: `f` cycles per kept sample is `f / 2` cycles per
# pixel.

# %%
for name, row in {"fast": fast, "slow": slow}.items():
    for p in (0, 1):
        kept = row[p::2]
        print(f"{name}, phase {p} keeps {kept.astype(int)}: frequencies present {frequencies_present(kept)} "
              "(cycles per kept sample)")
assert (fast[0::2] == 1).all() and (fast[1::2] == -1).all() and frequencies_present(fast[0::2]) == [0.0]
assert np.array_equal(slow[0::2], [1, -1] * 3) and np.array_equal(slow[1::2], slow[0::2])
assert frequencies_present(slow[0::2]) == [0.5]

# %% [markdown]
# The fastest pattern becomes a constant: all `+1` at phase 0, all `-1` at
# phase 1. Its frequency 1/2 shows up after subsampling as frequency 0. This
# is **aliasing**: after subsampling, a pattern faster than the coarser grid
# can hold (faster than 1/4 cycle per pixel, as the next paragraph shows)
# shows up as a slower one, its *alias*. What the alias looks like depends on
# the phase (here all `+1` or all `-1`), and a one-pixel shift of the input
# switches the phase.
#
# The slower pattern becomes `+1, -1, +1, -1, ...`, the fastest pattern the
# coarser grid can hold (1/2 cycle per kept sample). In the original pixels
# it still repeats every 4 pixels: it keeps its frequency of 1/4 cycle per
# pixel. That is the limit: samples 2 pixels apart need at least two samples,
# 4 pixels, for one cycle. Section 6 states this limit in general.
#
# ### Blurring first
#
# The blur `[1, 2, 1]` replaces each pixel by
# `(left neighbour + 2 * itself + right neighbour) / 4` (circularly: the row
# wraps around). Each weight of a filter is called a **tap**: `[1, 2, 1]`
# has three taps. Its weights are a row of Pascal's triangle, in which each
# row is the row above plus that row moved by one place. Filters whose
# weights are a row of Pascal's triangle (binomial coefficients), divided by
# their sum so that a constant row stays the same, are called **binomial**
# filters. The code cell builds the first five rows; `helpers` uses three of
# them as blurs and names them by their shape and number of taps: `rect2` (a
# rectangle), `tri3` (a triangle) and `bin5` (the widest binomial):

# %%
pascal = [np.array([1.0])]
for _ in range(4):
    pascal.append(np.convolve(pascal[-1], [1.0, 1.0]))  # the row above plus that row moved by one
for row in pascal:
    print(f"{str(row.astype(int).tolist()):<18} sum {int(row.sum()):>2}")
assert all(np.array_equal(pascal[len(row) - 1], row) for row in BLUR_FILTERS.values())
print("helpers' blurs:", {name: row.astype(int).tolist() for name, row in BLUR_FILTERS.items()})

# %% [markdown]
# How much of a pattern does a filter let through? The **amplitude** of a
# pattern centred on 0 is how far it swings from 0; here we read it as its
# largest absolute value (1 for `fast` and `slow`; for `slow` that is less
# than the size $\sqrt{2}$ of its wave, whose peaks fall between pixels, but
# a gain is a ratio, so it comes out the same either way; for the constant,
# which is not centred on 0, its value, also 1). The **gain** of a filter
# for a pattern is the output amplitude divided by the input amplitude: 1
# means let through unchanged, 0 means removed. When the output is the input
# times a number, as below, the gain is that number, however the amplitude
# is read. A **low-pass filter** lets slow patterns through (gain near 1 at
# low frequencies) and shrinks fast ones (gain near 0 at high frequencies).
# Blur the three rows with `[1, 2, 1] / 4` (`blur_row`; `measured_gain`
# divides the amplitudes):

# %%
for name, row in patterns.items():
    f = frequencies_present(row)[0]
    blurred, gain = blur_row(row, "tri3"), measured_gain(row, "tri3")
    print(f"{name:<8} frequency {f:<4}: blurred {blurred[:4]} ...  gain {gain:g}")
    assert np.allclose(blurred, gain * row)  # the blur only rescales the pattern
    assert np.isclose(gain, np.cos(np.pi * f) ** 2)  # the gain of [1, 2, 1] / 4 at f is cos^2(pi f)
for name, row in {"fast": fast, "slow": slow}.items():
    blurred = blur_row(row, "tri3")
    print(f"{name}, blurred, then phase 0 keeps {blurred[0::2][:3]} ..., phase 1 keeps {blurred[1::2][:3]} ...")
assert np.allclose(blur_row(fast, "tri3"), 0)

# %% [markdown]
# The `[1, 2, 1]` blur removes the fastest pattern completely (gain 0),
# halves the slower one (gain 0.5) and keeps the constant (gain 1): it is a
# low-pass filter. It changes only the size of each pattern, not its
# frequency (the code cell checks that each output is the input times the gain),
# and its gain at frequency `f` is $\cos^2(\pi f)$ (the code cell checks this
# formula at the three frequencies; section 6 gives the general formula for
# any blur). Blurred first, the fastest
# pattern gives 0 at both phases: nothing is left to alias, and a one-pixel
# shift changes nothing. The slower one passes at half its amplitude.

# %%
show(subsampling_figure({"fast = +1, -1, +1, -1, ...": fast, "slow = +1, +1, -1, -1, ...": slow}))

# %% [markdown]
# *Top row: the fastest pattern (grey line) over 12 pixels; circles mark the
# pixels phase 0 keeps (all +1), squares those phase 1 keeps (all -1); on the
# right, after the `[1, 2, 1]` blur, every pixel is 0. Bottom row: the slower
# pattern; both phases keep +1, -1, +1, -1; after the blur, the same at half
# the amplitude. The legends list the kept values.*
#
# ### Exercise 3: predict the subsampled pattern
#
# Move `slow` one pixel to the right (circularly) and take eight pixels:
# `-1, +1, +1, -1, -1, +1, +1, -1` (`SUBSAMPLE_PATTERN`). What does keeping
# every second pixel give at phase 0, and at phase 1? Write two lists of four
# numbers before running anything.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: phase0 = None  # a list of 4 numbers: what phase 0 keeps
# STUB: phase1 = None  # a list of 4 numbers: what phase 1 keeps
phase0 = [-1, +1, -1, +1]
phase1 = [+1, -1, +1, -1]
# END SOLUTION

# %%
check_subsample_prediction(phase0, phase1)

# %% [markdown]
# Check it, and see what the blurs do to the moved pattern:

# %%
moved = np.array(SUBSAMPLE_PATTERN, dtype=float)
assert np.array_equal(moved, np.roll(slow, 1)[:8])  # slow, moved one pixel right
print("moved, phase 0 keeps:", moved[0::2].astype(int), "  phase 1 keeps:", moved[1::2].astype(int))
print("slow,  phase 0 keeps:", slow[0::2][:4].astype(int))
assert np.array_equal(moved[0::2], -slow[0::2][:4])
gap = np.abs(moved[0::2] - moved[1::2]).max()
print(f"no blur: largest difference between the two phases {gap:g}")
for name in ("tri3", "bin5"):
    blurred = blur_row(moved, name)
    blurred_gap = np.abs(blurred[0::2] - blurred[1::2]).max()
    print(f"after the {name} blur {BLUR_FILTERS[name].astype(int).tolist()}: largest difference "
          f"{blurred_gap:g}, {blurred_gap / gap:g} of it; gain at 1/4: {blur_gain(name, 0.25):g}")
    assert np.isclose(blurred_gap / gap, blur_gain(name, 0.25))

# %% [markdown]
# Moved by one pixel, the pattern gives the other sign at phase 0:
# `-1, +1, -1, +1` where `slow` gave `+1, -1, +1, -1`. At frequency 1/4, the
# limit, the frequency survives subsampling (both phases alternate), but the
# values you keep still depend on where the pattern sits: here the two phases
# have opposite signs.
#
# Why the code cell measures the *difference between the two phases*: a one-pixel
# shift of the input makes subsampling keep the other phase (the polyphase
# identity of section 3), so the largest difference between the two phases,
# sample by sample, says how different the two possible results are. Without
# a blur it is 2 (-1 against +1). The blurs `[1, 2, 1]` and
# `[1, 4, 6, 4, 1]` multiply it by their gain at 1/4 instead of removing it:
# to 0.5 and to 0.25 of it.
#
# ## 6. Aliasing, and blur pooling
#
# ### The shift-consistency curve
#
# Here are the two-layer rows of the table in section 4 averaged over the
# four seeds: the relative change at each shift `k`, which we call the
# *shift-consistency curve* of max pooling (`consistency_curve`; 0 at a `k`
# means the features did not change, and a lower curve means they change
# less).

# %%
curves_by_seed = {m: consistency_curves(sprites, ks, m, SEEDS) for m in METHODS}  # (seed, k) each
curves = {m: c.mean(axis=0) for m, c in curves_by_seed.items()}
assert np.allclose(curves["max"], consistency_curve(sprites, ks, "max", SEEDS))
print("k:        ", "  ".join(f"{k:5d}" for k in ks))
print("max pool: ", "  ".join(f"{v:5.3f}" for v in curves["max"]))
between = curves["max"][ks % 4 != 0]
print(f"at k not a multiple of 4: from {between.min():.3f} to {between.max():.3f} "
      f"(single seeds: {curves_by_seed['max'][:, ks % 4 != 0].min():.3f} to "
      f"{curves_by_seed['max'][:, ks % 4 != 0].max():.3f})")

# %% [markdown]
# Zero at `k = 0, 4, 8`, and from 0.099 to 0.137 at every other shift: the
# change does not grow with the shift. It repeats every 4 pixels (`k = 5`
# gives the same as `k = 1`): what matters is not how far the input moved but
# the remainder of `k` divided by the total stride 4, that is, which phase
# the subsampling ends up keeping. Where does that come from?
#
# ### Fast patterns and subsampling: aliasing
#
# Section 5 showed it on single rows. Keeping every second pixel can only
# represent patterns that change slowly enough: at most one full cycle per
# **four** pixels (frequencies up to 1/4 cycle per pixel, half the original
# limit of 1/2). This is the **sampling theorem** (Shannon, 1949) for our
# case: samples taken every `s` pixels *determine* a signal (you could
# rebuild every pixel of it from the kept samples alone) if all its patterns
# are slower than `1 / (2 s)` cycle per pixel. The limit itself, 1/4 here, is
# a borderline case: such a pattern keeps its frequency, as `slow` did, but
# not always its values. A wave of period 4 that reads `0, +1, 0, -1, ...`
# gives all zeros at phase 0 and `+1, -1, ...` at phase 1, so the kept
# samples do not determine it.
#
# A pattern faster than the limit does not disappear when you subsample; it
# *folds back*: a pattern of `f` cycles per pixel, with `f` above 1/4, shows
# up at `1/2 - f` cycle per pixel, its mirror image about 1/4 (so 1/2 shows
# up at 0, as in section 5). It masquerades as a slower one (it is aliased),
# and *what* it becomes depends on which phase you keep. The extreme case is
# the fastest pattern of all, `+1, -1, +1, -1, ...` (1/2 cycle per pixel,
# called the *Nyquist frequency* of the pixel grid): phase 0 sees only `+1`,
# phase 1 only `-1`. A one-pixel shift switches the phase, so it flips the
# output.
#
# The fix follows from the theorem: remove the fast patterns *before*
# subsampling, with a low-pass filter. The blurs used here are the binomial
# filters of section 5: `[1, 1]`, `[1, 2, 1]`, `[1, 4, 6, 4, 1]`, divided by
# their sum. In `helpers` they are named `rect2`, `tri3` and `bin5`, and
# a 2-D blur applies the same row along the rows and along the columns. All
# three turn `+1, -1, +1, ...` into zeros:

# %%
alt = np.array([[1.0, -1.0] * 4] * 8)  # +1, -1 along every row, 8x8
print("row of the pattern:           ", alt[0].astype(int))
print("phase 0 keeps:                ", subsample(alt, 2, (0, 0))[0].astype(int))
print("phase 1 keeps:                ", subsample(alt, 2, (0, 1))[0].astype(int))
for name, row in BLUR_FILTERS.items():
    blurred = blur_pool2d(alt, stride=1, filter=name)
    print(f"after the {name} blur {row.astype(int).tolist()}, largest |value|: {np.abs(blurred).max():.4f}")

# %% [markdown]
# Are there such fast patterns in a real feature map? ReLU maps have sharp
# edges and isolated peaks: values that jump within one or two pixels, which
# only waves of high frequency can build. To measure them, take the Fourier
# transform of section 5 along both axes: `np.fft.fft2` gives, for every pair of
# frequencies (one along the rows, one along the columns), a number whose
# absolute value is the size of the wave of those frequencies in the map
# times a scale, as in section 5, and the waves added up give the map back
# exactly. The power is again that absolute value squared. Frequency 0 (both
# axes) is the constant wave: it holds the map's mean and nothing else. The
# powers of all the other frequencies add up to the map's sum of squares
# about its mean, the sum of `(m - m.mean())**2`, times the number of pixels
# (Parseval's theorem; the code cell checks it). We call that sum of squares the
# map's *variation*. `fold_share(m)` is the share of it at frequencies above
# 1/4 cycle per pixel along either axis: the part that folds back when every
# second pixel is kept. Here it is for the cat's vertical-edge map (the cat
# convolved with the vertical-edge filter of notebook 01, then the ReLU),
# before and after the dense 2x2 max, and after each blur:

# %%
relu_map = np.maximum(conv2d(x, FILTERS["vertical edge"], padding="circular"), 0.0)
dense_relu = max_pool2d(relu_map, 2, stride=1, padding="circular")
shares = {"ReLU feature map": fold_share(relu_map), "after the dense 2x2 max": fold_share(dense_relu)}
for name in BLUR_FILTERS:
    shares[f"then the {name} blur"] = fold_share(blur_pool2d(dense_relu, stride=1, filter=name, padding="circular"))
for name, share in shares.items():
    print(f"{name:<24} {100 * share:5.1f}% of the variation would fold back")
power = np.abs(np.fft.fft2(relu_map)) ** 2
assert np.isclose(power.sum() - power[0, 0], relu_map.size * ((relu_map - relu_map.mean()) ** 2).sum())
assert shares["after the dense 2x2 max"] > 0.05 > shares["then the rect2 blur"] > shares["then the bin5 blur"]

# %% [markdown]
# The dense max lowers the share of fast variation (from 16.2% to 7.4%) but
# leaves several percent, which plain max pooling then folds back. Each blur
# leaves less, the widest almost nothing (0.0% to one decimal).
#
# The picture below shows both halves of the argument. Its right panel gives
# each blur's gain (section 5) at every frequency from 0 to 1/2, not only at
# the three patterns of section 5. For weights `h[0], ..., h[n-1]` that sum to
# 1, a wave of frequency `f` comes out multiplied by
# $|\sum_n h[n]\, e^{-2\pi i f n}|$ (`blur_gain`; for `[1, 2, 1] / 4` it is
# the $\cos^2(\pi f)$ of section 5). Here $e^{-2\pi i f n}$ is a complex
# number of absolute value 1; you need not work with it: the code cell checks
# the formula for `[1, 2, 1]` and `[1, 4, 6, 4, 1]` against gains measured as
# in section 5, at frequencies 0, 1/4 and 1/2 (`[1, 1]` also moves a pattern
# by half a pixel, so its output is not the input times a number):

# %%
for name in ("tri3", "bin5"):
    measured = [measured_gain(row, name) for row in (flat, slow, fast)]  # frequencies 0, 1/4, 1/2
    assert np.allclose(blur_gain(name, [0, 0.25, 0.5]), measured)
show(blur_gain_figure())

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
# Without the blur step it is plain max pooling, as the code cell checks. It also
# prints the 2-D `bin5` blur, times 256 (= 16 x 16) to show whole numbers:
# entry `(i, j)` is `row[i] * row[j]` for the row `[1, 4, 6, 4, 1]`, which is
# the same as blurring along the rows and then along the columns:

# %%
print("dense max + every second pixel == max_pool2d:",
      np.array_equal(subsample(max_pool2d(x, 2, stride=1, padding="circular"), 2), max_pool2d(x)))
print("max_blur_pool(x) shape:", max_blur_pool(x).shape, "  blur kernel bin5 (x 256):")
print((blur_kernel("bin5") * 256).astype(int))

# %% [markdown]
# Now the shift-consistency curve for all four poolings: the same four
# random networks with max pooling replaced by MaxBlurPool with each blur,
# and max pooling itself for comparison. First the mean over
# the seeds, then, for each seed, two means: over `k = 1, ..., 8`, and over
# the odd `k` only (for a blur pool every odd `k` gives the same value at
# every seed, checked).

# %%
print("k:                    ", "  ".join(f"{k:5d}" for k in ks))
for m in METHODS:
    print(f"{METHOD_LABELS[m]:<22}", "  ".join(f"{v:5.3f}" for v in curves[m]))
print(f"\n{'per seed':<22} " + "".join(f"{f'seed {seed}: k=1..8, odd k':>25}" for seed in SEEDS))
for m in METHODS:
    c = curves_by_seed[m]
    print(f"{METHOD_LABELS[m]:<22} " + "".join(f"{c[i, 1:].mean():>18.3f}, {c[i, odd].mean():.3f}"
                                               for i in range(len(SEEDS))))
for m in METHODS:
    print(f"{METHOD_LABELS[m]:<22} odd k, mean over the seeds: {curves[m][odd].mean():.3f}")
for i in range(len(SEEDS)):  # for every seed: the wider the blur, the smaller the mean change over k = 1..8
    means = [curves_by_seed[m][i, 1:].mean() for m in METHODS]
    assert means == sorted(means, reverse=True)
    for m in BLUR_FILTERS:
        assert np.allclose(curves_by_seed[m][i, ks % 2 == 0], 0, atol=1e-12)  # exact at every even k
        assert np.allclose(curves_by_seed[m][i, odd], curves_by_seed[m][i, 1])  # the same at every odd k
    for m in ("tri3", "bin5"):
        assert curves_by_seed[m][i, odd].mean() < curves_by_seed["max"][i, odd].mean()
ratios = np.array([[curves_by_seed[m][i, 1:].mean() / curves_by_seed["max"][i, 1:].mean() for i in range(len(SEEDS))]
                   for m in ("tri3", "bin5")])
print("mean change over k = 1..8 as a fraction of max pooling's, per seed:")
for m, r in zip(("tri3", "bin5"), ratios):
    print(f"{METHOD_LABELS[m]:<22}", ", ".join(f"{v:.2f}" for v in r))
print(f"largest fraction: {ratios.max():.2f}")
rect2_worse = [seed for i, seed in enumerate(SEEDS)
               if (curves_by_seed["rect2"][i, odd] > curves_by_seed["max"][i, odd]).all()]
print("seeds where [1,1] changes more than max pooling at every odd k:", rect2_worse)
assert rect2_worse == [0, 3]  # the two-tap blur is not better at every seed ...
for i in range(len(SEEDS)):  # ... yet its mean over k = 1..8 is lower at every seed
    assert curves_by_seed["rect2"][i, 1:].mean() < curves_by_seed["max"][i, 1:].mean()
assert curves["rect2"][odd].mean() < curves["max"][odd].mean()

# %%
show(consistency_figure(ks, curves))

# %% [markdown]
# *Relative change of the globally pooled features of a two-layer random
# network against the shift, averaged over 5 sprites and 4 networks (seeds 0
# to 3), one line per pooling (marker shape and line style tell them apart).
# Max pooling (circles): zero at 0, 4 and 8, from 0.099 to 0.137 at every
# other shift. Blur pooling: zero at every even shift, and at odd shifts
# 0.110 with `[1, 1]`, 0.043 with `[1, 2, 1]`, 0.024 with `[1, 4, 6, 4, 1]`:
# here, the wider the blur, the smaller the change (section 7 finds a map
# where `[1, 1]` does better than `[1, 2, 1]`).*
#
# At every seed, the mean change over `k = 1, ..., 8` goes down in the same
# order: max pooling, then `[1, 1]`, `[1, 2, 1]`, `[1, 4, 6, 4, 1]`. And
# `[1, 2, 1]` and `[1, 4, 6, 4, 1]` change less than max pooling at odd
# shifts for every seed; their mean change over `k = 1, ..., 8` is at most
# 0.27 of max pooling's.
# The two-tap `[1, 1]` does not: at seeds 0 and 3 it changes more than max
# pooling at every odd `k`, and its mean over `k = 1, ..., 8` is lower there
# only because it is exactly 0 at `k = 2` and `k = 6`. Averaged over the four
# seeds it changes less at odd `k` too (0.110 against 0.131).
#
# Why are the blur-pooled curves exactly zero at `k = 2` and `k = 6`, where
# max pooling's are not? A shift by 2 reaches the second layer as a shift by
# one cell, so the second layer keeps the other phase of its blurred map. The
# mean of one phase is the full map's mean plus terms from the waves of
# frequency 1/2 along the rows or the columns, with a sign that flips with the
# phase. (Recall `fast` in section 5: mean 0, yet phase 0 keeps all `+1`,
# mean +1, and phase 1 all `-1`, mean -1.) A binomial blur has gain 0 at 1/2,
# so those terms are gone: both phases have the same mean, for every input,
# and the global average cannot tell them apart. Here on random 8x8 maps,
# three seeds, the mean of the pooled map at phase 0 (no shift) and phase 1
# (shifted by one pixel):

# %%
for seed in (3, 4, 5):
    ys = np.random.default_rng(seed).standard_normal((8, 8))
    for method in METHODS:
        phase_means = [downsample(shift(ys, 0, k), method).mean() for k in range(2)]
        print(f"seed {seed}, {METHOD_LABELS[method]:<22} mean at phase 0: {phase_means[0]:+.4f}, "
              f"at phase 1: {phase_means[1]:+.4f}")
        assert np.isclose(phase_means[0], phase_means[1]) == (method != "max")

# %% [markdown]
# With any of the three blurs both phases have the same mean, and the three
# blurs give the same number: a blur whose weights sum to 1 keeps a map's
# mean, so both phases have the mean of the dense max map itself.
#
# And the odd shifts are not exactly zero even with the widest blur. An odd
# shift switches the phase already at the first layer, and there the mean
# argument does not help: the second layer passes on not only the mean of
# its input but all its values, through a ReLU and a max. A binomial blur is
# not a perfect low-pass filter: its gain above 1/4 is small but not zero
# (the right panel above), so the first layer's two phases still differ a
# little, and the second layer's ReLU and max turn that difference into a
# change of its mean. With `[1, 2, 1]` or `[1, 4, 6, 4, 1]`, the
# features of these random networks **change less than with max pooling, but
# not zero**, at every seed tried.
#
# The same happens in real networks on real images:
#
# - Zhang (2019), "Making Convolutional Networks Shift-Invariant Again"
#   (ICML), anti-aliased ImageNet networks (ImageNet: a standard collection
#   of over a million photos in 1000 classes) by replacing *every*
#   downsampling layer with its blurred version: max pooling by MaxBlurPool
#   (as here), a strided convolution (computed only at every second pixel,
#   as in notebook 01) by ConvBlurPool (the convolution at stride 1 and its
#   ReLU, then blur and subsample), average pooling (the mean of each window
#   instead of its max) by BlurPool (blur and subsample). The *top-1 class*
#   is the class the network scores highest; *accuracy* is the percentage of
#   held-out images whose top-1 class is the right one, and *consistency*
#   the percentage of images whose top-1 class is the same for two random
#   shifts of the image. In the table, "baseline" is the network as first
#   published and "anti-aliased" the same network with the blurs. The
#   figures below are those of the current README of the paper's code
#   repository (`adobe/antialiased-cnns`), which supersedes the paper's
#   table: retrained models with a four-tap blur `[1, 3, 3, 1]`. (An
#   earlier version of that README gave one row per blur; with
#   `[1, 4, 6, 4, 1]` ResNet50 reached 77.04% accuracy and 91.31%
#   consistency.)
#
#   | network | accuracy, baseline -> anti-aliased | consistency, baseline -> anti-aliased |
#   | --- | --- | --- |
#   | ResNet50 | 76.16 -> 77.41 | 89.20 -> 91.32 |
#   | VGG16 | 71.59 -> 72.96 | 88.52 -> 90.91 |
#   | AlexNet | 56.55 -> 56.94 | 78.18 -> 83.31 |
#
#   Consistency rose for every network the README lists, and so did accuracy.
# - Azulay & Weiss (2019), "Why do deep convolutional networks generalize so
#   poorly to small image transformations?" (JMLR), downscaled ImageNet
#   images, embedded them in a larger black canvas and moved them by one
#   pixel at a time: the top-1 class of modern networks (VGG16, ResNet50,
#   InceptionResNetV2) often changed, and more often the deeper the network.
#   They traced the architectural part to subsampling that ignores the
#   sampling theorem, as here. They also found that training with shifted
#   copies of the images (data augmentation) makes a network invariant only
#   for images similar to the typical images of its training set: varied
#   training data give invariance near the training distribution, not in
#   general. Notebook 04 comes back to this.
#
# ## 7. Live view: max pooling against blur pooling
#
# Drag the slider (or click it and use the arrow keys) to slide the cat one
# pixel at a time. The panels show the input with the 2x2 pooling grid, the
# feature map (ReLU of one hand-made filter, circular padding), its max-pooled
# map and its blur-pooled map (MaxBlurPool), each pooled map with its peak
# marked by a cross. (The grid lines and the crosses are drawn in the live
# view only; the static figure after it shows the same four panels without
# them.) Two rows of buttons choose the filter (vertical edge,
# horizontal edge, ear) and the blur (`rect2` = `[1, 1]`, `tri3` = `[1, 2, 1]`,
# `bin5` = `[1, 4, 6, 4, 1]`).
#
# The readout compares each pooled map with the *ideal*. Let `R` be the
# pooled map of the cat at column 4 (the reference) and `S_j R` that map
# moved `j` cells right. For the cat moved by `k` pixels, the ideal is
# `S_{k/2} R` when `k` is even and, when `k = 2q + 1` is odd, half-way
# between the two nearest whole-cell moves: `(S_q R + S_{q+1} R) / 2`. Its
# *distance* is `||pooled - ideal|| / ||R||`, 0 when the pooled map follows
# the cat exactly. Beside it stands a **baseline**: the same distance for the
# reference map itself, a map that did not move at all. A distance means
# something only against it: a smooth map lies close to its own half-cell
# move even when it does not move, so a blurred map starts with an advantage.
# The readout also gives how much the mean of each pooled map changed, the
# number a global average pool would pass on: for the blur pool it stays at
# 0, for the reason section 6 gave. Watch the max-pooled distance jump
# between 0 and about its baseline as `k` goes even, odd, even.

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
               f"max pool: distance {s['max_error']:.2f}\n(unmoved map: {s['max_unmoved']:.2f})",
               f"blur pool: distance {s['blur_error']:.2f}\n(unmoved map: {s['blur_unmoved']:.2f})"]
    print(f"k = {s['shift']}: distance from the ideal {s['max_error']:.2f} (unmoved map {s['max_unmoved']:.2f}) "
          f"max pool, {s['blur_error']:.2f} (unmoved map {s['blur_unmoved']:.2f}) blur pool; mean of the pooled "
          f"map changed by {100 * s['max_mean_change']:.1f}% (max pool), "
          f"{100 * s['blur_mean_change']:.1f}% (blur pool)")
print("largest value in the feature and pooled maps:", max(float(m.max()) for m in frames[1::4] + frames[2::4]
                                                           + frames[3::4]), "(the colour scale ends at 3)")
fig = small_multiples(frames, titles, kind=["image", "magnitude", "magnitude", "magnitude"] * 3, vmax=3, ncols=4)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.5, label="map value")
show(fig)


# %% [markdown]
# *Three rows, one per position of the cat (k = 0, 1, 2): the input, the
# vertical-edge feature map, the max-pooled map and the blur-pooled map, the
# maps on one colour scale from 0 to 3 (bar on the right; no value is above
# 3). At k = 2 both pooled maps are the k = 0 maps moved by one cell
# (distance 0). At k = 1 the max-pooled map is a different picture: distance
# 0.56, hardly less than the 0.61 of a map that did not move at all. The
# blur-pooled map is at distance 0.17 against a baseline of 0.41: it moved
# more than half-way from "not moved" to the ideal.*
#
# The same distances in numbers, for all three filters and every blur, each
# with its unmoved baseline and the ratio of the two: 1 means no closer to
# the ideal than not moving at all, 0 means exactly the ideal. Every even `k`
# the slider reaches (the cat at columns 0 to 19, `k = -4` to `15`) gives
# distance 0, and every odd one the same distance as `k = 1`, since two more
# pixels are exactly one more pooled cell (all checked, and the formula of the
# ideal too); so one row per filter and pooling tells the story:

# %%
def pooled_distance(filter_name, method, k):
    """Distance from the ideal of the pooled feature map of the cat shifted by k from the reference column,
    and the same distance for the unmoved reference map (the baseline)."""
    reference = downsample(cat_feature_map(CAT_REFERENCE, filter_name), method)
    moved = downsample(cat_feature_map(CAT_REFERENCE + k, filter_name), method)
    return ideal_shift_error(moved, reference, k), ideal_shift_error(reference, reference, k)


R = downsample(cat_feature_map(CAT_REFERENCE, "ear"), "max")
moved3 = downsample(cat_feature_map(CAT_REFERENCE + 3, "ear"), "max")
ideal3 = (shift(R, 0, 1) + shift(R, 0, 2)) / 2  # k = 3 = 2 * 1 + 1
assert np.isclose(ideal_shift_error(moved3, R, 3), np.linalg.norm(moved3 - ideal3) / np.linalg.norm(R))
slider_ks = range(-CAT_REFERENCE, 20 - CAT_REFERENCE)  # the cat at columns 0 to 19
print("odd k (every even k gives distance 0): distance from the ideal / unmoved baseline = ratio")
print(f"{'filter':<16}", "".join(f"{METHOD_LABELS[m]:>24}" for m in METHODS))
ratio, baseline = {}, {}
for filter_name in FILTERS:
    d = {m: {k: pooled_distance(filter_name, m, k) for k in slider_ks} for m in METHODS}
    assert all(d[m][k][0] < 1e-12 for m in METHODS for k in slider_ks if k % 2 == 0)
    assert all(np.isclose(d[m][k][0], d[m][1][0]) for m in METHODS for k in slider_ks if k % 2 == 1)
    ratio[filter_name] = {m: d[m][1][0] / d[m][1][1] for m in METHODS}
    baseline[filter_name] = {m: d[m][1][1] for m in METHODS}
    print(f"{filter_name:<16}", "".join(f"{f'{d[m][1][0]:.2f} / {d[m][1][1]:.2f} = {ratio[filter_name][m]:.2f}':>24}"
                                        for m in METHODS))
for name in ("max", "bin5"):
    values = [r[name] for r in ratio.values()]
    print(f"{METHOD_LABELS[name]}: ratio from {min(values):.2f} to {max(values):.2f}")
assert all(b["bin5"] < b["max"] for b in baseline.values())  # the smoother map starts closer to the ideal
assert all(r["max"] > 0.8 and r["bin5"] < 0.6 for r in ratio.values())
assert ratio["ear"]["rect2"] > 1
assert ratio["horizontal edge"]["rect2"] < ratio["horizontal edge"]["tri3"]  # the wider blur is not always closer

# %% [markdown]
# The unmoved baseline shows why the raw distance is not fair: the
# blur-pooled maps are smoother, so even unmoved they lie closer to the
# ideal than the max-pooled ones (a smaller baseline, for every filter).
# Against its own baseline, max pooling at odd `k` is hardly better than not
# moving at all: ratio from 0.83 to 1.00. The `[1, 4, 6, 4, 1]` blur cuts the
# distance to about half of its baseline or less, for every filter (ratio
# from 0.29 to 0.52). The short `[1, 1]` blur helps less, and with the
# ear filter it is farther from the ideal than the unmoved map: two taps are
# too few to remove the fast patterns (in the picture of section 6 its gain
# above 1/4 stays high). The order by width is not a law, though: with the
# horizontal-edge filter `[1, 1]` (ratio 0.34) comes closer than `[1, 2, 1]`
# (0.37).
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
# - A stack of max-pooling layers with total stride `s_tot` is equivariant to
#   the shifts by multiples of `s_tot`; with a global average on top it is
#   invariant to them, for every input. Other shifts change the features for
#   most inputs (not for a constant image, which no shift changes). Depth makes the maps
#   coarser and shrinks that set; the globally pooled features of these
#   random two-layer networks changed more than the one-layer ones, on
#   average over the sprites, for every seed.
# - A pattern that repeats every `P` pixels has frequency `1 / P` cycles per
#   pixel; the fastest, `+1, -1, +1, -1, ...`, has 1/2. Keeping every second
#   pixel turns it into a constant whose sign depends on the phase
#   (aliasing); the `[1, 2, 1]` blur removes it first (gain 0) and halves
#   the pattern of frequency 1/4.
# - The gap comes from aliasing. Blurring before subsampling (blur pooling)
#   removes the patterns that alias. With a blur of three taps or more the
#   features of every random network tried changed less under one-pixel
#   shifts than with max pooling, though not zero; the two-tap `[1, 1]`
#   changed more at odd shifts at two of the four seeds. Blur pooling also
#   makes the global average ignore the last layer's phase, so the two-layer
#   features did not change at all at `k = 2` and `6`.
#
# ## Further reading
#
# - Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019:
#   anti-aliased CNNs and BlurPool; its code repository, `adobe/antialiased-cnns`,
#   whose README gives the figures in section 6.
# - Azulay & Weiss, "Why do deep convolutional networks generalize so poorly to
#   small image transformations?", JMLR 2019: the sampling-theorem argument,
#   measured on ImageNet networks, and the limits of data augmentation.
# - Dive into Deep Learning, the chapter on pooling: max and average pooling,
#   padding and stride.
# - Next: `03_weight_sharing`, on where equivariance comes from; then
#   `04_softmax`, where global pooling makes a trained classifier invariant and
#   softmax does not.
