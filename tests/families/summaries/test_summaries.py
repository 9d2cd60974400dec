"""The three summary families rendered from a synthetic batch (tests may make up data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from helpers import Family, Format, render
from docgen.contexts.results_summary import build_results_summary
from docgen.input import load_dataset
from docgen.render import PdfRenderer

from conftest import docx_text, pdf_text, squash

HEADER = """report:
  issuer_mark: 测试区财政局文件
  document_number: {prefix: 测财预绩, year: 2024, serial: 5}
  title: 测试区关于2024年度{评价数}个项目重点绩效评价情况的报告
  addressee: 测试区管委会
  preamble: ["现将评价结果报告如下："]
  sections:
    - heading: 评价方式
      paragraphs: ["本次评价采取第三方机构独立评价的方式。"]
    - heading: 评价结果
      paragraphs: ["{等级分布}。"]
    - heading: 工作建议
      subsections:
        - heading: 加强管理
          paragraphs: ["一是加强。"]
  score_table: {title: "2024年度{评价数}个项目得分表", after_section: 2}
  signature: 测试区财政局
  date: 2024-12-31
results_summary:
  title: 测试县2023年重点绩效评价情况说明
  paragraphs: ["确定重点项目绩效评价{评价数}个，涉及金额{总金额}万元，评价等级为“优”的{优数}个，评价等级为“良”的{良数}个，评价等级为“中”的{中数}个。"]
  attachment_title: 测试县2023年重点绩效评价项目结果汇总表
  published_total: "{total}万元"
detail_table: {title: 2022年度财政支出重点绩效评价项目明细表, unit: 元}
projects:
"""

# (score, amount in 万元, agency): a 30-row group of one agency that must cross a page.
ROWS = (
    [("97.50", "1200.10", "甲评价公司"), ("94.00", "13954.79", ""), ("97.50", "10.01", "乙会计师事务所")]
    + [("85.00", f"{100 + i}.11", "丙咨询有限公司" if i == 0 else "") for i in range(30)]
    + [("72.30", "55.55", "甲评价公司"), ("59.99", "0.99", "乙会计师事务所"), ("80.00", "3.00", "甲评价公司")]
)


def write_batch(folder: Path, total: str | None = None) -> None:
    from decimal import Decimal

    total = total or str(sum(Decimal(a) for _, a, _ in ROWS))
    lines = [HEADER.replace("{total}", total)]
    for i, (score, amount, agency) in enumerate(ROWS, start=1):
        lines.append(
            f'  - name: "测试项目{i:02d}号"\n    department: "单位{i % 4}"\n    score: {score}\n'
            f'    expenditure: "{amount}万元"\n    agency: "{agency}"\n'
            f'    implementation: ["实施情况{i}第一段。", "第二段{i}。"]\n'
            f'    problems: ["问题{i}甲。", "问题{i}乙。"]\n    suggestions: ["建议{i}。"]\n'
        )
    (folder / "batch.yaml").write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    write_batch(folder)
    out = folder / "out"
    for family in (Family.SUMMARY_REPORT, Family.RESULTS_SUMMARY, Family.DETAIL_TABLE):
        report = render(family, [folder], out, Format.ALL)
        assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return folder, out


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


def test_header_rows_repeat(batch):
    _, out = batch
    for name in ("summary-report", "results-summary", "detail-table"):
        for table in Document(str(out / f"{name}.docx")).tables:
            tr_pr = table.rows[0]._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None, name
    pages = PdfReader(str(out / "results-summary.pdf")).pages
    attachment_pages = [p.extract_text() for p in pages if "测试项目" in p.extract_text()]
    assert len(attachment_pages) >= 2
    assert all("二级项目名称" in t for t in attachment_pages)


def agency_cells(docx_path: Path) -> list[tuple[str | None, str]]:
    """(vMerge value, text) of the 评价机构 cell of every body row, read from the XML."""
    table = Document(str(docx_path)).tables[0]
    out = []
    for tr in table._tbl.tr_lst[1:]:
        tc = tr.tc_lst[-1]
        merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        value = None if merge is None else (merge.get(qn("w:val")) or "continue")
        out.append((value, "".join(t.text for t in tc.iter(qn("w:t")))))
    return out


def test_results_summary_merges_agency_cells_from_the_data(batch):
    folder, out = batch
    data = load_dataset([folder])
    doc = build_results_summary(data.results_summary, [p.project for p in data.projects], data.grade_bands)
    rows = doc.rows
    # grade groups first (优 → 良 → 中 → 差), agencies consecutive inside a grade
    assert [r.grade for r in rows] == ["优"] * 3 + ["良"] * 31 + ["中", "差"]
    assert [(r.agency, r.agency_span) for r in rows[:3]] == [
        ("甲评价公司", 2), ("甲评价公司", 0), ("乙会计师事务所", 1)]
    assert rows[3].agency == "丙咨询有限公司" and rows[3].agency_span == 30
    assert [r.agency_span for r in rows[4:33]] == [0] * 29
    assert (rows[33].agency, rows[33].agency_span) == ("甲评价公司", 1)  # 良, not merged with 优's 甲
    cells = agency_cells(out / "results-summary.docx")[:-1]  # last row is 合计
    assert [m for m, _ in cells] == ["restart" if r.agency_span else "continue" for r in rows]
    assert [t for _, t in cells] == [r.agency if r.agency_span else "" for r in rows]


def test_merged_group_crosses_a_page_in_the_pdf(batch):
    folder, out = batch
    data = load_dataset([folder])
    context = {"summary": build_results_summary(data.results_summary, [p.project for p in data.projects])}
    html = PdfRenderer().html("results-summary", context)
    assert html.count('rowspan="30"') == 1 and html.count('rowspan="2"') == 1
    pages = [p.extract_text() for p in PdfReader(str(out / "results-summary.pdf")).pages]
    holding = [i for i, t in enumerate(pages) if "测试项目04号" in t or "测试项目33号" in t]
    assert len(set(holding)) == 2, "the 30-row group should start and end on different pages"
    assert sum(squash(t).count("丙咨询有限公司") for t in pages) == 1


def test_results_summary_totals_and_sentences(batch):
    _, out = batch
    for text in (docx_text(out / "results-summary.docx"), pdf_text(out / "results-summary.pdf")):
        assert "合计18,662.74" in text
        assert ("确定重点项目绩效评价36个，涉及金额18662.74万元，评价等级为“优”的3个，"
                "评价等级为“良”的31个，评价等级为“中”的1个。") in text
        assert "附件：测试县2023年重点绩效评价项目结果汇总表" in text
        assert "13,954.79" in text


@pytest.mark.parametrize("total, severity", [("18662.76", "警告"), ("18662.00", None)])
def test_published_total_is_checked(tmp_path, total, severity):
    write_batch(tmp_path, total)
    messages = [str(d) for d in load_dataset([tmp_path]).diagnostics.in_order()]
    (message,) = messages
    assert message.startswith(f"{tmp_path / 'batch.yaml'}:23: results_summary.published_total: ")
    if severity:
        assert "警告" in message and "尾数误差范围内（36行×0.01）" in message
    else:
        assert "警告" not in message and "超出尾数误差（36行×0.01=0.36）" in message


def test_detail_table_cells(batch):
    _, out = batch
    table = Document(str(out / "detail-table.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "单位名称", "项目名称", "项目实施单位", "项目实施情况", "评价结果", "项目存在的问题", "建议和改进措施", "备注"]
    first = table.rows[1].cells
    assert [p.text for p in first[4].paragraphs] == ["实施情况1第一段。", "第二段1。"]
    assert [p.text for p in first[6].paragraphs] == ["（一）问题1甲。", "（二）问题1乙。"]
    assert first[5].text == "97.50"
    section = Document(str(out / "detail-table.docx")).sections[0]
    assert section.page_width > section.page_height  # landscape
    text = pdf_text(out / "detail-table.pdf")
    for i in range(1, len(ROWS) + 1):
        assert f"测试项目{i:02d}号" in text and f"（二）问题{i}乙。" in text


def test_unknown_placeholder_is_an_error_with_its_line(tmp_path):
    write_batch(tmp_path)
    path = tmp_path / "batch.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{评价数}个项目重点", "{项目个数}个项目重点"), encoding="utf-8")
    messages = [str(d) for d in load_dataset([tmp_path]).diagnostics.in_order()]
    assert messages == [f"{path}:4: report.title: 未知的占位符“{{项目个数}}”；"
                        "可用：{评价数}、{优数}、{良数}、{中数}、{差数}、{等级分布}、{总金额}"]


def test_result_text_is_interpreted_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(
        "detail_table: {title: 表}\nprojects:\n  - name: 甲\n    result_note: 绩效评价得分89.51分。评级为“良”。\n"
        "  - name: 乙\n    grade: 良好\n  - name: 丙\n    result_note: 未实施\n", encoding="utf-8")
    data = load_dataset([tmp_path])
    assert [str(d) for d in data.diagnostics.in_order()] == [
        "t.yaml:4: projects[0].result_note: 警告: 从评价结果文字中识别出得分89.51、等级“良”",
        "t.yaml:6: projects[1].grade: 警告: 评价等级“良好”按“良”处理",
    ]
    from docgen.contexts.detail_table import build_detail_table

    rows = build_detail_table(data.detail_table, [p.project for p in data.projects]).rows
    assert [r.result for r in rows] == ["89.51", "良", "未实施"]


def test_render_without_the_block_is_refused(tmp_path):
    (tmp_path / "t.yaml").write_text("detail_table: {title: 表}\nprojects:\n  - name: 甲\n", encoding="utf-8")
    report = render(Family.SUMMARY_REPORT, [tmp_path], tmp_path / "out", Format.ALL)
    assert [(f.what, f.cause) for f in report.result.failed] == [
        ("summary-report", "输入中没有“report”信息，无法生成；请添加含“report:”的YAML文件")]
    assert report.result.exit_code == 2 and not report.written
    assert not (tmp_path / "out").exists()
