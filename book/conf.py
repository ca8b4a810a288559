"""Sphinx configuration of the book (``make book``; see DEVELOPERS.md, "The book").

tools/build_book.py copies this folder, the executed notebooks (with their
live views turned into frame players) and the docs into a staging folder and
runs Sphinx there: the notebooks are never executed by the build.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Why a CNN finds the cat wherever it sits"
author = "the authors of the shift-invariance notebooks"
copyright = "the authors; code MIT, prose and figures CC-BY-4.0"

extensions = ["myst_nb", "mathml"]

# The committed notebooks are already executed: the book shows their outputs as they are.
nb_execution_mode = "off"
# Figures come as text/html (an <img> with its alt text) and image/png: keep the HTML, which has the alt.
nb_mime_priority_overrides = [("html", "text/html", 0)]
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# Math is turned into MathML while building (book/_ext/mathml.py): no script, no web font, no CDN.
html_math_renderer = "mathml"

exclude_patterns = ["_build", "**.ipynb_checkpoints", "_ext"]

html_theme = "sphinx_book_theme"
html_title = "Why a CNN finds the cat wherever it sits"
html_static_path = ["_static"]
html_css_files = ["liveview.css"]
html_js_files = ["liveview.js"]
html_theme_options = {
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "use_download_button": False,  # it would offer the staged copies; the notebooks are in the repository
}
html_last_updated_fmt = None
# A fixed colour mode: the frames are drawn on white (and an empty stored mode makes the theme log an error).
html_context = {"default_mode": "light"}
html_copy_source = False
