"""``docgen schema``: JSON Schemas of every input file kind, for editors (VS Code + YAML).

Each kind is the subset of the data file model (:func:`docgen.input.data_file_model`) that
such a file holds (the registry says which families' blocks, :mod:`docgen.families`), so a
file that its schema accepts is also valid data. Titles and descriptions are the models'.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, create_model

from docgen import families
from docgen.input import data_file_model
from docgen.models import EvaluatedProject
from docgen.models.layout import CustomField, FieldType
from docgen.models.packet import Packet


def file_kinds() -> dict[str, tuple[str, type[BaseModel] | tuple[str, ...]]]:
    """kind → (title, model or the data file blocks it holds): one project, each registered
    file kind (:data:`docgen.families.FILE_KINDS`) with its families' blocks, the packet."""
    kinds: dict[str, tuple[str, type[BaseModel] | tuple[str, ...]]] = {
        "project": ("评价对象（每个项目一个文件）", EvaluatedProject)}
    for kind, title in families.FILE_KINDS.items():
        specs = [spec for spec in families.FAMILIES if spec.file_kind == kind]
        blocks = tuple(b.key for spec in specs for b in (spec.block, *spec.supporting)) + ("grade_bands",)
        uses_projects = any(spec.uses_projects for spec in specs)
        kinds[kind] = (title, blocks + (("custom_fields", "projects") if uses_projects else ()))
    kinds["packet"] = ("公开包（docgen build）", Packet)
    return kinds


KINDS = file_kinds()


def model_for(kind: str) -> type[BaseModel]:
    title, spec = file_kinds()[kind]
    if isinstance(spec, type):
        return spec
    model = data_file_model()
    fields = {name: (model.model_fields[name].annotation, model.model_fields[name]) for name in spec}
    return create_model(f"{kind.title()}File", __config__=ConfigDict(extra="forbid", title=title), **fields)


def schema_for(kind: str, custom: Sequence[CustomField] = ()) -> dict:
    """The JSON Schema of a kind of file; with a packet's ``custom`` fields, a project's
    ``fields:`` lists them, each with its type, label and choices (an editor completes them)."""
    schema = model_for(kind).model_json_schema()
    schema["title"] = file_kinds()[kind][0]
    if custom:
        project = schema if kind == "project" else schema.get("$defs", {}).get("EvaluatedProject")
        if project is not None:
            project["properties"]["fields"] = custom_fields_schema(custom)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def custom_fields_schema(custom: Sequence[CustomField]) -> dict:
    """``fields:`` of a project as the packet declares them."""
    date = {"type": "string", "pattern": r"^\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*日?$",
            "examples": ["2024年12月31日", "2024-12-31"]}
    kinds = {
        FieldType.TEXT: {"type": "string"},
        FieldType.AMOUNT: {"anyOf": [{"type": "string", "pattern": "^.*(元|万元|亿元)$", "examples": ["120万元"]},
                                     {"type": "object"}]},
        FieldType.PERCENT: {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[\d.,，．０-９]+\s*[%％]?$"}]},
        FieldType.DATE: {"anyOf": [date, {"type": "string", "format": "date"}]},
    }
    properties = {}
    for f in custom:
        entry = {"enum": list(f.choices)} if f.type is FieldType.CHOICE else dict(kinds[f.type])
        properties[f.key] = {"title": f.label, "description": f"{f.label}（{f.type.value}）", **entry}
    return {"type": "object", "title": "自定义字段", "properties": properties, "additionalProperties": False,
            "required": [f.key for f in custom if f.required]}


def write_schemas(folder: Path, custom: Sequence[CustomField] = ()) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind (with a packet's custom fields); returns the
    files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in file_kinds():
        path = folder / f"{kind}.schema.json"
        text = json.dumps(schema_for(kind, custom), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
