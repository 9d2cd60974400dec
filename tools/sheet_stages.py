"""Where a result sheet's time goes (BENCHMARKS.md, issue 16): a packet of N copies of the
jiyuan projects, DOCX and PDF, built in this one process (``jobs=1``, no worker), each stage
timed by wrapping the function that does it. No profiler: its overhead distorts the small
functions of the preflight most. Prints milliseconds per sheet for each stage, and what
WeasyPrint alone would take for 2,000 sheets on this machine's cores.

    .venv/bin/python tools/sheet_stages.py [--copies 5]
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import re
import tempfile
import time
from pathlib import Path

from bench_cluster import synthetic

#: (module, object, attribute, label): the stages, in the order a sheet goes through them
STAGES = [
    ("docgen.render.docx", "DocxRenderer", "render", "DOCX rendered (docxtpl)"),
    ("docgen.check.docx", None, "check_docx", "DOCX checked"),
    ("docgen.render.pdf", "PdfRenderer", "html", "HTML from the template (Jinja2)"),
    ("docgen.render.pdf", "PdfRenderer", "_lay_out", "HTML parsed and laid out (WeasyPrint)"),
    ("weasyprint.document", "Document", "write_pdf", "PDF written (WeasyPrint, fonts subset)"),
    ("docgen.build.preflight", None, "check_written_pdf", "PDF checked, in all"),
    ("docgen.check.pdf_pages", None, "read_pdf", "  of which: pages read (pypdfium2)"),
    ("docgen.check.pdf_fonts", None, "check_fonts", "  of which: fonts (pypdf, fontTools)"),
    ("docgen.check.pdf_geometry", None, "check_geometry", "  of which: clipping, rules, overprint"),
]
WEASYPRINT = ("HTML parsed and laid out (WeasyPrint)", "PDF written (WeasyPrint, fonts subset)")


def wrap(totals: dict, calls: collections.Counter) -> None:
    import importlib

    for module_name, owner, attribute, label in STAGES:
        module = importlib.import_module(module_name)
        target = getattr(module, owner) if owner else module
        original = getattr(target, attribute)

        def timed(*args, _original=original, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - start
                calls[_label] += 1

        setattr(target, attribute, functools.wraps(original)(timed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5, help="copies of the 8 jiyuan projects (default 5: 40 sheets)")
    args = parser.parse_args()
    from docgen.build import build_packet

    totals: dict[str, float] = collections.defaultdict(float)
    calls: collections.Counter = collections.Counter()
    wrap(totals, calls)
    with tempfile.TemporaryDirectory() as tmp:
        packet = synthetic(Path(tmp) / "packet", args.copies)
        # the sheets alone: the combined PDF is a stage of its own
        packet.write_text(re.sub(r"(?m)^combined:.*$", "combined: false", packet.read_text(encoding="utf-8")),
                          encoding="utf-8")
        cpu, wall = time.process_time(), time.perf_counter()
        result = build_packet(packet, Path(tmp) / "out", jobs=1)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sheets = sum(1 for name in result.built if name.endswith(".pdf")) or 1
    print(f"{sheets} sheets, DOCX and PDF, one process: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({cpu / sheets * 1000:.0f} ms a sheet, start-up and the first layout included)")
    for _, _, _, label in STAGES:
        print(f"  {label:44s} {totals[label] / sheets * 1000:6.1f} ms a sheet ({calls[label]} calls)")
    weasy = sum(totals[label] for label in WEASYPRINT) / sheets
    cores = os.cpu_count() or 1
    print(f"WeasyPrint alone for 2,000 sheets on {cores} cores, perfectly shared: {weasy * 2000 / cores:.0f} s")


if __name__ == "__main__":
    main()
