"""The DOCX rules on documents made with python-docx."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

from docgen.check import Rule
from docgen.check.docx import check_docx


def _named(run, font: str = "仿宋_GB2312") -> None:
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _save(document, tmp_path, name="doc"):
    path = tmp_path / f"{name}.docx"
    document.save(str(path))
    return path


def test_a_leftover_tag(tmp_path):
    document = Document()
    _named(document.add_paragraph().add_run("项目名称：{{ project.name }}"))
    _named(document.add_paragraph().add_run("{% for r in rows %}"))
    found = [f for f in check_docx(_save(document, tmp_path)) if f.rule is Rule.DOCX_LEFTOVER_TAG]
    assert len(found) == 2 and "{{" in found[0].message and "{%" in found[1].message
    assert all(f.page is None for f in found)


def test_a_tag_split_over_runs_is_still_found(tmp_path):
    document = Document()
    paragraph = document.add_paragraph()
    for text in ("金额{", "{ amount }", "}元"):
        _named(paragraph.add_run(text))
    found = check_docx(_save(document, tmp_path))
    assert [f.rule for f in found] == [Rule.DOCX_LEFTOVER_TAG] and "金额{{ amount }}元" in found[0].message


def test_chinese_text_without_an_east_asian_font(tmp_path):
    document = Document()  # python-docx's default template: theme fonts only
    document.add_paragraph().add_run("没有指定中文字体")
    _named(document.add_paragraph().add_run("指定了中文字体"))
    document.add_paragraph().add_run("Latin text needs none")
    found = [f for f in check_docx(_save(document, tmp_path)) if f.rule is Rule.DOCX_FONT_UNNAMED]
    assert len(found) == 1 and "1段" in found[0].message and "没有指定中文字体" in found[0].message


def test_a_style_that_names_the_font_is_enough(tmp_path):
    document = Document()
    style = document.styles["Normal"]
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    document.add_paragraph().add_run("样式中指定了中文字体")
    assert check_docx(_save(document, tmp_path)) == []


def test_the_contents_must_list_what_the_pdf_contents_lists(tmp_path):
    document = Document()
    for level, text in [(1, "第一部分 概况"), (2, "一、本部门（单位）职责")]:
        _named(document.add_heading(level=level).add_run(text))
    toc = document.add_paragraph()._p
    field = toc.makeelement(qn("w:fldSimple"), {qn("w:instr"): 'TOC \\o "1-2" \\h \\z \\u'})
    toc.append(field)
    path = _save(document, tmp_path)
    pdf = ["第一部分 概况", "一、本部门（单位）职责", "一、收入支出决算总表"]
    found = [f for f in check_docx(path, pdf_contents=pdf) if f.rule is Rule.DOCX_CONTENTS_MISSING]
    assert len(found) == 1 and "收入支出决算总表" in found[0].message and "职责" not in found[0].message
    assert check_docx(path, pdf_contents=pdf[:2]) == []


def test_no_contents_at_all(tmp_path):
    document = Document()
    _named(document.add_paragraph().add_run("正文"))
    found = check_docx(_save(document, tmp_path), pdf_contents=["第一部分 概况"])
    assert [f.rule for f in found] == [Rule.DOCX_CONTENTS_MISSING] and "DOCX没有目录" in found[0].message


def test_the_draft_header_line(tmp_path):
    from docgen.render.docx import stamp_draft

    document = Document()
    _named(document.add_paragraph().add_run("正文"))
    plain = _save(document, tmp_path, "plain")
    stamp_draft(document)
    stamped = _save(document, tmp_path, "stamped")
    assert [f.rule for f in check_docx(plain, draft=True)] == [Rule.DRAFT_STAMP_MISSING]
    assert [f.rule for f in check_docx(stamped, draft=False)] == [Rule.DRAFT_STAMP_UNEXPECTED]
    assert check_docx(stamped, draft=True) == [] and check_docx(plain, draft=False) == []
