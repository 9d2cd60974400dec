"""Charts drawn for print (presentation only): a :class:`~docgen.contexts.charts.Chart` as SVG
for the PDF and as PNG at print resolution for the DOCX, by matplotlib.

matplotlib is imported on first use (about half a second): a build whose documents have no
chart never loads it. Its settings come from matplotlib's own defaults and :data:`STYLE`,
inside a style context: the user's ``matplotlibrc`` changes nothing and nothing of
matplotlib's global settings is left changed.

Fonts: the labels are set in the document's own serif face, the prepared “docgen Serif SC”
(:mod:`docgen.render.fonts`), which matplotlib reads by file for its layout and the PNG's
pixels. The SVG keeps its text as text (``svg.fonttype: none``) naming the font families of
``official.css``, so WeasyPrint sets it in the fonts the PDF embeds for the body: the labels
and counts are the PDF's text (search, copy, ``pdftotext``).

Bytes: the same chart gives the same SVG and PNG: fixed ids (``svg.hashsalt``), no dates and
no software names in the files, a fixed size (not fitted to the content).
"""

from __future__ import annotations

import functools
import io
import re

from docgen.contexts.charts import Chart
from docgen.diagnostics import DocumentError

#: The chart's printed size: most of the 156 mm text block (GB/T 9704), under a third of its
#: height; 5.5 × 2.5 inches, so that the PNG is whole pixels at 300 dpi (1650 × 750).
WIDTH_MM = 139.7
HEIGHT_MM = 63.5
#: The DOCX's picture: 300 dpi, print resolution.
PNG_DPI = 300
#: 五号 (10.5 pt): the size of a figure's labels beside 3号 body text.
TYPE_PT = 10.5
#: The CSS families of the body's serif role (official.css): WeasyPrint sets the SVG's text in them.
FAMILIES = ["docgen Serif SC", "docgen Serif SC Ext", "Noto Serif CJK SC"]
#: The prepared face matplotlib measures and draws with (:data:`docgen.render.fonts.FACES`).
FACE = ("docgen Serif SC", 400)
BAR_COLOUR = "#595959"  # a dark grey that prints the same in black and white
#: matplotlib's defaults (``style.context("default")``) with these on top.
STYLE = {
    "svg.fonttype": "none",  # text stays text: the PDF's fonts, searchable
    "svg.hashsalt": "docgen-chart",  # clip-path and marker ids from the content, not from a random salt
    "svg.id": None,
    "font.size": TYPE_PT,
    "axes.linewidth": 0.75,
    "axes.edgecolor": "#000000",
    "text.color": "#000000",
    "savefig.bbox": None,  # the figure's own size: the documents lay it out at WIDTH_MM
    "savefig.pad_inches": 0,
    "savefig.transparent": False,
    "savefig.facecolor": "#ffffff",
    "figure.facecolor": "#ffffff",
}
#: Figure margins in mm: the count label and the counts over the highest bar above the bars;
#: under them the labels (one line; a line more when one is broken) and the axis title.
MARGINS_MM = {"left": 6.0, "right": 4.0, "top": 9.0, "bottom": 12.5}
LINE_MM = TYPE_PT * 1.2 * 25.4 / 72


@functools.lru_cache(maxsize=1)
def _font_file() -> str:
    from docgen.render.fonts import prepared_faces

    for face in prepared_faces():
        if (face.family, face.weight) == FACE:
            return str(face.path)
    raise DocumentError("绘制图表需要中文字体Noto Serif CJK SC（Debian软件包fonts-noto-cjk），本机没有安装")


def _label(text: str, slot_mm: float) -> str:
    """A bar's label, broken after ``～`` onto two lines when it is wider than its bar's slot
    (its width estimated as the 汇总表's columns are: a CJK character one em, others 0.55)."""
    from docgen.contexts.results_summary import text_width

    if "～" in text and text_width(text) * TYPE_PT * 25.4 / 72 > slot_mm * 0.95:
        head, _, tail = text.partition("～")
        return f"{head}～\n{tail}"
    return text


def _figure(chart: Chart):
    """The chart as a matplotlib figure (call inside :func:`_style`)."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(family=FAMILIES, fname=_font_file(), size=TYPE_PT)
    m = MARGINS_MM
    positions = list(range(len(chart.counts)))
    slot = (WIDTH_MM - m["left"] - m["right"]) / max(len(positions), 1)
    labels = [_label(c, slot) for c in chart.categories]
    bottom = m["bottom"] + LINE_MM * max([0, *(label.count("\n") for label in labels)])
    figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4))
    figure.subplots_adjust(left=m["left"] / WIDTH_MM, right=1 - m["right"] / WIDTH_MM,
                           bottom=bottom / HEIGHT_MM, top=1 - m["top"] / HEIGHT_MM)
    axes = figure.add_subplot()
    bars = axes.bar(positions, chart.counts, width=0.6, color=BAR_COLOUR)
    for bar, count in zip(bars, chart.counts):
        axes.annotate(str(count), (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 1.5),
                      textcoords="offset points", ha="center", va="bottom", fontproperties=font)
    axes.set_xticks(positions, labels, fontproperties=font)
    axes.tick_params(axis="x", length=0, pad=3)
    axes.set_xlim(-0.6, len(positions) - 0.4)
    axes.set_ylim(0, max([*chart.counts, 1]) * 1.05)  # the counts' text stands above, in the margin
    axes.set_yticks([])
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.set_xlabel(chart.category_label, fontproperties=font, labelpad=3)
    axes.annotate(chart.count_label, (0, 1), xycoords="axes fraction", xytext=(0, 12),
                  textcoords="offset points", ha="left", va="bottom", fontproperties=font)
    return figure


def _style():
    import matplotlib.style

    return matplotlib.style.context(["default", STYLE])


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_OPENING = re.compile(r"<svg\b[^>]*>")


def svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element for an HTML document (no XML declaration, DOCTYPE or
    metadata), its size :data:`WIDTH_MM` × :data:`HEIGHT_MM`, its text as text."""
    out = io.StringIO()
    with _style():
        _figure(chart).savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                            "Type": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    text = text.replace("<svg ", f'<svg role="img" aria-label="{_attribute(chart.description)}" ', 1)
    # the SVG's <title> is its description for readers that do not see it: WeasyPrint makes it
    # the /Alt of the chart's Figure in a tagged PDF (pdf/ua-1 asks every figure for one)
    return _OPENING.sub(lambda m: f"{m.group(0)}<title>{_attribute(chart.description)}</title>", text, count=1)


def png(chart: Chart) -> bytes:
    """The chart as PNG at :data:`PNG_DPI` (its pixel size :data:`WIDTH_MM` × :data:`HEIGHT_MM`
    at that resolution, which the file records)."""
    out = io.BytesIO()
    with _style():
        _figure(chart).savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return out.getvalue()


def _attribute(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
