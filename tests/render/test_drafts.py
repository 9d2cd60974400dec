"""Drafts: documents built from data with errors (``--allow-errors``, ``allow_errors: true``) are
stamped 草稿 by the engine in every family, in the DOCX (a header line in every section) and on
every page of the PDF, also inside the combined PDF; documents without errors are not.

Built through the command line, as a user builds them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.shared import RGBColor
from pypdf import PdfReader
from typer.testing import CliRunner

from docgen.cli import app

from conftest import ROOT, SAMPLES
from helpers import stamped_pages

DRAFT_LINE = "草稿：数据有错误，未经核对"


def replace_once(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text, f"{path.name}: {pattern} not found"
    path.write_text(changed, encoding="utf-8")


def result_sheet_data(folder: Path, broken: bool) -> list[Path]:
    """One result sheet of jiyuan-2023; broken: a score whose printed grade no longer fits."""
    folder.mkdir()
    for name in ("02-emergency.yaml", "publisher.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, folder / name)
    if broken:
        replace_once(folder / "02-emergency.yaml", r"^score: .*$", "score: 95")  # 良 printed, 优 by score
    return [folder]


def summary_report_data(folder: Path, broken: bool) -> list[Path]:
    shutil.copytree(SAMPLES / "shuozhou-edz-2024", folder)
    if broken:
        replace_once(folder / "projects.yaml", r'^(    score: 97\.50\n    grade: )"优"', r'\1"良"')
    return [folder]


def shangdang_data(folder: Path, broken: bool) -> list[Path]:
    """The results summary and the detail table of shangdang-2022; broken: a grade that does
    not fit the project's score."""
    shutil.copytree(SAMPLES / "shangdang-2022", folder)
    if broken:
        replace_once(folder / "projects.yaml", r"^    score: 88\.39$", '    score: 88.39\n    grade: "中"')
    return [folder]


def final_accounts_data(folder: Path, broken: bool) -> list[Path]:
    """broken: the sample, which keeps the errors of the published original (自评表 totals and
    grades); not broken: the test data set, whose figures all agree."""
    if broken:
        shutil.copytree(SAMPLES / "shangdang-gov-office-2023", folder)
    else:
        folder.mkdir()
        shutil.copy(ROOT / "tests" / "data" / "final-accounts.yaml", folder / "final-accounts.yaml")
    return [folder]


FAMILIES = {
    "result-sheet": result_sheet_data,
    "summary-report": summary_report_data,
    "results-summary": shangdang_data,
    "detail-table": shangdang_data,
    "final-accounts": final_accounts_data,
}


def shown_headers(doc) -> list[str]:
    """The text of each header a page of each section shows (the default one, the even-page
    one when the document has them, the first-page one when the section has it); "" where a
    section shows none."""
    even = doc.settings.odd_and_even_pages_header_footer
    texts = []
    for index, section in enumerate(doc.sections):
        headers = [section.header] + [section.even_page_header] * even
        headers += [section.first_page_header] * section.different_first_page_header_footer
        for header in headers:
            shows_none = header.is_linked_to_previous and index == 0
            texts.append("" if shows_none else "".join(p.text for p in header.paragraphs))
    return texts


def page_texts(pdf: Path) -> list[str]:
    """pypdf's text of each page."""
    return [page.extract_text() for page in PdfReader(str(pdf)).pages]


def render(family: str, inputs: list[Path], out: Path, allow_errors: bool):
    args = ["render", family, *map(str, inputs), "-o", str(out)] + ["--allow-errors"] * allow_errors
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_stamped_draft_in_docx_and_on_every_pdf_page(tmp_path, family):
    inputs = FAMILIES[family](tmp_path / "data", broken=True)
    refused = CliRunner().invoke(app, ["render", family, *map(str, inputs), "-o", str(tmp_path / "refused")])
    assert refused.exit_code == 2 and not (tmp_path / "refused").exists()  # the data has errors
    render(family, inputs, tmp_path / "out", allow_errors=True)
    docx = sorted((tmp_path / "out").glob("*.docx"))
    pdfs = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(docx) == len(pdfs) == 1

    doc = Document(str(docx[0]))
    headers = shown_headers(doc)
    assert headers and all(DRAFT_LINE in text for text in headers), headers
    first = doc.sections[0].header.paragraphs[0]
    assert first.text == DRAFT_LINE and first.runs[0].font.color.rgb == RGBColor(0xC0, 0, 0)

    stamped = stamped_pages(pdfs[0])
    assert len(stamped) >= 1 and all(stamped), stamped
    # drawn as outlines: the pages' text is the document's own (issue 14)
    assert not any("草稿" in text for text in page_texts(pdfs[0]))


@pytest.mark.parametrize("family", FAMILIES)
def test_documents_without_errors_carry_no_stamp(tmp_path, family):
    inputs = FAMILIES[family](tmp_path / "data", broken=False)
    render(family, inputs, tmp_path / "out", allow_errors=True)  # allowed, but nothing to draft
    (docx,) = (tmp_path / "out").glob("*.docx")
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    doc = Document(str(docx))
    assert not any("草稿" in text for text in shown_headers(doc))
    assert "草稿" not in "".join(p.text for p in doc.paragraphs)
    stamped = stamped_pages(pdf)
    assert stamped and not any(stamped)


def test_combined_pdf_stamps_the_pages_of_the_drafts_only(tmp_path):
    packet = tmp_path / "jiyuan"
    shutil.copytree(SAMPLES / "jiyuan-2023", packet)
    with (packet / "packet.yaml").open("a", encoding="utf-8") as f:
        f.write("allow_errors: true\n")
    replace_once(packet / "02-emergency.yaml", r"^score: .*$", "score: 95")  # its grade is wrong now
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(packet / "packet.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    combined = out / "济源示范区2023年度评价结果.pdf"

    def squash(text: str) -> str:  # a page's text without its folio, to find it in the combined PDF
        return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))

    pages = page_texts(combined)
    where = {squash(text): n for n, text in enumerate(pages)}
    stamped = {n for n, drawn in enumerate(stamped_pages(combined)) if drawn}
    drafted, documents = set(), set()
    for pdf in sorted(out.glob("0*.pdf")):
        own = [where[squash(text)] for text in page_texts(pdf)]  # every page is in the combined PDF
        documents |= set(own)
        if pdf.stem == "02-emergency":
            drafted = set(own)
    assert len(drafted) == 2 and len(documents) == len(pages) - 2  # and the 目录 page and its blank verso
    assert stamped == drafted


@pytest.mark.parametrize("own", ["济源市财政局", "{% if draft %}草稿：数据有错误，未经核对{% endif %}"])
def test_a_users_word_template_is_stamped_above_its_own_header_and_once(tmp_path, own):
    """The stamp goes first in the user's header, which is kept; a template that writes the line
    itself (as the built-in final-accounts template did) does not get it twice."""
    folder = tmp_path / "set"
    folder.mkdir()
    template = Document(str(ROOT / "templates" / "result-sheet.docx"))
    template.sections[0].header.paragraphs[0].text = own
    template.save(str(folder / "result-sheet.docx"))
    inputs = result_sheet_data(tmp_path / "data", broken=True)
    result = CliRunner().invoke(app, ["render", "result-sheet", *map(str, inputs), "-o", str(tmp_path / "out"),
                                      "--format", "docx", "--templates", str(folder), "--allow-errors"])
    assert result.exit_code == 0, result.output
    header = Document(str(tmp_path / "out" / "02-emergency.docx")).sections[0].header
    expected = [DRAFT_LINE] if "draft" in own else [DRAFT_LINE, own]
    assert [p.text for p in header.paragraphs] == expected


def test_every_registered_family_has_a_draft_case():
    """A family added to the registry must say here how its data is broken into a draft."""
    from docgen import families

    assert set(FAMILIES) == set(families.names())
