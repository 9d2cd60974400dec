"""Template sets users own, the linter, schemas, skeletons."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from docx import Document
from jinja2.exceptions import SecurityError, UndefinedError

from docgen.authoring.lint import lint
from docgen.authoring.schema import KINDS, schema_for
from docgen.authoring.templates import SKELETONS, export_templates, write_skeleton
from helpers import Family, Format, render
from docgen.contexts.result_sheet import build_result_sheet
from docgen.input import load_dataset
from docgen.render import DocxRenderer, PdfRenderer, TemplateSet

from conftest import ROOT, SAMPLES, docx_text, pdf_text, squash

JIYUAN = [SAMPLES / "jiyuan-2023"]


def test_override_one_file_and_fall_back_for_the_rest(tmp_path):
    user = tmp_path / "mine"
    (user / "css").mkdir(parents=True)
    html = (ROOT / "templates" / "result-sheet.html").read_text(encoding="utf-8")
    (user / "result-sheet.html").write_text(html.replace("{{ sheet.title | words }}</h1>", "{{ sheet.title }}（本局版）</h1>"),
                                            encoding="utf-8")
    (user / "css" / "result-sheet.css").write_text(".title { color: #123456; }", encoding="utf-8")
    report = render(Family.RESULT_SHEET, JIYUAN, tmp_path / "out", Format.ALL, TemplateSet(user))
    assert not report.diagnostics.errors
    first = sorted((tmp_path / "out").glob("*.pdf"))[0]
    assert "重大政策和重点项目预算绩效评价结果（本局版）" in pdf_text(first)  # the user's HTML
    assert "（本局版）" not in docx_text(first.with_suffix(".docx"))  # the built-in Word template
    # official.css (fonts, page) still came from the built-in set: the CJK fonts are there
    fonts = subprocess.run(["pdffonts", str(first)], capture_output=True, text=True, check=True).stdout
    assert "Serif-SC" in fonts


def test_export_copies_the_set_and_keeps_existing_files(tmp_path):
    (tmp_path / "result-sheet.html").write_text("mine", encoding="utf-8")
    written, kept = export_templates(tmp_path)
    assert (tmp_path / "result-sheet.html").read_text(encoding="utf-8") == "mine"
    assert kept == [tmp_path / "result-sheet.html"]
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"result-sheet.docx", "summary-report.html", "css/official.css", "final-accounts.docx"} <= names


def test_committed_word_templates_are_what_the_generator_makes(tmp_path):
    """templates/*.docx are made by tools/make_docx_templates.py: the same script must make the
    same parts (entries in order, their bytes, their zip dates and modes); a template edited by
    hand, or a generator changed without regenerating, fails here. Compressed bytes may depend
    on the zlib build, so the parts are compared uncompressed; two runs give the same file."""
    import zipfile

    def generate(folder: Path) -> dict[str, bytes]:
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_docx_templates.py"), str(folder)],
                       check=True, capture_output=True)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.docx"))}

    def parts(path: Path) -> list[tuple[str, tuple, int, bytes]]:
        with zipfile.ZipFile(path) as z:
            return [(i.filename, i.date_time, i.external_attr, z.read(i)) for i in z.infolist()]

    made = generate(tmp_path / "a")
    committed = sorted((ROOT / "templates").glob("*.docx"))
    assert sorted(made) == [p.name for p in committed] == sorted(f"{f.value}.docx" for f in Family)
    for path in committed:
        assert parts(tmp_path / "a" / path.name) == parts(path), f"{path.name}: regenerate it with the script"
    assert generate(tmp_path / "b") == made


def broken_set(folder: Path) -> Path:
    folder.mkdir()
    (folder / "result-sheet.html").write_text(
        '{% extends "base.html" %}\n{% block body %}\n<p>{{ sheet.nmae }}</p>\n'
        "{% for s in sheet.sections %}<p>{{ s.lable }}{{ s.label | shout }}</p>{% endfor %}\n"
        "{{ undefined_thing }}\n{% endblock %}\n", encoding="utf-8")
    (folder / "summary-report.html").write_text('{% extends "base.html" %}\n{% block body %}\n{{ report.title\n'
                                                "{% endblock %}\n", encoding="utf-8")
    shutil.copy(ROOT / "templates" / "result-sheet.docx", folder / "result-sheet.docx")
    doc = Document(str(folder / "result-sheet.docx"))
    doc.paragraphs[0].runs[0].text = "{{ sheet.ar"
    doc.paragraphs[0].add_run("ea }}")
    doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0].text = "项目名称：{{ sheet.nmae }}"
    doc.save(str(folder / "result-sheet.docx"))
    return folder


def test_lint_reports_every_kind_with_its_location(tmp_path):
    folder = broken_set(tmp_path / "set")
    found = [str(f) for f in lint(TemplateSet(folder)) if "两种格式" not in str(f)]  # test_one_format_only
    html, docx, report = folder / "result-sheet.html", folder / "result-sheet.docx", folder / "summary-report.html"
    assert found == [
        f"{docx}:第1段: 警告: 标签被Word拆分在多个文本段中（“{{{{ sheet.area }}}}”）：请删除后一次性重新输入",
        f"{docx}:表格1第1行第1列: “ResultSheet”没有“nmae”；可用：area、title、name、object_type、department、"
        "implementing_units、evaluation_time、expenditure、agency、conclusion、sections、fields",
        f"{html}:3: “ResultSheet”没有“nmae”；可用：area、title、name、object_type、department、"
        "implementing_units、evaluation_time、expenditure、agency、conclusion、sections、fields",
        f"{html}:4: “Section”没有“lable”；可用：label、paragraphs",
        f"{html}:4: 未知的过滤器“shout”",
        f"{html}:5: 模板使用了未提供的变量“undefined_thing”",
        f"{report}:4: Jinja语法错误：expected token 'end of print statement', got '{{'",
    ]


def test_a_field_printed_in_one_format_only_is_warned(tmp_path):
    """A line taken out of the HTML template (项目支出 and 评价机构) that the Word template
    still prints; a Word template without the 评价时间 the HTML one prints. Layout hints
    (column widths, spans, indents) are each format's own and are not compared."""
    from docgen.authoring.templates import export_templates

    folder = tmp_path / "set"
    export_templates(folder)
    html = folder / "result-sheet.html"
    html.write_text("\n".join(line for line in html.read_text(encoding="utf-8").splitlines()
                              if "sheet.expenditure" not in line), encoding="utf-8")
    doc = Document(str(folder / "result-sheet.docx"))
    for cell in (c for t in doc.tables for r in t.rows for c in r.cells):
        for run in (r for p in cell.paragraphs for r in p.runs if "evaluation_time" in r.text):
            run.text = run.text.replace("{{ sheet.evaluation_time }}", "")
    doc.save(str(folder / "result-sheet.docx"))
    found = [str(f) for f in lint(TemplateSet(folder)) if "两种格式" in str(f)]
    assert found == [
        "result-sheet.docx:1: 警告: 没有印出“ResultSheet.evaluation_time”，而result-sheet.html（第14行）印出了它：两种格式的内容会不一致",
        "result-sheet.html:1: 警告: 没有印出“ResultSheet.agency”，而result-sheet.docx（表格1第5行第2列）印出了它：两种格式的内容会不一致",
        "result-sheet.html:1: 警告: 没有印出“ResultSheet.expenditure”，而result-sheet.docx（表格1第5行第2列）印出了它：两种格式的内容会不一致",
    ]


def test_builtin_set_lints_clean_and_cli_exit_codes(tmp_path):
    assert [str(f) for f in lint(TemplateSet.default())] == []
    broken = broken_set(tmp_path / "set")
    run = subprocess.run([sys.executable, "-m", "docgen.cli", "templates", "check", str(broken)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "共 6 个错误，" in run.stderr and "Traceback" not in run.stderr
    ok = subprocess.run([sys.executable, "-m", "docgen.cli", "templates", "check"], capture_output=True, text=True)
    assert ok.returncode == 0


def test_lint_warns_of_what_parts_cannot_lay_out(tmp_path):
    builtin = TemplateSet.default().root
    folder = tmp_path / "set"
    (folder / "css").mkdir(parents=True)
    css = (builtin / "css" / "final-accounts.css").read_text(encoding="utf-8")
    (folder / "css" / "final-accounts.css").write_text(css + "\n@page :left { margin-left: 30mm; }\n",
                                                        encoding="utf-8")
    html = (builtin / "final-accounts.html").read_text(encoding="utf-8")
    (folder / "final-accounts.html").write_text(html.replace("<!--docgen:parts-->", "<!--docgen:parts-->" * 2),
                                                encoding="utf-8")
    found = [str(f) for f in lint(TemplateSet(folder)) if "分段" in str(f)]
    assert len(found) == 2, found
    assert found[0].startswith(f"{folder / 'final-accounts.html'}:") and "须且只须出现一次" in found[0]
    line = css.count("\n") + 2
    assert found[1] == (f"{folder / 'css' / 'final-accounts.css'}:{line}: 警告: 分段排版的文档不能使用依赖页面位置的规则"
                        "（“@page :left”）：后一段的页面位置与整篇不同")


def stamp_findings(folder: Path) -> list[str]:
    return [str(f) for f in lint(TemplateSet(folder)) if "草稿" in str(f)]


def test_lint_reports_a_template_that_does_not_extend_base(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    own = folder / "detail-table.html"
    own.write_text("<html><body><h1>{{ table.title }}</h1></body></html>\n", encoding="utf-8")
    assert stamp_findings(folder) == [
        f'{own}:1: 模板没有继承base.html（{{% extends "base.html" %}}），数据有错误时生成的草稿将不标注“草稿”']
    # through a layout of the user's own that extends base.html, the stamp is kept
    (folder / "layout.html").write_text('{% extends "base.html" %}\n{% block styles %}<style>h1 { color: red; }</style>'
                                        "{% endblock %}\n", encoding="utf-8")
    own.write_text('{% extends "layout.html" %}\n{% block body %}<h1>{{ table.title }}</h1>{% endblock %}\n',
                   encoding="utf-8")
    assert stamp_findings(folder) == []


def test_lint_reports_a_base_without_the_stamp_outside_blocks(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    builtin = (TemplateSet.default().root / "base.html").read_text(encoding="utf-8")
    stamp = '{%- if draft is defined and draft %}<div class="draft-stamp"><img src="css/draft-stamp.svg" alt=""></div>{% endif %}'
    assert stamp in builtin
    base = folder / "base.html"
    message = (f'{base}:1: base.html须在所有block之外、body之前写草稿标记（{{% if draft %}}'
               '<div class="draft-stamp"><img src="css/draft-stamp.svg" alt=""></div>{% endif %}），'
               '数据有错误时生成的草稿将不标注“草稿”')
    base.write_text(builtin.replace(stamp, ""), encoding="utf-8")
    assert stamp_findings(folder) == [message]  # once, though all five families use it
    # inside a block a family template could override it: as bad as none
    base.write_text(builtin.replace(stamp, "{% block stamp %}" + stamp + "{% endblock %}"), encoding="utf-8")
    assert stamp_findings(folder) == [message]
    # after the body it would not stand before the parts mark
    base.write_text(builtin.replace(stamp, "").replace("</body>", stamp + "\n</body>"), encoding="utf-8")
    assert stamp_findings(folder) == [message]


@pytest.mark.parametrize("rule", [".draft-stamp { display: none; }", "div.draft-stamp{visibility:hidden}",
                                  "body .draft-stamp { opacity: 0 !important }", ".draft-stamp { font-size: 0 }",
                                  ".draft-stamp { color: transparent }"])
def test_lint_reports_css_that_hides_the_stamp(tmp_path, rule):
    folder = tmp_path / "set"
    (folder / "css").mkdir(parents=True)
    css = (TemplateSet.default().root / "css" / "result-sheet.css").read_text(encoding="utf-8")
    sheet = folder / "css" / "result-sheet.css"
    sheet.write_text(css + "/* mine */\n" + rule + "\n", encoding="utf-8")
    found = stamp_findings(folder)
    line = css.count("\n") + 2
    assert len(found) == 1 and found[0].startswith(f"{sheet}:{line}: 样式隐藏了草稿标记（“"), found
    assert found[0].endswith("），数据有错误时生成的草稿将不标注“草稿”")
    # an error: the check command fails
    run = subprocess.run([sys.executable, "-m", "docgen.cli", "templates", "check", str(folder)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and str(sheet) in run.stderr


def test_lint_reports_a_stamp_not_fixed_on_every_page(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    own = folder / "results-summary.html"
    own.write_text('{% extends "base.html" %}\n{% block styles %}\n<style>\n.draft-stamp { position: absolute; }\n'
                   "</style>\n{% endblock %}\n", encoding="utf-8")
    assert stamp_findings(folder) == [
        f"{own}:4: 草稿标记（.draft-stamp）的样式须为 position: fixed，才会出现在每一页；否则草稿只在第一页标注“草稿”"]
    # the built-in stamp's colour and size are not taken for hiding it
    own.write_text('{% extends "base.html" %}\n{% block styles %}<style>.draft-stamp { position: fixed; '
                   "color: rgba(0, 0, 200, 0.3); font-size: 60pt }</style>{% endblock %}\n", encoding="utf-8")
    assert stamp_findings(folder) == []


def sheet_context():
    data = load_dataset(JIYUAN)
    return {"sheet": build_result_sheet(data.projects[0].project, data.publisher), "draft": False}


@pytest.mark.parametrize("expression", [
    "{{ sheet.__class__.__mro__[1].__subclasses__() }}",
    "{{ sheet.title.__class__.__base__.__subclasses__() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
])
def test_sandbox_refuses_internals(tmp_path, expression):
    (tmp_path / "result-sheet.html").write_text(expression, encoding="utf-8")
    with pytest.raises((SecurityError, UndefinedError)):
        PdfRenderer(TemplateSet(tmp_path)).html("result-sheet", sheet_context())


@pytest.mark.parametrize("resource", ["file:///etc/passwd", "http://127.0.0.1:9/a.css", "data:text/css,p{}"])
def test_templates_cannot_load_outside_resources(tmp_path, resource):
    from docgen.render.pdf import TemplateResourceRefused

    (tmp_path / "result-sheet.html").write_text(f'<link rel="stylesheet" href="{resource}"><p>x</p>', encoding="utf-8")
    with pytest.raises(TemplateResourceRefused):
        PdfRenderer(TemplateSet(tmp_path)).render("result-sheet", sheet_context())


def test_data_cannot_load_resources(tmp_path):
    context = sheet_context()
    evil = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    context["sheet"] = build_result_sheet(load_dataset(JIYUAN).projects[0].project.model_copy(update={"name": evil}),
                                          load_dataset(JIYUAN).publisher)
    path = tmp_path / "x.pdf"
    path.write_bytes(PdfRenderer().render("result-sheet", context))  # no fetch happens: it is text
    assert squash(evil) in pdf_text(path)
    docx = tmp_path / "x.docx"
    docx.write_bytes(DocxRenderer().render("result-sheet", context))
    assert squash(evil) in docx_text(docx)


def test_schemas_are_current():
    for kind in KINDS:
        committed = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == schema_for(kind), f"schemas/{kind}.schema.json is stale: run `docgen schema -o schemas`"


@pytest.mark.parametrize("kind", ["project", "batch", "report", "accounts", "packet"])
def test_every_field_an_editor_shows_has_a_chinese_title_and_description(kind):
    """Hover and completion show a field's title and description (a field that refers to a
    model shows that model's title); the final accounts' table cells say their table, the
    kind of value and an example."""
    schema = schema_for(kind)
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, field in node.get("properties", {}).items():
                titled = "title" in field or ("$ref" in field and "title" in schema["$defs"][field["$ref"].split("/")[-1]])
                if not (titled and re.search(r"[\u4e00-\u9fff]", field.get("description", ""))):
                    missing.append(f"{path}.{name}")
            for key, value in node.items():
                walk(value, f"{path}/{key}" if key != "properties" else path)
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(schema, kind)
    assert missing == []


def as_json(value):
    """YAML as loaded (ruamel, Decimal, dates) to what an editor's schema check sees."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", sorted(SAMPLES.rglob("*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_names_its_schema_and_fits_it(path):
    from docgen.input.yaml import _yaml

    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path} must start with a yaml-language-server $schema line"
    schema_path = (path.parent / match.group(1)).resolve()
    assert schema_path.is_file()
    data = as_json(_yaml().load(path.read_text(encoding="utf-8")))
    jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))


FILL = {"文本": "测试文字", "数字": "100", "整数": "7", "年份": "2023", "日期": "2024-12-31", "金额": "100万元"}


@pytest.mark.parametrize("kind", [k for k in SKELETONS if k != "packet"])
def test_skeletons_validate_once_filled(tmp_path, kind, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "data" / f"{kind}.yaml"
    write_skeleton(kind, target)
    if kind == "project":
        (tmp_path / "data" / "publisher.yaml").write_text("publisher: {area: 测试区}\n", encoding="utf-8")
    unfilled = load_dataset([target.parent])
    assert unfilled.diagnostics.errors and all("尚未填写" in d.message for d in unfilled.diagnostics.errors)
    assert unfilled.diagnostics.errors[0].line
    text = target.read_text(encoding="utf-8")
    filled = re.sub(r"<<([^：<>]+)：[^<>]*>>", lambda m: FILL[m.group(1)], text)
    target.write_text(filled, encoding="utf-8")
    data = load_dataset([target.parent])
    assert [str(d) for d in data.diagnostics.errors] == []
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    from docgen.input.yaml import _yaml

    jsonschema.validate(as_json(_yaml().load(filled)), schema)


def test_every_skeleton_kind_has_its_schema():
    """``docgen init`` and ``docgen schema`` know the same kinds: each skeleton's $schema line
    names a schema that exists."""
    assert set(SKELETONS) == set(KINDS)
    for kind in SKELETONS:
        first = (ROOT / "docgen" / "authoring" / "skeletons" / f"{kind}.yaml").read_text(encoding="utf-8").split("\n")[0]
        assert first == f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"


def test_packet_skeleton_offers_every_field_and_registered_family(tmp_path):
    """Every field of packet.yaml is in the skeleton (written, or commented out when optional),
    the limits it shows are the defaults, and the families it lists are the registry's, one
    registered at run time included."""
    from docgen import families
    from docgen.families import Block, FamilySpec
    from docgen.models.packet import Limits, Packet

    target = tmp_path / "packet.yaml"
    write_skeleton("packet", target)
    text = target.read_text(encoding="utf-8")
    keys = set(re.findall(r"(?m)^(?:# )?([a-z_]+):", text))
    assert set(Packet.model_fields) <= keys, set(Packet.model_fields) - keys
    limits = re.search(r"(?m)^# limits: \{seconds: (\d+), memory_mb: (\d+)\}", text)
    assert limits and (int(limits[1]), int(limits[2])) == (Limits().seconds, Limits().memory_mb)
    listed = re.findall(r"(?m)^#   ([a-z-]+) +(\S+?)；", text)
    assert listed == [(spec.name, spec.title) for spec in families.FAMILIES]

    memo = FamilySpec("memo", "备忘录", Block("memo", "tiny_family:Memo", "备忘录"), "memo", "tiny_family:MemoDoc",
                      "tiny_family:documents", "batch", uses_projects=False)
    unregister = families.register(memo)
    try:
        write_skeleton("packet", tmp_path / "more" / "packet.yaml")
    finally:
        unregister()
    more = (tmp_path / "more" / "packet.yaml").read_text(encoding="utf-8")
    assert re.search(r"(?m)^#   memo +备忘录；数据须有memo:", more)
    assert "@families" not in text + more


def test_packet_skeleton_builds_once_filled(workdir):
    """``docgen init packet`` beside a sample's data: unfilled, ``docgen build`` names each
    <<…>> with file and line (exit 2, nothing built); filled, the packet loads without a
    finding, fits its schema and builds."""
    from docgen.build import build_packet, load_packet
    from docgen.cli import app
    from typer.testing import CliRunner

    data = workdir / "data"
    data.mkdir()
    for name in ("publisher.yaml", "01-housing.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    runner = CliRunner()
    init = runner.invoke(app, ["init", "packet", "data/packet.yaml"])
    assert init.exit_code == 0 and "docgen build data/packet.yaml" in init.stdout
    assert not init.stderr  # named packet.yaml: no advice about the name
    packet = data / "packet.yaml"

    unfilled = runner.invoke(app, ["build", "data/packet.yaml", "-o", "out"])
    assert unfilled.exit_code == 2
    assert "Traceback" not in unfilled.output + unfilled.stderr
    errors = [line for line in unfilled.stderr.splitlines() if line.startswith("data/packet.yaml:")]
    assert len(errors) == 4 and all(re.match(r"data/packet\.yaml:\d+: [a-z_\[\]0-9]+: 尚未填写：", e) for e in errors)
    assert "data/packet.yaml:8: documents[0]: 尚未填写：要生成的文档，从下表中选，可写多个（文档类型）" in errors
    assert not (workdir / "out" / "manifest.json").exists()

    declared = load_dataset([data]).families
    fill = {**FILL, "文档类型": ", ".join(declared)}
    filled = re.sub(r"<<([^：<>]+)：[^<>]*>>", lambda m: fill[m.group(1)], packet.read_text(encoding="utf-8"))
    packet.write_text(filled, encoding="utf-8")
    spec, diagnostics = load_packet(packet)
    assert [str(d) for d in diagnostics.in_order()] == []
    assert spec.families == declared and spec.combined == "测试文字.pdf" and spec.duplex
    from docgen.input.yaml import _yaml

    schema = json.loads((ROOT / "schemas" / "packet.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(as_json(_yaml().load(filled)), schema)

    result = build_packet(packet, workdir / "out", jobs=1)
    assert result.exit_code == 0, [str(d) for d in result.diagnostics.in_order()]
    assert {p.name for p in (workdir / "out").iterdir()} >= {"01-housing.docx", "01-housing.pdf", "测试文字.pdf"}


def test_init_refuses_to_overwrite_and_advises_the_packet_name(workdir):
    from docgen.cli import app
    from typer.testing import CliRunner

    runner = CliRunner()
    (workdir / "packet.yaml").write_text("title: 已有\n", encoding="utf-8")
    again = runner.invoke(app, ["init", "packet", "packet.yaml"])
    assert again.exit_code == 2 and "文件已存在，不会覆盖：packet.yaml" in again.stderr
    assert (workdir / "packet.yaml").read_text(encoding="utf-8") == "title: 已有\n"
    # another name is written, with the advice that only packet.yaml is skipped as data
    other = runner.invoke(app, ["init", "packet", "2024.yaml"])
    assert other.exit_code == 0 and "命名为packet.yaml" in other.stderr
    assert (workdir / "2024.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    unknown = runner.invoke(app, ["init", "packets", "x.yaml"])
    assert unknown.exit_code == 64 and "“packets”不是可选的值" in unknown.stderr and not (workdir / "x.yaml").exists()


def test_the_draft_stamp_outlines_are_what_the_tool_makes(tmp_path):
    """templates/css/draft-stamp.svg is made by tools/make_draft_stamp.py from Noto Sans CJK SC."""
    import runpy

    tool = runpy.run_path(str(ROOT / "tools" / "make_draft_stamp.py"))
    assert tool["stamp_svg"]() == (ROOT / "templates" / "css" / "draft-stamp.svg").read_text(encoding="utf-8")


def test_lint_follows_an_optional_part_of_the_tree(tmp_path):
    """A declared table (``summary.table: TableDoc | None``) is checked as a TableDoc: before,
    an optional part let any attribute through."""
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "results-summary.html").write_text(
        '{% extends "base.html" %}\n{% block body %}\n'
        "{% if summary.table %}{% for r in summary.table.rowz %}{{ r }}{% endfor %}"
        "{% for h in summary.table.header_rows %}{% for c in h %}{{ c.txt }}{% endfor %}{% endfor %}{% endif %}\n"
        "{% endblock %}\n", encoding="utf-8")
    found = [str(f) for f in lint(TemplateSet(folder)) if "两种格式" not in str(f)]  # a stub: it prints little
    html = folder / "results-summary.html"
    assert found == [
        f"{html}:3: “TableDoc”没有“rowz”；可用：header_rows、rows、total、total_cells、widths_mm、widths_pct、notes",
        f"{html}:3: “HeaderCell”没有“txt”；可用：text、colspan、rowspan",
    ]


def test_schema_for_a_packet_knows_its_custom_fields(tmp_path):
    """Issue 15: ``docgen schema --packet`` writes schemas whose project ``fields:`` are the
    packet's declared custom fields: the county sample's projects fit, a wrong choice, an
    undeclared field and a missing required one do not."""
    from typer.testing import CliRunner

    from docgen.cli.app import app
    from docgen.input.yaml import read_yaml
    from docgen.diagnostics import Diagnostics

    packet = SAMPLES / "qinghe-county-2024" / "packet.yaml"
    result = CliRunner().invoke(app, ["schema", "--packet", str(packet), "-o", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    schema = json.loads((tmp_path / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    data = read_yaml(packet.parent / "projects.yaml", "projects.yaml", Diagnostics())
    jsonschema.validate(data, schema)
    project = data["projects"][0]
    for fields in ({**project["fields"], "评价类型": "政策类"}, {**project["fields"], "资金渠道": "x"},
                   {k: v for k, v in project["fields"].items() if k != "批次"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"projects": [{**project, "fields": fields}]}, schema)
    # without a packet, fields stay free-form (the repository's schemas/)
    plain = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate({"projects": [{**project, "fields": {"资金渠道": "x"}}]}, plain)
