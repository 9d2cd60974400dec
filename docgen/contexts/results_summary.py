"""绩效评价结果情况说明 and its attachment, the 汇总表 grouped by grade and 评价机构."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from docgen.contexts.charts import Chart, build_charts
from docgen.contexts.table import TableDoc, declared_table
from docgen.models import ChartKind, EvaluatedProject, GradeBands, Ordering, ResultsSummary, Unit
from docgen.models.layout import CustomField
from docgen.models.project import UNPUBLISHED
from docgen.rules.columns import check_columns
from docgen.rules.groups import narrative_values
from docgen.rules import effective_grade, format_amount, format_date, format_decimal
from docgen.rules.formatting import SignatureIndents, signature_indents
from docgen.rules import placeholders
from docgen.rules.summary import (
    UNRATED, amounts_in, fill_down, merge_spans, order_rows, total_of_printed
)

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
    unrated: bool = False  # no score, no grade: “未评价” spans the 评分结果 and 评分等级 cells


@dataclass(frozen=True)
class ResultsSummaryDoc:
    title: str
    paragraphs: list[str]
    attachment_title: str
    attachment: bool  # the 附件汇总表 is printed (False: the narrative only)
    amount_header: str
    rows: list[SummaryRow]
    total: str
    signature: str
    date: str
    #: right indents (characters) of the signature and date lines, GB/T 9704 §7.3.5.2
    signature_indents: SignatureIndents
    notes: list[str]  # under the table: what the unrated rows' 评价结果说明 say (``注：序号43项目未评价：…``)
    column_widths: list[float]  # presentation hint: the seven columns' widths, % of the table
    #: the 汇总表 as ``columns:`` declares it (None: the default layout, :data:`DEFAULT_COLUMNS`)
    table: TableDoc | None = None
    #: the charts packet.yaml switches on, printed between ``paragraphs_before_charts`` and
    #: ``paragraphs_after_charts`` (``chart.after_paragraph``; ``paragraphs`` holds them all)
    charts: list[Chart] = field(default_factory=list)
    paragraphs_before_charts: list[str] = field(default_factory=list)
    paragraphs_after_charts: list[str] = field(default_factory=list)


# --- presentation hint: the 汇总表's column widths from what the columns hold

#: The 汇总表 as templates/results-summary.html sets it (gbt9704.css): 12 pt type on the 156 mm
#: text width holds 36.85 characters; each cell's padding and rule take 0.75 of one.
TABLE_CHARS = 156 / 25.4 * 72 / 12
CELL_CHARS = 0.75
#: Characters a 单位 or 评价机构 line holds at least and at most, and 二级项目名称 at least.
NAME_COLUMN = (4.0, 8.0)
PROJECT_COLUMN = 9.0


def text_width(text: str) -> float:
    """Width of ``text`` in characters of the type: a CJK character (or full-width form) is one,
    a digit, letter or ASCII mark a little over half of one."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def column_widths(rows: list[SummaryRow]) -> list[float]:
    """Widths of the 汇总表's columns (序号, 二级项目名称, 单位, 项目支出, 评分结果, 评分等级,
    评价机构) in % of the table, from their content, for the HTML template's ``<col>`` elements
    (the Word template has fixed widths).

    序号, 项目支出 and 评分结果 get their longest figure on one line and their header on at most
    two; 评分等级 its header on two lines (an unrated row's 未评价 spans both). 单位 and 评价机构 get their longest name on two lines, between 4 and 8
    characters (a column with no names keeps the two characters of its header's lines), and
    二级项目名称 the rest. When that leaves it fewer than 9 characters, 单位 and 评价机构 give way,
    the wider first, down to 4. This is layout, not arithmetic of the document: it belongs to
    the template's type size and text width (:data:`TABLE_CHARS`)."""
    low, high = NAME_COLUMN

    def longest(texts, floor: float = 0.0) -> float:
        return max([floor, *(text_width(t) for t in texts)])

    def names(texts) -> float:
        widest = longest(texts)
        return 2.0 if widest == 0 else min(high, max(low, math.ceil(widest / 2)))

    number = longest((r.number for r in rows), 2.0)
    amount = longest((r.amount for r in rows), 4.0)
    score = longest((r.score for r in rows), 2.0)
    grade = 2.0
    department = names(r.department for r in rows)
    agency = names(r.agency for r in rows)
    content = TABLE_CHARS - 7 * CELL_CHARS
    fixed = number + amount + score + grade

    def project() -> float:
        return content - fixed - department - agency

    while project() < PROJECT_COLUMN and max(department, agency) > low:
        if department >= agency:
            department = max(low, department - 0.5)
        else:
            agency = max(low, agency - 0.5)
    chars = [number, project(), department, amount, score, grade, agency]
    widths = [round((c + CELL_CHARS) / TABLE_CHARS * 100, 2) for c in chars]
    widths[1] = round(100 - sum(widths) + widths[1], 2)
    return widths


def summary_rows(projects: list[EvaluatedProject], ordering: Ordering,
                 bands: GradeBands | None) -> tuple[list[SummaryRow], list[str]]:
    """The 汇总表's rows, and the notes under it: a row without a score or a grade prints
    “未评价” across its 评分结果 and 评分等级 cells, and its 评价结果说明 (a sentence, too long
    for the narrow 评分结果 column) goes under the table as ``注：序号43项目未评价：…``."""
    # An empty 评价机构 continues the one above it (in input order), before any regrouping.
    agencies = dict(zip(map(id, projects), fill_down([p.agency for p in projects])))
    ordered = order_rows(projects, ordering, lambda p: p.score, lambda p: effective_grade(p, bands),
                         lambda p: agencies[id(p)])
    items = [p for p, _ in ordered]
    grades = [effective_grade(p, bands) for p in items]
    # Merge equal agencies only within one grade group.
    spans = merge_spans([(g, agencies[id(p)]) for p, g in zip(items, grades)])
    amounts = amounts_in(items, TABLE_UNIT)
    rows, notes = [], []
    for i, ((p, rank), g, span, amount) in enumerate(zip(ordered, grades, spans, amounts), start=1):
        number = str(rank if rank is not None else i)
        rows.append(SummaryRow(
            number=number,
            name=p.name,
            department=p.department or "",
            amount=UNPUBLISHED if "expenditure" in p.unpublished else format_amount(amount),
            score=format_decimal(p.score) if p.score is not None else "",
            grade=g.value if g else UNRATED,
            agency=agencies[id(p)],
            agency_span=span,
            unrated=g is None,
        ))
        if g is None and p.result_note:
            notes.append(f"序号{number}项目{UNRATED}：{p.result_note}")

    if len(notes) > 1:
        notes = [f"{i}.{n}" for i, n in enumerate(notes, start=1)]
    return rows, [("注：" if i == 0 else "") + n for i, n in enumerate(notes)]


def build_results_summary(summary: ResultsSummary, projects: list[EvaluatedProject],
                          bands: GradeBands | None = None, custom: list[CustomField] = (),
                          charts: tuple[ChartKind, ...] = ()) -> ResultsSummaryDoc:
    """The 情况说明 and its 汇总表; ``charts`` (packet.yaml's ``charts:``) after the paragraph
    ``summary.chart`` names (the last when unset, or when it names one beyond the last)."""
    values = narrative_values(projects, lambda p: effective_grade(p, bands), TABLE_UNIT, custom,
                              summary.published)
    amounts = amounts_in(projects, TABLE_UNIT)
    rows, notes = summary_rows(projects, summary.order, bands)
    table = declared_table(summary.columns, projects, summary.order, bands, custom) if summary.columns else None
    hidden = [r.number for r in rows if r.amount == UNPUBLISHED]
    if hidden and table is None:  # a declared table notes its own
        notes.append(f"注：序号{'、'.join(hidden)}的项目支出{UNPUBLISHED}，未计入合计。")
    date = format_date(summary.date) if summary.date else ""
    paragraphs = [placeholders.fill(p, values) for p in summary.paragraphs]
    split = min(summary.chart.after_paragraph or len(paragraphs), len(paragraphs))
    return ResultsSummaryDoc(
        title=placeholders.fill(summary.title, values),
        paragraphs=paragraphs,
        attachment_title=placeholders.fill(summary.attachment_title or "", values),
        attachment=summary.attachment_table,
        amount_header=f"项目支出（{TABLE_UNIT.value}）",
        rows=rows,
        total=format_amount(total_of_printed(amounts)) if any(a is not None for a in amounts) else "",
        signature=summary.signature or "",
        date=date,
        signature_indents=signature_indents(summary.signature or "", date),
        notes=notes,
        column_widths=column_widths(rows),
        table=table,
        charts=build_charts(charts, projects, bands),
        paragraphs_before_charts=paragraphs[:split],
        paragraphs_after_charts=paragraphs[split:],
    )


# --- family hooks (docgen.families): the data set's documents and checks


def documents(data) -> list:
    from docgen.families import Document

    return [Document("results-summary", {"summary": build_results_summary(
        data.results_summary, [p.project for p in data.projects], data.grade_bands, data.custom_fields,
        data.charts)})]


def check(data) -> None:
    from docgen.rules.checks import check_results_summary, check_unrated

    data.report_findings("results_summary", check_results_summary(
        data.results_summary, [p.project for p in data.projects], data.grade_bands, data.custom_fields))
    if data.results_summary.columns:
        data.report_findings("results_summary", check_columns(
            data.results_summary.columns, data.custom_fields))
    for loaded in data.projects:
        data.report_project_findings(loaded, check_unrated(loaded.project, data.grade_bands))
