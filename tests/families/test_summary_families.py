"""What the three summary families share: their samples load, header rows repeat, every glyph
drawn, long tokens kept inside their cells."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from docgen.input import load_dataset

from helpers import Family, Format, render
from summary_batch import write_batch

from conftest import SAMPLES, assert_every_glyph_drawn, glyphs_across_rules, glyphs_outside_text_block, pdf_text, squash

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


#: Tokens with no break opportunity: a URL and a long number.
LONG_URL = "https://www.example.gov.cn/zwgk/2024/jxpj/report-000123-final-version-with-appendix.pdf"
LONG_NUMBER = "1234567890" * 6

#: (left, right) page margins in mm: GB/T 9704 (summary-report, results-summary), detail-table.css.
MARGINS = {"portrait": (28, 26), "landscape": (15, 15)}


@pytest.mark.parametrize("family", [Family.SUMMARY_REPORT, Family.RESULTS_SUMMARY, Family.DETAIL_TABLE],
                         ids=lambda f: f.value)
def test_long_tokens_break_inside_their_cells(tmp_path, family):
    """Issue 14, defect 2: a token with no break point ran past its cell rule and was clipped at
    the page edge; it must wrap inside its cell (the DOCX keeps it whole: Word wraps it)."""
    pytest.importorskip("pdfplumber")
    write_batch(tmp_path)
    batch = tmp_path / "batch.yaml"
    text = batch.read_text(encoding="utf-8")
    text = text.replace('name: "测试项目01号"\n    department: "单位1"',
                        f'name: "测试项目01号{LONG_NUMBER}{LONG_URL}"\n    department: "单位{LONG_NUMBER}"', 1)
    text = text.replace('problems: ["问题1甲。"', f'problems: ["问题1甲：{LONG_URL}。"', 1)
    batch.write_text(text, encoding="utf-8")
    report = render(family, [tmp_path], tmp_path / "out", Format.PDF)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    [path] = report.written
    assert squash(LONG_URL) in pdf_text(path)
    assert not glyphs_outside_text_block(path, MARGINS)
    assert not glyphs_across_rules(path)
