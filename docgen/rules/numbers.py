"""Rounding: 四舍五入 (half up) to the shown precision, never banker's rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half up: ``round_half_up(Decimal("2.675"))`` → ``2.68``; ``-2.675`` → ``-2.68``."""
    if not isinstance(value, Decimal):
        raise TypeError(f"round_half_up takes a Decimal, got {type(value).__name__}")
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percentage(part: Decimal, whole: Decimal, places: int = 2) -> Decimal | None:
    """占比: ``part / whole × 100`` rounded half up; None when the whole is zero."""
    if whole == 0:
        return None
    return round_half_up(part * 100 / whole, places)
