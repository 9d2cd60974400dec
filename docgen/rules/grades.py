"""Grades (评价等级) from scores, with configurable bands."""

from __future__ import annotations

from decimal import Decimal

from docgen.models import EvaluatedProject, Grade, GradeBands
from docgen.diagnostics import Finding
from docgen.rules.numbers import round_half_up

#: Scores are published with two decimals; a grade follows the published score.
SCORE_PLACES = 2


def published_score(score: Decimal) -> Decimal:
    """The score as printed: two decimals, half up (80.055 → 80.06)."""
    return round_half_up(score, SCORE_PLACES)


def grade_for(score: Decimal, bands: GradeBands | None = None) -> Grade:
    """评价等级 for a score: with the default bands 90.00 is 优, 89.99 is 良, 59.99 is 差."""
    bands = bands or GradeBands()
    shown = published_score(score)
    for grade, lowest in bands.lower_bounds():
        if shown >= lowest:
            return grade
    return Grade.POOR


def effective_grade(project: EvaluatedProject, bands: GradeBands | None = None) -> Grade | None:
    """The grade to print: derived from the score when there is one, else as entered."""
    if project.score is not None:
        return grade_for(project.score, bands)
    return project.grade


def check_grade(project: EvaluatedProject, bands: GradeBands | None = None) -> list[Finding]:
    """An entered grade must agree with the score."""
    if project.score is None or project.grade is None:
        return []
    expected = grade_for(project.score, bands)
    if expected is project.grade:
        return []
    return [
        Finding(
            ("grade",),
            f"评价等级“{project.grade.value}”与评分{published_score(project.score)}不符，"
            f"按评分应为“{expected.value}”",
        )
    ]
