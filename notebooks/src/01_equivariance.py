# %% [markdown]
# # 01 · Convolution is translation-equivariant
#
# A photo of a cat is still a photo of a cat when the cat sits a little to the
# left. A network that recognises it should not have to learn "cat" once for
# every position. Convolutional networks get part of the way there for free,
# from one property of convolution: **move the input, and the feature map moves
# the same way**. This notebook states that property precisely, checks it with
# code, and finds the one place where it fails: the border of the image.
#
# **You will learn**
# - what shifting an image means, circularly and with zeros coming in;
# - how a convolution layer computes a feature map (a loop you write yourself);
# - what *equivariant* means, and how to test it with one line of numpy;
# - why zero padding breaks equivariance near the border, and by how much;
# - why a stride of 2 only follows even shifts (a look ahead to pooling).
#
# **You need** notebook `00_start_here` (how the sliders and exercises work),
# Python, and numpy indexing.

# %%
%matplotlib inline
import numpy as np
from matplotlib.figure import Figure

from helpers.checks.equivariance import (
    PEAK_QUESTION,
    check_conv2d,
    check_peak_prediction,
    check_shift,
)
from helpers.explorers import EquivarianceExplorer
from helpers.filters import FILTERS
from helpers.ops import conv2d, shift
from helpers.sprites import cat_at, sprite
from helpers.views import small_multiples

np.set_printoptions(linewidth=120)

# %% [markdown]
# ## 1. The cat and the shift operator
#
# Our running example is a 9x9 cat: ones for ink, zeros for background. Here it
# is as numbers, two ears at the top, two eyes and a nose as holes.

# %%
print(sprite("cat").astype(int))

# %% [markdown]
# We place it on a 28x28 canvas. `cat_at(row, col)` puts the cat's top-left
# pixel at `(row, col)`.
#
# A **shift** `S` by `(dy, dx)` moves every pixel `dy` rows down and `dx`
# columns right. Something must happen to what leaves the image:
#
# - **circular**: it comes back on the other side, as if the image were drawn
#   on a torus (`np.roll`);
# - **zero**: it is lost, and zeros come in on the opposite side.
#
# A tiny example shows the difference.

# %%
tiny = np.arange(1, 13).reshape(3, 4)
print("x =\n", tiny)
print("circular shift by (0, 1) =\n", shift(tiny, 0, 1).astype(int))
print("zero shift by (0, 1) =\n", shift(tiny, 0, 1, mode="zero").astype(int))

# %% [markdown]
# On the cat, the two kinds agree as long as nothing crosses the border. Push
# the cat past the right edge and they differ: the circular shift wraps its ear
# around to the left side.

# %%
x = cat_at(9, 9)
small_multiples(
    [x, shift(x, 5, -6), shift(x, 0, 14), shift(x, 0, 14, mode="zero")],
    ["x: cat at (9, 9)", "shift (5, -6)", "circular shift (0, 14)", "zero shift (0, 14)"],
    kind="image",
)

# %% [markdown]
# *Four 28x28 images: the cat, the cat moved 5 down and 6 left, and the cat
# moved 14 right, where the circular shift wraps its right side around to the
# left edge and the zero shift cuts it off.*
#
# ### Exercise 1: write `shift`
#
# Write a circular shift of a 2-D array: down by `dy`, right by `dx`, any
# integer (negative, or larger than the image). Use indexing or `np.roll`.

# %% tags=["solution"]
def my_shift(x, dy, dx):
    """Circularly shift the 2-D array x down by dy and right by dx."""
    # BEGIN SOLUTION
    h, w = x.shape
    rows = (np.arange(h) - dy) % h
    cols = (np.arange(w) - dx) % w
    return x[rows[:, None], cols[None, :]]
    # END SOLUTION


# %%
check_shift(my_shift)

# %% [markdown]
# ## 2. Convolution, from scratch
#
# A convolution layer slides a small kernel `w` over the image. At each
# position it multiplies the kernel with the patch under it and adds up:
#
# $$\text{out}[i, j] = \sum_{u, v} w[u, v]\, x[i + u, j + v].$$
#
# Strictly speaking this is *cross-correlation*: a mathematician's convolution
# would flip the kernel first. Every deep-learning framework computes the
# unflipped version and calls it convolution; so do we, and so does
# `helpers.ops.conv2d`.
#
# Without padding ("valid"), an `H x W` image and a `kh x kw` kernel give a map
# of size `(H - kh + 1) x (W - kw + 1)`: the kernel must fit inside. A small
# example you can check by hand:

# %%
x_small = np.array([[0, 1, 2, 3],
                    [4, 5, 6, 7],
                    [8, 9, 10, 11],
                    [12, 13, 14, 15]], dtype=float)
w_small = np.array([[1, 0],
                    [0, -1]], dtype=float)
print(conv2d(x_small, w_small))

# %% [markdown]
# Every entry is `-5`: each one is `x[i, j] - x[i + 1, j + 1]`, and along a
# diagonal this image grows by 5.
#
# ### Exercise 2: the loop convolution
#
# Write `my_conv2d(x, w)` with two Python loops over the output positions. It
# should give exactly what `conv2d(x, w)` gives.

# %% tags=["solution"]
def my_conv2d(x, w):
    """Valid cross-correlation of a 2-D image x with a 2-D kernel w."""
    # BEGIN SOLUTION
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * w)
    return out
    # END SOLUTION


# %%
check_conv2d(my_conv2d)

# %% [markdown]
# `helpers.ops.conv2d` computes the same sums without a Python loop: it takes
# a view of all the windows at once and contracts them with the kernel
# (`bench/` measures it at about 200 times faster than the loop on a batch of
# 64 images). From here on the notebook uses it.
#
# Three hand-made 3x3 filters: +1 where a filter wants ink, -1 where it wants
# background. The "ear" filter looks for the tip of the cat's left ear.

# %%
for name, w in FILTERS.items():
    print(f"{name}:\n{w.astype(int)}\n")

# %% [markdown]
# With padding `"same"` (zeros around the image) the maps keep the image's
# size, so map pixel `(i, j)` is centred on image pixel `(i, j)`.

# %%
x = cat_at(9, 9)
maps = [conv2d(x, w, padding="same") for w in FILTERS.values()]
peaks = [np.unravel_index(np.argmax(m), m.shape) for m in maps]
small_multiples([x, *maps], ["input x", *FILTERS], kind=["image", "signed", "signed", "signed"],
                markers=[None, *peaks], vmax=3)

# %% [markdown]
# *The cat and its three feature maps, on one scale from -3 (blue) to +3 (red),
# with the strongest response of each map marked by a cross. The vertical-edge
# map is positive on the left edges of ink, negative on the right edges; the
# ear map has a single peak, at the tip of the left ear.*

# %%
ear_map = conv2d(x, FILTERS["ear"], padding="same")
print("ear map maximum:", ear_map.max(), "at", np.argwhere(ear_map == ear_map.max()).tolist())

# %% [markdown]
# The maximum, 3, occurs at exactly one pixel: `(9, 9)`, the tip of the left
# ear, which is the cat's top-left pixel.
#
# ## 3. Equivariance, as a check that runs
#
# A function `f` of images is **equivariant** to shifts if shifting the input
# shifts the output the same way:
#
# $$f(S\,x) = S\,f(x) \quad \text{for every shift } S.$$
#
# It is **invariant** if shifting the input leaves the output unchanged,
# `f(S x) = f(x)`. These are different promises: an equivariant feature map
# moves with the cat; an invariant answer ("cat") does not move at all.
#
# With circular padding, the convolution treats the image as a torus, the same
# way the circular shift does. Then equivariance holds *exactly*, for every one
# of the 28 x 28 = 784 possible shifts:

# %%
def conv_circ(img):
    return conv2d(img, FILTERS["ear"], padding="circular")


errors = np.array([[np.abs(conv_circ(shift(x, dy, dx)) - shift(conv_circ(x), dy, dx)).max()
                    for dx in range(28)] for dy in range(28)])
print("largest error over all 784 shifts:", errors.max())
assert errors.max() == 0.0

# %% [markdown]
# The error is not small: it is zero, to the last bit. Each output pixel is the
# same weighted sum of the same input pixels, just at a new place.
#
# ## 4. Zero padding: exact away from the border
#
# Real networks mostly pad with zeros. The image is no longer a torus, so the
# check can only hold where the filter never looks past the border. Move the
# cat (circularly, so it wraps around) across the canvas in steps of one column
# and measure the error for zero padding, with the 3x3 ear filter and with a
# 5x5 filter.

# %%
w5 = np.random.default_rng(0).standard_normal((5, 5))
base = cat_at(9, 9)
cols = np.arange(28)


def zero_pad_error(w, col):
    def f(img):
        return conv2d(img, w, padding="same")
    xs = shift(base, 0, col - 9)
    return np.abs(f(xs) - shift(f(base), 0, col - 9)).max()


err3 = np.array([zero_pad_error(FILTERS["ear"], c) for c in cols])
err5 = np.array([zero_pad_error(w5, c) for c in cols])
print("3x3 filter, non-zero error at columns:", cols[err3 > 0].tolist())
print("5x5 filter, non-zero error at columns:", cols[err5 > 0].tolist())

# %%
fig = Figure(figsize=(7, 2.8), dpi=80, layout="constrained")
ax = fig.subplots()
ax.plot(cols, err3, "o-", label="3x3 ear filter (radius 1)")
ax.plot(cols, err5, "s--", label="5x5 random filter (radius 2)")
ax.axvspan(-0.5, 0.5, color="0.9")
ax.axvspan(18.5, 27.5, color="0.9")
ax.set_xlabel("cat's left column (the cat is 9 pixels wide)")
ax.set_ylabel("max |conv(Sx) - S conv(x)|")
ax.set_title("Zero padding: exact until the cat comes within the filter's radius of a border")
ax.legend(fontsize=9)
fig

# %% [markdown]
# *Equivariance error against the cat's column, zero padding. The error is 0
# for columns 1 to 18 with the 3x3 filter and 2 to 17 with the 5x5 filter. It
# jumps where the cat comes within the filter's radius of the left or right
# border. Shaded: the columns where the cat touches a border or wraps around it.*
#
# Why there? At the border the filter's window hangs over the edge. With zero
# padding it sees zeros there; the circularly shifted map expects it to see the
# other side of the image. **The padding is visible to the filter**, so the map
# now depends on where the object is, not only on what it is. Notebook 05 shows
# that a network can exploit exactly this to learn absolute position.
#
# ## 5. The feature map moves with the object
#
# Another way to see equivariance: follow the ear map's peak while the cat
# moves along the canvas. If the map moves with the cat, the peak's column is
# the cat's column, a line of slope one.

# %%
positions = np.arange(0, 20)
peak_cols = []
for c in positions:
    m = conv2d(cat_at(9, int(c)), FILTERS["ear"], padding="same")
    peak_cols.append(np.unravel_index(np.argmax(m), m.shape)[1])
peak_cols = np.array(peak_cols)
assert np.array_equal(peak_cols, positions)
print("peak column - cat column:", np.unique(peak_cols - positions).tolist())

# %%
fig = Figure(figsize=(4, 3.2), dpi=80, layout="constrained")
ax = fig.subplots()
ax.plot(positions, peak_cols, "o", label="peak of the ear map")
ax.plot(positions, positions, "-", color="0.5", label="slope 1")
ax.set_xlabel("cat's column")
ax.set_ylabel("column of the strongest response")
ax.set_title("The peak follows the cat, one for one")
ax.legend(fontsize=9)
fig

# %% [markdown]
# *Column of the ear map's maximum against the cat's column, for all 20
# positions where the cat fits: every point lies on the line of slope one.*
#
# ## 6. A look ahead: stride 2 follows only even shifts
#
# Networks often compute a convolution only at every second pixel (stride 2),
# halving the map. Is that still equivariant? Shift the cat by `k` pixels and
# ask whether the stride-2 map is a shifted copy of the original one.

# %%
def strided(img):
    return conv2d(img, FILTERS["ear"], padding="circular", stride=2)


ref = strided(base)
for k in range(6):
    out = strided(shift(base, 0, k))
    copy = any(np.array_equal(out, shift(ref, 0, j)) for j in range(ref.shape[1]))
    print(f"shift by {k}: stride-2 map is a shifted copy of the original: {copy}")

# %% [markdown]
# Only the even shifts give a shifted copy (by `k / 2`). An odd shift puts the
# ear tip between two sampled positions: the map samples the other half of the
# pixels, which is a different picture, not a moved one. Notebook 02 makes this
# precise, and shows how it limits the invariance that pooling gives.
#
# ## 7. Live view: move the cat yourself
#
# Drag the sliders (or click one and use the arrow keys). The panels show the
# input, the three feature maps with their peaks marked, and for the selected
# filter the difference `conv(shift(x)) - shift(conv(x))`, where `x` is the cat
# at row 9, column 9. The text below the picture gives the same information in
# numbers. Try the padding toggle: with `zero`, put the cat against a border.

# %%
EquivarianceExplorer()

# %% [markdown]
# Without a running kernel the view above cannot move. Here is what it shows at
# three positions, with zero padding:

# %%
explorer = EquivarianceExplorer(padding="zero")
frames, titles = [], []
for r, c in [(4, 4), (15, 10), (10, 0)]:
    explorer.row.value, explorer.col.value = r, c
    s = explorer.state
    frames += [s["x"], s["maps"][2], s["diff"]]
    titles += [f"cat at ({r}, {c})", f"ear map, peak {tuple(int(v) for v in s['peak'])}",
               f"difference, max {s['error']:g}"]
small_multiples(frames, titles, ncols=3, vmax=3, kind=["image", "signed", "signed"] * 3)

# %% [markdown]
# *Three rows, one per cat position: the input, the ear map (its peak always at
# the cat's top-left pixel) and the equivariance difference. The difference is
# zero (white) in the first two rows; in the last, the cat touches the left
# border and the difference is non-zero at the far right, where the circular
# shift expected the wrapped-around response.*
#
# ## Exercise 3: predict, then run
#
# The cat sits at `(9, 9)` and the ear map's peak is at `(9, 9)`. The cat is
# shifted by `(dy, dx) = (5, -3)`, with circular padding. Where is the peak of
# the new ear map? Write your answer as `(row, column)` before running anything.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_peak = None  # e.g. (row, column)
predicted_peak = (14, 6)
# END SOLUTION

# %%
check_peak_prediction(predicted_peak)

# %% [markdown]
# Now check it with code:

# %%
(r0, c0), (dy, dx) = PEAK_QUESTION["cat"], PEAK_QUESTION["shift"]
m = conv2d(shift(cat_at(r0, c0), dy, dx), FILTERS["ear"], padding="circular")
print("peak of the ear map after the shift:", tuple(int(v) for v in np.unravel_index(np.argmax(m), m.shape)))

# %% [markdown]
# ### Question
#
# A feature map is equivariant, but a classifier must say "cat" whether the cat
# is left or right: it must be *invariant*. Which operation could turn an
# equivariant feature map into a number that does not depend on where the cat
# is?
#
# <details><summary>Show an answer</summary>
#
# Any summary that ignores position: the maximum of the map, or its mean. If
# the map only moves when the cat moves (circular padding), its maximum and its
# mean cannot change. Notebooks 02 and 04 build on this: pooling, and global
# pooling before the classifier.
#
# </details>
#
# ## Summary
#
# - A shift moves every pixel by `(dy, dx)`; circular shifts wrap around, zero
#   shifts lose what leaves.
# - Deep-learning convolution is cross-correlation: slide, multiply, add.
# - It is **equivariant**: `conv(S x) = S conv(x)`, exactly, for every shift,
#   with circular padding.
# - With zero padding it is exact only while the object stays farther from the
#   border than the filter's radius; at the border the padding is visible.
# - With stride 2, only even shifts move the map cleanly.
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning* (2016), section 9.2 on
#   parameter sharing and equivariance.
# - Kayhan & van Gemert, "On Translation Invariance in CNNs: Convolutional
#   Layers can Exploit Absolute Spatial Location", CVPR 2020: what the border
#   effect of section 4 lets a network learn.
# - Next: `02_pooling`, where max pooling turns small shifts into no change at
#   all, and where that stops.
