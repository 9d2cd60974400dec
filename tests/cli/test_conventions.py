"""The command line behaves as typer/click users expect: ``--version``, ``-h``, help that is
not cut short, usage mistakes in Chinese with exit 64, ``--quiet``, and ``--format json`` for
validate, check and build (one JSON object on standard output)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from docgen import __version__
from docgen.cli import app

JIYUAN = SAMPLES / "jiyuan-2023"


def run(*args: str, **kw):
    return CliRunner().invoke(app, list(args), prog_name="docgen", **kw)


def test_version_and_short_help():
    assert run("--version").stdout.strip() == f"docgen {__version__}"
    assert run("-V").exit_code == 0
    for args in (["-h"], ["build", "-h"], ["templates", "check", "-h"]):
        shown = run(*args)
        assert shown.exit_code == 0 and "显示帮助并退出" in shown.stdout, args


def test_docgen_alone_lists_the_commands_and_exit_codes():
    shown = run()
    assert shown.exit_code == 0
    for command in ("validate", "render", "build", "check", "schema", "init", "templates"):
        assert f"\n  {command} " in shown.stdout
    assert "64 命令行用法错误" in shown.stdout


def test_help_lines_are_wrapped_not_cut_at_80_columns():
    """typer's rich help ended long Chinese lines in "…" at 80 columns; every word is shown now."""
    shown = subprocess.run([sys.executable, "-m", "docgen", "build", "--help"], capture_output=True, text=True,
                           env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"}, timeout=60)
    assert shown.returncode == 0
    text = "".join(shown.stdout.split())
    assert "…" not in shown.stdout
    assert "在Dask集群上生成：调度器地址（如tcp://主机:8786），或local:N（在本机启动N个工作进程）；需安装docgen[cluster]" in text
    assert "json在标准输出给出一个JSON对象（问题、文件、用时），供脚本和CI读取" in text


@pytest.mark.parametrize("args, said", [
    (["build"], "错误：缺少参数“packet”"),
    (["build", "x.yaml", "--jobz", "2"], "错误：没有选项“--jobz”；相近的选项：--jobs\n"),
    (["build", "/no/such/packet.yaml"], "错误：“packet”的值不对：“/no/such/packet.yaml”不存在"),
    (["build", str(JIYUAN / "packet.yaml"), "-j", "0"], "错误：“--jobs / -j”的值不对：应不小于1"),
    (["build", str(JIYUAN / "packet.yaml"), "-j", "two"], "错误：“--jobs / -j”的值不对：应为整数"),
    (["validate", str(JIYUAN), "--format", "xml"], "错误：“--format”的值不对：“xml”不是可选的值；可选：text, json"),
    (["init", "projects", "x.yaml"], "错误：“kind”的值不对：“projects”不是可选的值"),
    (["buidl"], "错误：没有命令“buidl”"),
    (["build", str(JIYUAN / "packet.yaml"), "extra"], "错误：多余的参数：extra"),
])
def test_usage_mistakes_are_said_in_chinese_with_exit_64(args, said):
    result = run(*args)
    assert result.exit_code == 64, result.output
    assert said in result.stderr, result.stderr
    assert "用法：docgen" in result.stderr and "-h”查看帮助" in result.stderr
    assert "Error" not in result.output and "Traceback" not in result.output


def test_the_program_exits_64_too():
    """Not only inside typer's test runner: the installed program's exit code."""
    wrong = subprocess.run([sys.executable, "-m", "docgen", "check", "--nope"], capture_output=True, text=True,
                           timeout=60)
    assert wrong.returncode == 64 and "没有选项“--nope”" in wrong.stderr


def _broken_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(JIYUAN, data)
    path = data / "02-emergency.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("score:"))
    path.write_text(text.replace(text.splitlines()[line - 1], "score: 108.5", 1), encoding="utf-8")
    return data, line


def test_validate_json_names_file_line_field_and_severity(tmp_path):
    data, line = _broken_data(tmp_path)
    result = run("validate", str(data), "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["command"] == "validate" and report["exit_code"] == 2
    [error] = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert error["file"].endswith("02-emergency.yaml") and error["line"] == line and error["field"] == "score"
    assert "108.5" in error["message"]
    clean = json.loads(run("validate", str(JIYUAN), "--format", "json").stdout)
    assert clean["exit_code"] == 0 and clean["projects"] == 8 and clean["families"] == ["result-sheet"]


def test_quiet_shows_errors_only(tmp_path):
    assert run("validate", str(JIYUAN), "-q").output == ""
    data, _ = _broken_data(tmp_path)
    quiet = run("validate", str(data), "--quiet")
    assert quiet.exit_code == 2 and quiet.stdout == ""
    assert quiet.stderr.strip().splitlines() == [l for l in run("validate", str(data)).stderr.splitlines()
                                                 if "108.5" in l]


def test_build_and_check_json_for_scripts(tmp_path):
    data, _ = _broken_data(tmp_path)
    (data / "packet.yaml").write_text("title: 测试\nformats: [docx]\ncombined: false\n", encoding="utf-8")
    built = run("build", str(data / "packet.yaml"), "-o", str(tmp_path / "out"), "--format", "json", "-j", "1")
    assert built.exit_code == 2
    report = json.loads(built.stdout)
    assert report["command"] == "build" and report["exit_code"] == 2
    assert [d["field"] for d in report["diagnostics"] if d["severity"] == "error"] == ["score"]
    assert {o["state"] for o in report["outputs"]} == {"built"} and len(report["outputs"]) == 7
    assert report["timings"]["total"] > 0 and "render_docx" in report["timings"]
    checked = run("check", str(tmp_path / "out"), "--format", "json")
    assert checked.exit_code == 0
    summary = json.loads(checked.stdout)
    assert summary["command"] == "check" and summary["errors"] == 0 and len(summary["documents"]) == 7
    quiet = run("build", str(data / "packet.yaml"), "-o", str(tmp_path / "out"), "-q", "-j", "1")
    assert quiet.stdout == "" and "108.5" in quiet.stderr and "共" not in quiet.stderr
