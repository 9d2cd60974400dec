"""Value types shared by every input file: decimals, amounts, grades.

Input is forgiving where office practice varies (``1,234.56``, full-width digits,
``120万元``, ``良好``) and strict where a wrong guess would print a wrong figure
(an amount without a unit is an error, not a guess).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def normalise_number_text(text: str) -> str:
    """Full-width digits and separators to ASCII, thousands separators removed.

    ``"１，２３４．５６"`` → ``"1234.56"``. Raises ValueError when the text is not a number.
    """
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    if not _PLAIN.match(t):
        raise ValueError(t)
    return t


#: The largest figure any document prints (万亿 is 10**12): beyond it a number is a typing slip,
#: and a renderer's arithmetic would fail on it.
MAX_FIGURE = Decimal(10) ** 15


def to_decimal(value: Any) -> Decimal:
    """Decimal from YAML input; never goes through binary floating point. Finite and below
    :data:`MAX_FIGURE` in size, or a Chinese error."""
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "应为数字，实际为{value}", {"value": value})
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):  # only from callers that bypass the loader
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(normalise_number_text(value))
        except (ValueError, InvalidOperation):
            raise PydanticCustomError(
                "decimal_parsing", "应为数字，实际为“{value}”", {"value": value}
            ) from None
    else:
        raise PydanticCustomError("decimal_type", "应为数字，实际为{value}", {"value": value})
    if not number.is_finite():
        raise PydanticCustomError("decimal_finite", "应为有限的数，实际为“{value}”", {"value": value})
    if abs(number) >= MAX_FIGURE:
        raise PydanticCustomError("decimal_size", "数值过大（{value}），请检查是否多写了位数", {"value": value})
    return number


DecimalValue = Annotated[
    Decimal, BeforeValidator(to_decimal), PlainSerializer(lambda d: str(d), return_type=str)
]


def to_int(value: Any) -> Any:
    """Whole numbers may be written with full-width digits (``２０２３``)."""
    if isinstance(value, str):
        try:
            text = normalise_number_text(value)
        except ValueError:
            return value  # pydantic says it is not a whole number
        return int(text) if text.lstrip("+-").isdigit() else value
    return value


IntValue = Annotated[int, BeforeValidator(to_int)]


def _not_negative(what: str):
    def check(value):
        if value < 0:
            raise PydanticCustomError("value_negative", f"{what}不能为负数，实际为{{value}}", {"value": str(value)})
        return value
    return check


#: An amount that cannot be below zero: money received or spent, a 合计/总计, a budget.
NonNegativeDecimal = Annotated[DecimalValue, AfterValidator(_not_negative("金额")),
                               Field(json_schema_extra={"minimum": 0})]
#: A count: vehicles, people, batches, projects.
Count = Annotated[IntValue, AfterValidator(_not_negative("数量")), Field(json_schema_extra={"minimum": 0})]


def _score(value: Any) -> Decimal:
    score = to_decimal(value)
    if not Decimal(0) <= score <= Decimal(100):
        raise PydanticCustomError(
            "score_range", "评分应在0到100之间，实际为{score}", {"score": str(score)}
        )
    return score


#: a number as docgen reads it from text: full-width digits, thousands separators (the editor's schema)
NUMBER_TEXT = {"type": "string", "pattern": r"^\s*[+-]?[0-9０-９][0-9０-９,，]*([.．][0-9０-９]+)?\s*$"}

Score = Annotated[
    Decimal,
    BeforeValidator(_score),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, NUMBER_TEXT],
                    "examples": [86.5]}),
]


def to_percentage(value: Any) -> Decimal:
    """A rate in percent as written: ``"90.29%"``, ``90.29``, ``"９０．２９％"`` → ``Decimal("90.29")``.

    The digits are kept as entered (``"90.30%"`` stays ``90.30``): the exponent is the precision
    the rate was printed with, which its consistency check needs. Not negative."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            text = text[:-1].strip()
        if not text:
            raise PydanticCustomError("percent_parsing", "应为百分比，例如“90.29%”，实际为“{value}”",
                                      {"value": value})
        try:
            number = to_decimal(text)
        except PydanticCustomError as error:
            if error.type != "decimal_parsing":
                raise
            raise PydanticCustomError("percent_parsing", "应为百分比，例如“90.29%”，实际为“{value}”",
                                      {"value": value}) from None
    else:
        number = to_decimal(value)
    if number < 0:
        raise PydanticCustomError("percent_negative", "百分比不能为负数，实际为{value}", {"value": str(value)})
    return number


#: A percentage (预算执行率): the number of percent with the digits as entered; printed ``90.29%``.
Percentage = Annotated[
    Decimal,
    BeforeValidator(to_percentage),
    PlainSerializer(lambda d: f"{d}%", return_type=str),
    WithJsonSchema({"anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9０-９]+([.．][0-9０-９]+)?\s*[%％]?\s*$", "examples": ["90.29%"]},
    ]}),
]


_DATE = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
#: what an editor accepts for a date (the JSON Schema of DateValue)
DATE_PATTERN = r"^\s*[0-9０-９]{4}\s*[年.\-/．－／]\s*[0-9０-９]{1,2}\s*[月.\-/．－／]\s*[0-9０-９]{1,2}\s*日?\s*$"


def to_date(value: Any) -> dt.date:
    """A date as offices write it: 2024-12-31, 2024年12月31日, 2024.12.31, 2024/12/31 (also in
    full-width digits); a date that does not exist is said in Chinese (not "month must be in 1..12")."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.match(text)
    if not match:
        raise PydanticCustomError("date", "应为日期（如2024-12-31或2024年12月31日），实际为“{value}”", {"value": str(value)})
    year, month, day = map(int, match.groups())
    if not 1 <= month <= 12:
        raise PydanticCustomError("date", "日期“{value}”的月份应在1到12之间", {"value": str(value)})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PydanticCustomError("date", "日期“{value}”不存在：{year}年{month}月没有{day}日",
                                  {"value": str(value), "year": year, "month": month, "day": day}) from None


DateValue = Annotated[dt.date, BeforeValidator(to_date),
                      WithJsonSchema({"type": "string", "pattern": DATE_PATTERN,
                                      "examples": ["2024-12-31", "2024年12月31日"]})]


class Grade(str, Enum):
    """评价等级 (财预〔2020〕10号): 优、良、中、差."""

    EXCELLENT = "优"
    GOOD = "良"
    FAIR = "中"
    POOR = "差"


#: Grade words seen in published documents that mean one of the four grades.
GRADE_SYNONYMS: dict[str, Grade] = {"优秀": Grade.EXCELLENT, "良好": Grade.GOOD}


def to_grade(value: Any) -> Grade:
    if isinstance(value, Grade):
        return value
    if isinstance(value, str):
        word = unicodedata.normalize("NFKC", value).strip()
        if word in GRADE_SYNONYMS:
            return GRADE_SYNONYMS[word]
        for grade in Grade:
            if word == grade.value:
                return grade
    raise PydanticCustomError(
        "grade_word", "评价等级应为优、良、中、差之一（也可写优秀、良好），实际为“{value}”",
        {"value": value},
    )


GradeValue = Annotated[
    Grade,
    BeforeValidator(to_grade),
    WithJsonSchema({"type": "string", "enum": ["优", "良", "中", "差", "优秀", "良好"]}),
]


class Unit(str, Enum):
    """金额单位."""

    YUAN = "元"
    WAN = "万元"
    YI = "亿元"

    @property
    def factor(self) -> Decimal:
        return {Unit.YUAN: Decimal(1), Unit.WAN: Decimal(10_000), Unit.YI: Decimal(100_000_000)}[
            self
        ]


_AMOUNT_TEXT = re.compile(r"^(?P<number>.*?)(?P<unit>亿元|万元|元)$")


class Amount(BaseModel):
    """金额: a Decimal with its unit. Written ``120万元``, ``1,234.56 元`` or ``{value: 120, unit: 万元}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="金额")

    value: DecimalValue = Field(title="数额", description="不带单位的数字，例如 6354.80")
    unit: Unit = Field(title="单位", description="元、万元或亿元")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            text = unicodedata.normalize("NFKC", data).strip()
            match = _AMOUNT_TEXT.match(text)
            if not match:
                raise PydanticCustomError(
                    "amount_unit", "金额需注明单位（元、万元或亿元），例如“120万元”，实际为“{value}”",
                    {"value": data},
                )
            return {"value": match["number"].strip(), "unit": match["unit"]}
        if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
            raise PydanticCustomError(
                "amount_unit", "金额需注明单位（元、万元或亿元），例如“120万元”，实际为“{value}”",
                {"value": data},
            )
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        # editors should accept the written form “120万元” as well as the mapping
        return {"anyOf": [{"type": "string", "pattern": r"^.*(元|万元|亿元)$", "examples": ["120万元"]},
                          handler(core_schema)]}

    @field_validator("value")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:  # 项目支出 and a published 合计 are spent money
            raise PydanticCustomError("amount_negative", "金额不能为负数，实际为{value}", {"value": str(value)})
        return value

    def in_unit(self, unit: Unit) -> Decimal:
        """The exact value expressed in another unit (no rounding)."""
        return self.value * self.unit.factor / unit.factor


#: Names Windows gives to devices: a file cannot be called so, whatever its extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
#: The longest output name (UTF-8 bytes, extension included): file systems allow 255.
MAX_OUTPUT_NAME_BYTES = 200


def output_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an output's file name in any folder on any system, in Chinese;
    None when it can."""
    if name in (".", "..") or name.startswith("."):
        return f"文件名不能以“.”开头（会成为隐藏文件或上级目录），实际为“{name[:60]}”"
    if any(c in name for c in '/\\:*?"<>|') or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return f"文件名不能含有目录分隔符、控制字符或 :*?\"<>|，实际为“{name[:60]!r}”"
    if name.split(".", 1)[0].casefold() in _RESERVED:
        return f"“{name[:60]}”是Windows的设备名，不能作文件名"
    if len(name.encode("utf-8")) > MAX_OUTPUT_NAME_BYTES - 5:  # room for .docx
        return f"文件名过长（{len(name.encode('utf-8'))}字节），最多{MAX_OUTPUT_NAME_BYTES - 5}字节"
    return None
