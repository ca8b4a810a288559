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
from helpers.sharing_fit import fit_locally_connected, fit_shared_kernel, left_training_set
from helpers.sprites import cat_at
from helpers.views import param_figure, small_multiples, weight_matrix_figure

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
# - **locally connected** (locality): output `(i, j)` only looks at the 3x3
#   patch `x[i:i+3, j:j+3]`, with 9 weights of its own; the other entries of
#   its row are zero: 4 x 9 = 36 weights;
# - **convolution** (locality and sharing): every output uses the *same* 9
#   weights.
#
# The picture writes in each non-zero entry of the matrix which weight sits
# there, numbered from 1.

# %%
tiny_dense = np.arange(4 * 16).reshape(4, 16)
weight_matrix_figure(
    [(tiny_dense, "dense: every entry its own weight (64)", False),
     (weight_index_matrix((3, 3), (4, 4), "valid", shared=False), "locally connected: 3x3 patches (36)", False),
     (weight_index_matrix((3, 3), (4, 4), "valid"), "convolution: the same 9 weights in every row", True)],
    stacked=True, width=7.5)

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
param_figure(counts)

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
# matrix of a 3x3 convolution on a 4x4 image with circular padding (the image
# wraps around, as in notebook 01), with the kernel entries 1 to 9 so that
# each number says which entry it is. Row `i * 4 + j` computes output pixel
# `(i, j)`; a zero means "not connected".

# %%
w19 = np.arange(1, 10).reshape(3, 3)
print("kernel w =\n", w19)
print("conv_matrix(w, (4, 4)) =\n", conv_matrix(w19, (4, 4), padding="circular").astype(int))

# %% [markdown]
# Every row holds the same nine numbers; only their columns change. Remember
# that `conv2d` is cross-correlation (the kernel is not flipped), so `w[0, 0]`
# multiplies the pixel up and to the left of the output pixel, and with
# circular padding "up" from row 0 is row 3.
#
# `helpers.sharing.conv_matrix` builds this matrix without a loop over pixels:
# for all output pixels `(i, j)` and kernel entries `(u, v)` at once, it
# computes the input pixel `((i + u - 1) % H, (j + v - 1) % W)` with array
# arithmetic, and places `w[u, v]` there. The claim to check: the matrix times
# the flattened image is the convolution, for a random image and kernel and
# for each padding.

# %%
rng = np.random.default_rng(0)
x6 = rng.standard_normal((6, 6))
w6 = rng.standard_normal((3, 3))
lines = []
for padding in ("circular", "zero", "valid"):
    m = conv_matrix(w6, x6.shape, padding=padding)
    err = np.abs(m @ x6.ravel() - conv2d(x6, w6, padding=padding).ravel()).max()
    assert err < 1e-12
    lines.append(f"{padding:>8} padding: matrix {m.shape}, max |M x - conv2d(x)| < 1e-12")
print("\n".join(lines))

# %% [markdown]
# The same matrix as a picture, for a 6x6 image: one colour per kernel entry,
# so equal weights share a colour. Thin lines cut the matrix into 6x6 blocks:
# each block connects one row of output pixels to one row of input pixels.

# %%
weight_matrix_figure([(weight_index_matrix((3, 3), (6, 6)), "3x3 convolution on a 6x6 image, circular padding",
                       True)], values=w19, annotate=False, width=5.5, block=6)

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
weight_matrix_figure([(weight_index_matrix((3, 3), (4, 4)), "3x3 convolution on a 4x4 image, circular padding",
                       True)], values=w19, width=5.0, block=4)

# %% [markdown]
# *The 16x16 matrix printed above, each non-zero entry labelled with its
# kernel value 1 to 9 and coloured by it: every row holds the digits 1 to 9
# once, at shifted places.*
#
# ### Circulant, and why that gives equivariance
#
# With circular padding the pattern is exact: the row for output pixel `(i, j)`
# is the row for `(0, 0)` moved by `(i, j)` on the torus. A matrix built like
# this is called *block circulant* (circulant blocks, arranged circulantly).
# Check it for the 6x6 case:

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
# `S @ x.ravel() == shift(x, dy, dx).ravel()`. Equivariance,
# `conv(S x) = S conv(x)`, says `M S x = S M x` for every `x`, that is:
#
# $$M S = S M:\ \text{the matrices commute.}$$
#
# Check it for all 36 shifts of the 6x6 image, and compare with zero padding
# (`"zero"`), whose matrix loses the entries that wrap around:

# %%
m6_zero = conv_matrix(w6, (6, 6), padding="zero")
shifts = [(dy, dx) for dy in range(6) for dx in range(6)]
s = shift_matrix((6, 6), 2, 1)
lines = [f"S @ x.ravel() == shift(x, 2, 1).ravel(): {np.array_equal(s @ x6.ravel(), shift(x6, 2, 1).ravel())}"]
for name, m in (("circular", m6), ("zero", m6_zero)):
    commute = [np.allclose(shift_matrix((6, 6), dy, dx) @ m, m @ shift_matrix((6, 6), dy, dx)) for dy, dx in shifts]
    lines.append(f"{name:>8} padding: M S == S M for {sum(commute)} of {len(shifts)} shifts")
print("\n".join(lines))

# %% [markdown]
# Circular padding: all 36. Zero padding: only the shift by `(0, 0)`, which
# does nothing. This is notebook 01's border effect, seen in the matrix.
#
# Why does sharing give commuting? `S M S⁻¹` is the layer "move the image
# back, apply `M`, move the result forward". For output `(i, j)`, it uses the
# kernel that `M` has at position `(i - dy, j - dx)`. Check it on a locally
# connected layer with a random kernel at each of the 36 positions: conjugating
# its matrix by a shift gives the layer whose kernels are rolled by the shift.

# %%
own6 = rng.standard_normal((6, 6, 3, 3))  # a kernel of its own at each position
m_own = locally_connected_matrix(own6, (6, 6), padding="circular")
s21 = shift_matrix((6, 6), 2, 1)
rolled = locally_connected_matrix(np.roll(own6, (2, 1), axis=(0, 1)), (6, 6), padding="circular")
print("S M S^-1 == the layer with its kernels moved by (2, 1):", np.allclose(s21 @ m_own @ s21.T, rolled))
print("S M S^-1 == M for this layer (own kernels):", np.allclose(s21 @ m_own @ s21.T, m_own))

# %% [markdown]
# (`S.T` is the inverse of `S`: a shift matrix is a permutation.) If every
# position has the *same* kernel, rolling the kernels changes nothing, so
# `S M S⁻¹ = M`, which is `M S = S M`.
#
# The converse holds too: a linear layer that commutes with every circular
# shift *is* a circular convolution. Take any matrix `A` and replace it by the
# average of `S A S⁻¹` over all 36 shifts. The average commutes with every
# shift (shifting it only reorders the terms of the sum), and its rows are
# all copies of one kernel:

# %%
a = rng.standard_normal((36, 36))
mats = [shift_matrix((6, 6), dy, dx) for dy, dx in shifts]
a_avg = sum(sm @ a @ sm.T for sm in mats) / len(mats)
# row (0, 0) read as a 6x6 image holds the kernel; conv2d puts a 6x6 kernel's centre at (2, 2), so roll it there
kernel6 = np.roll(a_avg[0].reshape(6, 6), (2, 2), axis=(0, 1))
print("commutes with every shift:", all(np.allclose(sm @ a_avg, a_avg @ sm) for sm in mats))
print("equals conv_matrix of one 6x6 kernel:", np.allclose(a_avg, conv_matrix(kernel6, (6, 6))))


# %% [markdown]
# Now let `A` be any matrix that already commutes with every shift. Then each
# `S A S⁻¹` is `A` itself, so the average is `A`, and `A` is a convolution.
# So, for linear layers on a torus, "equivariant to shifts" and "a
# convolution: one kernel shared by every position" are the same thing.
#
# ### Exercise 2: build the matrix yourself
#
# Write `my_conv_matrix(w, size)`: the `(size*size, size*size)` matrix of a 3x3
# convolution with circular padding on a `size x size` image, pixels numbered
# row by row. Row `i * size + j` holds `w[u, v]` in the column of pixel
# `((i + u - 1) % size, (j + v - 1) % size)`. Loops are fine here: this is
# the picture, not the fast version.

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
# cat image (`equivariance_errors` computes all of them in one call).

# %%
x = cat_at(9, 9)
noise = np.random.default_rng(1).standard_normal((28, 28, 3, 3))
own = LocallyConnected2D(EAR + noise, padding="circular")
err_own = equivariance_errors(own, x)
nonzero_shifts = err_own.ravel()[1:]  # all but the shift by (0, 0)
print(own)
print(f"error over the 783 non-zero shifts: smallest {nonzero_shifts.min():.2f}, "
      f"median {np.median(nonzero_shifts):.2f}, largest {nonzero_shifts.max():.2f}")
print(f"for scale: the largest value of the layer's output is {np.abs(own(x)).max():.2f}")

# %% [markdown]
# Large, for every shift. Now tie the weights: replace each position's kernel
# by the average kernel, the same at every position, and measure again.

# %%
tied = LocallyConnected2D(tie_weights(own.weights.mean(axis=(0, 1)), (28, 28)), padding="circular")
err_tied = equivariance_errors(tied, x)
print(tied)
print(f"largest error over all 784 shifts: {err_tied.max():.4f}")
assert err_tied.max() < 1e-12

# %% [markdown]
# Zero. How much untying does it take to break equivariance? Give each
# position the ear filter plus the same noise scaled by `eps`: the error grows
# in proportion to `eps`, from exactly zero at `eps = 0`.

# %%
lines = []
for eps in (0.0, 0.01, 0.1, 1.0):
    layer = LocallyConnected2D(EAR + eps * noise, padding="circular")
    lines.append(f"eps = {eps:<5} largest equivariance error {equivariance_errors(layer, x).max():.4f}")
print("\n".join(lines))

# %%
fig = small_multiples([err_own, err_tied], [f"own weights: max error {err_own.max():.1f}",
                                           f"weights tied: max error {err_tied.max():.1f}"],
                      kind="magnitude", vmax=float(err_own.max()), panel=2.4)
fig.colorbar(fig.axes[0].images[0], ax=fig.axes, shrink=0.8, label="equivariance error")
fig

# %% [markdown]
# *Equivariance error `max |f(Sx) - S f(x)|` for each shift `(dy, dx)`
# (row = `dy`, column = `dx`, both 0 to 27), on one colour scale from 0 to the
# largest error (bar on the right). With its own weights at every position the
# layer is off for every shift except `(0, 0)`, the single dark pixel at the
# top left (the smallest other error is 5.94, printed above); tied, the error
# is zero everywhere, a uniform square of the colour of 0.*
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
# a little noise; the target for each image is the ear filter's map of the
# clean image: what a good ear detector should output.

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
fig

# %% [markdown]
# *Two of the 120 training pairs: a noisy image with the cat at the top left
# and at the bottom of the left half, and the target map beside each, on the
# scale -4.5 (blue) to 4.5 (red) of the bar. The target is 3, its largest
# value, at the ear tip only (printed above); it is negative where the
# filter's negative weights cover ink.*
#
# Both layers are fitted by least squares, with `"zero"` padding:
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
learnt = np.abs(w_local).sum(axis=(2, 3)) > 0
cols_with_weights = np.flatnonzero(learnt.any(axis=0))
print("columns where the locally connected layer has non-zero kernels:",
      cols_with_weights.min(), "to", cols_with_weights.max())

# %% [markdown]
# The shared kernel is close to the ear filter, a little smaller. The noise
# is the reason: least squares shrinks weights that multiply noisy inputs.
# Fitted on the same images without noise, it finds the ear filter itself:

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
# ### Exercise 3: predict, then run
#
# The cat moves to row 10, column 19, far into the right half. What is the
# *largest value* of the locally connected layer's map? (For a cat in one of
# the training columns it is between 2.3 and 3.1, close to the shared
# kernel's 2.63.) Write down a number before you run the next cells.

# %% tags=["solution"]
# BEGIN SOLUTION
# STUB: predicted_max = None  # one number
predicted_max = 0.0
# END SOLUTION

# %%
check_local_prediction(predicted_max)

# %%
left_max = locally_connected(np.stack([cat_at(int(r), int(c)) for r, c in positions]), w_local,
                             padding="zero").max(axis=(1, 2))
print(f"cats in the training columns: largest value of the locally connected map "
      f"{left_max.min():.2f} to {left_max.max():.2f}")
row, col = LOCAL_QUESTION["cat"]
right = cat_at(row, col)
print(f"cat at ({row}, {col}): shared map max {conv2d(right, w_shared, padding='zero').max():.2f}, "
      f"locally connected map max {locally_connected(right, w_local, padding='zero').max():.2f}")

# %% [markdown]
# Now the response maps side by side, the cat on the left (a position seen in
# training) and on the right (never seen):

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
fig

# %% [markdown]
# *Top row: the cat at column 2, where training cats were; both maps peak at
# the ear tip (crosses), 2.63 and 2.82. Bottom row: the cat at column 17; the
# shared kernel's map is the top row's map moved 15 columns right, with the
# same peak value, while the locally connected map is zero everywhere (a
# uniform square of the colour of 0, no cross). The colour scale runs from
# -4.5 (blue) to 4.5 (red); negative values appear where the ear filter's
# negative weights fall on ink.*
#
# Where exactly does each layer find the cat? Slide the cat through every
# column (and every row) and record the map's value at the ear tip:

# %%
cols = np.arange(20)
tip_shared = np.zeros((20, 20))
tip_local = np.zeros((20, 20))
found_local = np.zeros((20, 20), dtype=bool)
for row in range(20):
    imgs = np.stack([cat_at(row, int(c)) for c in cols])
    shared_maps = conv2d(imgs[:, None], w_shared[None, None], padding="zero")[:, 0]
    local_maps = locally_connected(imgs, w_local, padding="zero")
    tip_shared[row] = shared_maps[cols, row, cols]
    tip_local[row] = local_maps[cols, row, cols]
    found_local[row] = [np.argmax(mp) == row * 28 + c and mp.max() > 1.5 for mp, c in zip(local_maps, cols)]
print("shared: value at the ear tip, every row and column:", np.unique(tip_shared.round(4)))
print("locally connected finds the ear tip (unique peak above 1.5) in every row at columns:",
      cols[found_local.all(axis=0)].tolist())
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
fig

# %% [markdown]
# *Value of each map at the ear tip against the cat's column (mean over the 20
# rows; the shaded band spans the smallest to the largest value over rows);
# grey background: the columns where training cats had their top-left pixel.
# The shared kernel (circles) gives the same value, 2.63, at every row and
# column. The locally connected layer (squares) is about as good up to column
# 12 (weaker in some rows at columns 6 to 8; at columns 6 and 7 it misses the
# tip in 2 and 3 of the 20 rows), fades at 13, drops to about 0 at 14 and is
# exactly 0 from column 15 on: those positions never saw a cat. The table
# above gives the numbers.*
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
# example teach every position. Trained networks show the same thing at scale:
# CNNs trained with objects in one place fail elsewhere unless something in
# the architecture (such as global pooling, notebook 04) or the data makes up
# for it (Biscione & Bowers, 2021).
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
# weights:

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
explorer.mode.value = MODES[1]  # weights tied
print(f"{MODES[1]}: largest difference between the two maps {explorer.state['difference']:.2f}")
fig = small_multiples(frames, titles, kind=["image", "signed", "signed"] * 3, vmax=MAP_SCALE, ncols=3,
                      markers=marks)
fig.colorbar(fig.axes[1].images[0], ax=fig.axes, shrink=0.5, label="map value")
fig

# %% [markdown]
# *Three rows, the cat at columns 2, 12 and 17 (row 9): the input, the shared
# kernel's map and the locally connected map, on one scale from -4.5 to 4.5,
# with a cross where a map finds the ear tip. The shared map is the same
# picture moved along. The locally connected map is close to it at column 2;
# at column 12 only the part in columns 0 to 14, where the layer has kernels,
# survives, and it still includes the ear tip (2.64); at column 17 it is
# zero. With the weights tied (printed above) the two maps agree exactly.*
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
# - Circulant matrices commute with shift matrices, `M S = S M`: that is
#   equivariance. Conversely, a linear layer that commutes with every circular
#   shift is a convolution.
# - Give each position its own kernel (a locally connected layer) and the
#   equivariance error is large for every shift; tie the kernels and it is zero.
# - A shared kernel fitted on cats in the left half finds cats anywhere; a
#   locally connected layer fitted on the same data finds them only where it
#   saw them.
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
#   does with objects at positions it never saw.
# - Cohen & Welling, "Group Equivariant Convolutional Networks", ICML 2016:
#   share weights over rotations too, and get equivariance to rotations
#   (notebook 05 builds such a layer).
# - Next: `04_softmax`, where global pooling on top of shared-weight layers
#   turns equivariance into invariance, and softmax does not.
