"""Pure functions: grades, ranks, totals, percentages, formatting and consistency checks."""

from docgen.rules.checks import check_project
from docgen.rules.execution import execution_rate, overall_execution_rate
from docgen.rules.formatting import (
    FILTERS,
    Numbering,
    chinese_numeral,
    format_amount,
    format_date,
    format_decimal,
    format_percent,
    number_label,
)
from docgen.rules.grades import effective_grade, grade_for, published_score
from docgen.rules.numbers import percentage, round_half_up

__all__ = [
    "FILTERS",
    "Numbering",
    "check_project",
    "chinese_numeral",
    "effective_grade",
    "execution_rate",
    "format_amount",
    "format_date",
    "format_decimal",
    "format_percent",
    "grade_for",
    "number_label",
    "overall_execution_rate",
    "percentage",
    "published_score",
    "round_half_up",
]
