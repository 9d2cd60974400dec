"""预算执行 (issue 15, item 3): 预算数, 执行数 and 预算执行率 of the projects — the loader's check of
an entered rate (file, line, field) and ``{预算数}``, ``{执行数}``, ``{预算执行率}`` in the
narratives, rendered into the results summary's DOCX and PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.contexts.summary_report import build_summary_report
from docgen.input import load_dataset

from helpers import Family, Format, render
from summary_batch import write_batch

from conftest import docx_text, needs_poppler, pdftotext, squash

SUMMARY = """results_summary:
  title: 测试县2023年重点绩效评价情况说明
  paragraphs:
    - "确定重点项目绩效评价{评价数}个，涉及金额{总金额}万元，预算数{预算数}万元，执行数{执行数}万元，预算执行率{预算执行率}。"
  attachment_title: 测试县2023年重点绩效评价项目结果汇总表
"""

#: 200万元 + 100万元 budgeted, 180.58万元 + 95万元 executed: 275.58 / 300 = 91.86%.
PROJECTS = """projects:
  - name: 测试项目甲
    score: 91.5
    expenditure: 180.58万元
    budget: 200万元
    executed: 180.58万元
    execution_rate: 90.29%
  - name: 测试项目乙
    score: 85
    expenditure: 95万元
    budget: 1000000元
    executed: 950000元
    execution_rate: {rate}
"""


def write(folder: Path, rate: str = '"95%"', summary: str = SUMMARY, projects: str = PROJECTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.yaml").write_text(summary, encoding="utf-8")
    (folder / "projects.yaml").write_text(projects.replace("{rate}", rate), encoding="utf-8")
    return folder


def test_a_wrong_rate_is_an_error_at_its_file_line_and_field(tmp_path):
    folder = write(tmp_path / "data", rate="95.3%")  # 950000 / 1000000 = 95%
    data = load_dataset([folder])
    (error,) = data.diagnostics.errors
    assert str(error) == (f"{folder / 'projects.yaml'}:13: projects[1].execution_rate: 预算执行率95.3%与"
                          "执行数950000元÷预算数1000000元=95.00%不符：按所写精度（1位小数）四舍五入应为95.0%，"
                          "相差超过0.05个百分点")
    assert data.diagnostics.warnings == []


@pytest.mark.parametrize("rate, executed", [
    ('"95.0%"', "949500元"),     # 94.95: the lowest quotient that is 95.0 half up
    ('"95.0%"', "950499.99元"),  # 95.049999
    ("95", "945000元"),          # 94.5 → 95
    ("95.29", "952850元"),       # 95.285 → 95.29
])
def test_a_rate_at_the_edge_of_its_precision_passes(tmp_path, rate, executed):
    projects = PROJECTS.replace("executed: 950000元", f"executed: {executed}")
    data = load_dataset([write(tmp_path / "data", rate=rate, projects=projects)])
    assert [str(d) for d in data.diagnostics] == []


def test_executed_without_budget_is_a_warning_at_its_line(tmp_path):
    projects = PROJECTS.replace("    budget: 1000000元\n", "").replace("    execution_rate: {rate}\n", "")
    data = load_dataset([write(tmp_path / "data", projects=projects)])
    assert data.diagnostics.errors == []
    messages = [str(d) for d in data.diagnostics.in_order()]
    assert messages[0] == (f"{tmp_path / 'data' / 'projects.yaml'}:11: projects[1].executed: 警告: "
                           "填写了执行数950000元，但没有预算数（budget），无法计算预算执行率；"
                           "该项目不计入{预算数}、{执行数}和{预算执行率}")
    # the narrative quotes sums that now count one project of two
    assert messages[1].startswith(f"{tmp_path / 'data' / 'summary.yaml'}:4: results_summary.paragraphs[0]: 警告: "
                                  "{预算数}、{执行数}、{预算执行率}只按同时填写预算数和执行数的1个评价对象计算（共2个）")


def test_quoting_the_rate_when_no_project_has_a_budget_is_an_error(tmp_path):
    folder = tmp_path
    write_batch(folder)  # 36 projects, none with 预算数 or 执行数
    batch = folder / "batch.yaml"
    text = batch.read_text(encoding="utf-8")
    batch.write_text(text.replace("评价等级为“差”的{差数}个。", "评价等级为“差”的{差数}个，预算执行率{预算执行率}。", 1),
                     encoding="utf-8")
    data = load_dataset([folder])
    (error,) = data.diagnostics.errors
    assert (error.file, error.line, error.path) == (str(batch), 21, "results_summary.paragraphs[0]")
    assert error.message == ("正文引用了{预算执行率}，但没有评价对象同时填写预算数（budget）和执行数（executed），"
                             "无法计算；请在评价对象中填写这两项，或删去{预算执行率}")


SENTENCE = "确定重点项目绩效评价2个，涉及金额275.58万元，预算数300.00万元，执行数275.58万元，预算执行率91.86%。"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("execution") / "data")
    out = folder.parent / "out"
    report = render(Family.RESULTS_SUMMARY, [folder], out, Format.ALL)
    assert [str(d) for d in report.diagnostics] == []
    return out


def test_the_placeholders_in_the_results_summary_docx(rendered):
    assert SENTENCE in docx_text(rendered / "results-summary.docx")


@needs_poppler
def test_the_placeholders_in_the_results_summary_pdf(rendered):
    assert squash(SENTENCE) in pdftotext(rendered / "results-summary.pdf")


def test_the_report_narrative_quotes_them_too(tmp_path):
    folder = tmp_path
    write_batch(folder)
    batch = folder / "batch.yaml"
    text = batch.read_text(encoding="utf-8")
    text = text.replace('paragraphs: ["{等级分布}。"]', 'paragraphs: ["{等级分布}。预算执行率{预算执行率}。"]', 1)
    text = text.replace('    score: 97.50\n', '    score: 97.50\n    budget: 800元\n    executed: 721元\n', 1)
    batch.write_text(text, encoding="utf-8")
    data = load_dataset([folder])
    assert [d.message for d in data.diagnostics.errors] == []
    (warning,) = data.diagnostics.warnings  # the rate counts 1 project of 36
    assert warning.path == "report.sections[1].paragraphs[0]" and "1个评价对象计算（共36个）" in warning.message
    report = build_summary_report(data.report, [p.project for p in data.projects], data.grade_bands)
    (paragraph,) = report.sections_before_table[1].paragraphs
    assert paragraph.endswith("。预算执行率90.13%。")  # 721 / 800 = 90.125, half up


def test_a_misspelt_name_offers_the_budget_placeholders_when_they_can_be_computed(tmp_path):
    summary = SUMMARY.replace("预算执行率{预算执行率}", "预算执行率{执行率}")
    (error,) = load_dataset([write(tmp_path / "data", summary=summary)]).diagnostics.errors
    assert error.message.startswith("未知的占位符“{执行率}”；可用：")
    assert error.message.endswith("{总金额}、{金额}、{预算数}、{执行数}、{预算执行率}")
