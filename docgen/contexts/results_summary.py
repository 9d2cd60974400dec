"""绩效评价结果情况说明 and its attachment, the 汇总表 grouped by grade and 评价机构."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.models import EvaluatedProject, GradeBands, Ordering, ResultsSummary, Unit
from docgen.rules import effective_grade, format_amount, format_date, format_decimal
from docgen.rules import placeholders
from docgen.rules.summary import amounts_in, fill_down, merge_spans, order_rows, summary_values, total_of_printed

#: The 汇总表 prints 项目支出 in 万元 (FORMATS.md).
TABLE_UNIT = Unit.WAN


@dataclass(frozen=True)
class SummaryRow:
    number: str
    name: str
    department: str
    amount: str
    score: str
    grade: str
    agency: str
    agency_span: int  # rows the agency cell covers; 0 = covered by the cell above


@dataclass(frozen=True)
class ResultsSummaryDoc:
    title: str
    paragraphs: list[str]
    attachment_title: str
    amount_header: str
    rows: list[SummaryRow]
    total: str
    signature: str
    date: str


def summary_rows(projects: list[EvaluatedProject], ordering: Ordering,
                 bands: GradeBands | None) -> list[SummaryRow]:
    # An empty 评价机构 continues the one above it (in input order), before any regrouping.
    agencies = dict(zip(map(id, projects), fill_down([p.agency for p in projects])))
    ordered = order_rows(projects, ordering, lambda p: p.score, lambda p: effective_grade(p, bands),
                         lambda p: agencies[id(p)])
    items = [p for p, _ in ordered]
    grades = [effective_grade(p, bands) for p in items]
    # Merge equal agencies only within one grade group.
    spans = merge_spans([(g, agencies[id(p)]) for p, g in zip(items, grades)])
    amounts = amounts_in(items, TABLE_UNIT)
    return [
        SummaryRow(
            number=str(rank if rank is not None else i),
            name=p.name,
            department=p.department or "",
            amount=format_amount(amount),
            score=format_decimal(p.score) if p.score is not None else (p.result_note or ""),
            grade=g.value if g else "",
            agency=agencies[id(p)],
            agency_span=span,
        )
        for i, ((p, rank), g, span, amount) in enumerate(zip(ordered, grades, spans, amounts), start=1)
    ]


def build_results_summary(summary: ResultsSummary, projects: list[EvaluatedProject],
                          bands: GradeBands | None = None) -> ResultsSummaryDoc:
    grades = [effective_grade(p, bands) for p in projects]
    values = summary_values(projects, grades, TABLE_UNIT)
    amounts = amounts_in(projects, TABLE_UNIT)
    return ResultsSummaryDoc(
        title=placeholders.fill(summary.title, values),
        paragraphs=[placeholders.fill(p, values) for p in summary.paragraphs],
        attachment_title=placeholders.fill(summary.attachment_title, values),
        amount_header=f"项目支出（{TABLE_UNIT.value}）",
        rows=summary_rows(projects, summary.order, bands),
        total=format_amount(total_of_printed(amounts)) if any(a is not None for a in amounts) else "",
        signature=summary.signature or "",
        date=format_date(summary.date) if summary.date else "",
    )


# --- family hooks (docgen.families): the data set's documents and checks


def documents(data) -> list:
    from docgen.families import Document

    return [Document("results-summary", {"summary": build_results_summary(
        data.results_summary, [p.project for p in data.projects], data.grade_bands)})]


def check(data) -> None:
    from docgen.rules.checks import check_results_summary

    data.report_findings("results_summary",
                         check_results_summary(data.results_summary, [p.project for p in data.projects]))
