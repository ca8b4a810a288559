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
# ## Two words
#
# Both words describe an **operation** `f` (a function from images to
# something: a *feature map*, the grid of numbers a convolution layer
# computes from an image, one per position; a number; an answer) and what it
# does when its input is shifted. `S` is a shift of the input image.
#
# - **Equivariant**: shifting the input shifts the output by a matching amount,
#
#   $$f(S\,x) = S'\,f(x) \quad \text{for every shift } S,$$
#
#   where the output shift `S'` is fixed by `S`. For a convolution that keeps
#   the image's size, `S'` is `S` itself: shift the cat and its feature map
#   shifts with it, by as many pixels. For a layer that keeps only every second
#   pixel (*stride 2*, notebook 01) the map is half as large, and a shift by an
#   even `k` gives `S'` = a shift by `k / 2`.
# - **Invariant**: the case where `S'` does nothing, `f(S x) = f(x)`: shifting
#   the input leaves the output unchanged. The answer "cat" should be invariant.
#
# Equivariance and invariance are properties of an operation, never of its
# output: a feature map is not "equivariant"; the convolution that computed it
# is. Many texts use the two words as if they were one; here they never are.
#
# A first check that runs. `feature_map` (an `f`) is a convolution with a
# small random filter; notebook 01 explains convolution. `max_over_map` (a
# `g`) takes the maximum over the whole feature map: the single largest number
# in it, wherever it is. Shift the cat by `(10, 12)`: the feature map moves
# with it (`feature_map` is equivariant, with `S' = S`), and its maximum does
# not change (`max_over_map` is invariant). The cell checks both for three
# random filters, drawn with seeds 0, 1 and 2 (a *seed* fixes what a random
# number generator draws, so every run draws the same filters), and checks
# that the map itself did change.

# %%
# %matplotlib inline
import numpy as np

from helpers.ops import conv2d, global_max_pool, shift
from helpers.sprites import cat_at


def feature_map(img, w):  # f: equivariant, with S' = S
    return conv2d(img, w, padding="circular")


def max_over_map(img, w):  # g: the maximum over the whole feature map, one number; invariant
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

# %% [markdown]
# For all three filters the map of the shifted cat is the shifted map, its
# maximum is the same number, and the map itself is not the same array.
#
# The stride-2 case, checked the same way: the convolution computed only at
# every second row and column turns the 28x28 image into a 14x14 map. Shift
# the cat by an even `k` and the map shifts by `k / 2`; shift it by an odd `k`
# and no shift of the map gives the new one (notebook 01 shows why).

# %%
for seed in (0, 1, 2):
    w = np.random.default_rng(seed).standard_normal((3, 3))
    s2 = conv2d(x, w, padding="circular", stride=2)
    for k in (2, 4, 6):
        assert np.array_equal(conv2d(shift(x, 0, k), w, padding="circular", stride=2), shift(s2, 0, k // 2))
    for k in (1, 3):
        out = conv2d(shift(x, 0, k), w, padding="circular", stride=2)
        assert not any(np.array_equal(out, shift(s2, a, j)) for a in range(14) for j in range(14))
print("seeds 0, 1 and 2, stride 2: a shift by k = 2, 4, 6 moves the map by k / 2 = 1, 2, 3;",
      "for k = 1 and 3 none of the 196 shifts of the map matches")

# %% [markdown]
# ## The map of the course
#
# | notebook | question | what you will see |
# | --- | --- | --- |
# | `01_equivariance` | What does a convolution do when the object moves? | The feature map moves with the object, exactly; zero padding breaks this at the border. |
# | `02_pooling` | Does max pooling make the network invariant? | The 2x2 window `[1, 0, 0, 0]`: max pooling's output stays the same while the 1 moves inside one window, and changes when it crosses the window's edge; aliasing, and blur pooling as the fix. |
# | `03_weight_sharing` | Why does one small filter work everywhere? | From a dense layer to a convolution: about 59,000 times fewer weights, and equivariance as a consequence of sharing them. |
# | `04_softmax` | Where does a classifier's invariance come from? | A CNN trained in numpy on cats in the left half: with the maximum over each whole map (as `max_over_map` above) before its answer it recognises them on the right too; reading its maps pixel by pixel, it does not. Softmax adds no invariance. |
# | `05_beyond` | Where does invariance break, and can we share weights over rotations? | Padding leaks position, stride aliasing in trained networks, and a rotation-equivariant layer. |
#
# Take them in order: each builds on the one before. Each opens with what you
# will learn and ends with a summary, exercises and further reading.

# %% [markdown]
# ## Live views: how to use the sliders
#
# Every notebook has live views: a picture with sliders that move the object.
# The picture is redrawn as you drag.
#
# - **Mouse**: drag a slider's handle.
# - **Keyboard**: click a slider's handle (or reach it with `Tab`), then use the
#   arrow keys, one pixel per press; `Home` and `End` jump to the ends.
# - Below every picture a line of text says in numbers what the picture shows,
#   for screen readers and for anyone who cannot tell the colours apart.
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
small_multiples([*images, *ear_maps], [*(f"cat at column {c}" for c in cols), *(f"ear map, column {c}" for c in cols)],
                kind=["image"] * 3 + ["signed"] * 3, markers=[None] * 3 + peaks, vmax=VMAX, ncols=3)

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
# - **Code**: fill in a function, then run the cell below it. A checker prints
#   `PASS`, or `NOT YET` with a hint about what is wrong (a wrong shape, a
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
