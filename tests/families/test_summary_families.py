"""What the three summary families share: their samples load, header rows repeat, every glyph drawn."""

from __future__ import annotations


from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from docgen.input import load_dataset

from conftest import SAMPLES, assert_every_glyph_drawn

SHUOZHOU = load_dataset([SAMPLES / "shuozhou-edz-2024"])
SHANGDANG = load_dataset([SAMPLES / "shangdang-2022"])


def test_samples_load_without_errors():
    assert not SHUOZHOU.diagnostics.errors and len(SHUOZHOU.projects) == 72
    assert not SHANGDANG.diagnostics.errors and len(SHANGDANG.projects) == 43
    assert SHUOZHOU.families == ["summary-report"]
    assert SHANGDANG.families == ["results-summary", "detail-table"]


def test_header_rows_repeat(batch):
    _, out = batch
    for name in ("summary-report", "results-summary", "detail-table"):
        for table in Document(str(out / f"{name}.docx")).tables:
            tr_pr = table.rows[0]._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None, name
    pages = PdfReader(str(out / "results-summary.pdf")).pages
    attachment_pages = [p.extract_text() for p in pages if "测试项目" in p.extract_text()]
    assert len(attachment_pages) >= 2
    assert all("二级项目名称" in t for t in attachment_pages)


def test_every_character_has_its_glyph(summary_samples):
    pdfs = sorted(summary_samples.glob("*/*.pdf"))
    assert [p.name for p in pdfs] == ["detail-table.pdf", "results-summary.pdf", "summary-report.pdf"]
    for path in pdfs:
        assert_every_glyph_drawn(path)
