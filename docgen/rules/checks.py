"""Consistency checks on loaded models: each returns Findings located by field path."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from docgen.diagnostics import Finding, Severity
from docgen.models import RESULT_SHEET_FIELDS, EvaluatedProject, GradeBands, OfficialReport, ResultsSummary
from docgen.rules import placeholders
from docgen.rules.execution import (EXECUTION_PLACEHOLDERS, check_execution, check_execution_placeholders,
                                   execution_values)
from docgen.models import Unit
from docgen.models.layout import CustomField
from docgen.rules.grades import check_grade, effective_grade
from docgen.rules.groups import check_published, check_qualified, narrative_values, published_amount, qualifiers
from docgen.rules.summary import (
    PLACEHOLDER_NAMES,
    UNRATED,
    amounts_in,
    check_counts_add_up,
    check_published_total,
    total_of_printed,
)

_HTML_TAG = re.compile(r"</?(p|ol|ul|li|br|b|span|div|strong)\b[^>]*>", re.IGNORECASE)


def check_no_markup(project: EvaluatedProject) -> list[Finding]:
    """Data is plain text; HTML pasted from a web page would be printed literally, so warn."""
    findings = []
    for name, value in project:
        texts = value if isinstance(value, list) else [value]
        for i, text in enumerate(texts):
            if isinstance(text, str) and (m := _HTML_TAG.search(text)):
                loc = (name, i) if isinstance(value, list) else (name,)
                findings.append(
                    Finding(
                        loc,
                        f"文本中含有HTML标记“{m.group(0)}”，将按原样印出；段落和条目请写成YAML列表",
                        Severity.WARNING,
                    )
                )
    return findings


def check_project(project: EvaluatedProject, bands: GradeBands | None = None) -> list[Finding]:
    """Every check that applies to one evaluated project."""
    findings = check_grade(project, bands)
    findings += check_execution(project)
    findings += check_no_markup(project)
    return findings


def check_result_sheet_fields(project: EvaluatedProject) -> list[Finding]:
    """A result sheet prints these; a summary table row does without them."""
    missing = []
    for name in RESULT_SHEET_FIELDS:
        if getattr(project, name) in (None, []):
            title = EvaluatedProject.model_fields[name].title
            missing.append(Finding((name,), f"生成结果表需要填写“{name}”（{title}）"))
    if project.score is None and project.grade is None:
        missing.append(Finding(("score",), "未填写评价得分或评价等级，结果表将不显示评价结论", Severity.WARNING))
    if not project.problems:
        missing.append(Finding(("problems",), "未填写主要问题（problems），结果表中这一栏将只有评价结论", Severity.WARNING))
    if not (project.rectification or project.suggestions):
        missing.append(Finding(("rectification",), "未填写整改要求（rectification，或建议 suggestions），"
                                                    "结果表中这一栏将是空的", Severity.WARNING))
    return missing


def _narrative_texts(prefix: tuple, value) -> list[tuple[tuple, str]]:
    """Every text inside a block, with its field path (for placeholder checks)."""
    if isinstance(value, str):
        return [(prefix, value)]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _narrative_texts(prefix + (i,), v)]
    if isinstance(value, BaseModel):
        return [pair for name, v in value for pair in _narrative_texts(prefix + (name,), v)]
    return []


def check_placeholders(block: BaseModel, projects: list[EvaluatedProject],
                       bands: GradeBands | None = None, custom: Sequence[CustomField] = ()) -> list[Finding]:
    """Unknown ``{名称}`` (errors; the names on offer are those that can be computed), sentences
    whose quoted counts leave projects out, and budget execution figures that cannot be computed
    (errors of their own, not “unknown”) or count only some projects (warnings)."""
    names = list(PLACEHOLDER_NAMES)
    published = getattr(block, "published", None) or {}
    if not any(p.expenditure for p in projects) and published_amount(published) is None:
        names.remove("总金额")
        names.remove("金额")
    computable = execution_values(projects)
    names = [n for n in names if n not in EXECUTION_PLACEHOLDERS or n in computable]
    grades = [effective_grade(p, bands) for p in projects]
    groups = qualifiers(projects, custom)
    findings = [f for loc, text in _narrative_texts((), block)
                for f in (placeholders.check(text, names, loc, known=EXECUTION_PLACEHOLDERS)
                          + check_qualified(placeholders.names_in(text), names, groups, loc)
                          + check_counts_add_up(text, grades, loc) + check_execution_placeholders(text, projects, loc))]
    hidden = sum(1 for p in projects if "expenditure" in p.unpublished)
    if hidden:
        quoting = sorted({loc for loc, text in _narrative_texts((), block)
                          if {"总金额", "金额"} & {n.partition(":")[0] for n in placeholders.names_in(text)}})
        findings += [Finding(loc, f"{hidden}个评价对象的项目支出未公开，未计入所引用的金额", Severity.WARNING)
                     for loc in quoting]
    if published:
        values = narrative_values(projects, lambda p: effective_grade(p, bands), Unit.WAN, custom)
        findings += check_published(published, values, projects, groups)
    return findings


def check_unrated(project: EvaluatedProject, bands: GradeBands | None = None) -> list[Finding]:
    """A summary row without a score or a grade: it counts in {评价数} and prints as 未评价."""
    if effective_grade(project, bands) is not None:
        return []
    if project.result_note:
        return [Finding(("result_note",), f"“{project.name}”没有评价得分和评价等级（评价结果说明中也没有）：计入评价数，"
                                          f"汇总表“评分等级”印“{UNRATED}”，评价结果说明印在表下的注中", Severity.WARNING)]
    return [Finding(("score",), f"“{project.name}”没有评价得分和评价等级：计入评价数，汇总表“评分等级”印“{UNRATED}”",
                    Severity.WARNING)]


def check_report(report: OfficialReport, projects: list[EvaluatedProject],
                 bands: GradeBands | None = None, custom: Sequence[CustomField] = ()) -> list[Finding]:
    findings = check_placeholders(report, projects, bands, custom)
    if report.score_table.after_section > max(len(report.sections), 1):
        findings.append(Finding(("score_table", "after_section"),
                                f"正文只有{len(report.sections)}部分，得分表不能放在第{report.score_table.after_section}部分之后"))
    place = report.chart.after_section
    if place is not None and place > max(len(report.sections), 1):
        findings.append(Finding(("chart", "after_section"),
                                f"正文只有{len(report.sections)}部分，图表不能放在第{place}部分之后"))
    return findings


def check_results_summary(summary: ResultsSummary, projects: list[EvaluatedProject],
                          bands: GradeBands | None = None, custom: Sequence[CustomField] = ()) -> list[Finding]:
    findings = check_placeholders(summary, projects, bands, custom)
    if summary.attachment_table and not summary.attachment_title:
        findings.append(Finding(("attachment_title",), "印附件汇总表时须填写附件名称（attachment_title）；"
                                                       "只印情况说明请写“attachment_table: false”"))
    place = summary.chart.after_paragraph
    if place is not None and place > max(len(summary.paragraphs), 1):
        findings.append(Finding(("chart", "after_paragraph"),
                                f"情况说明只有{len(summary.paragraphs)}段，图表不能放在第{place}段之后"))
    # a total published without per-row amounts is taken as published: nothing to add up
    if summary.published_total is not None and any(p.expenditure for p in projects):
        unit = summary.published_total.unit
        computed = total_of_printed(amounts_in(projects, unit))
        rows = sum(1 for p in projects if p.expenditure is not None)
        findings += check_published_total(summary.published_total.value, computed, rows,
                                          ("published_total",), unit.value)
    return findings
