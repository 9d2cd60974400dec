"""Reading scores and grades out of result text written by hand (评价结果 cells)."""

from __future__ import annotations

import re
from decimal import Decimal

from docgen.models import GRADE_SYNONYMS, Grade

# "得分89.51分", "综合得分88.68分", "综合得15.00分"
_SCORE = re.compile(r"得分?\s*(\d{1,3}(?:\.\d+)?)\s*分")
# "评级为“良”", "评价等级属于“良”", "评价结论为“差”"
_GRADE = re.compile(r"(?:评级|等级|评价结论|结论)\s*(?:为|是|属于|：|:)?\s*[“\"「]?(优秀|良好|优|良|中|差)[”\"」]?")


def score_and_grade_in(text: str) -> tuple[Decimal | None, Grade | None]:
    """``…绩效评价得分89.51分。评级为“良”。`` → (89.51, 良); (None, None) if neither is stated."""
    score = _SCORE.search(text)
    grade = _GRADE.search(text)
    word = grade.group(1) if grade else None
    return (
        Decimal(score.group(1)) if score else None,
        (GRADE_SYNONYMS.get(word) or Grade(word)) if word else None,
    )
