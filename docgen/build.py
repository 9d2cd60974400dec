"""Building documents: load, check, build contexts, render, write atomically.

The planning layer between the renderers and the CLI. Every file is written to a
temporary name in the target folder and renamed, so an interrupted run never leaves a
truncated DOCX or PDF under a real name.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable

from docgen.contexts.result_sheet import build_result_sheet
from docgen.diagnostics import Diagnostics
from docgen.loading import ProjectSet, load_projects
from docgen.render import DocxRenderer, PdfRenderer, TemplateSet


class Format(str, Enum):
    DOCX = "docx"
    PDF = "pdf"
    ALL = "all"

    def expand(self) -> list["Format"]:
        return [Format.DOCX, Format.PDF] if self is Format.ALL else [self]


class Family(str, Enum):
    """Document families docgen renders."""

    RESULT_SHEET = "result-sheet"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Document:
    """One document to produce: its file stem and the context its templates receive."""

    stem: str
    context: dict


@dataclass
class RenderReport:
    written: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"docx": 0.0, "pdf": 0.0})
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def result_sheet_documents(projects: ProjectSet) -> list[Document]:
    return [
        Document(p.output_stem, {"sheet": build_result_sheet(p.project, projects.publisher)})
        for p in projects.projects
    ]


#: How each family reads its input and turns it into documents.
PLANNERS: dict[Family, tuple[Callable, Callable]] = {
    Family.RESULT_SHEET: (load_projects, result_sheet_documents),
}


def load(family: Family, inputs: list[Path]) -> ProjectSet:
    loader, _ = PLANNERS[family]
    return loader(inputs)


def render(family: Family, inputs: list[Path], out_dir: Path, fmt: Format,
           templates: TemplateSet | None = None) -> RenderReport:
    """Render every document of ``family`` found in ``inputs``; refuses when the data has errors."""
    loader, plan = PLANNERS[family]
    loaded = loader(inputs)
    report = RenderReport(diagnostics=loaded.diagnostics)
    if loaded.diagnostics.errors:
        return report
    formats = fmt.expand()
    renderers = {
        Format.DOCX: DocxRenderer(templates) if Format.DOCX in formats else None,
        Format.PDF: PdfRenderer(templates) if Format.PDF in formats else None,
    }
    for doc in plan(loaded):
        for f in formats:
            start = time.perf_counter()
            data = renderers[f].render(family.value, doc.context)
            target = out_dir / f"{doc.stem}.{f.value}"
            write_atomic(target, data)
            report.seconds[f.value] += time.perf_counter() - start
            report.written.append(target)
    return report
