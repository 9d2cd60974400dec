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

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from docgen import __version__


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    from importlib.metadata import version

    from docgen.render import harfbuzz_subset_available

    libs = f"WeasyPrint {version('weasyprint')}, docxtpl {version('docxtpl')}, pypdf {version('pypdf')}"
    subset = "HarfBuzz subsetting" if harfbuzz_subset_available() else "fontTools subsetting (slow)"
    return (f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; docgen {__version__}; {libs}; {subset}")


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled modules are cached
    env.pop("DOCGEN_DEBUG", None)
    return env


def _build(packet: Path, out: Path, jobs: int | None) -> tuple[float, dict]:
    """``docgen build`` as users run it (the program's entry point), with its summary as JSON
    (``--json``): (wall seconds, summary)."""
    cmd = [sys.executable, "-m", "docgen", "build", str(packet), "-o", str(out), "--json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    seconds = time.perf_counter() - start
    if proc.returncode not in (0,):
        raise RuntimeError(f"docgen build {packet} 失败（退出码{proc.returncode}）：{proc.stderr[-800:]}")
    return seconds, json.loads(proc.stdout)


def _median_runs(runs: list[tuple[float, dict]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    own = statistics.median(r[1]["seconds"] for r in runs)
    last = runs[-1][1]
    return f"{wall:.2f} s (docgen {own:.2f} s; {len(last['built'])} built, {len(last['up_to_date'])} up to date)"


def _change_one_project(packet: Path) -> str | None:
    """Append （修订） to the name of the data set's first project, in its file (a copy):
    its own document and every summary listing it change. Returns a description, or None
    when the packet has no projects."""
    from ruamel.yaml import YAML

    from docgen.input import load_dataset
    from docgen.build import load_packet

    spec, _ = load_packet(packet)
    data = load_dataset(spec.inputs)
    if not data.projects:
        return None
    first = data.projects[0]
    path = Path(first.source)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    doc = yaml.load(path.read_text(encoding="utf-8"))
    items = doc if isinstance(doc, list) else doc.get("projects") if "projects" in doc else None
    target = items[0] if items is not None else doc
    target["name"] = f"{target['name']}（修订）"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    return f"{path.name}: name of “{first.project.name[:20]}…”"


def time_builds(packets: list[Path], jobs: int | None, repeat: int,
                echo: Callable[[str], None]) -> list[list[str]]:
    """Wall times of ``docgen build`` (median of ``repeat`` runs for the rebuilds)."""
    rows = []
    for packet in packets:
        name = packet.parent.name
        with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
            copy = Path(tmp) / name
            shutil.copytree(packet.parent, copy)
            out = Path(tmp) / "out"
            cold = _build(copy / packet.name, out, jobs)
            noop = [_build(copy / packet.name, out, jobs) for _ in range(repeat)]
            one = []
            for _ in range(repeat):
                if not _change_one_project(copy / packet.name):
                    break
                one.append(_build(copy / packet.name, out, jobs))
            files = len([p for p in out.iterdir() if p.is_file() and p.suffix in (".docx", ".pdf")])
        row = [name, str(files), _median_runs([cold]), _median_runs(noop), _median_runs(one) if one else "—"]
        rows.append(row)
        echo(f"  {name}: cold {row[2]}; no-op {row[3]}; one project changed {row[4]}")
    return rows


def time_watch(packets: list[Path], jobs: int | None, repeat: int, echo: Callable[[str], None]) -> dict[str, str]:
    """``docgen build --watch``: the rebuild after one project changed, with this process and
    the workers kept loaded between builds (median of ``repeat``)."""
    from docgen.build import build_packet, default_jobs
    from docgen.build.executor import make_executor

    times: dict[str, str] = {}
    for packet in packets:
        with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
            copy = Path(tmp) / packet.parent.name
            shutil.copytree(packet.parent, copy)
            jobs_ = jobs or default_jobs()
            executor = make_executor(jobs_)
            try:
                build_packet(copy / packet.name, Path(tmp) / "out", jobs_, executor=executor)
                runs = []
                for _ in range(repeat):
                    if not _change_one_project(copy / packet.name):
                        break
                    result = build_packet(copy / packet.name, Path(tmp) / "out", jobs_, executor=executor)
                    runs.append((result.seconds, len(result.built)))
            finally:
                executor.shutdown()
        if runs:
            times[packet.parent.name] = f"{statistics.median(r[0] for r in runs):.2f} s ({runs[-1][1]} built)"
            echo(f"  {packet.parent.name}: --watch rebuild {times[packet.parent.name]}")
    return times


def time_documents(packets: list[Path], repeat: int, echo: Callable[[str], None], render_pdf):
    """Warm per-document DOCX and PDF times per family (renderers created once)."""
    from docgen.build import load_packet
    from docgen.build.plan import plan_documents
    from docgen.build.tasks import RENDERERS as _RENDERERS
    from docgen.input import load_dataset

    per_family: dict[str, dict] = {}
    for packet in packets:
        spec, _ = load_packet(packet)
        data = load_dataset(spec.inputs)
        families = spec.families if spec.families is not None else data.families
        docs, _ = plan_documents(data, families)
        root = str(spec.templates)
        docx, pdf = _RENDERERS.docx(root), _RENDERERS.pdf(root)
        for family in dict.fromkeys(d.family for d in docs):
            mine = [d for d in docs if d.family == family]
            docx.render(family, mine[0].context)  # warm: template read, fonts loaded
            render_pdf(pdf, family, mine[0].context, spec.pdf_date)
            t_docx, t_pdf, pages, sizes = [], [], [], []
            for d in mine:
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    docx.render(family, d.context)
                    times.append(time.perf_counter() - start)
                t_docx.append(statistics.median(times))
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    data_pdf, _, n = render_pdf(pdf, family, d.context, spec.pdf_date)
                    times.append(time.perf_counter() - start)
                t_pdf.append(statistics.median(times))
                pages.append(n)
                sizes.append(len(data_pdf))
            per_family[family] = {"family": family, "sample": packet.parent.name, "docs": mine, "docx": t_docx,
                                  "pdf": t_pdf, "pages": pages, "sizes": sizes, "templates": root}
            echo(f"  {family}: DOCX {statistics.mean(t_docx):.3f} s, PDF {statistics.mean(t_pdf):.3f} s per document")
        # the target of issue 5 is a one-page result sheet: the sample's sheets are two pages,
        # so also time the first project cut down to one page (first paragraph of each list)
        for d in docs:
            if d.family == "result-sheet" and "result-sheet, one page" not in per_family:
                one = _one_page_sheet(d.context, pdf, spec.pdf_date, root, render_pdf)
                if one:
                    per_family["result-sheet, one page"] = one
    return per_family


def _one_page_sheet(context: dict, renderer, pdf_date, templates: str, render_pdf):
    import dataclasses
    from types import SimpleNamespace

    sheet = context.get("sheet")
    if sheet is None or not dataclasses.is_dataclass(sheet) or not hasattr(sheet, "sections"):
        return None
    sections = [dataclasses.replace(s, paragraphs=s.paragraphs[:2]) for s in sheet.sections]
    small = {**context, "sheet": dataclasses.replace(sheet, sections=sections)}
    data, _, pages = render_pdf(renderer, "result-sheet", small, pdf_date)
    if pages != 1:
        return None
    times = []
    for _ in range(9):
        start = time.perf_counter()
        render_pdf(renderer, "result-sheet", small, pdf_date)
        times.append(time.perf_counter() - start)
    return {"family": "result-sheet", "sample": "first jiyuan-2023 project, 2 paragraphs per section",
            "docs": [SimpleNamespace(context=small)], "docx": [], "pdf": [statistics.median(times)],
            "pages": [1], "sizes": [len(data)], "templates": templates}


class _Soffice:
    """``soffice --headless --convert-to pdf`` with a profile of its own in ``tmp``."""

    def __init__(self, tmp: Path):
        self.program = shutil.which("soffice") or shutil.which("libreoffice")
        self.tmp = tmp
        self.profile = f"-env:UserInstallation={(tmp / 'profile').as_uri()}"
        self.started = False

    def convert(self, files: list[Path]) -> float:
        if not self.started:  # the first start creates the profile
            self.started = True
            self.convert(files[:1])
        start = time.perf_counter()
        subprocess.run([self.program, self.profile, "--headless", "--convert-to", "pdf", "--outdir",
                        str(self.tmp / "pdf"), *map(str, files)], capture_output=True, check=True, timeout=600)
        return time.perf_counter() - start

    def docx_files(self, info: dict, folder: str) -> list[Path]:
        from docgen.build.tasks import RENDERERS as _RENDERERS

        (self.tmp / folder).mkdir()
        files = []
        for i, d in enumerate(info["docs"]):
            path = self.tmp / folder / f"{i:03d}.docx"
            path.write_bytes(_RENDERERS.docx(info["templates"]).render(info["family"], d.context))
            files.append(path)
        return files


def time_soffice(per_family: dict, echo: Callable[[str], None]) -> dict[str, tuple[float, float, float]]:
    """(one call per DOCX, per DOCX when all of a family go in one call) in seconds, and the
    mean size of its PDFs in bytes."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return {}
    out: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as tmp:
        office = _Soffice(Path(tmp))
        for n, (key, info) in enumerate(per_family.items()):
            files = office.docx_files(info, f"family-{n}")
            single = statistics.median(office.convert([f]) for f in files[:3])
            batch = office.convert(files) / len(files)
            size = statistics.mean((office.tmp / "pdf" / f"{f.stem}.pdf").stat().st_size for f in files)
            out[key] = (single, batch, size)
            echo(f"  {key}: soffice {single:.2f} s per call, {batch:.2f} s per document in one call, "
                 f"{size / 1024:.0f} KB")
    return out


def time_head_to_head(per_family: dict, rounds: int, echo: Callable[[str], None], render_pdf) -> list[list[str]]:
    """The long documents (10 pages or more) rendered by docgen and converted by LibreOffice
    in turn, ``rounds`` times each: the machine's speed varies from minute to minute, so the
    two are compared within the same minutes. Also LibreOffice's cost of one more copy of the
    document in a call of six (its start left out). Rows: family, pages, medians and ratios."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return []
    from docgen.build.tasks import RENDERERS as _RENDERERS

    rows = []
    with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as tmp:
        office = _Soffice(Path(tmp))
        for n, (key, info) in enumerate(per_family.items()):
            if statistics.mean(info["pages"]) < 10:
                continue
            doc = info["docs"][0]
            docx = office.docx_files({**info, "docs": [doc]}, f"head-{n}")
            renderer = _RENDERERS.pdf(info["templates"])
            ours, theirs = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                data, _, pages = render_pdf(renderer, info["family"], doc.context, None)
                ours.append(time.perf_counter() - start)
                theirs.append(office.convert(docx))
            size = (office.tmp / "pdf" / f"{docx[0].stem}.pdf").stat().st_size
            mine, other = statistics.median(ours), statistics.median(theirs)
            # LibreOffice without its start: what one more copy costs in a call of six
            copies = [docx[0].with_name(f"copy-{i}.docx") for i in range(6)]
            for copy in copies:
                shutil.copyfile(docx[0], copy)
            marginal = (office.convert(copies) - other) / 5
            rows.append([f"{key} ({info['sample']})", str(pages), f"{mine:.2f} s", f"{other:.2f} s",
                         f"{other / mine:.2f}×", f"{marginal:.2f} s", f"{marginal / mine:.2f}×",
                         f"{len(data) / 1024:.0f} KB", f"{size / 1024:.0f} KB", f"{size / len(data):.2f}×"])
            echo(f"  {key}: docgen {mine:.2f} s, soffice {other:.2f} s (median of {rounds}, in turn), "
                 f"{marginal:.2f} s a copy in a call of six")
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def measure_limits(packets: list[Path], echo: Callable[[str], None]) -> list[list[str]]:
    """Each sample document's rendering as its limits see it (one process, ``--jobs 1``, so a
    long document's parts are measured here too): time and peak growth of resident memory,
    and how many times that the default limits leave. The largest of each packet."""
    from docgen.build import build_packet
    from docgen.build.watchdog import observe
    from docgen.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS

    rows = []
    for packet in packets:
        seen: list[tuple[float, int, str]] = []
        observe(lambda what, seconds, growth: seen.append((seconds, growth, what)))
        try:
            with tempfile.TemporaryDirectory(prefix="docgen-bench-limits-") as tmp:
                build_packet(packet, Path(tmp), jobs=1, force=True)
        finally:
            observe(None)
        slowest, largest = max(seen), max(seen, key=lambda s: s[1])
        mb = max(largest[1] / 2**20, 1.0)  # at least 1 MB: a ratio over nothing says nothing
        # the outputs, each once (a long PDF's parts, the combined PDF's packet editions and a
        # combined PDF first tried in this process are renders of their own)
        outputs = {what for _, _, what in seen if what.endswith((".pdf", ".docx"))}
        rows.append([packet.parent.name, str(len(outputs)), f"{slowest[2]} {slowest[0]:.2f} s",
                     f"{DEFAULT_SECONDS / slowest[0]:.0f}×", f"{largest[2]} {mb:.0f} MB",
                     f"{DEFAULT_MEMORY_MB / mb:.0f}×"])
        echo(f"  {packet.parent.name}: slowest {rows[-1][2]}, largest {rows[-1][4]}")
    return rows


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
