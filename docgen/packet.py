"""``docgen build``: the annual packet, built incrementally, in parallel and reproducibly.

A packet file (``packet.yaml``, see :mod:`docgen.models.packet`) names the inputs and the
document families to produce. Every output file is keyed by a hash of exactly what it
depends on:

* its slice of the data: the canonical serialisation of the document's context (contexts
  hold exactly what a document prints, so editing one project changes the key of that
  project's sheet and of the summaries listing it, nothing else);
* the template files that output reads (``<family>.docx``; ``<family>.html`` with the
  templates it extends or includes and the stylesheets and assets it links);
* for PDFs the installed fonts and the PDF libraries; for every output the docgen
  version and source code, the renderer libraries, and the options (dates);

and ``manifest.json`` in the output folder records each output's key and sha256. An output
whose key and bytes match the manifest is not rebuilt. Before any of that, a build whose
inputs did not change by a single byte since the last successful build (a *stamp* over
packet, input files, templates, fonts, code and environment) stops after hashing files,
without loading the data or any renderer.

Documents are rendered in worker processes that load the renderers (templates, fonts,
WeasyPrint) once; a failing document is reported with its cause and the others are still
built. Every file is written under a temporary name and renamed.

Layering: this module sits beside :mod:`docgen.build` (it imports from it) and below the
CLI. Heavy modules (pydantic models, renderers, WeasyPrint, pypdf) are imported lazily so
that an up-to-date check stays fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import fcntl
import functools
import glob
import hashlib
import html as html_lib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from docgen import __version__
from docgen.diagnostics import Diagnostics
from docgen.forking import die_with_parent

PACKAGE_ROOT = Path(__file__).resolve().parent
#: The built-in template set (a user's set falls back to it file by file).
BUILTIN_TEMPLATES = PACKAGE_ROOT.parent / "templates"
MANIFEST = "manifest.json"
STATE_DIR = ".docgen"
STATE_FILE = "state.json"
LOCK_FILE = "lock"
YAML_SUFFIXES = (".yaml", ".yml")
#: docx core.xml dates when the packet gives none (the renderer's own default).
DOCX_EPOCH = "1980-01-01T00:00:00Z"
#: Bump when the meaning of keys or the manifest changes.
KEY_SCHEME = 1

#: Python distributions whose versions change the bytes of DOCX or PDF output.
RENDER_DISTRIBUTIONS = (
    "weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "fonttools", "pillow", "cffi",
    "docxtpl", "python_docx", "docxcompose", "lxml", "jinja2", "markupsafe", "pypdf",
)
#: Shared libraries WeasyPrint loads (text layout, fonts, subsetting).
SYSTEM_LIBRARIES = ("libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libharfbuzz-subset",
                    "libfontconfig", "libfreetype", "libgobject-2.0")
LIBRARY_DIRS = ("/usr/lib/*-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/homebrew/lib")


# =========================================================================== hashing


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_json(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())


def canonical(value: Any) -> Any:
    """A JSON-able, order-stable form of a document context (frozen dataclasses, Decimal,
    dates, enums, lists, dicts). Unknown types are an error: a key must never depend on
    ``repr`` (memory addresses)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"@": type(value).__qualname__}
        for f in dataclasses.fields(value):
            out[f.name] = canonical(getattr(value, f.name))
        return out
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    if hasattr(value, "model_dump"):  # a pydantic model
        return {"@": type(value).__qualname__, **canonical(value.model_dump(mode="json"))}
    raise TypeError(f"cannot hash a {type(value).__name__} in a document context")


def context_hash(context: dict) -> str:
    """The document's slice of the data: the hash of everything its templates receive."""
    return hash_json(canonical(context))


def _context_key(context: dict) -> tuple[str, int]:
    """(hash, size): the size of the serialised context estimates the work of rendering it."""
    text = json.dumps(canonical(context), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return sha256_bytes(text), len(text)


def _tree_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        out.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return out


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """docgen's version and the bytes of its source: a changed renderer or filter rebuilds."""
    h = hashlib.sha256(f"docgen {__version__} scheme {KEY_SCHEME}\n".encode())
    for path in _tree_files(PACKAGE_ROOT):
        if path.suffix == ".py":
            h.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _distribution_versions() -> tuple[str, ...]:
    """``name-version`` of the renderer libraries, from the installed ``.dist-info`` folders
    (without importing them)."""
    wanted = set(RENDER_DISTRIBUTIONS)
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist = name[: -len(".dist-info")]
                if dist.split("-")[0].lower().replace(".", "_") in wanted:
                    found.add(dist)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=None)
def _system_libraries() -> tuple[str, ...]:
    """The real file names (with versions) of the shared libraries behind WeasyPrint."""
    found = set()
    for pattern in LIBRARY_DIRS:
        for folder in glob.glob(pattern):
            for lib in SYSTEM_LIBRARIES:
                for path in glob.glob(f"{folder}/{lib}.so*") + glob.glob(f"{folder}/{lib}*.dylib"):
                    try:
                        found.add(os.path.basename(os.path.realpath(path)))
                    except OSError:
                        pass
    return tuple(sorted(found))


@functools.lru_cache(maxsize=None)
def font_fingerprint() -> str:
    """The installed fonts (file, face index, family, style, size, mtime) as fontconfig sees them:
    installing or updating a font can change any PDF."""
    lines: list[str] = []
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}|%{index}|%{family}|%{style}\n"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout
        lines = sorted(set(out.splitlines()))
    except (OSError, subprocess.SubprocessError):
        for folder in ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts"):
            root = Path(folder).expanduser()
            if root.is_dir():
                lines.extend(str(p) for p in _tree_files(root))
    h = hashlib.sha256()
    for line in lines:
        path = line.split("|", 1)[0]
        try:
            st = os.stat(path)
            h.update(f"{line}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{line}|missing\n".encode())
    return h.hexdigest()


_REFERENCE = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#?]+)|url\(\s*["']?([^"')#?]+)|@import\s+["']([^"']+)""")


def _template_references(templates, name: str, seen: set[str]) -> bool:
    """Add to ``seen`` the files ``name`` (an HTML template or stylesheet, relative to the
    template set) reads: templates it extends/includes, linked stylesheets and assets.
    Returns False when a reference cannot be resolved statically (then every file counts)."""
    if name in seen:
        return True
    path = templates.path(name)
    if not path.is_file():
        seen.add(name)
        return True
    seen.add(name)
    text = path.read_text(encoding="utf-8", errors="replace")
    static = True
    if name.endswith(".html"):
        import jinja2
        from jinja2 import meta

        try:
            ast = jinja2.Environment().parse(text)
        except jinja2.TemplateSyntaxError:
            return False  # the render reports the syntax error; hash everything meanwhile
        for ref in meta.find_referenced_templates(ast):
            if ref is None:
                static = False
            else:
                static &= _template_references(templates, ref, seen)
    base = "" if name.endswith(".html") else os.path.dirname(name)  # HTML's base URL is the set's root
    for match in _REFERENCE.finditer(text):
        ref = next(g for g in match.groups() if g)
        if "{" in ref:
            static = False
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            continue  # data:, file:, http: — the URL fetcher refuses what lies outside the set
        target = os.path.normpath(os.path.join(base, ref))
        if target.startswith(".."):
            continue
        static &= _template_references(templates, target, seen) if target.endswith((".html", ".css")) else True
        seen.add(target)
    return static


def template_fingerprints(root: Path, family: str) -> dict[str, str]:
    """For each format, the hash of the template files that output of ``family`` reads
    (each name as the template set serves it: the user's file, else the built-in one)."""
    from docgen.render import TemplateSet

    templates = TemplateSet(root)

    def digest(names: Iterable[str]) -> str:
        h = hashlib.sha256()
        for name in sorted(set(names)):
            p = templates.path(name)
            h.update(name.encode() + b"\0" + (sha256_file(p).encode() if p.is_file() else b"missing") + b"\n")
        return h.hexdigest()

    seen: set[str] = set()
    if not _template_references(templates, f"{family}.html", seen):
        every = templates.files() if hasattr(templates, "files") else {
            str(p.relative_to(root)): p for p in _tree_files(root)}
        seen |= {name for name in every if not name.endswith(".docx")}
    return {"docx": digest([f"{family}.docx"]), "pdf": digest(seen)}


# =========================================================================== the packet file


@dataclass
class PacketSpec:
    """A validated packet with its paths resolved."""

    path: Path
    shown: str
    title: str
    inputs: list[Path]
    families: list[str] | None  # None: every family the data declares
    formats: list[str]
    templates: Path
    combined: str | None
    docx_timestamp: str  # core.xml dates of every DOCX
    pdf_date: str | None  # W3C date of every PDF, None: no date
    date_label: str  # for messages
    allow_errors: bool = False  # documents with wrong figures are built as drafts (草稿)


def _dates(packet_date: dt.date | None) -> tuple[str, str | None, str | None]:
    """(docx timestamp, pdf date, problem): the packet's date, else SOURCE_DATE_EPOCH, else none."""
    if packet_date is not None:
        return f"{packet_date.isoformat()}T00:00:00Z", packet_date.isoformat(), None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            return DOCX_EPOCH, None, f"环境变量SOURCE_DATE_EPOCH应为整数秒，实际为“{epoch}”"
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"), None
    return DOCX_EPOCH, None, None


def load_packet(path: Path):
    """Read and check ``packet.yaml``: returns (PacketSpec or None, Diagnostics). Every
    problem is located by file, line and field; nothing is built when there is one."""
    from docgen.build import PLANNERS
    from docgen.diagnostics import Diagnostic, Diagnostics
    from docgen.loading import SourceFile, read_yaml, shown_path, validate_model
    from docgen.models.packet import Packet
    from docgen.render import TemplateSet

    diagnostics = Diagnostics()
    shown = shown_path(path)
    if path.is_dir():
        diagnostics.add(Diagnostic(shown, None, "", "应为公开包文件（packet.yaml），实际为目录"))
        return None, diagnostics
    try:
        data = read_yaml(path, shown, diagnostics)
    except ValueError as exc:  # e.g. an impossible date such as 2024-13-01
        diagnostics.add(Diagnostic(shown, None, "", f"YAML格式错误：{exc}（日期应写成2024-03-31的形式）"))
        return None, diagnostics
    if data is None:
        return None, diagnostics
    source = SourceFile(path, shown, data)
    if not isinstance(data, dict):
        diagnostics.add(source.diagnostic((), "公开包文件应为键值对（title:、inputs:、documents: …）"))
        return None, diagnostics
    packet = validate_model(Packet, source, data, (), diagnostics)
    base = path.resolve().parent

    def raw(key: str, default: Any) -> Any:
        """A field as written, normalised like the model does, for the checks below to run
        (and report) even when another field is wrong."""
        if packet is not None:
            return getattr(packet, key)
        value = data.get(key, default)
        return [value] if isinstance(value, str) and key != "templates" else value

    inputs = []
    for i, name in enumerate(raw("inputs", ["."]) or []):
        if isinstance(name, str):
            p = (base / name).resolve()
            if not p.exists():
                diagnostics.add(source.diagnostic(("inputs", i), f"找不到输入“{name}”（路径相对于公开包文件所在目录）"))
            inputs.append(p)

    known = [f.value for f in PLANNERS]
    documents = raw("documents", None)
    families = None
    if isinstance(documents, list) and documents != ["all"]:
        import difflib

        families = []
        for i, name in enumerate(documents):
            if not isinstance(name, str) or name in known:
                if name not in families:
                    families.append(name)
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"，是否应为“{close[0]}”？" if close else "。"
            diagnostics.add(source.diagnostic(
                ("documents", i), f"未知的文档类型“{name}”{hint}可用：{'、'.join(known)}，或all（全部）"))

    name = raw("templates", None)
    templates = TemplateSet.default().root
    if isinstance(name, str):
        templates = (base / name).resolve()
        if not templates.is_dir():
            diagnostics.add(source.diagnostic(("templates",), f"找不到模板目录“{name}”"))
    if packet is None:
        return None, diagnostics

    formats = [f.value for f in packet.formats]
    if templates.is_dir() and families:
        template_set = TemplateSet(templates)
        for i, family in enumerate(packet.documents):
            for fmt in formats:
                file = f"{family}.{'docx' if fmt == 'docx' else 'html'}"
                if family in known and not template_set.path(file).is_file():
                    diagnostics.add(source.diagnostic(("documents", i), f"模板目录{shown_path(templates)}中没有{file}"))

    docx_timestamp, pdf_date, problem = _dates(packet.date)
    if problem:
        diagnostics.add(source.diagnostic(("date",), problem))
    if diagnostics.errors:
        return None, diagnostics
    label = packet.date.isoformat() if packet.date else (
        f"SOURCE_DATE_EPOCH（{docx_timestamp}）" if pdf_date else "不写日期")
    return PacketSpec(
        path=path.resolve(), shown=shown, title=packet.title, inputs=inputs, families=families,
        formats=formats, templates=templates,
        combined=packet.combined if "pdf" in formats else None,
        docx_timestamp=docx_timestamp, pdf_date=pdf_date, date_label=label, allow_errors=packet.allow_errors,
    ), diagnostics


# =========================================================================== workers


@dataclass
class Task:
    """One output to render: a document in one format, or the combined packet PDF."""

    id: int
    kind: str  # "docx", "pdf" or "combined"
    label: str  # for progress and messages: the output file name
    target: str  # absolute path of the output
    templates: str
    family: str = ""
    context: dict | None = None
    docx_timestamp: str = DOCX_EPOCH
    pdf_date: str | None = None
    combined: "CombinedSpec | None" = None
    cost: int = 0  # an estimate of the work: the largest documents start first


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


@dataclass
class CombinedSpec:
    title: str
    parts: list[tuple[str, str, str]]  # (family, stem, pdf path) in packet order
    pdf_date: str | None
    identifier: str
    cache_dir: str
    salt: str  # fonts, libraries and code: part of the cached contents page's key


class ContentsNotCached(Exception):
    """The 目录 page must be rendered, which needs WeasyPrint (a worker has it loaded)."""


class _Renderers:
    """The renderers of one process, created once per template set: Word templates are read
    once, the HTML environment is set up once, and one WeasyPrint font configuration (fonts
    found and loaded by fontconfig and Pango) serves every PDF of the process."""

    def __init__(self):
        self._docx: dict[str, Any] = {}
        self._pdf: dict[str, Any] = {}
        self._fonts = None

    def font_config(self):
        if self._fonts is None:
            from weasyprint.text.fonts import FontConfiguration

            self._fonts = FontConfiguration()
        return self._fonts

    def docx(self, root: str):
        if root not in self._docx:
            from docgen.render import DocxRenderer, TemplateSet

            self._docx[root] = DocxRenderer(TemplateSet(Path(root)))
        return self._docx[root]

    def pdf(self, root: str):
        if root not in self._pdf:
            from docgen.render import PdfRenderer, TemplateSet

            renderer = PdfRenderer(TemplateSet(Path(root)))
            renderer.font_config = self.font_config()
            self._pdf[root] = renderer
        return self._pdf[root]

    def builtin_pdf(self):
        """The PDF renderer of the built-in template set (the combined PDF's 目录 page)."""
        from docgen.render import TemplateSet

        return self.pdf(str(TemplateSet.default().root))

    def warm_up(self) -> None:
        """Before the first document arrives: load WeasyPrint, fontconfig and docgen's
        prepared CJK faces (one small layout), the classes a task's context is made of and
        pypdf (the combined PDF). Writing a PDF, or compiling templates the packet may not
        use, would cost more than it saves the first document."""
        import pypdf  # noqa: F401

        from docgen.contexts import (detail_table, final_accounts, result_sheet,  # noqa: F401
                                     results_summary, summary_report)

        renderer = self.builtin_pdf()
        renderer.layout(
            '<html lang="zh-CN"><body><p style="font-family:\'docgen Serif SC\',serif">财政预算绩效评价<b>结果</b></p>'
            '<p style="font-family:\'docgen Sans SC\',sans-serif">汇总表 1,234.56</p></body></html>')


_RENDERERS = _Renderers()


def render_pdf(renderer, family: str, context: dict, created: str | None) -> tuple[bytes, str | None, int]:
    """A document as PDF bytes, its title (from the template's <title>) and page count.
    Like :meth:`PdfRenderer.render` (same bytes when ``created`` is None), plus the packet's
    date as the PDF's creation and modification date."""
    return renderer.write(renderer.html(family, context), created)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~current_umask()


def set_file_mode(umask: int) -> None:
    """Outputs get the permissions the umask of the build gives (a server's worker serves
    builds of other umasks, docgen.server)."""
    global _FILE_MODE
    _FILE_MODE = 0o666 & ~umask


def write_output(path: Path, data: bytes) -> None:
    """:func:`docgen.build.write_atomic` (temporary name, fsync, rename), then the usual
    permissions (a temporary file is created readable by its owner only)."""
    from docgen.build import write_atomic

    write_atomic(path, data)
    os.chmod(path, _FILE_MODE)


def describe_error(exc: BaseException) -> str:
    """A failure's cause in one line, naming the template file and line when there is one."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name or '模板'}:{exc.lineno}" if exc.lineno else (exc.name or "")
        return f"模板语法错误（{where}）：{exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板错误：{exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到模板：{exc.name}"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板错误：{exc}"
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件：{exc.filename}"
    return f"{type(exc).__name__}: {exc}"


_TRACE = bool(os.environ.get("DOCGEN_TRACE"))


def trace(what: str) -> None:
    """With ``DOCGEN_TRACE=1``: when each step of a build happens, on stderr (for profiling)."""
    if _TRACE:
        print(f"[{time.time() % 1000:8.3f} {os.getpid()}] {what}", file=sys.stderr, flush=True)


def run_task(task: Task, fonts: bool = True) -> TaskResult:
    """Render one output and write it atomically (in a worker or in the main process).
    Without ``fonts`` a combined PDF is only assembled when its 目录 page is cached
    (else :class:`ContentsNotCached`)."""
    start = time.perf_counter()
    trace(f"start {task.label}")
    try:
        title, pages = None, 0
        if task.kind == "docx":
            data = _RENDERERS.docx(task.templates).render(task.family, task.context, timestamp=task.docx_timestamp)
        elif task.kind == "pdf":
            data, title, pages = render_pdf(_RENDERERS.pdf(task.templates), task.family, task.context, task.pdf_date)
        else:
            data, pages = combine_pdfs(task.combined, _RENDERERS.builtin_pdf() if fonts else None)
            title = task.combined.title
        write_output(Path(task.target), data)
    except ContentsNotCached:
        raise
    except Exception as exc:  # isolation: this output failed, the others go on
        return TaskResult(task.id, False, seconds=time.perf_counter() - start, error=describe_error(exc))
    trace(f"end {task.label}")
    return TaskResult(task.id, True, sha256_bytes(data), len(data), time.perf_counter() - start, title, pages)


def _worker_main(conn, parent: int, pdf: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)
    try:  # WeasyPrint, fontconfig and the fonts: once per worker, while the build still plans
        if pdf:
            trace("worker: warm-up")
            _RENDERERS.warm_up()
            trace("worker: ready")
    except Exception:
        pass  # each task reports its own failure
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        conn.send(run_task(task))
    conn.close()


class _Worker:
    def __init__(self, ctx, pdf: bool):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, os.getpid(), pdf), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None


_PRESTARTED: list[_Worker] = []


def prestart_worker() -> None:
    """Fork a PDF worker now (``docgen build``, before the command line is parsed): it loads
    WeasyPrint and the fonts while this process reads the packet and the data. The build's
    pool adopts it; unused, it is ended with the build (or dies with this process)."""
    import multiprocessing

    _PRESTARTED.append(_Worker(multiprocessing.get_context("fork"), pdf=True))


def discard_prestarted() -> None:
    WorkerPool(pdf=True).close()  # the pool adopts them and ends them


class WorkerPool:
    """Worker processes that each render one task at a time. A worker that dies (a crash,
    kill -9) fails exactly the task it was running; the others go on in a new worker."""

    def __init__(self, pdf: bool):
        import multiprocessing

        self.ctx = multiprocessing.get_context("fork")
        self.pdf = pdf
        self.workers: list[_Worker] = []
        if pdf:  # adopt a worker started before the command line was parsed
            self.workers = [w for w in _PRESTARTED if w.process.is_alive()]
            _PRESTARTED.clear()
        self.workers: list[Any] = self.workers  # local (_Worker) or the server's (server.RemoteWorker)

    def grow(self, n: int) -> None:
        from docgen import server

        self.workers = [w for w in self.workers if w.process.is_alive()]  # one may have died while idle
        while len(self.workers) < n:
            # a warm worker from docgen's server when one is listening, else a new process
            worker = server.connect() if self.pdf else None
            self.workers.append(worker or _Worker(self.ctx, self.pdf))

    def run(self, tasks: list[Task], on_result: Callable[[Task, TaskResult], None],
            main_takes: Callable[[Task], bool] = lambda task: False,
            idle: Callable[[], None] = lambda: None) -> None:
        """Run ``tasks`` (in that order) on the workers; while they work, the calling process
        renders from the other end of the queue the tasks ``main_takes`` (cheap ones), and
        calls ``idle`` once when it has nothing left to take."""
        from collections import deque
        from multiprocessing.connection import wait

        queue = deque(tasks)
        while queue or any(w.task for w in self.workers):
            for w in self.workers:
                if w.task is None and queue:
                    w.task = queue.popleft()
                    try:
                        w.conn.send(w.task)
                    except (BrokenPipeError, OSError):
                        pass  # the worker is gone: noticed below
            busy = [w for w in self.workers if w.task]
            if queue and main_takes(queue[-1]):
                task = queue.pop()
                on_result(task, run_task(task))
                timeout = 0
            else:
                idle()
                idle, timeout = (lambda: None), None
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            for w in busy:
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = None
                elif w.process.sentinel in ready:
                    result = None
                else:
                    continue
                task, w.task = w.task, None
                if result is None:
                    w.process.join(1)
                    code = w.process.exitcode
                    cause = f"工作进程意外退出（{'信号' + str(-code) if code and code < 0 else '退出码' + str(code)}）"
                    self.workers[self.workers.index(w)] = _Worker(self.ctx, self.pdf)
                    result = TaskResult(task.id, False, error=cause)
                on_result(task, result)

    def close(self) -> None:
        """End the workers. They are idle and every file they wrote is complete and renamed,
        so there is nothing to wait for (an interpreter with WeasyPrint loaded takes a while
        to tidy up)."""
        for w in self.workers:
            if w.process.is_alive():
                w.process.kill()
        for w in self.workers:
            w.process.join(5)
            w.conn.close()
        self.workers = []

    kill = close


# =========================================================================== the combined PDF

_TOC_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "docgen Serif SC", "docgen Serif SC Ext", "Noto Serif CJK SC", serif; font-size: 14pt; line-height: 1.6; }
h1 { font-family: "docgen Serif SC", "docgen Serif SC Ext", "Noto Serif CJK SC", serif; font-weight: bold; font-size: 22pt; text-align: center;
     margin: 0 0 6mm 0; bookmark-level: none; }
h2 { font-family: "docgen Sans SC", "docgen Sans SC Ext", "Noto Sans CJK SC", sans-serif; font-weight: normal; font-size: 16pt; text-align: center;
     letter-spacing: 1em; margin: 0 0 6mm 0; bookmark-level: none; }
p { margin: 0 0 1.5mm 0; }
p.group { font-family: "docgen Sans SC", "docgen Sans SC Ext", "Noto Sans CJK SC", sans-serif; margin-top: 3mm; }
a { color: black; text-decoration: none; }
a.entry { display: block; }
a.entry::after { content: leader(".") attr(data-page); }
p.child { padding-left: 2em; }
"""
LINK_SCHEME = "docgen-page:"


def contents_html(title: str, entries: list[tuple[str, str, int | None]], first_page: int) -> str:
    """The 目录 page: ``entries`` are (kind, text, page index) with kind ``group``, ``entry``
    or ``child``; numbers are the physical pages of the combined PDF."""
    rows = []
    for kind, text, page in entries:
        text = html_lib.escape(text)
        if kind == "group":
            rows.append(f'<p class="group">{text}</p>')
        else:
            n = page + first_page + 1
            rows.append(f'<p class="{kind}"><a class="entry" href="{LINK_SCHEME}{n}" data-page="{n}">{text}</a></p>')
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html_lib.escape(title)}</title>'
            f"<style>{_TOC_CSS}</style></head><body><h1>{html_lib.escape(title)}</h1><h2>目录</h2>"
            + "".join(rows) + "</body></html>")


def _outline_tree(reader) -> list[tuple[str, int, list]]:
    """A PDF's own bookmarks as (title, page, children)."""
    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1][2].extend(walk(item))
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                continue
            out.append((str(item.title), page, []))
        return out

    try:
        return walk(reader.outline)
    except Exception:
        return []


def _toc_entries(parts: list[tuple[str, str, str, int, str]]):
    """Group the documents of one family under their common title prefix (``重大政策和重点项目
    预算绩效评价结果：项目名`` → group ``重大政策…结果``, entry ``项目名``).
    ``parts``: (family, stem, path, first page index in the documents, title)."""
    entries: list[tuple[str, str, int | None]] = []
    outline: list[tuple[str, int, list]] = []
    i = 0
    while i < len(parts):
        family = parts[i][0]
        j = i
        while j < len(parts) and parts[j][0] == family:
            j += 1
        group = parts[i:j]
        heads = {t.split("：", 1)[0] for *_, t in group if "：" in t}
        if len(group) > 1 and len(heads) == 1 and all("：" in t for *_, t in group):
            head = heads.pop()
            entries.append(("group", head, None))
            children = []
            for _, _, _, page, t in group:
                entries.append(("child", t.split("：", 1)[1], page))
                children.append((t.split("：", 1)[1], page, []))
            outline.append((head, group[0][3], children))
        else:
            for _, _, _, page, t in group:
                entries.append(("entry", t, page))
                outline.append((t, page, []))
        i = j
    return entries, outline


def combine_pdfs(spec: CombinedSpec, renderer) -> tuple[bytes, int]:
    """One PDF of the whole packet: a 目录 page (clickable), then every document, with
    bookmarks per family, document and the documents' own headings. Deterministic: no
    clock, the identifier is derived from the inputs."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    from docgen.render.assemble import share_fonts, write_compact

    readers, parts, offset = [], [], 0
    for family, stem, path in spec.parts:
        reader = PdfReader(path)
        meta = reader.metadata
        title = (meta.title if meta and meta.title else "") or stem
        parts.append((family, stem, path, offset, title))
        readers.append(reader)
        offset += len(reader.pages)
    entries, outline = _toc_entries(parts)

    # the contents page(s): numbers depend on how many pages the contents take
    toc_pages, toc_pdf = 1, b""
    for _ in range(4):
        html = contents_html(spec.title, entries, toc_pages)
        key = sha256_bytes((html + (spec.pdf_date or "") + spec.salt).encode())[:32]
        cached = Path(spec.cache_dir) / f"contents-{key}.pdf"
        if cached.is_file():
            toc_pdf = cached.read_bytes()
        elif renderer is None:
            raise ContentsNotCached()
        else:
            document = renderer.layout(html)
            if spec.pdf_date:
                document.metadata.created = document.metadata.modified = spec.pdf_date
            toc_pdf = document.write_pdf(pdf_identifier=key.encode())
            for old in Path(spec.cache_dir).glob("contents-*.pdf"):
                old.unlink(missing_ok=True)
            write_output(cached, toc_pdf)
        pages = len(PdfReader(io.BytesIO(toc_pdf)).pages)
        if pages == toc_pages:
            break
        toc_pages = pages

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc_pdf)), import_outline=False)
    for reader in readers:
        writer.append(reader, import_outline=False)

    # the 目录 links: URI annotations docgen-page:N become jumps to page N
    for index in range(toc_pages):
        page = writer.pages[index]
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None and str(uri).startswith(LINK_SCHEME):
                target = int(str(uri)[len(LINK_SCHEME):]) - 1
                del annot[NameObject("/A")]
                annot[NameObject("/Dest")] = ArrayObject([writer.pages[target].indirect_reference, NameObject("/Fit")])

    writer.add_outline_item(title="目录", page_number=0)

    def add(items, parent, base):
        for title, page, children in items:
            node = writer.add_outline_item(title=title, page_number=base + page, parent=parent)
            add(children, node, base)

    doc_outlines = {}
    for part, reader in zip(parts, readers, strict=True):
        page = part[3]
        own = _outline_tree(reader)
        if len(own) == 1:
            own = own[0][2]  # the document's title heading: its sections go under our entry
        doc_outlines[page] = own
    for title, page, children in outline:
        node = writer.add_outline_item(title=title, page_number=toc_pages + page)
        if children:
            for ctitle, cpage, _ in children:
                child = writer.add_outline_item(title=ctitle, page_number=toc_pages + cpage, parent=node)
                add(doc_outlines.get(cpage, []), child, toc_pages + cpage)
        else:
            add(doc_outlines.get(page, []), node, toc_pages + page)
    writer.page_mode = "/UseOutlines"

    metadata = {"/Title": spec.title, "/Producer": f"docgen {__version__}", "/Creator": "docgen build"}
    if spec.pdf_date:
        metadata["/CreationDate"] = metadata["/ModDate"] = _pdf_date(spec.pdf_date)
    writer.metadata = metadata
    if hasattr(writer, "_ID"):  # a file identifier from the inputs, not random
        ident = ByteStringObject(bytes.fromhex(spec.identifier[:32]))
        writer._ID = ArrayObject([ident, ident])
    share_fonts(writer)  # one subset per face for the whole packet, not one per document
    return write_compact(writer, writer._ID), toc_pages + offset


def _pdf_date(w3c: str) -> str:
    """``2024-03-31`` or ``2024-03-31T08:00:00+00:00`` → ``D:20240331…``."""
    digits = re.sub(r"[^0-9]", "", w3c[:19])
    suffix = "+00'00" if len(w3c) > 10 else ""  # as WeasyPrint writes it
    return f"D:{digits}{suffix}"


# =========================================================================== manifest and state


def read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def write_json(path: Path, value: Any) -> None:
    write_output(path, (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode())


def _candidate_files(inputs: list[Path]) -> list[Path]:
    """Every file the loader could read under ``inputs`` (a superset: also packet files)."""
    out = []
    for p in inputs:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in YAML_SUFFIXES and q.is_file()))
        else:
            out.append(p)
    return out


def stamp(packet: Path, inputs: list[Path], templates: Path) -> str:
    """Everything any output of the packet could depend on, by content: when it is unchanged
    since the last successful build, nothing needs to be looked at again."""
    h = hashlib.sha256()

    def put(*parts: str) -> None:
        h.update(("\0".join(parts) + "\n").encode())

    put("code", code_fingerprint())
    put("python", sys.version)
    put("cwd", os.getcwd())  # messages name files relative to it
    for name in ("SOURCE_DATE_EPOCH", "DOCGEN_TEMPLATES"):
        put("env", name, os.environ.get(name, "\0unset"))
    put("packet", str(packet), sha256_file(packet) if packet.is_file() else "missing")
    for root in inputs:
        put("input", str(root), "dir" if root.is_dir() else "file" if root.exists() else "missing")
    for p in _candidate_files(inputs):
        put("file", str(p), sha256_file(p) if p.is_file() else "missing")
    for root in dict.fromkeys([templates, BUILTIN_TEMPLATES]):  # a user's set falls back to the built-in one
        for p in _tree_files(root) if root.is_dir() else []:
            put("template", str(root), str(p.relative_to(root)), sha256_file(p))
    put("fonts", font_fingerprint())
    put("libraries", *_distribution_versions(), *_system_libraries())
    return h.hexdigest()


class OutputLock:
    """One build at a time per output folder (a second one is told, not queued). A POSIX
    record lock: it belongs to this process only (workers forked later do not hold it) and
    ends with it, even after kill -9."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / STATE_DIR / LOCK_FILE
        self.fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.lockf(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise BuildBusy(self.path.parent.parent) from None
        return self

    def __exit__(self, *exc):
        fcntl.lockf(self.fh, fcntl.LOCK_UN)
        self.fh.close()


class BuildBusy(Exception):
    """Another build is writing to the same output folder."""


# =========================================================================== progress


class Reporter:
    """Build feedback: plain lines (not a terminal) — subclassed by the progress bar."""

    def __init__(self, echo: Callable[[str], None] = print):
        self.echo = echo
        self.total = 0
        self.done = 0

    def begin(self, total: int) -> None:
        self.total, self.done = total, 0

    def extend(self, n: int) -> None:
        self.total += n

    def finished(self, label: str, result: TaskResult) -> None:
        self.done += 1
        state = f"{result.seconds:.2f} 秒" if result.ok else f"失败：{result.error}"
        self.echo(f"[{self.done}/{self.total}] {label}（{state}）")

    def end(self) -> None:
        pass


class ProgressBar(Reporter):
    """A rich progress bar on a terminal (shown once there is something to build). It is
    redrawn when an output is done, without a refresh thread: workers are forked meanwhile."""

    progress = None

    def _bar(self):
        if self.progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("生成"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     TextColumn("{task.description}"), transient=True, auto_refresh=False)
            self.progress.start()
            self.bar = self.progress.add_task("", total=self.total)
            self.progress.refresh()
        return self.progress

    def begin(self, total: int) -> None:
        super().begin(total)
        if total:
            self._bar()

    def extend(self, n: int) -> None:
        super().extend(n)
        self._bar().update(self.bar, total=self.total, refresh=True)

    def finished(self, label: str, result: TaskResult) -> None:
        self.done += 1
        progress = self._bar()
        if not result.ok:
            progress.console.print(f"失败：{label}：{result.error}", markup=False, highlight=False)
        progress.update(self.bar, advance=1, description=label, refresh=True)

    def end(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


# =========================================================================== the build


@dataclass
class Failure:
    what: str  # e.g. ``result-sheet 03-nano-park.pdf`` or ``detail-table``
    cause: str


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # no longer in the packet, but edited by hand: left alone
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    warnings: list[str] = field(default_factory=list)
    packet_errors: bool = False
    has_errors: bool = False  # the data has errors (a document may be missing because of them)
    data_errors: bool = False  # ... and documents were not built because of them
    drafts: list[str] = field(default_factory=list)  # built as 草稿 (allow_errors)
    unchanged: bool = False  # decided by the stamp alone, without reading the data
    seconds: float = 0.0
    render_seconds: dict[str, float] = field(default_factory=lambda: {"docx": 0.0, "pdf": 0.0, "combined": 0.0})
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.packet_errors or self.data_errors:
            return 2
        return 1 if self.failed else 0


@dataclass
class PlannedDocument:
    family: str
    stem: str
    context: dict
    slice: str  # context_hash(context)
    size: int = 0  # of the serialised context


def plan_documents(data, families: list[str]) -> tuple[list[PlannedDocument], list[Failure]]:
    """Every document of ``families`` in ``data``, with its slice hash; a family that cannot
    be planned (its block is missing) is a failure of that family."""
    from docgen.build import PLANNERS, Family

    docs, failures = [], []
    for family in families:
        block, planner = PLANNERS[Family(family)]
        if getattr(data, block) is None:
            failures.append(Failure(family, f"输入中没有“{block}”信息，无法生成；请添加含“{block}:”的YAML文件"))
            continue
        try:
            planned = planner(data)
        except Exception as exc:  # a planner that cannot cope with partly wrong data
            failures.append(Failure(family, f"无法整理文档内容：{describe_error(exc)}"))
            continue
        for d in planned:
            context = {**d.context, "draft": False}
            docs.append(PlannedDocument(family, d.stem, context, *_context_key(context)))
    return docs, failures


def _replan(data, family: str, **changes) -> dict[str, str] | None:
    """The slices (stem → hash) ``family`` gets from ``data`` with ``changes``; None when
    the planner cannot work without what was taken away."""
    docs, failures = plan_documents(dataclasses.replace(data, diagnostics=Diagnostics(), **changes), [family])
    return None if failures else {d.stem: d.slice for d in docs}


def attribute_errors(data, docs: list[PlannedDocument], previous_files: dict[str, Any],
                     base: Path) -> tuple[dict[tuple[str, str], list[str]], list[str], dict[str, list[str]], set]:
    """Which documents the data errors make wrong, so that all the others can still be built.

    * an error in a project that loaded: the documents whose slice changes or disappears
      without that project (its sheet, the summaries listing it);
    * an error in a project that did not load (or in a file that cannot be read and held only
      projects at the last build): the documents that list every project;
    * an error in a block (``report:``, ``accounts:``…): the documents whose slice changes or
      disappears without that block;
    * anything else (a new file that cannot be read, a data set without projects): every
      document.

    Returns ({(family, stem): causes}, causes that make every document wrong,
    {file: causes} of the projects that did not load, the documents that miss content and
    so cannot even be drafts).
    """
    from docgen.loading import line_of, read_yaml
    from docgen.models import EvaluatedProject

    errors = data.diagnostics.errors
    if not errors:
        return {}, [], {}, set()
    project_files = {p.source for p in data.projects}
    block_files: dict[str, list[str]] = {}
    for block, origin in data.origins.items():
        block_files.setdefault(origin.source.shown, []).append(block)
    project_keys = {k for name, info in EvaluatedProject.model_fields.items() for k in (name, info.alias) if k}

    reparsed: dict[str, Any] = {}

    def loaded_index(shown: str, loc: tuple) -> int | None:
        if shown not in reparsed:
            reparsed[shown] = read_yaml(Path(shown), shown, Diagnostics())
        line = line_of(reparsed[shown], loc) if reparsed[shown] is not None else None
        return next((i for i, p in enumerate(data.projects) if p.source == shown and p.line == line), None)

    def held_projects_before(shown: str) -> bool:
        return previous_files.get(os.path.relpath(Path(shown).resolve(), base)) == "projects"

    bad_projects: dict[int, list[str]] = {}
    dropped: list[str] = []
    dropped_files: dict[str, list[str]] = {}
    bad_blocks: dict[str, list[str]] = {}
    everything: list[str] = []
    for e in errors:
        text = str(e)
        item = re.match(r"^(projects)?\[(\d+)\]", e.path)
        head = re.split(r"[.\[]", e.path, maxsplit=1)[0]
        if item:
            loc = ("projects", int(item.group(2))) if item.group(1) else (int(item.group(2)),)
            i = loaded_index(e.file, loc)
            if i is None:
                dropped.append(text)
                dropped_files.setdefault(e.file, []).append(text)
            else:
                bad_projects.setdefault(i, []).append(text)
        elif head and head in block_files.get(e.file, []):
            bad_blocks.setdefault(head, []).append(text)
        elif e.file in project_files and e.file not in block_files:  # a file with one project
            for i, p in enumerate(data.projects):
                if p.source == e.file:
                    bad_projects.setdefault(i, []).append(text)
        elif e.file not in block_files and e.file not in project_files and (
                head in project_keys or (not e.path and held_projects_before(e.file))):
            dropped.append(text)
            dropped_files.setdefault(e.file, []).append(text)
        else:
            everything.append(text)

    failing: dict[tuple[str, str], list[str]] = {}
    incomplete: set[tuple[str, str]] = set()
    families = list(dict.fromkeys(d.family for d in docs))

    def fail(key: tuple[str, str], causes: list[str], missing: bool) -> None:
        have = failing.setdefault(key, [])
        have.extend(c for c in causes if c not in have)
        if missing:
            incomplete.add(key)

    def compare(changes: dict, causes: list[str], spare: str | None = None, missing: bool = False) -> None:
        """Fail the documents whose slice differs or that disappear with ``changes``
        (except ``spare``, which disappears because of the test itself)."""
        for family in families:
            after = _replan(data, family, **changes)
            for d in docs:
                if d.family != family:
                    continue
                if after is None or (d.stem in after and after[d.stem] != d.slice) or (
                        d.stem not in after and d.stem != spare):
                    fail((d.family, d.stem), causes, missing)

    for i, causes in bad_projects.items():
        compare({"projects": data.projects[:i] + data.projects[i + 1:]}, causes)
    if dropped:
        if data.projects:  # the documents listing every project change when one is missing;
            probe = data.projects[0]  # the probe's own sheet is not wrong
            compare({"projects": data.projects[1:]}, dropped, spare=probe.output_stem, missing=True)
        else:
            everything.extend(dropped)
    for block, causes in bad_blocks.items():
        compare({block: None}, causes)
    return failing, everything, dropped_files, incomplete


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build_packet(packet_path: Path, out_dir: Path, jobs: int | None = None, force: bool = False,
                 reporter: Reporter | None = None, pool: WorkerPool | None = None) -> BuildResult:
    """Build every document of the packet into ``out_dir`` (see the module docstring).
    ``pool``: warm workers kept between builds (``docgen build --watch``); by default the
    build starts its own and ends them."""
    started = time.perf_counter()
    if (jobs or default_jobs()) == 1 or pool is not None:
        discard_prestarted()  # one process asked for, or warm workers given
    result = BuildResult()
    reporter = reporter or Reporter(lambda s: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or default_jobs())
    with OutputLock(out_dir):
        build = _Build(Path(packet_path), out_dir, jobs, force, reporter, result, pool)
        build.run()
    result.seconds = time.perf_counter() - started
    formats = build.spec.formats if build.spec is not None else build.state.get("formats", [])
    if jobs > 1 and pool is None and "pdf" in formats:
        from docgen import server

        server.start()  # the next build finds a warm worker (docgen.server)
    return result


def watch(packet_path: Path, out_dir: Path, jobs: int | None, force: bool, reporter: Callable[[], Reporter],
          report: Callable[[BuildResult], None], waiting: Callable[[], None], poll: float = 0.3) -> None:
    """Build, then rebuild whenever a byte of the packet, its inputs or templates changes,
    until interrupted. The worker processes (WeasyPrint, fonts) and this process (docgen,
    the renderers) stay loaded, so a rebuild costs little more than the changed documents."""
    jobs = max(1, jobs or default_jobs())
    pool = WorkerPool(pdf=True) if jobs > 1 else None
    if pool:
        pool.grow(1)
    try:
        while True:
            for cached in (code_fingerprint, font_fingerprint, _distribution_versions, _system_libraries):
                cached.cache_clear()
            spec, _ = load_packet(packet_path)
            inputs, templates = (spec.inputs, spec.templates) if spec else ([packet_path.parent], BUILTIN_TEMPLATES)
            seen = stamp(packet_path.resolve(), inputs, templates)  # before: a change while building counts
            report(build_packet(packet_path, out_dir, jobs, force, reporter(), pool))
            force = False
            waiting()
            while stamp(packet_path.resolve(), inputs, templates) == seen:
                time.sleep(poll)
    finally:
        if pool:
            pool.kill()


def _remove_temporaries(out_dir: Path) -> None:
    """Leftovers of an interrupted build (``.name.xxxx.tmp``) are never real outputs."""
    for folder in (out_dir, out_dir / STATE_DIR):
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def _file_matches(path: Path, recorded: dict) -> bool:
    try:
        return path.stat().st_size == recorded.get("bytes") and sha256_file(path) == recorded.get("sha256")
    except OSError:
        return False


def _outputs_of(manifest: dict) -> list[dict]:
    files = [o for d in manifest.get("documents", []) if isinstance(d, dict) for o in d.get("outputs", [])]
    if isinstance(manifest.get("combined"), dict):
        files.append(manifest["combined"])
    return [o for o in files if isinstance(o, dict) and o.get("file")]


def _file_kinds(data, base: Path) -> dict[str, Any]:
    """What each input file held: "projects" or its blocks (for the next build: a file that
    then cannot be read, and held only projects, makes only the lists of projects wrong)."""
    kinds: dict[str, Any] = {}
    for p in data.projects:
        kinds[os.path.relpath(Path(p.source).resolve(), base)] = "projects"
    for block, origin in data.origins.items():
        rel = os.path.relpath(Path(origin.source.shown).resolve(), base)
        kinds[rel] = sorted((set(kinds[rel]) if isinstance(kinds.get(rel), list) else set()) | {block})
    return dict(sorted(kinds.items()))


class _Build:
    """One run of ``docgen build`` (with the output folder locked)."""

    def __init__(self, packet: Path, out_dir: Path, jobs: int, force: bool, reporter: Reporter, result: BuildResult,
                 pool: WorkerPool | None = None):
        self.packet, self.out_dir, self.jobs, self.force = packet, out_dir, jobs, force
        self.reporter, self.result = reporter, result
        self.state_path = out_dir / STATE_DIR / STATE_FILE
        self.state = read_json(self.state_path)
        self.old = read_json(out_dir / MANIFEST)
        self.pool, self.own_pool = pool, pool is None
        self.spec: PacketSpec | None = None
        self.manifest: dict = {}
        self.last_checkpoint = time.perf_counter()

    # ------------------------------------------------------------------ entry

    def run(self) -> None:
        trace("build: start")
        _remove_temporaries(self.out_dir)
        if "pdf" in self.state.get("formats", []) or _PRESTARTED:
            # the last build made PDFs: a worker loads WeasyPrint (or goes on loading it,
            # docgen.console) while this process checks whether anything changed; killed if
            # nothing did
            self._start_pdf_worker()
        if not self.force and self._unchanged():
            if self.pool and self.own_pool:
                self.pool.kill()
            return
        if self.state.get("stamp"):  # an interrupted build must never pass for a finished one
            self.state.pop("stamp")
            write_json(self.state_path, self.state)
        try:
            self._build()
        except BaseException:
            if self.pool and self.own_pool:
                self.pool.kill()
            raise
        if self.pool and self.own_pool:
            self.pool.close()

    def _start_pdf_worker(self) -> None:
        """One PDF worker, as early as possible (when more than one process is allowed)."""
        if self.pool is None and self.jobs > 1:
            self.pool = WorkerPool(pdf=True)
            self.pool.grow(1)

    def _unchanged(self) -> bool:
        """The stamp of the last successful build still holds and every output is intact."""
        state, result = self.state, self.result
        if not state.get("stamp") or state.get("packet") != str(self.packet.resolve()):
            return False
        current = stamp(self.packet.resolve(), [Path(p) for p in state.get("inputs", [])],
                        Path(state.get("templates", "")))
        outputs = _outputs_of(self.old)
        if current != state["stamp"] or not all(_file_matches(self.out_dir / o["file"], o) for o in outputs):
            return False
        result.unchanged = True
        result.up_to_date = [o["file"] for o in outputs]
        result.warnings = list(state.get("warnings", []))
        return True

    # ------------------------------------------------------------------ the slow path

    def _build(self) -> None:
        result = self.result
        trace("build: slow path")
        spec, diagnostics = load_packet(self.packet)
        result.diagnostics = diagnostics
        if spec is None:
            result.packet_errors = True
            return
        self.spec = spec
        if "pdf" in spec.formats:
            self._start_pdf_worker()  # it loads WeasyPrint and the fonts while we plan
        before = stamp(spec.path, spec.inputs, spec.templates)

        from docgen.build import PLANNERS, Family
        from docgen.loading import load_dataset

        data = load_dataset(spec.inputs)
        diagnostics.extend(data.diagnostics)
        families = spec.families if spec.families is not None else [
            f for f in data.families if Family(f) in PLANNERS]
        docs, family_failures = plan_documents(data, families)
        result.failed.extend(family_failures)
        result.warnings = [str(d) for d in diagnostics.in_order() if d in diagnostics.warnings]
        result.has_errors = bool(data.diagnostics.errors)
        failing, everything, dropped, incomplete = attribute_errors(
            data, docs, self.state.get("files", {}), spec.path.parent)
        if spec.allow_errors and not everything:  # wrong figures, nothing missing: a draft
            for d in docs:
                if (d.family, d.stem) in failing and (d.family, d.stem) not in incomplete:
                    del failing[(d.family, d.stem)]
                    d.context = {**d.context, "draft": True}
                    d.slice, d.size = _context_key(d.context)
                    result.drafts.append(f"{d.family} {d.stem}")
        result.data_errors = bool(failing or everything or dropped or family_failures)
        for file, causes in dropped.items():
            more = f"等{len(causes)}处" if len(causes) > 1 else ""
            result.failed.append(Failure(f"{file}中的评价对象",
                                         f"未能读入（数据有错误{more}：{causes[0]}），其文档未生成"))
        for d in docs if everything else []:
            failing.setdefault((d.family, d.stem), []).extend(everything)
        if data.diagnostics.errors and not docs and not family_failures and not dropped:
            result.failed.append(Failure("全部文档", "数据有错误，见上方列出的问题"))

        tasks = self._plan_outputs(docs, failing)
        trace(f"build: planned, {len(tasks)} tasks")
        self.reporter.begin(len(tasks))
        try:
            self._run(tasks)
            combined = self._combined_task()
            if isinstance(combined, Task):
                self.reporter.extend(1)
                self._run([combined])
        except BaseException:
            self._checkpoint(final=True)
            raise
        finally:
            self.reporter.end()
        self._remove_stale()
        self._checkpoint(final=True)

        # what each file held: kept for files that cannot be read now (that is when it is needed)
        files = {k: v for k, v in self.state.get("files", {}).items() if (spec.path.parent / k).is_file()}
        files.update(_file_kinds(data, spec.path.parent))
        self.state = {"packet": str(spec.path), "inputs": [str(p) for p in spec.inputs],
                      "templates": str(spec.templates), "formats": spec.formats,
                      "warnings": result.warnings, "files": dict(sorted(files.items()))}
        if not result.failed and not result.has_errors:
            after = stamp(spec.path, spec.inputs, spec.templates)
            if after == before:  # nothing changed while we were building
                self.state["stamp"] = after
        write_json(self.state_path, self.state)

    def _plan_outputs(self, docs: list[PlannedDocument], failing: dict) -> list[Task]:
        """Each document's outputs with their keys; the tasks for those not up to date."""
        spec, result, force = self.spec, self.result, self.force
        self.env = {"code": code_fingerprint(), "libraries": list(_distribution_versions())}
        self.pdf_env = {"fonts": font_fingerprint(), "system": list(_system_libraries()), "date": spec.pdf_date}
        docx_env = {"timestamp": spec.docx_timestamp}
        templates = {f: template_fingerprints(spec.templates, f) for f in dict.fromkeys(d.family for d in docs)}
        old_docs = {(d.get("family"), d.get("stem")): d for d in self.old.get("documents", []) if isinstance(d, dict)}
        self.old_outputs = {(d.get("family"), d.get("stem"), o.get("format")): o
                            for d in self.old.get("documents", []) if isinstance(d, dict)
                            for o in d.get("outputs", []) if isinstance(o, dict)}
        claimed = {MANIFEST: "manifest.json"}
        if spec.combined:
            claimed[spec.combined] = "合并PDF"
        self.entries: list[dict] = []
        self.task_outputs: dict[int, tuple[dict, dict]] = {}
        tasks: list[Task] = []
        for d in docs:
            entry = {"family": d.family, "stem": d.stem, "slice_sha256": d.slice, "outputs": []}
            if d.context.get("draft"):
                entry["draft"] = True  # built from data with errors (allow_errors)
            if old_docs.get((d.family, d.stem), {}).get("title"):
                entry["title"] = old_docs[(d.family, d.stem)]["title"]
            self.entries.append(entry)
            causes = failing.get((d.family, d.stem))
            for fmt in spec.formats:
                name = f"{d.stem}.{fmt}"
                old_out = self.old_outputs.get((d.family, d.stem, fmt))
                if name in claimed:
                    result.failed.append(Failure(
                        f"{d.family} {name}", f"输出文件名与{claimed[name]}重复，请为评价对象填写不同的id"))
                    continue
                claimed[name] = f"{d.family}的{d.stem}"
                if causes:
                    if fmt == spec.formats[0]:
                        more = f"等{len(causes)}处" if len(causes) > 1 else ""
                        result.failed.append(Failure(
                            f"{d.family} {d.stem}（{'、'.join(spec.formats)}）", f"数据有错误{more}：{causes[0]}"))
                    self._keep_old(entry, old_out)
                    continue
                key = hash_json({"scheme": KEY_SCHEME, "family": d.family, "stem": d.stem, "format": fmt,
                                 "slice": d.slice, "templates": templates[d.family][fmt], "env": self.env,
                                 "options": self.pdf_env if fmt == "pdf" else docx_env})
                out = {"file": name, "format": fmt, "inputs_sha256": key}
                entry["outputs"].append(out)
                if (not force and old_out and old_out.get("inputs_sha256") == key
                        and _file_matches(self.out_dir / name, old_out)):
                    out.update(sha256=old_out["sha256"], bytes=old_out["bytes"])
                    result.up_to_date.append(name)
                    continue
                task = Task(len(tasks), fmt, name, str(self.out_dir / name), str(spec.templates), d.family,
                            d.context, spec.docx_timestamp, spec.pdf_date, cost=d.size)
                tasks.append(task)
                self.task_outputs[task.id] = (entry, out)
        self.manifest = {"title": spec.title, "date": spec.pdf_date, "docgen": __version__,
                         "documents": self.entries, "combined": None}
        return tasks

    def _keep_old(self, entry: dict, old_out: dict | None) -> None:
        """A failed output: the file of an earlier build stays, listed as not current."""
        if old_out and (self.out_dir / old_out.get("file", "")).is_file():
            entry["outputs"].append({**old_out, "current": False})

    # ------------------------------------------------------------------ rendering

    def _run(self, tasks: list[Task]) -> None:
        """PDFs (and the combined PDF) go to the workers, one worker per PDF up to ``jobs``;
        a DOCX takes a twentieth of a PDF's time, so this process renders them meanwhile
        (and workers take them too when they are many)."""
        if not tasks:
            return
        heavy = sorted((t for t in tasks if t.kind != "docx"), key=lambda t: -t.cost)
        if self.jobs > 1 and not heavy and len(tasks) >= 8 and self.pool is None:
            self.pool = WorkerPool(pdf=False)
        if self.pool is None:
            for task in tasks:
                self._finished(task, run_task(task))
            return
        if len(tasks) == 1 and tasks[0].kind == "combined":
            try:  # with the 目录 page cached this process assembles it (pypdf is loaded by now)
                self._finished(tasks[0], run_task(tasks[0], fonts=False))
                return
            except ContentsNotCached:
                pass
        self.pool.grow(min(self.jobs, max(len(heavy), 1 if heavy else len(tasks) // 4)))
        self.pool.run(heavy + [t for t in tasks if t.kind == "docx"], self._finished,
                      main_takes=lambda task: task.kind == "docx", idle=self._prefetch)

    def _prefetch(self) -> None:
        """While the workers render: load what this process needs for the combined PDF."""
        if self.spec.combined:
            import pypdf  # noqa: F401

    def _finished(self, task: Task, res: TaskResult) -> None:
        result = self.result
        self.reporter.finished(task.label, res)
        result.render_seconds[task.kind] += res.seconds
        if task.kind == "combined":
            if res.ok:
                self.manifest["combined"] = {"file": task.label, "inputs_sha256": task.combined.identifier,
                                             "sha256": res.sha256, "bytes": res.size, "pages": res.pages}
                result.built.append(task.label)
            else:
                result.failed.append(Failure(f"合并PDF {task.label}", res.error))
                self._keep_old_combined()
            return
        entry, out = self.task_outputs[task.id]
        if res.ok:
            out.update(sha256=res.sha256, bytes=res.size)
            if res.title:
                entry["title"] = res.title
            result.built.append(task.label)
        else:
            result.failed.append(Failure(f"{entry['family']} {task.label}", res.error))
            entry["outputs"].remove(out)
            self._keep_old(entry, self.old_outputs.get((entry["family"], entry["stem"], out["format"])))
        self._checkpoint()

    def _checkpoint(self, final: bool = False) -> None:
        """The manifest is rewritten now and then during a build, so that the work done
        before an interruption is not done again."""
        if self.manifest and (final or time.perf_counter() - self.last_checkpoint > 1.0):
            manifest = dict(self.manifest)
            manifest["documents"] = [{**e, "outputs": [o for o in e["outputs"] if "sha256" in o]}
                                     for e in self.entries]
            if getattr(self, "stale", None):
                manifest["stale"] = self.stale
            write_json(self.out_dir / MANIFEST, manifest)
            self.last_checkpoint = time.perf_counter()

    def _keep_old_combined(self) -> None:
        old = self.old.get("combined")
        if isinstance(old, dict) and old.get("file") == self.spec.combined and (self.out_dir / old["file"]).is_file():
            self.manifest["combined"] = {**old, "current": False}

    def _combined_task(self) -> Task | None:
        """The combined PDF's task; None when it is up to date, not wanted, or not every
        document's PDF is current (then the earlier one stays, listed as not current)."""
        spec = self.spec
        if not spec.combined:
            return None
        parts, shas = [], []
        for e in self.entries:
            pdf = next((o for o in e["outputs"] if o["format"] == "pdf"), None)
            if pdf is None or pdf.get("current") is False or "sha256" not in pdf:
                self.result.notes.append(f"有文档未生成，合并PDF {spec.combined} 未更新")
                self._keep_old_combined()
                return None
            parts.append((e["family"], e["stem"], str(self.out_dir / pdf["file"])))
            shas.append(pdf["sha256"])
        if not parts or self.result.failed or self.result.data_errors:  # it would miss documents
            self._keep_old_combined()
            return None
        identifier = hash_json({"scheme": KEY_SCHEME, "title": spec.title, "parts": [p[:2] for p in parts],
                                "pdfs": shas, "date": spec.pdf_date, "fonts": self.pdf_env["fonts"],
                                "system": self.pdf_env["system"], "env": self.env})
        old = self.old.get("combined") or {}
        if (not self.force and old.get("inputs_sha256") == identifier and old.get("file") == spec.combined
                and _file_matches(self.out_dir / spec.combined, old)):
            self.manifest["combined"] = old
            self.result.up_to_date.append(spec.combined)
            return None
        return Task(-1, "combined", spec.combined, str(self.out_dir / spec.combined), str(spec.templates),
                    combined=CombinedSpec(spec.title, parts, spec.pdf_date, identifier, str(self.out_dir / STATE_DIR),
                                          hash_json({"pdf": self.pdf_env, "env": self.env})))

    # ------------------------------------------------------------------ cleaning up

    def _remove_stale(self) -> None:
        """Outputs of an earlier build that are no longer in the packet are removed — unless
        the data has errors (a document may only be missing because of them) or the file was
        changed by hand."""
        current = {o["file"] for o in _outputs_of(self.manifest)} | {
            o["file"] for e in self.entries for o in e["outputs"]}
        stale = [o for o in _outputs_of(self.old) if o["file"] not in current]
        self.stale = []
        if stale and self.result.has_errors:
            self.result.notes.append(f"数据有错误，暂不删除{len(stale)}个已不属于公开包的文件")
            self.stale = [{**o, "current": False} for o in stale if (self.out_dir / o["file"]).is_file()]
            return
        for o in stale:
            path = self.out_dir / o["file"]
            if not path.is_file():
                continue
            if _file_matches(path, o):
                path.unlink()
                self.result.removed.append(o["file"])
            else:
                self.result.kept.append(o["file"])

