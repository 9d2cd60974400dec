"""Rendering through the same pipeline as ``docgen render`` (an in-memory packet), for tests
that look at a family's documents rather than at the build."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from docgen import families
from docgen.build import BuildResult, PacketSpec, render_documents
from docgen.cli.app import Format
from docgen.diagnostics import Diagnostics
from docgen.portable import resident_memory

Family = families.family_enum()

__all__ = ["Family", "Format", "Rendered", "libreoffice_pdf", "render"]


@dataclass
class Rendered:
    written: list[Path] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    result: BuildResult | None = None


def render(family, inputs: list[Path], out: Path, fmt: Format = Format.ALL, templates=None,
           allow_errors: bool = False) -> Rendered:
    """What ``docgen render <family> <inputs> -o <out> --format <fmt>`` writes."""
    from docgen.render import TemplateSet

    root = (templates.root if isinstance(templates, TemplateSet) else Path(templates).resolve()) if templates \
        else TemplateSet.default().root
    names = None if family is None else [family.value if hasattr(family, "value") else str(family)]
    spec = PacketSpec.in_memory_spec([Path(p) for p in inputs], names, fmt.expand(), root, allow_errors)
    result = render_documents(spec, out)
    return Rendered([out / name for name in result.built], result.diagnostics, result)


def crashing_run_task(task, fonts: bool = True):
    """A stand-in for :func:`docgen.build.tasks.run_task` in worker processes (picklable by
    name, so it works with the spawn start method too): PDFs are faked, and the one named by
    ``DOCGEN_TEST_CRASH`` kills its worker."""
    import os
    import signal

    from docgen.build.keys import sha256_bytes
    from docgen.build.state import write_atomic
    from docgen.build.tasks import TaskResult, run_task

    if task.kind != "pdf":
        return run_task(task, fonts)
    if task.label == os.environ.get("DOCGEN_TEST_CRASH"):
        os.kill(os.getpid(), signal.SIGKILL)
    data = b"%PDF-1.7 fake"
    write_atomic(Path(task.target), data)
    return TaskResult(task.id, True, sha256_bytes(data), len(data))


def pid_run_task(task, fonts: bool = True):
    """A stand-in for run_task whose fake PDFs end with the pid of the process that made them."""
    import os

    from docgen.build.keys import sha256_bytes
    from docgen.build.state import write_atomic
    from docgen.build.tasks import TaskResult, run_task

    if task.kind != "pdf":
        return run_task(task, fonts)
    data = f"%PDF-1.7 {os.getpid()}".encode()
    write_atomic(Path(task.target), data)
    return TaskResult(task.id, True, sha256_bytes(data), len(data))


class PeakMemory:
    """The process's peak resident memory above what it was when the block began (sampled
    every 10 ms by a thread)."""

    def __enter__(self):
        self.base = self.peak = resident_memory()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.stop.wait(0.01):
            self.peak = max(self.peak, resident_memory())

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, resident_memory())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 2**20


#: How the 草稿 stamp's outlines are filled (tools/make_draft_stamp.py: #c80000): a page draws
#: the stamp when its content sets this fill colour.
_STAMP_FILL = re.compile(rb"(?<![\d.])0\.784314 0 0 rg")


def stamped_pages(pdf) -> list[bool]:
    """Whether each page of ``pdf`` (a path or a pypdf reader) draws the 草稿 stamp."""
    from pypdf import PdfReader

    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(str(pdf))
    contents = [page.get_contents() for page in reader.pages]
    return [content is not None and bool(_STAMP_FILL.search(content.get_data())) for content in contents]


def shangdang_with_agency(folder: Path, agency: str) -> Path:
    """The shangdang-2022 projects and summary in ``folder``/data, the first project given the
    评价机构 ``agency`` (the sample has none; empty agencies continue it, so each grade's rows
    are one merged agency cell). Returns the data folder."""
    import shutil

    from conftest import SAMPLES

    data = folder / "data"
    data.mkdir(parents=True)
    for name in ("projects.yaml", "summary.yaml"):
        shutil.copy(SAMPLES / "shangdang-2022" / name, data / name)
    projects = data / "projects.yaml"
    text = projects.read_text(encoding="utf-8")
    projects.write_text(text.replace("  - department:", f'  - agency: "{agency}"\n    department:', 1),
                        encoding="utf-8")
    return data


def libreoffice_pdf(docx: Path, tmp: Path) -> Path:
    """``docx`` as LibreOffice lays it out (a PDF in ``tmp``), with the official faces' stand-ins
    of ``docgen/resources/fonts.conf``, as ``make check-docx`` converts; skips the calling test
    where LibreOffice is not installed (``make check-docx`` installs it as root and runs these)."""
    import os
    import shutil
    import subprocess

    import pytest

    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed; make check-docx runs this test")
    fonts = Path(__file__).resolve().parents[1] / "docgen" / "resources" / "fonts.conf"
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts))
    subprocess.run([program, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
                   env=env, check=True, capture_output=True, timeout=300)
    return tmp / f"{docx.stem}.pdf"


# ---- synthetic project files (the loader's cache and the index, issue 16)

PUBLISHER = "publisher:\n  area: 济源示范区\n  sheet_title: 重大政策和重点项目预算绩效评价结果\n"


def project(i: int, score: str = "85.5", extra: str = "") -> str:
    return (f"name: 项目{i}\nimplementing_units: [单位{i % 7}]\nevaluation_year: 2023\n"
            f"overview:\n  - 概况{i}\nscore: {score}\n{extra}problems: [问题{i}]\nrectification: [整改{i}]\n")


def write_projects(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "publisher.yaml").write_text(PUBLISHER, encoding="utf-8")
    for i in range(n):
        (folder / f"p{i:04d}.yaml").write_text(project(i), encoding="utf-8")


def age(folder: Path, seconds: float = 10) -> None:
    """Date the files back, as files written a while before a build are (not racily new)."""
    for p in folder.iterdir():
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - int(seconds * 1e9)))
