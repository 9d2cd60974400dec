"""``docgen schema``: JSON Schemas of every input file kind, for editors (VS Code + YAML).

Each kind is the subset of :class:`~docgen.models.DataFile` that such a file holds, so a
file that its schema accepts is also valid data. Titles and descriptions are the models'.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, create_model

from docgen.models import DataFile, EvaluatedProject
from docgen.models.packet import Packet

#: kind → (title, model or the DataFile blocks it holds)
KINDS: dict[str, tuple[str, type[BaseModel] | tuple[str, ...]]] = {
    "project": ("评价对象（每个项目一个文件）", EvaluatedProject),
    "batch": ("评价对象清单（结果表：发布机关和评价对象列表）", ("publisher", "grade_bands", "projects")),
    "report": ("汇总文档（公文报告、结果情况说明、明细表）",
               ("report", "results_summary", "detail_table", "grade_bands", "projects")),
    "accounts": ("部门决算公开", ("department", "accounts", "explanations", "self_evaluations", "grade_bands")),
    "packet": ("公开包（docgen build）", Packet),
}


def model_for(kind: str) -> type[BaseModel]:
    title, spec = KINDS[kind]
    if isinstance(spec, type):
        return spec
    fields = {name: (DataFile.model_fields[name].annotation, DataFile.model_fields[name]) for name in spec}
    return create_model(f"{kind.title()}File", __config__=ConfigDict(extra="forbid", title=title), **fields)


def schema_for(kind: str) -> dict:
    schema = model_for(kind).model_json_schema()
    schema["title"] = KINDS[kind][0]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def write_schemas(folder: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        text = json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
