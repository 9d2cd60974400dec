"""detail-table: 财政支出重点绩效评价项目明细表, every row through DOCX and PDF."""

from __future__ import annotations

import re

from docx import Document

from docgen.input import load_dataset
from summary_batch import ROWS

from conftest import SAMPLES, pdf_columns, pdf_page_columns, pdf_text, squash

SHANGDANG = load_dataset([SAMPLES / "shangdang-2022"])


def test_detail_table_cells(batch):
    _, out = batch
    table = Document(str(out / "detail-table.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "单位名称", "项目名称", "项目实施单位", "项目实施情况", "评价结果", "项目存在的问题", "建议和改进措施", "备注"]
    first = table.rows[1].cells
    assert [p.text for p in first[4].paragraphs] == ["实施情况1第一段。", "第二段1。"]
    assert [p.text for p in first[6].paragraphs] == ["（一）问题1甲。", "（二）问题1乙。"]
    assert first[5].text == "97.50"
    section = Document(str(out / "detail-table.docx")).sections[0]
    assert section.page_width > section.page_height  # landscape
    text = pdf_text(out / "detail-table.pdf")
    for i in range(1, len(ROWS) + 1):
        assert f"测试项目{i:02d}号" in text and f"（二）问题{i}乙。" in text


def test_result_text_is_interpreted_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(
        "detail_table: {title: 表}\nprojects:\n  - name: 甲\n    result_note: 绩效评价得分89.51分。评级为“良”。\n"
        "  - name: 乙\n    grade: 良好\n  - name: 丙\n    result_note: 未实施\n", encoding="utf-8")
    data = load_dataset([tmp_path])
    assert [str(d) for d in data.diagnostics.in_order()] == [
        "t.yaml:4: projects[0].result_note: 警告: 从评价结果文字中识别出得分89.51、等级“良”",
        "t.yaml:6: projects[1].grade: 警告: 评价等级“良好”按“良”处理",
    ]
    from docgen.contexts.detail_table import build_detail_table

    rows = build_detail_table(data.detail_table, [p.project for p in data.projects]).rows
    assert [r.result for r in rows] == ["89.51", "良", "未实施"]


def _shown_result(p) -> str:
    return f"{p.score:.2f}" if p.score is not None else (p.grade.value if p.grade else p.result_note)


def test_every_detail_row_round_trips_through_docx(summary_samples):
    out = summary_samples
    rows = Document(str(out / "shangdang-2022" / "detail-table.docx")).tables[0].rows[1:]
    assert len(rows) == 43
    for row, loaded in zip(rows, SHANGDANG.projects):
        p = loaded.project
        cells = [squash("".join(par.text for par in c.paragraphs)) for c in row.cells]
        assert cells[1] == squash(p.department or "") and cells[2] == squash(p.name)
        assert cells[3] == squash("、".join(p.implementing_units))
        assert cells[4] == squash("".join(p.implementation))
        assert cells[5] == squash(_shown_result(p))
        for piece in p.problems:
            assert squash(piece) in cells[6]
        for piece in p.suggestions:
            assert squash(piece) in cells[7]


def test_every_detail_row_round_trips_through_pdf(summary_samples):
    out = summary_samples
    html = (SAMPLES.parent / "templates" / "detail-table.html").read_text(encoding="utf-8")
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)mm">', html)]
    assert len(widths) == 9
    columns = pdf_columns(out / "shangdang-2022" / "detail-table.pdf", widths)
    position = [0] * 9
    for loaded in SHANGDANG.projects:
        p = loaded.project
        wanted = {1: [p.department or ""], 2: [p.name], 4: p.implementation, 5: [_shown_result(p)],
                  6: p.problems, 7: p.suggestions}
        for column, pieces in wanted.items():
            for piece in pieces:
                found = columns[column].find(squash(piece), position[column])
                assert found >= 0, (column, piece)
                position[column] = found  # rows in order


def test_detail_result_column(summary_samples):
    out = summary_samples
    rows = Document(str(out / "shangdang-2022" / "detail-table.docx")).tables[0].rows[1:]
    results = [r.cells[5].text for r in rows]
    assert results[0] == "88.39"
    assert results[12] == "良"  # 良好 normalised
    assert results[37] == SHANGDANG.projects[37].project.result_note  # neither score nor grade: as written
    assert results[42] == "89.51"  # read out of the result sentence


def test_shangdang_interpretations_are_warnings():
    warnings = [d for d in SHANGDANG.diagnostics.warnings]
    assert len(warnings) == 11  # 10 interpretations, and projects[37] has no score or grade (results summary)
    assert any(d.path == "projects[37].result_note" and "没有评价得分和评价等级" in d.message for d in warnings)
    assert any(d.path == "projects[12].grade" and "良好" in d.message for d in warnings)
    assert all(d.line for d in warnings)


def test_every_row_is_whole_on_one_page(summary_samples):
    """Issue 14, defect 3: rows 5, 16, 38 and 43 were split so that 序号 and 评价结果 stayed on
    one page while 单位名称 and 项目名称 moved to the next. A row now moves whole: on every page
    each column holds exactly the cells of the rows whose 项目名称 is there. Only a row taller
    than a page continues on the next one; it then starts a page of its own, every one of its
    cells begins on that page and the short ones (序号 … 项目实施单位, 评价结果, 备注) end there."""
    from docgen.contexts.detail_table import build_detail_table

    html = (SAMPLES.parent / "templates" / "detail-table.html").read_text(encoding="utf-8")
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)mm">', html)]
    pages = pdf_page_columns(summary_samples / "shangdang-2022" / "detail-table.pdf", widths)
    doc = build_detail_table(SHANGDANG.detail_table, [p.project for p in SHANGDANG.projects])
    pages[0] = [c.removeprefix(squash(doc.title)).removeprefix(squash(doc.unit_label)) for c in pages[0]]

    def cells(row) -> list[str]:
        return [squash(t) for t in (row.number, row.department, row.name, row.implementing_units,
                                    "".join(p.text for p in row.implementation), row.result,
                                    "".join(p.full for p in row.problems), "".join(p.full for p in row.suggestions),
                                    row.remarks)]

    on_page: list[list] = [[] for _ in pages]
    page, offset = 0, 0  # where the previous row's 项目名称 ended (names repeat: 部门整体评价)
    for row in doc.rows:
        while page < len(pages) and (found := pages[page][2].find(squash(row.name), offset)) < 0:
            page, offset = page + 1, 0
        assert page < len(pages), f"row {row.number}: 项目名称 not whole on any page"
        on_page[page].append(row)
        offset = found + len(squash(row.name))
    continued = []
    carry = [""] * 9  # the rest of a row that continues from the page before
    for number, (page, held) in enumerate(zip(pages, on_page), start=1):
        expected = ["".join(texts) for texts in zip(carry, *(cells(r) for r in held))]
        if page == expected:
            carry = [""] * 9
            continue
        # only a row taller than a page may go on: alone on its page, every cell begun there
        assert len(held) == 1 and not any(carry), (number, [r.number for r in held])
        [row] = held
        for column, (shown, cell) in enumerate(zip(page, cells(row))):
            assert cell.startswith(shown) and (shown or not cell), (row.number, column)
            if column in (0, 1, 2, 3, 5, 8):
                assert shown == cell, (row.number, column)
        carry = [cell[len(shown):] for shown, cell in zip(page, cells(row))]
        continued.append(row.number)
    assert not any(carry)
    assert len(continued) <= 4, continued  # the sample's rows taller than a landscape page


def test_docx_rows_do_not_split(summary_samples):
    """The DOCX's rows are w:cantSplit, as the PDF's rows move whole: Word and LibreOffice then
    split only a row taller than a page (four of the sample's), which they must."""
    from docx.oxml.ns import qn

    rows = Document(str(summary_samples / "shangdang-2022" / "detail-table.docx")).tables[0]._tbl.tr_lst
    assert len(rows) == 1 + len(SHANGDANG.projects)
    assert [i for i, tr in enumerate(rows[1:], 1) if tr.trPr is None or tr.trPr.find(qn("w:cantSplit")) is None] == []
