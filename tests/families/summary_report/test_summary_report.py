"""summary-report: the 财政局 report with its ranked score table (GB/T 9704)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docx import Document

from docgen.input import load_dataset
from docgen.rules import format_decimal
from helpers import Family, Format, libreoffice_pdf, render
from summary_batch import ROWS, write_batch

from conftest import SAMPLES, docx_text, pdf_text, squash

SHUOZHOU = load_dataset([SAMPLES / "shuozhou-edz-2024"])


def test_report_ranks_with_ties_in_docx_and_pdf(batch):
    folder, out = batch
    table = Document(str(out / "summary-report.docx")).tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["排名", "项目名称", "中介机构评分", "评价等级"]
    assert rows[1] == ["1", "测试项目01号", "97.50", "优"]
    assert rows[2] == ["1", "测试项目03号", "97.50", "优"]
    assert rows[3] == ["3", "测试项目02号", "94.00", "优"]
    assert [r[0] for r in rows[4:34]] == ["4"] * 30  # 30 equal scores share rank 4
    assert rows[34][:3] == ["34", "测试项目36号", "80.00"] and rows[34][3] == "良"
    assert rows[-1] == ["36", "测试项目35号", "59.99", "差"]
    assert len(rows) == 1 + len(ROWS)
    text = pdf_text(out / "summary-report.pdf")
    for r in rows[1:]:
        assert squash("".join(r)) in text, r


def test_report_text_quotes_computed_counts(batch):
    _, out = batch
    for text in (docx_text(out / "summary-report.docx"), pdf_text(out / "summary-report.pdf")):
        assert "测试区关于2024年度36个项目重点绩效评价情况的报告" in text
        assert "2024年度36个项目得分表" in text
        assert squash("优 3 个、良 31 个、中 1 个、差 1 个。") in text
        assert "测财预绩〔2024〕5号" in text
        assert "一、评价方式" in text and "三、工作建议" in text and "（一）加强管理" in text
        assert "测试区财政局2024年12月31日" in text


def test_unknown_placeholder_is_an_error_with_its_line(tmp_path):
    write_batch(tmp_path)
    path = tmp_path / "batch.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{评价数}个项目重点", "{项目个数}个项目重点"), encoding="utf-8")
    messages = [str(d) for d in load_dataset([tmp_path]).diagnostics.in_order()]
    assert messages == [f"{path}:4: report.title: 未知的占位符“{{项目个数}}”；"
                        "可用：{评价数}、{优数}、{良数}、{中数}、{差数}、{未评价数}、{等级分布}、{单位数}、{总金额}、{金额}"]


def test_render_without_the_block_is_refused(tmp_path):
    (tmp_path / "t.yaml").write_text("detail_table: {title: 表}\nprojects:\n  - name: 甲\n", encoding="utf-8")
    report = render(Family.SUMMARY_REPORT, [tmp_path], tmp_path / "out", Format.ALL)
    assert [(f.what, f.cause) for f in report.result.failed] == [
        ("summary-report", "输入中没有“report”信息，无法生成；请添加含“report:”的YAML文件")]
    assert report.result.exit_code == 2 and not report.written
    assert not (tmp_path / "out").exists()


def test_ranked_table_in_docx(summary_samples):
    out = summary_samples
    rows = [[c.text for c in r.cells] for r in Document(str(out / "shuozhou-edz-2024" / "summary-report.docx")).tables[0].rows]
    assert rows[0] == ["排名", "项目名称", "中介机构评分", "评价等级"]
    body = rows[1:]
    assert len(body) == 72
    scores = [Decimal(r[2]) for r in body]
    assert scores == sorted(scores, reverse=True)
    assert [r[0] for r in body[:3]] == ["1", "1", "3"]  # rows 1 and 2 of the seed tie at 97.50
    # the seed's out-of-order row 72 (86.70) takes its place by score
    row72 = SHUOZHOU.projects[71].project
    position = next(i for i, r in enumerate(body) if r[1] == row72.name)
    assert body[position][2] == "86.70"
    assert all(Decimal(r[2]) > Decimal("86.70") for r in body[:position])
    # every row's figures are the data's
    by_name = {p.project.name: p.project for p in SHUOZHOU.projects}
    for number, name, score, grade in body:
        assert score == format_decimal(by_name[name].score)
        assert grade == by_name[name].grade.value
        assert int(number) == 1 + sum(1 for s in scores if s > Decimal(score))


def test_every_row_in_the_report_pdf(summary_samples):
    out = summary_samples
    text = pdf_text(out / "shuozhou-edz-2024" / "summary-report.pdf")
    for p in SHUOZHOU.projects:
        assert squash(f"{p.project.name}{p.project.score:.2f}{p.project.grade.value}") in text, p.project.name
    assert "朔开财预绩〔2024〕15号" in text
    assert "朔州经济开发区关于2024年度72个项目(部门整体)重点绩效评价情况的报告" in text
    assert "2024年度72个项目(部门整体)重点绩效评价得分表" in text
    assert "朔州经济开发区财政局2024年12月31日" in text
    assert "此页无正文" not in text
    report = SHUOZHOU.report
    for section in report.sections:
        for paragraph in section.paragraphs + [p for s in section.subsections for p in s.paragraphs]:
            assert squash(paragraph) in text


def _fonts_of(pdf, wanted: str) -> set[str]:
    """The fonts pypdf reports for the text runs of ``pdf`` that hold ``wanted``."""
    from pypdf import PdfReader

    found: set[str] = set()

    def visit(text, cm, tm, font, size):
        run = text.strip()
        if font is not None and run and (run in wanted or wanted[:8] in run):
            found.add(str(font.get("/BaseFont")).split("+")[-1])

    for page in PdfReader(str(pdf)).pages:
        if wanted[:6] in squash(page.extract_text()):
            page.extract_text(visitor_text=visit)
    return found


def test_second_level_headings_are_set_in_kai(summary_samples):
    """GB/T 9704: “（一）” headings in 楷体 (issue 14, defect 11) — a face of its own, not Serif Bold."""
    pdf = summary_samples / "shuozhou-edz-2024" / "summary-report.pdf"
    assert _fonts_of(pdf, "（一）绩效管理体系建设有待进一步完善") == {"docgen-Kai-SC"}
    assert "docgen-Serif-SC" in _fonts_of(pdf, "一些部门绩效管理体系里的相关环节尚不完善")


def test_signature_and_date_follow_gbt9704_in_pdf_and_docx(summary_samples):
    """§7.3.5.2 (issue 14, defect 12): the name two characters (32 pt) from the text block's right
    edge, the date's first character two characters right of the name's; the DOCX says the same
    with right indents of 2 and 3 characters (the date is 7 characters wide, the name 10)."""
    from docgen.check.pdf_pages import read_pdf

    out = summary_samples / "shuozhou-edz-2024"
    pages = read_pdf(out / "summary-report.pdf").pages
    lines = {ln.text.replace(" ", ""): ln for p in pages for ln in p.body_lines}
    name, date = lines["朔州经济开发区财政局"], lines["2024年12月31日"]
    right_edge = 595.28 - 26 / 25.4 * 72  # A4 less the 26 mm right margin
    assert abs(right_edge - 32 - name.x1) < 1 and abs(date.x0 - (name.x0 + 32)) < 1
    assert 0 < date.top - name.top < 40  # the next line
    doc = Document(str(out / "summary-report.docx"))
    indents = {p.text: p.paragraph_format.right_indent.pt for p in doc.paragraphs if p.style.name == "Signature"}
    assert indents == {"朔州经济开发区财政局": 32.0, "2024年12月31日": 48.0}


def test_a_date_longer_than_the_name_allows_moves_the_name_left():
    from decimal import Decimal

    from docgen.rules.formatting import signature_indents

    long = signature_indents("朔州经济开发区财政局", "2024年12月31日")  # name 10, date 7 characters
    assert (long.name, long.date) == (Decimal(2), Decimal(3))
    short = signature_indents("上党区财政局", "2023年1月10日")  # name 6, date 6.5 characters
    assert (short.name, short.date) == (Decimal("4.5"), Decimal(2))


MM = 72 / 25.4
TEXT_TOP, TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT = 37 * MM, 841.89 - 35 * MM, 28 * MM, 595.28 - 26 * MM


def assert_gbt9704_geometry(pdf) -> None:
    """GB/T 9704 measured on the report, each within 1 mm: the 发文机关标志's upper edge (its em
    box) 35 mm below the text block; the red line 4 mm below the 发文字号 and as wide as the text
    block; the folio's dash 7 mm below the text block, one character in from the outer edge."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from docgen.check.pdf_pages import read_pdf

    pages = read_pdf(pdf).pages
    first = pages[0]
    mark = next(g for g in first.glyphs if g.size > 30)
    number = next(g for g in first.glyphs if g.text == "〔")
    assert abs((mark.baseline - 0.88 * mark.size - TEXT_TOP) / MM - 35) < 1
    document = pdfium.PdfDocument(str(pdf))  # any path: WeasyPrint strokes, LibreOffice fills
    try:
        page = document[0]
        height = page.get_size()[1]
        wide = [o.get_bounds() for o in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=3)]
        left, bottom, right, top = next(b for b in wide if b[2] - b[0] > 400)
    finally:
        document.close()
    middle = height - (bottom + top) / 2
    assert abs((middle - (number.baseline + 0.12 * number.size)) / MM - 4) < 1
    assert abs(left - TEXT_LEFT) < 1 and abs(right - TEXT_RIGHT) < 1  # as wide as the text block
    for page in pages:
        dash = next(g for g in page.glyphs if g.text == "—" and g.top > TEXT_BOTTOM)
        middle = dash.baseline - 0.2675 * dash.size  # the dash's stroke: 0.242–0.293 em
        assert abs((middle - TEXT_BOTTOM) / MM - 7) < 1, page.number
        line = page.folio_line
        outer = TEXT_RIGHT - line.x1 if page.number % 2 else line.x0 - TEXT_LEFT
        assert abs(outer - 14) < 1.5, page.number  # one 4号 character in


def test_gbt9704_geometry_of_the_report_pdf(summary_samples):
    """Issue 14, defect 10, in the PDF docgen writes."""
    assert_gbt9704_geometry(summary_samples / "shuozhou-edz-2024" / "summary-report.pdf")


@pytest.mark.libreoffice
def test_gbt9704_geometry_of_the_report_docx_as_libreoffice_lays_it_out(summary_samples, tmp_path):
    """The same measures on the DOCX, laid out by LibreOffice with the official faces' stand-ins
    (docgen/resources/fonts.conf); and 22 lines a page of 28 characters (§5.2.3), as in the PDF."""
    pdf = libreoffice_pdf(summary_samples / "shuozhou-edz-2024" / "summary-report.docx", tmp_path)
    assert_gbt9704_geometry(pdf)
    lengths = full_line_lengths(pdf, edge=1.5)  # LibreOffice justifies to within 1.5 pt
    assert set(lengths) <= {27, 28} and lengths.count(28) > 0.8 * len(lengths), lengths
    from docgen.check.pdf_pages import read_pdf

    per_page = [len([ln for ln in p.body_lines if abs(ln.size - 16) < 0.5]) for p in read_pdf(pdf).pages]
    assert max(per_page) == 22 and per_page.count(22) >= 3, per_page
    # every mark of the text is on the page: LibreOffice dropped line-end ，and 、 (page review)
    doc = Document(str(summary_samples / "shuozhou-edz-2024" / "summary-report.docx"))
    written = "".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    printed = pdf_text(pdf)
    assert [printed.count(mark) for mark in "，、。"] == [written.count(mark) for mark in "，、。"]


def full_line_lengths(pdf, edge: float = 1) -> list[int]:
    """The characters of each Chinese body line (3号) that goes on to the next line; each such
    line must end at the text block's right edge, within ``edge`` points."""
    from docgen.check.pdf_pages import read_pdf

    lengths = []
    for page in read_pdf(pdf).pages:
        body = sorted((ln for ln in page.body_lines if abs(ln.size - 16) < 0.5 and ln.x0 < TEXT_LEFT + 1),
                      key=lambda ln: ln.top)
        for line, following in zip(body, body[1:]):
            if 0 < following.top - line.top < 11 * MM and abs(following.x0 - TEXT_LEFT) < 1:  # goes on
                assert abs(line.x1 - TEXT_RIGHT) < edge, (page.number, line.text)
                if not any(c.isascii() for c in line.text.replace(" ", "")):
                    lengths.append(len(line.text.replace(" ", "")))
    return lengths


def test_body_lines_hold_28_characters_and_end_at_the_text_blocks_edge(summary_samples):
    """§5.2.3: 28 characters a line; justified, a line that goes on to the next ends exactly at
    the text block's right edge, Chinese lines included (spread between characters). A line
    gives a character to the next where that one may not start a line (，。、）…): 27 then."""
    lengths = full_line_lengths(summary_samples / "shuozhou-edz-2024" / "summary-report.pdf")
    assert len(lengths) > 60 and set(lengths) <= {27, 28} and lengths.count(28) > 0.8 * len(lengths), lengths

