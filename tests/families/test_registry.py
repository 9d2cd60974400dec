"""The family registry: the only list of families; a new family is one registry line, its own
model and context module, its templates and its tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as WordDocument

from docgen import families
from docgen.families import Block, FamilySpec

from conftest import ROOT, docx_text, pdf_text
from helpers import Format, render

MEMO = FamilySpec("memo", "备忘录", Block("memo", "tiny_family:Memo", "备忘录"), "memo", "tiny_family:MemoDoc",
                  "tiny_family:documents", "batch", uses_projects=False)


@pytest.fixture
def memo_family():
    unregister = families.register(MEMO)
    yield MEMO
    unregister()


@pytest.fixture
def memo_templates(tmp_path) -> Path:
    """A template set with only the new family's two templates (the rest falls back)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "memo.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ memo.title }}{% endblock %}'
        '{% block body %}<h1>{{ memo.title }}</h1>{% for line in memo.lines %}<p>{{ line }}</p>{% endfor %}'
        '<p>{{ memo.count }}</p>{% endblock %}', encoding="utf-8")
    doc = WordDocument()
    doc.add_paragraph("{{ memo.title }}")
    doc.add_paragraph("{%p for line in memo.lines %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{ memo.count }}")
    doc.save(str(folder / "memo.docx"))
    return folder


def test_no_other_module_lists_the_families():
    """No module but the registry lists families: each other module names at most one (a
    family's own context module its own name; the benchmark the one-page result sheet it times)."""
    for path in (ROOT / "docgen").rglob("*.py"):
        if path.name == "families.py":
            continue
        text = path.read_text(encoding="utf-8")
        named = [name for name in families.names() if f'"{name}"' in text or f"'{name}'" in text]
        assert len(named) <= 1, f"{path.relative_to(ROOT)} names {named}: derive it from docgen.families"
        if path.parent.name == "contexts" and named:
            assert named == [path.stem.replace("_", "-")], path


def test_a_registered_family_is_read_checked_and_rendered(memo_family, memo_templates, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "memo.yaml").write_text('memo:\n  title: "关于A&B <预算> 的备忘"\n  lines: ["第一条", "第二条"]\n',
                                    encoding="utf-8")
    from docgen.input import load_dataset

    loaded = load_dataset([data])
    assert loaded.families == ["memo"] and not loaded.diagnostics.errors
    rendered = render(None, [data], tmp_path / "out", Format.ALL, templates=memo_templates)
    assert sorted(p.name for p in rendered.written) == ["memo.docx", "memo.pdf"]
    for text in (docx_text(tmp_path / "out" / "memo.docx"), pdf_text(tmp_path / "out" / "memo.pdf")):
        assert "关于A&B<预算>的备忘" in text and "第一条" in text and "共2条" in text


def test_a_registered_familys_block_is_validated_with_file_and_line(memo_family, tmp_path):
    (tmp_path / "memo.yaml").write_text("memo:\n  title: 标题\n  lenes: [x]\n", encoding="utf-8")
    from docgen.input import load_dataset

    [error] = load_dataset([tmp_path]).diagnostics.errors
    assert (error.line, error.loc) == (3, ("memo", "lenes")) and "是否应为“lines”" in error.message


def test_the_registry_feeds_schema_lint_and_choices(memo_family, memo_templates):
    from docgen.authoring.lint import lint
    from docgen.authoring.schema import schema_for
    from docgen.render import TemplateSet

    assert "memo" in schema_for("batch")["properties"]
    assert "memo" in families.family_enum().__members__.values()
    assert families.family_enum()("memo").name == "MEMO"
    findings = lint(TemplateSet(memo_templates))
    assert not [f for f in findings if "memo" in str(f) and "错误" in str(f)], findings
    # a template that names what the tree does not hold is found in the new family too
    (memo_templates / "memo.html").write_text('{% extends "base.html" %}{% block body %}{{ memo.titel }}'
                                              '{% endblock %}', encoding="utf-8")
    assert any("titel" in str(f) for f in lint(TemplateSet(memo_templates)))


def test_unregistering_restores_the_registry(memo_family):
    assert "memo" in families.names()
    from docgen.input import data_file_model

    assert "memo" in data_file_model().model_fields


def test_registry_without_the_tiny_family():
    from docgen.input import data_file_model

    assert "memo" not in families.names() and "memo" not in data_file_model().model_fields


@pytest.mark.parametrize("name", families.names())
def test_every_registered_family_renders_its_sample(name, family_samples, tmp_path):
    """Each family, found in the registry, renders from a sample that declares it: one or more
    DOCX that python-docx reads and PDFs with pages, through ``docgen render``'s pipeline."""
    from pypdf import PdfReader

    rendered = render(families.family_enum()(name), [family_samples[name]], tmp_path, Format.ALL,
                      allow_errors=True)
    assert rendered.result.exit_code == 0, rendered.result.failed
    docx = [p for p in rendered.written if p.suffix == ".docx"]
    pdf = [p for p in rendered.written if p.suffix == ".pdf"]
    assert docx and len(docx) == len(pdf)
    for path in docx:
        assert docx_text(path)
    for path in pdf:
        assert len(PdfReader(str(path)).pages) >= 1 and pdf_text(path)
