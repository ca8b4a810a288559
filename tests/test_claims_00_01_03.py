"""Claims of notebooks 00, 01 and 03 that once drifted from their source, pinned to the fixed wording.

- 00 defines equivariance with a matching output shift ``S'`` (so a stride-2 layer, shift by ``k`` in and
  ``k / 2`` out, is equivariant to the even shifts by the course's own definition), invariance as ``S'`` doing
  nothing, both for every input; an equality for some inputs only is no property of the operation.
- 01 quotes no machine-dependent speed-up: ``make bench`` measures it, on each machine.
- 03 credits the result on global pooling to Blything et al. (2021), not to Biscione & Bowers (2021).
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "notebooks" / "src"


def _prose(name: str) -> list[str]:
    """The markdown paragraphs of a notebook source, comment markers removed."""
    text = (SRC / name).read_text(encoding="utf-8")
    cells = re.split(r"^# %%.*$", text, flags=re.M)
    markdown = [c for c, header in zip(cells[1:], re.findall(r"^# %%.*$", text, flags=re.M))
                if "[markdown]" in header]
    paragraphs = []
    for cell in markdown:
        lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in cell.strip().splitlines()]
        paragraphs += [" ".join(p.split()) for p in "\n".join(lines).split("\n\n") if p.strip()]
    return paragraphs


def test_00_defines_equivariance_with_a_matching_output_shift():
    prose = " ".join(_prose("00_start_here.py"))
    assert "f(S\\,x) = S'\\,f(x) \\quad \\text{for every input } x." in prose
    assert "**equivariant to the shifts in `G`**" in prose
    assert "**invariant to the shifts in `G`** when `S'` does nothing" in prose
    assert "it is not a property of the operation" in prose and "a feature map is never \"equivariant\"" in prose
    assert "f(S x) = S f(x)` is equivariance" not in prose  # the old one-shift definition


def test_01_quotes_no_machine_dependent_speed_up():
    for paragraph in _prose("01_equivariance.py"):
        assert not re.search(r"\d+\s+times faster", paragraph), paragraph
    assert any("make bench" in p for p in _prose("01_equivariance.py"))


def test_03_credits_global_pooling_to_blything_et_al():
    paragraphs = _prose("03_weight_sharing.py")
    pooling = [p for p in paragraphs if "global average pooling" in p and "2021" in p]
    assert pooling and all("Blything et al. (2021)" in p or "Blything, Biscione" in p for p in pooling)
    assert not any("makes up for it (Biscione & Bowers, 2021)" in p for p in paragraphs)
