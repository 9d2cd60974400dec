"""The preflight over the sample packets' outputs: every file passes it (the defects issue 14
found are fixed; each has a test of its own where it was fixed, and the crafted documents of
test_pdf_rules.py and test_docx_rules.py show that the check reports them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docgen.check import Rule, check_paths


@pytest.fixture(scope="module")
def reports(sample_outputs):
    return {name: check_paths([folder]) for name, folder in sample_outputs.items()}


def _found(reports, sample, file, rule, text):
    return [f for f in reports[sample].findings
            if Path(f.document).name == file and f.rule is rule and text in f.message]


def test_the_draft_is_stamped_on_every_page_and_nothing_else_is(reports, sample_outputs):
    """shangdang-gov-office-2023 is built with errors (allow_errors): its PDF carries the
    stamp on every page and its DOCX the header line; no other document carries either."""
    from docgen.check.pdf_pages import read_pdf

    stamp_rules = {Rule.DRAFT_STAMP_MISSING, Rule.DRAFT_STAMP_UNEXPECTED}
    assert [f for r in reports.values() for f in r.findings if f.rule in stamp_rules] == []
    pages = read_pdf(sample_outputs["shangdang-gov-office-2023"] / "final-accounts.pdf").pages
    assert len(pages) > 40 and all(p.stamped for p in pages)
    other = read_pdf(sample_outputs["shangdang-2022"] / "results-summary.pdf").pages
    assert not any(p.stamped for p in other)


def test_results_summary_merged_agency_cell_shown_on_its_continuation(tmp_path):
    """The sample's 评价机构 column is empty (its source table has none), so its merged cell
    has no text to repeat; with an agency, the merged cell is cut at each page break and its
    name shown on every page of its rows (issue 14, defect 5): the preflight finds no blank."""
    from helpers import Family, Format, render, shangdang_with_agency

    data = shangdang_with_agency(tmp_path, "山西某会计师事务所")
    rendered = render(Family.RESULTS_SUMMARY, [data], tmp_path / "out", Format.PDF)
    report = check_paths(rendered.written)
    assert [str(f) for f in report.findings if f.rule is Rule.MERGED_CELL_BLANK] == []


def test_samples_pass_preflight(reports):
    """make test: every page of every sample packet's output passes the preflight (issue 14)."""
    assert [str(f) for r in reports.values() for f in r.errors] == []


def test_the_check_command(sample_outputs, tmp_path, make_pdf):
    from docgen.cli.app import app

    folder = sample_outputs["shangdang-gov-office-2023"]
    result = CliRunner().invoke(app, ["check", str(folder)])
    assert result.exit_code == 0 and "检查了 2 个文件（2 个没有问题）：共 0 个错误" in result.output
    # a line that runs past the page edge (公开01表 did, issue 14 defect 1)
    clipped = make_pdf('<p style="white-space: nowrap">' + "收入支出决算总表" * 6 + "</p>", name="clipped")
    result = CliRunner().invoke(app, ["check", str(clipped)])
    assert result.exit_code == 2
    assert "第1页：文字超出页面右边界" in result.output and "clipped.pdf：" in result.output
    as_json = CliRunner().invoke(app, ["check", str(clipped), "--json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 2 and data["errors"] == len([f for f in data["findings"] if f["severity"] == "error"])
    assert any(f["page"] == 1 and f["rule"] == "text-clipped" and f["document"].endswith("clipped.pdf")
               for f in data["findings"])
    clean = CliRunner().invoke(app, ["check", str(make_pdf("<p>没有问题的文档</p>"))])
    assert clean.exit_code == 0 and "共 0 个错误" in clean.output


def test_build_state_is_not_checked(sample_outputs):
    folder = sample_outputs["jiyuan-2023"]
    assert (folder / ".docgen").is_dir()
    report = check_paths([folder])
    assert all(".docgen" not in d for d in report.documents)
    assert len(report.documents) == 17  # 8 sheets × (DOCX, PDF) and the combined PDF


def test_the_pages_of_a_draft_document_in_a_combined_pdf(sample_outputs):
    """The combined PDF's bookmarks place each document: with one of them a draft, only its
    pages must carry the stamp (and the rest must not)."""
    from docgen.check.stamps import check_stamps, combined_draft_pages
    from docgen.check.pdf_pages import read_pdf

    folder = sample_outputs["jiyuan-2023"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    titles = {d["title"]: d["stem"] == "02-emergency" for d in manifest["documents"]}
    combined = folder / manifest["combined"]["file"]
    # the 目录, its blank verso, 01-housing (pages 3–4), 02-emergency (5–6)
    assert combined_draft_pages(combined, titles) == {5, 6}
    missing = check_stamps("合并.pdf", read_pdf(combined).pages, {5, 6})
    assert [(f.page, f.rule) for f in missing] == [(5, Rule.DRAFT_STAMP_MISSING), (6, Rule.DRAFT_STAMP_MISSING)]
    titles["没有书签的文档"] = True
    assert combined_draft_pages(combined, titles) is None  # unknown: the stamp is not checked
