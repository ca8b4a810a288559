"""The controls every live view is built from."""

from __future__ import annotations

import ipywidgets as widgets

from helpers.explorers import int_slider, toggle


def test_every_toggle_button_carries_the_tooltip():
    t = toggle("padding", ("zero", "circular"), "zero", "How the border is padded")
    assert isinstance(t, widgets.ToggleButtons)
    assert t.description == "padding" and t.tooltip == "How the border is padded"
    assert len(t.tooltips) == 2
    assert all(tip.startswith("How the border is padded") and option in tip
               for tip, option in zip(t.tooltips, t.options))


def test_slider_is_labelled_and_updates_continuously():
    s = int_slider("cat column", 3, 0, 19, "Move the cat")
    assert (s.description, s.tooltip, s.value, s.min, s.max) == ("cat column", "Move the cat", 3, 0, 19)
    assert s.continuous_update
