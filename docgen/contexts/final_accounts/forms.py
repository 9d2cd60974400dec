"""部门决算公开: 项目支出绩效自评表, one form per project, from its computed figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.models.accounts import SelfEvaluation
from docgen.rules import format_amount, format_decimal
from docgen.rules.summary import merge_spans
from docgen.rules.accounts import SelfEvaluationFigures


@dataclass(frozen=True)
class IndicatorRow:
    level1: str
    level1_span: int  # rows the 一级指标 cell covers; 0 = covered by the cell above
    level2: str
    level2_span: int
    name: str
    initial: str
    adjusted: str
    actual: str
    weight: str
    score: str
    deviation: str


@dataclass(frozen=True)
class AnalysisRowView:
    group: str
    group_span: int
    label: str
    text: str
    grouped: bool  # the form uses a middle column (group) for this row


@dataclass(frozen=True)
class SelfEvaluationForm:
    title: str
    year_line: str
    project: str
    department: str
    budget_unit: str
    funding: list[list[str]]  # 资金总额 row first: label, 目标申报数, 预算编制数, 全年预算数, 全年执行数, 结余, 执行率, 得分
    funding_span: int  # rows the 项目资金预算安排及执行进度 cell covers (two header rows + funding)
    annual_goal: str
    actual_result: str
    indicators: list[IndicatorRow]
    indicators_span: int
    total_score: str
    grade: str
    analysis: list[AnalysisRowView]
    analysis_span: int
    next_steps: str


def exact(value: Decimal | None) -> str:
    """An amount at the precision it was entered (39.586 stays 39.586), at least two decimals."""
    if value is None:
        return ""
    return format_amount(value, max(2, -value.normalize().as_tuple().exponent))


def build_form(form: SelfEvaluation, fig: SelfEvaluationFigures) -> SelfEvaluationForm:
    def funding_row(label, r):
        return [label, exact(r.declared), exact(r.budgeted), exact(r.annual_budget), exact(r.executed),
                exact(r.balance), format_decimal(r.rate) if r.rate is not None else "",
                format_decimal(r.score) if r.score is not None else ""]

    level1 = merge_spans([i.level1 for i in form.indicators])
    level2 = merge_spans([(i.level1, i.level2) for i in form.indicators])
    indicators = [IndicatorRow(i.level1, s1, i.level2, s2, i.name, i.initial or "", i.adjusted or "", i.actual or "",
                               format_decimal(i.weight, 0 if i.weight == i.weight.to_integral() else 2),
                               "" if i.score is None else str(i.score), i.deviation or "")
                  for i, s1, s2 in zip(form.indicators, level1, level2)]
    groups = merge_spans([a.group or f"\0{n}" for n, a in enumerate(form.analysis)])
    analysis = [AnalysisRowView(a.group or "", span if a.group else 1, a.label, a.text, bool(a.group))
                for a, span in zip(form.analysis, groups)]
    # the figures as printed: typed ones (the published form) as typed, the others computed
    funding = [funding_row("资金总额：", fig.shown_total_row)] + [funding_row(r.source, r) for r in fig.shown_rows]
    return SelfEvaluationForm(
        title=f"{form.project}项目支出绩效自评表", year_line=f"（{form.year}年度）", project=form.project,
        department=form.department, budget_unit=form.budget_unit,
        funding=funding, funding_span=len(funding) + 2,  # the two header rows, then the funding rows
        annual_goal=form.annual_goal, actual_result=form.actual_result,
        indicators=indicators, indicators_span=len(indicators) + 1,
        total_score=format_decimal(fig.shown_total_score), grade=fig.shown_grade,
        analysis=analysis, analysis_span=len(analysis), next_steps=form.next_steps or "",
    )
