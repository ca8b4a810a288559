# %% [markdown]
# # 01 · Convolution and shifts: equivariance, and where it fails
#
# A photo of a cat is still a photo of a cat when the cat sits a little to the
# left. A network that recognises it should not have to learn "cat" once for
# every position. Convolutional networks get part of the way there for free,
# from one property of convolution: **move the input, and the feature map moves
# the same way**. This notebook states that property precisely, checks it with
# code, and finds where it fails: near the border of the image when the
# padding is zeros, and for odd shifts when the layer has a stride of 2.
#
# **You will learn**
# - what shifting an image means, circularly and with zeros coming in;
# - how a convolution layer computes a feature map (a loop you write yourself),
#   and one cell of it seen close up: a window, nine products, one sum;
# - what *equivariant* means for an operation, and how to test it with one
#   line of numpy;
# - why a convolution with zero padding is not equivariant to shifts: the map
#   of an object near the border does not move with it;
# - why a stride of 2 only follows even shifts (a look ahead to pooling).
#
# **You need** notebook `00_start_here` (how the sliders and exercises work),
# Python, and numpy indexing.

# %%
# %matplotlib inline
import course  # noqa: F401  (makes `import helpers` work: see course.py)
import numpy as np
from matplotlib.figure import Figure

from helpers.checks.equivariance import (
    EXACT_QUESTION,
    WINDOW_QUESTION,
    check_conv2d,
    check_exact_columns,
    check_shift,
    check_strided_peak,
    check_window_sum,
)
from helpers.equivariance import sliding_window_state, window_patch
from helpers.explorers import EquivarianceExplorer, SlidingWindowExplorer
from helpers.explorers.equivariance import VMAX
from helpers.filters import FILTERS
from helpers.ops import conv2d, shift
from helpers.sprites import cat_at, sprite
from helpers.views import show, small_multiples

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
# - **circular**: it comes back on the other side (`np.roll`). Picture the
#   image drawn on a *torus*, the surface of a ring doughnut: leave it by the
#   right edge and you come back at the left edge, leave by the bottom and you
#   come back at the top;
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
show(small_multiples(
    [x, shift(x, 5, -6), shift(x, 0, 14), shift(x, 0, 14, mode="zero")],
    ["x: cat at (9, 9)", "shift (5, -6)", "circular shift (0, 14)", "zero shift (0, 14)"],
    kind="image",
))


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
# A convolution layer slides a small grid of weights, the **kernel** `w`
# (notebook 00 called it the *filter*; the two words mean the same here, and
# neither is the Jupyter kernel that runs the code), over the image. At each
# position the kernel covers a **window**: a square of pixels
# as large as the kernel. The pixel values inside the window form the
# **patch**. The layer multiplies each weight with the pixel under it and adds
# up the products:
#
# $$\text{out}[i, j] = \sum_{u=0}^{k_h - 1} \sum_{v=0}^{k_w - 1} w[u, v]\, x[i + u, j + v],$$
#
# for a `kh x kw` kernel: `u` runs over its rows, `v` over its columns, and
# `out[i, j]` is the kernel laid with its top-left corner on pixel `(i, j)`.
# (Padding, below, moves the image so that the same sum is *centred* on
# `(i, j)`.)
#
# Strictly speaking this is **cross-correlation**: weight `w[u, v]` multiplies
# the pixel in the same place of the window. A mathematician's convolution
# would flip the kernel first (turn it by 180 degrees). Every deep-learning framework computes the
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
# a view of all the windows at once and contracts them with the kernel. How
# much faster that is depends on the machine, so this notebook quotes no
# figure: `make bench` times `conv2d` against a Python loop over images,
# channels and output pixels, on a batch of 64 images with 8 output channels,
# and prints the ratio for your machine. From here on the notebook uses
# `conv2d`.
#
# Three hand-made 3x3 filters: +1 where a filter wants ink, -1 where it wants
# background, 0 where it does not look (the middle column of the vertical-edge
# filter, the middle row of the horizontal-edge one: an edge lies between its
# +1 side and its -1 side). The "ear" filter looks for the tip of the cat's
# left ear. Here, and
# in every notebook, *left* and *right* mean the sides of the picture as you look
# at it: the left ear is the one nearer column 0.

# %%
for name, w in FILTERS.items():
    print(f"{name}:\n{w.astype(int)}\n")
assert not FILTERS["vertical edge"][:, 1].any() and not FILTERS["horizontal edge"][1].any()

# %% [markdown]
# ### Radius and padding
#
# A 3x3 filter has a centre pixel and reaches one pixel beyond it in every
# direction. In general a `k x k` filter (`k` odd) reaches `r = (k - 1) / 2`
# pixels from its centre: `r` is the filter's **radius**, 1 for 3x3, 2 for 5x5.
#
# To get a map as large as the image, **pad** the image first: add `r` rows
# above and below it and `r` columns left and right, then compute the valid
# convolution of the padded image `xp`. Since `xp[a, b] = x[a - r, b - r]`,
# the sum of section 2 becomes
# `out[i, j] = sum over u, v from 0 to k - 1 of w[u, v] x[i + u - r, j + v - r]`:
# the window runs from row `i - r` to `i + r` and column `j - r` to `j + r`,
# centred on `(i, j)`. There are two ways to fill the added border:
#
# - `padding="zero"` fills it with zeros (*zero padding*);
# - `padding="circular"` fills it with the opposite side of the image, as if
#   the image were drawn on a torus (section 1).
#
# Either way, map pixel `(i, j)` is the filter centred on image pixel `(i, j)`.
# The code cell checks both definitions against `conv2d`, for a 3x3 and a 5x5
# filter.

# %%
x = cat_at(9, 9)
for w in (FILTERS["ear"], np.ones((5, 5))):
    k = w.shape[0]
    r = (k - 1) // 2
    assert np.array_equal(conv2d(x, w, padding="zero"), conv2d(np.pad(x, r), w))
    assert np.array_equal(conv2d(x, w, padding="circular"), conv2d(np.pad(x, r, mode="wrap"), w))
    print(f"{k}x{k} filter: radius {r}, padded image {np.pad(x, r).shape}, "
          f"map {conv2d(x, w, padding='zero').shape}")

# %% [markdown]
# Now the three feature maps of the cat, with zero padding. All three share one
# colour scale, set by the largest absolute value in any of them, so that no
# value is clipped. The code cell also says how many pixels reach each map's
# maximum.

# %%
maps = [conv2d(x, w, padding="zero") for w in FILTERS.values()]
scale = max(np.abs(m).max() for m in maps)
peaks = [np.unravel_index(np.argmax(m), m.shape) for m in maps]
print("colour scale: from", -scale, "to", scale)
for name, m in zip(FILTERS, maps):
    print(f"{name:>15}: min {m.min():g}, max {m.max():g}, reached at {np.sum(m == m.max())} pixel(s)")
show(small_multiples([x, *maps], ["input x", *FILTERS], kind=["image", "signed", "signed", "signed"],
                markers=[None, *peaks], vmax=scale))

# %% [markdown]
# *The cat and its three feature maps, on one scale from -4 (blue) to +4 (red).
# A cross marks one of the largest values of each map: the first in reading
# order, which is what `np.argmax` returns. The two edge maps have ties (10 and 8
# pixels reach 3), so their crosses are one choice among many; the ear map has a
# single largest value, at the tip of the left ear. The vertical-edge filter
# computes (left column of its window) minus (right column): it is negative
# along the cat's left side, where background is on the left and ink on the
# right, and positive along its right side.*
#
# One row of the vertical-edge map shows the signs. The cat covers columns 9 to
# 17; the small values in between come from its eyes, two holes in row 13.

# %%
v = maps[0]
print("vertical-edge map, row 13, columns 7 to 19:", v[13, 7:20].astype(int).tolist())
assert v[13, 8] < 0 and v[13, 9] < 0 and v[13, 17] > 0 and v[13, 18] > 0

# %%
ear_map = conv2d(x, FILTERS["ear"], padding="zero")
print("ear map maximum:", ear_map.max(), "at", np.argwhere(ear_map == ear_map.max()).tolist())

# %% [markdown]
# The maximum, 3, occurs at exactly one pixel: `(9, 9)`, the tip of the left
# ear, which is the cat's top-left pixel.
#
# ## 3. The sliding window, seen
#
# Section 2 gave the feature map as a formula and as a loop. This section
# slows the loop down to one step: one window, one cell of the map. A
# **cell** of the map is one of its entries, `out[i, j]` (a pixel of the map;
# not a notebook cell: those are called *code cells* here). The image is the
# cat at `(9, 9)` and the padding is zero padding, as for the maps above.
#
# With padding, the window of map cell `(i, j)` is *centred* on pixel
# `(i, j)`: for a 3x3 kernel it covers rows `i - 1` to `i + 1` and columns
# `j - 1` to `j + 1`. Near the border part of it lies outside the image, and
# there the patch holds the padding's zeros.
#
# The **element-wise product** of two arrays of the same shape multiplies the
# entries in the same place: entry `(u, v)` of `patch * w` is
# `patch[u, v] * w[u, v]`. For a 3x3 window that gives nine products. numpy's
# `*` computes exactly this (it is not the matrix product `@`). The map's cell
# is their sum: `out[i, j] = np.sum(patch * w)`.
#
# The kernel is the same nine weights at every position; only the patch
# changes as the window moves.
#
# Drag the sliders (or click one and use the arrow keys) to move the window's
# centre; the buttons choose the kernel. The five panels, left to right, read
# as one equation, patch × kernel (element by element) = products → their
# sum, one cell of the map:
#
# 1. the image, with the window outlined in orange. The dashed frame is the
#    image's edge; the one-pixel strip outside it is the padding;
# 2. the patch: the nine pixels under the window. Italic numbers are padding;
# 3. the kernel, the same at every window;
# 4. the nine products, `patch * w`, and their sum;
# 5. the feature map, with the window's cell outlined.
#
# Panels 2 to 4 write each of their nine numbers in its square. The image
# and the patch are black for ink (1) and white for background (0). The
# kernel, the products and the map can be negative, so they share one colour
# scale, from -4 (blue) through 0 (almost white) to +4 (red), the scale of
# the maps in section 2: the same number has the same colour in all three.
#
# The map is filled row by row, left to right, the order of the two loops of
# Exercise 2: the window's own cell and the cells before it are filled in,
# the cells after it are a grey darker than the near-white of 0: not
# computed yet. We show it this way rather than the whole map at once because it is
# what the loop does: each window position makes one cell, and the map holds
# nothing that no window has computed. Moving the window back empties cells
# again: the picture always shows the loop stopped at the window's position.
# The text below the picture gives the same numbers.
#
# The view starts with the window at row 9, column 6, on background three
# columns left of the ear tip: the patch is all zeros, so are the nine
# products, and the cell is 0. Things to try: put the window on the tip of
# the left ear, row 9, column 9 (the patch has ink exactly where the ear
# kernel has +1, so the sum is 3, the map's maximum); move it onto the cat's
# left eye, row 13, column 11; take it to a corner, where five of its nine
# pixels are padding.

# %%
SlidingWindowExplorer()

# %% [markdown]
# In a copy of this notebook that is not running (no Jupyter kernel behind
# it), the view above is a still picture and cannot move. Here is what it
# shows for the ear kernel at three window positions:

# %%
frames, titles, boxes = [], [], []
for r, c in [(9, 9), (13, 11), (27, 27)]:
    s = sliding_window_state(r, c, "ear")
    frames += [s["x"], s["patch"], s["kernel"], s["products"], s["filled"]]
    titles += [f"window centred at ({r}, {c})", "patch", "kernel w (ear)",
               f"products: sum {s['sum']:g}", f"map, cell ({r}, {c}) = {s['value']:g}"]
    boxes += [(r - 1, c - 1, 3, 3), None, None, None, (r, c, 1, 1)]
    print(f"window centred at ({r}, {c}): patch {s['patch'].astype(int).tolist()}, "
          f"sum of the nine products {s['sum']:g}, map cell {s['value']:g}, {s['outside']} pixels of padding")
assert sliding_window_state(9, 9)["sum"] == ear_map.max() and sliding_window_state(13, 11)["sum"] == ear_map.min()
show(small_multiples(frames, titles, kind=["image", "image", "signed", "signed", "signed"] * 3, ncols=5,
                     vmax=VMAX, annotate=[False, True, True, True, False] * 3, boxes=boxes))

# %% [markdown]
# *Three steps of the sliding window with the ear kernel, one per row: the
# image with the window outlined in orange, the patch, the kernel, the nine
# products (each with its numbers) and the feature map filled row by row up to
# the window's cell (outlined; grey cells are not computed yet). Top: on the
# ear tip the products are 1 where the patch has ink and 0 elsewhere, sum 3,
# the map's maximum. Middle: on the left eye (a hole in the ink) all six
# weights of -1 meet ink and only two of the three +1 weights do, so the sum
# is -6 + 2 = -4, the map's minimum. Bottom: the last window, centred on the
# corner pixel `(27, 27)`: its bottom row and right column (five pixels) lie
# outside the image, so they are padding and its outline sticks out of the
# picture; the other four pixels are background. All nine products are 0, and
# the map is complete.*
#
# The claim of this section: every cell of the feature map is the sum of the
# nine element-wise products of its window's patch with the kernel, unflipped.
# The code cell below computes that sum for all 28 x 28 = 784 windows and all
# three kernels and compares it with `conv2d`. `window_patch(x, i, j)` returns
# the patch of the window centred on `(i, j)`, with the padding's zeros where
# the window leaves the image. The code also counts the map cells where the
# flipped kernel (a mathematician's convolution) would give another number.

# %%
x = cat_at(9, 9)
for name, w in FILTERS.items():
    sums = np.array([[np.sum(window_patch(x, i, j) * w) for j in range(28)] for i in range(28)])
    m = conv2d(x, w, padding="zero")
    assert np.array_equal(sums, m)
    flipped = conv2d(x, w[::-1, ::-1], padding="zero")
    print(f"{name:>15}: all 784 cells equal their window's sum of products; "
          f"the flipped kernel would change {np.sum(flipped != m)} of them")

# %% [markdown]
# `conv2d` computes cross-correlation: the same sums, with the kernel as it is
# written. The flip is not a detail of notation: for each of these kernels it
# would change dozens of cells of the map.
#
# ### Exercise 3: one cell by hand
#
# Here are a 5x5 image `x_ex` and a 3x3 kernel `w_ex`. Without running
# `conv2d`, work out the cell `(1, 2)` of `conv2d(x_ex, w_ex, padding="zero")`:
# find the window centred on row 1, column 2 (rows and columns counted from
# 0), write down its patch, multiply it element by element with `w_ex`, and
# add the nine products. In the code cell below, replace `None` with that
# number: `my_cell = ...`.

# %%
x_ex, w_ex = WINDOW_QUESTION["x"], WINDOW_QUESTION["w"]
print("x_ex =\n", x_ex.astype(int))
print("w_ex =\n", w_ex.astype(int))

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: my_cell = None  # one number: conv2d(x_ex, w_ex, padding="zero")[1, 2]
my_cell = 15
# END SOLUTION

# %%
check_window_sum(my_cell)

# %% [markdown]
# Now let numpy do the same steps:

# %%
patch_ex = window_patch(x_ex, 1, 2)
print("patch =\n", patch_ex.astype(int))
print("patch * w_ex =\n", (patch_ex * w_ex).astype(int))
print("sum:", int(np.sum(patch_ex * w_ex)), "  conv2d cell (1, 2):", int(conv2d(x_ex, w_ex, padding="zero")[1, 2]))

# %% [markdown]
# ## 4. Equivariance, as a check that runs
#
# What the window showed has a consequence. The same nine weights multiply
# every window, and a cell of the map depends only on the patch under its
# window. Shift the cat by a small `(dy, dx)`, so that the ear tip stays
# clear of the border: the patch that the window centred on
# `(9, 9)` saw, the ear tip, is now under the window centred on
# `(9 + dy, 9 + dx)`. Same patch, same weights, so the same sum: the value 3
# that map cell `(9, 9)` held is now in map cell `(9 + dy, 9 + dx)`. Shifting
# the image changes *which window sees the cat*, not what that window
# computes. The code cell below checks it for a shift by `(3, 5)`:

# %%
ear = FILTERS["ear"]
xs = shift(x, 3, 5)
assert np.array_equal(window_patch(xs, 12, 14), window_patch(x, 9, 9))
print("ear map of x, cell (9, 9):", conv2d(x, ear, padding="zero")[9, 9],
      "| ear map of x shifted by (3, 5), cell (12, 14):", conv2d(xs, ear, padding="zero")[12, 14])


# %% [markdown]
# If this holds for every window, the whole map moves with the cat. The
# argument needs the patch to move with the image. The image's pixels do; the
# padding's zeros do not: they stay outside the border wherever the cat goes.
# A window that reaches into the padding, before or after the shift, can
# therefore see a different patch, which is what section 5 examines. First,
# the property itself.
#
# Notebook 00 gave the definition. An operation `f` on images is
# **equivariant to the shifts in a set `G`** (for example all shifts, or, in
# section 7, only the even ones) if for each shift `S` in `G` there is an
# output shift `S'` such that
#
# $$f(S\,x) = S'\,f(x) \quad \text{for every input } x.$$
#
# For a convolution that keeps the image's size, the candidate is `S'` = `S`
# itself: `f(S x) = S f(x)`. The operation is **invariant** to `G` if `S'` does
# nothing: `f(S x) = f(x)` for every `S` in `G` and every `x`. These are
# different promises about an operation: the feature map computed by an
# equivariant convolution moves with the cat; the answer ("cat") of an
# invariant classifier does not move at all. A promise about every input
# cannot be proved by trying inputs, but one input where the equality fails
# disproves it.
#
# With circular padding, the convolution treats the image as a torus, the same
# way the circular shift does. Take for `f` the convolution with the ear
# kernel and circular padding (`conv_circ` below). For one shift, the error is
# the largest absolute difference between `f(S x)` and `S f(x)` over all the
# pixels of the map. For the cat, `f(S x) = S f(x)` holds *exactly* for every
# one of the 28 x 28 = 784 possible shifts:

# %%
def conv_circ(img):
    return conv2d(img, FILTERS["ear"], padding="circular")


errors = np.array([[np.abs(conv_circ(shift(x, dy, dx)) - shift(conv_circ(x), dy, dx)).max()
                    for dx in range(28)] for dy in range(28)])
print("largest error over all 784 shifts:", errors.max())
assert errors.max() == 0.0

# %% [markdown]
# The error is not small: it is zero, to the last bit. And it is zero for
# every input, not only the cat: with circular padding each output pixel of
# the shifted image is the same weighted sum of the same input pixels, just at
# a new place. So the convolution with circular padding is equivariant to
# every shift, with `S'` = `S`.
#
# ## 5. Zero padding: the equality holds only for inputs far enough from the border
#
# Real networks mostly pad with zeros. Then the convolution is not equivariant
# to shifts, but `conv(S x) = S conv(x)` still holds for some inputs. For
# which? Move the cat along row 9 in steps of one
# column (with the circular shift, so past column 19 it wraps around) and
# measure the same error as in section 4, now with zero padding, for the 3x3
# ear filter (radius 1) and for random 5x5 filters (radius 2) drawn with
# seeds 0, 1 and 2.

# %%
base = cat_at(9, 9)
cols = np.arange(28)


def zero_pad_error(w, col):
    def f(img):
        return conv2d(img, w, padding="zero")
    xs = shift(base, 0, col - 9)
    return np.abs(f(xs) - shift(f(base), 0, col - 9)).max()


err3 = np.array([zero_pad_error(FILTERS["ear"], c) for c in cols])
print("3x3 ear filter, error exactly 0 for the cat at columns:", cols[err3 == 0].tolist())
assert cols[err3 == 0].tolist() == list(range(1, 19))
for seed in (0, 1, 2):
    w5 = np.random.default_rng(seed).standard_normal((5, 5))
    err = np.array([zero_pad_error(w5, c) for c in cols])
    print(f"5x5 random filter, seed {seed}, error exactly 0 for the cat at columns:", cols[err == 0].tolist())
    assert cols[err == 0].tolist() == list(range(2, 18))
    if seed == 0:
        err5 = err  # plotted below

# %%
fig = Figure(figsize=(7, 2.8), dpi=80, layout="constrained")
ax = fig.subplots()
ax.plot(cols, err3, "o-", label="3x3 ear filter (radius 1)")
ax.plot(cols, err5, "s--", label="5x5 random filter, seed 0 (radius 2)")
ax.axvspan(-0.5, 0.5, color="0.9")
ax.axvspan(18.5, 27.5, color="0.9")
ax.set_xlabel("cat's left column (the cat is 9 pixels wide)")
ax.set_ylabel("max |conv(Sx) - S conv(x)|")
ax.set_title("Zero padding: conv(Sx) = S conv(x) only while r empty columns separate the cat from each border")
ax.legend(fontsize=9)
show(fig)

# %% [markdown]
# *The error max |conv(S x) - S conv(x)| against the cat's column, zero padding, for the ear
# filter and the seed-0 random 5x5 filter (the other two seeds give the same
# exact columns, printed above; the size of the error elsewhere depends on the
# filter). The error is 0 for columns 1 to 18 with the 3x3 filter and 2 to 17
# with the 5x5 filters: the
# cat at column `c` covers columns `c` to `c + 8`, so it has `c` empty columns
# on its left and `19 - c` on its right, and the error is zero exactly when both
# are at least the radius `r`. Shaded: the columns where the cat touches a
# border (0 and 19) or wraps around it (20 to 27).*
#
# ### Why compare with the circular shift?
#
# The error above compares the map of the moved cat with the *circularly*
# shifted map of the reference cat. That is the right comparison, for three
# reasons, each checked by the next code cell.
#
# 1. For a convolution that keeps the image's size, the output shift `S'` of
#    the definition is the input shift `S` itself: `f(S x) = S f(x)`, the same
#    shift on both sides. The cat was moved with the circular shift, so its map
#    must be compared with the circular shift of the reference map. (For columns 0 to
#    19 nothing wraps around: the moved image is exactly `cat_at(9, col)`.)
# 2. A circular shift loses nothing; it can be undone. If the map of the moved
#    cat equals the circularly shifted map, all of the reference response is
#    there, only moved. A zero shift drops whatever crosses the border, and it
#    drops it on both sides of the comparison, so it cannot see that part of the
#    response went missing: compared with zero shifts, the error would be 0 at
#    every column from 0 to 19, column 0 included.
# 3. It measures exactly what zero padding changes. The reference cat `x` at
#    `(9, 9)` is far from the border, so its zero-padded and circular maps are
#    equal: `conv_zero(x) = conv_circ(x)`. The circular convolution is
#    equivariant (section 4): `S conv_circ(x) = conv_circ(S x)`. Together,
#    `S conv_zero(x) = S conv_circ(x) = conv_circ(S x)`, so the error
#    `conv_zero(S x) - S conv_zero(x)` is `conv_zero(S x) - conv_circ(S x)`:
#    the difference between the two paddings for the moved cat, which can only
#    be non-zero where the window overlaps the padding, in the outer `r`
#    columns (and rows) of the map.

# %%
ear = FILTERS["ear"]
assert np.array_equal(conv2d(base, ear, padding="zero"), conv2d(base, ear, padding="circular"))  # reason 3
zero_shift_errors = []
for c in range(20):
    xs = shift(base, 0, c - 9)
    assert np.array_equal(xs, cat_at(9, c))                                  # reason 1
    moved_zero = shift(conv2d(base, ear, padding="zero"), 0, c - 9, mode="zero")
    zero_shift_errors.append(np.abs(conv2d(xs, ear, padding="zero") - moved_zero).max())
    diff = conv2d(xs, ear, padding="zero") - shift(conv2d(base, ear, padding="zero"), 0, c - 9)
    assert np.array_equal(diff, conv2d(xs, ear, padding="zero") - conv2d(xs, ear, padding="circular"))  # reason 3
print("compared with zero shifts, largest error over columns 0 to 19:", max(zero_shift_errors))  # reason 2
for c in (0, 19):
    xs = cat_at(9, c)
    diff = conv2d(xs, ear, padding="zero") - conv2d(xs, ear, padding="circular")
    print(f"cat at column {c}: the error is non-zero only in map columns", np.unique(np.nonzero(diff)[1]).tolist())

# %% [markdown]
# What goes missing? With the cat at column 0, its leftmost column holds ink.
# The filter centred one pixel further left, on column -1, would see that ink,
# but column -1 is not on the map. The circular map wraps that response around
# to column 27 (its window there reaches past the right edge and finds the cat's
# left side); the zero-padded map finds zeros there instead. So near the border
# the zero-padded map is no longer a complete, moved copy of the reference map:
# what it holds depends on where the cat is, not only on what it is. **The
# border is visible to the filter.** Notebook 05 shows that a network can exploit
# exactly this to learn absolute position.
#
# ## 6. The feature map moves with the object
#
# Another way to see the map move with the cat: follow the ear map's peak while the cat
# moves along the canvas. If the map moves with the cat, the peak's column is
# the cat's column, a line of slope one. The peak is well defined: the code
# cell checks that the ear map reaches its maximum at a single pixel for every
# position.

# %%
positions = np.arange(0, 20)
peak_cols = []
for c in positions:
    m = conv2d(cat_at(9, int(c)), FILTERS["ear"], padding="zero")
    assert np.sum(m == m.max()) == 1
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
ax.set_ylabel("column of the ear map's maximum")
ax.set_title("The peak follows the cat, one for one")
ax.legend(fontsize=9)
show(fig)

# %% [markdown]
# *Column of the ear map's maximum against the cat's column, for all 20
# positions where the cat fits: every point lies on the line of slope one.*
#
# ### An exact peak in an inexact map?
#
# At columns 0 and 19, section 5 measured a non-zero error, yet the peak lies
# exactly on the line. There is no contradiction. The error is the largest
# difference over the whole map, and the difference sits only in the map's
# outermost column on the far side (column 27 for the cat at column 0, column 0
# for the cat at column 19), far from the ear tip. The tip's own window does
# overlap the padding when the cat is at column 0, but there both paddings give
# zeros (column 27 of the image is empty), which is also the background the ear
# filter wants on that side. So the peak keeps its value and its place:

# %%
for c in (0, 19):
    m = conv2d(cat_at(9, c), FILTERS["ear"], padding="zero")
    assert np.array_equal(m[:, 1:27], conv2d(cat_at(9, c), FILTERS["ear"], padding="circular")[:, 1:27])
    print(f"cat at column {c}: peak value {m.max():g} at {np.argwhere(m == m.max()).tolist()}; "
          f"map columns 1 to 26 equal the circular map's")


# %% [markdown]
# ## 7. A look ahead: a stride-2 convolution is equivariant only to even shifts
#
# Networks often compute the map only at every second pixel: **stride 2**. With
# the same padding as before, the stride-2 map is the full map sampled at even
# rows and even columns; its pixel `(i, j)` is the filter centred on image pixel
# `(2i, 2j)`. A 28x28 image gives a 14x14 map.

# %%
def strided(img):
    return conv2d(img, FILTERS["ear"], padding="circular", stride=2)


assert np.array_equal(strided(base), conv_circ(base)[::2, ::2])
print("stride-2 map shape:", strided(base).shape)

# %% [markdown]
# The ear tip must land on that grid of even pixels to be seen. With the cat at
# `(9, 9)` the tip is at the odd pixel `(9, 9)`: no stride-2 output is centred
# on it, and the map's largest value is 1, not 3. So for this section the cat
# sits at `(8, 8)`: its tip is on the grid, and the stride-2 map has its peak, 3,
# at `(4, 4)`.

# %%
for pos in [(9, 9), (8, 8)]:
    s2 = strided(cat_at(*pos))
    print(f"cat at {pos}: stride-2 map maximum {s2.max():g} at {np.argwhere(s2 == s2.max()).tolist()}")

# %% [markdown]
# Now shift the cat by `k` columns and look for a shift of the stride-2 map that
# reproduces the new map. For each `k` the code cell tries all 14 x 14 = 196
# circular shifts `(a, j)` of the 14x14 map and reports the smallest error it
# can reach.

# %%
base8 = cat_at(8, 8)
ref8 = strided(base8)
for k in range(7):
    out = strided(shift(base8, 0, k))
    errs = np.array([[np.abs(out - shift(ref8, a, j)).max() for j in range(14)] for a in range(14)])
    if errs.min() == 0:
        ((a, j),) = np.argwhere(errs == 0)
        print(f"shift by {k}: the stride-2 map moved by ({a}, {j}), error 0")
    else:
        print(f"shift by {k}: no shift of the stride-2 map matches; smallest error {errs.min():g}, "
              f"map maximum {out.max():g}")

# %%
show(small_multiples([strided(shift(base8, 0, k)) for k in range(4)],
                [f"stride 2, cat shifted by {k}" for k in range(4)], vmax=scale))

# %% [markdown]
# *The stride-2 ear map for the cat at `(8, 8)` shifted right by 0, 1, 2 and 3
# pixels, on the same -4 to +4 scale as before. Shifts 0 and 2 give the same
# picture, one column apart, with the red peak at the ear tip; shifts 1 and 3
# give a different picture, and the peak is gone.*
#
# An even shift `k` moves the stride-2 map by exactly `j = k / 2` columns: the
# stride-2 convolution is equivariant to even shifts, with the output shift
# `S'` = a shift by `k / 2` (the definition of section 4, with an `S'` that is
# not `S`). To odd shifts it is not equivariant: for the cat shifted by an odd
# `k`, no output shift matches, and one such input is enough. An odd shift
# moves the ear tip to an odd column, and the stride-2 map then holds
# the full map's *odd* columns, the half of the pixels it skipped before (the
# next code cell checks it). That is a different picture, not a moved one: the best
# of the 196 shifts still misses by 3, the whole height of the peak. Notebook 02
# makes this precise, and shows how it limits the invariance that pooling gives.

# %%
full8 = conv_circ(base8)
for k in (1, 3, 5):
    assert np.array_equal(strided(shift(base8, 0, k)), shift(full8[::2, 1::2], 0, (k + 1) // 2))
print("odd k: the stride-2 map is the full map's odd columns, moved by (k + 1) / 2")

# %% [markdown]
# ### Exercise 4: where does the peak go?
#
# The cat sits at `(8, 8)` and the stride-2 ear map has its peak, 3, at
# `(4, 4)`. Now shift the cat **circularly** by `(dy, dx) = (6, 24)`: 6 rows
# down and 24 columns right, so it leaves the right edge and comes back on
# the left. Where is the peak of the new stride-2 map? Work it out without
# running anything, then write it as `(row, column)`.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_peak = None  # (row, column) in the 14x14 stride-2 map
predicted_peak = (7, 2)
# END SOLUTION

# %%
check_strided_peak(predicted_peak)

# %% [markdown]
# Now run it:

# %%
moved = strided(shift(base8, 6, 24))
print("stride-2 ear map after the shift: maximum", moved.max(), "at", np.argwhere(moved == moved.max()).tolist())

# %% [markdown]
# ## 8. Live view: move the cat yourself
#
# Drag the sliders (or click one and use the arrow keys); click the buttons to
# choose the filter and the padding. The panels show the input, the three
# feature maps (a cross marks one of each map's largest values: the first in
# reading order) and, for the chosen filter, the difference
# `conv(shift(x)) - shift(conv(x))`, where `x` is the cat at row 9, column 9. All
# signed panels use the scale from -4 to +4. The text below the picture gives the
# same information in numbers, including how many pixels tie for the maximum.
# Try the padding buttons: with `zero`, put the cat against a border.

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
    print(f"cat at ({r}, {c}): difference non-zero in map columns", np.unique(np.nonzero(s["diff"])[1]).tolist())
show(small_multiples(frames, titles, ncols=3, vmax=VMAX, kind=["image", "signed", "signed"] * 3))

# %% [markdown]
# *Three rows, one per cat position: the input, the ear map (its peak always at
# the cat's top-left pixel) and the difference `conv(shift(x)) - shift(conv(x))`, on the -4 to +4
# scale. The difference is zero (white) in the first two rows; in the last, the
# cat touches the left border and the difference is non-zero only in the
# rightmost column, where the circular shift expected the wrapped-around
# response.*
#
# ## Exercise 5: predict, then run
#
# Section 5 found, for zero padding, the cat columns where the error is exactly
# zero: 1 to 18 for a 3x3 filter, 2 to 17 for a 5x5 filter. Now take a **7x7**
# filter, zero padding, the same 9-pixel-wide cat on the same 28-pixel-wide
# image, moved along a row as in section 5. For which left columns of the cat
# (among 0 to 19, where it fits) is the error exactly zero?
#
# Work it out on paper, without running anything: what is the radius, and how
# many empty columns does the cat have on each side at column `c`? Write the
# answer as `(first column, last column)`.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_columns = None  # (first column, last column)
predicted_columns = (3, 16)
# END SOLUTION

# %%
check_exact_columns(predicted_columns)

# %% [markdown]
# Now measure it, with random 7x7 filters (seeds 0, 1 and 2) and the error
# function of section 5:

# %%
k7 = EXACT_QUESTION["kernel"]
for seed in (0, 1, 2):
    w7 = np.random.default_rng(seed).standard_normal((k7, k7))
    err7 = np.array([zero_pad_error(w7, c) for c in range(20)])
    exact = np.flatnonzero(err7 == 0).tolist()
    print(f"{k7}x{k7} filter, seed {seed}, error exactly 0 for the cat at columns:", exact)
    assert exact == list(range(3, 17))

# %% [markdown]
# ### Question
#
# A convolution with circular padding is equivariant to every shift: its
# feature map moves with the cat. A classifier
# must say "cat" whether the cat is left or right: it must be *invariant*.
# Which operation could turn the feature map into a number that does not
# depend on where the cat is?
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
# - A `k x k` filter has radius `r = (k - 1) / 2`; padding adds `r` pixels on
#   every side, zeros (`"zero"`) or the wrapped-around image (`"circular"`).
# - An operation is **equivariant to the shifts in `G`** when for each `S` in
#   `G` some output shift `S'` gives `f(S x) = S' f(x)` for every input `x`,
#   and **invariant** when `S'` does nothing. Convolution with circular
#   padding is equivariant to every shift with `S' = S`:
#   `conv(S x) = S conv(x)`, exactly.
# - With zero padding it is not equivariant to shifts. The equality holds for
#   an input whose object has at least `r` empty pixels between it and each
#   border (for the 3x3 ear filter, cat columns 1 to 18); with fewer, the
#   window sees the padding.
# - With stride 2 the map samples every second pixel: the convolution is
#   equivariant to even shifts `k`, with `S'` = a shift by `k / 2`; an odd shift
#   gives a different picture, not a moved one.
#
# ## Further reading
#
# - Goodfellow, Bengio & Courville, *Deep Learning* (2016), section 9.2 on
#   parameter sharing and equivariance.
# - Kayhan & van Gemert, "On Translation Invariance in CNNs: Convolutional
#   Layers can Exploit Absolute Spatial Location", CVPR 2020: what the border
#   effect of section 5 lets a network learn.
# - Next: `02_pooling`, where max pooling leaves its output unchanged while
#   the content stays inside its windows, and where that stops.
