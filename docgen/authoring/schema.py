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
from docgen.models.project import UNPUBLISHABLE, UNPUBLISHED
from docgen.models.layout import CustomField, FieldType
from docgen.models.packet import Packet
from docgen.models.values import DATE_PATTERN


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
    schema = for_editors(model_for(kind).model_json_schema())
    schema["title"] = file_kinds()[kind][0]
    project = schema if kind == "project" else schema.get("$defs", {}).get("EvaluatedProject")
    if project is not None:
        project["defaultSnippets"] = [PROJECT_SNIPPET]
        for name in UNPUBLISHABLE:  # "score: 未公开" is read as well as a score
            field = project["properties"][name]
            project["properties"][name] = {**{k: v for k, v in field.items() if k != "anyOf"},
                                           "anyOf": [*field.get("anyOf", []), {"const": UNPUBLISHED}]}
        if custom:
            project["properties"]["fields"] = custom_fields_schema(custom)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


#: What an editor inserts for a new project (VS Code's YAML extension: ``defaultSnippets``).
PROJECT_SNIPPET = {
    "label": "评价对象（项目）",
    "description": "插入一个完整的评价对象：名称、实施单位、评价年度、概况、得分、主要问题、整改要求",
    "body": {"object_type": "项目", "name": "$1", "implementing_units": ["$2"], "evaluation_year": 2024,
             "overview": ["$3"], "score": 0, "problems": ["$4"], "rectification": ["$5"]},
}

#: pydantic writes its own names for some bounds; JSON Schema's are these
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
#: a whole number as docgen reads it: full-width digits too (２０２３)
_WHOLE_TEXT = {"type": "string", "pattern": r"^\s*[0-9０-９]+\s*$"}


def for_editors(node):
    """A schema as an editor should apply it: JSON Schema's own keywords for bounds
    (``minimum``, not pydantic's ``ge``: an editor ignored them and took 1800 for a year), no
    ``null`` inserted for an optional field on completion, and whole numbers also as
    full-width digits, which docgen reads."""
    if isinstance(node, list):
        return [for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {_BOUNDS.get(k, k): for_editors(v) for k, v in node.items() if not (k == "default" and v is None)}
    if node.get("type") == "integer" and "anyOf" not in node:
        # what an editor shows stays on the field, the two forms go under it
        shown = {k: node.pop(k) for k in ("title", "description", "examples") if k in node}
        return {**shown, "anyOf": [node, _WHOLE_TEXT]}
    return node


def custom_fields_schema(custom: Sequence[CustomField]) -> dict:
    """``fields:`` of a project as the packet declares them."""
    date = {"type": "string", "pattern": DATE_PATTERN, "examples": ["2024年12月31日", "2024-12-31"]}
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
