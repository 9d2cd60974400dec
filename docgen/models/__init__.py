"""The data contract: pydantic models of every input file. No I/O here."""

from docgen.models.project import (
    EvaluatedProject,
    GradeBands,
    ObjectType,
    ProjectCollection,
    Publisher,
)
from docgen.models.values import Amount, Grade, Unit, normalise_number_text, to_decimal

__all__ = [
    "Amount",
    "EvaluatedProject",
    "Grade",
    "GradeBands",
    "ObjectType",
    "ProjectCollection",
    "Publisher",
    "Unit",
    "normalise_number_text",
    "to_decimal",
]
