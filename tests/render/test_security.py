"""WeasyPrint may read only files inside the template set."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from docgen.render import PdfRenderer, TemplateSet
from docgen.render.environment import BUILTIN_TEMPLATES
from docgen.render.pdf import TemplateResourceRefused, make_url_fetcher

from conftest import SAMPLES


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.invalid/x.png",
        "data:text/css,body{color:red}",
        (BUILTIN_TEMPLATES / ".." / "pyproject.toml").as_uri(),
    ],
)
def test_fetcher_refuses_everything_outside_the_template_set(url):
    with pytest.raises(FatalURLFetchingError, match="拒绝加载"):
        make_url_fetcher(BUILTIN_TEMPLATES).fetch(url)


def test_fetcher_serves_the_template_sets_own_css():
    response = make_url_fetcher(BUILTIN_TEMPLATES).fetch((BUILTIN_TEMPLATES / "css" / "official.css").as_uri())
    assert b"@page" in response.read()


def test_a_template_that_reaches_outside_is_stopped(tmp_path):
    (tmp_path / "evil.html").write_text('<img src="file:///etc/passwd"><p>x</p>', encoding="utf-8")
    with pytest.raises(TemplateResourceRefused):
        PdfRenderer(TemplateSet(tmp_path)).render("evil", {})


def _user_set_with_an_outside_image(folder: Path) -> tuple[Path, int]:
    """A user's template set whose result sheet shows an image from the user's home: a
    template error of that template's line, not a crash."""
    folder.mkdir()
    html = (BUILTIN_TEMPLATES / "result-sheet.html").read_text(encoding="utf-8")
    marked = html.replace("{% block body %}", '{% block body %}\n<img src="/home/me/logo.png">', 1)
    assert marked != html
    (folder / "result-sheet.html").write_text(marked, encoding="utf-8")
    line = marked.splitlines().index('<img src="/home/me/logo.png">') + 1
    return folder, line


def test_a_refused_resource_is_a_template_error_with_file_and_line_in_render(tmp_path):
    from typer.testing import CliRunner

    from docgen.cli import app

    templates, line = _user_set_with_an_outside_image(tmp_path / "mine")
    result = CliRunner().invoke(app, ["render", "result-sheet", str(SAMPLES / "jiyuan-2023"), "-o",
                                      str(tmp_path / "out"), "--format", "pdf", "--templates", str(templates)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"result-sheet.html:{line}" in result.output and "拒绝加载模板目录以外的资源" in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_refused_resource_fails_its_documents_in_a_build_and_the_others_are_built(tmp_path, jobs):
    import shutil

    from docgen.build import build_packet

    templates, line = _user_set_with_an_outside_image(tmp_path / "mine")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("publisher.yaml", "01-housing.yaml", "02-emergency.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    (data / "table.yaml").write_text('detail_table:\n  title: "测试明细表"\n', encoding="utf-8")
    (data / "packet.yaml").write_text('title: 测试\ntemplates: ../mine\nformats: [pdf]\ncombined: false\n',
                                      encoding="utf-8")
    result = build_packet(data / "packet.yaml", tmp_path / "out", jobs=jobs)
    assert result.exit_code == 1 and result.built == ["detail-table.pdf"]
    assert sorted(f.what for f in result.failed) == ["result-sheet 01-housing.pdf", "result-sheet 02-emergency.pdf"]
    for failure in result.failed:
        assert failure.cause.startswith(f"模板错误（result-sheet.html:{line}）：拒绝加载模板目录以外的资源")


def test_a_link_out_of_the_template_set_is_never_read(tmp_path):
    """``notes.txt -> a file outside``, included by a template, and a linked folder: refused
    before reading (the secret never reaches a document), and ``templates check`` reports them."""
    from docgen.authoring.lint import lint
    from docgen.render.docx import DocxRenderer
    from docgen.render.environment import OutsideTemplateSet

    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "part.html").write_text("机密内容", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").symlink_to(secret)
    (mine / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (mine / "result-sheet.docx").symlink_to(secret)
    templates = TemplateSet(mine)
    for include in ("notes.txt", "linked/part.html"):
        (mine / "result-sheet.html").write_text(f'{{% include "{include}" %}}', encoding="utf-8")
        with pytest.raises(OutsideTemplateSet, match="模板目录以外的链接"):
            PdfRenderer(templates).html("result-sheet", {})
    with pytest.raises(OutsideTemplateSet):
        DocxRenderer(templates).render("result-sheet", {})
    reported = {f.file for f in lint(templates) if "模板目录以外的链接" in f.message}
    assert {"notes.txt", "linked", "result-sheet.docx"} <= reported

    from typer.testing import CliRunner

    from docgen.cli import app

    result = CliRunner().invoke(app, ["render", "result-sheet", str(SAMPLES / "jiyuan-2023"), "-o",
                                      str(tmp_path / "out"), "--templates", str(mine)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "指向模板目录以外的链接，不予读取" in result.output and "机密内容" not in result.output
    assert not any(p.suffix in (".docx", ".pdf") for p in (tmp_path / "out").glob("*"))


@pytest.mark.parametrize("expression, message", [
    ("{{ 'x' * 10**9 }}", "模板中的重复过大"),  # Jinja folds 10**9 when it compiles
    ("{% set n = 9 %}{{ 10 ** (n * 100) }}", "模板中的乘方过大"),
    ("{{ 'x' * 1000000000 }}", "模板中的重复过大"),
    ("{{ [1] * 100000000 }}", "模板中的重复过大"),
    ("{{ lipsum(100000) }}", "lipsum"),
])
def test_a_template_cannot_ask_for_unbounded_work(tmp_path, expression, message):
    """Bounded before it runs: the expression is an error of that template (milliseconds, no
    gigabytes)."""
    import time

    from jinja2 import TemplateError

    (tmp_path / "result-sheet.html").write_text(expression, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(TemplateError, match=message):
        PdfRenderer(TemplateSet(tmp_path)).html("result-sheet", {})
    assert time.monotonic() - start < 5
    assert PdfRenderer(TemplateSet(tmp_path)).env.from_string("{{ 'ab' * 3 }}{{ 2 ** 10 }}").render() == "ababab1024"


def test_a_huge_resource_in_the_set_is_refused_before_it_is_read(tmp_path):
    """A 1 GiB image in the template set (sparse here: no disk used) is an error of the template
    that shows it, not a gigabyte read into memory."""
    from docgen.render.pdf import MAX_RESOURCE_BYTES

    with open(tmp_path / "logo.png", "wb") as image:
        image.truncate(2**30)
    assert MAX_RESOURCE_BYTES < 2**30
    (tmp_path / "evil.html").write_text('<p>x</p>\n<img src="logo.png">', encoding="utf-8")
    with pytest.raises(TemplateResourceRefused, match="模板资源logo.png过大（1024 MB），最多64 MB") as refused:
        PdfRenderer(TemplateSet(tmp_path)).render("evil", {})
    assert refused.value.where == "evil.html:2"


def test_the_words_filter_keeps_each_word_on_one_line_and_escapes_it():
    """Titles wrap only between words (issue 14): each jieba word in a nowrap span, data escaped."""
    from docgen.render.environment import make_environment

    env = make_environment(html=True)
    html = env.from_string("{{ t | words }}").render(t="重点绩效评价<b>结果</b>")
    assert html == ('<span class="w">重点</span><span class="w">绩效评价</span><span class="w">&lt;</span>'
                    '<span class="w">b</span><span class="w">&gt;</span><span class="w">结果</span>'
                    '<span class="w">&lt;</span><span class="w">/</span><span class="w">b</span>'
                    '<span class="w">&gt;</span>')
    assert "words" not in make_environment().filters  # Word templates: no HTML
