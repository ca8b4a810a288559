"""What a model still keeps from its last forward pass: the arrays ``Layer.forget`` would drop."""

from __future__ import annotations

import numpy as np

from helpers.tinycnn.layers import Layer


def saved_arrays(model) -> list[np.ndarray]:
    """Every private array held by the model's layers and their sub-layers (the p4 layers hold a Conv2D)."""
    found = []

    def visit(layer):
        for key, value in vars(layer).items():
            if isinstance(value, Layer):
                visit(value)
            elif key.startswith("_") and isinstance(value, np.ndarray):
                found.append(value)

    for layer in model.layers:
        visit(layer)
    return found
