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


def messages(folder: Path) -> list[str]:
    return [str(d) for d in load_dataset([folder]).diagnostics.in_order()]


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_valid_folder_has_no_diagnostics(workdir):
    write(workdir, "publisher.yaml", PUBLISHER)
    write(workdir, "a.yaml", GOOD)
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
    assert [str(d) for d in result.diagnostics] == []
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
    assert [str(d) for d in result.diagnostics] == [
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
    assert msg.startswith("report.yaml:5: 无法识别的值") and "2024-03-31" in msg


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
