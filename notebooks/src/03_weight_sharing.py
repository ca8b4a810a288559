# %% [markdown]
# # 03 · Weight sharing: one small filter, slid everywhere
#
# Notebook 01 showed that a convolution is equivariant: move the cat, and its
# feature map moves the same way. That property is not luck. It comes from one
# design decision: **every position of the image is processed with the same
# weights**. This notebook starts from a plain fully connected layer, turns it
# into a convolution in two steps, and counts what each step saves. It then
# writes the convolution as a matrix in which the same nine numbers appear
# again and again, and finally unties those numbers: equivariance is gone, and
# so is the ability to find a cat where no cat was seen during training.
#
# **You will learn**
# - how a dense layer becomes a locally connected layer (locality), then a
#   convolution (weight sharing), and how many weights each one needs;
# - that a convolution is a matrix with tied entries, which with circular
#   padding commutes with every shift;
# - that equivariance comes from the sharing: untie the weights and it breaks;
# - why a detector with shared weights, fitted on cats in the left half, finds
#   cats in the right half too, and a locally connected one does not.
#
# **You need** notebooks `00_start_here` and `01_equivariance` (shifts,
# `conv2d`, equivariance) and matrix-vector products. Notebook 02 (pooling) is
# not needed here.

# %%
# %matplotlib inline
import inspect

import course  # noqa: F401  (makes `import helpers` work: see course.py)
import numpy as np
from matplotlib.figure import Figure

from helpers.checks.sharing import (
    LOCAL_QUESTION,
    check_conv_matrix,
    check_count_params,
    check_local_prediction,
)
from helpers.explorers.sharing import MAP_SCALE, MODES, SharingExplorer
from helpers.filters import EAR
from helpers.ops import conv2d, shift
from helpers.sharing import (
    LocallyConnected2D,
    conv_matrix,
    equivariance_errors,
    locally_connected,
    locally_connected_matrix,
    param_counts,
    shift_matrix,
    tie_weights,
    weight_index_matrix,
)
from helpers.sharing_fit import DETECTION, ear_tip_sweep, fit_locally_connected, fit_shared_kernel, left_training_set
from helpers.sprites import cat_at
from helpers.views import param_figure, show, small_multiples, weight_matrix_figure

np.set_printoptions(linewidth=120)

# %% [markdown]
# ## 1. From a dense layer to a convolution
#
# A layer that maps an image to a feature map is, before anything else, a
# linear map: flatten the image into a vector `x.ravel()`, multiply by a
# matrix, and read the result as a map. Pixel `(r, c)` of an `H x W` image is
# entry `r * W + c` of the vector (row by row).
#
# Take the smallest interesting case: a 4x4 image (16 numbers) and a 2x2 map
# (4 numbers), the size a 3x3 kernel gives without padding. Three layers of
# this shape, each a restriction of the one before:
#
# - **dense**: every output is a weighted sum of *all* 16 inputs, each with its
#   own weight: a 4x16 matrix of 64 weights;
# - **locally connected** (*locality*): output `(i, j)` only looks at the 3x3
#   patch `x[i:i+3, j:j+3]`, with 9 weights of its own; the other entries of
#   its row are zero: 4 x 9 = 36 weights;
# - **convolution** (locality and *weight sharing*): every output uses the *same* 9
#   weights.
#
# The picture writes in each non-zero entry of the matrix which weight sits
# there, numbered from 1.

# %%
tiny_dense = np.arange(4 * 16).reshape(4, 16)
show(weight_matrix_figure(
    [(tiny_dense, "dense: every entry its own weight (64)", False),
     (weight_index_matrix((3, 3), (4, 4), "valid", shared=False), "locally connected: 3x3 patches (36)", False),
     (weight_index_matrix((3, 3), (4, 4), "valid"), "convolution: the same 9 weights in every row", True)],
    stacked=True, width=7.5))

# %% [markdown]
# *Three 4x16 matrices, rows = the four output pixels, columns = the sixteen
# input pixels; each non-zero entry shows the number of the weight it holds
# (blank = always zero). Dense: 64 different weights. Locally connected: 9 per
# row, 36 in all, at the columns of that output's 3x3 patch. Convolution: the
# same pattern of non-zeros, but every row holds the same weights 1 to 9, also
# shown by one colour per kernel entry.*
#
# Now the real size: a 28x28 image to a 26x26 map.

# %%
counts = param_counts((28, 28), (3, 3))
formulas = {"dense": "784 inputs x 676 outputs", "locally connected": "676 positions x 3x3 kernel",
            "convolution": "one 3x3 kernel"}
print(f"{'layer':<20}{'weights':>10}   formula")
for kind, n in counts.items():
    print(f"{kind:<20}{n:>10,}   {formulas[kind]}")
print(f"locality divides the count by {counts['dense'] // counts['locally connected']} (784 inputs per output "
      f"down to 9), sharing by another {counts['locally connected'] // counts['convolution']} (676 kernels down to 1)")
print(f"dense / convolution: {counts['dense'] // counts['convolution']:,} times more weights")

# %%
show(param_figure(counts))

# %% [markdown]
# *Number of weights of the three layers on a logarithmic axis, where each
# grid step is a factor of 10: 529,984, then 6,084 (87 times fewer), then 9
# (676 times fewer again).*
#
# Sharing saves weights, not arithmetic. The locally connected layer and the
# convolution have the same non-zero entries in their matrix, so they do the
# same number of multiplications:

# %%
lc_entries = np.count_nonzero(weight_index_matrix((3, 3), (28, 28), "valid", shared=False) >= 0)
conv_entries = np.count_nonzero(weight_index_matrix((3, 3), (28, 28), "valid") >= 0)
print("multiplications per image, locally connected:", lc_entries, " convolution:", conv_entries)
assert lc_entries == conv_entries == 676 * 9

# %% [markdown]
# In code, a locally connected layer holds weights of shape `(Ho, Wo, kh, kw)`:
# one kernel per output position. `helpers.sharing.locally_connected(x,
# weights)` computes
#
# $$\text{out}[i, j] = \sum_{u, v} \text{weights}[i, j, u, v]\; x[i + u, j + v],$$
#
# the convolution's formula with a kernel that depends on `(i, j)`. Tie the
# kernels, `weights[i, j] = w` for every position, and it *is* the
# convolution. A check on the cat, with the ear filter of notebook 01:

# %%
x = cat_at(9, 9)
tied_layer = LocallyConnected2D.tied(EAR, x.shape)
print(tied_layer)
print("tied locally connected == conv2d:", np.allclose(tied_layer(x), conv2d(x, EAR)))
print("and it is a matrix product:      ",
      np.allclose(tied_layer.matrix(x.shape) @ x.ravel(), tied_layer(x).ravel()))


# %% [markdown]
# ### Exercise 1: count the weights
#
# Write `my_count_params(kind, size, k, c_in, c_out)`: the number of weights
# of a layer from an image with `c_in` channels of `size x size` pixels to
# `c_out` maps, with `k x k` kernels and no padding (so the maps are
# `(size - k + 1) x (size - k + 1)`), no biases. `kind` is `"dense"`,
# `"locally connected"` or `"convolution"`. With channels, a kernel covers all
# `c_in` input channels (`c_in * k * k` weights), and there is one per output
# channel.

# %% tags=["solution"]
def my_count_params(kind, size, k, c_in=1, c_out=1):
    """Weights of a (c_in, size, size) -> (c_out, size-k+1, size-k+1) layer, no bias."""
    # BEGIN SOLUTION
    side = size - k + 1
    if kind == "dense":
        return (c_in * size * size) * (c_out * side * side)
    if kind == "locally connected":
        return side * side * c_out * c_in * k * k
    return c_out * c_in * k * k
    # END SOLUTION


# %%
check_count_params(my_count_params)

# %% [markdown]
# ## 2. A convolution is a matrix with tied entries
#
# Every linear layer is a matrix, so a convolution is one too. Here is the
# matrix of a 3x3 convolution on a 4x4 image with circular padding, with the
# kernel entries 1 to 9 so that
# each number says which entry it is. Row `i * 4 + j` computes output pixel
# `(i, j)`; a zero means "not connected".

# %%
w19 = np.arange(1, 10).reshape(3, 3)
print("kernel w =\n", w19)
print("conv_matrix(w, (4, 4)) =\n", conv_matrix(w19, (4, 4), padding="circular").astype(int))

# %% [markdown]
# Circular padding, as in notebook 01, treats the image as drawn on a
# *torus*, the surface of a ring doughnut: what leaves by the right edge comes
# back at the left edge, what leaves by the bottom comes back at the top. So
# the kernel never hangs over an edge; it wraps around.
#
# Every row holds the same nine numbers; only their columns change. Remember
# that `conv2d` is cross-correlation (the kernel is not flipped), so `w[0, 0]`
# multiplies the pixel up and to the left of the output pixel, and with
# circular padding "up" from row 0 is row 3.
#
# `helpers.sharing.conv_matrix` builds this matrix without a loop over pixels:
# for all output pixels `(i, j)` and kernel entries `(u, v)` at once, it
# computes the input pixel `((i + u - 1) % H, (j + v - 1) % W)` with array
# arithmetic, and places `w[u, v]` there. The claim to check: the matrix times
# the flattened image is the convolution, for a random image and kernel (three
# of each, seeds 0, 1 and 2) and for each padding.

# %%
seeds = (0, 1, 2)
lines = []
for padding in ("circular", "zero", "valid"):
    for seed in seeds:
        rng = np.random.default_rng(seed)
        x_r, w_r = rng.standard_normal((6, 6)), rng.standard_normal((3, 3))
        m = conv_matrix(w_r, x_r.shape, padding=padding)
        assert np.abs(m @ x_r.ravel() - conv2d(x_r, w_r, padding=padding).ravel()).max() < 1e-12
    lines.append(f"{padding:>8} padding: matrix {m.shape}, max |M x - conv2d(x)| < 1e-12 for seeds 0, 1 and 2")
print("\n".join(lines))
rng = np.random.default_rng(0)
x6, w6 = rng.standard_normal((6, 6)), rng.standard_normal((3, 3))  # seed 0, used below

# %% [markdown]
# The same matrix as a picture, for a 6x6 image: one colour per kernel entry,
# so equal weights share a colour. Thin lines cut the matrix into 6x6 blocks:
# each block connects one row of output pixels to one row of input pixels.

# %%
show(weight_matrix_figure([(weight_index_matrix((3, 3), (6, 6)), "3x3 convolution on a 6x6 image, circular padding",
                       True)], values=w19, annotate=False, width=5.5, block=6))

# %% [markdown]
# *The 36x36 matrix of a circular 3x3 convolution on a 6x6 image; rows are
# output pixels, columns input pixels, white entries zero, coloured entries
# the kernel entry named in the legend. Every row holds the same nine colours.
# Inside each band of six rows, each row is the one above moved one column to
# the right, wrapping around inside its 6-column block; each band is the band
# above moved one block (six columns) to the right, wrapping around at the
# end. The check below tests exactly this.*
#
# Without colour, the printed 4x4 matrix above carries the same information in
# numbers. Here it is as a picture with the numbers in the cells:

# %%
show(weight_matrix_figure([(weight_index_matrix((3, 3), (4, 4)), "3x3 convolution on a 4x4 image, circular padding",
                       True)], values=w19, width=5.0, block=4))

# %% [markdown]
# *The 16x16 matrix printed above, each non-zero entry labelled with its
# kernel value 1 to 9 and coloured by it: every row holds the digits 1 to 9
# once, at shifted places.*
#
# ### Circulant, and why that gives equivariance
#
# With circular padding the pattern is exact: the row for output pixel `(i, j)`
# is the row for `(0, 0)` moved by `(i, j)` on the torus. A matrix in which
# each row is the row above moved one place to the right, wrapping around at
# the end, is called *circulant*. Ours is *block circulant*: cut into 6x6
# blocks, each block is circulant, and the blocks themselves repeat in the
# same moved-and-wrapped pattern. Check it for the 6x6 case:

# %%
m6 = conv_matrix(w6, (6, 6), padding="circular")
row0 = m6[0].reshape(6, 6)
circulant = all(np.array_equal(m6[i * 6 + j].reshape(6, 6), np.roll(row0, (i, j), axis=(0, 1)))
                for i in range(6) for j in range(6))
print("every row is row (0, 0) moved by (i, j):", circulant)
assert circulant

# %% [markdown]
# A shift is a matrix too: `shift_matrix((6, 6), dy, dx)` has a single 1 in
# each row, taking each pixel from where it came from. So
# `S @ x.ravel() == shift(x, dy, dx).ravel()`. The convolution keeps the
# image's size, so its equivariance (notebook 00's definition, with the output
# shift `S'` equal to `S`), `conv(S x) = S conv(x)`, says `M S x = S M x` for
# every `x`, that is:
#
# $$M S = S M:\ \text{the matrices commute}$$
#
# (applying `S` then `M` gives the same as `M` then `S`). Check it for all 36
# shifts of the 6x6 image, and compare with zero padding (`"zero"`), whose
# matrix loses the entries that wrap around; for the zero-padded matrix, with
# the kernels of seeds 0, 1 and 2:

# %%
shifts = [(dy, dx) for dy in range(6) for dx in range(6)]
s = shift_matrix((6, 6), 2, 1)
lines = [f"S @ x.ravel() == shift(x, 2, 1).ravel(): {np.array_equal(s @ x6.ravel(), shift(x6, 2, 1).ravel())}"]
for seed in seeds:
    w_r = np.random.default_rng(seed).standard_normal((3, 3))
    for name in ("circular", "zero"):
        m = conv_matrix(w_r, (6, 6), padding=name)
        commute = [np.allclose(shift_matrix((6, 6), dy, dx) @ m, m @ shift_matrix((6, 6), dy, dx))
                   for dy, dx in shifts]
        assert commute == ([True] * 36 if name == "circular" else [True] + [False] * 35)
        lines.append(f"seed {seed}, {name:>8} padding: M S == S M for {sum(commute)} of {len(shifts)} shifts")
print("\n".join(lines))

# %% [markdown]
# Circular padding: all 36, for every kernel. Zero padding: only the shift by
# `(0, 0)`, which does nothing. This is notebook 01's border effect, seen in
# the matrix.
#
# Why does sharing give commuting? `S M S⁻¹` is the layer "move the image
# back, apply `M`, move the result forward". Forming `S M S⁻¹` from `M` is
# called *conjugating* `M` by `S`; `M` commutes with `S` exactly when
# conjugating leaves it unchanged, `S M S⁻¹ = M`. For output `(i, j)`,
# `S M S⁻¹` uses the kernel that `M` has at position `(i - dy, j - dx)`. Check
# it on a locally connected layer with a random kernel at each of the 36
# positions (three such layers, seeds 0, 1 and 2): conjugating its matrix by a
# shift gives the layer whose kernels are rolled by the shift.

# %%
s21 = shift_matrix((6, 6), 2, 1)
for seed in seeds:
    own6 = np.random.default_rng(seed).standard_normal((6, 6, 3, 3))  # a kernel of its own at each position
    m_own = locally_connected_matrix(own6, (6, 6), padding="circular")
    rolled = locally_connected_matrix(np.roll(own6, (2, 1), axis=(0, 1)), (6, 6), padding="circular")
    assert np.allclose(s21 @ m_own @ s21.T, rolled) and not np.allclose(s21 @ m_own @ s21.T, m_own)
    print(f"seed {seed}: S M S^-1 == the layer with its kernels moved by (2, 1):",
          np.allclose(s21 @ m_own @ s21.T, rolled), "  S M S^-1 == M:", np.allclose(s21 @ m_own @ s21.T, m_own))

# %% [markdown]
# (`S.T` is the inverse of `S`: a shift matrix is a *permutation matrix*, a
# single 1 in each row and each column, so it only reorders the entries, and
# its transpose puts them back.) If every
# position has the *same* kernel, rolling the kernels changes nothing, so
# `S M S⁻¹ = M`, which is `M S = S M`.
#
# The converse holds too: a linear layer that commutes with every circular
# shift *is* a circular convolution, but its kernel can be as large as the
# image: a convolution without locality. Take any matrix `A` and replace it
# by the average of `S A S⁻¹` over all 36 shifts. The average commutes with
# every shift (shifting it only reorders the terms of the sum), and its rows
# are all copies of one kernel, here a 6x6 one. Checked for three random
# matrices (seeds 0, 1 and 2):

# %%
mats = [shift_matrix((6, 6), dy, dx) for dy, dx in shifts]
for seed in seeds:
    a = np.random.default_rng(seed).standard_normal((36, 36))
    a_avg = sum(sm @ a @ sm.T for sm in mats) / len(mats)
    # row (0, 0) read as a 6x6 image holds the kernel; conv2d puts a 6x6 kernel's centre at (2, 2): roll it there
    kernel6 = np.roll(a_avg[0].reshape(6, 6), (2, 2), axis=(0, 1))
    commutes = all(np.allclose(sm @ a_avg, a_avg @ sm) for sm in mats)
    is_conv = np.allclose(a_avg, conv_matrix(kernel6, (6, 6)))
    assert commutes and is_conv
    print(f"seed {seed}: commutes with every shift: {commutes}; equals conv_matrix of one 6x6 kernel: {is_conv}")


# %% [markdown]
# Now let `A` be any matrix that already commutes with every shift. Then each
# `S A S⁻¹` is `A` itself, so the average is `A`, and `A` is a convolution.
# So, for linear layers on images that wrap around (a torus), "equivariant to
# shifts, with `S' = S`" and "a convolution: one kernel shared by every
# position" are the same thing. Equivariance asks for sharing, not for
# locality: the small 3x3 kernel is a separate choice.
#
# ### Exercise 2: build the matrix yourself
#
# Write `my_conv_matrix(w, size)`: the `(size*size, size*size)` matrix of a 3x3
# convolution with circular padding on a `size x size` image, pixels numbered
# row by row. Row `i * size + j` gets `w[u, v]` added in the column of pixel
# `((i + u - 1) % size, (j + v - 1) % size)` (on an image smaller than 3x3 the
# kernel wraps onto itself and several entries land in one column: they add
# up). Loops are fine here: this is the picture, not the fast version.

# %% tags=["solution"]
def my_conv_matrix(w, size=4):
    """(size*size, size*size) matrix of a circular 3x3 convolution, row-major pixels."""
    # BEGIN SOLUTION
    mat = np.zeros((size * size, size * size))
    for i in range(size):
        for j in range(size):
            for u in range(3):
                for v in range(3):
                    src = ((i + u - 1) % size) * size + (j + v - 1) % size
                    mat[i * size + j, src] += w[u, v]
    return mat
    # END SOLUTION


# %%
check_conv_matrix(my_conv_matrix)

# %% [markdown]
# ## 3. Break the sharing, and equivariance breaks
#
# Now the other direction. A locally connected layer on the 28x28 canvas with
# circular padding, every position with its *own* kernel: the ear filter plus
# independent random noise, different at each of the 784 positions. Measure
# `max |f(S x) - S f(x)|` for every one of the 784 circular shifts `S` of the
# cat image (`equivariance_errors` computes all of them in one call). The noise
# is random: three layers, with the noise of seeds 0, 1 and 2.

# %%
x = cat_at(9, 9)
print("error over the 783 non-zero shifts, and the layer's largest output for scale")
print("noise seed   smallest   median   largest   largest |output|")
for seed in seeds:
    noise_r = np.random.default_rng(seed).standard_normal((28, 28, 3, 3))
    own_r = LocallyConnected2D(EAR + noise_r, padding="circular")
    err_r = equivariance_errors(own_r, x)
    nonzero_shifts = err_r.ravel()[1:]  # all but the shift by (0, 0)
    assert err_r[0, 0] == 0 and nonzero_shifts.min() > 1
    print(f"{seed:10d} {nonzero_shifts.min():10.2f} {np.median(nonzero_shifts):8.2f} {nonzero_shifts.max():9.2f}"
          f" {np.abs(own_r(x)).max():18.2f}")
    if seed == 0:  # kept for the rest of the section
        noise, own, err_own = noise_r, own_r, err_r
print(own)

# %% [markdown]
# Large, for every shift and every seed: the smallest error is of the order of
# the output itself; how large exactly depends on the noise. Now tie the
# weights of the seed-0 layer: replace each position's kernel by the average
# kernel, the same at every position, and measure again.

# %%
tied = LocallyConnected2D(tie_weights(own.weights.mean(axis=(0, 1)), (28, 28)), padding="circular")
err_tied = equivariance_errors(tied, x)
print(tied)
print(f"largest error over all 784 shifts: {err_tied.max():.4f}")
assert err_tied.max() < 1e-12

# %% [markdown]
# Zero. How much untying does it take to break equivariance? Give each
# position the ear filter plus the same noise (seed 0) scaled by `eps`: the
# error grows in proportion to `eps`, from exactly zero at `eps = 0`. (It must:
# the layer is the ear filter's convolution, which is equivariant, plus `eps`
# times a fixed locally connected layer.)

# %%
lines = []
err_at_1 = equivariance_errors(LocallyConnected2D(EAR + noise, padding="circular"), x).max()
for eps in (0.0, 0.01, 0.1, 1.0):
    layer = LocallyConnected2D(EAR + eps * noise, padding="circular")
    err_eps = equivariance_errors(layer, x).max()
    assert abs(err_eps - eps * err_at_1) < 1e-9
    lines.append(f"eps = {eps:<5} largest equivariance error {err_eps:.4f}")
print("\n".join(lines))

# %%
fig = small_multiples([err_own, err_tied], [f"own weights: max error {err_own.max():.1f}",
                                           f"weights tied: max error {err_tied.max():.1f}"],
                      kind="magnitude", vmax=float(err_own.max()), panel=2.4)
fig.colorbar(fig.axes[0].images[0], ax=fig.axes, shrink=0.8, label="equivariance error")
show(fig)

# %% [markdown]
# *Equivariance error `max |f(Sx) - S f(x)|` for each shift `(dy, dx)`
# (row = `dy`, column = `dx`, both 0 to 27) of the seed-0 layer, on one colour
# scale from 0 to the largest error (bar on the right). With its own weights
# at every position the layer is off for every shift except `(0, 0)`, the
# single dark pixel at the top left (the smallest of the other errors is
# printed above, for each seed); tied, the error is zero everywhere, a uniform
# square of the colour of 0.*
#
# ## 4. A detector that works anywhere
#
# Equivariance has a practical meaning: a detector learnt in one place works in
# every place. First the hand-made ear filter, on the cat in the left half and
# in the right half of the canvas:

# %%
lines = []
for row, col in [(9, 2), (9, 17)]:
    ear_map = conv2d(cat_at(row, col), EAR, padding="zero")
    r, c = np.unravel_index(np.argmax(ear_map), ear_map.shape)
    lines.append(f"cat at ({row}, {col}): ear map peak {ear_map.max():.0f} at ({r}, {c})")
print("\n".join(lines))

# %% [markdown]
# Same peak value, at the ear tip both times. Of course: it is the same nine
# weights in both places.
#
# Now let two layers *learn* an ear detector from examples, and show them cats
# only in the left half. The training set: the cat at every row and at the
# columns 0 to 5 (so it lies entirely in the left half, columns 0 to 13), with
# a little random noise added to every pixel; the target for each image is the
# ear filter's map of the clean image: what a good ear detector should output.
# The noise is drawn with a seed; the pictures and the first fit use seed 0,
# and every result is then checked for seeds 0, 1 and 2.

# %%
xs, targets, positions = left_training_set(noise=0.05, seed=0)
print("training images:", xs.shape, " targets:", targets.shape)
print("cat's top-left column in training:", positions[:, 1].min(), "to", positions[:, 1].max())

# %%
tip = targets[0] == targets[0].max()
print(f"target values from {targets.min():g} to {targets.max():g}; "
      f"the largest, 3, only at the ear tip: {np.argwhere(tip).tolist() == [list(positions[0])]}")
fig = small_multiples([xs[0], targets[0], xs[-1], targets[-1]],
                      ["image, cat at ({}, {})".format(*positions[0]), "its target",
                       "image, cat at ({}, {})".format(*positions[-1]), "its target"],
                      kind=["image", "signed", "image", "signed"], vmax=MAP_SCALE)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.8, label="target value")
show(fig)

# %% [markdown]
# *Two of the 120 training pairs: a noisy image with the cat at the top left
# and at the bottom of the left half, and the target map beside each, on the
# scale -4.5 (blue) to 4.5 (red) of the bar. The target is 3, its largest
# value, at the ear tip only (printed above); it is negative where the
# filter's negative weights cover ink.*
#
# Both layers are fitted by *least squares*: the weights are chosen to make
# the sum of the squared differences between the layer's map and the target
# map, over all training images and all positions, as small as possible. For
# a linear layer that is one small linear system to solve, no training loop.
# The fit adds a *ridge term*: a small penalty, `0.001` times the sum of the
# squared weights, added to that sum. It keeps the system solvable where the
# images give no information (a position where every patch is blank) and
# changes the weights elsewhere only by a tiny amount. With `"zero"` padding:
#
# - **shared**: one 3x3 kernel for all positions. Each of the 120 images gives
#   784 examples (one per position), all teaching the same 9 weights.
# - **locally connected**: a 3x3 kernel per position, 784 of them. Each is
#   fitted only from the 120 examples at its own position.

# %%
w_shared = fit_shared_kernel(xs, targets, (3, 3), padding="zero")
w_local = fit_locally_connected(xs, targets, (3, 3), padding="zero")
print("shared kernel (compare the ear filter):\n", w_shared.round(2))
print("weights: shared", w_shared.size, " locally connected", w_local.size)
print("ridge term: weight", inspect.signature(fit_shared_kernel).parameters["ridge"].default,
      "times the sum of the squared weights")
learnt = np.abs(w_local).sum(axis=(2, 3)) > 0
cols_with_weights = np.flatnonzero(learnt.any(axis=0))
print("columns where the locally connected layer has non-zero kernels:",
      cols_with_weights.min(), "to", cols_with_weights.max())

# %% [markdown]
# The shared kernel is close to the ear filter, each weight a little smaller
# in size. The noise is the reason: least squares shrinks weights that
# multiply noisy inputs. Fitted on the same images without noise, it finds the
# ear filter itself (up to the tiny change the ridge term makes):

# %%
xs_clean, targets_clean, _ = left_training_set(noise=0.0)
for name, (images, maps) in (("noise 0.05", (xs, targets)), ("no noise", (xs_clean, targets_clean))):
    print(f"{name:<10} largest |fitted kernel - ear filter|: "
          f"{np.abs(fit_shared_kernel(images, maps, (3, 3), padding='zero') - EAR).max():.4f}")

# %% [markdown]
# The locally connected layer learnt kernels only in columns 0 to 14 (the
# cats' ink reaches column 13, and a 3x3 kernel at column 14 still touches
# it). At every other position the target was zero in every training image,
# and the least-squares kernel for an always-zero target is exactly zero.
#
# All of this came from one draw of the noise. The next cell fits both layers
# again with the noise of seeds 0, 1 and 2, and checks each claim for every
# seed: the shared kernel has every weight smaller in size than the ear
# filter's, and gives one and the same value at the ear tip wherever the cat
# is; the locally connected layer has kernels in columns 0 to 14 only. It also
# prints the largest value of the locally connected map for a cat at each
# training position.

# %%
fits = {}
print("seed   shared: value at the tip  max |w - ear|   locally connected: kernel columns  max, training cats")
for seed in seeds:
    xs_r, targets_r, positions_r = left_training_set(noise=0.05, seed=seed)
    ws = fit_shared_kernel(xs_r, targets_r, (3, 3), padding="zero")
    wl = fit_locally_connected(xs_r, targets_r, (3, 3), padding="zero")
    sweep = ear_tip_sweep(ws, wl)  # both layers' values at the ear tip, cat at every position
    kernel_cols = np.flatnonzero((np.abs(wl).sum(axis=(2, 3)) > 0).any(axis=0))
    train_max = locally_connected(np.stack([cat_at(int(r), int(c)) for r, c in positions_r]), wl,
                                  padding="zero").max(axis=(1, 2))
    assert np.all(np.abs(ws) < np.abs(EAR))
    assert np.ptp(sweep["shared"]) < 1e-9 and sweep["shared"][0, 0] < 3
    assert kernel_cols.tolist() == list(range(15))
    fits[seed] = (ws, wl, sweep, train_max)
    print(f"{seed:4d} {sweep['shared'][0, 0]:25.2f} {np.abs(ws - EAR).max():14.2f} {kernel_cols.min():25d} to "
          f"{kernel_cols.max()} {train_max.min():13.2f} to {train_max.max():.2f}")
tip_values = [fits[seed][2]["shared"][0, 0] for seed in seeds]
train_lo = min(fits[seed][3].min() for seed in seeds)
train_hi = max(fits[seed][3].max() for seed in seeds)
print("over the three seeds: shared kernel at the ear tip", ", ".join(f"{v:.2f}" for v in tip_values),
      f"; locally connected map, training cats, {train_lo:.2f} to {train_hi:.2f}")
lows, highs = [fits[seed][3].min() for seed in seeds], [fits[seed][3].max() for seed in seeds]
assert np.ptp(tip_values) < 0.01 and np.ptp(lows) < 0.1 and np.ptp(highs) < 0.1
print(f"spread over the seeds: tip value {np.ptp(tip_values):.2f}, smallest training max {np.ptp(lows):.2f}, "
      f"largest training max {np.ptp(highs):.2f}")

# %% [markdown]
# The same picture for every seed: the shared kernel's value at the tip and
# the locally connected layer's maxima move from seed to seed by less than a
# tenth (the spread is printed).
#
# ### Exercise 3: predict, then run
#
# The cat moves to row 10, column 19, far into the right half. What is the
# *largest value* of the locally connected layer's map? (For a cat at one of
# the training positions it is between 2.29 and 3.05 over the three seeds,
# close to the shared kernel's value at the tip, 2.63 for every seed.) Write
# down a number before you run the next cells.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_max = None  # one number
predicted_max = 0.0
# END SOLUTION

# %%
check_local_prediction(predicted_max)

# %%
row, col = LOCAL_QUESTION["cat"]
right = cat_at(row, col)
for seed in seeds:
    ws, wl = fits[seed][:2]
    local_right = locally_connected(right, wl, padding="zero")
    assert not np.any(local_right)
    print(f"seed {seed}, cat at ({row}, {col}): shared map max {conv2d(right, ws, padding='zero').max():.2f}, "
          f"locally connected map max {local_right.max():.2f}")

# %% [markdown]
# Zero for every seed. Now the response maps side by side (seed 0), the cat
# on the left (a position seen in training) and on the right (never seen):

# %%
frames, titles, marks = [], [], []
for row, col in [(9, 2), (9, 17)]:
    img = cat_at(row, col)
    for name, out in (("shared", conv2d(img, w_shared, padding="zero")),
                      ("locally connected", locally_connected(img, w_local, padding="zero"))):
        r, c = np.unravel_index(np.argmax(out), out.shape)
        frames.append(out)
        titles.append(f"{name}: peak {out.max():.2f}")
        marks.append((r, c) if out.max() > 1.5 else None)
    frames.insert(len(frames) - 2, img)
    titles.insert(len(titles) - 2, f"cat at ({row}, {col})")
    marks.insert(len(marks) - 2, None)
print("shared map at column 17 == shared map at column 2, moved 15 columns right:",
      np.allclose(frames[4], shift(frames[1], 0, 15)))
print("locally connected map at column 17 is zero everywhere:", not np.any(frames[5]))
print(f"smallest and largest value in the maps: {min(f.min() for f in frames):.2f}, "
      f"{max(f.max() for f in frames):.2f} (colour scale -{MAP_SCALE} to {MAP_SCALE})")
fig = small_multiples(frames, titles, kind=["image", "signed", "signed"] * 2, vmax=MAP_SCALE, ncols=3,
                      markers=marks)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.6, label="map value")
show(fig)

# %% [markdown]
# *Seed 0. Top row: the cat at column 2, where training cats were; both maps
# peak at the ear tip (crosses), 2.63 and 2.82. Bottom row: the cat at column 17; the
# shared kernel's map is the top row's map moved 15 columns right, with the
# same peak value, while the locally connected map is zero everywhere (a
# uniform square of the colour of 0, no cross). The colour scale runs from
# -4.5 (blue) to 4.5 (red); negative values appear where the ear filter's
# negative weights fall on ink.*
#
# Where exactly does each layer find the cat? Slide the cat through every
# column (and every row) and record the map's value at the ear tip
# (`ear_tip_sweep` does it for all 400 positions). The layer *finds* the tip
# when its map's largest value (the first in reading order, as `np.argmax`
# picks it) is on the tip and reaches 1.5, half of the 3 that the ear filter
# gives there. First
# seed 0, in detail:

# %%
cols = np.arange(20)
tip_shared, tip_local, found_local = (fits[0][2][key] for key in ("shared", "local", "found"))
print("shared: value at the ear tip, every row and column:", np.unique(tip_shared.round(4)))
print("found: the peak is on the ear tip and reaches", DETECTION)
print("locally connected finds the ear tip in every row at columns:", cols[found_local.all(axis=0)].tolist())
print("locally connected, value at the ear tip over the 20 rows:")
print("column   smallest   mean   largest   rows where found")
for c in cols[5:16]:
    print(f"{c:6d} {tip_local[:, c].min():10.2f} {tip_local[:, c].mean():6.2f} {tip_local[:, c].max():9.2f}"
          f" {found_local[:, c].sum():12d}")

# %%
fig = Figure(figsize=(8.5, 3), dpi=80, layout="constrained")
ax = fig.subplots()
ax.axvspan(-0.5, 5.5, color="0.9", label="training columns")
ax.plot(cols, tip_shared.mean(axis=0), "o-", label="shared kernel (9 weights)")
ax.fill_between(cols, tip_local.min(axis=0), tip_local.max(axis=0), color="tab:orange", alpha=0.25,
                label="locally connected: range over rows")
ax.plot(cols, tip_local.mean(axis=0), "s--", color="tab:orange", label="locally connected (7056 weights)")
ax.set_xticks(cols[::2])
ax.set_xlabel("cat's column (top-left pixel)")
ax.set_ylabel("map value at the ear tip\n(mean over rows)")
ax.set_title("Fitted on the left: the shared kernel works everywhere")
ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
show(fig)

# %% [markdown]
# *Seed 0: value of each map at the ear tip against the cat's column (mean
# over the 20 rows; the shaded band spans the smallest to the largest value
# over rows); grey background: the columns where training cats had their
# top-left pixel. The shared kernel (circles) gives the same value, 2.63, at
# every row and column. The locally connected layer (squares) is about as good
# up to column 12 (weaker in some rows at columns 6 to 8; at columns 6 and 7 it
# misses the tip in 2 and 3 of the 20 rows), fades at 13, drops to about 0 at
# 14 and is exactly 0 from column 15 on: those positions never saw a cat. The
# table above gives the numbers.*
#
# Which of these details are laws, and which belong to seed 0? The same sweep
# for the three seeds:

# %%
print("seed   found in every row at columns          rows found at column 6  7  8  13   max |tip value| at 14  from 15")
for seed in seeds:
    sweep = fits[seed][2]
    every_row = cols[sweep["found"].all(axis=0)].tolist()
    rows_found = sweep["found"].sum(axis=0)
    at14, beyond = np.abs(sweep["local"][:, 14]).max(), np.abs(sweep["local"][:, 15:]).max()
    assert every_row == [*range(6), *range(8, 13)]                              # columns 0-5 and 8-12, every row
    assert all(15 <= rows_found[c] < 20 for c in (6, 7)) and 0 < rows_found[13] < 20  # a few misses; fading at 13
    assert at14 < 1 and beyond == 0 and not sweep["found"][:, 14:].any()          # about 0 at 14, exactly 0 after
    print(f"{seed:4d}   {str(every_row):38s} {rows_found[6]:22d} {rows_found[7]:2d} {rows_found[8]:2d} "
          f"{rows_found[13]:3d} {at14:22.2f} {beyond:8.1f}")

# %% [markdown]
# For every seed the locally connected layer finds the tip in every row at
# columns 0 to 5 and 8 to 12, misses it in a few rows at columns 6 and 7,
# finds it in only some rows at column 13, stays below 1 at column 14 and is
# exactly 0 from column 15 on. Which rows it misses, and how many, varies with
# the noise.
#
# Why does it still work at columns 6 to 12, where no training cat had its
# ear tip? Training cats covered those positions with other parts of their
# bodies, so each position there fitted a kernel from cat patches, and that
# kernel mostly gives the right value on the tip too. From column 14 on, the
# ear tip falls where no ink ever was.
#
# The locally connected layer did not fail to learn: on the left it is as good
# as the shared kernel. It learnt *separately at each position*, and a
# position that never saw a cat has nothing to go on. Sharing makes every
# example teach every position.
#
# Trained networks show the same thing at scale. Biscione & Bowers (2021)
# trained CNNs on objects shown at one place and found that they fail to
# recognise them at places not seen in training; pretraining on images in
# which objects appear all over the canvas let the networks learn to
# recognise new objects anywhere. Blything et al. (2021) found that standard
# CNNs recognise new objects trained at one place after large displacements
# when they were pretrained on other objects shown at many places, or when a
# global average pooling layer (notebook 04) is added.
#
# ## 5. Live view: slide the cat
#
# Drag the sliders (or click one and use the arrow keys). The panels: the
# input, the shared kernel's map, the locally connected layer's map (both on
# the colour scale -4.5 to 4.5 used above), and the size of that layer's
# kernel at each position (dark = zero: nothing learnt). The dashed frame
# marks the columns that training cats covered (0 to 13). Crosses mark a
# map's peak when it reaches 1.5. Two buttons switch the locally connected
# layer between its own weights at every position and weights tied to the
# shared kernel; tied, the two maps are identical. The text below the picture
# gives the peaks in numbers.

# %%
SharingExplorer()

# %% [markdown]
# Without a running kernel the view above cannot move. Here is what it shows
# for three positions of the cat, with the locally connected layer's own
# weights. The view uses the layers fitted with the noise of seed 0, the ones
# of the figures in section 4:

# %%
explorer = SharingExplorer()
frames, titles, marks = [], [], []
for col in (2, 12, 17):
    explorer.col.value = col
    st = explorer.state
    frames += [st["x"], st["shared"], st["local"]]
    titles += [f"cat at (9, {col})", f"shared: peak {st['shared_value']:.2f}",
               f"locally connected: peak {st['local_value']:.2f}"]
    marks += [None, st["shared_peak"] if st["shared_found"] else None,
              st["local_peak"] if st["local_found"] else None]
    print(f"cat at (9, {col}): shared peak {st['shared_value']:.2f} (on the tip: {st['shared_found']}), "
          f"locally connected peak {st['local_value']:.2f} (on the tip: {st['local_found']})")
explorer.mode.value = MODES[1]  # weights tied
print(f"{MODES[1]}: largest difference between the two maps {explorer.state['difference']:.2f}")
fig = small_multiples(frames, titles, kind=["image", "signed", "signed"] * 3, vmax=MAP_SCALE, ncols=3,
                      markers=marks)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.5, label="map value")
show(fig)

# %% [markdown]
# *Seed 0. Three rows, the cat at columns 2, 12 and 17 (row 9): the input, the shared
# kernel's map and the locally connected map, on one scale from -4.5 to 4.5,
# with a cross where a map finds the ear tip. The shared map is the same
# picture moved along. The locally connected map is close to it at column 2;
# at column 12 only the part in columns 0 to 14, where the layer has kernels,
# survives, and it still includes the ear tip (2.64 here; for every seed the
# sweep of section 4 finds the tip at column 12 in every row); at column 17 it
# is zero. With the weights tied (printed above) the two maps agree exactly.*
#
# ### Question
#
# Weight sharing forces a layer to treat every position the same way. That is
# its strength here. When is it the wrong assumption, so that a layer that can
# treat positions differently would do better?
#
# <details><summary>Show an answer</summary>
#
# When *where* something is carries meaning. In face images that are aligned
# before they reach the network, the eyes are always near the top and the
# mouth near the bottom: a filter for "eye" is useless at the mouth's place,
# and the DeepFace network (Taigman et al., 2014) used locally connected layers
# for exactly this reason. Other examples: forms and documents with a fixed
# layout, medical scans registered to a common template, the sky that is
# almost always at the top of an outdoor photo. The price of untying is the one
# you saw in section 4: far more weights, and each must be learnt from examples
# at its own position.
#
# </details>
#
# ## Summary
#
# - A dense layer from a 28x28 image to a 26x26 map has 529,984 weights.
#   Locality (each output sees a 3x3 patch) leaves 6,084; sharing (the same
#   3x3 kernel everywhere) leaves 9. Sharing saves weights, not
#   multiplications.
# - A convolution is a matrix with tied entries: the same kernel in every row,
#   moved along. With circular padding it is block circulant.
# - The block-circulant matrix commutes with every shift matrix, `M S = S M`:
#   that is the convolution's equivariance, with the output shift `S' = S`.
#   Conversely, a linear layer that commutes with every circular shift is a
#   convolution, though its kernel can be as large as the image (a
#   convolution without locality).
# - Give each position its own kernel (a locally connected layer) and the
#   equivariance error is large for every shift but `(0, 0)`, for each noise
#   seed; tie the kernels and it is zero.
# - A shared kernel fitted on cats in the left half finds cats anywhere; a
#   locally connected layer fitted on the same data finds them only where
#   training cats covered the image, and gives exactly 0 where no cat ever
#   was. Both hold for each of the three noise seeds; which rows near the edge
#   of the training region are missed varies with the seed.
#
# ## Further reading
#
# - LeCun et al., "Backpropagation Applied to Handwritten Zip Code
#   Recognition", Neural Computation 1989: weight sharing in a network trained
#   by gradient descent.
# - Goodfellow, Bengio & Courville, *Deep Learning* (2016), sections 9.2
#   (parameter sharing and equivariance) and 9.5 (locally connected layers,
#   "unshared convolution").
# - Taigman, Yang, Ranzato & Wolf, "DeepFace: Closing the Gap to Human-Level
#   Performance in Face Verification", CVPR 2014: locally connected layers for
#   aligned faces.
# - Biscione & Bowers, "Convolutional Neural Networks Are Not Invariant to
#   Translation, but They Can Learn to Be", JMLR 2021: what a trained network
#   does with objects at positions it never saw, and how pretraining on
#   objects shown everywhere helps.
# - Blything, Biscione, Vankov, Ludwig & Bowers, "The human visual system and
#   CNNs can both support robust online translation tolerance following
#   extreme displacements", Journal of Vision 2021: people, and CNNs with
#   suitable pretraining or a global average pooling layer, recognise objects
#   far from where they learnt them.
# - Cohen & Welling, "Group Equivariant Convolutional Networks", ICML 2016:
#   share weights over rotations too, and get equivariance to rotations
#   (notebook 05 builds such a layer).
# - Next: `04_softmax`, where a global pooling layer on top of shared-weight
#   layers lets a classifier trained on cats in the left half recognise them
#   on the right, and softmax does not.
