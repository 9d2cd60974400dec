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
