"""Regenerate the built-in Word templates under templates/ (python tools/make_docx_templates.py).

The .docx files are the templates staff edit in Word or LibreOffice; this script only
makes the first version reproducible. It writes the page set-up of GB/T 9704 and styles
that name the official fonts with ``w:eastAsia``; the Jinja tags are docxtpl's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# Official font roles (FORMATS.md); Word/WPS on an office machine has these names.
FANGSONG, HEITI, KAITI, XBS, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"


def set_fonts(rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Name the font for Latin and East Asian text; python-docx has no eastAsia setter."""
    font = rpr_owner.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hAnsi"), LATIN)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def paragraph_style(doc, name: str, east_asia: str, size: float, *, bold=False, align=None,
                    first_indent_chars: int = 0, line_pt: float | None = None,
                    space_after: float = 0):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    set_fonts(style, east_asia, size, bold)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first_indent_chars:
        pf.first_line_indent = Pt(size * first_indent_chars)
    if line_pt:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_pt)
    pf.space_before = Pt(0)
    pf.space_after = Pt(space_after)
    return style


def new_document(landscape: bool = False):
    """A4 with GB/T 9704 margins: top 37 mm, left 28 mm, bottom 35 mm, right 26 mm."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    set_fonts(normal, FANGSONG, 16)
    normal.paragraph_format.space_after = Pt(0)
    props = doc.core_properties
    props.author = props.last_modified_by = "docgen"
    props.comments = ""
    # Start from an empty body (the default template has one empty paragraph).
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def add_par(container, text: str, style: str, east_asia: str | None = None):
    """A paragraph whose text (and Jinja tag) sits in one run, fonts named on the run too."""
    p = container.add_paragraph(style=style)
    run = p.add_run(text)
    if east_asia:
        set_fonts(run, east_asia)
    return p


def cell_text(cell, text: str, style: str, east_asia: str):
    cell.paragraphs[0].style = cell.part.document.styles[style]
    run = cell.paragraphs[0].add_run(text)
    set_fonts(run, east_asia)
    return cell.paragraphs[0]


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def result_sheet() -> Path:
    doc = new_document()
    paragraph_style(doc, "Sheet Area", HEITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    paragraph_style(doc, "Sheet Title", XBS, 22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    paragraph_style(doc, "Cell Label", HEITI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=20)
    paragraph_style(doc, "Cell Field", FANGSONG, 12, line_pt=20)
    paragraph_style(doc, "Cell Body", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_indent_chars=2, line_pt=20)

    add_par(doc, "{{ sheet.area }}", "Sheet Area", HEITI)
    add_par(doc, "{{ sheet.title }}", "Sheet Title", XBS)

    widths = [Mm(30), Mm(84), Mm(42)]
    table = doc.add_table(rows=0, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width  # w:gridCol, which Word and LibreOffice lay out by

    def row(*texts, merge=None):
        r = table.add_row()
        for c, w in zip(r.cells, widths):
            c.width = w
            c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if merge:
            a, b = merge
            r.cells[a].merge(r.cells[b])
        return r

    def tag_row(tag: str):
        r = row(merge=(0, 2))
        cell_text(r.cells[0], tag, "Cell Field", FANGSONG)

    r = row(merge=(0, 2))
    cell_text(r.cells[0], "项目名称：{{ sheet.name }}", "Cell Field", FANGSONG)
    tag_row("{%tr if sheet.department %}")
    r = row(merge=(0, 2))
    cell_text(r.cells[0], "主管部门：{{ sheet.department }}", "Cell Field", FANGSONG)
    tag_row("{%tr endif %}")
    r = row(merge=(0, 1))
    cell_text(r.cells[0], "项目实施单位：{{ sheet.implementing_units }}", "Cell Field", FANGSONG)
    cell_text(r.cells[2], "评价时间：{{ sheet.evaluation_time }}", "Cell Field", FANGSONG)
    tag_row("{%tr if sheet.expenditure or sheet.agency %}")
    r = row(merge=(0, 1))
    cell_text(r.cells[0], "项目支出：{{ sheet.expenditure }}", "Cell Field", FANGSONG)
    cell_text(r.cells[2], "评价机构：{{ sheet.agency }}", "Cell Field", FANGSONG)
    tag_row("{%tr endif %}")
    tag_row("{%tr for s in sheet.sections %}")
    r = row(merge=(1, 2))
    cell_text(r.cells[0], "{{ s.label }}", "Cell Label", HEITI)
    body = r.cells[1]
    cell_text(body, "{%p for p in s.paragraphs %}", "Cell Body", FANGSONG)
    add_par(body, "{{ p.number }}{{ p.text }}", "Cell Body", FANGSONG)
    add_par(body, "{%p endfor %}", "Cell Body", FANGSONG)
    tag_row("{%tr endfor %}")

    out = TEMPLATES / "result-sheet.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    for path in [result_sheet()]:
        print(path.relative_to(ROOT), file=sys.stderr)
