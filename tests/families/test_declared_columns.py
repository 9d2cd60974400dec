"""Issue 15: a county's tables (汇总表, 得分表, 明细表) as its data declares the columns (qinghe-county-2024, invented):
主管部门 and 项目单位 as two columns, custom fields, amounts converted to 亿元, one-decimal
scores, a two-level header, merged 评价机构, the 合计 row — in the DOCX and the PDF alike."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.input import load_dataset
from docgen.rules.numbers import round_half_up
from helpers import Family, Format, render

from conftest import SAMPLES, pdf_text, squash

QINGHE = SAMPLES / "qinghe-county-2024"
#: 项目支出 as entered (the sample's own figures), in 亿元
ENTERED_YI = {"高标准农田建设项目": Decimal("7300") / 10_000,
              "小型农田水利设施维修养护": Decimal("1250.5") / 10_000,
              "义务教育薄弱环节改善与能力提升": Decimal("23456000") / 100_000_000,
              "稳就业专项补贴政策": Decimal("3180") / 10_000,
              "青禾县卫生健康局部门整体支出": Decimal("0.86"),
              "农村公路养护工程": Decimal("2045.37") / 10_000}


@pytest.fixture(scope="module")
def qinghe(tmp_path_factory):
    out = tmp_path_factory.mktemp("qinghe")
    report = render(Family.RESULTS_SUMMARY, [QINGHE], out, Format.ALL)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return out


def test_docx_table_follows_the_declared_columns(qinghe):
    rows = [[c.text for c in r.cells] for r in Document(str(qinghe / "results-summary.docx")).tables[0].rows]
    assert rows[0] == ["序号", "主管部门", "项目单位", "项目名称", "评价类型", "资金来源", "资金情况", "评价结果", "评价结果",
                       "评价机构"]
    assert rows[1] == ["序号", "主管部门", "项目单位", "项目名称", "评价类型", "资金来源", "涉及资金（亿元）", "得分", "等级",
                       "评价机构"]
    data = {p.project.name: p.project for p in load_dataset([QINGHE]).projects}
    body, total = rows[2:-1], rows[-1]
    assert [r[0] for r in body] == ["1", "2", "3", "4", "5", "6"]  # ranked: no ties
    assert [Decimal(r[7]) for r in body] == sorted((p.score for p in data.values()), reverse=True)
    for number, department, units, name, kind, source, amount, score, grade, agency in body:
        p = data[name]
        assert department == p.department and units == "、".join(p.implementing_units)
        assert kind == p.fields["评价类型"] and source == p.fields.get("资金来源", "")
        assert amount == f"{round_half_up(ENTERED_YI[name], 2):.2f}"  # converted, half up
        assert score == f"{p.score:.1f}" and len(score.split(".")[1]) == 1
        assert grade == {"93.4": "优", "91.0": "优", "88.7": "良", "86.0": "良", "78.5": "中", "59.5": "差"}[score]
        assert agency == p.agency
    # 合计: the rows as printed (0.73 + 0.23 + 0.86 + 0.13 + 0.32 + 0.20), not the exact sum (2.4689)
    assert total[:6] == ["合计"] * 6 and total[6] == "2.47" and total[7:] == ["", "", ""]
    assert sum(Decimal(r[6]) for r in body) == Decimal("2.47")


def test_docx_header_and_merges_are_real_merges(qinghe):
    table = Document(str(qinghe / "results-summary.docx")).tables[0]._tbl
    first, second = table.tr_lst[:2]
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in first.tc_lst]
    assert [int(s.get(qn("w:val"))) if s is not None else 1 for s in spans] == [1, 1, 1, 1, 1, 1, 1, 2, 1]
    assert all(tr.trPr.find(qn("w:tblHeader")) is not None for tr in (first, second))
    # 序号 spans both header rows: restart above, continue below
    assert first.tc_lst[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    assert second.tc_lst[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) is None
    # rows 2 and 3 share 青禾正信项目管理有限公司: one merged cell
    merges = [tr.tc_lst[-1].tcPr.find(qn("w:vMerge")) for tr in table.tr_lst[2:-1]]
    assert [m.get(qn("w:val")) for m in merges] == ["restart", "restart", None, "restart", "restart", "restart"]
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table.tr_lst)


def test_pdf_shows_the_same_rows(qinghe):
    text = pdf_text(qinghe / "results-summary.pdf")
    doc_rows = [[c.text for c in r.cells] for r in Document(str(qinghe / "results-summary.docx")).tables[0].rows]
    for row in doc_rows[2:-1]:
        for cell in row[:9]:
            assert squash(cell) in text, cell
    assert "资金情况" in text and squash("涉及资金（亿元）") in text and "2.47" in text
    assert text.count("青禾正信项目管理有限公司") == 2  # merged: rows 2–3 once, row 5 once


def _variant(tmp_path, old: str, new: str, name: str = "summary.yaml"):
    folder = tmp_path / "qinghe"
    shutil.copytree(QINGHE, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder, path, text[:text.index(old)].count("\n") + 1  # the line changed


def _errors(folder) -> list[str]:
    return [str(d) for d in load_dataset([folder]).diagnostics.errors]


def test_unknown_column_field_and_unit_on_text_are_located(tmp_path):
    folder, path, line = _variant(tmp_path, "{field: 资金来源, header: 资金来源}", "{field: 资金渠道, header: 资金来源, unit: 万元}")
    [error] = _errors(folder)
    assert error.startswith(f"{path}:{line}: results_summary.columns[5].field: 未知的字段“资金渠道”；可用：number（序号）、name（项目名称）、")
    folder, path, line = _variant(tmp_path / "b", "{field: department, header: 主管部门}",
                                  "{field: department, header: 主管部门, unit: 万元, sum: true}")
    assert _errors(folder) == [f"{path}:{line}: results_summary.columns[1].unit: “主管部门或单位”不是金额，不能设置金额单位",
                               f"{path}:{line}: results_summary.columns[1].sum: “主管部门或单位”不是金额，不能计入合计"]


def test_custom_field_values_are_checked(tmp_path):
    folder, path, line = _variant(tmp_path, "fields: {评价类型: 政策评价, 资金来源: 县级财政资金, 批次: 第二批}",
                            "fields: {评价类型: 政策类, 资金渠道: 县级财政资金}", "projects.yaml")
    assert _errors(folder) == [
        f"{path}:{line}: projects[3].fields.评价类型: “评价类型”应为项目支出评价、政策评价、部门整体评价之一，实际为“政策类”",
        f"{path}:{line}: projects[3].fields.资金渠道: 未声明的自定义字段“资金渠道”；已声明：评价类型、资金来源、批次",
        f"{path}:{line}: projects[3].fields: 缺少必填的自定义字段“批次”（评价批次）",
    ]


@pytest.fixture(scope="module")
def qinghe_all(tmp_path_factory):
    out = tmp_path_factory.mktemp("qinghe-all")
    report = render(None, [QINGHE], out, Format.ALL)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return out


def test_report_score_table_follows_its_columns(qinghe_all):
    rows = [[c.text for c in r.cells] for r in Document(str(qinghe_all / "summary-report.docx")).tables[0].rows]
    assert rows[0] == ["排名", "项目名称", "评价类型", "得分", "等级"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert [r[3] for r in rows[1:]] == ["93.4", "91.0", "88.7", "86.0", "78.5", "59.5"]
    assert rows[3][1:3] == ["青禾县卫生健康局部门整体支出", "部门整体评价"]
    text = pdf_text(qinghe_all / "summary-report.pdf")
    for row in rows[1:]:
        assert squash("".join(row)) in text, row


def test_detail_table_follows_its_columns(qinghe_all):
    table = Document(str(qinghe_all / "detail-table.docx")).tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "主管部门", "项目名称", "评价批次", "涉及资金（万元）", "项目实施情况", "评价结果", "存在的问题",
                       "整改建议"]
    data = {p.project.name: p.project for p in load_dataset([QINGHE]).projects}
    body = rows[1:-1]
    assert [r[2] for r in body] == list(data)  # input order
    for number, department, name, batch, amount, implementation, result, problems, suggestions in body:
        p = data[name]
        assert (department, batch) == (p.department, p.fields["批次"])
        assert amount == f"{round_half_up(ENTERED_YI[name] * 10_000, 2):,.2f}"  # 万元, two decimals
        assert implementation == "\n".join(p.implementation) and result == f"{p.score:.1f}"
        assert problems == "\n".join(f"（{'一二三'[i]}）{t}" for i, t in enumerate(p.problems))
        assert suggestions == "\n".join(f"（{'一二三'[i]}）{t}" for i, t in enumerate(p.suggestions))
    assert rows[-1][4] == "24,721.47" == f"{sum(Decimal(r[4].replace(',', '')) for r in body):,.2f}"
    # 主管部门 merges rows 1–2 (农业农村局), 评价批次 rows 1–3 and 4–6
    vmerge = [[tc.tcPr.find(qn("w:vMerge")) for tc in tr.tc_lst] for tr in table._tbl.tr_lst[1:-1]]
    state = [["" if m is None else (m.get(qn("w:val")) or "continue") for m in row] for row in vmerge]
    assert [s[1] for s in state] == ["restart", "continue", "restart", "restart", "restart", "restart"]
    assert [s[3] for s in state] == ["restart", "continue", "continue", "restart", "continue", "continue"]
    text = pdf_text(qinghe_all / "detail-table.pdf")
    assert text.count("第一批") == 1 and text.count("第二批") == 1 and text.count("青禾县农业农村局") == 1
    for row in body:
        assert squash(row[2]) in text and squash(row[4]) in text
