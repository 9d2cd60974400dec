"""A project's custom fields (``fields:``) checked against the data set's declarations
(``custom_fields:``) and converted to their types, like the built-in fields."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from docgen.diagnostics import Finding
from docgen.models.layout import CustomField, FieldType
from docgen.models.values import Amount, to_date, to_decimal


def _amount(value: Any) -> Amount:
    return TypeAdapter(Amount).validate_python(value)


def _percent(value: Any):
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().removesuffix("%")
    return to_decimal(value)


def _date(value: Any) -> dt.date:
    try:
        return to_date(value)
    except PydanticCustomError as exc:
        raise ValueError(exc.message()) from None


def _message(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(e["msg"] for e in exc.errors())
    return exc.message() if hasattr(exc, "message") else str(exc)  # pydantic's custom errors


def typed_fields(values: dict[str, Any], declared: Sequence[CustomField]) -> tuple[dict[str, Any], list[Finding]]:
    """``values`` (a project's ``fields:``) converted by their declarations, and what is wrong:
    an undeclared name, a value of the wrong type, a choice not on offer, a required field
    missing. Located at ``fields.<name>`` of the project."""
    by_key = {f.key: f for f in declared}
    typed: dict[str, Any] = {}
    findings: list[Finding] = []
    for key, value in values.items():
        spec = by_key.get(str(key))
        if spec is None:
            offered = "、".join(by_key) or "（数据中没有声明custom_fields）"
            findings.append(Finding(("fields", key), f"未声明的自定义字段“{key}”；已声明：{offered}"))
            continue
        if value is None or value == "":
            continue
        try:
            if spec.type is FieldType.AMOUNT:
                typed[spec.key] = _amount(value)
            elif spec.type is FieldType.PERCENT:
                typed[spec.key] = _percent(value)
            elif spec.type is FieldType.DATE:
                typed[spec.key] = _date(value)
            elif spec.type is FieldType.CHOICE:
                if str(value) not in spec.choices:
                    raise ValueError(f"“{spec.label}”应为{'、'.join(spec.choices)}之一，实际为“{value}”")
                typed[spec.key] = str(value)
            else:
                typed[spec.key] = str(value)
        except ValueError as exc:  # pydantic's errors are ValueErrors too
            findings.append(Finding(("fields", key), _message(exc)))
    for spec in declared:
        if spec.required and spec.key not in typed and not any(f.loc == ("fields", spec.key) for f in findings):
            findings.append(Finding(("fields",), f"缺少必填的自定义字段“{spec.key}”（{spec.label}）"))
    return typed, findings
