"""LibreOffice's conversion of docgen's DOCX (``soffice --headless --convert-to pdf``), timed
beside docgen's own PDF."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable


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
