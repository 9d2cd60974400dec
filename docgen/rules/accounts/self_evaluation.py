"""项目支出绩效自评表: 结余, 执行率, 得分, 总分 and grade, and the checks of what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from docgen.diagnostics import Finding
from docgen.models import Grade, GradeBands
from docgen.models.accounts import SelfEvaluation
from docgen.rules.accounts.common import ZERO, compare, shown, total
from docgen.rules.grades import grade_for
from docgen.rules.numbers import round_half_up


@dataclass(frozen=True)
class FundingFigures:
    """One funding row of a 自评表, every derived figure computed."""

    source: str
    declared: Decimal | None
    budgeted: Decimal | None
    annual_budget: Decimal
    executed: Decimal
    balance: Decimal
    rate: Decimal | None  # 执行率 %, two decimals
    score: Decimal | None  # 预算执行率得分, two decimals


def funding_figures(source: str, declared, budgeted, annual_budget: Decimal, executed: Decimal,
                    weight: Decimal) -> FundingFigures:
    """资金结余 = 全年预算数 − 全年执行数; 执行率 = 执行数 ÷ 全年预算数; 得分 = 分值 × 执行率 (≤ 分值)."""
    ratio = executed / annual_budget if annual_budget else None
    return FundingFigures(
        source, declared, budgeted, annual_budget, executed,
        balance=annual_budget - executed,
        rate=round_half_up(ratio * 100, 2) if ratio is not None else None,
        score=round_half_up(min(weight, weight * ratio), 2) if ratio is not None else None,
    )


def shown_funding(entered, computed: FundingFigures) -> FundingFigures:
    """A funding row as the form prints it: each figure the user typed (``FundingLine`` or
    ``FundingTotals``, the published row) as typed, the others computed."""
    if entered is None:
        return computed
    return replace(computed, **{name: shown(getattr(entered, name), getattr(computed, name))
                                for name in ("declared", "budgeted", "annual_budget", "executed", "balance",
                                             "rate", "score")})


@dataclass(frozen=True)
class SelfEvaluationFigures:
    """A 自评表's figures: computed (``rows`` … ``grade``, what the checks use) and as printed
    (``shown_*``: what the user typed from the published form, else the computed figure)."""

    rows: list[FundingFigures]
    total_row: FundingFigures
    indicator_score: Decimal
    total_score: Decimal
    grade: Grade
    shown_rows: list[FundingFigures] = field(default_factory=list)
    shown_total_row: FundingFigures | None = None
    shown_total_score: Decimal | None = None
    shown_grade: str = ""


def self_evaluation_figures(form: SelfEvaluation, bands: GradeBands | None = None) -> SelfEvaluationFigures:
    rows = [funding_figures(f.source, f.declared, f.budgeted, f.annual_budget, f.executed, form.budget_weight)
            for f in form.funding]

    def opt_total(attr):
        values = [getattr(r, attr) for r in rows]
        return None if all(v is None for v in values) else total(values)

    total_row = funding_figures("资金总额", opt_total("declared"), opt_total("budgeted"),
                                total(r.annual_budget for r in rows), total(r.executed for r in rows),
                                form.budget_weight)
    indicator_score = total(i.score for i in form.indicators)
    total_score = (total_row.score or ZERO) + indicator_score
    shown_total = shown(form.printed_total, total_score)
    typed_grade = (form.printed_grade or "").strip()
    return SelfEvaluationFigures(
        rows, total_row, indicator_score, total_score, grade_for(total_score, bands),
        shown_rows=[shown_funding(f, r) for f, r in zip(form.funding, rows)],
        shown_total_row=shown_funding(form.printed_total_row, total_row),
        shown_total_score=shown_total,
        shown_grade=typed_grade or grade_for(shown_total, bands).value,
    )


def check_self_evaluation(form: SelfEvaluation, figures: SelfEvaluationFigures) -> list[Finding]:
    """执行率, 结余, 得分 follow from the funding lines; 得分 ≤ 分值; weights add to 100; 总分 and grade."""
    findings: list[Finding] = []
    for i, (entered, row) in enumerate(zip(form.funding, figures.rows)):
        findings += _check_funding(("funding", i), entered, row)
    if form.printed_total_row is not None:
        findings += _check_funding(("printed_total_row",), form.printed_total_row, figures.total_row)
    for i, ind in enumerate(form.indicators):
        if ind.score is not None and ind.score > ind.weight:
            findings.append(Finding(("indicators", i, "score"),
                                    f"指标“{ind.name}”得分{ind.score}超过分值{ind.weight}"))
    weights = form.budget_weight + total(i.weight for i in form.indicators)
    if weights != 100:
        findings.append(Finding(("indicators",), f"分值合计应为100（预算执行率{form.budget_weight}＋各指标），实际为{weights}"))
    if form.printed_total is not None:
        findings += compare(("printed_total",), "总分（预算执行率得分＋各指标得分）", form.printed_total,
                            round_half_up(figures.total_score, 2), 1)
    if form.printed_grade and form.printed_grade.strip() != figures.grade.value:
        findings.append(Finding(("printed_grade",), f"等级填报为“{form.printed_grade}”，按计算的总分"
                                f"{figures.total_score:.2f}应为“{figures.grade.value}”"))
    return findings


def _check_funding(loc: tuple, entered, row: FundingFigures) -> list[Finding]:
    findings = []
    checks = [("balance", "资金结（转）余", row.balance), ("rate", "执行率", row.rate), ("score", "得分", row.score)]
    for attr, what, computed in checks:
        printed = getattr(entered, attr)
        if printed is None or computed is None:
            continue
        # compare at the printed precision: 98.4 printed for 98.40 is the same figure
        places = max(-printed.as_tuple().exponent, 0)
        if round_half_up(computed, places) != printed:
            findings += compare(loc + (attr,), f"{row.source}{what}", printed, computed, 1)
    return findings
