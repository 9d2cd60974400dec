"""Each document's rendering is bounded in time and memory (issue 13, "limits on user
templates"): a template that loops for hours or fills the memory fails that document with a
clear message, and the other documents are built."""

from __future__ import annotations

import shutil
import time

import pytest

from docgen.build.executor import ProcessExecutor, TaskOverdue
from docgen.build.watchdog import DocumentTooCostly, bounded
from docgen.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, RenderLimits

from conftest import SAMPLES

#: A template that would run for hours: 10^10 iterations.
ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
#: Quick to expand, long to lay out: 100,000 paragraphs, thousands of pages.
HUGE_LAYOUT = "{% for i in range(100000) %}<p>第{{ i }}段：财政预算绩效评价结果</p>{% endfor %}"
#: One that grows without end in memory: the output list holds a reference per iteration, and
#: each iteration's 2,000-character text is new.
GREEDY = "{% for i in range(100000) %}{% for j in range(100000) %}{{ '一二' * 1000 ~ j }}{% endfor %}{% endfor %}"


def test_bounded_stops_a_loop_past_its_time():
    start = time.monotonic()
    with pytest.raises(DocumentTooCostly, match="生成“a.pdf”超过时间限制（0.5秒）"):
        with bounded(RenderLimits(seconds=0.5, memory_mb=0), "a.pdf"):
            while True:
                pass
    assert time.monotonic() - start < 3


def test_bounded_stops_growth_past_its_memory():
    with pytest.raises(DocumentTooCostly, match="生成“b.pdf”时占用内存超过限制（64 MB）"):
        with bounded(RenderLimits(seconds=0, memory_mb=64), "b.pdf"):
            hoard = []
            while True:
                hoard.append(bytearray(1 << 20))


def test_bounded_leaves_quick_work_alone_and_nothing_arrives_later():
    for _ in range(200):
        with bounded(RenderLimits(seconds=5, memory_mb=512), "c.pdf"):
            sum(range(1000))
    time.sleep(0.3)  # an exception raised late would arrive here


def test_the_default_limits_leave_the_samples_largest_document_four_times_its_cost():
    """BENCHMARKS.md, "Limits": under 4 s and 60 MB each; the defaults are far above 4×."""
    assert DEFAULT_SECONDS >= 4 * 4 and DEFAULT_MEMORY_MB >= 4 * 60


def _packet_with_template(tmp_path, template: str, limits: str):
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "result-sheet.html").write_text(template, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("publisher.yaml", "01-housing.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    (data / "table.yaml").write_text('detail_table:\n  title: "测试明细表"\n', encoding="utf-8")
    (data / "packet.yaml").write_text(
        f"title: 测试\ntemplates: ../mine\nformats: [pdf]\ncombined: false\nlimits: {limits}\n", encoding="utf-8")
    return data / "packet.yaml"


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("template, limits, message", [
    (ENDLESS, "{seconds: 2, memory_mb: 0}", "超过时间限制（2秒）"),
    (HUGE_LAYOUT, "{seconds: 3, memory_mb: 0}", "超过时间限制（3秒）"),
    (GREEDY, "{seconds: 0, memory_mb: 100}", "占用内存超过限制（100 MB）"),
], ids=["endless loop", "huge layout", "endless growth"])
def test_a_costly_template_fails_its_document_and_the_others_are_built(tmp_path, jobs, template, limits, message):
    from docgen.build import build_packet

    packet = _packet_with_template(tmp_path, template, limits)
    start = time.monotonic()
    result = build_packet(packet, tmp_path / "out", jobs=jobs)
    assert time.monotonic() - start < 60
    assert result.exit_code == 1 and result.built == ["detail-table.pdf"]
    [failure] = result.failed
    assert failure.what == "result-sheet 01-housing.pdf"
    assert failure.cause.startswith("生成“01-housing.pdf”") and message in failure.cause
    assert not (tmp_path / "out" / "01-housing.pdf").exists()


def test_render_takes_its_limits_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from docgen.cli import app

    packet = _packet_with_template(tmp_path, ENDLESS, "{}")
    result = CliRunner().invoke(app, ["render", "result-sheet", str(packet.parent), "-o", str(tmp_path / "out"),
                                      "--format", "pdf", "--templates", str(tmp_path / "mine"), "--time-limit", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "超过时间限制（1秒）" in result.output and "--time-limit" in result.output


def test_packet_limits_are_checked(tmp_path):
    from docgen.build.spec import load_packet

    (tmp_path / "packet.yaml").write_text("title: 测试\nlimits:\n  seconds: -1\n  memory: 5\n", encoding="utf-8")
    spec, diagnostics = load_packet(tmp_path / "packet.yaml")
    lines = [str(d) for d in diagnostics]
    assert spec is None
    assert any("packet.yaml:3: limits.seconds" in line for line in lines), lines
    assert any("packet.yaml:4: limits.memory" in line for line in lines), lines


def _sleep_in_c(seconds: float) -> None:
    time.sleep(seconds)  # no Python instruction runs meanwhile: only ending the worker stops it


def test_a_worker_past_its_deadline_is_ended_and_the_other_tasks_go_on():
    with ProcessExecutor(2) as executor:
        stuck = executor.submit(_sleep_in_c, 120, deadline=1)
        quick = [executor.submit(pow, 2, n) for n in range(6)]
        start = time.monotonic()
        pending = [stuck, *quick]
        while pending:
            done = executor.wait(pending)
            pending = [f for f in pending if f not in done]
        assert time.monotonic() - start < 20
        with pytest.raises(TaskOverdue, match="运行超过1秒仍未结束"):
            stuck.result()
        assert [f.result() for f in quick] == [2**n for n in range(6)]


def test_the_benchmark_measures_every_output_against_the_limits():
    from docgen.bench import measure_limits
    from docgen.build import watchdog

    [row] = measure_limits([SAMPLES / "shuozhou-edz-2024" / "packet.yaml"], lambda line: None)
    packet, outputs, slowest, time_ratio, largest, memory_ratio = row
    # the report's DOCX and PDF and the combined PDF, each once (the combined PDF, tried in the
    # build's process first, was counted twice)
    assert packet == "shuozhou-edz-2024" and int(outputs) == 3
    assert slowest.endswith(" s") and largest.endswith(" MB")
    assert float(time_ratio.rstrip("×")) >= 4 and float(memory_ratio.rstrip("×")) >= 4
    assert watchdog._observer is None
