"""Validation against the pydantic models, with every error as a Chinese sentence a finance
officer can act on, located by file, line and field path."""

from __future__ import annotations

import difflib
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from docgen.diagnostics import Diagnostics, Finding
from docgen.input.yaml import SourceFile


def _unwrap(annotation: Any) -> Any:
    """The model class behind ``X | None``, ``list[X]``, ``Annotated[X, …]``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        elif origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that owns the last part of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = _field_by_key(current, part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_by_key(model: type[BaseModel], key: str):
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _title(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    owner = _model_at(model, loc)
    if owner and loc and isinstance(loc[-1], str):
        info = _field_by_key(owner, loc[-1])
        if info is not None and info.title:
            return f"（{info.title}）"
    return ""


def _type_word(value: Any) -> str:
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, bool):
        return f"布尔值{value}"
    if isinstance(value, (int, Decimal, float)):
        return f"数字{value}"
    if isinstance(value, str):
        return f"“{value}”"
    return type(value).__name__


def chinese_message(model: type[BaseModel], error: dict) -> str:
    """One pydantic error as a Chinese sentence a finance officer can act on."""
    kind, loc, value, ctx = error["type"], error["loc"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"缺少必填字段“{loc[-1]}”{_title(model, loc)}"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        known = _keys(owner) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"，是否应为“{close[0]}”？" if close else (f"；可用字段：{'、'.join(known)}" if known else "")
        return f"未知字段“{loc[-1]}”{hint}"
    if kind in {"string_type"}:
        return f"应为文本，实际为{_type_word(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"应为整数，实际为{_type_word(value)}"
    if kind in {"list_type"}:
        return f"应为列表（每项另起一行，以“- ”开头），实际为{_type_word(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"应为键值对（“键: 值”），实际为{_type_word(value)}"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        return f"应为{expected}之一，实际为{_type_word(value)}"
    if kind == "greater_than_equal":
        return f"应不小于{ctx.get('ge')}，实际为{_type_word(value)}"
    if kind == "less_than_equal":
        return f"应不大于{ctx.get('le')}，实际为{_type_word(value)}"
    if kind == "too_short":
        if isinstance(value, str):
            return "不能为空"
        return f"至少需要{ctx.get('min_length')}项"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_pattern_mismatch":
        return f"只能包含字母、数字、“-”“_”“.”，实际为{_type_word(value)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"应为是/否（true/false），实际为{_type_word(value)}"
    if kind.startswith(("decimal_", "score_", "grade_", "amount_")) or not error["msg"].isascii():
        return error["msg"]
    return f"数据有误：{error['msg']}"


def validate_model(model: type[BaseModel], source: SourceFile, data: Any, prefix: tuple = (),
                   diagnostics: Diagnostics | None = None) -> Any:
    """Validate ``data`` (found at ``prefix`` in ``source``) as ``model``; errors go to diagnostics."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if diagnostics is not None:
                diagnostics.add(source.diagnostic(prefix + loc, chinese_message(model, error)))
        return None


def add_findings(source: SourceFile, prefix: tuple, findings: list[Finding], diagnostics: Diagnostics) -> None:
    for f in findings:
        diagnostics.add(source.diagnostic(prefix + f.loc, f.message, f.severity))
