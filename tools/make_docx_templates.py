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
from docx.shared import Mm, Pt, RGBColor

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
    """The row repeats at the top of every page (w:tblHeader) and never splits."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def v_merge(cell, restart: bool) -> None:
    """Vertical merge: ``restart`` opens a merged cell, otherwise it continues the one above."""
    el = OxmlElement("w:vMerge")
    if restart:
        el.set(qn("w:val"), "restart")
    cell._tc.get_or_add_tcPr().append(el)


def paragraph_border(paragraph, side: str, color: str, size_eighths: int, space_pt: int = 0) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    el = OxmlElement(f"w:{side}")
    for k, v in (("val", "single"), ("sz", str(size_eighths)), ("space", str(space_pt)), ("color", color)):
        el.set(qn(f"w:{k}"), v)
    borders.append(el)
    p_pr.append(borders)


def page_number(paragraph, east_asia: str = SONGTI, size: float = 14) -> None:
    """``— N —`` with a PAGE field, as GB/T 9704 prints page numbers."""
    def run(text=None, fld=None, instr=None):
        r = paragraph.add_run(text or "")
        set_fonts(r, east_asia, size)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def page_numbers(doc, odd_even: bool) -> None:
    """Footers with page numbers: odd pages right and even pages left (公文), or centred."""
    section = doc.sections[0]
    section.footer_distance = Mm(28)
    odd = section.footer.paragraphs[0]
    if odd_even:
        doc.settings.odd_and_even_pages_header_footer = True
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(14)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(14)
        page_number(even)
    else:
        odd.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_number(odd)


def grid_table(doc, widths, style_name="Table Grid"):
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles[style_name]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width  # w:gridCol, which Word and LibreOffice lay out by
    return table


def add_row(table, widths, texts=(), style="Cell Field", font=FANGSONG, merge=None):
    row = table.add_row()
    for c, w in zip(row.cells, widths):
        c.width = w
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if merge:
        a, b = merge
        row.cells[a].merge(row.cells[b])
    for i, text in enumerate(texts):
        if text is not None:
            cell_text(row.cells[i], text, style, font)
    return row


def tag_row(table, widths, tag: str):
    """A row that holds only a docxtpl ``{%tr %}`` tag; docxtpl replaces the whole row."""
    add_row(table, widths, [tag], style="Normal", merge=(0, len(widths) - 1))


def official_styles(doc):
    """公文 styles: 3号仿宋 body on a 22-line page, 黑体 / 楷体 headings, red 发文机关标志."""
    line = 28.95  # 225 mm / 22 lines
    paragraph_style(doc, "Issuer Mark", XBS, 36, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.styles["Issuer Mark"].font.color.rgb = RGBColor(0xE6, 0x00, 0x00)
    doc.styles["Issuer Mark"].paragraph_format.space_before = Mm(35)
    paragraph_style(doc, "Doc Number", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=line)
    doc.styles["Doc Number"].paragraph_format.space_before = Pt(2 * line)
    paragraph_style(doc, "Doc Title", XBS, 22, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=35)
    doc.styles["Doc Title"].paragraph_format.space_before = Pt(2 * line)
    doc.styles["Doc Title"].paragraph_format.space_after = Pt(line)
    paragraph_style(doc, "Addressee", FANGSONG, 16, line_pt=line)
    paragraph_style(doc, "Body", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2, line_pt=line)
    paragraph_style(doc, "Heading One", HEITI, 16, first_indent_chars=2, line_pt=line)
    paragraph_style(doc, "Heading Two", KAITI, 16, first_indent_chars=2, line_pt=line)
    for name in ("Heading One", "Heading Two"):
        doc.styles[name].paragraph_format.keep_with_next = True
    paragraph_style(doc, "Table Title", HEITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=line)
    doc.styles["Table Title"].paragraph_format.keep_with_next = True
    paragraph_style(doc, "Signature", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT, line_pt=line)
    doc.styles["Signature"].paragraph_format.right_indent = Pt(4 * 16)
    doc.styles["Signature"].paragraph_format.keep_with_next = True
    paragraph_style(doc, "Attachment Label", HEITI, 16, line_pt=line)
    paragraph_style(doc, "Cell Head", HEITI, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "Cell Text", FANGSONG, 12)
    paragraph_style(doc, "Cell Center", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "Cell Number", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.RIGHT)


def section_loop(doc, sequence: str) -> None:
    """一、 headings with paragraphs and （一） subsections, as nested docxtpl loops."""
    add_par(doc, f"{{%p for h in {sequence} %}}", "Body", FANGSONG)
    add_par(doc, "{{ h.label }}{{ h.text }}", "Heading One", HEITI)
    add_par(doc, "{%p for p in h.paragraphs %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    add_par(doc, "{%p for s in h.subsections %}", "Body", FANGSONG)
    add_par(doc, "{{ s.label }}{{ s.text }}", "Heading Two", KAITI)
    add_par(doc, "{%p for p in s.paragraphs %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)


def summary_report() -> Path:
    doc = new_document()
    official_styles(doc)
    page_numbers(doc, odd_even=True)
    mark = add_par(doc, "{{ report.issuer_mark }}", "Issuer Mark", XBS)
    fit = OxmlElement("w:fitText")
    fit.set(qn("w:val"), str(int(156 / 25.4 * 1440)))  # 156 mm in twips
    fit.set(qn("w:id"), "1")
    mark.runs[0]._r.get_or_add_rPr().append(fit)
    number = add_par(doc, "{{ report.document_number }}", "Doc Number", FANGSONG)
    paragraph_border(number, "bottom", "E60000", 12, space_pt=11)  # red line 4 mm below the 文号
    add_par(doc, "{{ report.title }}", "Doc Title", XBS)
    add_par(doc, "{{ report.addressee }}：", "Addressee", FANGSONG)
    add_par(doc, "{%p for p in report.preamble %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    section_loop(doc, "report.sections_before_table")
    add_par(doc, "{{ report.table.title }}", "Table Title", HEITI)
    widths = [Mm(14), Mm(90), Mm(30), Mm(22)]
    table = grid_table(doc, widths)
    head = add_row(table, widths, ["{{ report.table.number_header }}", "项目名称", "中介机构评分", "评价等级"],
                   style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in report.table.rows %}")
    row = add_row(table, widths)
    cell_text(row.cells[0], "{{ r.number }}", "Cell Center", FANGSONG)
    cell_text(row.cells[1], "{{ r.name }}", "Cell Text", FANGSONG)
    cell_text(row.cells[2], "{{ r.score }}", "Cell Center", FANGSONG)
    cell_text(row.cells[3], "{{ r.grade }}", "Cell Center", FANGSONG)
    tag_row(table, widths, "{%tr endfor %}")
    section_loop(doc, "report.sections_after_table")
    signature = add_par(doc, "{{ report.signature }}", "Signature", FANGSONG)
    signature.paragraph_format.space_before = Pt(28.95)
    add_par(doc, "{{ report.date }}", "Signature", FANGSONG)
    out = TEMPLATES / "summary-report.docx"
    doc.save(out)
    return out


def results_summary() -> Path:
    doc = new_document()
    official_styles(doc)
    page_numbers(doc, odd_even=True)
    title = add_par(doc, "{{ summary.title }}", "Doc Title", XBS)
    title.paragraph_format.space_before = Pt(0)
    add_par(doc, "{%p for p in summary.paragraphs %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    note = add_par(doc, "附件：{{ summary.attachment_title }}", "Body", FANGSONG)
    note.paragraph_format.space_before = Pt(28.95)
    add_par(doc, "{%p if summary.signature or summary.date %}", "Body", FANGSONG)
    signature = add_par(doc, "{{ summary.signature }}", "Signature", FANGSONG)
    signature.paragraph_format.space_before = Pt(28.95)
    add_par(doc, "{{ summary.date }}", "Signature", FANGSONG)
    add_par(doc, "{%p endif %}", "Body", FANGSONG)
    label = add_par(doc, "附件", "Attachment Label", HEITI)
    label.paragraph_format.page_break_before = True
    add_par(doc, "{{ summary.attachment_title }}", "Table Title", HEITI)
    widths = [Mm(11), Mm(44), Mm(24), Mm(25), Mm(15), Mm(13), Mm(24)]
    table = grid_table(doc, widths)
    head = add_row(table, widths, ["序号", "二级项目名称", "单位", "{{ summary.amount_header }}", "评分结果",
                                   "评分等级", "评价机构"], style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in summary.rows %}")
    tag_row(table, widths, "{%tr if r.agency_span %}")
    for restart in (True, False):
        row = add_row(table, widths)
        for i, (text, style) in enumerate([("{{ r.number }}", "Cell Center"), ("{{ r.name }}", "Cell Text"),
                                           ("{{ r.department }}", "Cell Text"), ("{{ r.amount }}", "Cell Number"),
                                           ("{{ r.score }}", "Cell Center"), ("{{ r.grade }}", "Cell Center")]):
            cell_text(row.cells[i], text, style, FANGSONG)
        # The agency cell opens a merge over the group's rows, or continues it (computed spans).
        if restart:
            cell_text(row.cells[6], "{{ r.agency }}", "Cell Center", FANGSONG)
        v_merge(row.cells[6], restart)
        if restart:
            tag_row(table, widths, "{%tr else %}")
    tag_row(table, widths, "{%tr endif %}")
    tag_row(table, widths, "{%tr endfor %}")
    total = add_row(table, widths, ["合计", None, None, "{{ summary.total }}"], style="Cell Center")
    total.cells[0].merge(total.cells[2])
    total.cells[3].paragraphs[0].style = doc.styles["Cell Number"]
    out = TEMPLATES / "results-summary.docx"
    doc.save(out)
    return out


def detail_table() -> Path:
    doc = new_document(landscape=True)
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin, section.right_margin = Mm(15), Mm(15)
    paragraph_style(doc, "Table Caption", XBS, 18, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    paragraph_style(doc, "Unit Line", FANGSONG, 10.5, space_after=3)
    paragraph_style(doc, "Cell Head", HEITI, 10, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "Cell Text", FANGSONG, 10)
    paragraph_style(doc, "Cell Para", FANGSONG, 10, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2)
    paragraph_style(doc, "Cell Center", FANGSONG, 10, align=WD_ALIGN_PARAGRAPH.CENTER)
    page_numbers(doc, odd_even=False)
    for p in section.footer.paragraphs:
        for r in p.runs:
            r.font.size = Pt(12)
    add_par(doc, "{{ table.title }}", "Table Caption", XBS)
    add_par(doc, "{{ table.unit_label }}", "Unit Line", FANGSONG)
    widths = [Mm(9), Mm(20), Mm(26), Mm(24), Mm(70), Mm(13), Mm(52), Mm(44), Mm(9)]
    table = grid_table(doc, widths)
    head = add_row(table, widths, ["序号", "单位名称", "项目名称", "项目实施单位", "项目实施情况", "评价结果",
                                   "项目存在的问题", "建议和改进措施", "备注"], style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in table.rows %}")
    row = add_row(table, widths)
    cell_text(row.cells[0], "{{ r.number }}", "Cell Center", FANGSONG)
    cell_text(row.cells[1], "{{ r.department }}", "Cell Text", FANGSONG)
    cell_text(row.cells[2], "{{ r.name }}", "Cell Text", FANGSONG)
    cell_text(row.cells[3], "{{ r.implementing_units }}", "Cell Text", FANGSONG)
    for index, sequence, text in [(4, "r.implementation", "{{ p.text }}"),
                                  (6, "r.problems", "{{ p.number }}{{ p.text }}"),
                                  (7, "r.suggestions", "{{ p.number }}{{ p.text }}")]:
        cell = row.cells[index]
        cell_text(cell, f"{{%p for p in {sequence} %}}", "Cell Para", FANGSONG)
        add_par(cell, text, "Cell Para", FANGSONG)
        add_par(cell, "{%p endfor %}", "Cell Para", FANGSONG)
    cell_text(row.cells[5], "{{ r.result }}", "Cell Center", FANGSONG)
    cell_text(row.cells[8], "{{ r.remarks }}", "Cell Text", FANGSONG)
    tag_row(table, widths, "{%tr endfor %}")
    out = TEMPLATES / "detail-table.docx"
    doc.save(out)
    return out


def result_sheet() -> Path:
    doc = new_document()
    paragraph_style(doc, "Sheet Area", HEITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    paragraph_style(doc, "Sheet Title", XBS, 22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    paragraph_style(doc, "Cell Label", HEITI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=20)
    paragraph_style(doc, "Cell Field", FANGSONG, 12, line_pt=20)
    paragraph_style(doc, "Cell Body", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_indent_chars=2, line_pt=20)
    page_numbers(doc, odd_even=False)

    add_par(doc, "{{ sheet.area }}", "Sheet Area", HEITI)
    add_par(doc, "{{ sheet.title }}", "Sheet Title", XBS)

    widths = [Mm(30), Mm(84), Mm(42)]
    table = grid_table(doc, widths)
    add_row(table, widths, ["项目名称：{{ sheet.name }}"], merge=(0, 2))
    tag_row(table, widths, "{%tr if sheet.department %}")
    add_row(table, widths, ["主管部门：{{ sheet.department }}"], merge=(0, 2))
    tag_row(table, widths, "{%tr endif %}")
    row = add_row(table, widths, merge=(0, 1))
    cell_text(row.cells[0], "项目实施单位：{{ sheet.implementing_units }}", "Cell Field", FANGSONG)
    cell_text(row.cells[2], "评价时间：{{ sheet.evaluation_time }}", "Cell Field", FANGSONG)
    tag_row(table, widths, "{%tr if sheet.expenditure or sheet.agency %}")
    row = add_row(table, widths, merge=(0, 1))
    cell_text(row.cells[0], "项目支出：{{ sheet.expenditure }}", "Cell Field", FANGSONG)
    cell_text(row.cells[2], "评价机构：{{ sheet.agency }}", "Cell Field", FANGSONG)
    tag_row(table, widths, "{%tr endif %}")
    tag_row(table, widths, "{%tr for s in sheet.sections %}")
    row = add_row(table, widths, merge=(1, 2))
    cell_text(row.cells[0], "{{ s.label }}", "Cell Label", HEITI)
    body = row.cells[1]
    cell_text(body, "{%p for p in s.paragraphs %}", "Cell Body", FANGSONG)
    add_par(body, "{{ p.number }}{{ p.text }}", "Cell Body", FANGSONG)
    add_par(body, "{%p endfor %}", "Cell Body", FANGSONG)
    tag_row(table, widths, "{%tr endfor %}")

    out = TEMPLATES / "result-sheet.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    for path in [result_sheet(), summary_report(), results_summary(), detail_table()]:
        print(path.relative_to(ROOT), file=sys.stderr)
