"""财政支出重点绩效评价项目明细表: one landscape table, cells of several paragraphs."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.contexts.common import Paragraph, numbered, plain
from docgen.contexts.table import TableDoc, declared_table
from docgen.models.layout import CustomField
from docgen.rules.columns import check_columns
from docgen.models import DetailTable, EvaluatedProject, GradeBands
from docgen.rules import Numbering, effective_grade, format_decimal
from docgen.rules.summary import order_rows


@dataclass(frozen=True)
class DetailRow:
    number: str
    department: str
    name: str
    implementing_units: str
    implementation: list[Paragraph]
    result: str
    problems: list[Paragraph]
    suggestions: list[Paragraph]
    remarks: str


@dataclass(frozen=True)
class DetailTableDoc:
    title: str
    unit_label: str
    rows: list[DetailRow]
    #: the table as ``detail_table.columns`` declares it (None: the default layout)
    declared: TableDoc | None = None


def result_text(project: EvaluatedProject, bands: GradeBands | None) -> str:
    """评价结果: the score when there is one, else the grade, else what the data says (未实施)."""
    if project.score is not None:
        return format_decimal(project.score)
    grade = effective_grade(project, bands)
    if grade is not None:
        return grade.value
    return project.result_note or ""


#: The landscape page's text width (297 mm less 15 mm margins) and the table's type size.
TABLE_MM, TYPE_PT = 267, 10


def build_detail_table(table: DetailTable, projects: list[EvaluatedProject],
                       bands: GradeBands | None = None, custom: list[CustomField] = ()) -> DetailTableDoc:
    ordered = order_rows(projects, table.order, lambda p: p.score, lambda p: effective_grade(p, bands),
                         lambda p: p.agency or "")
    rows = [
        DetailRow(
            number=str(rank if rank is not None else i),
            department=p.department or "",
            name=p.name,
            implementing_units="、".join(p.implementing_units),
            implementation=plain(p.implementation),
            result=result_text(p, bands),
            problems=numbered(p.problems, Numbering.CHINESE_PAREN),
            suggestions=numbered(p.suggestions or p.rectification, Numbering.CHINESE_PAREN),
            remarks=p.remarks or "",
        )
        for i, (p, rank) in enumerate(ordered, start=1)
    ]
    declared = declared_table(table.columns, projects, table.order, bands, custom, table_mm=TABLE_MM,
                              size_pt=TYPE_PT) if table.columns else None
    return DetailTableDoc(title=table.title, unit_label=f"单位：{table.unit.value}", rows=rows, declared=declared)


# --- family hooks (docgen.families): the data set's documents


def documents(data) -> list:
    from docgen.families import Document

    return [Document("detail-table", {"table": build_detail_table(
        data.detail_table, [p.project for p in data.projects], data.grade_bands, data.custom_fields)})]


def check(data) -> None:
    if data.detail_table.columns:
        data.report_findings("detail_table", check_columns(data.detail_table.columns, data.custom_fields))
