"""The data contract: pydantic models of every input file. No I/O here."""

from docgen.models.project import (
    RESULT_SHEET_FIELDS,
    EvaluatedProject,
    GradeBands,
    ObjectType,
    Publisher,
)
from docgen.models.report import (
    ChartKind,
    DetailTable,
    DocumentNumber,
    OfficialReport,
    Ordering,
    ResultsSummary,
    ScoreTable,
    TextSection,
)
from docgen.models.values import GRADE_SYNONYMS, Amount, Grade, Unit, normalise_number_text, to_decimal

__all__ = [
    "GRADE_SYNONYMS",
    "RESULT_SHEET_FIELDS",
    "Amount",
    "ChartKind",
    "DetailTable",
    "DocumentNumber",
    "EvaluatedProject",
    "Grade",
    "GradeBands",
    "ObjectType",
    "OfficialReport",
    "Ordering",
    "Publisher",
    "ResultsSummary",
    "ScoreTable",
    "TextSection",
    "Unit",
    "normalise_number_text",
    "to_decimal",
]
