"""``docgen bench --scale N``: ``docgen build`` on a synthetic packet of N projects
(:mod:`docgen.bench.synthetic`, written to a temporary folder): cold build, no-op rebuild, one
project's score changed, and the peak resident memory of the build and its workers.

Peak memory: the build's process and its worker processes are sampled together (psutil, every
0.1 s) while they run; printed are the largest sum over the whole tree, the build's own process
at its largest, and the largest single worker. Sampling can miss a peak shorter than 0.1 s; the
operating system's own figure for the largest child process (``getrusage``, where there is
one) is printed beside it.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from docgen.bench.common import machine, run_build, table
from docgen.bench.synthetic import change_score, write_packet

MB = 2**20


@dataclass
class MemoryPeaks:
    """The largest resident memory seen, in bytes, over the builds it watched."""

    tree: int = 0  # the build's process and all its children at once
    main: int = 0  # the build's process
    worker: int = 0  # any one child
    samples: int = 0

    def watch(self, pid: int, every: float = 0.1) -> None:
        """Sample ``pid`` and its descendants until ``pid`` ends."""
        import psutil

        try:
            main = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        while True:
            try:
                own = main.memory_info().rss
                children = main.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            sizes = []
            for child in children:
                try:
                    sizes.append(child.memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            self.main = max(self.main, own)
            self.worker = max([self.worker, *sizes])
            self.tree = max(self.tree, own + sum(sizes))
            self.samples += 1
            if not main.is_running() or main.status() == psutil.STATUS_ZOMBIE:
                return
            time.sleep(every)


def _document_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    return "\n".join(texts)


def _runs(runs: list[tuple[float, dict]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    own = statistics.median(r[1]["seconds"] for r in runs)
    last = runs[-1][1]
    return f"{wall:.2f} s (docgen {own:.2f} s; {len(last['built'])} built)"


def time_scale(n: int, formats: tuple[str, ...] = ("docx", "pdf"), jobs: int | None = None, repeat: int = 3,
               summaries: bool = True, seed: int = 2024, echo: Callable[[str], None] = print) -> list[str]:
    """Build a synthetic packet of ``n`` projects and time it; returns the Markdown lines printed."""
    from docgen.portable import children_peak_rss

    with tempfile.TemporaryDirectory(prefix="docgen-bench-scale-") as tmp:
        folder, out = Path(tmp) / "packet", Path(tmp) / "out"
        start = time.perf_counter()
        packet = write_packet(folder, n, seed=seed, formats=formats, summaries=summaries)
        echo(f"合成数据：{n}个项目，{time.perf_counter() - start:.1f} s（{folder}）")
        peaks = MemoryPeaks()
        cold = run_build(packet, out, jobs, watch=peaks.watch)
        os_peak = children_peak_rss()
        echo(f"  冷构建 {_runs([cold])}；内存峰值 {peaks.tree / MB:.0f} MB")
        outputs = len([p for p in out.iterdir() if p.suffix in (".docx", ".pdf")])
        noop = [run_build(packet, out, jobs) for _ in range(repeat)]
        echo(f"  无变化重建 {_runs(noop)}")
        one = []
        for _ in range(repeat):
            name, score = change_score(folder, 0)
            one.append(run_build(packet, out, jobs))
            docx = out / f"{Path(name).stem}.docx"
            if "docx" in formats and score not in _document_text(docx):
                raise RuntimeError(f"改分后重建的{docx.name}中没有新得分{score}")
            if f"{Path(name).stem}.{formats[0]}" not in one[-1][1]["built"]:
                raise RuntimeError(f"改分后重建没有重新生成{Path(name).stem}.{formats[0]}")
        echo(f"  改一个项目的得分后重建 {_runs(one)}")
        shutil.rmtree(out, ignore_errors=True)
    what = f"{n} projects, {'+'.join(f.upper() for f in formats)}" + ("" if summaries else ", sheets only")
    lines = ["", f"Machine: {machine()}", "",
             f"`docgen bench --scale {n} --formats {','.join(formats)}` (--jobs {jobs or 'default'}; "
             f"median of {repeat} for the rebuilds; wall time of the command, interpreter start included):", ""]
    lines += table(["packet", "outputs", "cold build", "no-op rebuild", "one project's score changed",
                    "peak RSS, build + workers (sum)", "build process", "largest worker"],
                   [[what, str(outputs), _runs([cold]), _runs(noop), _runs(one), f"{peaks.tree / MB:.0f} MB",
                     f"{peaks.main / MB:.0f} MB", f"{peaks.worker / MB:.0f} MB"
                     + (f" (getrusage: {os_peak / MB:.0f} MB)" if os_peak else "")]])
    for line in lines:
        echo(line)
    return lines
