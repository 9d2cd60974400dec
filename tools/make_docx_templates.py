"""Regenerate the built-in Word templates (python tools/make_docx_templates.py [folder]).

The .docx files are the templates staff edit in Word or LibreOffice; this script only
makes the first version reproducible. It writes the page set-up of GB/T 9704 and styles
that name the official fonts with ``w:eastAsia``; the Jinja tags are docxtpl's. It writes
into ``folder`` (default: templates/) and the same script gives the same bytes, so a test
can check that the committed templates are what it makes. The 草稿 header of drafts is not
in any template: the renderer adds it (docgen/render/docx.py, ``stamp_draft``).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def save(doc, out: Path) -> Path:
    """Save ``doc`` with fixed zip entry dates and modes (python-docx stamps the current time),
    entries as python-docx wrote them but for the Chinese language and font hints
    (:func:`chinese_defaults`)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    src = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, chinese_defaults(info.filename, src.read(info.filename)))
    return out


#: The font table entries of the official faces: what Word and WPS read to choose a stand-in
#: on a machine without the face (the alternative name first, then the PANOSE class, the
#: GB 2312 character set and the family class): a serif for 仿宋, a bold display serif for the
#: title, a sans for 黑体, a kai face for 楷体. LibreOffice ignores these and asks fontconfig
#: by name (README, "Fonts in the DOCX").
OFFICIAL_FONT_TABLE = [
    # (name, alternative name, PANOSE, family class)
    ("仿宋_GB2312", "仿宋", "02010609030101010101", "roman"),
    ("方正小标宋简体", "宋体", "02000000000000000000", "roman"),
    ("黑体", "SimHei", "02010609060101010101", "swiss"),
    ("楷体_GB2312", "楷体", "02010609030101010101", "script"),
    ("宋体", "SimSun", "02010600030101010101", "roman"),
]


def chinese_defaults(name: str, data: bytes) -> bytes:
    """zh-CN as the document's East Asian language (python-docx's default template says
    en-US, and ja-JP for theme fonts, which makes LibreOffice pick Japanese glyph forms), and
    the official faces in the font table."""
    if name in ("word/styles.xml", "word/stylesWithEffects.xml"):
        return data.replace(b'w:eastAsia="en-US"', b'w:eastAsia="zh-CN"')
    if name == "word/settings.xml":
        return data.replace(b'<w:themeFontLang w:val="en-US" w:eastAsia="ja-JP"/>',
                            b'<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>')
    if name == "word/fontTable.xml":
        entries = "".join(
            f'<w:font w:name="{font}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
            for font, alt, panose, family in OFFICIAL_FONT_TABLE).encode()
        head = data.index(b">", data.index(b"<w:fonts")) + 1
        return data[:head] + entries + data[head:]
    return data

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


def cant_split(row) -> None:
    """The row moves to the next page whole (w:cantSplit), as the PDF's rows do."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_header(row) -> None:
    """The row repeats at the top of every page (w:tblHeader) and never splits."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        tr_pr.append(OxmlElement(tag))


def v_merge(cell, restart: bool) -> None:
    """Vertical merge: ``restart`` opens a merged cell, otherwise it continues the one above
    (python-docx places w:vMerge where the schema wants it)."""
    cell._tc.get_or_add_tcPr().get_or_add_vMerge().val = "restart" if restart else "continue"


def no_top_border(cell) -> None:
    """The cell shows no rule above it: it reads as going on from the cell above."""
    borders = OxmlElement("w:tcBorders")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "nil")
    borders.append(top)
    tc_pr = cell._tc.get_or_add_tcPr()
    # tcBorders follows tcW, gridSpan and vMerge in the schema (an element with no children is
    # false: test for None)
    found = [tc_pr.find(qn(tag)) for tag in ("w:vMerge", "w:gridSpan", "w:tcW")]
    anchor = next((e for e in found if e is not None), None)
    if anchor is not None:
        anchor.addnext(borders)
    else:
        tc_pr.insert(0, borders)


def character_spacing(style, twentieths: int) -> None:
    """Character spacing (w:spacing) on a style's run properties, before w:sz as the schema
    orders them (Word refuses a document whose run properties are out of order)."""
    rpr = style.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    size = rpr.find(qn("w:sz"))
    if size is not None:
        size.addprevious(spacing)
    else:
        rpr.append(spacing)


def paragraph_border(paragraph, side: str, color: str, size_eighths: int, space_pt: int = 0) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    el = OxmlElement(f"w:{side}")
    for k, v in (("val", "single"), ("sz", str(size_eighths)), ("space", str(space_pt)), ("color", color)):
        el.set(qn(f"w:{k}"), v)
    borders.append(el)
    p_pr.append(borders)


#: §7.5: the folio's dash 7 mm below the text block; the footer distance counts to the foot of
#: its line, 2.35 mm below the dash (14 pt 宋体, measured on LibreOffice's pages)
FOLIO_FOOT = Mm(7 + 2.35)


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
    section.footer_distance = section.bottom_margin - FOLIO_FOOT
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


def cell_margins(table, pt: float) -> None:
    """Left and right cell margins of ``table`` (Word's default is 5.4 pt), as the PDF's cell
    padding: the 部门决算 tables' labels need the 2 pt of 公开01表 to fit their columns on one
    line, the 汇总表's names the 4 pt of gbt9704.css."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(pt * 20)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    look = tbl_pr.find(qn("w:tblLook"))  # the schema puts tblCellMar just before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


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
    # The 22 lines come from exact line spacing, not a document grid (w:docGrid type="lines"):
    # LibreOffice snaps lines to such a grid and moved the mark, the red line and page breaks.
    paragraph_style(doc, "Issuer Mark", XBS, 36, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.styles["Issuer Mark"].font.color.rgb = RGBColor(0xE6, 0x00, 0x00)
    # §7.2.3: the mark's upper edge 35 mm below the text block. A line begins at the face's
    # ascent (Noto Serif CJK, the stand-in: winAscent 1.151 em), the em box at 0.88 em.
    doc.styles["Issuer Mark"].paragraph_format.space_before = Mm(35) - Pt(36 * (1.151 - 0.88))
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
    # §5.2.3: 28 characters in the 156 mm line; 3号 type is 16 pt, 28 of them 448 pt > 442 pt,
    # so set them 0.25 pt closer (w:spacing is in twentieths of a point; the PDF: -0.22 pt)
    for name in ("Body", "Heading One", "Heading Two", "Addressee"):
        character_spacing(doc.styles[name], -5)
        # hanging punctuation said explicitly (Word's default): without it LibreOffice 7.4 set
        # a line-end ，or 、 nowhere, and the printed text lost five marks (report pp. 8–11)
        overflow = OxmlElement("w:overflowPunct")
        overflow.set(qn("w:val"), "1")
        p_pr = doc.styles[name].element.get_or_add_pPr()
        # in the schema's order: before autoSpaceDE … spacing, ind, jc (Word refuses others)
        following = next((el for tag in ("autoSpaceDE", "autoSpaceDN", "snapToGrid", "spacing", "ind", "jc")
                          if (el := p_pr.find(qn(f"w:{tag}"))) is not None), None)
        if following is not None:
            following.addprevious(overflow)
        else:
            p_pr.append(overflow)
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


def section_loop(doc, sequence: str, charts: bool = False) -> None:
    """一、 headings with paragraphs and （一） subsections, as nested docxtpl loops; with
    ``charts``, each heading's charts after its subsections."""
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
    if charts:
        chart_loop(doc, "h.charts")
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)


def chart_styles(doc) -> None:
    """The charts' paragraphs: the picture centred on a line as high as it is (the body's exact
    line spacing would clip it), kept with its number and title under it (3号黑体, as a table's
    title), and the note in the tables' 12 pt."""
    paragraph_style(doc, "Chart", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.styles["Chart"].paragraph_format.space_before = Mm(3)
    doc.styles["Chart"].paragraph_format.keep_with_next = True
    paragraph_style(doc, "Chart Title", HEITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=28.95)
    paragraph_style(doc, "Chart Note", FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.CENTER)


def chart_loop(doc, sequence: str) -> None:
    """The charts of ``sequence`` (docgen/contexts/charts.py): each the picture the ``chart``
    filter draws, alone in its paragraph, its number and title, then its note."""
    add_par(doc, f"{{%p for c in {sequence} %}}", "Body", FANGSONG)
    add_par(doc, "{{ c | chart }}", "Chart", FANGSONG)
    add_par(doc, "{{ c.number }}\u3000{{ c.title }}", "Chart Title", HEITI)
    add_par(doc, "{%p if c.note %}", "Chart Note", FANGSONG)
    add_par(doc, "{{ c.note }}", "Chart Note", FANGSONG)
    add_par(doc, "{%p endif %}", "Chart Note", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)


def summary_report(folder: Path = TEMPLATES) -> Path:
    doc = new_document()
    official_styles(doc)
    chart_styles(doc)
    page_numbers(doc, odd_even=True)
    mark = add_par(doc, "{{ report.issuer_mark }}", "Issuer Mark", XBS)
    fit = OxmlElement("w:fitText")
    fit.set(qn("w:val"), str(int(156 / 25.4 * 1440)))  # 156 mm in twips
    fit.set(qn("w:id"), "1")
    mark.runs[0]._r.get_or_add_rPr().append(fit)
    number = add_par(doc, "{{ report.document_number }}", "Doc Number", FANGSONG)
    # the red line 4 mm below the 文号 (space counts from the line box, 1.5 mm under the em box),
    # as wide as the text block: LibreOffice draws a border its own width beyond the paragraph
    paragraph_border(number, "bottom", "E60000", 12, space_pt=7)
    number.paragraph_format.left_indent = number.paragraph_format.right_indent = Pt(1.5)
    add_par(doc, "{{ report.title | title_lines(22) }}", "Doc Title", XBS)
    add_par(doc, "{{ report.addressee }}：", "Addressee", FANGSONG)
    add_par(doc, "{%p for p in report.preamble %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    section_loop(doc, "report.sections_before_table", charts=True)
    add_par(doc, "{{ report.table.title }}", "Table Title", HEITI)
    declared_table(doc, "report.table.declared")
    widths = [Mm(14), Mm(90), Mm(30), Mm(22)]
    table = grid_table(doc, widths)
    head = add_row(table, widths, ["{{ report.table.number_header }}", "项目名称", "中介机构评分", "评价等级"],
                   style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in report.table.rows %}")
    row = add_row(table, widths)
    cant_split(row)
    cell_text(row.cells[0], "{{ r.number }}", "Cell Center", FANGSONG)
    cell_text(row.cells[1], "{{ r.name }}", "Cell Text", FANGSONG)
    cell_text(row.cells[2], "{{ r.score }}", "Cell Center", FANGSONG)
    cell_text(row.cells[3], "{{ r.grade }}", "Cell Center", FANGSONG)
    tag_row(table, widths, "{%tr endfor %}")
    add_par(doc, "{%p endif %}", "Body", FANGSONG)
    chart_loop(doc, "report.table.charts")
    section_loop(doc, "report.sections_after_table", charts=True)
    signature_lines(doc, "report")
    return save(doc, folder / "summary-report.docx")


def declared_table(doc, variable: str, style: str = "Body") -> None:
    """Where the data declares the table's columns, the ``docx_table`` filter draws it; else
    the hand-laid default table that follows (closed by a ``{%p endif %}`` paragraph)."""
    add_par(doc, f"{{%p if {variable} %}}", style, FANGSONG)
    add_par(doc, f"{{{{p {variable} | docx_table }}}}", style, FANGSONG)
    add_par(doc, "{%p else %}", style, FANGSONG)


def signature_lines(doc, root: str) -> None:
    """The 发文机关署名 and 成文日期 (GB/T 9704 §7.3.5.2), one blank line below the body:
    right-aligned, each with the right indent the context computes (``signature_indents``)."""
    for field, space_before in (("signature", Pt(28.95)), ("date", Pt(0))):
        paragraph = add_par(doc, f"{{{{ {root}.{field} }}}}", "Signature", FANGSONG)
        paragraph.paragraph_format.space_before = space_before
        paragraph.paragraph_format.right_indent = Pt(0)  # the w:ind element, its value templated:
        indent = paragraph._p.pPr.find(qn("w:ind"))
        key = "name" if field == "signature" else "date"
        indent.set(qn("w:right"), f"{{{{ {root}.signature_indents.{key} | twips }}}}")


def results_summary(folder: Path = TEMPLATES) -> Path:
    doc = new_document()
    official_styles(doc)
    chart_styles(doc)
    page_numbers(doc, odd_even=True)
    title = add_par(doc, "{{ summary.title | title_lines(22) }}", "Doc Title", XBS)
    title.paragraph_format.space_before = Pt(0)
    add_par(doc, "{%p for p in summary.paragraphs_before_charts %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    chart_loop(doc, "summary.charts")
    add_par(doc, "{%p for p in summary.paragraphs_after_charts %}", "Body", FANGSONG)
    add_par(doc, "{{ p }}", "Body", FANGSONG)
    add_par(doc, "{%p endfor %}", "Body", FANGSONG)
    add_par(doc, "{%p if summary.attachment %}", "Body", FANGSONG)
    note = add_par(doc, "附件：{{ summary.attachment_title }}", "Body", FANGSONG)
    note.paragraph_format.space_before = Pt(28.95)
    # GB/T 9704 §7.3.4: two characters in; a wrapped name goes on under its own first character
    note.paragraph_format.left_indent, note.paragraph_format.first_line_indent = Pt(16 * 5), Pt(-16 * 3)
    add_par(doc, "{%p endif %}", "Body", FANGSONG)
    add_par(doc, "{%p if summary.signature or summary.date %}", "Body", FANGSONG)
    signature_lines(doc, "summary")
    add_par(doc, "{%p endif %}", "Body", FANGSONG)
    add_par(doc, "{%p if summary.attachment %}", "Body", FANGSONG)  # 附件汇总表 (none: narrative only)
    label = add_par(doc, "附件", "Attachment Label", HEITI)
    label.paragraph_format.page_break_before = True
    add_par(doc, "{{ summary.attachment_title }}", "Table Title", HEITI)
    # Fixed widths (the PDF's follow the content: contexts/results_summary.py, column_widths):
    # with the PDF's 4 pt cell margins, 单位 and 评价机构 hold six characters a line (a name of
    # twelve on two lines), 二级项目名称 eight, 项目支出 13,954.79.
    declared_table(doc, "summary.table")
    widths = [Mm(11), Mm(40), Mm(28.5), Mm(22), Mm(14), Mm(12), Mm(28.5)]
    table = grid_table(doc, widths)
    cell_margins(table, 4)
    head = add_row(table, widths, ["序号", "二级项目名称", "单位", "{{ summary.amount_header }}", "评分结果",
                                   "评分等级", "评价机构"], style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in summary.rows %}")
    tag_row(table, widths, "{%tr if r.agency_span %}")
    for restart in (True, False):
        # A row without a score or grade prints “未评价” across 评分结果 and 评分等级.
        tag_row(table, widths, "{%tr if r.unrated %}")
        for unrated in (True, False):
            row = add_row(table, widths)
            cant_split(row)
            cells = [("{{ r.number }}", "Cell Center"), ("{{ r.name }}", "Cell Text"),
                     ("{{ r.department }}", "Cell Text"), ("{{ r.amount }}", "Cell Number")]
            for i, (text, style) in enumerate(cells):
                cell_text(row.cells[i], text, style, FANGSONG)
            if unrated:
                cell_text(row.cells[4].merge(row.cells[5]), "{{ r.grade }}", "Cell Center", FANGSONG)
            else:
                cell_text(row.cells[4], "{{ r.score }}", "Cell Center", FANGSONG)
                cell_text(row.cells[5], "{{ r.grade }}", "Cell Center", FANGSONG)
            # The agency cell opens a merge over the group's rows, or continues it (computed spans).
            agency_cell = row.cells[6]
            if restart:
                cell_text(agency_cell, "{{ r.agency }}", "Cell Center", FANGSONG)
            v_merge(agency_cell, restart)
            if unrated:
                tag_row(table, widths, "{%tr else %}")
        tag_row(table, widths, "{%tr endif %}")
        if restart:
            tag_row(table, widths, "{%tr else %}")
    tag_row(table, widths, "{%tr endif %}")
    tag_row(table, widths, "{%tr endfor %}")
    total = add_row(table, widths, ["合计", None, None, "{{ summary.total }}"], style="Cell Center")
    cant_split(total)
    total.cells[0].merge(total.cells[2])
    total.cells[3].paragraphs[0].style = doc.styles["Cell Number"]
    add_par(doc, "{%p endif %}", "Body", FANGSONG)
    # 注 under the table: the 评价结果说明 of rows without a score or grade
    paragraph_style(doc, "Table Note", FANGSONG, 12)
    add_par(doc, "{%p for n in summary.notes %}", "Table Note", FANGSONG)
    add_par(doc, "{{ n }}", "Table Note", FANGSONG)
    add_par(doc, "{%p endfor %}", "Table Note", FANGSONG)
    add_par(doc, "{%p endif %}", "Table Note", FANGSONG)
    return save(doc, folder / "results-summary.docx")


def detail_table(folder: Path = TEMPLATES) -> Path:
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
    declared_table(doc, "table.declared", "Unit Line")
    widths = [Mm(9), Mm(20), Mm(26), Mm(24), Mm(70), Mm(13), Mm(52), Mm(44), Mm(9)]
    table = grid_table(doc, widths)
    head = add_row(table, widths, ["序号", "单位名称", "项目名称", "项目实施单位", "项目实施情况", "评价结果",
                                   "项目存在的问题", "建议和改进措施", "备注"], style="Cell Head", font=HEITI)
    repeat_header(head)
    tag_row(table, widths, "{%tr for r in table.rows %}")
    row = add_row(table, widths)
    cant_split(row)
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
    add_par(doc, "{%p endif %}", "Unit Line", FANGSONG)
    return save(doc, folder / "detail-table.docx")


def result_sheet(folder: Path = TEMPLATES) -> Path:
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

    return save(doc, folder / "result-sheet.docx")


#: Header rows of 公开01表…10表: each row a list of (text, colspan, rowspan); None marks a cell
#: covered by a rowspan from above. Numeric body columns are right-aligned. Column widths (mm)
#: add up to the text width of the table's page (portrait 156, landscape 257), as in the PDF
#: (templates/final-accounts-tables.html).
ACCOUNT_HEADERS = {
    "t01": ([[("收入", 3, 1), ("支出", 3, 1)],
             [("项目", 1, 1), ("行次", 1, 1), ("金额", 1, 1), ("项目", 1, 1), ("行次", 1, 1), ("金额", 1, 1)],
             [("栏次", 1, 1), ("", 1, 1), ("1", 1, 1), ("栏次", 1, 1), ("", 1, 1), ("2", 1, 1)]],
            [52.6, 8.1, 19, 49.4, 8.1, 18.8], {2, 5}),
    "t02": ([[("项目", 2, 1)] + [(t, 1, 2) for t in ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")],
             [("科目代码", 1, 1), ("科目名称", 1, 1)] + [None] * 7,
             [("栏次", 2, 1)] + [(str(i), 1, 1) for i in range(1, 8)]],
            [20, 70] + [22] * 7, set(range(2, 9))),
    "t03": ([[("项目", 2, 1)] + [(t, 1, 2) for t in ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")],
             [("科目代码", 1, 1), ("科目名称", 1, 1)] + [None] * 6,
             [("栏次", 2, 1)] + [(str(i), 1, 1) for i in range(1, 7)]],
            [20, 80] + [24] * 6, set(range(2, 8))),
    "t04": ([[("收入", 3, 1), ("支出", 6, 1)],
             [(t, 1, 1) for t in ("项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")],
             [(t, 1, 1) for t in ("栏次", "", "1", "栏次", "", "2", "3", "4", "5")]],
            [50, 11, 22, 56, 11, 22, 28, 28, 29], {2, 5, 6, 7, 8}),
    "t05": ([[("项目", 2, 1), ("本年支出", 3, 1)],
             [(t, 1, 1) for t in ("科目代码", "科目名称", "小计", "基本支出", "项目支出")],
             [("栏次", 2, 1), ("1", 1, 1), ("2", 1, 1), ("3", 1, 1)]],
            [22, 70, 22, 21, 21], {2, 3, 4}),
    "t06": ([[("人员经费", 3, 1), ("公用经费", 9, 1)],
             [(t, 1, 1) for t in ("科目代码", "科目名称", "决算数") * 4]],
            [13, 35.25, 16] * 4, {2, 5, 8, 11}),
    "t07": ([[("项目", 2, 1), ("年初结转和结余", 1, 2), ("本年收入", 1, 2), ("本年支出", 3, 1), ("年末结转和结余", 1, 2)],
             [("科目代码", 1, 1), ("科目名称", 1, 1), None, None, ("小计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1), None],
             [("栏次", 2, 1)] + [(str(i), 1, 1) for i in range(1, 7)]],
            [20, 75, 27, 27, 27, 27, 27, 27], set(range(2, 8))),
    "t08": ([[("项目", 2, 1), ("本年支出", 3, 1)],
             [(t, 1, 1) for t in ("科目代码", "科目名称", "合计", "基本支出", "项目支出")],
             [("栏次", 2, 1), ("1", 1, 1), ("2", 1, 1), ("3", 1, 1)]],
            [22, 70, 22, 21, 21], {2, 3, 4}),
    "t09": ([[("预算数", 6, 1), ("决算数", 6, 1)],
             [("合计", 1, 2), ("因公出国（境）费", 1, 2), ("公务用车购置及运行维护费", 3, 1), ("公务接待费", 1, 2)] * 2,
             [None, None, ("小计", 1, 1), ("公务用车购置费", 1, 1), ("公务用车运行维护费", 1, 1), None] * 2,
             [(str(i), 1, 1) for i in range(1, 13)]],
            [21] * 12, set(range(12))),
    "t10": ([[("项目", 1, 1), ("行次", 1, 1), ("统计数", 1, 1)]], [100, 20, 36], {2}),
}
LANDSCAPE_TABLES = {"t02", "t03", "t04", "t06", "t07", "t09"}


def header_rows(table, widths, rows) -> None:
    """Static header rows with horizontal (gridSpan) and vertical (vMerge) merges."""
    for spec in rows:
        row = add_row(table, widths)
        repeat_header(row)
        col = 0
        for cell in spec:
            if cell is None:
                v_merge(row.cells[col], restart=False)
                col += 1
                continue
            text, colspan, rowspan = cell
            target = row.cells[col]
            if colspan > 1:
                target = target.merge(row.cells[col + colspan - 1])
            cell_text(target, text, "Cell Head", HEITI)
            if rowspan > 1:
                v_merge(target, restart=True)
            col += colspan


def bookmark(paragraph, name: str, number: str) -> None:
    """Mark ``paragraph`` as the target ``name`` of a 目录 entry's PAGEREF (``number``: the
    bookmark's id, unique in the document; both may be Jinja expressions)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), number)
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def contents_entry(doc, text: str, target: str, style: str):
    """A 目录 line: the entry, a dotted tab and its page as a PAGEREF field to the bookmark
    ``target``. LibreOffice computes a PAGEREF from its own layout; Word updates it on
    opening (the field is marked dirty, and the settings ask for it): the numbers are those
    of the viewer's pages, never a placeholder."""
    paragraph = add_par(doc, text + "\t", style, FANGSONG)

    def run(*children):
        r = OxmlElement("w:r")
        for child in children:
            r.append(child)
        paragraph._p.append(r)

    def char(kind: str, dirty: bool = False):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if dirty:
            element.set(qn("w:dirty"), "true")
        return element

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" PAGEREF {target} \\h "
    result = OxmlElement("w:t")
    result.text = ""
    run(char("begin", dirty=True))
    run(instr)
    run(char("separate"))
    run(result)
    run(char("end"))
    return paragraph


def final_accounts(folder: Path = TEMPLATES) -> Path:
    from docx.enum.section import WD_SECTION

    doc = new_document()
    official_styles(doc)
    page_numbers(doc, odd_even=False)
    for name, font, size in (("Heading 1", HEITI, 18), ("Heading 2", HEITI, 15), ("Heading 3", KAITI, 14)):
        style = doc.styles[name]
        set_fonts(style, font, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(3)
        style.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    paragraph_style(doc, "Cover Dept", HEITI, 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.styles["Cover Dept"].paragraph_format.space_before = Mm(50)
    doc.styles["Cover Dept"].paragraph_format.space_after = Mm(15)
    paragraph_style(doc, "Cover Title", XBS, 30, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "Text", FANGSONG, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent_chars=2)
    paragraph_style(doc, "Table Name", HEITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "Table Number", FANGSONG, 10.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph_style(doc, "Table Meta", FANGSONG, 10.5)
    paragraph_style(doc, "Table Note", FANGSONG, 9)
    paragraph_style(doc, "Table Joint", FANGSONG, 1, line_pt=1)  # between the tables of one 自评表
    paragraph_style(doc, "Form Title", HEITI, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name, align in (("Cell Head", WD_ALIGN_PARAGRAPH.CENTER), ("Cell Text", None),
                        ("Cell Center", WD_ALIGN_PARAGRAPH.CENTER), ("Cell Number", WD_ALIGN_PARAGRAPH.RIGHT)):
        style = doc.styles[name]
        style.font.size = Pt(9)
        if align is not None:
            style.paragraph_format.alignment = align

    add_par(doc, "{{ accounts.department }}", "Cover Dept", HEITI)
    add_par(doc, "{{ accounts.cover_title }}", "Cover Title", XBS)
    toc_title = add_par(doc, "目　录", "Table Name", HEITI)
    toc_title.paragraph_format.page_break_before = True
    # the entries of the PDF's 目录 (final-accounts.html), each to a bookmark of the same name
    for style, (size, indent) in {"Contents Part": (12, 0), "Contents Item": (12, 2)}.items():
        paragraph_style(doc, style, HEITI if indent == 0 else FANGSONG, size)
        form = doc.styles[style].paragraph_format
        form.left_indent = Pt(size * indent)
        form.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    contents_entry(doc, "第一部分 概况", "part1", "Contents Part")
    contents_entry(doc, "一、本部门（单位）职责", "duties", "Contents Item")
    contents_entry(doc, "二、机构设置情况", "organisation", "Contents Item")
    contents_entry(doc, "第二部分 {{ accounts.year }}年部门决算表", "part2", "Contents Part")
    for index in range(len(ACCOUNT_HEADERS)):
        t = f"accounts.tables[{index}]"
        contents_entry(doc, f'{{{{ {index + 1} | number_label("一、") }}}}{{{{ {t}.title }}}}',
                       f"{{{{ {t}.key }}}}", "Contents Item")
    contents_entry(doc, "第三部分 情况说明", "part3", "Contents Part")
    add_par(doc, "{%p for s in accounts.explanations %}", "Contents Item", FANGSONG)
    contents_entry(doc, "{{ s.label }}{{ s.text }}", "ex{{ loop.index }}", "Contents Item")
    add_par(doc, "{%p endfor %}", "Contents Item", FANGSONG)
    contents_entry(doc, "第四部分 名词解释", "part4", "Contents Part")
    contents_entry(doc, "第五部分 附件", "part5", "Contents Part")
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)

    bookmark(add_par(doc, "第一部分 概况", "Heading 1", HEITI), "part1", "1")
    bookmark(add_par(doc, "一、本部门（单位）职责", "Heading 2", HEITI), "duties", "2")
    add_par(doc, "{%p for p in accounts.duties %}", "Text", FANGSONG)
    add_par(doc, "{{ p.number }}{{ p.text }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    bookmark(add_par(doc, "二、机构设置情况", "Heading 2", HEITI), "organisation", "3")
    add_par(doc, "{%p for p in accounts.organisation %}", "Text", FANGSONG)
    add_par(doc, "{{ p }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    bookmark(add_par(doc, "第二部分 {{ accounts.year }}年部门决算表", "Heading 1", HEITI), "part2", "4")

    portrait = True
    for index, (key, (rows, widths_mm, numeric)) in enumerate(ACCOUNT_HEADERS.items()):
        landscape = key in LANDSCAPE_TABLES
        if index and (landscape or not portrait):
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
            margins = (Mm(22), Mm(22), Mm(20), Mm(20)) if landscape else (Mm(37), Mm(35), Mm(28), Mm(26))
            section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = margins
            # the folio 7 mm below the text block (GB/T 9704 §7.5), inside this section's own margin:
            # a footer farther up than the margin is tall overlaps the body and LibreOffice drops it
            section.footer_distance = margins[1] - FOLIO_FOOT
        portrait = not landscape
        t = f"accounts.tables[{index}]"
        name = add_par(doc, f"{{{{ {t}.title }}}}", "Heading 2", HEITI)
        name.style = doc.styles["Table Name"]
        bookmark(name, f"{{{{ {t}.key }}}}", str(10 + index))
        if index and not landscape:
            name.paragraph_format.page_break_before = True
        add_par(doc, f"{{{{ {t}.number }}}}", "Table Number", FANGSONG)
        label = "单位" if key == "t10" else "部门"
        add_par(doc, f"{label}名称：{{{{ accounts.department }}}}　　{{{{ accounts.year }}}}年度　　{{{{ {t}.unit_line }}}}",
                "Table Meta", FANGSONG)
        widths = [Mm(w) for w in widths_mm]
        table = grid_table(doc, widths)
        cell_margins(table, 2)
        header_rows(table, widths, rows)
        tag_row(table, widths, f"{{%tr if {t}.empty %}}")
        add_row(table, widths, ["本表无数据"], style="Cell Center", merge=(0, len(widths) - 1))
        tag_row(table, widths, "{%tr else %}")
        tag_row(table, widths, f"{{%tr for row in {t}.rows %}}")
        body = add_row(table, widths)
        for i in range(len(widths)):
            style = "Cell Number" if i in numeric else "Cell Text"
            cell_text(body.cells[i], f"{{{{ row[{i}].text }}}}", style, FANGSONG)
        tag_row(table, widths, "{%tr endfor %}")
        tag_row(table, widths, "{%tr endif %}")
        add_par(doc, f"{{{{ {t}.note }}}}", "Table Note", FANGSONG)
        add_par(doc, f"{{%p if {t}.empty %}}", "Table Note", FANGSONG)
        add_par(doc, "说明：本表无数据", "Table Note", FANGSONG)
        add_par(doc, "{%p endif %}", "Table Note", FANGSONG)
    if not portrait:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)

    bookmark(add_par(doc, "第三部分 情况说明", "Heading 1", HEITI), "part3", "5")
    add_par(doc, "{%p for s in accounts.explanations %}", "Text", FANGSONG)
    bookmark(add_par(doc, "{{ s.label }}{{ s.text }}", "Heading 2", HEITI), "ex{{ loop.index }}",
             "{{ 100 + loop.index }}")
    add_par(doc, "{%p for p in s.paragraphs %}", "Text", FANGSONG)
    add_par(doc, "{{ p }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    add_par(doc, "{%p for sub in s.subsections %}", "Text", FANGSONG)
    add_par(doc, "{{ sub.label }}{{ sub.text }}", "Heading 3", KAITI)
    add_par(doc, "{%p for p in sub.paragraphs %}", "Text", FANGSONG)
    add_par(doc, "{{ p }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    add_par(doc, "{%p for sub2 in sub.subsections %}", "Text", FANGSONG)
    add_par(doc, "{{ sub2.label }}{{ sub2.text }}", "Text", FANGSONG)
    add_par(doc, "{%p for p in sub2.paragraphs %}", "Text", FANGSONG)
    add_par(doc, "{{ p }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)

    bookmark(add_par(doc, "第四部分 名词解释", "Heading 1", HEITI), "part4", "6")
    add_par(doc, "{%p for p in accounts.glossary %}", "Text", FANGSONG)
    add_par(doc, "{{ p.number }}{{ p.text }}", "Text", FANGSONG)
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)

    bookmark(add_par(doc, "第五部分 附件", "Heading 1", HEITI), "part5", "7")
    add_par(doc, "{%p for f in accounts.forms %}", "Text", FANGSONG)
    title = add_par(doc, "{{ f.title }}", "Form Title", HEITI)
    title.paragraph_format.page_break_before = True
    add_par(doc, "{{ f.year_line }}", "Table Number", FANGSONG).alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the PDF's proportions (templates/final-accounts.html): 8, 8, 10, 10, 12, 12, 12, 8, 7, 13 % of 156 mm
    widths = [Mm(w) for w in (12.5, 12.5, 15.5, 15.5, 18.75, 18.75, 18.75, 12.5, 11, 20.25)]
    table = grid_table(doc, widths)
    row = add_row(table, widths)
    cell_text(row.cells[0].merge(row.cells[1]), "项目名称", "Cell Center", FANGSONG)
    cell_text(row.cells[2].merge(row.cells[9]), "{{ f.project }}", "Cell Text", FANGSONG)
    row = add_row(table, widths)
    cell_text(row.cells[0].merge(row.cells[1]), "主管部门及代码", "Cell Center", FANGSONG)
    cell_text(row.cells[2].merge(row.cells[4]), "{{ f.department }}", "Cell Text", FANGSONG)
    cell_text(row.cells[5], "预算单位", "Cell Center", FANGSONG)
    cell_text(row.cells[6].merge(row.cells[9]), "{{ f.budget_unit }}", "Cell Text", FANGSONG)
    row = add_row(table, widths)
    cell_text(row.cells[0], "项目资金预算安排及执行进度（万元）", "Cell Center", FANGSONG)
    v_merge(row.cells[0], restart=True)
    v_merge(row.cells[1], restart=True)
    cell_text(row.cells[2].merge(row.cells[3]), "年初预算数", "Cell Center", FANGSONG)
    for i, text in zip(range(4, 10), ("全年预算数", "全年执行数", "资金结（转）余", "执行率", "得分", "偏差原因分析及改进措施")):
        cell_text(row.cells[i], text, "Cell Center", FANGSONG)
        v_merge(row.cells[i], restart=True)
    row = add_row(table, widths)
    v_merge(row.cells[0], restart=False)
    v_merge(row.cells[1], restart=False)
    cell_text(row.cells[2], "目标申报数", "Cell Center", FANGSONG)
    cell_text(row.cells[3], "预算编制数", "Cell Center", FANGSONG)
    for i in range(4, 10):
        v_merge(row.cells[i], restart=False)
    tag_row(table, widths, "{%tr for r in f.funding %}")
    # Take the cells before marking merges: python-docx resolves a continued cell to the one
    # above it, with that cell's width (here a full-width tag row).
    cells = add_row(table, widths).cells
    cell_text(cells[1], "{{ r[0] }}", "Cell Center", FANGSONG)
    for i in range(2, 9):
        cell_text(cells[i], f"{{{{ r[{i - 1}] }}}}", "Cell Number", FANGSONG)
    v_merge(cells[0], restart=False)
    tag_row(table, widths, "{%tr endfor %}")
    row = add_row(table, widths)
    cell_text(row.cells[0], "项目年度绩效目标", "Cell Center", FANGSONG)
    v_merge(row.cells[0], restart=True)
    cell_text(row.cells[1].merge(row.cells[4]), "年度目标", "Cell Center", FANGSONG)
    cell_text(row.cells[5].merge(row.cells[9]), "实际完成情况", "Cell Center", FANGSONG)
    row = add_row(table, widths)
    v_merge(row.cells[0], restart=False)
    cell_text(row.cells[1].merge(row.cells[4]), "{{ f.annual_goal }}", "Cell Text", FANGSONG)
    cell_text(row.cells[5].merge(row.cells[9]), "{{ f.actual_result }}", "Cell Text", FANGSONG)
    # The 绩效指标 part is a table of its own whose first row, its header, repeats on the next
    # page (w:tblHeader works on a table's first rows only); a 1 pt paragraph keeps Word from
    # joining it to the table above.
    add_par(doc, "", "Table Joint")
    table = grid_table(doc, widths)
    row = add_row(table, widths, ["绩效指标", "一级指标", "二级指标", "三级指标", "年初指标值", "调整后指标值", "实际完成值",
                                  "分值", "得分", "偏差原因分析及改进措施"], style="Cell Center")
    repeat_header(row)
    tag_row(table, widths, "{%tr for i in f.indicators %}")
    cells = add_row(table, widths).cells
    # the 绩效指标 column goes on below its header cell as a merge of the body rows only, with
    # no rule between them: a merge that began in the header row, repeated on a new page, ran
    # its text across the header's rule (LibreOffice, preflight of make check-docx)
    cell_text(cells[0], "{% vmerge loop.first %}", "Cell Center", FANGSONG)
    no_top_border(cells[0])
    cell_text(cells[1], "{% vmerge i.level1_span %}{{ i.level1 }}", "Cell Center", FANGSONG)
    cell_text(cells[2], "{% vmerge i.level2_span %}{{ i.level2 }}", "Cell Center", FANGSONG)
    for col, (field_name, style) in enumerate([("name", "Cell Text"), ("initial", "Cell Center"), ("adjusted", "Cell Center"),
                                               ("actual", "Cell Center"), ("weight", "Cell Center"), ("score", "Cell Center"),
                                               ("deviation", "Cell Text")], start=3):
        cell_text(cells[col], f"{{{{ i.{field_name} }}}}", style, FANGSONG)
    tag_row(table, widths, "{%tr endfor %}")
    row = add_row(table, widths)
    cell_text(row.cells[0].merge(row.cells[7]), "总分", "Cell Center", FANGSONG)
    cell_text(row.cells[8], "{{ f.total_score }}", "Cell Center", FANGSONG)
    cell_text(row.cells[9], "{{ f.grade }}", "Cell Center", FANGSONG)
    add_par(doc, "{%p if f.analysis or f.next_steps %}", "Table Joint")
    add_par(doc, "", "Table Joint")
    table = grid_table(doc, widths)
    tag_row(table, widths, "{%tr for r in f.analysis %}")
    tag_row(table, widths, "{%tr if r.grouped %}")
    row = add_row(table, widths)
    cell_text(row.cells[0], "{% vmerge loop.first %}项目绩效分析", "Cell Center", FANGSONG)
    cell_text(row.cells[1], "{% vmerge r.group_span %}{{ r.group }}", "Cell Center", FANGSONG)
    cell_text(row.cells[2], "{{ r.label }}", "Cell Center", FANGSONG)
    cell_text(row.cells[3].merge(row.cells[9]), "{{ r.text }}", "Cell Text", FANGSONG)
    tag_row(table, widths, "{%tr else %}")
    row = add_row(table, widths)
    cell_text(row.cells[0], "{% vmerge loop.first %}项目绩效分析", "Cell Center", FANGSONG)
    cell_text(row.cells[1].merge(row.cells[2]), "{{ r.label }}", "Cell Center", FANGSONG)
    cell_text(row.cells[3].merge(row.cells[9]), "{{ r.text }}", "Cell Text", FANGSONG)
    tag_row(table, widths, "{%tr endif %}")
    tag_row(table, widths, "{%tr endfor %}")
    tag_row(table, widths, "{%tr if f.next_steps %}")
    row = add_row(table, widths)
    cell_text(row.cells[0].merge(row.cells[2]), "下一步改进措施及管理建议", "Cell Center", FANGSONG)
    cell_text(row.cells[3].merge(row.cells[9]), "{{ f.next_steps }}", "Cell Text", FANGSONG)
    for cell in row.cells:  # the 备注 below never stands alone on a page
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    tag_row(table, widths, "{%tr endif %}")
    add_par(doc, "{%p endif %}", "Table Joint")
    for n, line in enumerate(("备注：1.“年初预算数”项下的“目标申报数”和“预算编制数”为并列关系，其中“目标申报数”的数据来源于项目目标申报表中的项目资金总额表中的年度资金，“预算编制数”数据来源于项目预算支出明细表。",
                 "2.“全年预算数”的取数规则，如果年初预算未调整，取预算编制数；如果有调整，取调整后的预算数。",
                 "3.“全年执行数”是指预算执行指标确认数。", "4.“执行率”是执行数与“全年预算数”相比较。")):
        add_par(doc, line, "Table Note", FANGSONG).paragraph_format.keep_with_next = n < 3
    add_par(doc, "{%p endfor %}", "Text", FANGSONG)
    return save(doc, folder / "final-accounts.docx")


FAMILIES = (result_sheet, summary_report, results_summary, detail_table, final_accounts)


def main(folder: Path = TEMPLATES) -> list[Path]:
    """Write every family's Word template into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder) for make in FAMILIES]


if __name__ == "__main__":
    target = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else TEMPLATES
    for path in main(target):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, file=sys.stderr)
