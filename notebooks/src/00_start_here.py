# %% [markdown]
# # 00 · Start here: how a CNN finds the cat wherever it sits
#
# Show a convolutional network a cat in the top-left corner, then the same cat
# in the bottom-right corner: it says "cat" both times. Why? The usual answers
# ("convolution is translation invariant", "the softmax makes it invariant",
# where the softmax is the classifier's last step, turning its scores into
# probabilities) are half right or wrong. These notebooks take the question apart, one
# operation at a time, and check every claim with code you can run and
# pictures you can move.
#
# **You will learn** how this course is organised, how to use its sliders and
# exercises, and two words that the whole course keeps apart.
#
# **You need** Python and a little linear algebra. No deep-learning framework:
# everything, including the network you train in notebook 04, is written in
# numpy, in the package `helpers` next to these notebooks.

# %% [markdown]
# ## Notation
#
# - An **image** is a 28x28 array of numbers (a *canvas*): 1 for ink, 0 for
#   background. `cat_at(r, c)` draws a 9x9 cat on it with the cat's top-left
#   pixel at row `r`, column `c`; rows count down, columns to the right, from 0.
# - A **shift**, `shift(x, dy, dx)`, moves every pixel `dy` rows down and `dx`
#   columns right. By default it is **circular**: what leaves at one edge comes
#   back at the opposite edge (`np.roll`); `mode="zero"` drops it and lets
#   zeros in.
# - A **convolution** slides a small grid of weights, the *filter* (or
#   *kernel*), over the image and at each position adds up weights times
#   pixels; the grid of results, one number per position, is a
#   **feature map**. Near the edge the filter reaches past the image, so the
#   image is first *padded*: **circular padding** fills the missing pixels
#   from the opposite edge, **zero padding** with zeros. Notebook 01 builds
#   all of this from scratch.
#
# ## Two words
#
# Both words describe an **operation** `f`, a function from images to
# something (a feature map, a number, an answer), and a set `G` of shifts.
#
# - `f` is **equivariant to the shifts in `G`** when for each shift `S` in `G`
#   there is an output shift `S'` such that
#
#   $$f(S\,x) = S'\,f(x) \quad \text{for every input } x.$$
#
#   A convolution with circular padding is equivariant to every shift, with
#   `S'` = `S`: shift the cat and its feature map shifts with it, by as many
#   pixels. A layer that keeps only every second pixel (*stride 2*, notebook 01)
#   gives a map half as large; it is equivariant to the *even* shifts, with
#   `S'` = a shift by `k / 2` for a shift by `k`.
# - `f` is **invariant to the shifts in `G`** when `S'` does nothing:
#   `f(S x) = f(x)` for each `S` in `G` and every input `x`. The answer "cat"
#   should be invariant.
#
# Both are promises about *every* input. A convolution with zero padding is
# not equivariant to shifts: for a cat far enough from the border its map
# still moves with it, but near the border it does not. An equality that holds
# only for some inputs is said here to hold *for this input* (the map is
# "unchanged for this input"); it is not a property of the operation. And a
# feature map is never "equivariant": the operation that computed it is. Many
# texts use the two words as if they were one; here they never are. Where an
# operation is neither, we measure how much its output changes (notebook 02
# calls this the *relative change*) and say one operation "changes less".
#
# A first check that runs. `feature_map` (an `f`) is a convolution with a
# small random filter and circular padding. `max_over_map` (a `g`) takes the
# maximum over the whole feature map: the single largest number in it,
# wherever it is. The cat starts at `(4, 4)`; shift it by `(10, 12)`. If
# `feature_map` is equivariant with `S' = S`, the map must move with the cat;
# if `max_over_map` is invariant, its maximum must not change. The cell checks
# both for three random filters, drawn with seeds 0, 1 and 2 (a *seed* fixes
# what a random number generator draws, so every run draws the same filters),
# and checks that the map itself did change. One input cannot prove a promise
# about every input (notebook 01 proves this one); it can only fail to break
# it.

# %%
# %matplotlib inline
import course  # noqa: F401  (makes `import helpers` work: see course.py)
import numpy as np

from helpers.ops import conv2d, global_max_pool, shift
from helpers.sprites import cat_at


def feature_map(img, w):  # f: a convolution with circular padding, equivariant to every shift with S' = S
    return conv2d(img, w, padding="circular")


def max_over_map(img, w):  # g: the maximum over the whole feature map, one number; invariant to every shift
    return global_max_pool(feature_map(img, w))


x = cat_at(4, 4)
moved = shift(x, 10, 12)
print("seed   f(Sx) == S f(x)   g(Sx) == g(x)   f(Sx) == f(x)")
for seed in (0, 1, 2):
    w = np.random.default_rng(seed).standard_normal((3, 3))
    equivariant = np.array_equal(feature_map(moved, w), shift(feature_map(x, w), 10, 12))
    invariant = max_over_map(moved, w) == max_over_map(x, w)
    unchanged = np.array_equal(feature_map(moved, w), feature_map(x, w))
    assert equivariant and invariant and not unchanged
    print(f"{seed:4d}   {equivariant!s:>13}   {invariant!s:>13}   {unchanged!s:>13}")
from helpers.views import show

# %% [markdown]
# For all three filters the map of the shifted cat is the shifted map, its
# maximum is the same number, and the map itself is not the same array.
#
# The stride-2 case, checked the same way: the convolution computed only at
# every second row and column turns the 28x28 image into a 14x14 map. Shift
# the cat by an even `k` and the map shifts by `k / 2`. Shift *this cat* by an
# odd `k` and no shift of the map gives the new one, so the stride-2
# convolution is not equivariant to odd shifts (one input where it fails is
# enough to show that). For some other inputs an odd shift does give a moved
# map: for a canvas inked all over, every shift gives the same map (the cell
# checks it). Notebooks 01 and 02 show why.

# %%
for seed in (0, 1, 2):
    w = np.random.default_rng(seed).standard_normal((3, 3))
    s2 = conv2d(x, w, padding="circular", stride=2)
    for k in (2, 4, 6):
        assert np.array_equal(conv2d(shift(x, 0, k), w, padding="circular", stride=2), shift(s2, 0, k // 2))
    for k in (1, 3):
        out = conv2d(shift(x, 0, k), w, padding="circular", stride=2)
        assert not any(np.array_equal(out, shift(s2, a, j)) for a in range(14) for j in range(14))
        full = np.ones((28, 28))  # inked all over: every shift leaves it as it is
        assert np.array_equal(conv2d(shift(full, 0, k), w, padding="circular", stride=2),
                              conv2d(full, w, padding="circular", stride=2))
print("seeds 0, 1 and 2, stride 2: shifting the cat by k = 2, 4, 6 moves the map by k / 2 = 1, 2, 3;",
      "for the cat shifted by k = 1 and 3 none of the 196 shifts of the map matches;",
      "for the canvas inked all over, k = 1 and 3 leave the map as it is")

# %% [markdown]
# ## The map of the course
#
# | notebook | question | what you will see |
# | --- | --- | --- |
# | `01_equivariance` | What does a convolution do when the object moves? | With circular padding a convolution is equivariant to every shift: its feature map moves with the object, exactly. With zero padding that holds only for an object far enough from the border; with stride 2, only for even shifts. |
# | `02_pooling` | Does max pooling make the network invariant? | A single 1 in a 2x2 window: max pooling's output stays the same while the 1 moves inside its window, and changes when it crosses the window's edge. Why keeping every second pixel lets a one-pixel shift change the result, and blurring before that step as the fix (both explained in 02). |
# | `03_weight_sharing` | Why does one small filter work everywhere? | From a dense layer to a convolution: about 59,000 times fewer weights, and equivariance as a consequence of sharing them. |
# | `04_softmax` | Where does a classifier's invariance come from? | A CNN trained in numpy on cats in the left half: with the maximum over each whole map (as `max_over_map` above) before its answer it recognises them on the right too; reading its maps pixel by pixel, it does not. Softmax adds no invariance. |
# | `05_beyond` | Where does invariance break, and can we share weights over rotations? | Padding leaks position, strides in trained networks (the effect of 02), and a layer equivariant to rotations, trained against a plain CNN on turned objects. |
# | `06_handwritten_digits` | Does the left/right experiment of 04 hold on real handwriting? | Digits written by people, trained on the left half and tested on held-out digits in both halves: the pooling head keeps its accuracy on the right, the flatten head loses it; what stays exact and what does not. |
#
# Take them in order: each builds on the one before. Each opens with what you
# will learn and ends with a summary, exercises and further reading.

# %% [markdown]
# ## Live views: how to use the sliders
#
# Notebooks 00 to 05 have **live views**: a picture with sliders that move the
# object. The picture is redrawn as you drag.
#
# - **Mouse**: drag a slider's handle.
# - **Keyboard**: click a slider's handle (or reach it with `Tab`), then use the
#   arrow keys, one pixel per press; `Home` and `End` jump to the ends.
# - Below every picture a line of text, the **readout**, says in numbers what
#   the picture shows, for screen readers and for anyone who cannot tell the
#   colours apart.
# - Colours mean the same thing in every notebook: input images are dark ink
#   on white; non-negative maps use `viridis` (dark purple to yellow); maps with
#   both signs use red for positive, blue for negative and white for zero.
#
# The live views need a running kernel. On GitHub or in a printed copy each one
# is followed by a static figure of a few positions, with a one-line text
# description.
#
# If a view shows "Error displaying widget" or only a line of text, see
# *When a widget does not show* in the README.
#
# Here is a live view from notebook 01. Try it: move the cat. Its "ear" panel
# shows a filter that responds most strongly at the tip of the cat's left ear.
# Here, and in every notebook, *left* and *right* mean the sides of the picture
# as you look at it: the left ear is the one nearer the image's left edge.

# %%
from helpers.explorers import EquivarianceExplorer

EquivarianceExplorer()

# %% [markdown]
# The static figure below the view shows part of it at fixed positions: the
# input and the ear map, for the cat at three columns, with a cross on each
# map's largest value. The cell first prints where that value is.

# %%
from helpers.explorers.equivariance import VMAX
from helpers.filters import EAR
from helpers.views import small_multiples

cols = (2, 9, 16)
images = [cat_at(9, c) for c in cols]
ear_maps = [conv2d(img, EAR, padding="circular") for img in images]
peaks = [np.unravel_index(np.argmax(m), m.shape) for m in ear_maps]
for c, (r, pc) in zip(cols, peaks):
    print(f"cat at column {c:2d}: ear map peak at row {r}, column {pc}")
assert len({pc - c for c, (_, pc) in zip(cols, peaks)}) == 1  # the peak moves exactly as far as the cat
titles = [*(f"cat at column {c}" for c in cols), *(f"ear map, column {c}" for c in cols)]
show(small_multiples([*images, *ear_maps], titles, kind=["image"] * 3 + ["signed"] * 3,
                     markers=[None] * 3 + peaks, vmax=VMAX, ncols=3))

# %% [markdown]
# *Top row: the cat at columns 2, 9 and 16 of row 9. Bottom row: the ear
# filter's map of each, from -4 (blue) to +4 (red), with a cross on its
# largest value. The cross sits at the tip of the left ear each time: it moves
# 7 columns when the cat moves 7 columns.*
#
# ## Exercises: how they are checked
#
# Exercises come in three kinds:
#
# - **Code**: fill in a function, then run the cell below it. A **checker**
#   prints `PASS`, or `NOT YET` with a hint about what is wrong (a wrong shape, a
#   flipped kernel, an off-by-one at the border), or `TO DO` while the exercise
#   is still the stub.
# - **Predict, then run**: write down what you expect, then let the checker and
#   the next cells tell you.
# - **Questions**: think first, then open "Show an answer".
#
# In the teacher's copy the reference solutions are filled in and collapsed;
# `make student` writes copies in which they are replaced by stubs. Every
# other cell runs in both copies, because it uses `helpers`, not your answer.
# A tiny example, already solved: the checker below wants the mean of a list.

# %%
from helpers.checks import checker, fail, ok


@checker
def check_mean(my_mean):
    if my_mean([1, 2, 3, 6]) != 3:
        return fail("the mean of [1, 2, 3, 6] is 3: add up, then divide by the count.")
    return ok("that is the mean.")


check_mean(lambda values: sum(values) / len(values))
check_mean(lambda values: sum(values))

# %% [markdown]
# <details><summary>Show an answer (this is what a revealable answer looks like)</summary>
#
# The first call passes; the second returns the sum, 12, and the checker says
# what to fix.
#
# </details>
#
# ## Running everything yourself
#
# From a clone of the repository, `make lab` sets everything up and starts
# JupyterLab on these notebooks; `make test` runs every test, including
# re-executing each notebook and comparing it with the committed outputs. The
# README has the details, and the route for conda and Binder users.
#
# Next: `01_equivariance`.
