"""部门决算公开: 项目支出绩效自评表, one form per project, from its computed figures."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.models.accounts import SelfEvaluation
from docgen.rules import format_amount, format_decimal
from docgen.rules.formatting import places_for
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
    indicators_span: int  # indicator rows under the 绩效指标 header (the column continues over them)
    total_score: str
    grade: str
    analysis: list[AnalysisRowView]
    analysis_span: int
    next_steps: str


#: 执行率 (%) and every point figure (分值, 得分, 总分) print with two decimals (FORMATS.md:
#: percentages and scores show two decimals).
RATE_PLACES = SCORE_PLACES = 2


def build_form(form: SelfEvaluation, fig: SelfEvaluationFigures) -> SelfEvaluationForm:
    """One format per kind of figure: the form's 万元 amounts share one precision (two decimals,
    more when a typed amount has more, so that 39.586 is printed as typed and its neighbours as
    50.500); 执行率 two decimals; every point figure (分值, 得分, 总分) two decimals."""
    shown = [fig.shown_total_row, *fig.shown_rows]
    places = places_for([v for r in shown for v in (r.declared, r.budgeted, r.annual_budget, r.executed, r.balance)])

    def money(value):
        return "" if value is None else format_amount(value, places)

    def funding_row(label, r):
        return [label, money(r.declared), money(r.budgeted), money(r.annual_budget), money(r.executed),
                money(r.balance), format_decimal(r.rate, RATE_PLACES), format_decimal(r.score, SCORE_PLACES)]

    level1 = merge_spans([i.level1 for i in form.indicators])
    level2 = merge_spans([(i.level1, i.level2) for i in form.indicators])
    indicators = [IndicatorRow(i.level1, s1, i.level2, s2, i.name, i.initial or "", i.adjusted or "", i.actual or "",
                               format_decimal(i.weight, SCORE_PLACES), format_decimal(i.score, SCORE_PLACES),
                               i.deviation or "")
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
        indicators=indicators, indicators_span=len(indicators),
        total_score=format_decimal(fig.shown_total_score, SCORE_PLACES), grade=fig.shown_grade,
        analysis=analysis, analysis_span=len(analysis), next_steps=form.next_steps or "",
    )
