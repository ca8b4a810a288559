"""The projector demos of the teacher's guide (docs/teachers/NN.md), step by step, on the live views.

Each step sets the controls the guide tells the teacher to move and checks
that the readout says what the guide says the class will see. Notebook 04's
demo trains the two networks of its section 3 with seed 0, as the notebook
does (a few seconds).
"""

from __future__ import annotations

import pytest

from helpers.book_frames import REGISTRY
from helpers.explorers import EquivarianceExplorer, SlidingWindowExplorer
from helpers.explorers.beyond import PositionLeakExplorer, RotationExplorer
from helpers.explorers.pooling import PoolingExplorer, WindowExplorer
from helpers.explorers.sharing import MODES, SharingExplorer


def readout(view, **controls) -> str:
    for name, value in controls.items():
        getattr(view, name).value = value
    return view.readout_text


def error(view, **controls) -> float:
    readout(view, **controls)
    return view.state["error"]


def test_00_demo():
    view = EquivarianceExplorer()
    assert (view.row.value, view.col.value, view.padding.value) == (4, 4, "circular")
    text = readout(view, col=9)
    assert "peak of the 'ear' map at row 4, column 9" in text and "= 0 (circular padding): exact" in text
    assert "= 2 (zero padding): NOT exact: the cat touches the border" in readout(view, padding="zero", col=0)
    assert "= 0 (zero padding): exact" in readout(view, col=1)


def test_01_demo_window():
    view = SlidingWindowExplorer()
    assert (view.row.value, view.col.value, view.filter.value) == (9, 6, "ear")
    assert "sum of the nine products = 0" in readout(view)
    text = readout(view, col=9)
    assert "sum of the nine products = 3" in text and "all nine of its pixels are in the image" in text
    assert "products patch * w = [[0, 0, 0], [0, 1, 0], [0, 1, 1]]" in text
    text = readout(view, row=13, col=11)
    assert "sum of the nine products = -4" in text and "patch = [[1, 1, 1], [1, 0, 1], [1, 1, 1]]" in text
    text = readout(view, row=0, col=0)
    assert "sum of the nine products = 0" in text and "5 of its nine pixels lie outside the image" in text
    assert "the 783 after it are not reached yet" in text
    assert "it is the last cell: the whole map is filled in" in readout(view, row=27, col=27)
    view.row.value, view.col.value = 9, 9
    assert "sum of the nine products = -1" in readout(view, filter="vertical edge")
    assert "sum of the nine products = -2" in readout(view, filter="horizontal edge")


def test_01_demo():
    view = EquivarianceExplorer()
    assert all(error(view, col=19, row=row) == 0 for row in (4, 0, view.row.max))
    view.row.value = 4
    view.padding.value = "zero"
    assert [error(view, col=c) for c in (4, 3, 2, 1, 0)] == [0, 0, 0, 0, 2]
    assert (view.state["diff"] != 0).any(axis=0).nonzero()[0].tolist() == [27]
    errors = {f: (error(view, filter=f, col=0), error(view, col=1)) for f in ("vertical edge", "horizontal edge")}
    assert errors == {"vertical edge": (3, 0), "horizontal edge": (1, 0)}
    view.filter.value, view.col.value = "ear", 4
    assert "= 1 (zero padding): NOT exact" in readout(view, row=0)
    assert "= 0 (zero padding): exact" in readout(view, row=1)


def test_02_demo():
    window = WindowExplorer()
    assert "pooled output unchanged" in readout(window, col=1)
    text = readout(window, col=2)
    assert "pooled output changed: the 1 crossed a window edge" in text and "[[0, 1], [0, 0]]" in text
    assert "pooled output unchanged" in readout(window, row=1, col=1)
    cat = PoolingExplorer()
    assert (cat.col.value, cat.filter.value, cat.blur.value) == (4, "vertical edge", "bin5")
    text = readout(cat, col=5)
    assert "distance from the ideal 0.56 (unmoved map: 0.61), mean value changed by 23.3%" in text
    assert "distance from the ideal 0.17 (unmoved map: 0.41), mean value changed by 0.0%" in text
    assert readout(cat, col=6).count("distance from the ideal 0.00") == 2
    assert "distance from the ideal 0.56" in readout(cat, col=7)
    assert "blur pool (rect2): distance from the ideal 0.63 (unmoved map: 0.47)" in readout(
        cat, col=5, filter="ear", blur="rect2")


def test_03_demo():
    view = SharingExplorer()
    assert (view.row.value, view.col.value, view.mode.value) == (9, 2, MODES[0])
    text = readout(view, col=12)
    assert "shared kernel (9 parameters): peak 2.63" in text
    assert "peak 2.64 at row 9, column 12, on the ear tip: found" in text
    text = readout(view, col=14)
    assert "peak 2.63 at row 9, column 14, on the ear tip: found" in text and "below 1.5: nothing found" in text
    assert "zero everywhere, nothing found" in readout(view, col=17)
    assert "largest difference between the two maps: 0.00" in readout(view, mode=MODES[1])


def test_04_demo():
    view = REGISTRY[("04_softmax", 1)].factory()  # built as notebook 04 builds it
    assert (view.row.value, view.sprite.value) == (9, "cat")
    flat, gmp = {}, {}
    for col in range(20):
        lines = readout(view, col=col).splitlines()
        flat[col] = next(line for line in lines if line.startswith("flatten"))
        gmp[col] = next(line for line in lines if line.startswith("global max pool"))
    p_cat = {c: float(line.split("p(cat) = ")[1][:5]) for c, line in flat.items()}
    assert all(round(p_cat[c], 2) == 1.00 for c in range(7))
    # the readout has three decimals, the guide quotes the notebook's table, two: 0.775 there is 0.77 here
    assert all(abs(p_cat[c] - v) <= 0.0051 for c, v in ((7, 0.77), (8, 0.22), (9, 0.02), (10, 0.00)))
    assert "predicts plus" in flat[17] and "WRONG" in flat[17] and "sum of p = 1.000" in flat[17]
    p_gmp = {c: round(float(line.split("p(cat) = ")[1][:5]), 2) for c, line in gmp.items()}
    assert set(p_gmp.values()) <= {0.94, 0.95} and all("correct" in line for line in gmp.values())
    assert [p_gmp[c] for c in range(4, 10)] == [0.94, 0.95] * 3


@pytest.fixture(scope="module")
def leak():
    return PositionLeakExplorer()


def test_05_demo_padding(leak):
    assert (leak.distance.value, leak.corner.value, leak.padding.value) == (0, "top-left", "zero")
    text = readout(leak)
    assert "p(top-left) = 0.978" in text and "but it does not exist" in text
    assert "p(bottom-right) = 0.991" in readout(leak, corner="bottom-right")
    text = readout(leak, corner="top-left", distance=1)
    assert "p(top-left) = 0.009" in text and "it cannot tell them apart" in text
    text = readout(leak, distance=0, padding="circular")
    assert "p(top-left) = 0.451" in text and "cannot tell them apart" in text
    assert "p(top-left) = 0.451" in readout(leak, corner="bottom-right")


def test_05_demo_rotation():
    view = RotationExplorer()
    assert (view.angle.value, view.obj.value) == (0, "cat")
    text = readout(view, angle=90)
    assert "the strongest is the copy turned 90°" in text and "unturned cat = 0 (exactly the same)" in text
    assert "its ear filter peaks at 2.00" in text and "unturned cat = 0.462" in text
    assert "unturned cat = 0.731" in readout(view, angle=180)
    assert "unturned triangle = 0 (exactly the same)" in readout(view, obj="triangle", angle=90)
