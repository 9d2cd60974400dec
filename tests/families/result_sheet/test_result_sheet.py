"""Result sheets: every field of every sample comes back out of the DOCX and the PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from helpers import Family, Format, render
from docgen.contexts.result_sheet import build_result_sheet
from docgen.input import load_dataset
from docgen.render import DocxRenderer, PdfRenderer

from conftest import (SAMPLES, assert_every_glyph_drawn, docx_text, embedded_glyphs, glyphs_across_rules,
                      glyphs_outside_text_block, needs_poppler, pdf_text, pdftotext, squash)

SAMPLE = load_dataset([SAMPLES / "jiyuan-2023"])
PROJECTS = SAMPLE.projects


def expected_texts(loaded) -> list[str]:
    """What a reader must find on the sheet, taken from the YAML (not from the context)."""
    p = loaded.project
    texts = [SAMPLE.publisher.area, SAMPLE.publisher.sheet_title, p.name, f"{p.evaluation_year}年",
             *p.implementing_units, *p.overview]
    texts += [f"{i}.{t}" for i, t in enumerate(p.problems, 1)]
    texts += [f"{i}.{t}" for i, t in enumerate(p.rectification, 1)]
    texts += [f"{i}.{t}" for i, t in enumerate(p.suggestions, 1)]
    if p.score is not None:
        texts.append(f"绩效评价得分 {p.score:.2f} 分，绩效等级为“{p.grade.value}”。")
    return texts


def test_sample_is_complete_and_valid():
    assert not SAMPLE.diagnostics.errors, [str(d) for d in SAMPLE.diagnostics]
    assert len(PROJECTS) == 8
    # the seed's figures: first and last sheet
    assert str(PROJECTS[0].project.score) == "80.06"
    assert str(PROJECTS[-1].project.score) == "78.92"


def test_one_docx_and_one_pdf_per_project(rendered_jiyuan):
    stems = sorted(p.output_stem for p in PROJECTS)
    assert sorted(f.stem for f in rendered_jiyuan.glob("*.docx")) == stems
    assert sorted(f.stem for f in rendered_jiyuan.glob("*.pdf")) == stems


@pytest.mark.parametrize("loaded", PROJECTS, ids=lambda p: p.output_stem)
def test_docx_round_trip(rendered_jiyuan, loaded):
    text = docx_text(rendered_jiyuan / f"{loaded.output_stem}.docx")
    for expected in expected_texts(loaded):
        assert squash(expected) in text, expected
    assert "{{" not in text and "{%" not in text


@needs_poppler
@pytest.mark.parametrize("loaded", PROJECTS, ids=lambda p: p.output_stem)
def test_pdf_round_trip(rendered_jiyuan, loaded):
    path = rendered_jiyuan / f"{loaded.output_stem}.pdf"
    text = pdf_text(path)
    for expected in expected_texts(loaded):
        assert squash(expected) in text, expected
    # poppler extracts the same characters (no missing glyph mapping)
    assert squash(loaded.project.name) in pdftotext(path)


def test_conclusion_sentence_is_generated_from_the_score():
    housing = PROJECTS[0]
    sheet = build_result_sheet(housing.project, SAMPLE.publisher)
    assert sheet.conclusion == "绩效评价得分 80.06 分，绩效等级为“良”。"
    changed = housing.project.model_copy(update={"score": housing.project.score + 10, "grade": None})
    assert build_result_sheet(changed, SAMPLE.publisher).conclusion == "绩效评价得分 90.06 分，绩效等级为“优”。"


def _fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    found = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            desc = target.get("/FontDescriptor")
            desc = desc.get_object() if desc else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


@pytest.mark.parametrize("loaded", PROJECTS, ids=lambda p: p.output_stem)
def test_pdf_fonts_embedded_and_subset(rendered_jiyuan, loaded):
    fonts = _fonts(PdfReader(rendered_jiyuan / f"{loaded.output_stem}.pdf"))
    assert fonts, "no fonts found"
    for name, embedded in fonts:
        assert embedded, f"{name} is not embedded"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"
    # the installed SC faces or docgen's faces prepared from them (docgen.render.fonts)
    assert any(name.endswith(("CJK-SC", "Serif-SC", "Sans-SC")) for name, _ in fonts), "SC fonts expected"



def test_every_character_has_its_glyph(rendered_jiyuan):
    for loaded in PROJECTS:
        assert_every_glyph_drawn(rendered_jiyuan / f"{loaded.output_stem}.pdf")


def test_glyph_check_finds_a_character_no_font_has(tmp_path):
    # U+10FFFD is a private-use code point no installed font draws (AR PL UKai draws some of
    # U+E000…), so the check must see it
    project = PROJECTS[0].project.model_copy(update={"name": "住房\U0010fffd保障"})
    path = tmp_path / "t.pdf"
    path.write_bytes(PdfRenderer().render("result-sheet", {"sheet": build_result_sheet(project, SAMPLE.publisher)}))
    drawn = embedded_glyphs(path)
    assert drawn["住"] and drawn["\U0010fffd"] is False
    with pytest.raises(AssertionError, match="\U0010fffd"):
        assert_every_glyph_drawn(path)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_docx_styles_and_runs_name_east_asian_fonts(rendered_jiyuan):
    from lxml import etree

    path = rendered_jiyuan / f"{PROJECTS[0].output_stem}.docx"
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.iter(f"{W}style")}
    expected = {"Normal": "仿宋_GB2312", "Sheet Title": "方正小标宋简体", "Sheet Area": "黑体",
                "Cell Label": "黑体", "Cell Body": "仿宋_GB2312"}
    for style, font in expected.items():
        rfonts = by_name[style].find(f"{W}rPr/{W}rFonts")
        assert rfonts is not None and rfonts.get(f"{W}eastAsia") == font, style
    runs = [r for r in body.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
    assert runs
    for run in runs:
        rfonts = run.find(f"{W}rPr/{W}rFonts")
        assert rfonts is not None and rfonts.get(f"{W}eastAsia"), etree.tostring(run, encoding=str)[:200]


def test_docx_page_setup_follows_gbt9704(rendered_jiyuan):
    section = Document(str(rendered_jiyuan / f"{PROJECTS[0].output_stem}.docx")).sections[0]
    mm = lambda v: round(v.mm)  # noqa: E731
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
    assert (mm(section.bottom_margin), mm(section.right_margin)) == (35, 26)


TRICKY = "A&B <C> {{ x }} {% if 1 %}甲{% endif %} </w:t>"


def test_data_is_printed_literally_never_evaluated(tmp_path):
    base = PROJECTS[0].project
    project = base.model_copy(update={"name": TRICKY, "problems": [TRICKY], "overview": ["<b>粗体</b>&nbsp;"]})
    context = {"sheet": build_result_sheet(project, SAMPLE.publisher)}
    docx_path, pdf_path = tmp_path / "t.docx", tmp_path / "t.pdf"
    docx_path.write_bytes(DocxRenderer().render("result-sheet", context))
    pdf_path.write_bytes(PdfRenderer().render("result-sheet", context))
    docx_body = docx_text(docx_path)
    assert squash("项目名称：" + TRICKY) in docx_body
    assert squash("1." + TRICKY) in docx_body
    assert squash("<b>粗体</b>&nbsp;") in docx_body
    pdf_body = pdf_text(pdf_path)
    assert squash(TRICKY) in pdf_body
    assert squash("<b>粗体</b>&nbsp;") in pdf_body


def test_long_tokens_break_inside_their_cells(tmp_path):
    """Issue 14, defect 2: a URL or a long number has no break point; it wraps inside its cell
    instead of running over the cell rule and off the page."""
    pytest.importorskip("pdfplumber")
    url = "https://www.example.gov.cn/zwgk/2024/jxpj/report-000123-final-version-with-appendix.pdf"
    number = "1234567890" * 8
    project = PROJECTS[0].project.model_copy(update={"name": f"项目{number}", "problems": [f"见{url}。"]})
    path = tmp_path / "t.pdf"
    path.write_bytes(PdfRenderer().render("result-sheet", {"sheet": build_result_sheet(project, SAMPLE.publisher)}))
    assert squash(url) in pdf_text(path) and number in pdf_text(path)
    assert not glyphs_outside_text_block(path, {"portrait": (28, 26)})
    assert not glyphs_across_rules(path)


def test_output_is_byte_identical_across_runs(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    sample = [SAMPLES / "jiyuan-2023"]
    render(Family.RESULT_SHEET, sample, first, Format.ALL)
    render(Family.RESULT_SHEET, sample, second, Format.ALL)
    names = sorted(p.name for p in first.iterdir() if p.is_file())
    assert names == sorted(p.name for p in second.iterdir() if p.is_file()) and len(names) == 16
    for name in names + [".docgen/rendered.json"]:  # render's record of what it wrote too
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_docx_zip_has_fixed_timestamps(rendered_jiyuan):
    with zipfile.ZipFile(rendered_jiyuan / f"{PROJECTS[0].output_stem}.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.infolist()[0].filename == "[Content_Types].xml"


def test_no_temporary_files_left(rendered_jiyuan):
    """Only the documents, and render's record of what it wrote (.docgen/rendered.json)."""
    assert [p.name for p in rendered_jiyuan.iterdir() if p.name.startswith(".")] == [".docgen"]
    assert [p.name for p in (rendered_jiyuan / ".docgen").iterdir()] == ["rendered.json"]


def test_a_row_begun_on_a_pages_last_line_is_labelled_there(tmp_path):
    """Synthetic projects 49 and 77 begin their 评价结果等次及主要问题 row on the first page's
    last line. The two-line label was kept whole and moved to the next page, so the row's
    first line stood unlabelled (the preflight's row-split); the label is now cut like the text
    beside it, and both pages name the row."""
    from docgen.bench.synthetic import write_packet
    from docgen.build import load_packet
    from docgen.build.plan import plan_documents
    from docgen.build.preflight import check_written_pdf
    from docgen.check.pdf_pages import read_pdf

    spec, _ = load_packet(write_packet(tmp_path / "packet", 77, formats=("pdf",), summaries=False))
    data = load_dataset(spec.inputs)
    docs = {d.stem: d for d in plan_documents(data, data.families)[0]}
    renderer = PdfRenderer()
    for stem in ("p00049", "p00077"):
        path = tmp_path / f"{stem}.pdf"
        path.write_bytes(renderer.write(renderer.html("result-sheet", docs[stem].context))[0])
        pages = read_pdf(path).pages
        assert len(pages) == 2
        last_line = max(pages[0].lines, key=lambda line: line.top if line is not pages[0].folio_line else 0)
        assert last_line.text.startswith("评价结果等次")  # the label, beside the row's first line
        assert check_written_pdf(str(path), False)["findings"] == []
