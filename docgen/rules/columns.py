"""A declared table column's figures: which project field it reads, converted and rounded as
the column says (金额单位换算, 小数位数, 合计). Pure: projects in, printed strings out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from docgen.diagnostics import Finding
from docgen.models.layout import CustomField, FieldType, TableColumn
from docgen.models.project import UNPUBLISHED
from docgen.models.values import Amount, Unit
from docgen.rules.formatting import Numbering, format_amount, format_date, format_decimal, format_percent, number_label
from docgen.rules.execution import execution_rate
from docgen.rules.summary import UNRATED, total_of_printed

#: The column that numbers the rows (序号 or, in a ranked table, 排名).
NUMBER = "number"

#: Built-in fields a column may show, with their Chinese names (for messages and the schema).
#: ``grade`` prints the effective grade (from the score where there is one), or 未评价.
BUILTIN_FIELDS = {
    NUMBER: "序号",
    "name": "项目名称",
    "department": "主管部门或单位",
    "implementing_units": "项目实施单位",
    "object_type": "评价对象类型",
    "evaluation_year": "评价时间",
    "expenditure": "项目支出",
    "budget": "预算数",
    "executed": "执行数",
    "execution_rate": "预算执行率",
    "score": "评价得分",
    "grade": "评价等级",
    "agency": "评价机构",
    "remarks": "备注",
    "result_note": "评价结果说明",
    "result": "评价结果",
    "overview": "项目概况",
    "implementation": "项目实施情况",
    "problems": "主要问题",
    "rectification": "整改要求",
    "suggestions": "建议",
}

#: Fields of paragraphs: a cell holds one paragraph each, those of problems and suggestions
#: numbered （一）（二）… as the detail table numbers them.
PARAGRAPH_FIELDS = frozenset({"overview", "implementation"})
NUMBERED_FIELDS = frozenset({"problems", "rectification", "suggestions"})

#: Built-in fields holding amounts; a column of them converts to its unit (default 万元).
AMOUNT_FIELDS = frozenset({"expenditure", "budget", "executed"})
#: Built-in percentages: printed with %, the rate as entered or else computed (执行数÷预算数).
PERCENT_FIELDS = frozenset({"execution_rate"})
#: The unit an amount column prints in when it declares none (the 汇总表's 万元).
DEFAULT_UNIT = Unit.WAN


def column_fields(custom: Sequence[CustomField]) -> dict[str, str]:
    """Every field a column may name: built-in and declared custom ones, with their labels."""
    return {**BUILTIN_FIELDS, **{f.key: f.label for f in custom}}


def check_columns(columns: Sequence[TableColumn], custom: Sequence[CustomField],
                  loc: tuple = ("columns",)) -> list[Finding]:
    """Every column names a known field; unit and sum only on amount columns."""
    known = column_fields(custom)
    kinds = {f.key: f.type for f in custom}
    findings = []
    for i, column in enumerate(columns):
        here = loc + (i,)
        if column.field not in known:
            offered = "、".join(k if k == label else f"{k}（{label}）" for k, label in known.items())
            findings.append(Finding(here + ("field",), f"未知的字段“{column.field}”；可用：{offered}"))
            continue
        amount = column.field in AMOUNT_FIELDS or kinds.get(column.field) is FieldType.AMOUNT
        if column.unit is not None and not amount:
            findings.append(Finding(here + ("unit",), f"“{known[column.field]}”不是金额，不能设置金额单位"))
        if column.sum and not amount:
            findings.append(Finding(here + ("sum",), f"“{known[column.field]}”不是金额，不能计入合计"))
    return findings


def _raw(project: Any, field: str) -> Any:
    if field in BUILTIN_FIELDS:
        return getattr(project, field, None)
    return (getattr(project, "fields", None) or {}).get(field)


def column_values(column: TableColumn, projects: Sequence[Any], grade: Callable[[Any], Any],
                  numbers: Sequence[str]) -> list[Decimal | str | None]:
    """The column's value for each project, before printing: amounts as Decimal in the
    column's unit (exact), everything else as the text to print. ``grade`` gives a project's
    effective grade; ``numbers`` the rows' 序号 or 排名."""
    out: list[Decimal | str | None] = []
    for project, number in zip(projects, numbers):
        if column.field in getattr(project, "unpublished", ()) or (
                column.field == "result" and "score" in project.unpublished and project.grade is None):
            out.append(UNPUBLISHED)  # printed so, and not summed
            continue
        if column.field == NUMBER:
            out.append(number)
            continue
        if column.field == "grade":
            g = grade(project)
            out.append(g.value if g is not None else UNRATED)
            continue
        if column.field == "result":  # the score, else the grade, else what the data says (未实施)
            g = grade(project)
            out.append(project.score if project.score is not None else g.value if g is not None
                       else project.result_note or "")
            continue
        if column.field == "execution_rate":
            entered = project.execution_rate
            out.append(entered if entered is not None else execution_rate(project.budget, project.executed))
            continue
        if column.field in PARAGRAPH_FIELDS:
            out.append(tuple(getattr(project, column.field)))
            continue
        if column.field in NUMBERED_FIELDS:
            items = getattr(project, column.field)
            out.append(tuple(f"{number_label(i, Numbering.CHINESE_PAREN)}{t}" for i, t in enumerate(items, start=1)))
            continue
        value = _raw(project, column.field)
        if isinstance(value, Amount):
            out.append(value.in_unit(column.unit or DEFAULT_UNIT))
        else:
            out.append(value)
    return out


def printed(column: TableColumn, values: Sequence[Any], kind: FieldType | None = None) -> list[str]:
    """The column's cells as printed: amounts with thousands separators and the column's
    decimals (2 by default), other figures with the column's decimals or each as entered, percentages
    with ``%``, dates as GB/T 9704 writes them, lists joined with 、."""
    amount = kind is FieldType.AMOUNT or column.field in AMOUNT_FIELDS
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, Decimal):
            # as entered when the column sets no decimals (a score of 91 stays 91, 93.4 stays 93.4)
            decimals = column.decimals if column.decimals is not None else 2 if amount else max(0, -v.as_tuple().exponent)
            if kind is FieldType.PERCENT or column.field in PERCENT_FIELDS:
                out.append(format_percent(v, decimals))
            elif amount:
                out.append(format_amount(v, decimals))
            else:
                out.append(format_decimal(v, decimals))
        elif isinstance(v, dt.date):
            out.append(format_date(v))
        elif isinstance(v, Enum):
            out.append(str(v.value))
        elif isinstance(v, tuple):  # paragraphs: one line each
            out.append("\n".join(v))
        elif isinstance(v, list):
            out.append("、".join(map(str, v)))
        else:
            out.append(str(v))
    return out


def column_total(column: TableColumn, values: Sequence[Any]) -> str:
    """The 合计 of an amount column: the sum of its rows as printed (so that a reader adding
    the column gets the total), with the column's decimals."""
    places = 2 if column.decimals is None else column.decimals
    amounts = [v for v in values if isinstance(v, Decimal)]
    if not amounts:
        return ""
    return format_amount(total_of_printed(amounts, places), places)



def custom_text(value: Any) -> str:
    """A custom field's value as a template prints it: an amount with its unit as entered
    (``7,300.00万元``), a percentage with %, a date as GB/T 9704 writes it, text as written."""
    if isinstance(value, Amount):
        return f"{format_amount(value.value)}{value.unit.value}"
    if isinstance(value, Decimal):
        return format_percent(value, max(0, -value.as_tuple().exponent))
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)
