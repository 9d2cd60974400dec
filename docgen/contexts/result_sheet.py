"""重大政策和重点项目预算绩效评价结果: the per-project result sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.contexts.common import Paragraph, Section, numbered, plain
from docgen.models import EvaluatedProject, GradeBands, Publisher
from docgen.rules import effective_grade, format_amount, format_decimal
from docgen.rules.columns import custom_text

#: Row labels of the sheet, as published.
LABEL_OVERVIEW = "项目概况"
LABEL_RESULT = "评价结果等次及主要问题"
LABEL_RECTIFICATION = "整改要求"
LABEL_SUGGESTIONS = "建议"
LABEL_REMARKS = "备注"


@dataclass(frozen=True)
class ResultSheet:
    """One sheet: heading block, the project's facts, then labelled sections."""

    area: str
    title: str
    name: str
    object_type: str
    department: str
    implementing_units: str
    evaluation_time: str
    expenditure: str
    agency: str
    conclusion: str
    sections: list[Section] = field(default_factory=list)
    #: the project's custom fields as printed, by key (``{{ sheet.fields["资金来源"] }}``)
    fields: dict[str, str] = field(default_factory=dict)


def conclusion_sentence(project: EvaluatedProject, bands: GradeBands | None = None) -> str:
    """``绩效评价得分 80.06 分，绩效等级为“良”。`` from the score (and the grade it implies)."""
    grade = effective_grade(project, bands)
    if project.score is not None:
        return f"绩效评价得分 {format_decimal(project.score)} 分，绩效等级为“{grade.value}”。"
    if grade is not None:
        return f"绩效等级为“{grade.value}”。"
    return ""


def build_result_sheet(project: EvaluatedProject, publisher: Publisher,
                       bands: GradeBands | None = None) -> ResultSheet:
    """The document tree of one result sheet."""
    conclusion = conclusion_sentence(project, bands)
    result = ([Paragraph(conclusion)] if conclusion else []) + numbered(project.problems)
    sections = [Section(LABEL_OVERVIEW, plain(project.overview)), Section(LABEL_RESULT, result)]
    if project.rectification:
        sections.append(Section(LABEL_RECTIFICATION, numbered(project.rectification)))
    if project.suggestions:
        sections.append(Section(LABEL_SUGGESTIONS, numbered(project.suggestions)))
    if project.remarks:
        sections.append(Section(LABEL_REMARKS, plain([project.remarks])))
    expenditure = (
        f"{format_amount(project.expenditure.value)}{project.expenditure.unit.value}"
        if project.expenditure
        else ""
    )
    return ResultSheet(
        area=publisher.area,
        title=publisher.sheet_title,
        name=project.name,
        object_type=project.object_type.value,
        department=project.department or "",
        implementing_units="、".join(project.implementing_units),
        evaluation_time=f"{project.evaluation_year}年",
        expenditure=expenditure,
        agency=project.agency or "",
        conclusion=conclusion,
        sections=sections,
        fields={key: custom_text(value) for key, value in project.fields.items()},
    )


# --- family hooks (docgen.families): the data set's documents and checks


def document(project, data):
    """The sheet of one evaluated project, named by the project's output stem."""
    from docgen.families import Document

    return Document(project.output_stem, {"sheet": build_result_sheet(project.project, data.publisher,
                                                                      data.grade_bands)})


def documents(data) -> list:
    """One sheet per evaluated project."""
    return [document(p, data) for p in data.projects]


def check_one(project, data) -> list:
    """The project has what a sheet prints (实施单位, 评价年度, 项目概况)."""
    from docgen.rules.checks import check_result_sheet_fields

    return check_result_sheet_fields(project.project)
