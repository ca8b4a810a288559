"""Sphinx extension: render math to MathML at build time (latex2mathml).

Browsers draw MathML themselves (Chromium since version 109, Firefox and
Safari for longer), so the book needs no math script and no web font, and a
formula shows without network. Registered as the HTML math renderer
``mathml`` (``html_math_renderer = "mathml"`` in conf.py).
"""

from docutils import nodes
from latex2mathml.converter import convert


def _mathml(latex: str, display: bool) -> str:
    return convert(latex.strip(), display="block" if display else "inline")


def visit_inline(self, node):
    self.body.append(f'<span class="math">{_mathml(node.astext(), False)}</span>')
    raise nodes.SkipNode


def visit_block(self, node):
    latex = node.astext()
    if node.get("label"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    self.body.append(f'<div class="math notranslate">{_mathml(latex, True)}</div>')
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_inline, None), (visit_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
