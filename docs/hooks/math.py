"""MkDocs hook: the notebooks' formulas become MathML when the site is built.

Jupyter writes formulas as TeX between dollar signs and leaves them to MathJax, which a page
would load from a CDN: offline (a lab, a train, a site opened from disk) students saw raw TeX.
Here each ``$...$`` and ``$$...$$`` of a notebook's Markdown cells is converted by
``latex2mathml`` (pure Python, in the ``docs`` extra) into MathML, which browsers draw by
themselves, with no script and no font to fetch. The MathJax loader and the Mermaid loader
(both pointing at a CDN) that the notebook template adds to every page are removed; a notebook
that needs Mermaid, or a formula latex2mathml cannot read, stops the build with its text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs.exceptions import PluginError

MARKDOWN_CELL = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>')
# Text that is shown as typed: code, preformatted text, scripts.
VERBATIM = re.compile(r"<(pre|code|script|style)\b.*?</\1>", flags=re.S)
# $$display$$ first, then $inline$ (no blank line inside; a backslash-escaped \$ is a dollar).
FORMULA = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)((?:[^$\n]|\n(?!\s*\n))+?)(?<!\\)\$", re.S)
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r"\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.S,
)


def to_mathml(tex: str, display: bool) -> str:
    """MathML for one formula (``tex`` as it appears in the HTML, entities included)."""
    from latex2mathml.converter import convert

    return convert(html.unescape(tex).strip(), display="block" if display else "inline")


def convert_text(text: str, where: str) -> str:
    """``text`` (HTML outside any code) with every formula replaced by its MathML."""

    def replace(match: re.Match) -> str:
        display, inline = match.groups()
        tex = display if display is not None else inline
        try:
            return to_mathml(tex, display is not None)
        except Exception as error:  # latex2mathml raises many kinds; all mean "cannot read"
            raise PluginError(f"{where}: cannot convert the formula {tex!r}: {error}") from error

    return FORMULA.sub(replace, text)


def convert_cell(cell_html: str, where: str) -> str:
    """One Markdown cell's HTML with its formulas converted, code and scripts left alone."""
    out, position = [], 0
    for verbatim in VERBATIM.finditer(cell_html):
        out.append(convert_text(cell_html[position : verbatim.start()], where))
        out.append(verbatim.group(0))
        position = verbatim.end()
    out.append(convert_text(cell_html[position:], where))
    return "".join(out)


def _closing_div(page_html: str, start: int) -> int:
    """The index just past the ``</div>`` that closes the div whose content starts at ``start``."""
    depth = 1
    for tag in re.finditer(r"<div\b|</div>", page_html[start:]):
        depth += 1 if tag.group(0) == "<div" else -1
        if depth == 0:
            return start + tag.end()
    raise PluginError("unbalanced <div> in a notebook page")


def render_notebook_math(page_html: str, where: str) -> str:
    """A notebook page's HTML with formulas as MathML and no CDN loader left in it."""
    if re.search(r"class=\"[^\"]*\bjp-Mermaid\b", page_html):
        raise PluginError(f"{where}: Mermaid diagrams need a script from a CDN; draw them instead")
    page_html = MATHJAX.sub("", page_html)
    page_html = MERMAID.sub("", page_html)
    out, position = [], 0
    for cell in MARKDOWN_CELL.finditer(page_html):
        if cell.start() < position:  # a Markdown cell inside one already converted
            continue
        end = _closing_div(page_html, cell.end())
        out.append(page_html[position : cell.end()])
        out.append(convert_cell(page_html[cell.end() : end], where))
        position = end
    out.append(page_html[position:])
    return "".join(out)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Convert the formulas of every page made from a notebook."""
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    return render_notebook_math(output, page.file.src_uri)
