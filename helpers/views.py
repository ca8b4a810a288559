"""Figures for the notebooks: live figures updated in place, and static small multiples.

Colour has one meaning per quantity in every notebook:

- ``"image"``: input images, dark ink on white (``gray_r``), 0 to 1;
- ``"magnitude"``: non-negative maps such as ReLU outputs and pooled maps (``viridis``);
- ``"signed"``: maps with both signs, such as raw filter responses and
  differences, on a diverging scale centred on zero (``RdBu_r``: red positive,
  blue negative, white zero).

A :class:`LiveFigure` is built once. Each update changes only the data of its
"dynamic" artists (images, markers, bars), restores a cached background that
holds the static parts (titles, frames, grids), redraws the dynamic artists on
it and encodes the pixels as PNG. Text is never re-rendered on an update,
which is what makes a slider step take milliseconds instead of a tenth of a
second (see ``bench/``). With matplotlib 3.11 or later, map panels (opaque
images without smoothing) are copied straight into the canvas's pixels by
:func:`blit_nearest`: the same pixels matplotlib would draw, at a fraction
of its per-image overhead.
"""

from __future__ import annotations

import base64
import io
from html import escape as html_escape

import matplotlib
import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, Normalize, to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .png import encode_png

__all__ = ["CMAPS", "NOT_COMPUTED", "KERNEL_COLOURS", "LiveFigure", "Picture", "blit_nearest", "describe_figure",
           "show", "small_multiples", "style_axes", "text_colour", "text_colour_on",
           "weight_matrix_figure", "param_figure"]


CMAPS = {"image": "gray_r", "magnitude": "viridis", "signed": "RdBu_r"}
#: The colour of a pixel with no value yet (NaN): a cell a loop has not computed, not a zero (white or dark).
NOT_COMPUTED = "0.75"
KINDS = tuple(CMAPS)


def _norm(kind: str, vmax: float | None, vmin: float | None = None) -> Normalize:
    if kind not in CMAPS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}; got {kind!r}")
    if kind == "image":
        return Normalize(0.0 if vmin is None else vmin, 1.0 if vmax is None else vmax)
    vmax = 1.0 if vmax is None else float(vmax)
    if kind == "signed":
        return Normalize(-vmax, vmax)
    return Normalize(0.0 if vmin is None else vmin, vmax)


def style_axes(ax, title: str | None = None, fontsize: int = 10) -> None:
    """No ticks, a thin frame and an optional title: how every map panel looks."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
    if title:
        ax.set_title(title, fontsize=fontsize)


#: True if this matplotlib samples a nearest-neighbour image at the centre of every device pixel, as
#: :func:`blit_nearest` does (3.11 and later). Older versions put some cell edges one device pixel away, so
#: the live views leave their images to matplotlib there and the frames stay what matplotlib draws.
EXACT_NEAREST = tuple(matplotlib.__version_info__[:2]) >= (3, 11)


def blit_nearest(image: AxesImage, pixels: np.ndarray) -> bool:
    """Draw a map panel into a canvas's pixels, nearest neighbour, as matplotlib's Agg backend would.

    Every device pixel whose centre lies inside both the image's extent and
    its axes takes the colour of the array cell under that centre: the same
    rule as matplotlib's ``interpolation="nearest"`` from version 3.11 on
    (:data:`EXACT_NEAREST`), which the tests check pixel for pixel on every
    live view. It skips matplotlib's general image
    pipeline (masked arrays, resampling transforms, compositing), which costs
    about half a millisecond per panel; a live view has up to 22 panels.

    Args:
        image: an ``AxesImage`` (from ``imshow``) with a 2-D array.
        pixels: the canvas's ``(H, W, 4)`` uint8 buffer
            (``np.asarray(canvas.buffer_rgba())``), written in place.

    Returns:
        True if the image was drawn; False, with nothing written, if it is not
        one this handles: hidden, smoothed, transparent anywhere, clipped to
        a path, drawn on non-linear or rotated axes, or not a 2-D array. The
        caller then draws it with matplotlib.

    Raises:
        TypeError: ``image`` is not an ``AxesImage``, or ``pixels`` is not a
            uint8 array.
        ValueError: ``pixels`` is not a C-contiguous ``(H, W, 4)`` array.
    """
    if not isinstance(image, AxesImage):
        raise TypeError(f"image must be a matplotlib AxesImage (from imshow), got {type(image).__name__}")
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
        got = f"ndarray of {pixels.dtype}" if isinstance(pixels, np.ndarray) else type(pixels).__name__
        raise TypeError(f"pixels must be a uint8 numpy array (np.asarray(canvas.buffer_rgba())), got {got}")
    if pixels.ndim != 3 or pixels.shape[2] != 4 or not pixels.flags.c_contiguous:
        raise ValueError(f"pixels must be a C-contiguous (H, W, 4) array, got shape {pixels.shape}"
                         f"{'' if pixels.flags.c_contiguous else ', not contiguous'}")
    ax = image.axes
    data = image.get_array()
    if (ax is None or not image.get_visible() or data is None or np.ndim(data) != 2
            or image.get_interpolation() not in ("nearest", "none") or image.get_alpha() is not None
            or image.get_clip_path() is not None or image.get_transform() != ax.transData
            or ax.get_xscale() != "linear" or ax.get_yscale() != "linear"):
        return False
    affine = ax.transData.get_affine().get_matrix()
    if affine[0, 1] != 0 or affine[1, 0] != 0:
        return False
    colours = image.to_rgba(data, bytes=True)
    if colours[..., 3].min() != 255:  # something shows through: leave the compositing to matplotlib
        return False
    h, w = data.shape
    left, right, bottom, top = image.get_extent()
    (x_left, y_bottom), (x_right, y_top) = ax.transData.transform([[left, bottom], [right, top]])
    clip = image.get_clip_box() if image.get_clip_on() else None
    x_lo, x_hi = min(x_left, x_right), max(x_left, x_right)
    y_lo, y_hi = min(y_bottom, y_top), max(y_bottom, y_top)
    if clip is not None:
        x_lo, x_hi = max(x_lo, clip.x0), min(x_hi, clip.x1)
        y_lo, y_hi = max(y_lo, clip.y0), min(y_hi, clip.y1)
    height, width = pixels.shape[:2]
    # device pixels (columns from the left, rows from the bottom) whose centres fall inside
    c0, c1 = max(int(np.floor(x_lo + 0.5)), 0), min(int(np.floor(x_hi + 0.5)), width)
    r0, r1 = max(int(np.floor(y_lo + 0.5)), 0), min(int(np.floor(y_hi + 0.5)), height)
    if c0 >= c1 or r0 >= r1:
        return True  # nothing of it is on the canvas
    cols = np.floor((np.arange(c0, c1) + 0.5 - x_left) / (x_right - x_left) * w).astype(np.intp)
    up = np.floor((np.arange(r0, r1) + 0.5 - y_bottom) / (y_top - y_bottom) * h).astype(np.intp)
    # extent "bottom" is where the first (origin lower) or last (origin upper) array row is drawn
    rows = (h - 1 - up) if image.origin == "upper" else up
    np.clip(cols, 0, w - 1, out=cols)
    np.clip(rows, 0, h - 1, out=rows)
    # buffer rows run from the top: display row r is buffer row height - 1 - r
    # one 32-bit word per RGBA pixel: a quarter of the element copies
    words = np.ascontiguousarray(colours).view(np.uint32)[..., 0]
    pixels.view(np.uint32)[height - r1:height - r0, c0:c1, 0] = words[rows[::-1, None], cols[None, :]]
    return True


def _check_pixel_ratio(pixel_ratio) -> None:
    if not isinstance(pixel_ratio, int) or isinstance(pixel_ratio, bool) or pixel_ratio < 1:
        raise ValueError(f"pixel_ratio must be a whole number >= 1; got {pixel_ratio!r}")


class LiveFigure:
    """A figure of panels whose data change while the layout stays fixed.

    ``LiveFigure(ncols, nrows=1, panel=2.2, dpi=80)`` makes a grid of panels.
    Add content with :meth:`show_map`, :meth:`add_marker`, :meth:`add_bars`;
    change the returned artists' data (``set_data``, ``set_height``, ...), then
    call :meth:`render` for the PNG bytes. Other artists are registered with
    :meth:`add_artist` (they change between frames) or :meth:`add_overlay`
    (they never change but must stay on top of the changing images);
    :meth:`is_dynamic` tells which kind an artist is.
    """

    def __init__(self, ncols: int, nrows: int = 1, panel: float = 2.2, dpi: int = 80,
                 width_ratios=None, title_space: float = 0.45, pixel_ratio: int = 1):
        _check_pixel_ratio(pixel_ratio)
        #: Device pixels per CSS pixel the PNG is drawn for; it is shown at :attr:`css_size`, never stretched.
        #: 2 is crisp on high-density screens but draws and encodes four times the pixels (see bench/);
        #: a live view switches with :meth:`set_pixel_ratio` when its screen asks for it.
        self.pixel_ratio = pixel_ratio
        self.dpi = dpi  # dots per inch at pixel ratio 1: the CSS pixels per inch of the picture
        # The user's figure colour is kept (a dark style stays dark) unless it lets the page show through:
        # the frames are RGBA, and a see-through picture would put its text on whatever colour the page has.
        facecolor = matplotlib.rcParams["figure.facecolor"]
        if to_rgba(facecolor)[3] < 1:
            facecolor = "white"
        self.fig = Figure(figsize=(ncols * panel, nrows * (panel + title_space)), dpi=dpi * pixel_ratio,
                          facecolor=facecolor)
        self.canvas = FigureCanvasAgg(self.fig)
        grid = self.fig.subplots(nrows, ncols, squeeze=False,
                                 gridspec_kw={"width_ratios": width_ratios} if width_ratios else None)
        self.axes = list(grid.ravel())
        self.fig.subplots_adjust(left=0.02, right=0.98, bottom=0.04, top=1 - title_space / (panel + title_space),
                                 wspace=0.12, hspace=0.3)
        self._dynamic: list = []
        # Static artists that must stay on top of the dynamic images: frames and grids.
        self._overlays: list = [sp for ax in self.axes for sp in ax.spines.values()]
        self._background = None

    # -- building -------------------------------------------------------
    def show_map(self, ax, shape, kind: str = "signed", title: str | None = None,
                 vmax: float | None = None, vmin: float | None = None):
        """An image panel of the given shape and colour meaning; returns the ``AxesImage``.

        A NaN pixel (not computed yet) is drawn grey (:data:`NOT_COMPUTED`), as in :func:`small_multiples`.
        """
        ax = self._ax(ax)
        norm = _norm(kind, vmax, vmin)  # checks kind
        im = ax.imshow(np.zeros(shape), cmap=colormaps[CMAPS[kind]].with_extremes(bad=NOT_COMPUTED), norm=norm,
                       interpolation="nearest", animated=True)
        style_axes(ax, title)
        self._dynamic.append(im)
        return im

    def add_marker(self, ax, marker: str = "+", color: str = "black", size: float = 12, **kw):
        """A point marker (e.g. the peak position); move it with ``set_data([x], [y])``."""
        ax = self._ax(ax)
        (line,) = ax.plot([0], [0], linestyle="none", marker=marker, color=color,
                          markersize=size, markeredgewidth=2, animated=True, **kw)
        self._dynamic.append(line)
        return line

    def add_bars(self, ax, labels, ylim=(0.0, 1.0), title: str | None = None, color="0.35",
                 ylabel: str | None = None):
        """A bar chart with fixed labels and limits; returns the list of bar rectangles."""
        ax = self._ax(ax)
        bars = ax.bar(range(len(labels)), np.zeros(len(labels)), color=color, animated=True)
        ax.set_xticks(range(len(labels)), labels, fontsize=9)
        ax.set_ylim(*ylim)
        ax.tick_params(axis="y", labelsize=8)
        if ylim[0] < 0 < ylim[1]:
            ax.axhline(0, color="black", linewidth=0.6)
        if title:
            ax.set_title(title, fontsize=10)
        if ylabel:
            ax.set_ylabel(ylabel, fontsize=9)
        self._dynamic.extend(bars)
        return list(bars)

    def add_artist(self, artist):
        """Register any other artist whose data change between frames."""
        artist.set_animated(True)
        self._dynamic.append(artist)
        return artist

    def add_overlay(self, artist):
        """Register a static artist that must be drawn on top of the dynamic images (a frame, a line).

        The artist must already be on one of the axes (``ax.add_patch``,
        ``ax.axvline``, ...). It is drawn into the cached background like any
        static part and drawn again over the images at every :meth:`render`,
        so an image updated in place never hides it. Returns the artist.
        """
        if getattr(artist, "axes", None) is None:
            raise ValueError("artist must be on one of the figure's axes before it is added as an overlay "
                             "(ax.add_patch, ax.axvline, ...)")
        self._overlays.append(artist)
        return artist

    def is_dynamic(self, artist) -> bool:
        """True if ``artist`` is redrawn from its data at every update (:meth:`add_artist` and the
        ``show_map``/``add_marker``/``add_bars`` artists); False for the static background and overlays."""
        return any(artist is a for a in self._dynamic)

    def draw_grid(self, ax, shape, step: int, color: str = "tab:orange", linewidth: float = 0.8):
        """Static lines every ``step`` pixels (pooling windows) over an image panel."""
        ax = self._ax(ax)
        h, w = shape
        for r in range(0, h + 1, step):
            self.add_overlay(ax.axhline(r - 0.5, color=color, linewidth=linewidth))
        for c in range(0, w + 1, step):
            self.add_overlay(ax.axvline(c - 0.5, color=color, linewidth=linewidth))

    def set_title(self, ax, title: str) -> None:
        """Change a panel's title; the static background is redrawn on the next render."""
        self._ax(ax).set_title(title, fontsize=10)
        self.invalidate()

    def set_pixel_ratio(self, pixel_ratio: int) -> bool:
        """Draw for ``pixel_ratio`` device pixels per CSS pixel from the next :meth:`render` on.

        The picture keeps its :attr:`css_size` (up to a rounding pixel); only
        its sharpness changes. Returns True if the ratio changed.

        Raises:
            ValueError: ``pixel_ratio`` is not a whole number >= 1.
        """
        _check_pixel_ratio(pixel_ratio)
        if pixel_ratio == self.pixel_ratio:
            return False
        self.pixel_ratio = pixel_ratio
        self.fig.set_dpi(self.dpi * pixel_ratio)
        self.invalidate()
        return True

    def invalidate(self) -> None:
        """Forget the cached background (after any change to a static part)."""
        self._background = None

    def _ax(self, ax):
        return self.axes[ax] if isinstance(ax, int) else ax

    # -- rendering ------------------------------------------------------
    def render(self) -> bytes:
        """Draw the current state and return it as PNG bytes."""
        if self._background is None:
            self.canvas.draw()  # the animated artists are left out of this
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba())
        for artist in self._dynamic:
            if isinstance(artist, Line2D):
                continue
            if not (self.fast_images and type(artist) is AxesImage and blit_nearest(artist, pixels)):
                self.fig.draw_artist(artist)
        for artist in self._overlays:
            if artist.get_visible() and artist.axes.get_visible():
                self.fig.draw_artist(artist)
        for artist in self._dynamic:  # markers last, on top of everything
            if isinstance(artist, Line2D):
                self.fig.draw_artist(artist)
        return encode_png(pixels)

    #: Copy opaque nearest-neighbour images into the canvas with :func:`blit_nearest` instead of
    #: matplotlib's image pipeline (same pixels; ``False`` draws every image with matplotlib, for comparison).
    #: On by default where the pixels are the same (:data:`EXACT_NEAREST`).
    fast_images = EXACT_NEAREST

    @property
    def css_size(self) -> tuple[int, int]:
        """``(width, height)`` in CSS pixels: the PNG's size divided by :attr:`pixel_ratio`, so never stretched."""
        width, height = self.canvas.get_width_height()
        return width // self.pixel_ratio, height // self.pixel_ratio

    def close(self) -> None:
        """Free the figure: its artists, the cached background and the canvas with its pixel buffer.

        The figure cannot be drawn again afterwards.
        """
        self._background = None
        self._dynamic.clear()
        self._overlays.clear()
        if self.fig is not None:
            self.fig.clear()
        self.fig = self.canvas = None
        self.axes = []

    def to_array(self) -> np.ndarray:
        """The last rendered frame as an ``(H, W, 4)`` uint8 array (for tests)."""
        return np.asarray(self.canvas.buffer_rgba()).copy()


def text_colour_on(rgb) -> str:
    """Black or white, whichever reads better on the colour ``rgb`` (components 0 to 1; alpha ignored).

    The choice follows the colour's perceived lightness (Rec. 601 luma), so it
    works for colour maps that run dark to light (``viridis``) as well as
    light to dark (``gray_r``).
    """
    r, g, b = rgb[:3]
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"


def text_colour(kind_or_cmap: str, value: float, vmin: float = 0.0, vmax: float = 1.0) -> str:
    """The text colour (:func:`text_colour_on`) for a cell whose ``value`` is drawn with a colour map.

    ``kind_or_cmap`` is a colour meaning of :data:`CMAPS` (``"image"``,
    ``"magnitude"``, ``"signed"``) or a matplotlib colour-map name; values
    outside ``vmin..vmax`` are clipped, as the picture clips them.
    """
    name = CMAPS.get(kind_or_cmap, kind_or_cmap)
    if not isinstance(name, str) or name not in colormaps:
        raise ValueError(f"kind_or_cmap must be one of {', '.join(map(repr, CMAPS))} or a colour-map name, "
                         f"got {kind_or_cmap!r}")
    if vmax <= vmin:
        raise ValueError(f"vmax must be larger than vmin, got vmin={vmin!r}, vmax={vmax!r}")
    return text_colour_on(colormaps[name](float(np.clip((value - vmin) / (vmax - vmin), 0.0, 1.0))))


def small_multiples(maps, titles, kind="signed", suptitle: str | None = None,
                    vmax: float | None = None, panel: float = 1.9, ncols: int | None = None,
                    markers=None, annotate=False, boxes=None) -> Figure:
    """A static row (or grid) of maps with one shared colour scale per colour meaning.

    ``maps`` is a sequence of 2-D arrays, ``titles`` one title each. ``kind``
    is one colour meaning for all maps or a list with one per map (e.g. the
    input as ``"image"`` beside ``"signed"`` feature maps). ``vmax`` defaults to
    the largest absolute value over the maps of each kind. ``markers``
    optionally gives a ``(row, col)`` per map (or ``None``) to mark with a
    cross. With ``annotate=True`` each pixel's value is written in it (for tiny
    maps), so that no meaning rests on colour alone; a list gives one
    True/False per map. ``boxes`` optionally gives per map a rectangle
    ``(row, col, height, width)`` (or ``None``) to outline in orange, in pixel
    units from the top-left pixel's centre; it may reach past the panel (a
    window over the padding). NaN pixels (not computed) are drawn grey
    (:data:`NOT_COMPUTED`) and left unwritten. Returns a ``Figure``
    (display it by making it the last expression of a cell).
    """
    maps = [np.asarray(m, dtype=float) for m in maps]
    n = len(maps)
    if len(titles) != n:
        raise ValueError(f"titles must have one entry per map ({n}), got {len(titles)}")
    kinds = [kind] * n if isinstance(kind, str) else list(kind)
    if len(kinds) != n:
        raise ValueError(f"kind must be one name or one per map ({n}), got {len(kinds)}")
    notes = [bool(annotate)] * n if np.ndim(annotate) == 0 else [bool(a) for a in annotate]
    if len(notes) != n:
        raise ValueError(f"annotate must be True/False or one per map ({n}), got {len(notes)}")
    boxes = [None] * n if boxes is None else list(boxes)
    if len(boxes) != n:
        raise ValueError(f"boxes must have one entry (a rectangle or None) per map ({n}), got {len(boxes)}")
    for k in kinds:
        if k not in CMAPS:
            raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}; got {k!r}")
    scale = {}
    for k in set(kinds):
        if k == "image":
            scale[k] = None
        elif vmax is not None:
            scale[k] = vmax
        else:
            scale[k] = max(float(np.nanmax(np.abs(m), initial=0.0)) for m, km in zip(maps, kinds) if km == k) or 1.0
    ncols = n if ncols is None else ncols
    nrows = int(np.ceil(n / ncols))
    fig = Figure(figsize=(ncols * panel, nrows * (panel + 0.5) + (0.4 if suptitle else 0)), dpi=80,
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        if i >= n:
            ax.set_axis_off()
            continue
        k = kinds[i]
        norm = _norm(k, scale[k])
        ax.imshow(maps[i], cmap=colormaps[CMAPS[k]].with_extremes(bad=NOT_COMPUTED), norm=norm,
                  interpolation="nearest")
        style_axes(ax, titles[i], fontsize=9)
        if markers is not None and markers[i] is not None:
            r, c = markers[i]
            ax.plot([c], [r], marker="+", color="black", markersize=10, markeredgewidth=2)
        if boxes[i] is not None:
            r, c, h, w = boxes[i]
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="tab:orange", linewidth=2.5,
                                   clip_on=False))
        if notes[i]:
            cmap = colormaps[CMAPS[k]]
            for (r, c), v in np.ndenumerate(maps[i]):
                if np.isnan(v):
                    continue
                colour = text_colour_on(cmap(float(np.clip(norm(v), 0.0, 1.0))))
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=8, color=colour)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig


#: One colour per kernel entry w[u, v] (index u * kw + v) in matrix pictures.
KERNEL_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple",
                  "tab:brown", "tab:pink", "tab:olive", "tab:cyan")


# --------------------------------------------------------------------------
# Notebook 03's static figures: layers as matrices, parameter counts
# --------------------------------------------------------------------------

def weight_matrix_figure(panels, kernel_shape=(3, 3), values=None, annotate: bool = True,
                         legend: bool = True, width: float = 6.0, stacked: bool = False,
                         block: int | None = None, suptitle: str | None = None) -> Figure:
    """Pictures of layer matrices: each cell shows which weight it holds.

    ``panels`` is a list of ``(index, title, shared)``: ``index`` an integer
    matrix from :func:`helpers.sharing.weight_index_matrix` (``-1`` = a zero
    entry, drawn white); ``shared`` is True for a convolution, whose cells are
    coloured by kernel entry (one colour per ``w[u, v]``, named in a legend),
    and False for a layer whose weights are all different (drawn grey).

    With ``annotate`` each non-zero cell gets a number, so that colour is not
    the only carrier: weights are numbered from 1 (the largest number is the
    number of distinct weights); for a shared panel the number is that of the
    kernel entry, ``u * kw + v + 1``, or its value if ``values`` (the kernel)
    is given. ``stacked`` puts the panels one above the other (for wide,
    flat matrices); ``block`` draws thin lines every ``block`` rows and
    columns (one image row of pixels). Returns a ``Figure``.
    """
    kh, kw = kernel_shape
    n_entries = kh * kw
    if n_entries > len(KERNEL_COLOURS):
        raise ValueError(f"at most {len(KERNEL_COLOURS)} kernel entries can have their own colour, "
                         f"got a {kh}x{kw} kernel")
    colours = ["white", *KERNEL_COLOURS[:n_entries]]
    shared_cmap = ListedColormap([to_rgb(c) for c in colours])
    grey_cmap = ListedColormap([to_rgb("white"), to_rgb("0.85")])
    n = len(panels)
    rows, cols = (n, 1) if stacked else (1, n)
    aspect = max(p[0].shape[0] / p[0].shape[1] for p in panels)
    panel_w = width / cols
    height = rows * (panel_w * aspect + 0.75) + (0.3 if suptitle else 0)
    fig = Figure(figsize=(width + (1.7 if legend else 0), height), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (index, title, shared) in zip(axes, panels):
        index = np.asarray(index)
        if shared:
            ax.imshow(index + 1, cmap=shared_cmap, vmin=-0.5, vmax=n_entries + 0.5, interpolation="nearest")
        else:
            ax.imshow((index >= 0).astype(int), cmap=grey_cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"column = input pixel ({index.shape[1]})", fontsize=8)
        ax.set_ylabel(f"row = output ({index.shape[0]})", fontsize=8)
        if block:
            for k in range(block, index.shape[1], block):
                ax.axvline(k - 0.5, color="0.4", linewidth=0.6)
            for k in range(block, index.shape[0], block):
                ax.axhline(k - 0.5, color="0.4", linewidth=0.6)
        if annotate:
            size = 7 if panel_w / index.shape[1] >= 0.2 else 6
            for (r, c), k in np.ndenumerate(index):
                if k < 0:
                    continue
                if shared:
                    text = f"{np.ravel(values)[k]:g}" if values is not None else str(k + 1)
                    colour = text_colour_on(to_rgb(colours[k + 1]))
                else:
                    text, colour = str(k + 1), "black"
                ax.text(c, r, text, ha="center", va="center", fontsize=size, color=colour)
    if legend and any(p[2] for p in panels):
        handles = []
        for k in range(n_entries):
            u, v = divmod(k, kw)
            label = f"w[{u},{v}]" + (f" = {np.ravel(values)[k]:g}" if values is not None else f": {k + 1}")
            handles.append(Patch(facecolor=KERNEL_COLOURS[k], edgecolor="black", linewidth=0.4, label=label))
        fig.legend(handles=handles, loc="outside right center", fontsize=8, title="kernel entry",
                   title_fontsize=8, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return fig


def param_figure(counts: dict, title: str = "Parameters of a 28x28 -> 26x26 layer (log scale)") -> Figure:
    """A horizontal bar chart of parameter counts on a log axis, each bar labelled with its number."""
    names = list(counts)
    values = [int(counts[k]) for k in names]
    fig = Figure(figsize=(6.4, 0.5 + 0.55 * len(names)), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.barh(range(len(names)), values, color="0.45")
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(1, max(values) * 40)
    for i, v in enumerate(values):
        ax.text(v * 1.3, i, f"{v:,}", va="center", fontsize=9)
    ax.set_xlabel("number of weights (log scale)", fontsize=9)
    ax.set_title(title, fontsize=10)
    return fig


def describe_figure(fig: Figure) -> str:
    """A text alternative made from a figure's titles: its suptitle, then each panel's title."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    if hasattr(fig, "get_suptitle"):  # matplotlib 3.8 and newer
        sup = fig.get_suptitle().strip()
    else:
        sup = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) is not None else ""
    titles = [" ".join(ax.get_title().split()) for ax in fig.axes if ax.get_title().strip()]
    parts = [sup] if sup else []
    if titles:
        parts.append(f"{len(titles)} panel{'s' if len(titles) > 1 else ''}: " + "; ".join(titles))
    return ". ".join(parts) or "Figure"


class Picture:
    """A static figure shown as a picture with a text alternative; the figure itself is freed once drawn.

    ``show(fig)`` at the end of a cell displays ``fig`` as the kernel's
    figure formats say (``%matplotlib inline``, retina or not: the user's
    settings are kept) and adds an HTML ``<img>`` with ``alt`` text, which
    JupyterLab, nbconvert, GitHub and printouts show. The figure is drawn
    once and then cleared, so a cell run again, whose result IPython keeps in
    ``Out[n]``, holds only the picture's bytes.
    """

    def __init__(self, fig: Figure, alt: str | None = None):
        self.alt = describe_figure(fig) if alt is None else str(alt)
        self._fig = fig
        self._bundle = None

    def _formats(self) -> tuple[dict, dict]:
        from IPython import get_ipython  # IPython comes with ipywidgets

        shell = get_ipython()
        if shell is not None and hasattr(shell, "display_formatter"):
            data, meta = shell.display_formatter.format(self._fig)
            if any(k.startswith("image/") for k in data):
                return dict(data), dict(meta)
        buf = io.BytesIO()
        FigureCanvasAgg(self._fig).print_png(buf)
        return {"image/png": buf.getvalue()}, {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self._bundle is None:
            data, meta = self._formats()
            png = data.get("image/png")
            if isinstance(png, bytes):
                png = base64.b64encode(png).decode("ascii")
                data["image/png"] = png
            size = meta.get("image/png", {}) if png else {}
            attrs = "".join(f' {k}="{int(size[k])}"' for k in ("width", "height") if k in size)
            alt = html_escape(self.alt, quote=True)
            if png:
                data["text/html"] = f'<img src="data:image/png;base64,{png}" alt="{alt}"{attrs}>'
            data["text/plain"] = f"Figure: {self.alt}"
            self._bundle = (data, meta)
            self._fig.clear()
            self._fig = None
        return self._bundle


def show(fig: Figure, alt: str | None = None) -> Picture:
    """``fig`` as a :class:`Picture` (alt text from its titles unless given); end a cell with it to display it."""
    return Picture(fig, alt)
