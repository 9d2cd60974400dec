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
    assert [e for e in _errors(folder) if e.startswith(str(path))] == [
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
    assert rows[1] == ["序号", "主管部门", "项目名称", "评价批次", "预算数", "执行数", "执行率", "项目实施情况", "评价结果",
                       "存在的问题", "整改建议"]
    data = {p.project.name: p.project for p in load_dataset([QINGHE]).projects}
    body = rows[2:-1]
    assert [r[2] for r in body] == list(data)  # input order
    for number, department, name, batch, budget, executed, rate, implementation, result, problems, suggestions in body:
        p = data[name]
        assert (department, batch) == (p.department, p.fields["批次"])
        assert executed == f"{round_half_up(ENTERED_YI[name] * 10_000, 2):,.2f}"  # 万元, two decimals
        assert implementation == "\n".join(p.implementation) and result == f"{p.score:.1f}"
        assert problems == "\n".join(f"（{'一二三'[i]}）{t}" for i, t in enumerate(p.problems))
        assert suggestions == "\n".join(f"（{'一二三'[i]}）{t}" for i, t in enumerate(p.suggestions))
    assert rows[-1][5] == "24,721.47" == f"{sum(Decimal(r[5].replace(',', '')) for r in body):,.2f}"
    # 主管部门 merges rows 1–2 (农业农村局), 评价批次 rows 1–3 and 4–6
    vmerge = [[tc.tcPr.find(qn("w:vMerge")) for tc in tr.tc_lst] for tr in table._tbl.tr_lst[2:-1]]
    state = [["" if m is None else (m.get(qn("w:val")) or "continue") for m in row] for row in vmerge]
    assert [s[1] for s in state] == ["restart", "continue", "restart", "restart", "restart", "restart"]
    assert [s[3] for s in state] == ["restart", "continue", "continue", "restart", "continue", "continue"]
    text = pdf_text(qinghe_all / "detail-table.pdf")
    assert text.count("第一批") == 1 and text.count("第二批") == 1 and text.count("青禾县农业农村局") == 1
    for row in body:
        assert squash(row[2]) in text and squash(row[5]) in text


def test_group_placeholders_and_budget_figures_in_the_narrative(qinghe_all):
    """{评价数:第一批}, {金额:第一批}, counts by 评价类型, {单位数} and the budget figures, each
    computed here from the sample's rows as entered."""
    data = [p.project for p in load_dataset([QINGHE]).projects]
    first = [p for p in data if p.fields["批次"] == "第一批"]
    second = [p for p in data if p.fields["批次"] == "第二批"]
    wan = {p.name: ENTERED_YI[p.name] * 10_000 for p in data}
    kinds = [p.fields["评价类型"] for p in data]
    budget = sum(p.budget.in_unit(p.budget.unit) * p.budget.unit.factor / 10_000 for p in data)
    executed = sum(wan.values())
    sentence = (f"第一批重点项目{len(first)}个，涉及金额{sum(wan[p.name] for p in first):.2f}万元；"
                f"第二批{len(second)}个，涉及金额{sum(wan[p.name] for p in second):.2f}万元。"
                f"按评价类型分，项目支出评价{kinds.count('项目支出评价')}个、政策评价{kinds.count('政策评价')}个、"
                f"部门整体评价{kinds.count('部门整体评价')}个，涉及部门单位{len({p.department for p in data})}个。"
                f"预算数{budget:.2f}万元，执行数{executed:.2f}万元，"
                f"整体预算执行率为{round_half_up(executed / budget * 100, 2)}%。")
    assert sentence.startswith("第一批重点项目3个，涉及金额10896.10万元；第二批3个，涉及金额13825.37万元。")
    paragraphs = [p.text for p in Document(str(qinghe_all / "results-summary.docx")).paragraphs]
    assert sentence in paragraphs
    assert squash(sentence) in pdf_text(qinghe_all / "results-summary.pdf")
    assert any("其中优2个、良2个、中1个、差1个。" in p for p in paragraphs)  # official prose: no spaces


def test_execution_rates_in_the_detail_table(qinghe_all):
    rows = [[c.text for c in r.cells] for r in Document(str(qinghe_all / "detail-table.docx")).tables[0].rows]
    assert rows[0][4:7] == ["资金情况（万元）"] * 3 and rows[1][4:7] == ["预算数", "执行数", "执行率"]
    data = {p.project.name: p.project for p in load_dataset([QINGHE]).projects}
    for row in rows[2:-1]:
        p = data[row[2]]
        exact = p.executed.in_unit(p.budget.unit) / p.budget.value * 100
        if p.execution_rate is not None:  # as entered: 97.33%, 90.9%
            assert row[6] == f"{p.execution_rate}%" and round_half_up(exact, len(str(p.execution_rate).split(".")[1])) \
                == p.execution_rate
        else:
            assert row[6] == f"{round_half_up(exact, 2)}%"
    assert rows[-1][4:7] == ["25,900.00", "24,721.47", ""]


def _planted(tmp_path):
    """The county sample with three planted errors: a wrong execution rate (90.6% where
    3180 ÷ 3500 = 90.86%), a wrong group count (第一批 4, the rows say 3) and a wrong published
    total (24,712.47, the rows add up to 24,721.47)."""
    folder = tmp_path / "planted"
    shutil.copytree(QINGHE, folder)
    for name, old, new in (("projects.yaml", 'execution_rate: "90.9%"', 'execution_rate: "90.6%"'),
                           ("report.yaml", "评价数:第一批: 3", "评价数:第一批: 4"),
                           ("report.yaml", '金额: "24,721.47"', '金额: "24,712.47"')):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_three_planted_errors_are_each_reported_with_both_values(tmp_path):
    folder = _planted(tmp_path)
    errors = _errors(folder)
    assert len(errors) == 3, errors
    rate, count, total = sorted(errors, key=lambda e: ("execution_rate" not in e, "第一批" not in e))
    assert ("projects.yaml:" in rate and "projects[3].execution_rate" in rate and "90.6%" in rate
            and "90.86%" in rate), rate
    assert count.endswith("report.published.评价数:第一批: 公布的评价数（第一批）为4，按各行计算为3"), count
    assert total.endswith("report.published.金额: 公布的金额24,712.47万元与各行相加24,721.47万元相差9.00万元，"
                          "超出尾数误差（6行×0.01=0.06）"), total
    # the documents are still made, as drafts, when the packet allows errors
    out = tmp_path / "out"
    report = render(None, [folder], out, Format.DOCX, allow_errors=True)
    assert (out / "summary-report.docx").exists() and report.result.exit_code == 0


def test_unknown_group_and_ambiguous_figures_are_errors(tmp_path):
    folder, path, line = _variant(tmp_path, "第一批重点项目{评价数:第一批}个", "第三批重点项目{评价数:第三批}个")
    [error] = _errors(folder)
    assert error.startswith(f"{path}:{line}: results_summary.paragraphs[1]: 占位符“{{评价数:第三批}}”中的分组“第三批”不存在；"
                            "可用的分组：项目、部门整体、项目支出评价、政策评价、部门整体评价、中央财政衔接资金、县级财政资金、省级转移支付、"
                            "车购税资金、第一批、第二批"), error


def test_narrative_only_results_summary(tmp_path):
    folder, path, _ = _variant(tmp_path, "  order: rank\n", "  order: rank\n  attachment_table: false\n")
    out = tmp_path / "out"
    report = render(Family.RESULTS_SUMMARY, [folder], out, Format.ALL)
    assert not report.diagnostics.errors
    doc = Document(str(out / "results-summary.docx"))
    assert doc.tables == [] and not any("附件" in p.text for p in doc.paragraphs)
    text = pdf_text(out / "results-summary.pdf")
    assert "附件" not in text and "汇总表" not in text and squash("涉及部门单位5个") in text


def test_a_total_published_without_rows_is_printed_and_not_checked(tmp_path):
    """“涉及资金7300万元” where no row has an amount: {总金额} prints the published figure."""
    folder = tmp_path / "total"
    folder.mkdir()
    (folder / "data.yaml").write_text(
        "results_summary:\n"
        "  title: 说明\n"
        "  paragraphs: ['评价{评价数}个项目，涉及资金{总金额}万元。']\n"
        "  attachment_title: 汇总表\n"
        "  published: {总金额: 7300万元}\n"
        "projects:\n"
        "  - {name: 甲项目, score: 91}\n"
        "  - {name: 乙项目, grade: 良}\n", encoding="utf-8")
    assert _errors(folder) == []
    out = tmp_path / "out"
    render(Family.RESULTS_SUMMARY, [folder], out, Format.DOCX)
    assert "评价2个项目，涉及资金7300.00万元。" in [p.text for p in Document(str(out / "results-summary.docx")).paragraphs]


def test_unpublished_figures_are_marked_and_left_out_of_sums(tmp_path):
    """Issue 15 item 4: a grade-only row (score 未公开) and an amount the original did not
    publish: printed 未公开, not summed, a note under the table, a warning where the narrative
    quotes the total."""
    folder, path, line = _variant(tmp_path, '    expenditure: "0.86亿元"', '    expenditure: 未公开', "projects.yaml")
    text = path.read_text(encoding="utf-8").replace("    score: 88.7\n", "    score: 未公开\n    grade: 良\n", 1)
    path.write_text(text, encoding="utf-8")
    loaded = load_dataset([folder])
    assert not loaded.diagnostics.errors, [str(d) for d in loaded.diagnostics.errors]
    warnings = [str(d) for d in loaded.diagnostics if "未公开" in d.message]
    assert any("results_summary.paragraphs[0]: 警告: 1个评价对象的项目支出未公开，未计入所引用的金额" in w for w in warnings), warnings
    out = tmp_path / "out"
    render(Family.RESULTS_SUMMARY, [folder], out, Format.ALL)
    rows = [[c.text for c in r.cells] for r in Document(str(out / "results-summary.docx")).tables[0].rows]
    health = next(r for r in rows if r[3] == "青禾县卫生健康局部门整体支出")
    assert health[6:9] == ["未公开", "未公开", "良"]  # amount, score (grade-only row), grade
    assert rows[-1][6] == "1.61"  # 2.47 less the 0.86 left out
    notes = [p.text for p in Document(str(out / "results-summary.docx")).paragraphs if p.text.startswith("注：")]
    assert notes == [f"注：序号{health[0]}的涉及资金（亿元）未公开，未计入合计。"]
    assert squash(notes[0]) in pdf_text(out / "results-summary.pdf")


def test_custom_fields_reach_a_templates_tree(tmp_path):
    """A user's result-sheet template prints a custom field (资金来源) like a built-in one;
    a percentage and an amount print as the declaration types them."""
    from docgen.contexts.result_sheet import build_result_sheet
    from docgen.models import Publisher

    folder, path, _ = _variant(tmp_path, "  - key: 资金来源\n    label: 资金来源\n",
                               "  - key: 资金来源\n    label: 资金来源\n  - {key: 配套资金, label: 配套资金, type: 金额}\n"
                               "  - {key: 完成率, label: 完成率, type: 百分比}\n", "fields.yaml")
    projects = folder / "projects.yaml"
    projects.write_text(projects.read_text(encoding="utf-8").replace(
        "资金来源: 中央财政衔接资金,", "资金来源: 中央财政衔接资金, 配套资金: 120万元, 完成率: 98.5%,", 1), encoding="utf-8")
    data = load_dataset([folder])
    assert not data.diagnostics.errors, [str(d) for d in data.diagnostics.errors]
    sheet = build_result_sheet(data.projects[0].project, Publisher(area="青禾县"))
    assert sheet.fields == {"评价类型": "项目支出评价", "资金来源": "中央财政衔接资金", "配套资金": "120.00万元",
                            "完成率": "98.5%", "批次": "第一批"}


def test_columns_declared_in_the_packet(tmp_path):
    """packet.yaml's columns: serve a data block that declares none; the block's own wins; a
    wrong field is reported at packet.yaml's line."""
    from docgen.build import build_packet

    folder = tmp_path / "qinghe"
    shutil.copytree(QINGHE, folder)
    summary = (folder / "summary.yaml").read_text(encoding="utf-8")
    start = summary.index("  columns:\n")
    end = summary.index("  signature:")
    columns = summary[start:end]
    (folder / "summary.yaml").write_text(summary[:start] + summary[end:], encoding="utf-8")
    packet = folder / "packet.yaml"
    text = packet.read_text(encoding="utf-8")
    packet.write_text(text + "columns:\n  results-summary:\n" + columns.split("\n", 1)[1].replace("    - ", "    - ")
                      + "  detail-table:\n    - {field: name, header: 项目}\n", encoding="utf-8")
    result = build_packet(packet, tmp_path / "out", jobs=1)
    assert not result.diagnostics.errors, [str(d) for d in result.diagnostics.errors]
    rows = [[c.text for c in r.cells] for r in Document(str(tmp_path / "out" / "results-summary.docx")).tables[0].rows]
    assert rows[1] == ["序号", "主管部门", "项目单位", "项目名称", "评价类型", "资金来源", "涉及资金（亿元）", "得分", "等级",
                       "评价机构"] and rows[-1][6] == "2.47"
    detail = [[c.text for c in r.cells] for r in Document(str(tmp_path / "out" / "detail-table.docx")).tables[0].rows]
    assert detail[1][:3] == ["序号", "主管部门", "项目名称"]  # table.yaml declares its own: it wins
    bad = packet.read_text(encoding="utf-8").replace("{field: 资金来源, header: 资金来源}", "{field: 资金渠道, header: 资金来源}")
    packet.write_text(bad, encoding="utf-8")
    line = bad[:bad.index("{field: 资金渠道")].count("\n") + 1
    result = build_packet(packet, tmp_path / "out2", jobs=1)
    assert [str(d) for d in result.diagnostics.errors][0].startswith(
        f"{packet}:{line}: columns.results-summary[5].field: 未知的字段“资金渠道”"), [str(d) for d in result.diagnostics.errors]
