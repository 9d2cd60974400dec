"""财政局文件: the summary report with its ranked score table (GB/T 9704-2012)."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.contexts.charts import Chart, build_charts
from docgen.contexts.common import Heading
from docgen.contexts.table import TableDoc, declared_table
from docgen.models.layout import CustomField
from docgen.models.project import UNPUBLISHED
from docgen.rules.columns import check_columns

from docgen.models import ChartKind, EvaluatedProject, GradeBands, OfficialReport, Ordering, TextSection, Unit
from docgen.rules import Numbering, effective_grade, format_date, format_decimal, number_label
from docgen.rules.formatting import SignatureIndents, signature_indents
from docgen.rules import placeholders
from docgen.rules.groups import narrative_values
from docgen.rules.summary import grade_count_line, grade_counts, order_rows


@dataclass(frozen=True)
class ScoreRow:
    number: str  # rank (1, 1, 3) when ranked, else the row number
    name: str
    score: str
    grade: str


@dataclass(frozen=True)
class ScoreTableView:
    title: str
    number_header: str  # 排名 or 序号
    rows: list[ScoreRow]
    #: the table as ``score_table.columns`` declares it (None: the default layout)
    declared: TableDoc | None = None
    #: the charts printed right after the table (``chart.after_section`` is the table's section)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSection(Heading):
    """A numbered section of the report (一、…) and the charts printed after it."""

    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class SummaryReport:
    issuer_mark: str
    document_number: str
    title: str
    addressee: str
    preamble: list[str]
    sections_before_table: list[ReportSection]
    table: ScoreTableView
    sections_after_table: list[ReportSection]
    signature: str
    date: str
    #: right indents (characters) of the signature and date lines, GB/T 9704 §7.3.5.2
    signature_indents: SignatureIndents
    evaluated: int
    grade_line: str


def _heading(section: TextSection, n: int, style: Numbering, values: dict[str, str],
             charts: list[Chart] | None = None) -> Heading:
    """The heading of ``section``; with ``charts`` (a list) a top-level :class:`ReportSection`."""
    parts = dict(
        label=number_label(n, style),
        text=placeholders.fill(section.heading, values),
        paragraphs=[placeholders.fill(p, values) for p in section.paragraphs],
        subsections=[_heading(s, i, Numbering.CHINESE_PAREN, values)
                     for i, s in enumerate(section.subsections, start=1)],
    )
    return Heading(**parts) if charts is None else ReportSection(**parts, charts=charts)


def score_rows(projects: list[EvaluatedProject], ordering: Ordering, bands: GradeBands | None) -> list[ScoreRow]:
    ordered = order_rows(projects, ordering, lambda p: p.score, lambda p: effective_grade(p, bands),
                         lambda p: p.agency or "")
    rows = []
    for i, (p, rank) in enumerate(ordered, start=1):
        grade = effective_grade(p, bands)
        number = "" if ordering is Ordering.RANK and rank is None else str(rank if rank is not None else i)
        score = UNPUBLISHED if "score" in p.unpublished else format_decimal(p.score)
        rows.append(ScoreRow(number, p.name, score, grade.value if grade else (p.result_note or "")))
    return rows


def placed_charts(report: OfficialReport, charts: list[Chart],
                  sections: int) -> tuple[list[Chart], dict[int, list[Chart]]]:
    """Where the report's charts go: (after the score table, section index → after that
    section). ``chart.after_section`` unset, or the table's section, puts them after the table;
    a section beyond the last (an error the checks report) is read as the last."""
    table = min(report.score_table.after_section, sections)
    place = min(report.chart.after_section or table, sections)
    if not charts or place == table or place < 1:
        return charts, {}
    return [], {place - 1: charts}


def build_summary_report(report: OfficialReport, projects: list[EvaluatedProject],
                         bands: GradeBands | None = None, custom: list[CustomField] = (),
                         charts: tuple[ChartKind, ...] = ()) -> SummaryReport:
    """The report's document tree; ``charts`` (packet.yaml's ``charts:``) are drawn where
    ``report.chart`` places them."""
    grades = [effective_grade(p, bands) for p in projects]
    values = narrative_values(projects, lambda p: effective_grade(p, bands), Unit.WAN, custom, report.published)
    with_table, after = placed_charts(report, build_charts(charts, projects, bands), len(report.sections))
    headings = [_heading(s, i, Numbering.CHINESE_COMMA, values, after.get(i - 1, []))
                for i, s in enumerate(report.sections, start=1)]
    split = report.score_table.after_section
    ordering = report.score_table.order
    return SummaryReport(
        issuer_mark=report.issuer_mark,
        document_number=str(report.document_number),
        title=placeholders.fill(report.title, values),
        addressee=report.addressee,
        preamble=[placeholders.fill(p, values) for p in report.preamble],
        sections_before_table=headings[:split],
        table=ScoreTableView(
            title=placeholders.fill(report.score_table.title, values),
            number_header="排名" if ordering is Ordering.RANK else "序号",
            rows=score_rows(projects, ordering, bands),
            declared=declared_table(report.score_table.columns, projects, ordering, bands, custom)
            if report.score_table.columns else None,
            charts=with_table,
        ),
        sections_after_table=headings[split:],
        signature=report.signature,
        date=format_date(report.date),
        signature_indents=signature_indents(report.signature, format_date(report.date)),
        evaluated=len(projects),
        grade_line=grade_count_line(grade_counts(grades)),
    )


# --- family hooks (docgen.families): the data set's documents and checks


def documents(data) -> list:
    from docgen.families import Document

    return [Document("summary-report", {"report": build_summary_report(
        data.report, [p.project for p in data.projects], data.grade_bands, data.custom_fields, data.charts)})]


def check(data) -> None:
    from docgen.rules.checks import check_report

    data.report_findings("report", check_report(data.report, [p.project for p in data.projects], data.grade_bands,
                                                data.custom_fields))
    if data.report.score_table.columns:
        data.report_findings("report", check_columns(data.report.score_table.columns, data.custom_fields,
                                                     ("score_table", "columns")))
