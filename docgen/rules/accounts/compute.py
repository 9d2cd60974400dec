"""Everything at once: all figures and findings of a final-accounts disclosure, computed once and
shared by the tables and the sentences."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.diagnostics import Finding
from docgen.models import GRADE_SYNONYMS, Grade, GradeBands
from docgen.models.accounts import Accounts, Explanations, SelfEvaluation
from docgen.rules.accounts.changes import share
from docgen.rules.accounts.common import compare, shown, total
from docgen.rules.accounts.economic import EconomicTable, economic_table
from docgen.rules.accounts.functions import FunctionTables, check_overlap, function_tables
from docgen.rules.accounts.self_evaluation import SelfEvaluationFigures, check_self_evaluation, self_evaluation_figures
from docgen.rules.accounts.statistics import StatisticsFigures, check_statistics, statistics_figures
from docgen.rules.accounts.summaries import AccountsSummaryFigures, FiscalSummaryFigures, accounts_summary, fiscal_summary
from docgen.rules.formatting import format_amount
from docgen.rules.numbers import percentage, round_half_up
from docgen.rules.summary import grade_counts


@dataclass
class Computed:
    """Everything derived from the data once, shared by the tables and the sentences."""

    functions: FunctionTables
    summary: AccountsSummaryFigures
    fiscal: FiscalSummaryFigures
    economic: EconomicTable
    forms: list[SelfEvaluationFigures]
    findings: dict[str, list[Finding]]
    statistics: StatisticsFigures


def compute(accounts: Accounts, forms: list[SelfEvaluation], bands: GradeBands | None = None) -> Computed:
    """All figures and all findings, located relative to their block."""
    functions, f_functions = function_tables(accounts)
    only_general = not accounts.government_fund and not accounts.state_capital and all(
        functions.total("income").get(c) == 0 for c in ("superior", "business", "operating", "affiliated", "other"))
    f_functions += check_overlap(functions, only_general, accounts)
    summary, f_summary = accounts_summary(accounts, functions)
    fiscal, f_fiscal = fiscal_summary(accounts, functions)
    economic, f_economic = economic_table(accounts, functions.total("general_budget").get("basic"))
    figures = [self_evaluation_figures(f, bands) for f in forms]
    form_findings = []
    for i, (form, fig) in enumerate(zip(forms, figures)):
        form_findings += [Finding((i,) + x.loc, f"《{form.project}》{x.message}", x.severity)
                          for x in check_self_evaluation(form, fig)]
    return Computed(functions, summary, fiscal, economic, figures, {
        "accounts": f_functions + f_summary + f_fiscal + f_economic + check_statistics(accounts),
        "self_evaluations": form_findings,
    }, statistics_figures(accounts))


def check_explanations(explanations: Explanations, computed: Computed) -> list[Finding]:
    """The figures the department typed for 情况说明: the 年初预算 total against its categories,
    and the counts printed in 预算绩效管理工作开展情况 against the 自评表."""
    printed = explanations.performance.printed
    facts = performance_facts(computed)
    findings = []
    pairs = [("projects", "自评项目个数", facts["projects"]), ("excellent", "自评等级为“优”的项目数", facts["excellent"]),
             ("good", "自评等级为“良”的项目数", facts["good"]), ("fair", "自评等级为“中”的项目数", facts["fair"]),
             ("poor", "自评等级为“差”的项目数", facts["poor"])]
    for key, what, value in pairs:
        if getattr(printed, key) is not None and getattr(printed, key) != value:
            findings.append(Finding(("performance", "printed", key),
                                    f"{what}：填报{getattr(printed, key)}，按各自评表计算为{value}"))
    budget = explanations.annual_budget
    if budget.general_budget_total is not None and budget.categories:
        findings += compare(("annual_budget", "general_budget_total"), "一般公共预算财政拨款支出年初预算（各类之和）",
                            budget.general_budget_total, total(budget.categories.values()), len(budget.categories))
    if printed.amount is not None and printed.amount != round_half_up(facts["amount"], 2):
        findings.append(Finding(("performance", "printed", "amount"),
                                f"自评资金：填报{format_amount(printed.amount)}万元，各自评表全年执行数合计为{format_amount(facts['amount'])}万元"))
    share = percentage(facts["amount"], computed.functions.total("expenditure").get("project"))
    if printed.share is not None and share is not None and printed.share != share:
        findings.append(Finding(("performance", "printed", "share"),
                                f"占项目支出总额比例：填报{printed.share}%，计算为{share}%"))
    return findings


def performance_facts(computed: Computed) -> dict:
    """The figures of 预算绩效管理工作开展情况 as computed from the 自评表 (what the typed ones
    are checked against)."""
    counts = grade_counts([f.grade for f in computed.forms])
    # 涉及资金: what the self-evaluated projects spent (全年执行数), as the disclosures print it
    return {"projects": len(computed.forms), "amount": total(f.total_row.executed for f in computed.forms),
            "excellent": counts[Grade.EXCELLENT], "good": counts[Grade.GOOD],
            "fair": counts[Grade.FAIR], "poor": counts[Grade.POOR]}


def printed_performance_facts(explanations: Explanations, computed: Computed) -> dict:
    """The same figures as 情况说明 prints them: what the department typed (the published
    figures, ``performance.printed``) as typed; the others counted from the 自评表 as printed,
    so that the sentence agrees with the attached forms. ``share`` is the 占项目支出总额比例 (%)."""
    typed = explanations.performance.printed
    counts = grade_counts([_grade_word(f.shown_grade) for f in computed.forms])
    facts = {"projects": len(computed.forms),
             "amount": total(f.shown_total_row.executed for f in computed.forms),
             "excellent": counts[Grade.EXCELLENT], "good": counts[Grade.GOOD],
             "fair": counts[Grade.FAIR], "poor": counts[Grade.POOR]}
    facts["share"] = share(facts["amount"], computed.functions.total("expenditure").get("project"))
    return {key: shown(getattr(typed, key), value) for key, value in facts.items()}


def _grade_word(text: str) -> Grade | None:
    word = text.strip()
    if word in GRADE_SYNONYMS:
        return GRADE_SYNONYMS[word]
    return next((g for g in Grade if g.value == word), None)
