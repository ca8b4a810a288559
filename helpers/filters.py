"""Hand-made 3x3 filters used across the notebooks.

Each is a small float array; ``conv2d(image, FILTERS[name])`` gives its
feature map. They are written out so a student can read what each one looks
for: +1 where the filter wants ink, -1 where it wants background.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FILTERS", "EAR", "VERTICAL_EDGE", "HORIZONTAL_EDGE"]

#: Responds where ink is on the left and background on the right.
VERTICAL_EDGE = np.array([[1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0],
                          [1.0, 0.0, -1.0]])

#: Responds where ink is above and background below.
HORIZONTAL_EDGE = VERTICAL_EDGE.T.copy()

#: The tip of the cat's left ear: ink at the centre and below it, to its lower
#: right, and background all around the top and the left.
EAR = np.array([[-1.0, -1.0, -1.0],
                [-1.0, 1.0, -1.0],
                [-1.0, 1.0, 1.0]])

FILTERS = {
    "vertical edge": VERTICAL_EDGE,
    "horizontal edge": HORIZONTAL_EDGE,
    "ear": EAR,
}
for _f in FILTERS.values():
    _f.setflags(write=False)
