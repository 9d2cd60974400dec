"""Builds of the samples (cold, no-op, one project changed, ``--watch``), each document's warm
render times, and each render's time and memory against the limits."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from docgen.bench.common import run_build


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
            cold = run_build(copy / packet.name, out, jobs)
            noop = [run_build(copy / packet.name, out, jobs) for _ in range(repeat)]
            one = []
            for _ in range(repeat):
                if not _change_one_project(copy / packet.name):
                    break
                one.append(run_build(copy / packet.name, out, jobs))
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
    from docgen.build.spec import apply_packet
    from docgen.build.tasks import RENDERERS as _RENDERERS
    from docgen.input import load_dataset

    per_family: dict[str, dict] = {}
    for packet in packets:
        spec, _ = load_packet(packet)
        data = load_dataset(spec.inputs)
        apply_packet(spec, data)  # as a build does: the packet's columns and charts
        families = spec.families_of(data)
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
