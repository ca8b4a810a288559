"""Importing ``helpers`` changes none of the user's settings (run in a real kernel, as a notebook would)."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from conftest import ROOT

PROBE = """
import matplotlib.pyplot as plt
fig = plt.figure(figsize=(2, 1), dpi=100)
fig.gca().plot([0, 1])
plt.close(fig)
fig
"""


def _png_metadata(cells: list[str]) -> list[dict]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    shown = []
    for cell in nb.cells:
        for out in cell.outputs:
            if "image/png" in out.get("data", {}):
                shown.append(dict(out.get("metadata", {}).get("image/png", {})))
    return shown


def test_importing_helpers_keeps_the_users_figure_formats():
    """With retina figures configured, a figure is still drawn at double resolution after the imports."""
    before, after = _png_metadata([
        "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'",
        PROBE,
        "import helpers.views, helpers.explorers, helpers.tinycnn, helpers.checks.equivariance",
        PROBE,
    ])
    assert before.get("width") and before.get("height"), before  # retina: the CSS size, half the pixels, is recorded
    assert after == before, f"the imports changed how figures are drawn: {before} before, {after} after"


def test_show_keeps_the_users_retina_setting_and_adds_alt_text():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in [
        "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'",
        "from matplotlib.figure import Figure\nfrom helpers.views import show\n"
        "fig = Figure(figsize=(2, 1), dpi=100)\nfig.gca().plot([0, 1])\nfig.gca().set_title('a line')\nshow(fig)",
    ]]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    (out,) = [o for o in nb.cells[1].outputs if "image/png" in o.get("data", {})]
    size = out["metadata"]["image/png"]
    assert size.get("width") and size.get("height"), out["metadata"]  # retina: drawn at twice the CSS size
    page = out["data"]["text/html"]
    assert f'width="{size["width"]}"' in page and 'alt="1 panel: a line"' in page
