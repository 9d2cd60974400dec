"""docgen build runs the preflight (docgen check) on what it built: findings in the summary
and in manifest.json, kept for files that are up to date (issue 14)."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from docgen.build import build_packet
from docgen.cli import app

from conftest import SAMPLES

#: A result sheet whose text runs off the right edge of the page.
OFF_THE_PAGE = ('{% extends "base.html" %}{% block body %}'
                '<p style="margin-left: 180mm; white-space: nowrap">{{ sheet.name }}超出页面右边界</p>'
                '{% endblock %}')


def _packet(tmp_path, template: str | None):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("publisher.yaml", "01-housing.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    lines = ["title: 测试", "formats: [pdf, docx]", "combined: false"]
    if template is not None:
        (tmp_path / "mine").mkdir()
        (tmp_path / "mine" / "result-sheet.html").write_text(template, encoding="utf-8")
        lines.append("templates: ../mine")
    (data / "packet.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data / "packet.yaml"


def test_a_build_reports_what_the_preflight_finds_and_keeps_it(tmp_path):
    packet, out = _packet(tmp_path, OFF_THE_PAGE), tmp_path / "out"
    result = build_packet(packet, out, jobs=2)
    assert result.exit_code == 0 and sorted(result.built) == ["01-housing.docx", "01-housing.pdf"]
    [finding] = [f for f in result.preflight["01-housing.pdf"] if f["rule"] == "text-clipped"]
    assert finding["page"] == 1 and finding["severity"] == "error" and "超出页面右边界" in finding["message"]
    assert "01-housing.docx" not in result.preflight  # its DOCX is fine
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = {o["file"]: o for d in manifest["documents"] for o in d["outputs"]}
    assert finding in outputs["01-housing.pdf"]["preflight"] and "preflight" not in outputs["01-housing.docx"]

    again = CliRunner().invoke(app, ["build", str(packet), "-o", str(out)])  # nothing to build
    assert again.exit_code == 0 and "无需生成" in again.output
    assert "预检（docgen check）发现" in again.output and "01-housing.pdf 第1页：" in again.output


def test_a_build_without_defects_says_nothing_of_the_preflight(tmp_path):
    result = CliRunner().invoke(app, ["build", str(_packet(tmp_path, None)), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "预检" not in result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert not any("preflight" in o for d in manifest["documents"] for o in d["outputs"])
