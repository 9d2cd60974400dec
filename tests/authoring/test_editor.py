"""What the editor shows (issue 17 item 5): the real YAML language server (npm's
``yaml-language-server``, the one VS Code's YAML extension runs), driven over stdio as an
editor drives it, on files whose first line names docgen's schema: a typo and a score of
108.5 flagged at their lines, a whole project offered at an empty file, fields offered at a
new key without a ``null`` put in, and hover text in Chinese."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT

import lsp

pytestmark = pytest.mark.skipif(not lsp.available(), reason="yaml-language-server not installed (make install)")

HEAD = f"# yaml-language-server: $schema={(ROOT / 'schemas' / 'project.schema.json').as_uri()}\n"
PROJECT = HEAD + """name: 测试项目
implementing_units: [某单位]
evaluation_year: 2023
overview:
  - 概况
score: 86.5
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("editor")
    ls = lsp.LanguageServer(root)
    yield ls, root
    ls.close()


def _open(server, name: str, text: str):
    ls, root = server
    path = root / name
    path.write_text(text, encoding="utf-8")
    return ls, path, ls.open(path)


def test_a_good_project_has_no_diagnostics(server):
    _, _, found = _open(server, "good.yaml", PROJECT)
    assert found == []


def test_a_typo_and_a_score_out_of_range_are_flagged_at_their_lines(server):
    _, _, found = _open(server, "bad.yaml", PROJECT.replace("score: 86.5", "score: 108.5\nscroe: 1")
                        .replace("evaluation_year: 2023", "evaluation_year: 1800"))
    by_line = {d["range"]["start"]["line"]: d["message"] for d in found}
    # 0-based lines: the $schema line is 0; evaluation_year 1800 is 3, score 108.5 is 6, scroe is 7
    assert sorted(by_line) == [3, 6, 7], found
    # in Chinese, as an editor set to Chinese shows them
    assert by_line[3] == "值低于最小值 1949。" and by_line[6] == "值高于最大值 100。"
    assert by_line[7] == "属性 scroe 不被允许。"


def test_what_docgen_accepts_the_editor_accepts(server):
    """Full-width digits, amounts with their unit, grades as written, dates in Chinese."""
    _, _, found = _open(server, "loose.yaml", PROJECT.replace("score: 86.5", 'score: "８６.５"\ngrade: 良好')
                        + 'expenditure: "120万元"\nexecution_rate: "90.29%"\nproblems: 一个问题\n')
    assert found == []


def test_completion_offers_fields_with_chinese_titles_and_no_null(server):
    ls, path, _ = _open(server, "new.yaml", PROJECT + "\n")
    items = ls.completion(path, 7, 0)
    labels = {i["label"]: i for i in items}
    assert {"problems", "rectification", "grade", "expenditure"} <= set(labels)
    inserted = " ".join(str(i.get("insertText", "")) for i in items)
    assert "null" not in inserted
    assert "优、良、中、差" in str(labels["grade"].get("documentation", ""))  # the field's description
    assert "编号自动生成" in str(labels["problems"].get("documentation", ""))


def test_an_empty_file_is_offered_a_whole_project(server):
    ls, path, _ = _open(server, "empty.yaml", HEAD + "\n")
    items = ls.completion(path, 1, 0)
    snippets = [i for i in items if "name:" in str(i.get("insertText", "")) and "score:" in str(i.get("insertText", ""))]
    assert snippets, [i["label"] for i in items]


def test_hover_explains_a_field_in_chinese(server):
    ls, path, _ = _open(server, "hover.yaml", PROJECT)
    text = ls.hover(path, 6, 1)  # on "score"
    assert "评价得分" in text and "0到100" in text
