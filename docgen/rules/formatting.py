"""Chinese formatting used by both renderers (registered as Jinja filters).

Every printed figure goes through one of these, so DOCX and PDF agree to the character.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from docgen.rules.numbers import round_half_up

_DIGITS = "零一二三四五六七八九"


def format_amount(value: Decimal | None, places: int = 2) -> str:
    """Amount with thousands separators, half up: ``Decimal("13954.785")`` → ``13,954.79``."""
    if value is None:
        return ""
    return f"{round_half_up(value, places):,.{places}f}"


def format_decimal(value: Decimal | None, places: int = 2) -> str:
    """Fixed decimals without separators, half up (scores: ``80.06``)."""
    if value is None:
        return ""
    return f"{round_half_up(value, places):.{places}f}"


def places_for(values, minimum: int = 2) -> int:
    """The decimals one column (or table) of figures needs so that none is rounded: the most any
    of them has, at least ``minimum``. ``[50.5, 39.586]`` → 3 (``50.500``, ``39.586``)."""
    exponents = [-v.normalize().as_tuple().exponent for v in values if v is not None and v.is_finite()]
    return max([minimum, *exponents])


def format_percent(value: Decimal | None, places: int = 2) -> str:
    """``Decimal("66.375")`` → ``66.38%``."""
    if value is None:
        return ""
    return f"{format_decimal(value, places)}%"


def format_date(value: dt.date) -> str:
    """Arabic numerals, no leading zeros (GB/T 9704): ``2024年1月5日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_year(year: int) -> str:
    return f"{year}年"


def chinese_numeral(n: int) -> str:
    """Chinese numerals for headings: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if not 0 < n < 1000:
        raise ValueError(f"chinese_numeral supports 1..999, got {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


class Numbering(str, Enum):
    """List numbering styles of official documents."""

    ARABIC = "1."
    ARABIC_PAREN = "（1）"
    CHINESE_PAREN = "（一）"
    CHINESE_COMMA = "一、"


def number_label(n: int, style: Numbering | str = Numbering.ARABIC) -> str:
    """Label of the n-th item (1-based): ``1.``, ``（1）``, ``（一）`` or ``一、``."""
    style = Numbering(style)
    if style is Numbering.ARABIC:
        return f"{n}."
    if style is Numbering.ARABIC_PAREN:
        return f"（{n}）"
    if style is Numbering.CHINESE_PAREN:
        return f"（{chinese_numeral(n)}）"
    return f"{chinese_numeral(n)}、"


def fit_pt(text: str, width_pt: float = 442, largest_pt: float = 36) -> str:
    """Font size (pt) that fits ``text`` of full-width characters on one line of ``width_pt``
    (the 156 mm text block is 442 pt): GB/T 9704 squeezes a long 发文机关标志 to the width."""
    return f"{min(largest_pt, width_pt / max(len(text), 1)):.1f}"


def text_width(text: str) -> Decimal:
    """Width of ``text`` in characters (em) as the official faces set it: an ASCII character
    (Arabic numerals of dates) is half a character, any other a whole one."""
    return sum((Decimal("0.5") if ord(c) < 0x80 else Decimal(1) for c in text), Decimal(0))


@dataclass(frozen=True)
class SignatureIndents:
    """Right indents (characters) of the 发文机关署名 and the 成文日期 lines."""

    name: Decimal
    date: Decimal


def signature_indents(name: str, date: str) -> SignatureIndents:
    """GB/T 9704 §7.3.5.2 (no seal, one issuing body): the name two characters from the right;
    the date on the next line, its first character two characters right of the name's; a date
    longer than that allows is two characters from the right and the name moves left."""
    name_width, date_width = text_width(name), text_width(date)
    if date_width + 2 <= name_width:
        return SignatureIndents(Decimal(2), name_width - date_width)
    return SignatureIndents(4 + date_width - name_width, Decimal(2))


def twips(characters: Decimal | int, size_pt: int = 16) -> int:
    """Characters of ``size_pt`` type in twips (Word's unit: 1/20 pt), for indents of Word templates."""
    return int(round_half_up(Decimal(characters) * size_pt * 20, 0))


#: Filters registered in both renderers' Jinja environments.
FILTERS = {
    "amount": format_amount,
    "decimal": format_decimal,
    "percent": format_percent,
    "cn_date": format_date,
    "cn_year": format_year,
    "cn_numeral": chinese_numeral,
    "number_label": number_label,
    "fit_pt": fit_pt,
    "twips": twips,
}
