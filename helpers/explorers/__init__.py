"""Live views: sliders wired to figures that update in place, one module per notebook."""

from .base import Explorer, int_slider, toggle
from .classify import ClassifierExplorer
from .equivariance import EquivarianceExplorer

__all__ = ["Explorer", "int_slider", "toggle", "EquivarianceExplorer"]
__all__ += ["ClassifierExplorer"]
