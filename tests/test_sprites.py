"""helpers.sprites: the sprites, placing them on a canvas, and the labelled data sets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers.sprites import (
    CLASSES,
    REGIONS,
    SPRITE_SIZE,
    SPRITES,
    cat_at,
    make_dataset,
    place,
    region_columns,
    sprite,
)

# --- sprites -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SPRITES))
def test_every_sprite_is_a_9x9_binary_image_with_ink_and_background(name):
    s = sprite(name)
    assert s.shape == (9, 9) == (SPRITE_SIZE, SPRITE_SIZE)
    assert s.dtype == np.float64
    assert set(np.unique(s)) == {0.0, 1.0}
    assert 9 <= s.sum() < 81


def test_sprites_are_all_different():
    for a, b in itertools.combinations(sorted(SPRITES), 2):
        assert not np.array_equal(SPRITES[a], SPRITES[b]), (a, b)


def test_the_cat_has_ears_eyes_and_a_nose():
    cat = sprite("cat")
    assert cat[0, 0] == cat[0, 8] == 1.0  # ear tips
    assert cat[0, 1:8].sum() == 0.0  # between the ears
    assert cat[4, 2] == cat[4, 6] == 0.0  # eyes: holes in the face
    assert cat[6, 4] == 0.0  # nose
    assert cat[3].sum() == 9.0  # a full row of face
    np.testing.assert_array_equal(cat, cat[:, ::-1])  # left-right symmetric


def test_classes_start_with_the_cat_and_are_sprites():
    assert CLASSES[0] == "cat"
    assert len(set(CLASSES)) == len(CLASSES) == 4
    assert set(CLASSES) <= set(SPRITES)


def test_sprite_returns_a_copy_and_the_table_is_read_only():
    s = sprite("plus")
    s[:] = 7.0
    assert sprite("plus").max() == 1.0
    with pytest.raises(ValueError):
        SPRITES["plus"][0, 0] = 5.0


def test_unknown_sprite_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"name must be one of 'cat', 'plus', 'box', 'x', 'triangle'; got 'dog'"):
        sprite("dog")


# --- place ---------------------------------------------------------------------


def test_place_puts_the_sprite_with_its_top_left_pixel_at_row_col():
    img = place("box", 3, 5)
    assert img.shape == (28, 28)
    np.testing.assert_array_equal(img[3:12, 5:14], SPRITES["box"])
    assert img.sum() == SPRITES["box"].sum()  # nothing else on the canvas
    np.testing.assert_array_equal(cat_at(2, 4), place("cat", 2, 4))
    np.testing.assert_array_equal(cat_at(2, 4)[2:11, 4:13], SPRITES["cat"])


def test_place_on_a_rectangular_canvas_and_with_an_array():
    obj = np.arange(6.0).reshape(2, 3) / 5
    img = place(obj, 4, 7, canvas=(6, 10))
    assert img.shape == (6, 10)
    np.testing.assert_array_equal(img[4:6, 7:10], obj)
    assert img.sum() == pytest.approx(obj.sum())


@pytest.mark.parametrize("row,col", [(0, 0), (19, 19), (0, 19), (19, 0)])
def test_place_fits_up_to_the_edges(row, col):
    img = place("x", row, col)
    np.testing.assert_array_equal(img[row:row + 9, col:col + 9], SPRITES["x"])


@pytest.mark.parametrize("row,col", [(20, 0), (0, 20), (-1, 3), (3, -1), (100, 100)])
def test_place_rejects_positions_that_do_not_fit(row, col):
    with pytest.raises(ValueError, match=rf"row={row}, col={col} does not fit on a 28x28 canvas: "
                                         r"row must be in 0\.\.19 and col in 0\.\.19"):
        place("cat", row, col)


def test_place_rejects_a_sprite_larger_than_the_canvas():
    with pytest.raises(ValueError, match=r"obj of shape \(9, 9\) is larger than the canvas \(8x8\)"):
        place("cat", 0, 0, canvas=8)


def test_noise_is_reproducible_with_a_seed():
    a = place("cat", 5, 5, noise=0.1, rng=np.random.default_rng(3))
    b = place("cat", 5, 5, noise=0.1, rng=np.random.default_rng(3))
    c = place("cat", 5, 5, noise=0.1, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(place("cat", 5, 5, noise=0.1), place("cat", 5, 5, noise=0.1))  # default: seed 0
    resid = a - place("cat", 5, 5)
    assert 0.08 < resid.std() < 0.12  # Gaussian noise of the given standard deviation
    assert abs(resid.mean()) < 0.02


@pytest.mark.parametrize("call,exc,match", [
    (lambda: place("cat", 1.0, 0), TypeError, r"row must be an integer, got 1\.0"),
    (lambda: place("cat", 0, True), TypeError, r"col must be an integer, got True"),
    (lambda: place(np.ones((2, 2, 2)), 0, 0), ValueError, r"obj must have 2 dimensions, got 3"),
    (lambda: place(np.ones((2, 2)) * np.nan, 0, 0), ValueError, r"obj contains NaN"),
    (lambda: place("cat", 0, 0, canvas="big"), TypeError, r"canvas must be an int or a \(height, width\) tuple"),
    (lambda: place("cat", 0, 0, canvas=[28, 28]), TypeError, r"canvas must be an int or a \(height, width\) tuple"),
    (lambda: place("cat", 0, 0, canvas=(0, 28)), ValueError, r"canvas\[0\] must be a positive integer"),
    (lambda: place("cat", 0, 0, canvas=0), ValueError, r"canvas must be a positive integer"),
    (lambda: place("cat", 0, 0, noise=-0.1), ValueError, r"noise must be a finite number >= 0, got -0\.1"),
    (lambda: place("cat", 0, 0, noise=np.nan), ValueError, r"noise must be a finite number >= 0, got nan"),
    (lambda: place("cat", 0, 0, noise="0.1"), ValueError, r"noise must be a finite number >= 0"),
    (lambda: place("dog", 0, 0), ValueError, r"name must be one of"),
])
def test_place_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- regions and data sets -----------------------------------------------------


@pytest.mark.parametrize("width", [18, 19, 28, 31])
def test_region_columns_keep_the_sprite_in_its_half(width):
    half = width / 2
    lo, hi = region_columns("left", width)
    assert lo == 0 and hi + 9 <= half and hi >= lo
    lo, hi = region_columns("right", width)
    assert lo >= half and hi + 9 == width and hi >= lo
    assert region_columns("everywhere", width) == (0, width - 9)
    with pytest.raises(ValueError, match=r"region must be one of 'left', 'right', 'everywhere'; got 'top'"):
        region_columns("top", width)


def test_make_dataset_shapes_labels_and_positions():
    x, y, pos = make_dataset(40, noise=0.0, seed=1)
    assert x.shape == (40, 1, 28, 28)
    assert y.shape == (40,) and pos.shape == (40, 2)
    assert np.issubdtype(y.dtype, np.integer)
    for img, label, (r, c) in zip(x, y, pos):
        np.testing.assert_array_equal(img[0, r:r + 9, c:c + 9], SPRITES[CLASSES[label]])
        assert img.sum() == SPRITES[CLASSES[label]].sum()  # exactly one sprite, no noise


@pytest.mark.parametrize("n,k", [(40, 4), (41, 4), (7, 3), (2, 2)])
def test_make_dataset_is_balanced(n, k):
    classes = CLASSES[:k]
    _, y, _ = make_dataset(n, classes=classes, seed=2)
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n and len(counts) == k
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("canvas", [28, 19])
def test_make_dataset_respects_the_regions(canvas):
    half = canvas / 2
    for region in REGIONS:
        x, _, pos = make_dataset(200, region=region, canvas=canvas, noise=0.0, seed=5)
        ink_cols = np.nonzero(x.any(axis=(0, 1, 2)))[0]
        if region == "left":
            assert ink_cols.max() < half
            assert (pos[:, 1] + 9 <= half).all()
        elif region == "right":
            assert ink_cols.min() >= half
            assert (pos[:, 1] >= half).all()
        else:
            assert ink_cols.min() == 0 and ink_cols.max() == canvas - 1  # both edges reached over 200 images
        assert pos[:, 0].min() >= 0 and pos[:, 0].max() <= canvas - 9  # any row that fits
        assert len(np.unique(pos[:, 0])) > 3


def test_make_dataset_is_deterministic_with_a_seed():
    a = make_dataset(16, region="right", seed=11)
    b = make_dataset(16, region="right", seed=11)
    c = make_dataset(16, region="right", seed=12)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_make_dataset_noise_level():
    x, _, _ = make_dataset(8, noise=0.0, seed=3)
    xn, _, _ = make_dataset(8, noise=0.2, seed=3)
    assert set(np.unique(x)) == {0.0, 1.0}
    resid = xn - make_dataset(8, noise=0.0, seed=3)[0]
    assert 0.18 < resid.std() < 0.22


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"n": 0}, ValueError, r"n must be a positive integer \(>= 1\), got 0"),
    ({"n": -3}, ValueError, r"n must be a positive integer"),
    ({"n": 2.5}, TypeError, r"n must be a positive integer, got 2\.5"),
    ({"region": "top"}, ValueError, r"region must be one of 'left', 'right', 'everywhere'; got 'top'"),
    ({"classes": ("cat",)}, ValueError, r"classes must be a sequence of at least two sprite names"),
    ({"classes": "cat"}, ValueError, r"classes must be a sequence of at least two sprite names"),
    ({"classes": ("cat", "dog")}, ValueError, r"classes must be one of .*got 'dog'"),
    ({"canvas": 17}, ValueError, r"canvas must be at least 18 pixels .* got 17"),
    ({"canvas": 28.0}, TypeError, r"canvas must be a positive integer"),
    ({"noise": -0.1}, ValueError, r"noise must be a finite number >= 0, got -0\.1"),
    ({"noise": float("nan")}, ValueError, r"noise must be a finite number >= 0, got nan"),
    ({"noise": "0.1"}, ValueError, r"noise must be a finite number >= 0"),
])
def test_make_dataset_bad_input(kwargs, exc, match):
    args = {"n": 8, **kwargs}
    with pytest.raises(exc, match=match):
        make_dataset(**args)


def test_make_dataset_rejects_a_number_of_classes():
    with pytest.raises(ValueError, match="classes must be a sequence"):
        make_dataset(4, classes=3)
