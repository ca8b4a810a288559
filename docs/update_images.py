"""Copy the README's live-view screenshots from build/screenshots/ into docs/img/, small.

The browser test (tests/test_browser.py) saves a screenshot of every live view
to ``build/screenshots/<notebook>-<n>.png`` each time it runs. When the look of
a view changes, run the browser test, then

    .venv/bin/python docs/update_images.py

which writes the views the README shows to ``docs/img/`` as 64-colour PNGs
(about 25 to 60 kB each: the screenshots are taken at device pixel ratio 2),
and commit them. Check the README's alt text still describes each picture.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
OUT = ROOT / "docs" / "img"

#: screenshot of the browser test -> image in docs/img/ (the names the README uses)
CHOSEN = {
    "01_equivariance-1.png": "sliding-window.png",
    "01_equivariance-2.png": "equivariance.png",
    "02_pooling-1.png": "pooling-window.png",
    "02_pooling-2.png": "pooling-blur.png",
    "03_weight_sharing-1.png": "weight-sharing.png",
    "04_softmax-1.png": "classifier.png",
    "05_beyond-1.png": "padding-leak.png",
    "05_beyond-2.png": "rotation.png",
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    missing = []
    for src, dst in CHOSEN.items():
        path = SCREENSHOTS / src
        if not path.exists():
            missing.append(src)
            continue
        image = Image.open(path).convert("RGB")
        small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(OUT / dst, format="png", optimize=True)
        print(f"{OUT.relative_to(ROOT) / dst}: {image.width}x{image.height}, {(OUT / dst).stat().st_size // 1024} kB")
    if missing:
        print(f"not found in {SCREENSHOTS.relative_to(ROOT)} (run tests/test_browser.py first): {missing}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
