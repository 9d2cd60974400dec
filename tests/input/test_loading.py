"""Every kind of input mistake is reported with file, line and field, all at once."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from docgen.input import load_dataset

PUBLISHER = "publisher:\n  area: 济源示范区\n"
GOOD = """name: 项目甲
implementing_units: [单位甲]
evaluation_year: 2023
overview:
  - 概况
score: 85.5
"""


#: the result sheet's warnings about a project without 主要问题 or 整改要求: the projects of
#: these tests leave both out to keep their lines short (test_result_sheet_rows_left_empty)
EMPTY_ROWS = ("未填写主要问题", "未填写整改要求")


def messages(folder: Path) -> list[str]:
    return [str(d) for d in load_dataset([folder]).diagnostics.in_order() if not d.message.startswith(EMPTY_ROWS)]


def test_result_sheet_rows_left_empty(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD)
    write(workdir, "b.yaml", GOOD + "problems: [问题]\nsuggestions: [建议]\n")
    assert [str(d) for d in load_dataset([workdir]).diagnostics.in_order()] == [
        "a.yaml:1: problems: 警告: 未填写主要问题（problems），结果表中这一栏将只有评价结论",
        "a.yaml:1: rectification: 警告: 未填写整改要求（rectification，或建议 suggestions），结果表中这一栏将是空的"]


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_valid_folder_has_no_diagnostics(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "problems: [问题]\nrectification: [整改]\n")
    result = load_dataset([workdir])
    assert [str(d) for d in result.diagnostics] == []
    assert result.projects[0].project.score == D("85.5")
    assert result.projects[0].output_stem == "a"


def test_score_out_of_range_in_a_list(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    items = "".join(
        f"  - name: 项目{i}\n    implementing_units: 单位\n    evaluation_year: 2023\n    overview: 概况\n"
        f"    score: {108.5 if i == 4 else 80}\n"
        for i in range(5)
    )
    write(workdir, "x.yaml", "projects:\n" + items)
    # item 4 starts on line 22; its score is on line 26
    assert messages(workdir) == ["x.yaml:26: projects[4].score: 评分应在0到100之间，实际为108.5"]


def test_all_errors_of_all_files_at_once(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("score: 85.5", "scroe: 85.5"))
    write(workdir, "b.yaml", GOOD.replace("name: 项目甲\n", "").replace("2023", "二〇二三"))
    write(workdir, "c.yaml", GOOD.replace("score: 85.5", "score: 85.5\ngrade: 优"))
    assert messages(workdir) == [
        "a.yaml:6: scroe: 未知字段“scroe”，是否应为“score”？",
        "b.yaml:1: name: 缺少必填字段“name”（项目名称）",
        "b.yaml:2: evaluation_year: 应为整数，实际为“二〇二三”",
        "c.yaml:7: grade: 评价等级“优”与评分85.50不符，按评分应为“良”",
    ]


def test_wrong_types(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("overview:\n  - 概况", "overview: {a: 1}").replace("85.5", "[1, 2]"))
    assert messages(workdir) == [
        "a.yaml:4: overview: 应为列表（每项另起一行，以“- ”开头），实际为键值对",
        "a.yaml:5: score: 应为数字，实际为[1, 2]",
    ]


def test_grade_word_and_amount_unit(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "grade: 很好\nexpenditure: 120\n")
    assert messages(workdir) == [
        "a.yaml:7: grade: 评价等级应为优、良、中、差之一（也可写优秀、良好），实际为“很好”",
        "a.yaml:8: expenditure: 金额需注明单位（元、万元或亿元），例如“120万元”，实际为“120”",
    ]


def test_duplicate_key(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "name: 又一个名称\n")
    assert messages(workdir) == ["a.yaml:7: name: 重复的键“name”（所在映射始于第1行），每个字段只能写一次"]


def test_yaml_syntax_error(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", "name: 项目\nimplementing_units:\n  - 单位\n overview: 概况: 多余\n")
    (msg,) = messages(workdir)
    assert msg.startswith("a.yaml:4:") and "YAML格式错误" in msg


def test_gbk_file_is_named_and_left_untouched(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    raw = GOOD.replace("概况", "概况：济源").encode("gbk")
    (workdir / "a.yaml").write_bytes(raw)
    (msg,) = messages(workdir)
    assert msg.startswith("a.yaml:1: 文件不是UTF-8编码，看起来是GBK/GB18030编码")
    assert "另存为" in msg and "UTF-8" in msg
    assert (workdir / "a.yaml").read_bytes() == raw


def test_utf8_bom_is_accepted(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    (workdir / "a.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert messages(workdir) == []


def test_numbers_with_separators_and_full_width_digits(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("2023", "２０２３").replace("85.5", '"８５.５０"')
          + 'expenditure: "1,234.56万元"\n')
    result = load_dataset([workdir])
    assert messages(workdir) == []
    project = result.projects[0].project
    assert project.evaluation_year == 2023
    assert project.score == D("85.50")
    assert project.expenditure.value == D("1234.56") and project.expenditure.unit.value == "万元"


def test_yaml_floats_become_exact_decimals(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("85.5", "80.06"))
    assert load_dataset([workdir]).projects[0].project.score == D("80.06")


def test_missing_publisher_and_empty_file(workdir):
    write(workdir, "a.yaml", GOOD)
    write(workdir, "b.yaml", "# nothing yet\n")
    assert messages(workdir) == [
        ".: 没有找到文档信息：重大政策和重点项目预算绩效评价结果需要publisher，财政支出绩效评价情况报告（公文）需要report，"
        "绩效评价结果情况说明及汇总表需要results_summary，财政支出重点绩效评价项目明细表需要detail_table，部门决算公开需要department",
        "b.yaml:1: 文件为空",
    ]


def test_html_in_data_is_a_warning(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "problems:\n  - <p>一个问题</p>\n")
    result = load_dataset([workdir])
    assert not result.diagnostics.errors
    assert messages(workdir) == [
        "a.yaml:8: problems[0]: 警告: 文本中含有HTML标记“<p>”，将按原样印出；段落和条目请写成YAML列表"
    ]


def test_duplicate_output_names(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "id: same\n")
    write(workdir, "b.yaml", GOOD + "id: same\n")
    assert messages(workdir) == ["b.yaml:7: id: 输出文件名“same”与a.yaml:1重复，请填写不同的id"]


def test_cli_validate_exit_code_and_no_traceback(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("85.5", "108.5"))
    write(workdir, "b.yaml", "name: [unclosed\n")
    run = subprocess.run([sys.executable, "-m", "docgen.cli", "validate", "."], capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "a.yaml:6: score: 评分应在0到100之间，实际为108.5" in run.stderr
    assert "b.yaml:2:" in run.stderr
    assert "共 2 个错误，0 个警告" in run.stderr


def test_cli_render_refuses_bad_data(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("85.5", "108.5"))
    run = subprocess.run([sys.executable, "-m", "docgen.cli", "render", "result-sheet", ".", "-o", "out"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert not (workdir / "out").exists()


def test_impossible_date_is_an_error_not_a_crash(workdir):
    write(workdir, "report.yaml", "detail_table: {title: 表}\nprojects:\n  - name: 甲\n    remarks: x\n"
          "results_summary: {title: 说明, attachment_title: 附件, date: 2024-13-01}\n")
    (msg,) = messages(workdir)
    assert msg == "report.yaml:5: results_summary.date: 日期“2024-13-01”的月份应在1到12之间"


@pytest.mark.parametrize("written, expected", [
    ("2024年12月31日", "2024-12-31"), ("2024.12.31", "2024-12-31"), ("'2024/3/1'", "2024-03-01"),
    ("２０２４年３月１日", "2024-03-01"), ("2024-03-31", "2024-03-31"),
])
def test_dates_as_offices_write_them(workdir, written, expected):
    write(workdir, "report.yaml", "detail_table: {title: 表}\nprojects:\n  - name: 甲\n    remarks: x\n"
          f"results_summary: {{title: 说明, attachment_title: 附件, date: {written}}}\n")
    data = load_dataset([workdir])
    assert not data.diagnostics.errors
    assert str(data.results_summary.date) == expected


@pytest.mark.parametrize("written, message", [
    ("2024-02-30", "日期“2024-02-30”不存在：2024年2月没有30日"),
    ("2024年13月1日", "日期“2024年13月1日”的月份应在1到12之间"),
    ("下月初", "应为日期（如2024-12-31或2024年12月31日），实际为“下月初”"),
])
def test_a_wrong_date_is_said_in_chinese_at_its_field(workdir, written, message):
    write(workdir, "report.yaml", "detail_table: {title: 表}\nprojects:\n  - name: 甲\n    remarks: x\n"
          f"results_summary:\n  title: 说明\n  attachment_title: 附件\n  date: {written}\n")
    assert messages(workdir) == [f"report.yaml:8: results_summary.date: {message}"]


def test_a_full_width_colon_is_named_on_its_own_line(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("score: 85.5", "score：85.5"))
    assert messages(workdir) == ["a.yaml:6: score: 键后面是全角冒号“：”，应为半角冒号“:”加一个空格（如 score: 86.5）"]


def test_unclosed_bracket_is_explained_in_chinese(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "problems: [甲, 乙\n")
    (msg,) = messages(workdir)
    assert msg.startswith("a.yaml:") and "YAML格式错误：" in msg and msg.split("YAML格式错误：")[1][:1] not in "abcdefghijklmnopqrstuvwxyz"


def test_outputs_are_ordinary_files(tmp_path):
    import os

    from docgen.build import write_atomic

    target = tmp_path / "x.docx"
    write_atomic(target, b"data")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_alias_bomb_is_an_error_with_its_line_not_a_hang(workdir):
    """Nine levels of nine aliases (“billion laughs”): refused at once, naming the key whose
    expansion is too large; the CLI exits 2."""
    import time

    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write(workdir, "bomb.yaml", "\n".join(lines) + "\nprojects:\n  - name: *a9\n")
    from helpers import PeakMemory

    start = time.monotonic()
    with PeakMemory() as memory:
        [message] = messages(workdir)
    assert time.monotonic() - start < 10 and memory.growth_mb < 200
    assert message.startswith("bomb.yaml:6: a5: 内容展开后超过200000个值")
    run = subprocess.run([sys.executable, "-m", "docgen", "validate", "."], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "内部错误" not in run.stderr and "bomb.yaml:6:" in run.stderr


@pytest.mark.parametrize("text", ["projects:\n  - name: " + "[" * 300 + "]" * 300 + "\n",
                                  "projects:\n  - name: " + "[" * 45 + "]" * 45 + "\n"])
def test_deep_nesting_is_an_error_with_its_line(workdir, text):
    write(workdir, "deep.yaml", text)
    [message] = messages(workdir)
    assert message.startswith("deep.yaml:2:") and "嵌套层数过多（超过40层）" in message


def test_data_shared_by_aliases_within_limits_still_loads(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("overview:\n  - 概况", "overview: &o\n  - 概况") + "suggestions: *o\n")
    assert messages(workdir) == []


@pytest.mark.parametrize("text, expected", [
    ('name: "甲\\a乙"\n', "x.yaml:1: name: 含有控制字符U+0007，请删除"),
    ("name: 甲\x1b乙\n", "x.yaml:1: 含有控制字符U+001B，请删除（文本中不能有不可见的控制字符）"),
    ("name: 甲\x00\n", "x.yaml:1: 含有控制字符U+0000，请删除（文本中不能有不可见的控制字符）"),
    ('name: "x\\udfff"\n', "x.yaml:1: name: 含有无效的Unicode代理字符（如“\\udfff”），请删除"),
    ("score: .nan\n", "x.yaml:1: score: 数值应为有限的数，实际为nan"),
    ("score: -.inf\n", "x.yaml:1: score: 数值应为有限的数，实际为-inf"),
    ("score: 1e28\n", "x.yaml:1: score: 数值过大（1E+28），请检查是否多写了位数"),
    ("score: 10000000000000000\n", "x.yaml:1: score: 数值过大（10000000000000000），请检查是否多写了位数"),
    ("score: !!float xyz\n", "x.yaml:1: 无法识别的数值“xyz”"),
    ("name: a\n---\nname: b\n", "x.yaml:2: 第1列：YAML格式错误：一个文件只能写一份数据（不能用“---”分成多份）"),
    ("? [a, b]\n: 1\n", "x.yaml:1: 键应为文本，实际为列表或键值对“('a', 'b')”（不支持“? ”复杂键、数字或日期作键）"),
    ("1: a\n", "x.yaml:1: 键应为文本，实际为数字“1”（不支持“? ”复杂键、数字或日期作键）"),
    ("x: &x {name: a}\ny:\n  <<: *x\n  score: 2\n", "x.yaml:2: y: 不支持“<<:”合并键，请直接写出各字段"),
])
def test_what_the_yaml_parser_accepts_but_docgen_refuses(workdir, text, expected):
    """Each with file, line and a Chinese message, and the file is not read any further (no
    English library text, no crash later in a renderer)."""
    write(workdir, "x.yaml", text)
    assert messages(workdir) == [expected]


def test_what_a_folder_holds_but_is_not_read_is_reported(workdir):
    import os

    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD)
    write(workdir, "b.yaml.txt", GOOD)
    (workdir / "c.yaml").mkdir()
    (workdir / "d.yaml").symlink_to(workdir / "missing.yaml")
    (workdir / "e.yaml").symlink_to(workdir / "e.yaml")  # a loop
    os.mkfifo(workdir / "f.yaml")  # reading it would wait for ever
    assert messages(workdir) == [
        "b.yaml.txt: 警告: 扩展名是.txt，未作为数据读取；如果是数据，请去掉“.txt”",
        "c.yaml: 警告: 是文件夹，不是YAML文件，未读取",
        "d.yaml: 警告: 是指向不存在的文件的链接（或链接成环），未读取",
        "e.yaml: 警告: 是指向不存在的文件的链接（或链接成环），未读取",
        "f.yaml: 警告: 不是普通文件（管道、设备等），未读取",
    ]
    assert messages_for([workdir / "f.yaml", workdir / "publisher.yaml"]) == [
        "f.yaml: 不是普通文件（管道、设备或文件夹），未读取"]


def test_a_link_is_named_where_it_is_not_where_it_leads(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    elsewhere = workdir.parent / f"{workdir.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "shared.yaml").write_text("name: 链接的项目\n", encoding="utf-8")
    (workdir / "g.yaml").symlink_to(elsewhere / "shared.yaml")
    found = messages(workdir)
    assert found and all(m.startswith("g.yaml:") for m in found), found


def messages_for(paths: list[Path]) -> list[str]:
    return [str(d) for d in load_dataset(paths).diagnostics.in_order() if d.severity.value == "错误"]


@pytest.mark.parametrize("ident, message", [
    ("..", "文件名不能以“.”开头（会成为隐藏文件或上级目录），实际为“..”"),
    (".notes", "文件名不能以“.”开头（会成为隐藏文件或上级目录），实际为“.notes”"),
    ("con", "“con”是Windows的设备名，不能作文件名"),
    ("x" * 200, "文件名过长（200字节），最多195字节"),
])
def test_an_id_that_cannot_be_a_file_name_is_refused(workdir, ident, message):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", f'id: "{ident}"\n' + GOOD)
    assert messages(workdir) == [f"a.yaml:1: id: {message}"]


def test_output_names_differing_only_by_case_collide(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", "id: Notes\n" + GOOD)
    write(workdir, "b.yaml", "id: notes\n" + GOOD)
    assert messages(workdir) == [
        "b.yaml:1: id: 输出文件名“notes”与a.yaml:1的“Notes”重复（不区分大小写），请填写不同的id"]


@pytest.mark.parametrize("amount, message", [
    ("-5万元", "a.yaml:7: expenditure.value: 金额不能为负数，实际为-5"),
    ("NaN万元", "a.yaml:7: expenditure.value: 应为数字，实际为“NaN”"),
    ("10000000000000000元", "a.yaml:7: expenditure.value: 数值过大（10000000000000000），请检查是否多写了位数"),
])
def test_an_amount_that_cannot_be_spent_money_is_refused(workdir, amount, message):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + f'expenditure: "{amount}"\n')
    assert messages(workdir) == [message]


NAMELESS = """object_type: 项目
{name_line}department: 财政局
implementing_units: [单位甲]
evaluation_year: 2023
overview:
  - 概况
score: 86.5
"""


@pytest.mark.parametrize("name_line, expected", [
    ("", ["a.yaml:1: name: 缺少必填字段“name”（项目名称）"]),
    ("nmae: 项目甲\n", ["a.yaml:1: name: 缺少必填字段“name”（项目名称）", "a.yaml:2: nmae: 未知字段“nmae”，是否应为“name”？"]),
])
def test_a_project_without_its_name_is_still_a_project(workdir, name_line, expected):
    """Its ``department:`` is also the final accounts' block: the file was taken for a data
    file (ten errors about object_type, evaluation_year…, the name never mentioned)."""
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", NAMELESS.format(name_line=name_line))
    assert messages(workdir) == expected


def test_the_schema_line_says_what_a_file_is(workdir):
    """The ``$schema`` line docgen init writes decides: a project file that holds mostly
    final-accounts blocks is still read as a project, and a data file as a data file."""
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", "# yaml-language-server: $schema=../schemas/project.schema.json\n"
                             "department: {name: 财政局}\naccounts: {}\n")
    found = messages(workdir)
    assert found[:2] == ["a.yaml:2: department: 应为文本，实际为键值对", "a.yaml:2: name: 缺少必填字段“name”（项目名称）"]
    assert found[2].startswith("a.yaml:3: accounts: 未知字段“accounts”；可用字段：id、object_type")
    write(workdir, "a.yaml", "# yaml-language-server: $schema=../schemas/batch.schema.json\nscore: 3\n")
    assert messages(workdir) == ["a.yaml:2: score: 未知字段“score”；可用字段：publisher、report、results_summary、"
                                 "detail_table、department、accounts、explanations、self_evaluations、grade_bands、"
                                 "custom_fields、projects"]


def test_list_slips_are_warned_with_the_fix_and_print_right(workdir, tmp_path):
    """``-概况一`` without its space, hand-typed numbers, a list written as one text: YAML takes
    them all; each is a warning at its line, and the sheet prints what was meant."""
    from docx import Document

    from docgen.build import PacketSpec, render_documents
    from docgen.render import TemplateSet

    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD.replace("overview:\n  - 概况\n", "overview:\n  -概况一\n  -概况二\n")
          + "problems:\n  - 1.问题一\n  - （二）问题二\nrectification: \"1.整改一；2.整改二\"\n")
    assert messages(workdir) == [
        "a.yaml:4: overview: 警告: “-”后面缺少空格，这几行被读成了一段文字；已按“-”分成2项。请在每个“-”后加一个空格（写成“- 概况一”）",
        "a.yaml:8: problems: 警告: 各项会自动编号，已去掉手写的编号“1.”“（二）”，以免印成“1.1.”；请在数据中删去这些编号",
        "a.yaml:11: rectification: 警告: 写成了一段文字，将作为一项印出；如有多项，请每项单独一行并以“- ”开头",
    ]
    spec = PacketSpec.in_memory_spec([workdir], ["result-sheet"], ["docx"], TemplateSet.default().root, False)
    render_documents(spec, tmp_path / "out")
    cells = [c.text for t in Document(str(tmp_path / "out" / "a.docx")).tables for r in t.rows for c in r.cells]
    assert "概况一\n概况二" in cells
    assert any(c.endswith("\n1.问题一\n2.问题二") for c in cells)


def test_a_number_that_is_not_the_items_place_is_kept(workdir):
    """"3、5号楼" is not a typed number; one item "1. …2. …" is a cell of numbered points
    (the published summary tables print it so)."""
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD + "problems:\n  - 3、5号楼未验收\n  - 2.问题二\n"
                                    "rectification:\n  - 1. 完善制度。2. 加强管理。\n")
    data = load_dataset([workdir])
    assert messages(workdir) == []
    assert data.projects[0].project.problems == ["3、5号楼未验收", "2.问题二"]
    assert data.projects[0].project.rectification == ["1. 完善制度。2. 加强管理。"]
