"""部门决算公开 on a small synthetic department: sums, identities, 自评表 checks, sentences, layout."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from helpers import Family, Format, render, stamped_pages
from docgen.contexts.final_accounts import build_final_accounts, change
from docgen.input import load_dataset
from docgen.models.accounts import SelfEvaluation
from docgen.rules.accounts import funding_figures, self_evaluation_figures

from conftest import docx_text, pdf_text, squash

DATA = Path(__file__).resolve().parents[2] / "data" / "final-accounts.yaml"


def dataset(tmp_path: Path, edit=None):
    text = DATA.read_text(encoding="utf-8")
    if edit:
        for old, new in edit:
            assert old in text, old
            text = text.replace(old, new)
    (tmp_path / "fa.yaml").write_text(text, encoding="utf-8")
    return load_dataset([tmp_path])


def messages(data) -> list[str]:
    return [str(d) for d in data.diagnostics.in_order()]


def test_valid_synthetic_department(tmp_path):
    data = dataset(tmp_path)
    assert messages(data) == []
    assert data.families == ["final-accounts"]


def test_category_and_group_lines_are_computed_and_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = dataset(tmp_path, [("- {code: \"20103\", name: 政府办公厅（室）及相关机构事务}",
                               "- {code: \"20103\", name: 政府办公厅（室）及相关机构事务, expenditure: {total: 150.52}}"),
                              ("- {code: \"201\", name: 一般公共服务支出}",
                               "- {code: \"201\", name: 一般公共服务支出, expenditure: {basic: 90.00}}")])
    assert messages(data) == [
        "fa.yaml:10: accounts.functions[0].expenditure.basic: 支出决算表（公开03表）201“基本支出”：填报90.00，计算为100.00，相差10.00",
        "fa.yaml:11: accounts.functions[1].expenditure.total: 警告: 支出决算表（公开03表）20103“本年支出合计”：填报150.52，计算为150.50，相差0.02（尾数误差）",
        # the typed 90.00 is what the table prints, so the 合计 above it and 公开01表 carry it too
        "fa.yaml:17: accounts.summary: 收入总计160.50与支出总计150.50不一致，相差10.00",
    ]


def test_code_structure_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = dataset(tmp_path, [("- {code: \"201\", name: 一般公共服务支出}", "- {code: \"2011\", name: 一般公共服务支出}")])
    assert messages(data) == [
        "fa.yaml:10: accounts.functions[0].code: 功能分类科目代码应为3、5或7位数字，实际为“2011”",
    ]
    data = dataset(tmp_path, [("    - {code: \"22102\", name: 住房改革支出}\n", ""),
                              ("name: 住房保障支出}", "name: 住房支出}")])
    assert messages(data) == [
        "fa.yaml:14: accounts.functions[4].name: 类级科目221的名称应为“住房保障支出”，实际为“住房支出”",
        "fa.yaml:15: accounts.functions[5].code: 科目2210201缺少所属款（22102）的名称行",
    ]


def test_identities_and_table_overlap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = dataset(tmp_path, [("general_budget: {basic: 10.00}}", "general_budget: {basic: 12.00}}"),
                              ("  summary:\n    income: {general_budget: 160.50}",
                               "  summary:\n    income: {general_budget: 160.50}\n    opening_balance: 5.00")])
    assert messages(data) == [
        "fa.yaml:16: accounts.functions[6].general_budget: 公开05表科目2210201“合计”12.00与公开03表10.00不一致",
        "fa.yaml:16: accounts.functions[6].general_budget: 公开05表科目2210201“基本支出”12.00与公开03表10.00不一致",
        "fa.yaml:17: accounts.summary: 收入总计165.50与支出总计160.50不一致，相差5.00",
        "fa.yaml:20: accounts.fiscal_summary: 财政拨款收入总计160.50与财政拨款支出总计162.50不一致，相差2.00",
        "fa.yaml:22: accounts.economic: 公开06表人员经费与公用经费之和110.00与公开05表基本支出112.00不一致，相差2.00",
    ]


def form(**changes) -> SelfEvaluation:
    base = dict(project="甲", year=2023, department="001-单位", budget_unit="001001-单位",
                funding=[{"source": "市县区财政资金", "annual_budget": "50.5", "executed": "39.586"}],
                indicators=[{"level1": "产出指标", "level2": "数量指标", "name": "次数", "weight": 90, "score": "78.7"}])
    base.update(changes)
    return SelfEvaluation.model_validate(base)


def test_self_evaluation_arithmetic():
    row = funding_figures("x", None, None, D("50.5"), D("39.586"), D(10))
    assert (row.balance, row.rate, row.score) == (D("10.914"), D("78.39"), D("7.84"))
    full = funding_figures("x", None, None, D("6"), D("6"), D(10))
    assert (full.rate, full.score) == (D("100.00"), D("10.00"))
    over = funding_figures("x", None, None, D("6"), D("7"), D(10))
    assert over.score == D("10.00")  # capped at 分值
    none = funding_figures("x", None, None, D("4.8"), D("0"), D(10))
    assert (none.balance, none.rate, none.score) == (D("4.8"), D("0.00"), D("0.00"))
    figures = self_evaluation_figures(form())
    assert figures.total_score == D("86.54") and figures.grade.value == "良"


def test_self_evaluation_checks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = dataset(tmp_path, [("weight: 40, score: 40}", "weight: 40, score: 30}"),
                              ("weight: 10, score: 10}", "weight: 10, score: 11}"),
                              ("weight: 30, score: 30}", "weight: 25, score: 25}"),
                              ("rate: 78.39, score: 7.84", "rate: 78.40, score: 7.84")])
    assert messages(data) == [
        "fa.yaml:40: self_evaluations[0].funding[0].rate: 警告: 《测试业务费》市县区财政资金执行率：填报78.40，计算为78.39，相差0.01（尾数误差）",
        "fa.yaml:43: self_evaluations[0].indicators: 《测试业务费》分值合计应为100（预算执行率10＋各指标），实际为95",
        "fa.yaml:45: self_evaluations[0].indicators[1].score: 《测试业务费》指标“会议次数”得分11超过分值10",
        "fa.yaml:48: self_evaluations[0].printed_total: 《测试业务费》总分（预算执行率得分＋各指标得分）：填报96.54，计算为82.54，相差14.00",
        "fa.yaml:49: self_evaluations[0].printed_grade: 《测试业务费》等级填报为“优”，按计算的总分82.54应为“良”",
    ]


def test_change_phrases():
    assert change(D("1654.78"), D("1154.78"), "收入总计") == "收入总计增加500.00万元，增长43.30%"
    assert change(D("45.74"), D("47.26")) == "减少1.52万元，下降3.22%"
    assert change(D("284.40"), D("0")) == "增加284.40万元"
    assert change(D("10"), D("10"), "支出") == "支出与上年持平"
    assert change(D("10"), None) == ""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fa")
    (folder / "fa.yaml").write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    report = render(Family.FINAL_ACCOUNTS, [folder], folder / "out", Format.ALL)
    assert not report.diagnostics.errors
    return folder / "out"


def test_generated_sentences_in_both_formats(rendered):
    for text in (docx_text(rendered / "final-accounts.docx"), pdf_text(rendered / "final-accounts.pdf")):
        assert squash("2023年度收入总计160.50万元，支出总计160.50万元。与上年相比，收入总计增加60.50万元，增长60.50%，"
                      "支出总计增加60.50万元，增长60.50%。主要原因是项目增加。") in text
        assert squash("一般公共服务支出(类)150.50万元，占比93.77%；") in text
        assert squash("住房保障支出(类)10.00万元，占比6.23%。") in text
        assert squash("基本支出110.00万元，占比68.54%；") in text
        assert squash("一般公共服务支出年初预算140.00万元，支出决算150.50万元，完成年初预算的107.50%，用于日常办公，"
                      "较2022年决算90.00万元增加60.50万元，增长67.22%，主要原因是项目增加") in text
        assert "本表无数据" in text
        assert squash("涉及二级项目1个，资金39.59万元，占项目支出总额的78.39%") in text


def test_table_figures_in_pdf(rendered):
    text = pdf_text(rendered / "final-accounts.pdf")
    for row in ["2010301行政运行100.00100.00", "2010302一般行政管理事务50.5050.50", "合计160.50160.50",
                "201一般公共服务支出150.50100.0050.50", "30101基本工资90.00", "人员经费合计100.00"]:
        assert row in text, row


def test_self_evaluation_merges_read_back_from_docx(rendered):
    doc = Document(str(rendered / "final-accounts.docx"))
    form_table = next(t for t in doc.tables if "绩效指标" in t._tbl.xml and "三级指标" in t._tbl.xml)
    rows = form_table._tbl.tr_lst
    indicator_rows = [tr for tr in rows if any("次数" in "".join(t.text or "" for t in tc.iter(qn("w:t"))) or
                                                "正常运转" in "".join(t.text or "" for t in tc.iter(qn("w:t"))) or
                                                "满意度" == "".join(t.text or "" for t in tc.iter(qn("w:t")))
                                                for tc in tr.tc_lst)]
    assert len(indicator_rows) == 4

    def merge(tr, col):
        tc = tr.tc_lst[col]
        el = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        return None if el is None else (el.get(qn("w:val")) or "continue")  # no val means continue

    assert [merge(tr, 1) for tr in indicator_rows] == ["restart", "continue", "restart", "restart"]
    assert [merge(tr, 2) for tr in indicator_rows] == ["restart", "continue", "restart", "restart"]
    # the 绩效指标 column: a merge of the body rows, not begun in the (repeated) header row
    assert [merge(tr, 0) for tr in indicator_rows] == ["restart", "continue", "continue", "continue"]
    text = docx_text(rendered / "final-accounts.docx")
    assert "总分96.54优" in text and "39.58610.91478.397.84" in text


def test_fonts_and_landscape_sections(rendered):
    doc = Document(str(rendered / "final-accounts.docx"))
    orientations = [s.page_width > s.page_height for s in doc.sections]
    assert True in orientations and False in orientations
    with zipfile.ZipFile(rendered / "final-accounts.docx") as z:
        assert 'w:eastAsia="仿宋_GB2312"' in z.read("word/styles.xml").decode()


def test_errors_refuse_rendering_unless_drafted(tmp_path):
    (tmp_path / "fa.yaml").write_text(DATA.read_text(encoding="utf-8").replace("score: 8.7", "score: 9.7"),
                                      encoding="utf-8")
    refused = render(Family.FINAL_ACCOUNTS, [tmp_path], tmp_path / "out", Format.DOCX)
    assert refused.diagnostics.errors and not refused.written
    drafted = render(Family.FINAL_ACCOUNTS, [tmp_path], tmp_path / "out", Format.ALL, allow_errors=True)
    assert len(drafted.written) == 2
    header = Document(str(tmp_path / "out" / "final-accounts.docx")).sections[0].header
    assert "草稿" in "".join(p.text for p in header.paragraphs)
    assert all(stamped_pages(tmp_path / "out" / "final-accounts.pdf"))


def test_unreadable_data_is_never_drafted(tmp_path):
    (tmp_path / "fa.yaml").write_text(DATA.read_text(encoding="utf-8").replace("year: 2023\n  duties", "yaer: 2023\n  duties"),
                                      encoding="utf-8")
    report = render(Family.FINAL_ACCOUNTS, [tmp_path], tmp_path / "out", Format.DOCX, allow_errors=True)
    assert report.diagnostics.errors and not report.written


def test_lines_that_cannot_be_negative_are_errors_and_the_others_may_be(tmp_path, monkeypatch):
    """Income, 合计, procurement, 机关运行经费, budgets and counts cannot be below zero; a 支出
    line reduced by money recovered from earlier years (冲减) and a 结转和结余 may."""
    monkeypatch.chdir(tmp_path)
    data = dataset(tmp_path, [
        ("income: {fiscal: 50.50}", "income: {fiscal: -50.50}"),
        ("procurement: {goods: 4.16}", "procurement: {goods: -4.16}\n    vehicles: {other: -1}"),
        ("operating_costs: {administrative: 10.00}", "operating_costs: {administrative: \"-10.00\"}"),
        ("declared: 50.5,", "declared: -50.5,"),
    ])
    assert messages(data) == [
        "fa.yaml:13: accounts.functions[3].income.fiscal: 金额不能为负数，实际为-50.50",
        "fa.yaml:29: accounts.statistics.procurement.goods: 金额不能为负数，实际为-4.16",
        "fa.yaml:30: accounts.statistics.vehicles.other: 数量不能为负数，实际为-1",
        "fa.yaml:31: accounts.statistics.operating_costs.administrative: 金额不能为负数，实际为-10.00",
        "fa.yaml:41: self_evaluations[0].funding[0].declared: 金额不能为负数，实际为-50.5",
    ]
    allowed = dataset(tmp_path, [("  summary:\n    income: {general_budget: 160.50}",
                                  "  summary:\n    income: {general_budget: 160.50}\n    closing_balance: -5.00\n"
                                  "    opening_balance: -5.00")])
    assert [m for m in messages(allowed) if "负数" in m] == []
