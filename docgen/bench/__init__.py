"""``docgen bench``: how fast ``docgen build`` is on the samples, and how one document compares
with LibreOffice's conversion of the same DOCX.

For every ``samples/*/packet.yaml`` (in a temporary copy: nothing the user wrote is touched):

* a cold full build, a no-op rebuild and a rebuild after one project's name changed, each as
  the wall time of the ``docgen build`` command users run (interpreter start included);
* per family, the warm per-document time of DOCX and PDF (renderers set up once, as in a
  build worker; the median of ``repeat`` runs of each document);
* if ``soffice`` is installed, ``soffice --headless --convert-to pdf`` on the same DOCX files
  (one call per file, and all files of a family in one call) and the ratio to docgen's PDF.

The tables are printed in Markdown, ready for BENCHMARKS.md.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path
from typing import Callable

from docgen.bench.common import machine, table as _table
from docgen.bench.samples import measure_limits, time_builds, time_documents, time_watch
from docgen.bench.soffice import time_head_to_head, time_soffice

__all__ = ["machine", "measure_limits", "run_benchmark"]


def run_benchmark(samples: Path, repeat: int = 3, jobs: int | None = None, soffice: bool = True,
                  echo: Callable[[str], None] = print) -> list[str]:
    packets = sorted(samples.glob("*/packet.yaml"))
    if not packets:
        echo(f"{samples}中没有公开包（*/packet.yaml）")
        return []
    echo("docgen build（命令行，含解释器启动）…")
    build_rows = time_builds(packets, jobs, repeat, echo)
    echo("docgen build --watch（进程保持加载）…")
    watched = time_watch(packets, jobs, repeat, echo)
    for row, packet in zip(build_rows, packets, strict=True):
        row.append(watched.get(packet.parent.name, "—"))
    echo("每份文档的时间和内存（对照生成限制）…")
    limit_rows = measure_limits(packets, echo)
    echo("单份文档（渲染器已就绪；长文档的两部分由两个已就绪的工作进程同时排版）…")
    from docgen.build.executor import make_executor
    from docgen.build.tasks import render_pdf_now

    executor = make_executor(jobs or 2)
    scratch = tempfile.mkdtemp(prefix="docgen-bench-parts-")

    def render_pdf(renderer, family, context, created):
        return render_pdf_now(executor, str(renderer.templates.root), family, context, created, scratch)

    try:
        per_family = time_documents(packets, repeat, echo, render_pdf)
        office, head_to_head = {}, []
        if soffice:
            echo("LibreOffice…" if shutil.which("soffice") or shutil.which("libreoffice") else "未安装LibreOffice，跳过")
            office = time_soffice(per_family, echo)
            echo("LibreOffice and docgen in turn (long documents)…")
            head_to_head = time_head_to_head(per_family, max(repeat, 5), echo, render_pdf)
    finally:
        executor.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)

    lines = ["", f"Machine: {machine()}", ""]
    lines.append(f"`docgen build` wall time (interpreter start included; median of {repeat} for the rebuilds; "
                 f"--jobs {jobs or 'default'}):")
    lines.append("")
    lines += _table(["packet", "outputs", "cold full build", "no-op rebuild", "one project changed",
                     "one project changed, --watch"], build_rows)
    lines.append("")
    lines.append("Per document, warm (renderers set up once, as in a build worker; median of "
                 f"{repeat} runs per document):")
    lines.append("")
    header = ["family (sample)", "docs", "pages/doc", "DOCX per doc", "PDF per doc", "PDF per page", "PDF size"]
    if office:
        header += ["soffice per call", "soffice per doc (batch)", "soffice PDF size",
                   "time: soffice (batch) ÷ docgen", "size: soffice ÷ docgen"]
    rows = []
    for family, info in per_family.items():
        n = len(info["docs"])
        pdf = statistics.mean(info["pdf"])
        pages = statistics.mean(info["pages"])
        row = [f"{family} ({info['sample']})", str(n), f"{pages:.1f}",
               f"{statistics.mean(info['docx']):.3f} s" if info["docx"] else "—",
               f"{pdf:.3f} s", f"{pdf / pages:.3f} s", f"{statistics.mean(info['sizes']) / 1024:.0f} KB"]
        if office:
            single, batch, size = office.get(family, (None, None, None))
            ours = statistics.mean(info["sizes"])
            row += ([f"{single:.2f} s", f"{batch:.2f} s", f"{size / 1024:.0f} KB", f"{batch / pdf:.1f}×",
                     f"{size / ours:.2f}×"] if single else ["—"] * 5)
        rows.append(row)
    lines += _table(header, rows)
    if office and head_to_head:
        lines += ["", "Long documents, docgen's PDF and LibreOffice's conversion of our DOCX in turn "
                  f"(median of {max(repeat, 5)} each; LibreOffice's start included, one document per call):", ""]
        lines += _table(["family (sample)", "pages", "docgen PDF (warm)", "soffice, one call",
                         "time: soffice ÷ docgen", "soffice, one more copy in a call of six",
                         "time: that ÷ docgen", "docgen size", "soffice size", "size: soffice ÷ docgen"],
                        head_to_head)
    from docgen.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS

    lines += ["", f"Limits: each output's rendering in one process (--jobs 1), against the default limits "
              f"({DEFAULT_SECONDS} s, {DEFAULT_MEMORY_MB} MB of growth):", ""]
    lines += _table(["packet", "outputs", "slowest", "time limit ÷ that", "most memory (peak growth)",
                     "memory limit ÷ that"], limit_rows)
    for line in lines:
        echo(line)
    return lines
