"""部门决算公开: figures as printed (amounts, 万元, shares, 增加/减少 phrases) and table cells."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.rules import format_amount, format_decimal, format_percent
from docgen.rules.accounts import ZERO, share, year_on_year


def amount(value: Decimal | None) -> str:
    """Table cells: thousands separators, two decimals, empty when there is no figure."""
    return "" if value is None or value == 0 else format_amount(value)


def wan(value: Decimal | None) -> str:
    """Amounts in sentences: ``1,654.78万元`` (zero prints 0.00)."""
    return f"{format_amount(value or ZERO)}万元"


def percent(value: Decimal) -> str:
    """A percentage as every sentence prints it: two decimals (``66.38%``, ``0.00%``)."""
    return format_percent(value)


def pct(part: Decimal | None, whole: Decimal | None) -> str:
    """占比 with two decimals, half up; 0.00% when the whole is zero."""
    return percent(share(part, whole))


def change(current: Decimal, prior: Decimal | None, noun: str = "") -> str:
    """``增加500.00万元，增长43.30%`` / ``减少1.52万元，下降3.22%`` / ``与上年持平``."""
    yoy = year_on_year(current, prior)
    if yoy is None:
        return ""
    if yoy.unchanged:
        return f"{noun}与上年持平"
    verb, trend = ("增加", "增长") if yoy.increased else ("减少", "下降")
    text = f"{noun}{verb}{wan(yoy.amount)}"
    if yoy.rate is not None:
        text += f"，{trend}{format_decimal(yoy.rate)}%"
    return text


def reason(text: str | None) -> str:
    return f"主要原因是{text}。" if text else ""


# --------------------------------------------------------------------------- document tree


@dataclass(frozen=True)
class Cell:
    text: str
    strong: bool = False
    numeric: bool = False  # right-aligned figure


def num(value: Decimal | None, strong: bool = False) -> Cell:
    return Cell(amount(value), strong, True)
