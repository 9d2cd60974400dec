"""The build's journal (docgen.build.journal): what a stopped build wrote, laid over the manifest."""

from __future__ import annotations

import json
import os

import pytest

from docgen.build.journal import Journal, fold

OLD = {"title": "t", "documents": [
    {"family": "result-sheet", "stem": "a", "outputs": [
        {"file": "a.docx", "format": "docx", "sha256": "1" * 64, "bytes": 10, "inputs_sha256": "k1"},
        {"file": "a.pdf", "format": "pdf", "sha256": "2" * 64, "bytes": 20, "inputs_sha256": "k2"}]}],
    "combined": None}


def test_a_written_output_replaces_its_format_only_and_new_documents_are_added(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.output("result-sheet", "a", {"file": "a.docx", "format": "docx", "sha256": "3" * 64, "bytes": 11,
                                         "inputs_sha256": "k3", "preflight": []}, title="甲")
    journal.output("result-sheet", "b", {"file": "b.docx", "format": "docx", "sha256": "4" * 64, "bytes": 12,
                                         "inputs_sha256": None})
    journal.combined({"file": "all.pdf", "sha256": "5" * 64, "bytes": 30, "pages": 2})
    journal.close()
    folded = fold(OLD, journal.path)
    a, b = folded["documents"]
    assert a["title"] == "甲"
    assert {o["format"]: o["sha256"][0] for o in a["outputs"]} == {"docx": "3", "pdf": "2"}
    assert b == {"family": "result-sheet", "stem": "b", "outputs": [
        {"file": "b.docx", "format": "docx", "sha256": "4" * 64, "bytes": 12, "inputs_sha256": None}]}
    assert folded["combined"]["file"] == "all.pdf"
    assert OLD["documents"][0]["outputs"][0]["sha256"] == "1" * 64  # the manifest as read is not changed
    journal.clear()
    assert not journal.path.exists() and fold(OLD, journal.path) == OLD


def test_a_torn_or_malformed_line_is_skipped(tmp_path):
    path = tmp_path / "journal.jsonl"
    good = {"family": "result-sheet", "stem": "a",
            "output": {"file": "a.docx", "format": "docx", "sha256": "9" * 64, "bytes": 1}}
    path.write_text("\n".join([
        json.dumps(good), "[1, 2]", json.dumps({**good, "output": {"file": 3}}),
        json.dumps({"family": None, "stem": "x", "output": good["output"]}), '{"family": "result-sh',
    ]), encoding="utf-8")
    [doc] = fold(OLD, path)["documents"]
    assert [o["sha256"][0] for o in doc["outputs"]] == ["2", "9"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_journal_planted_as_a_link_is_neither_read_nor_written(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(json.dumps({"family": "result-sheet", "stem": "z", "output": {
        "file": "z.docx", "format": "docx", "sha256": "0" * 64, "bytes": 1}}) + "\n", encoding="utf-8")
    link = tmp_path / "journal.jsonl"
    link.symlink_to(elsewhere)
    assert fold(OLD, link) == OLD
    journal = Journal(link)
    journal.combined({"file": "all.pdf", "sha256": "5" * 64, "bytes": 30})
    journal.clear()
    assert link.is_symlink() and elsewhere.read_text(encoding="utf-8").count("\n") == 1
