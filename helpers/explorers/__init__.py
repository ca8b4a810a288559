"""Live views: sliders wired to figures that update in place, one module per notebook.

- notebook 01: :class:`SlidingWindowExplorer`, :class:`EquivarianceExplorer`
- notebook 02: :class:`WindowExplorer`, :class:`PoolingExplorer`
- notebook 03: :class:`SharingExplorer`
- notebook 04: :class:`ClassifierExplorer`
- notebook 05: :class:`PositionLeakExplorer`, :class:`RotationExplorer`
"""

from .base import Explorer, int_slider, toggle
from .beyond import PositionLeakExplorer, RotationExplorer
from .classify import ClassifierExplorer
from .equivariance import EquivarianceExplorer, SlidingWindowExplorer
from .pooling import PoolingExplorer, WindowExplorer
from .sharing import SharingExplorer

__all__ = [
    "Explorer",
    "int_slider",
    "toggle",
    "SlidingWindowExplorer",
    "EquivarianceExplorer",
    "WindowExplorer",
    "PoolingExplorer",
    "SharingExplorer",
    "ClassifierExplorer",
    "PositionLeakExplorer",
    "RotationExplorer",
]
