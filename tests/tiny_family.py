"""A family that exists only in the tests (test_registry.py): 备忘录, a title and lines.

Everything a family needs besides its registry line and templates: its model, its document
tree and its planner."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from docgen.families import Document


class Memo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, title="标题")
    lines: list[str] = Field(default_factory=list, title="正文")


@dataclass(frozen=True)
class MemoDoc:
    title: str
    lines: list[str]
    count: str


def documents(data) -> list[Document]:
    memo = data.memo
    return [Document("memo", {"memo": MemoDoc(memo.title, list(memo.lines), f"共{len(memo.lines)}条")})]
