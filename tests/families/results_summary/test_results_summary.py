"""results-summary: 结果情况说明 and its 附件 汇总表 (grouped, merged agency cells, 合计)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from docgen.contexts.results_summary import build_results_summary
from docgen.input import load_dataset
from docgen.render import PdfRenderer
from summary_batch import write_batch

from conftest import SAMPLES, docx_text, pdf_text, squash

SHANGDANG = load_dataset([SAMPLES / "shangdang-2022"])


def agency_cells(docx_path: Path) -> list[tuple[str | None, str]]:
    """(vMerge value, text) of the 评价机构 cell of every body row, read from the XML."""
    table = Document(str(docx_path)).tables[0]
    out = []
    for tr in table._tbl.tr_lst[1:]:
        tc = tr.tc_lst[-1]
        merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        value = None if merge is None else (merge.get(qn("w:val")) or "continue")
        out.append((value, "".join(t.text for t in tc.iter(qn("w:t")))))
    return out


def test_results_summary_merges_agency_cells_from_the_data(batch):
    folder, out = batch
    data = load_dataset([folder])
    doc = build_results_summary(data.results_summary, [p.project for p in data.projects], data.grade_bands)
    rows = doc.rows
    # grade groups first (优 → 良 → 中 → 差), agencies consecutive inside a grade
    assert [r.grade for r in rows] == ["优"] * 3 + ["良"] * 31 + ["中", "差"]
    assert [(r.agency, r.agency_span) for r in rows[:3]] == [
        ("甲评价公司", 2), ("甲评价公司", 0), ("乙会计师事务所", 1)]
    assert rows[3].agency == "丙咨询有限公司" and rows[3].agency_span == 30
    assert [r.agency_span for r in rows[4:33]] == [0] * 29
    assert (rows[33].agency, rows[33].agency_span) == ("甲评价公司", 1)  # 良, not merged with 优's 甲
    cells = agency_cells(out / "results-summary.docx")[:-1]  # last row is 合计
    assert [m for m, _ in cells] == ["restart" if r.agency_span else "continue" for r in rows]
    assert [t for _, t in cells] == [r.agency if r.agency_span else "" for r in rows]


def test_merged_group_crosses_a_page_in_the_pdf(batch):
    """Issue 14, defect 5: a merged 评价机构 cell broken by a page break left its rows on the next
    page blank. The cell is cut at the break: the name shows once on each page of its rows."""
    folder, out = batch
    data = load_dataset([folder])
    context = {"summary": build_results_summary(data.results_summary, [p.project for p in data.projects])}
    html = PdfRenderer().html("results-summary", context)
    assert html.count('rowspan="30"') == 1 and html.count('rowspan="2"') == 1
    pages = [p.extract_text() for p in PdfReader(str(out / "results-summary.pdf")).pages]
    group = [f"测试项目{i:02d}号" for i in range(4, 34)]
    holding = [i for i, t in enumerate(pages) if any(name in t for name in group)]
    assert len(holding) >= 2, "the 30-row group should start and end on different pages"
    assert [squash(pages[i]).count("丙咨询有限公司") for i in holding] == [1] * len(holding)
    assert sum(squash(t).count("丙咨询有限公司") for t in pages) == len(holding)


def cell_lines(path: Path, header: str) -> list[tuple[int, str, int]]:
    """(page, text, lines) of every body cell of the column headed ``header``, measured with
    pdfplumber from the table's rules: the column lies between two vertical rules, a cell
    between the horizontal rules that cross the column (a merged cell spans several rows)."""
    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            edges = page.edges
            xs: list[float] = []
            for x in sorted(float(e["x0"]) for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 5):
                if not xs or x - xs[-1] > 1.5:
                    xs.append(x)
            for x0, x1 in zip(xs, xs[1:]):
                ys: list[float] = []
                for y in sorted(float(e["top"]) for e in edges if e["orientation"] == "h"
                                and e["x0"] <= x0 + 1.5 and e["x1"] >= x1 - 1.5):
                    if not ys or y - ys[-1] > 1.5:
                        ys.append(y)
                cells = []
                for top, bottom in zip(ys, ys[1:]):
                    chars = [c for c in page.chars if x0 < (c["x0"] + c["x1"]) / 2 < x1
                             and top < (c["top"] + c["bottom"]) / 2 < bottom]
                    lines: list[float] = []
                    for y in sorted(round(float(c["top"]), 1) for c in chars):
                        if not lines or y - lines[-1] > 2:
                            lines.append(y)
                    cells.append(("".join(c["text"] for c in chars), len(lines)))
                if cells and squash(cells[0][0]) == header:
                    out.extend((number, text, lines) for text, lines in cells[1:])
    return out


@pytest.fixture(scope="module")
def with_agency(tmp_path_factory):
    """The shangdang-2022 projects with one 评价机构 of 12 characters: empty agencies continue
    it, so each grade's rows are one merged agency cell (the 良 group runs over pages)."""
    from helpers import Family, Format, render, shangdang_with_agency

    folder = tmp_path_factory.mktemp("agency")
    data = shangdang_with_agency(folder, AGENCY)
    report = render(Family.RESULTS_SUMMARY, [data], folder / "out", Format.ALL)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return folder / "out"


AGENCY = "长治市正信资产评估事务所"


def test_merged_agency_name_on_every_page_of_its_rows(with_agency):
    """Each page of a merged 评价机构 cell's rows shows the name in that column, and the cell's
    rows on the page are not blank (the preflight finds no blank continuation)."""
    pytest.importorskip("pdfplumber")
    from docgen.check import Rule, check_paths

    path = with_agency / "results-summary.pdf"
    agency = cell_lines(path, "评价机构")
    pages = {page for page, _, _ in cell_lines(path, "序号")}
    assert len(pages) >= 3
    assert {page for page, text, _ in agency if squash(text) == AGENCY} == pages
    assert [text for _, text, _ in agency if squash(text) not in (AGENCY, "")] == []
    assert [text for _, text, _ in agency].count("") == 1  # the 合计 row's
    assert not [f for f in check_paths([path]).findings if f.rule is Rule.MERGED_CELL_BLANK]


@pytest.mark.parametrize("header", ["单位", "评价机构"])
def test_unit_and_agency_widths_follow_content(summary_samples, with_agency, header):
    """Issue 14, defect 5: 单位 and 评价机构 wrapped names over 3–5 lines in a 24 mm column.
    The columns follow their content: a name of up to 12 characters takes at most two lines."""
    pytest.importorskip("pdfplumber")
    path = (summary_samples / "shangdang-2022" if header == "单位" else with_agency) / "results-summary.pdf"
    cells = [(text, lines) for _, text, lines in cell_lines(path, header) if text]
    assert len(cells) >= 4
    assert [(text, lines) for text, lines in cells if len(squash(text)) <= 12 and lines > 2] == []


def test_docx_rows_do_not_split(batch, with_agency):
    """Issue 14, defect 5: a row of the DOCX 汇总表 split across pages; every row is w:cantSplit."""
    for path in (batch[1] / "results-summary.docx", with_agency / "results-summary.docx"):
        rows = Document(str(path)).tables[0]._tbl.tr_lst
        assert len(rows) > 30
        assert [i for i, tr in enumerate(rows) if tr.trPr is None or tr.trPr.find(qn("w:cantSplit")) is None] == []


def test_results_summary_totals_and_sentences(batch):
    _, out = batch
    for text in (docx_text(out / "results-summary.docx"), pdf_text(out / "results-summary.pdf")):
        assert "合计18,662.74" in text
        assert ("确定重点项目绩效评价36个，涉及金额18662.74万元，评价等级为“优”的3个，"
                "评价等级为“良”的31个，评价等级为“中”的1个，评价等级为“差”的1个。") in text
        assert "附件：测试县2023年重点绩效评价项目结果汇总表" in text
        assert "13,954.79" in text


@pytest.mark.parametrize("total, severity", [("18662.76", "警告"), ("18662.00", None)])
def test_published_total_is_checked(tmp_path, total, severity):
    write_batch(tmp_path, total)
    messages = [str(d) for d in load_dataset([tmp_path]).diagnostics.in_order()]
    (message,) = messages
    assert message.startswith(f"{tmp_path / 'batch.yaml'}:23: results_summary.published_total: ")
    if severity:
        assert "警告" in message and "尾数误差范围内（36行×0.01）" in message
    else:
        assert "警告" not in message and "超出尾数误差（36行×0.01=0.36）" in message


def test_results_summary_from_the_detail_rows(summary_samples):
    out = summary_samples
    text = pdf_text(out / "shangdang-2022" / "results-summary.pdf")
    grades = [p.project.grade for p in SHANGDANG.projects]
    assert "确定2022年度财政支出重点绩效评价项目43个" in text
    doc = Document(str(out / "shangdang-2022" / "results-summary.docx"))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows][1:-1]
    assert len(rows) == 43
    order = {"优": 0, "良": 1, "中": 2, "差": 3, "未评价": 4}
    assert [order[r[5]] for r in rows] == sorted(order[r[5]] for r in rows)
    assert len(grades) == 43


# --- a project without a score or a grade (issue 14, defect 4): shangdang-2022 has 43 projects,
# the 43rd (全民健身设施补短板工程, projects[37]) has only a note and no score or grade.

UNRATED_NOTE = "项目可能不能按照项目计划时间完成建设内容，项目产生的效益也相应推迟。"


def test_unrated_project_is_reported_by_validate(monkeypatch):
    from typer.testing import CliRunner

    from docgen.cli.app import app

    monkeypatch.chdir(SAMPLES.parent)
    result = CliRunner().invoke(app, ["validate", "samples/shangdang-2022"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "未评价" in ln]
    assert lines == [ln for ln in lines if ln.startswith("samples/shangdang-2022/projects.yaml:529: "
                                                          "projects[37].result_note: 警告: ")]
    assert len(lines) == 1 and "没有评价得分和评价等级" in lines[0]


def test_unrated_project_is_counted_so_that_the_sentence_adds_up():
    doc = build_results_summary(SHANGDANG.results_summary, [p.project for p in SHANGDANG.projects],
                                SHANGDANG.grade_bands)
    (sentence,) = doc.paragraphs
    assert sentence == ("确定2022年度财政支出重点绩效评价项目43个，评价等级为“优”的15个，评价等级为“良”的23个，"
                        "评价等级为“中”的2个，评价等级为“差”的2个，未评价的1个。")
    last = doc.rows[-1]
    assert (last.number, last.score, last.grade) == ("43", "", "未评价")
    assert doc.notes == [f"注：序号43项目未评价：{UNRATED_NOTE}"]


def test_a_sentence_whose_counts_leave_out_the_unrated_is_reported(tmp_path):
    import shutil

    for name in ("projects.yaml", "summary.yaml"):
        shutil.copy(SAMPLES / "shangdang-2022" / name, tmp_path / name)
    summary = tmp_path / "summary.yaml"
    summary.write_text(summary.read_text(encoding="utf-8").replace("，未评价的{未评价数}个", ""), encoding="utf-8")
    data = load_dataset([tmp_path])
    (finding,) = [d for d in data.diagnostics.warnings if d.path.startswith("results_summary")]
    assert (finding.file.rsplit("/", 1)[-1], finding.line, finding.path) == (
        "summary.yaml", 8, "results_summary.paragraphs[0]")
    assert "各等级个数之和42与评价数43不符" in finding.message and "{未评价数}" in finding.message


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_unrated_row_prints_a_grade_word_and_its_note_below_the_table(summary_samples, fmt):
    path = summary_samples / "shangdang-2022" / f"results-summary.{fmt}"
    if fmt == "docx":
        doc = Document(str(path))
        rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
        unrated = [r for r in rows if r[1].startswith("长治市上党区2022年基建支出-全民健身设施补短板工程")]
        # one cell over 评分结果 and 评分等级 (python-docx reads it in both columns)
        assert [(r[0], r[4], r[5]) for r in unrated] == [("43", "未评价", "未评价")]
        tr = next(tr for tr in doc.tables[0]._tbl.tr_lst if "全民健身设施补短板" in "".join(tr.itertext()))
        assert [tc.grid_span for tc in tr.tc_lst] == [1, 1, 1, 1, 2, 1]
        assert not any(UNRATED_NOTE in c for r in rows for c in r)  # not poured into a cell
        text = docx_text(path)
    else:
        import subprocess

        text = pdf_text(path)
        layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                                text=True).stdout.splitlines()
        # “未评价” on one line in the row of 序号43 (the 13 mm 评分等级 column alone would break it)
        assert any(ln.lstrip().startswith("43 ") and ln.rstrip().endswith("未评价") for ln in layout)
    assert squash(f"注：序号43项目未评价：{UNRATED_NOTE}") in text
    assert text.count(squash(UNRATED_NOTE)) == 1
    assert squash("评价等级为“差”的2个，未评价的1个。") in text



def test_the_attachment_note_wraps_under_the_attachment_name(summary_samples):
    """GB/T 9704 §7.3.4 (issue 14, defect 12): “附件：” two characters in; a name that wraps goes
    on under its own first character, in the PDF and the DOCX."""
    from docx.shared import Pt

    from docgen.check.pdf_pages import read_pdf

    out = summary_samples / "shangdang-2022"
    page = read_pdf(out / "results-summary.pdf").pages[0]
    lines = sorted(page.body_lines, key=lambda ln: ln.top)
    at = next(i for i, ln in enumerate(lines) if ln.text.replace(" ", "").startswith("附件："))
    name_start = next(g for g in page.glyphs if g.text == "长" and abs(g.top - lines[at].top) < 2)
    assert abs(lines[at + 1].x0 - name_start.x0) < 1.0  # “表” under “长”
    body = next(ln for ln in lines if ln.text.strip().startswith("确定"))
    assert abs(lines[at].x0 - body.x0) < 1.0  # “附件” indented as the body's first line: two characters
    note = next(p for p in Document(str(out / "results-summary.docx")).paragraphs if p.text.startswith("附件："))
    assert (note.paragraph_format.left_indent, note.paragraph_format.first_line_indent) == (Pt(80), Pt(-48))
