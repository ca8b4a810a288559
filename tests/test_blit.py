"""helpers.views.blit_nearest: map panels copied into the canvas give matplotlib's own pixels.

Every live view of the notebooks (the book's registry builds each one as its
notebook does) is drawn at pixel ratio 1 and 2, at several slider positions
and every kept toggle state, once with the fast copy and once with every
image drawn by matplotlib; the two frames must be equal, pixel for pixel.
Unit cases cover what the copy must hand back to matplotlib, and a wrong
copy (one device pixel off) is shown failing the comparison.

matplotlib samples each device pixel at its centre from version 3.11 on;
older versions put some cell edges a pixel away, so there the live views do
not use the copy (``EXACT_NEAREST``) and the pixel comparisons are skipped.
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
from matplotlib.image import AxesImage

import helpers.views as views
from helpers.book_frames import REGISTRY
from helpers.views import EXACT_NEAREST, LiveFigure, blit_nearest

exact = pytest.mark.skipif(not EXACT_NEAREST, reason=f"matplotlib {matplotlib.__version__} samples nearest-neighbour "
                           "images off the pixel centres (before 3.11); the live views draw them with matplotlib")


def _both(live: LiveFigure) -> tuple[np.ndarray, np.ndarray]:
    """The current state drawn with the fast copy, then with matplotlib only."""
    old = live.fast_images
    try:
        live.fast_images = True
        live.render()
        fast = live.to_array()
        live.fast_images = False
        live.render()
    finally:
        live.fast_images = old
    return fast, live.to_array()


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    return int((a != b).any(axis=-1).sum())


@exact
@pytest.mark.parametrize("key", sorted(REGISTRY), ids=lambda k: f"{k[0]}-{k[1]}")
def test_every_live_view_is_pixel_identical_to_matplotlib(key):
    spec = REGISTRY[key]
    view = spec.factory()
    try:
        view.cache_frames = False  # draw every state, never serve a stored frame
        slider = getattr(view, spec.slider)
        grid = list(range(slider.min, slider.max + 1, slider.step))
        positions = sorted({grid[0], grid[1], grid[len(grid) // 2], grid[-1]})
        toggles = [getattr(view, t) for t in spec.toggles]
        for ratio in (1, 2):
            view.set_pixel_ratio(ratio)
            for states in itertools.product(*(t.options for t in toggles)):
                for t, s in zip(toggles, states):
                    t.value = s
                for p in positions:
                    slider.value = p
                    fast, reference = _both(view.live)
                    assert _differing(fast, reference) == 0, (
                        f"{key} at ratio {ratio}, {spec.slider}={p}, toggles {states}: "
                        f"{_differing(fast, reference)} pixels differ from matplotlib's drawing")
        pixels = np.zeros_like(view.live.to_array())
        fast_images = sum(blit_nearest(a, pixels) for a in view.live._dynamic if type(a) is AxesImage)
        assert fast_images >= 1, f"{key}: no map panel took the fast path, so this test compared nothing"
    finally:
        view.close()


def _panel(ratio=2, shape=(7, 5), origin="upper", **settings):
    live = LiveFigure(2, pixel_ratio=ratio)
    data = np.random.default_rng(3).uniform(-1, 1, shape)
    im = live.add_artist(live.axes[0].imshow(data, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest",
                                             origin=origin))
    for name, value in settings.items():
        getattr(im, f"set_{name}")(value)
    return live, im


@exact
@pytest.mark.parametrize("ratio", [1, 2, 3])
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (7, 5), (28, 28), (5, 40)])
def test_shapes_and_ratios_match(ratio, shape):
    live, _ = _panel(ratio, shape)
    fast, reference = _both(live)
    assert _differing(fast, reference) == 0


@exact
def test_origin_lower_and_a_zoomed_panel_match():
    # origin "lower" flips the rows; limits inside the extent clip the picture to the axes
    live, im = _panel(origin="lower")
    fast, reference = _both(live)
    assert _differing(fast, reference) == 0
    im.axes.set_xlim(0.7, 3.2)
    im.axes.set_ylim(5.3, 1.1)
    live.invalidate()
    fast, reference = _both(live)
    assert _differing(fast, reference) == 0


@pytest.mark.parametrize("change", [
    {"interpolation": "bilinear"},
    {"alpha": 0.5},
    {"visible": False},
])
def test_what_it_cannot_copy_is_left_to_matplotlib(change):
    live, im = _panel(**change)
    live.render()
    before = live.to_array()
    assert blit_nearest(im, before) is False
    assert np.array_equal(before, live.to_array())  # nothing written


@exact
def test_a_transparent_cell_is_left_to_matplotlib():
    data = np.zeros((4, 4))
    data[1, 2] = np.nan  # matplotlib's default "bad" colour is fully transparent
    live, im = _panel(2, (4, 4))
    im.set_data(data)
    live.render()
    assert blit_nearest(im, live.to_array()) is False
    fast, reference = _both(live)
    assert _differing(fast, reference) == 0


@exact
def test_a_not_computed_cell_of_a_map_panel_is_grey_and_copied():
    # show_map draws NaN in the opaque NOT_COMPUTED grey, so the copy handles it
    live = LiveFigure(2, pixel_ratio=2)
    im = live.show_map(0, (4, 4), "signed", "t", vmax=1)
    data = np.zeros((4, 4))
    data[1, 2] = np.nan
    im.set_data(data)
    live.render()
    assert blit_nearest(im, live.to_array()) is True
    fast, reference = _both(live)
    assert _differing(fast, reference) == 0
    grey = round(255 * float(views.NOT_COMPUTED))
    assert (fast[..., :3] == grey).all(axis=-1).any()


@exact
def test_a_copy_one_pixel_off_is_caught(monkeypatch):
    # the comparison above can fail: shift every copied panel one device pixel to the right
    real = views.blit_nearest

    def shifted(image, pixels):
        scratch = pixels.copy()
        if not real(image, scratch):
            return False
        pixels[:, 1:] = np.where((scratch != pixels)[:, :-1], scratch[:, :-1], pixels[:, 1:])
        return True

    monkeypatch.setattr(views, "blit_nearest", shifted)
    live, _ = _panel(2, (7, 5))
    fast, reference = _both(live)
    assert _differing(fast, reference) > 0


def test_the_live_views_copy_only_where_the_pixels_are_the_same():
    # matplotlib 3.11 and later: the forced copy gives matplotlib's pixels, and the views use it;
    # before 3.11 it does not (some cell edges move by a pixel), and the views leave images to matplotlib
    live, _ = _panel(1, (28, 28))
    fast, reference = _both(live)
    assert (_differing(fast, reference) == 0) is EXACT_NEAREST
    assert live.fast_images is EXACT_NEAREST


@pytest.mark.parametrize(("image", "pixels", "error", "match"), [
    ("not an image", np.zeros((4, 4, 4), np.uint8), TypeError, "image must be a matplotlib AxesImage.*got str"),
    (None, np.zeros((4, 4, 4), np.float64), TypeError, "pixels must be a uint8 numpy array.*of float64"),
    (None, [[0]], TypeError, "pixels must be a uint8 numpy array.*got list"),
    (None, np.zeros((4, 4, 3), np.uint8), ValueError, r"C-contiguous \(H, W, 4\) array, got shape \(4, 4, 3\)"),
    (None, np.zeros((4, 8, 4), np.uint8)[:, ::2], ValueError, "not contiguous"),
])
def test_bad_input_names_the_argument(image, pixels, error, match):
    if image is None:
        _, image = _panel()
    with pytest.raises(error, match=match):
        blit_nearest(image, pixels)
