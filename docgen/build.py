"""Building documents: load, check, build contexts, render, write atomically.

The planning layer between the renderers and the CLI. Every file is written to a
temporary name in the target folder and renamed, so an interrupted run never leaves a
truncated DOCX or PDF under a real name.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable

from docgen.contexts.detail_table import DetailTableDoc, build_detail_table
from docgen.contexts.final_accounts import FinalAccounts, build_final_accounts
from docgen.contexts.result_sheet import ResultSheet, build_result_sheet
from docgen.contexts.results_summary import ResultsSummaryDoc, build_results_summary
from docgen.contexts.summary_report import SummaryReport, build_summary_report
from docgen.diagnostics import Diagnostic, Diagnostics
from docgen.loading import DataSet, load_dataset, shown_path
from docgen.render import DocxRenderer, PdfRenderer, TemplateSet


class Format(str, Enum):
    DOCX = "docx"
    PDF = "pdf"
    ALL = "all"

    def expand(self) -> list["Format"]:
        return [Format.DOCX, Format.PDF] if self is Format.ALL else [self]


class Family(str, Enum):
    """Document families docgen renders (the name is also the template's file stem)."""

    RESULT_SHEET = "result-sheet"
    SUMMARY_REPORT = "summary-report"
    RESULTS_SUMMARY = "results-summary"
    DETAIL_TABLE = "detail-table"
    FINAL_ACCOUNTS = "final-accounts"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Document:
    """One document to produce: its file stem and the context its templates receive."""

    stem: str
    context: dict


def _projects(data: DataSet):
    return [p.project for p in data.projects]


def result_sheet_documents(data: DataSet) -> list[Document]:
    return [
        Document(p.output_stem, {"sheet": build_result_sheet(p.project, data.publisher, data.grade_bands)})
        for p in data.projects
    ]


def summary_report_documents(data: DataSet) -> list[Document]:
    return [Document("summary-report", {"report": build_summary_report(data.report, _projects(data), data.grade_bands)})]


def results_summary_documents(data: DataSet) -> list[Document]:
    doc = build_results_summary(data.results_summary, _projects(data), data.grade_bands)
    return [Document("results-summary", {"summary": doc})]


def detail_table_documents(data: DataSet) -> list[Document]:
    return [Document("detail-table", {"table": build_detail_table(data.detail_table, _projects(data), data.grade_bands)})]


def final_accounts_documents(data: DataSet) -> list[Document]:
    doc = build_final_accounts(data.department, data.accounts, data.explanations, data.self_evaluations or [],
                               data.grade_bands)
    return [Document("final-accounts", {"accounts": doc})]


#: What each family's templates receive: the name of the document tree and its type.
CONTEXT_ROOTS: dict[Family, tuple[str, type]] = {
    Family.RESULT_SHEET: ("sheet", ResultSheet),
    Family.SUMMARY_REPORT: ("report", SummaryReport),
    Family.RESULTS_SUMMARY: ("summary", ResultsSummaryDoc),
    Family.DETAIL_TABLE: ("table", DetailTableDoc),
    Family.FINAL_ACCOUNTS: ("accounts", FinalAccounts),
}
#: Variables every template receives besides its document tree.
COMMON_CONTEXT: dict[str, type] = {"draft": bool}

#: Each family: the data-set block it needs and how it turns the data set into documents.
PLANNERS: dict[Family, tuple[str, Callable[[DataSet], list[Document]]]] = {
    Family.RESULT_SHEET: ("publisher", result_sheet_documents),
    Family.SUMMARY_REPORT: ("report", summary_report_documents),
    Family.RESULTS_SUMMARY: ("results_summary", results_summary_documents),
    Family.DETAIL_TABLE: ("detail_table", detail_table_documents),
    Family.FINAL_ACCOUNTS: ("department", final_accounts_documents),
}


@dataclass
class RenderReport:
    written: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"docx": 0.0, "pdf": 0.0})
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def plan(family: Family, data: DataSet, inputs: list[Path]) -> list[Document]:
    """The documents of ``family`` in ``data``; a missing block is an error in the diagnostics."""
    block, planner = PLANNERS[family]
    if getattr(data, block) is None:
        data.diagnostics.add(Diagnostic(
            shown_path(inputs[0]), None, block,
            f"输入中没有“{block}”信息，无法生成{family.value}；请添加含“{block}:”的YAML文件"))
        return []
    return planner(data)


def render(family: Family | None, inputs: list[Path], out_dir: Path, fmt: Format,
           templates: TemplateSet | None = None, allow_errors: bool = False) -> RenderReport:
    """Render the documents of ``family`` (None: every family the data declares) found in
    ``inputs``. Nothing is written when the data has errors, unless ``allow_errors``: then
    every document is stamped as a draft (草稿)."""
    data = load_dataset(inputs)
    report = RenderReport(diagnostics=data.diagnostics)
    if data.diagnostics.errors and not (allow_errors and not data.unreadable):
        return report
    draft = bool(data.diagnostics.errors)
    families = [family] if family else [Family(f) for f in data.families]
    planned = [(f, doc) for f in families for doc in plan(f, data, inputs)]
    if not planned:
        return report
    for _, doc in planned:
        doc.context["draft"] = draft
    formats = fmt.expand()
    renderers = {
        Format.DOCX: DocxRenderer(templates) if Format.DOCX in formats else None,
        Format.PDF: PdfRenderer(templates) if Format.PDF in formats else None,
    }
    for family_, doc in planned:
        for f in formats:
            start = time.perf_counter()
            data_bytes = renderers[f].render(family_.value, doc.context)
            target = out_dir / f"{doc.stem}.{f.value}"
            write_atomic(target, data_bytes)
            report.seconds[f.value] += time.perf_counter() - start
            report.written.append(target)
    return report
