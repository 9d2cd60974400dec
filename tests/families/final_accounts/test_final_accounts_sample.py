"""The seed's department (samples/shangdang-gov-office-2023): published figures, the seed's errors."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn

from helpers import Family, Format, render
from docgen.input import load_dataset
from docgen.rules import format_amount

from conftest import (SAMPLES, assert_every_glyph_drawn, docx_tables_wider_than_text, docx_text,
                      glyphs_across_rules, glyphs_outside_text_block, pdf_text, squash)

SAMPLE = SAMPLES / "shangdang-gov-office-2023"
DATA = load_dataset([SAMPLE])


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("final")
    report = render(Family.FINAL_ACCOUNTS, [SAMPLE], folder, Format.ALL, allow_errors=True)
    assert len(report.written) == 2
    return folder


def test_validation_reports_the_seeds_inconsistencies():
    errors = {(d.path, d.file.rsplit("/", 1)[-1]) for d in DATA.diagnostics.errors}
    assert errors == {
        ("self_evaluations[0].indicators", "self-evaluations.yaml"),  # weights add to 90
        ("self_evaluations[0].printed_total", "self-evaluations.yaml"),  # prints 96.54, lines add to 86.54
        ("self_evaluations[0].printed_grade", "self-evaluations.yaml"),
        ("self_evaluations[2].indicators", "self-evaluations.yaml"),
        ("self_evaluations[2].printed_total", "self-evaluations.yaml"),
        ("self_evaluations[8].indicators", "self-evaluations.yaml"),
        ("self_evaluations[8].printed_total", "self-evaluations.yaml"),
        ("self_evaluations[8].printed_grade", "self-evaluations.yaml"),
        ("self_evaluations[11].indicators", "self-evaluations.yaml"),
        ("self_evaluations[11].printed_total", "self-evaluations.yaml"),
        ("self_evaluations[11].printed_grade", "self-evaluations.yaml"),
        ("explanations.performance.printed.excellent", "explanations.yaml"),  # says 11 优, forms give 8
        ("explanations.performance.printed.good", "explanations.yaml"),
    }
    first = next(d for d in DATA.diagnostics.errors if d.path == "self_evaluations[0].printed_total")
    assert first.line and "填报96.54，计算为86.54" in first.message
    warnings = {d.path for d in DATA.diagnostics.warnings}
    assert {"accounts.printed_totals.expenditure.basic",  # 622.19 printed, rows give 622.18
            "accounts.economic", "accounts.economic[0].amount", "accounts.economic_printed.personnel",
            "explanations.annual_budget.general_budget_total"} <= warnings


def test_rendering_without_allow_errors_is_refused(tmp_path):
    report = render(Family.FINAL_ACCOUNTS, [SAMPLE], tmp_path, Format.DOCX)
    assert report.diagnostics.errors and not report.written


PUBLISHED = [
    "一般公共服务支出(类)1,098.45万元，占比66.38%",
    "社会保障和就业支出(类)203.20万元，占比12.28%",
    "卫生健康支出(类)22.99万元，占比1.39%",
    "城乡社区支出(类)284.40万元，占比17.19%",
    "住房保障支出(类)45.74万元，占比2.76%",
    "项目支出1,032.60万元，占比62.40%",
    "占比37.60%",
    "完成年初预算的125.97%",
    "较2022年决算1,035.60万元增加62.85万元，增长6.07%",
    "较2022年决算47.26万元减少1.52万元，下降3.22%",
    "2023年机关运行经费支出49.25万元，比2022年增加8.54万元，增长20.98%",
    "涉及二级项目12个，资金730.36万元，占项目支出总额的70.73%",
    # typed in explanations.yaml as published (the forms' computed grades give 8/3/0/1: an error)
    "11个项目自评等级为“优”，0个项目自评等级为“良”，0个项目自评等级为“中”，1个项目自评等级为“差”",
]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_explanations_show_the_published_figures(out, fmt):
    path = out / f"final-accounts.{fmt}"
    text = docx_text(path) if fmt == "docx" else pdf_text(path)
    for sentence in PUBLISHED:
        assert squash(sentence) in text, sentence


def test_every_table_figure_in_the_pdf(out):
    text = pdf_text(out / "final-accounts.pdf")
    accounts = DATA.accounts
    for line in accounts.functions:
        for block in ("income", "expenditure", "general_budget"):
            columns = getattr(line, block)
            if columns is None:
                continue
            values = [getattr(columns, name) for name in type(columns).model_fields]
            figures = "".join(format_amount(v) for v in values if v)
            assert squash(f"{line.code}{line.name}") in text
            assert figures in text, (line.code, block)
    for line in accounts.economic:
        if line.amount is not None and len(line.code) == 5:
            assert squash(f"{line.code}{line.name}{format_amount(line.amount)}") in text, line.code
    for key in ("公开07表", "公开08表", "公开09表"):
        assert key in text
    assert text.count("本表无数据") >= 3


def form_tables(doc) -> list[list]:
    """Each 自评表's tables (the top part, the 绩效指标 part, the 项目绩效分析 part), in order."""
    forms: list[list] = []
    for table in doc.tables:
        if table.rows and table.rows[0].cells[0].text == "项目名称":
            forms.append([])
        if forms:
            forms[-1].append(table)
    return forms


def test_self_evaluation_forms_read_back_from_docx(out):
    doc = Document(str(out / "final-accounts.docx"))
    forms = form_tables(doc)
    assert len(forms) == 12 and all(len(tables) == 3 for tables in forms)
    assert all("三级指标" in tables[1]._tbl.xml for tables in forms)
    first = forms[0][1]
    texts = ["".join(t.text or "" for t in tr.iter(qn("w:t"))) for tab in forms[0] for tr in tab._tbl.tr_lst]
    assert any("总分96.54优" in t for t in texts)  # as published; its lines add to 86.54 (an error)
    assert any("39.58610.91478.397.84" in t for t in texts)
    # the 绩效指标 part's header row repeats on the next page (a table's first row, w:tblHeader)
    header = first._tbl.tr_lst[0]
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
    assert "".join(t.text or "" for t in header.iter(qn("w:t"))).startswith("绩效指标一级指标二级指标三级指标")
    # the 一级指标 column merges over each group of the form's 16 indicators
    rows = [tr for tr in first._tbl.tr_lst if len(tr.tc_lst) == 10][1:]
    level1 = []
    for tr in rows:
        tc = tr.tc_lst[1]
        merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        if merge is not None:
            level1.append((merge.get(qn("w:val")) or "continue", "".join(t.text or "" for t in tc.iter(qn("w:t")))))
    starts = [text for kind, text in level1 if kind == "restart"]
    assert starts[:3] == ["产出指标", "效益指标", "满意度指标"]
    assert sum(1 for kind, _ in level1 if kind == "continue") == 16 - len(starts)


def test_every_character_has_its_glyph(out):
    assert_every_glyph_drawn(out / "final-accounts.pdf")


def test_the_docx_contents_lists_every_entry_of_the_pdf_contents_with_its_page(out):
    """Issue 14, defect 8: the DOCX 目录 is no placeholder. Every entry of the PDF's 目录 (its
    links) is a line of the DOCX 目录 whose page is a PAGEREF field to a bookmark on the entry's
    heading (LibreOffice computes it from its own pages, Word on opening)."""
    import re
    import zipfile

    from pypdf import PdfReader

    reader = PdfReader(str(out / "final-accounts.pdf"))
    contents_page = next(p for p in reader.pages if "目　录" in p.extract_text() or "目 录" in p.extract_text())
    pdf_entries = [re.sub(r"[.\s\d]+$", "", line.strip()) for line in contents_page.extract_text().splitlines()
                   if "部分" in line or re.match(r"\s*[一二三四五六七八九十]+、", line)]
    doc = Document(str(out / "final-accounts.docx"))
    lines = [p for p in doc.paragraphs if p.style.name in ("Contents Part", "Contents Item") and p.text.strip()]
    assert [p.text.rstrip("\t") for p in lines] == pdf_entries and len(lines) == 27
    xml = zipfile.ZipFile(out / "final-accounts.docx").read("word/document.xml").decode()
    marks = set(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', xml))
    for p in lines:
        [target] = re.findall(r"PAGEREF (\S+) \\h", p._p.xml)
        assert target in marks, target
    assert "更新域" not in xml and "F9" not in xml


ENTERED_TOTALS = [
    "合计1,654.78622.191,032.60201一般公共服务支出",  # 公开03表 and 公开05表: 基本支出 as published
    "301工资福利支出544.94",  # 公开06表: the 类 line as published (its 款 lines add to 544.92)
    "人员经费合计572.93公用经费合计49.25",  # as published (301 + 303 as printed give 572.94)
    "基本支出622.19万元，占比37.60%",  # 三、支出决算情况说明
    "财政拨款基本支出622.19万元，其中：人员经费572.93万元",  # 六、基本支出决算情况说明
]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_entered_totals_are_printed_as_entered(out, fmt):
    """A figure the department typed is the published one: both documents print it, never the
    sum that docgen computes; the difference stays a warning (issue 14, defect 6)."""
    path = out / f"final-accounts.{fmt}"
    text = docx_text(path) if fmt == "docx" else pdf_text(path)
    for figure in ENTERED_TOTALS:
        assert squash(figure) in text, figure
    assert text.count(squash("合计1,654.78622.191,032.60")) == 2  # 公开03表 and 公开05表
    for computed in ("622.18", "544.92", "572.92"):
        assert computed not in text, computed


def test_entered_totals_keep_their_warnings():
    warnings = {d.path: d.message for d in DATA.diagnostics.warnings}
    assert "填报622.19，计算为622.18，相差0.01（尾数误差）" in warnings["accounts.printed_totals.expenditure.basic"]
    assert "填报622.19，计算为622.18，相差0.01（尾数误差）" in warnings["accounts.printed_totals.general_budget.basic"]
    assert "填报544.94，计算为544.92，相差0.02（尾数误差）" in warnings["accounts.economic[0].amount"]
    # the 人员经费 line is checked against the 类 lines it sums, as printed: 544.94 + 28.00
    assert "填报572.93，计算为572.94，相差0.01（尾数误差）" in warnings["accounts.economic_printed.personnel"]
    # 公开06表 as printed against 公开05表 as printed: 572.93 + 49.25 = 622.18 against 622.19
    assert "622.18与公开05表基本支出622.19不一致，相差0.01（尾数误差）" in warnings["accounts.economic"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_entered_form_and_performance_figures_are_printed(out, fmt):
    """The 自评表's typed 总分 and 等级 and the typed counts of 预算绩效管理工作开展情况 are the
    published ones too: printed as typed, their differences from the computed ones stay errors."""
    path = out / f"final-accounts.{fmt}"
    text = docx_text(path) if fmt == "docx" else pdf_text(path)
    assert "总分96.54优" in text and "总分86.54" not in text  # 区政府办业务费: lines add to 86.54 (an error)
    assert squash("11个项目自评等级为“优”，0个项目自评等级为“良”，0个项目自评等级为“中”，"
                  "1个项目自评等级为“差”") in text
    errors = {d.path: d.message for d in DATA.diagnostics.errors}
    assert "填报96.54，计算为86.54" in errors["self_evaluations[0].printed_total"]
    assert "填报11，按各自评表计算为8" in errors["explanations.performance.printed.excellent"]


# --- number formats and 公开10表 row numbers (issue 14, defect 13)


def form_cells(out) -> list[list[list[str]]]:
    """Every 自评表 of the DOCX as rows of cell texts (python-docx: a merged cell repeats)."""
    doc = Document(str(out / "final-accounts.docx"))
    return [[[c.text for c in row.cells] for t in tables for row in t.rows] for tables in form_tables(doc)]


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def test_self_evaluation_prints_one_format_per_kind_of_figure(out):
    """万元 amounts share one precision in a form (two decimals, more where a typed amount has
    more: 39.586 is not rounded away), 执行率 and every point figure (分值, 得分, 总分) two decimals."""
    forms = form_cells(out)
    first, second, fourth = forms[0], forms[1], forms[3]
    funding = [r for r in first if r[1] in ("资金总额：", "市县区财政资金")]
    assert [r[2:9] for r in funding] == [["50.500", "50.500", "50.500", "39.586", "10.914", "78.39", "7.84"]] * 2
    total_row = next(r for r in second if r[1] == "资金总额：")
    assert total_row[2:9] == ["246.850", "246.850", "246.850", "242.905", "3.945", "98.40", "9.84"]  # typed 98.4
    total_row = next(r for r in fourth if r[1] == "资金总额：")
    assert total_row[2:9] == ["120.00", "120.00", "120.00", "120.00", "0.00", "100.00", "10.00"]  # typed 120, 0, 100, 10
    for form in forms:
        money = [c for r in form if r[1] == "资金总额：" or r[1].endswith("资金") for c in r[2:7] if c]
        assert len({decimals(c) for c in money}) == 1 and decimals(money[0]) >= 2, money
        rates_and_scores = [c for r in form if r[1] == "资金总额：" or r[1].endswith("资金") for c in r[7:9] if c]
        # the 绩效指标 column's body cells are a merge of their own, blank below the header cell
        indicators = [r for r in form if len(set(r)) > 5 and r[0] in ("", "绩效指标", "产出指标", "效益指标", "满意度指标")
                      and r[1] in ("产出指标", "效益指标", "满意度指标") and r[7] != "分值"]
        weights, scores = [r[7] for r in indicators], [r[8] for r in indicators if r[8]]
        total = next(r[8] for r in form if r[0] == "总分")
        assert weights and all(decimals(c) == 2 for c in rates_and_scores + weights + scores + [total]), \
            (rates_and_scores, weights, scores, total)
    points = [r[7:9] for r in first if r[2] == "服务对象满意度指标"]
    assert points == [["5.00", "4.00"], ["5.00", "4.70"]]  # typed 5, 4 and 5, 4.7


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_percentages_have_one_format_and_statistics_rows_follow_the_seed(out, fmt):
    import re

    path = out / f"final-accounts.{fmt}"
    text = docx_text(path) if fmt == "docx" else pdf_text(path)
    generated = re.findall(r"(?:占比|完成全年预算的|完成年初预算的|增长|下降|总额的)(\d+(?:\.\d+)?)%", text)
    assert generated and all(decimals(p) == 2 for p in generated), generated
    assert squash("完成全年预算的0.00%") in text and "完成全年预算的0%" not in text  # “三公” with no budget
    # 公开10表: the seed numbers this line 17 (16 is not printed)
    assert squash("（二）单价100万元（含）以上设备（不含车辆）17") in text


def test_self_evaluation_pages_repeat_the_indicator_header_and_keep_the_remarks(out):
    """PDF: where a 自评表's indicators continue on the next page, that page starts with the
    绩效指标 header again; the 4-line 备注 never stands alone on a page (issue 14, defect 13)."""
    from pypdf import PdfReader

    pages = [squash(p.extract_text()) for p in PdfReader(str(out / "final-accounts.pdf")).pages]
    header = "绩效指标一级指标二级指标三级指标年初指标值调整后指标值实际完成值分值得分"
    first = next(i for i, t in enumerate(pages) if t.startswith("区政府办业务费项目支出绩效自评表"))
    continued = pages[first + 1]
    assert continued.startswith(header) and "区政府办业务成本" in continued
    for text in pages:
        if "备注：1.“年初预算数”" in text:
            before = text.split("备注：1.")[0].replace("草稿", "")
            assert before and not before.startswith("—"), text[:80]  # a table row shares the page


def test_every_section_of_the_docx_prints_its_folio_inside_its_bottom_margin(out):
    """The landscape sections' footers sat 28 mm up with a 22 mm bottom margin: inside the body,
    and LibreOffice dropped their folios (docgen check over make check-docx's PDFs). The foot of
    the folio's line 9.35 mm below the text block puts its dash at 7 mm (GB/T 9704 §7.5)."""
    from docx.shared import Mm

    doc = Document(str(out / "final-accounts.docx"))
    assert len(doc.sections) > 2
    for section in doc.sections:
        assert abs(section.bottom_margin - section.footer_distance - Mm(9.35)) < Mm(0.5)


#: (left, right) margins in mm of final-accounts.css: GB/T 9704 portrait pages, landscape tables.
MARGINS = {"portrait": (28, 26), "landscape": (20, 20)}


def test_every_glyph_lies_inside_the_text_block(out):
    """公开01表 (portrait) ran 49 characters past the page edge; 06 and 07 into the margin."""
    pytest.importorskip("pdfplumber")
    outside = glyphs_outside_text_block(out / "final-accounts.pdf", MARGINS)
    assert not outside, outside[:10]


def test_docx_tables_fit_their_pages(out):
    assert not docx_tables_wider_than_text(out / "final-accounts.docx")


def test_no_glyph_crosses_a_cell_rule(out):
    """Issue 14, defect 2: 自评表 targets such as ≤2468500元 (page 30) and ≥542500次 (page 36)
    ran over their cell rules into the next cell; a token wider than its cell wraps inside it."""
    pytest.importorskip("pdfplumber")
    crossed = glyphs_across_rules(out / "final-accounts.pdf")
    assert not crossed, crossed[:10]


def test_figures_that_fit_their_cells_stay_whole(out):
    """Breaking long tokens must not break the figures: every amount of the ten tables and every
    figure of the 自评表 funding rows, 分值 and 得分 is one word on one line of the PDF."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from docgen.contexts.final_accounts import documents

    [document] = documents(DATA)
    accounts = document.context["accounts"]
    figures = {c.text for t in accounts.tables for row in t.rows for c in row if c.numeric and c.text}
    for form in accounts.forms:
        figures |= {v for row in form.funding for v in row[1:] if v}
        figures |= {v for i in form.indicators for v in (i.weight, i.score) if v}
    with pdfplumber.open(str(out / "final-accounts.pdf")) as pdf:
        words = {w["text"] for page in pdf.pages for w in page.extract_words(x_tolerance=1.5)}
    assert len(figures) > 50
    assert sorted(f for f in figures if f not in words) == []
