"""The summaries' charts as document tree nodes: which (packet.yaml's charts:), where (the data
block's chart:), and every figure from the same rules as the tables and the narrative."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.contexts.charts import build_charts
from docgen.contexts.results_summary import build_results_summary
from docgen.contexts.summary_report import build_summary_report
from docgen.input import load_dataset
from docgen.models import ChartKind, EvaluatedProject, GradeBands
from docgen.models.project import UNPUBLISHED
from docgen.rules.summary import UNRATED
from summary_batch import write_batch

BOTH = (ChartKind.GRADES, ChartKind.SCORES)
EXTRA = """projects:
  - {name: 得分未公开的项目, score: 未公开, grade: 良}
  - {name: 没有评价结果的项目, result_note: 未实施}
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    write_batch(folder)
    (folder / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    loaded = load_dataset([folder])
    assert not loaded.diagnostics.errors, [str(d) for d in loaded.diagnostics.errors]
    return loaded


def _projects(data) -> list[EvaluatedProject]:
    return [p.project for p in data.projects]


def test_the_counts_are_those_of_the_table_and_the_narrative(data):
    report = build_summary_report(data.report, _projects(data), data.grade_bands, charts=BOTH)
    grades, scores = report.table.charts
    printed = [r.grade for r in report.table.rows]
    assert grades.categories == ["优", "良", "中", "差", UNRATED]
    assert grades.counts == [printed.count(g) for g in ("优", "良", "中", "差")] + [1]
    assert report.grade_line == "、".join(f"{c}{n}个" for c, n in zip(grades.categories, grades.counts) if n
                                         and c != UNRATED)  # the report's line leaves the unrated out
    assert sum(grades.counts) == report.evaluated == 38
    # the histogram counts the scores the table prints, 未公开 and no score left out and said so
    shown = [Decimal(r.score) for r in report.table.rows if r.score not in ("", UNPUBLISHED)]
    assert scores.categories == ["60分以下", "60～69.99", "70～79.99", "80～89.99", "90～100"]
    assert scores.counts == [sum(1 for s in shown if low <= s < high)
                             for low, high in ((0, 60), (60, 70), (70, 80), (80, 90), (90, 101))]
    assert scores.counts == [1, 0, 1, 31, 3]
    assert scores.note == "注：另有2个评价对象无公开的评价得分，未计入本图。"
    assert (grades.number, grades.title, scores.number, scores.title) == ("图1", "评价等级分布", "图2", "评价得分分布")
    assert grades.description == "评价等级分布：优3个、良32个、中1个、差1个、未评价1个"
    assert scores.description.startswith("评价得分分布：60分以下1个、60～69.99分0个、")


def test_the_results_summary_counts_as_its_sentence_does(data):
    summary = build_results_summary(data.results_summary, _projects(data), data.grade_bands, charts=BOTH)
    grades = summary.charts[0]
    sentence = summary.paragraphs[0]
    for grade, count in zip(grades.categories[:4], grades.counts):
        assert f"评价等级为“{grade}”的{count}个" in sentence


def test_no_charts_unless_the_packet_asks():
    assert build_charts((), [EvaluatedProject(name="甲", score="90")]) == []


def test_the_packets_order_numbers_the_figures(data):
    charts = build_charts([ChartKind.SCORES, ChartKind.GRADES], _projects(data), data.grade_bands)
    assert [(c.kind, c.number) for c in charts] == [("scores", "图1"), ("grades", "图2")]


def test_custom_grade_bands_split_the_histogram_and_regrade():
    projects = [EvaluatedProject(name=f"项目{s}", score=s) for s in ("84.99", "85", "74.99", "75")]
    grades, scores = build_charts(BOTH, projects, GradeBands(**{"优": 85, "良": 75, "中": 60}))
    assert grades.counts == [1, 2, 1, 0]
    assert dict(zip(scores.categories, scores.counts)) == {
        "60分以下": 0, "60～69.99": 0, "70～74.99": 1, "75～79.99": 1, "80～84.99": 1, "85～89.99": 1, "90～100": 0}


# --------------------------------------------------------------------------- placement


def test_report_charts_follow_the_score_table_by_default(data):
    report = build_summary_report(data.report, _projects(data), data.grade_bands, charts=BOTH)
    assert [c.kind for c in report.table.charts] == ["grades", "scores"]
    assert all(not h.charts for h in report.sections_before_table + report.sections_after_table)


def test_report_charts_after_the_section_the_block_names(data):
    for place, where in ((1, ("before", 0)), (2, ("table", None)), (3, ("after", 0))):
        block = data.report.model_copy(update={"chart": data.report.chart.model_copy(update={"after_section": place})})
        report = build_summary_report(block, _projects(data), data.grade_bands, charts=BOTH)
        kind, index = where
        found = {("before", i) for i, h in enumerate(report.sections_before_table) if h.charts}
        found |= {("after", i) for i, h in enumerate(report.sections_after_table) if h.charts}
        found |= {("table", None)} if report.table.charts else set()
        assert found == {where}, place
        if kind != "table":
            section = (report.sections_before_table if kind == "before" else report.sections_after_table)[index]
            assert section.label == f"{'一二三'[place - 1]}、" and len(section.charts) == 2


def test_results_summary_charts_split_the_narrative(data):
    block = data.results_summary.model_copy(update={"paragraphs": ["第一段。", "第二段。", "第三段。"]})
    summary = build_results_summary(block, _projects(data), data.grade_bands, charts=BOTH)
    assert (summary.paragraphs_before_charts, summary.paragraphs_after_charts) == (["第一段。", "第二段。", "第三段。"], [])
    block = block.model_copy(update={"chart": block.chart.model_copy(update={"after_paragraph": 1})})
    summary = build_results_summary(block, _projects(data), data.grade_bands, charts=BOTH)
    assert (summary.paragraphs_before_charts, summary.paragraphs_after_charts) == (["第一段。"], ["第二段。", "第三段。"])
    assert summary.paragraphs == ["第一段。", "第二段。", "第三段。"]  # a template of its own still prints them all
    assert len(summary.charts) == 2


def test_a_placement_beyond_the_text_is_an_error_with_file_line_and_field(tmp_path):
    write_batch(tmp_path)
    path = tmp_path / "batch.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  signature: 测试区财政局\n", "  chart: {after_section: 4}\n  signature: 测试区财政局\n", 1)
    text = text.replace("  published_total:", "  chart:\n    after_paragraph: 3\n  published_total:", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    report_line = lines.index("  chart: {after_section: 4}") + 1
    summary_line = lines.index("    after_paragraph: 3") + 1
    messages = [str(d) for d in load_dataset([tmp_path]).diagnostics.errors]
    assert f"{path}:{report_line}: report.chart.after_section: 正文只有3部分，图表不能放在第4部分之后" in messages
    assert f"{path}:{summary_line}: results_summary.chart.after_paragraph: 情况说明只有1段，图表不能放在第3段之后" in messages
