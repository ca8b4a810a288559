"""helpers.views: the live figure's PNG frames and its background cache, and small multiples."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from helpers.views import CMAPS, LiveFigure, small_multiples

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_live(title="A"):
    live = LiveFigure(2, dpi=50)
    im = live.show_map(0, (5, 5), kind="image", title=title)
    sig = live.show_map(1, (4, 6), kind="signed", vmax=2.0)
    marker = live.add_marker(1)
    return live, im, sig, marker


def test_render_returns_valid_png_bytes_of_the_figure_size():
    live, *_ = make_live()
    png = live.render()
    assert isinstance(png, bytes)
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as decoded:
        decoded.load()
        assert decoded.format == "PNG"
        assert decoded.size == live.canvas.get_width_height()


def test_unchanged_state_gives_identical_bytes():
    live, *_ = make_live()
    first = live.render()
    assert live.render() == first
    assert live.render() == first


def test_set_data_changes_the_bytes_and_changing_back_restores_them():
    live, im, sig, marker = make_live()
    blank = live.render()
    img = np.zeros((5, 5))
    img[2, 3] = 1.0
    im.set_data(img)
    inked = live.render()
    assert inked != blank
    sig.set_data(np.full((4, 6), -1.5))
    assert live.render() != inked
    im.set_data(np.zeros((5, 5)))
    sig.set_data(np.zeros((4, 6)))
    assert live.render() == blank  # the cached background holds nothing of the old frames


def test_moving_a_marker_changes_the_bytes():
    live, _, _, marker = make_live()
    before = live.render()
    marker.set_data([3], [2])
    assert live.render() != before


def test_bars_update():
    live = LiveFigure(1, dpi=50)
    bars = live.add_bars(0, ["a", "b", "c"], title="p")
    before = live.render()
    for bar, h in zip(bars, [0.2, 0.9, 0.5]):
        bar.set_height(h)
    assert live.render() != before


def test_set_title_invalidates_the_cache_and_the_new_title_shows():
    live, *_ = make_live(title="A")
    old = live.render()
    live.set_title(0, "B")
    new = live.render()
    assert new != old
    fresh, *_ = make_live(title="B")
    assert fresh.render() == new  # exactly what a figure built with title "B" shows
    assert live.render() == new


def test_without_invalidate_a_static_change_is_not_redrawn():
    """What ``set_title`` guards against: the background is cached after the first render."""
    live, *_ = make_live(title="A")
    old = live.render()
    live.axes[0].set_title("B")  # behind the cache's back
    assert live.render() == old
    live.invalidate()
    assert live.render() != old


def test_to_array_is_the_rendered_frame():
    live, *_ = make_live()
    png = live.render()
    arr = live.to_array()
    assert arr.dtype == np.uint8 and arr.shape[2] == 4
    with Image.open(io.BytesIO(png)) as decoded:
        np.testing.assert_array_equal(np.asarray(decoded.convert("RGB")), arr[..., :3])


def test_show_map_rejects_an_unknown_kind():
    live = LiveFigure(1, dpi=50)
    with pytest.raises(ValueError, match=r"kind must be one of 'image', 'magnitude', 'signed'; got 'rainbow'"):
        live.show_map(0, (3, 3), kind="rainbow")


@pytest.mark.parametrize("n,ncols,expected_axes", [(3, None, 3), (1, None, 1), (5, 2, 6), (4, 4, 4)])
def test_small_multiples_makes_one_panel_per_map(n, ncols, expected_axes):
    maps = [np.full((4, 4), float(i)) for i in range(n)]
    titles = [f"map {i}" for i in range(n)]
    fig = small_multiples(maps, titles, kind="magnitude", ncols=ncols, suptitle="s")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == expected_axes
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == n
    assert [ax.get_title() for ax in visible] == titles
    png = io.BytesIO()
    fig.savefig(png, format="png")
    assert png.getvalue().startswith(PNG_SIGNATURE)


def test_small_multiples_colour_meanings_and_shared_scale():
    maps = [np.eye(3), np.eye(3) * -4.0, np.eye(3) * 2.0]
    fig = small_multiples(maps, ["in", "a", "b"], kind=["image", "signed", "signed"], markers=[None, (1, 1), None],
                          annotate=True)
    images = [ax.images[0] for ax in fig.axes]
    assert [im.get_cmap().name for im in images] == [CMAPS["image"], CMAPS["signed"], CMAPS["signed"]]
    assert images[0].norm.vmin == 0.0 and images[0].norm.vmax == 1.0
    for im in images[1:]:  # one scale for the signed maps, centred on zero, from the largest |value|
        assert (im.norm.vmin, im.norm.vmax) == (-4.0, 4.0)
    assert len(fig.axes[1].lines) == 1 and len(fig.axes[0].lines) == 0
    assert len(fig.axes[0].texts) == 9


def test_small_multiples_per_map_annotation_boxes_and_cells_not_computed():
    from matplotlib.colors import to_rgba

    from helpers.views import NOT_COMPUTED

    partial = np.array([[1.0, -2.0], [np.nan, np.nan]])  # a map filled row by row, half done
    fig = small_multiples([np.eye(3), np.eye(3), partial], ["image", "patch", "map"],
                          kind=["image", "image", "signed"], annotate=[False, True, True],
                          boxes=[(0, 1, 3, 3), None, (0, 1, 1, 1)])
    assert [len(ax.texts) for ax in fig.axes] == [0, 9, 2]  # the NaN cells are left unwritten
    assert [t.get_text() for t in fig.axes[2].texts] == ["1", "-2"]
    image_box = fig.axes[0].patches[0]
    assert image_box.get_xy() == (0.5, -0.5) and (image_box.get_width(), image_box.get_height()) == (3, 3)
    assert not image_box.get_clip_on()  # a window may hang over the padding, past the panel
    assert not fig.axes[1].patches and fig.axes[2].patches[0].get_xy() == (0.5, -0.5)
    im = fig.axes[2].images[0]
    assert im.norm.vmax == 2.0  # the scale ignores the cells not computed
    assert im.get_cmap()(np.ma.masked_invalid([np.nan]))[0].tolist() == list(to_rgba(NOT_COMPUTED))
    with pytest.raises(ValueError, match=r"annotate must be True/False or one per map \(3\), got 2"):
        small_multiples([np.eye(2)] * 3, ["a", "b", "c"], annotate=[True, False])
    with pytest.raises(ValueError, match=r"boxes must have one entry \(a rectangle or None\) per map \(3\), got 1"):
        small_multiples([np.eye(2)] * 3, ["a", "b", "c"], boxes=[None])


@pytest.mark.parametrize("titles", [["one"], ["a", "b", "c"], []])
def test_small_multiples_rejects_mismatched_titles(titles):
    with pytest.raises(ValueError, match=r"titles must have one entry per map \(2\), got"):
        small_multiples([np.zeros((2, 2)), np.ones((2, 2))], titles)


def test_small_multiples_rejects_an_unknown_kind():
    maps = [np.zeros((2, 2)), np.ones((2, 2))]
    with pytest.raises(ValueError, match=r"kind must be one of 'image', 'magnitude', 'signed'; got 'hot'"):
        small_multiples(maps, ["a", "b"], kind="hot")
    with pytest.raises(ValueError, match=r"kind must be one of 'image', 'magnitude', 'signed'; got 'hot'"):
        small_multiples(maps, ["a", "b"], kind=["signed", "hot"])
    with pytest.raises(ValueError, match=r"kind must be one name or one per map \(2\), got 3"):
        small_multiples(maps, ["a", "b"], kind=["signed"] * 3)


def test_annotations_stay_readable_on_every_colour_map():
    # viridis runs dark to light, gray_r light to dark: the text colour must follow the cell's lightness.
    maps = [np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])]
    fig = small_multiples(maps, ["magnitude", "image"], kind=["magnitude", "image"], vmax=1.0, annotate=True)
    colours = [[t.get_color() for t in ax.texts] for ax in fig.axes[:2]]
    assert colours[0] == ["white", "black"]  # dark purple at 0, yellow at 1
    assert colours[1] == ["black", "white"]  # white at 0, black ink at 1


def test_add_overlay_keeps_a_static_artist_on_top_and_is_public():
    from matplotlib.patches import Rectangle

    from helpers.views import LiveFigure

    live = LiveFigure(ncols=1)
    im = live.show_map(0, (4, 4), "image")
    frame = Rectangle((0.5, 0.5), 2, 2, fill=False, edgecolor="tab:orange")
    live.axes[0].add_patch(frame)
    assert live.add_overlay(frame) is frame
    assert live.is_dynamic(im) and not live.is_dynamic(frame)
    with pytest.raises(ValueError, match="artist must be on one of the figure's axes"):
        live.add_overlay(Rectangle((0, 0), 1, 1))


def test_show_gives_a_picture_with_alt_text_from_the_titles_and_frees_the_figure():
    import base64

    from helpers.views import Picture, describe_figure, show

    fig = small_multiples([np.zeros((4, 4)), np.ones((4, 4))], ["before", "after"], kind="image", suptitle="Two maps")
    assert describe_figure(fig) == "Two maps. 2 panels: before; after"
    pic = show(fig)
    assert isinstance(pic, Picture)
    data, meta = pic._repr_mimebundle_()
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert data["text/html"].startswith(f'<img src="data:image/png;base64,{data["image/png"]}"')
    assert 'alt="Two maps. 2 panels: before; after"' in data["text/html"]
    assert fig.axes == [] and pic._fig is None  # drawn once, then freed
    assert pic._repr_mimebundle_() == (data, meta)  # shown again: the same picture
    assert 'alt="my words &amp; more"' in show(Figure(), alt="my words & more")._repr_mimebundle_()[0]["text/html"]


def test_describe_figure_rejects_what_is_not_a_figure():
    from helpers.views import describe_figure

    with pytest.raises(TypeError, match="fig must be a matplotlib Figure; got ndarray"):
        describe_figure(np.zeros(3))


@pytest.mark.parametrize("facecolor", ["none", (1, 1, 1, 0.5), "#00000000"])
def test_a_see_through_figure_colour_still_gives_an_opaque_frame(facecolor):
    # a user's matplotlibrc with figure.facecolor: none would otherwise let a dark page show through the
    # picture's transparent background, under black titles
    import matplotlib

    with matplotlib.rc_context({"figure.facecolor": facecolor}):
        live, im, *_ = make_live()
    frame = np.asarray(Image.open(io.BytesIO(live.render())))
    assert frame.shape[2] == 4 and frame[..., 3].min() == 255
    assert tuple(frame[0, 0, :3]) == (255, 255, 255)


def test_an_opaque_figure_colour_from_the_user_s_style_is_kept():
    import matplotlib

    with matplotlib.rc_context({"figure.facecolor": "black"}):
        live, *_ = make_live()
    frame = np.asarray(Image.open(io.BytesIO(live.render())))
    assert tuple(frame[0, 0]) == (0, 0, 0, 255)
