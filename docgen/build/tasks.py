"""Tasks: one output to render and write, as a picklable value, and the functions that run
them in any process (a pool's worker or the build's own).

A PDF is checked (the preflight, :mod:`docgen.build.preflight`) right after it is written, in
the same task, when the task says so (``preflight``): its findings come back with the result.

A PDF whose template is marked for parts (README, "Long documents in parts") comes back from
:func:`run_task` as a :class:`PartsJob` instead of a file: the build then schedules its two
parts as two tasks on the same executor (:func:`first_part`, :func:`later_part`, laid out at
once by two workers) and assembles them with :func:`assemble_parts`. The later part's folios
continue the first part's pages: the first part posts its page count in a small file of the
build's state folder (:class:`PageCount`), which the later part reads once its own layout is
done.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.build.keys import sha256_bytes
from docgen.build.watchdog import bounded
from docgen.build.plan import describe_error
from docgen.build.spec import DOCX_EPOCH
from docgen.build.state import write_atomic
from docgen.diagnostics import DocumentError
from docgen.limits import RenderLimits


@dataclass
class Task:
    """One output to render: a document in one format, or the combined packet PDF."""

    id: int
    kind: str  # "docx", "pdf", "combined", or "edition" (a document's packet edition, for the combined)
    label: str  # for progress and messages: the output file name
    target: str  # absolute path of the output
    templates: str
    family: str = ""
    context: dict | None = None
    docx_timestamp: str = DOCX_EPOCH
    pdf_date: str | None = None
    pdf_variant: str | None = None  # the PDF standard to follow ("pdf/a-2b"…), None: plain PDF
    combined: Any = None  # docgen.build.combined.CombinedSpec
    cost: int = 0  # an estimate of the work: the largest documents start first
    scratch: str = ""  # the build's state folder (page counts of parts)
    guard: str = ""  # "foreign" or "edited": the target is not docgen's as it wrote it (runner.Build._guard)
    limits: RenderLimits = RenderLimits()
    preflight: Any = None  # docgen.build.preflight.Preflight: check the output written here (None: do not)
    edition: Any = None  # docgen.build.combined.EditionJob


@dataclass
class PartsJob:
    """A PDF to lay out in two parts (:mod:`docgen.render.parts`)."""

    split: Any  # docgen.render.parts.Split
    identifier: bytes
    created: str | None
    mailbox: str  # the file the first part posts its page count in
    label: str = ""  # the output file (messages)
    limits: RenderLimits = RenderLimits()  # each part's

    @classmethod
    def of(cls, split, html: str, created: str | None, scratch: str, label: str = "",
           limits: RenderLimits = RenderLimits()) -> "PartsJob":
        """The job of a split document, its page-count mailbox in ``scratch`` (a folder, or
        :data:`MEMORY`) cleared of an earlier build's count."""
        from docgen.render.pdf import pdf_identifier

        identifier = pdf_identifier(html, created)
        name = f"pages-{identifier.decode()}.txt"
        mailbox = scratch + name if scratch == MEMORY else str(Path(scratch) / name)
        PageCount(mailbox).clear()
        return cls(split, identifier, created, mailbox, label, limits)


@dataclass
class TaskResult:
    id: int
    ok: bool
    sha256: str = ""
    size: int = 0
    seconds: float = 0.0
    title: str | None = None
    pages: int = 0
    error: str = ""
    parts: PartsJob | None = None  # the task goes on as two parts
    checked: dict | None = None  # the preflight's record of the PDF written (findings first)
    check_seconds: float = 0.0
    words: dict | None = None  # titles cut into words in this task (docgen.rules.words.take_new)


class ContentsNotCached(Exception):
    """The 目录 page must be rendered, which needs WeasyPrint (a worker has it loaded)."""


class Renderers:
    """The renderers of one process, created once per template set: Word templates are read
    once, the HTML environment is set up once, and one WeasyPrint font configuration (fonts
    found and loaded by fontconfig and Pango) serves every PDF of the process."""

    def __init__(self):
        self._docx: dict[str, Any] = {}
        self._pdf: dict[str, Any] = {}
        self._fonts = None

    def font_config(self):
        if self._fonts is None:
            from docgen.render.compat.weasyprint import font_configuration

            self._fonts = font_configuration()
        return self._fonts

    def docx(self, root: str):
        if root not in self._docx:
            from docgen.render import DocxRenderer, TemplateSet

            self._docx[root] = DocxRenderer(TemplateSet(Path(root)))
        return self._docx[root]

    def pdf(self, root: str):
        if root not in self._pdf:
            from docgen.render import PdfRenderer, TemplateSet

            self._pdf[root] = PdfRenderer(TemplateSet(Path(root)), self.font_config())
        return self._pdf[root]

    def builtin_pdf(self):
        """The PDF renderer of the built-in template set."""
        from docgen.render import TemplateSet

        return self.pdf(str(TemplateSet.default().root))


    def clear(self) -> None:
        """Drop the renderers while the interpreter still works: WeasyPrint's font
        configuration cleans up in ``__del__``, which fails (and says so on stderr) when it
        runs during the interpreter's own shutdown."""
        self._docx.clear()
        self._pdf.clear()
        self._fonts = None


RENDERERS = Renderers()
atexit.register(RENDERERS.clear)


def warm_worker(pdf: bool = True) -> None:
    """A worker's initializer: before the first document arrives, load WeasyPrint, fontconfig
    and docgen's prepared CJK faces (one small layout), every registered family's document
    tree (what a task's context is made of) and pypdf (parts, the combined PDF). Writing a
    PDF, or compiling templates the packet may not use, would cost more than it saves.
    Without ``pdf`` (a build of DOCX alone) WeasyPrint is not loaded: 100 MB a worker."""
    from docgen import families

    trace("worker: warm-up")
    for spec in families.FAMILIES:
        spec.context_type()
    if pdf:
        importlib.import_module("pypdf")  # parts and the combined PDF
        RENDERERS.builtin_pdf().layout(
            '<html lang="zh-CN"><body><p style="font-family:\'docgen Serif SC\',serif">财政预算绩效评价<b>结果</b></p>'
            '<p style="font-family:\'docgen Sans SC\',sans-serif">汇总表 1,234.56</p></body></html>')
    else:
        importlib.import_module("docxtpl")  # what a DOCX task needs first
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the worker: the collector need not scan it again
    trace("worker: ready")


_TRACE = bool(os.environ.get("DOCGEN_TRACE"))


def trace(what: str) -> None:
    """With ``DOCGEN_TRACE=1``: when each step of a build happens, on stderr (for profiling)."""
    if _TRACE:
        # one write of the whole line: two processes' lines never run into each other
        os.write(2, f"[{time.time() % 1000:8.3f} {os.getpid()}] {what}\n".encode())


class ForeignFile(DocumentError):
    """The output's name is taken by a file docgen did not write, or wrote and someone edited
    since: it is never overwritten."""


#: why a file in the way is kept (``Task.guard``)
KEPT_BECAUSE = {
    "foreign": "输出目录中已有同名文件“{name}”，它不是docgen生成的，未覆盖；请把它改名或移走",
    "edited": "“{name}”在上次生成后被手工修改，未覆盖；确认不要这些修改后，用 --force 重新生成",
}


def write_output(task: Task, data: bytes) -> None:
    """Write the task's output atomically, unless its name is taken by a file docgen did not
    write or someone edited (``task.guard``; :class:`ForeignFile`). Such a file holding exactly
    ``data`` is left as it is: it is the output of a build stopped before it recorded the file."""
    target = Path(task.target)
    if task.guard in KEPT_BECAUSE and (target.exists() or target.is_symlink()):
        if not target.is_symlink() and target.is_file() and target.stat().st_size == len(data) \
                and target.read_bytes() == data:
            return
        raise ForeignFile(KEPT_BECAUSE[task.guard].format(name=target.name))
    write_atomic(target, data)


def run_task(task: Task, fonts: bool = True) -> TaskResult:
    """Render one output and write it atomically (in a worker or in the build's process), then
    check it when the task says so. Without ``fonts`` a combined PDF is only assembled when its
    目录 page and editions are cached (else :class:`ContentsNotCached`)."""
    start = time.perf_counter()
    trace(f"start {task.label}")
    try:
        title, pages, layout = None, 0, None
        with bounded(task.limits, task.label):
            if task.kind == "docx":
                data = RENDERERS.docx(task.templates).render(task.family, task.context, timestamp=task.docx_timestamp)
            elif task.kind == "pdf":
                from docgen.render.pdf import parts_of

                renderer = RENDERERS.pdf(task.templates)
                html = renderer.html(task.family, task.context)
                split = parts_of(html, task.pdf_variant)
                if split is not None:
                    job = PartsJob.of(split, html, task.pdf_date, task.scratch, task.label, task.limits)
                    return _with_words(TaskResult(task.id, True, seconds=time.perf_counter() - start, parts=job))
                data, title, pages = renderer.write(html, task.pdf_date, task.pdf_variant)
            elif task.kind == "edition":
                from docgen.build.combined import lay_out_edition

                path = lay_out_edition(task.edition)
            else:
                from docgen.build.combined import combine_pdfs

                data, pages, layout = combine_pdfs(task.combined, RENDERERS.builtin_pdf() if fonts else None)
                title = task.combined.title
        if task.kind == "edition":
            result = TaskResult(task.id, True, seconds=time.perf_counter() - start)
            if task.preflight is not None and not task.edition.record.is_file():
                _check(result, str(path), task.edition.record, draft=task.edition.part.draft, whole=False)
            trace(f"end {task.label}")
            return _with_words(result)
        write_output(task, data)
    except ContentsNotCached:
        raise
    except Exception as exc:  # isolation: this output failed, the others go on
        return TaskResult(task.id, False, seconds=time.perf_counter() - start, error=describe_error(exc))
    trace(f"end {task.label}")
    result = TaskResult(task.id, True, sha256_bytes(data), len(data), time.perf_counter() - start, title, pages)
    if task.preflight is not None and task.kind == "pdf":
        _check(result, task.target, task.preflight.record_path(result.sha256), draft=bool(task.context.get("draft")))
    elif task.preflight is not None and task.kind == "docx":  # a build without PDFs: no 目录 to compare
        from docgen.build.preflight import check_written_docx

        result.checked = {"findings": check_written_docx(task.target, bool(task.context.get("draft")), None)}
        trace(f"checked {task.label}")
    elif task.preflight is not None and task.kind == "combined":
        _check_combined(result, task, layout)
    return _with_words(result)


def _check(result: TaskResult, path: str, record, draft: bool, whole: bool = True) -> None:
    """The preflight of a PDF just written, in the process that wrote it."""
    from docgen.build.preflight import check_written_pdf

    start = time.perf_counter()
    result.checked = check_written_pdf(path, draft, record, whole)
    result.check_seconds = time.perf_counter() - start
    trace(f"checked {Path(path).name}")


def _check_combined(result: TaskResult, task: Task, layout: list[tuple[int, int]]) -> None:
    from docgen.build.combined import EditionJob
    from docgen.build.preflight import check_combined

    start = time.perf_counter()
    spec = task.combined
    sources = [(first, task.preflight.record_path(part.sha256) if folio == 1 else EditionJob.of(part, folio, spec).record)
               for part, (first, folio) in zip(spec.parts, layout, strict=True)]
    result.checked = {"findings": check_combined(task.target, spec.titles, sources)}
    result.check_seconds = time.perf_counter() - start
    trace(f"checked {task.label}")


def _with_words(result: TaskResult) -> TaskResult:
    """The result, with the titles this task cut into words (for the build to keep)."""
    from docgen.rules.words import take_new

    result.words = take_new() or None
    return result


# --------------------------------------------------------------------------- parts


#: A scratch "folder" for parts laid out one after the other in this process.
MEMORY = "memory:"
_POSTED: dict[str, int] = {}


class PageCount:
    """The first part's page count, handed to the later part through a file in the build's
    state folder (any executor, any start method, no extra process), or through this
    process's memory when the scratch folder is :data:`MEMORY`. -1 says the first part failed."""

    def __init__(self, path: str):
        self.key = path if path.startswith(MEMORY) else None
        self.path = Path(path)

    def clear(self) -> None:
        if self.key:
            _POSTED.pop(self.key, None)
        else:
            self.path.unlink(missing_ok=True)

    def post(self, pages: int) -> None:
        if self.key:
            _POSTED[self.key] = pages
        else:
            write_atomic(self.path, str(pages).encode())

    def collect(self, timeout: float = 600.0) -> int:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return _POSTED[self.key] if self.key else int(self.path.read_text())
            except (KeyError, OSError, ValueError):
                if self.key or time.monotonic() > deadline:  # in memory: posted before, or never
                    return -1
                time.sleep(0.005)


class _NoCollection:
    """A part's layout builds a large tree of boxes, freed by reference counting once the part
    is written: meanwhile the cyclic collector would only scan it again and again (about 10 %
    of a part's time, as the two-part layout measured in forked children that never collected).
    It collects as usual again afterwards."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


def first_part(job: PartsJob, templates: str) -> tuple[bytes, str | None, list]:
    """The first part as PDF bytes, its title and its pages' marks; posts its page count."""
    from docgen.render.parts import lay_out_first

    trace("part first")
    mailbox = PageCount(job.mailbox)
    try:
        with bounded(job.limits, job.label), _NoCollection():
            return lay_out_first(job.split, RENDERERS.pdf(templates).layout, job.identifier, job.created,
                                 mailbox.post)
    except BaseException:
        mailbox.post(-1)
        raise


def later_part(job: PartsJob, templates: str) -> tuple[bytes, list]:
    """The later part, its folios numbered on from the first part's pages."""
    from docgen.render.parts import lay_out_later

    trace("part later")
    with bounded(job.limits, job.label), _NoCollection():
        return lay_out_later(job.split, RENDERERS.pdf(templates).layout, job.identifier,
                             PageCount(job.mailbox).collect)


def assemble_parts(task: Task, first: tuple, later: tuple) -> TaskResult:
    """The two parts as one PDF, written to the task's target (and checked, as :func:`run_task`
    checks a PDF)."""
    from docgen.render.parts import assemble_laid_out

    start = time.perf_counter()
    try:
        data, title, pages = assemble_laid_out(first, later)
        write_output(task, data)
    except Exception as exc:
        return TaskResult(task.id, False, seconds=time.perf_counter() - start, error=describe_error(exc))
    result = TaskResult(task.id, True, sha256_bytes(data), len(data), time.perf_counter() - start, title, pages)
    if task.preflight is not None:
        _check(result, task.target, task.preflight.record_path(result.sha256), draft=bool(task.context.get("draft")))
    return _with_words(result)


def render_pdf_now(executor, templates: str, family: str, context: dict, created: str | None,
                   scratch: str) -> tuple[bytes, str | None, int]:
    """One document's PDF, waited for: (bytes, title, page count). A long document's parts are
    laid out at once on ``executor`` (the benchmark's warm per-document time); ``scratch`` is
    a folder for the page count they hand over."""
    from docgen.render.parts import assemble_laid_out, split_html

    renderer = RENDERERS.pdf(templates)
    html = renderer.html(family, context)
    split = split_html(html)
    if split is None:
        return renderer.write(html, created)
    job = PartsJob.of(split, html, created, scratch)
    first = executor.submit(first_part, job, templates)
    later = executor.submit(later_part, job, templates)
    pending = [first, later]
    while pending:
        pending = [f for f in pending if f not in executor.wait(pending)]
    return assemble_laid_out(first.result(), later.result())
