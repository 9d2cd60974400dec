"""Consistency checks on loaded models: each returns Findings located by field path."""

from __future__ import annotations

import re

from docgen.diagnostics import Finding, Severity
from docgen.models import EvaluatedProject, GradeBands
from docgen.rules.grades import check_grade

_HTML_TAG = re.compile(r"</?(p|ol|ul|li|br|b|span|div|strong)\b[^>]*>", re.IGNORECASE)


def check_no_markup(project: EvaluatedProject) -> list[Finding]:
    """Data is plain text; HTML pasted from a web page would be printed literally, so warn."""
    findings = []
    for name, value in project:
        texts = value if isinstance(value, list) else [value]
        for i, text in enumerate(texts):
            if isinstance(text, str) and (m := _HTML_TAG.search(text)):
                loc = (name, i) if isinstance(value, list) else (name,)
                findings.append(
                    Finding(
                        loc,
                        f"文本中含有HTML标记“{m.group(0)}”，将按原样印出；段落和条目请写成YAML列表",
                        Severity.WARNING,
                    )
                )
    return findings


def check_project(project: EvaluatedProject, bands: GradeBands | None = None) -> list[Finding]:
    """Every check that applies to one evaluated project."""
    findings = check_grade(project, bands)
    if project.score is None and project.grade is None:
        findings.append(Finding(("score",), "未填写评价得分或评价等级，结果表将不显示评价结论", Severity.WARNING))
    findings += check_no_markup(project)
    return findings
