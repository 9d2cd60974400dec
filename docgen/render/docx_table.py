"""The ``docx_table`` filter of Word templates: a declared table (:class:`~docgen.contexts.table.TableDoc`)
as WordprocessingML, for ``{{p summary.table | docx_table }}`` (docxtpl puts it in place of the
paragraph). The cells use the template's own styles (``Cell Head``, ``Cell Text``, ``Table
Grid``), so a template author restyles them in Word; text is escaped like any data.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

TWIPS_PER_MM = 1440 / 25.4
JC = {"left": "left", "center": "center", "right": "right"}


def _paragraph(text: str, style: str, align: str) -> str:
    """One paragraph per line of ``text`` (a cell of paragraphs)."""
    return "".join(f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{JC[align]}"/></w:pPr>'
                   f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in str(text).split("\n"))


def _cell(width: int, body: str, span: int = 1, vmerge: str | None = None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def _row(cells: str, header: bool = False) -> str:
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>"


def docx_table(table: Any, head_style: str = "CellHead", text_style: str = "CellText") -> str:
    """The table's XML: header rows repeated on every page, rows that do not split, merged
    header cells and merged equal cells (vertical merges), the 合计 row."""
    from markupsafe import Markup

    widths = [round(w * TWIPS_PER_MM) for w in table.widths_mm]
    parts = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
             '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>']
    parts += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    parts.append("</w:tblGrid>")

    # header: place each cell on the grid; a cell spanning rows leaves continuations below it
    below: dict[tuple[int, int], int] = {}  # (row, column) -> colspan of a continued cell
    for r, header in enumerate(table.header_rows):
        column, cells, queue = 0, [], list(header)
        while column < len(widths):
            if (r, column) in below:
                span = below[(r, column)]
                cells.append(_cell(sum(widths[column:column + span]), _paragraph("", head_style, "center"),
                                   span, "continue"))
                column += span
                continue
            if not queue:
                break
            h = queue.pop(0)
            for down in range(1, h.rowspan):
                below[(r + down, column)] = h.colspan
            cells.append(_cell(sum(widths[column:column + h.colspan]), _paragraph(h.text, head_style, "center"),
                               h.colspan, "restart" if h.rowspan > 1 else None))
            column += h.colspan
        parts.append(_row("".join(cells), header=True))

    for row in table.rows:
        cells = []
        for width, c in zip(widths, row):
            vmerge = None if not c.merge else ("continue" if c.span == 0 else "restart")
            cells.append(_cell(width, _paragraph("" if c.span == 0 else c.text, text_style, c.align), 1, vmerge))
        parts.append(_row("".join(cells)))
    if table.total:
        label = table.total[0]
        cells = [_cell(sum(widths[:label.colspan]), _paragraph(label.text, text_style, "center"), label.colspan)]
        cells += [_cell(w, _paragraph(c.text, text_style, c.align)) for w, c in zip(widths[label.colspan:], table.total_cells)]
        parts.append(_row("".join(cells)))
    parts.append("</w:tbl>")
    parts += [_paragraph(note, text_style, "left") for note in table.notes]
    return Markup("".join(parts))
