"""Shared fixtures: the samples rendered once per test session."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def squash(text: str) -> str:
    """Text without any whitespace: PDF line breaks fall anywhere inside Chinese text."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    """The text of every page in drawing order (pypdf keeps each table cell together),
    page-number footers (— 1 —) removed, whitespace removed."""
    from pypdf import PdfReader

    lines = [
        ln
        for page in PdfReader(str(path)).pages
        for ln in page.extract_text().splitlines()
        if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)
    ]
    return squash("".join(lines))


def pdftotext(path: Path) -> str:
    """poppler's reading-order text, whitespace removed (for single-line fields)."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return squash(out)


def docx_text(path: Path) -> str:
    """Every paragraph of the body and of every table cell, read back with python-docx."""
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return squash("".join(parts))


@pytest.fixture(scope="session")
def rendered_jiyuan(tmp_path_factory):
    """The jiyuan-2023 sample rendered as DOCX and PDF into a temporary folder."""
    from docgen.build import Family, Format, render

    out = tmp_path_factory.mktemp("jiyuan")
    report = render(Family.RESULT_SHEET, [SAMPLES / "jiyuan-2023"], out, Format.ALL)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return out


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder; messages name files relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


def pdf_columns(path: Path, widths_mm: list[float]) -> list[str]:
    """Text of each table column across all pages (whitespace removed), from poppler's word
    boxes: a row that breaks across pages interleaves its cells in the content stream, so a
    cell's text is only contiguous when read column by column. The repeated header row (same
    words at the same x on every page) and the page numbers are left out."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [
            (float(x0), float(y0), float(x1), html.unescape(text))
            for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
        ]
        footer = [w for w in words if w[1] > height * 0.9 and re.fullmatch(r"[—\-\d]+", w[3])]
        pages.append([w for w in words if w not in footer])
    placed = [{(round(w[0]), w[3]) for w in page} for page in pages]
    repeated = set.intersection(*placed) if len(pages) > 1 else set()
    columns = [""] * len(widths_mm)
    for words in pages:
        left = min(w[0] for w in words)  # the text block's left edge (the 单位 line, the table)
        edges = [left]
        for w in widths_mm:
            edges.append(edges[-1] + w * 72 / 25.4)
        for x0, y0, x1, text in sorted(words, key=lambda w: (round(w[1]), w[0])):
            if (round(x0), text) in repeated:
                continue
            centre = (x0 + x1) / 2
            for i in range(len(widths_mm)):
                if edges[i] <= centre < edges[i + 1]:
                    columns[i] += text
    return [squash(c) for c in columns]
