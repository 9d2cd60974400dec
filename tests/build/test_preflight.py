"""docgen build runs the preflight (docgen check) on what it built: findings in the summary
and in manifest.json, kept for files that are up to date (issue 14)."""

from __future__ import annotations

import json
import shutil

import pytest

from typer.testing import CliRunner

from docgen.build import build_packet
from docgen.cli import app

from conftest import SAMPLES

#: A result sheet whose text runs off the right edge of the page.
OFF_THE_PAGE = ('{% extends "base.html" %}{% block body %}'
                '<p style="margin-left: 180mm; white-space: nowrap">{{ sheet.name }}超出页面右边界</p>'
                '{% endblock %}')


def _packet(tmp_path, template: str | None, projects: tuple[str, ...] = ("01-housing.yaml",),
            combined: str | None = None):
    """A packet of jiyuan's publisher and ``projects`` in PDF and DOCX, with ``template`` as
    the result sheet's HTML when given, and the combined PDF ``combined`` when given."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("publisher.yaml", *projects):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    lines = ["title: 测试", "formats: [pdf, docx]", f"combined: {combined or 'false'}"]
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


# ---------------------------------------------------------------------------------------------
# The preflight where each file is written: PDFs in their tasks, the combined PDF's pages taken
# from its documents' checks, DOCX with their PDF's 目录 as that check read it.


def _two_sheets(tmp_path, template: str | None = OFF_THE_PAGE, combined: bool = True):
    return _packet(tmp_path, template, ("01-housing.yaml", "02-emergency.yaml"), "合并.pdf" if combined else None)


def _as_checked(out) -> dict[str, list[dict]]:
    """``docgen check`` over the folder, each file's findings as the manifest keeps them."""
    from pathlib import Path

    from docgen.check import check_paths

    found: dict[str, list[dict]] = {}
    for finding in check_paths([out]).findings:
        entry = finding.as_dict()
        found.setdefault(Path(entry.pop("document")).name, []).append(entry)
    return found


def test_the_build_finds_what_docgen_check_finds_in_every_file(tmp_path):
    """Checked in their tasks, the combined PDF's document pages taken from their documents'
    checks (the second document's from its packet edition's): the findings are those of
    docgen check reading every file whole."""
    out = tmp_path / "out"
    result = build_packet(_two_sheets(tmp_path), out, jobs=2)
    assert result.exit_code == 0 and "合并.pdf" in result.built
    assert result.preflight == _as_checked(out)
    combined = [f for f in result.preflight["合并.pdf"] if f["rule"] == "text-clipped"]
    assert [f["page"] for f in combined] == [3, 5]  # the 目录 and its verso, then each sheet's first page
    assert list((out / ".docgen" / "editions").glob("edition-*.json"))  # the edition checked where laid out


@pytest.mark.parametrize("template", [OFF_THE_PAGE, None], ids=["defects", "sample"])
def test_the_combined_pdf_check_equals_the_page_by_page_check(tmp_path, monkeypatch, template):
    """Findings on the documents' pages; a draft among the documents (the stamp expected on its
    pages only); a record missing (then the file is read page by page): the same findings as
    the page-by-page check either way."""
    from pathlib import Path

    from docgen.build import preflight
    from docgen.check import check_pdf
    from docgen.check.stamps import combined_draft_pages

    calls = []
    original = preflight.check_combined
    monkeypatch.setattr(preflight, "check_combined", lambda *args: calls.append(args) or original(*args))
    out = tmp_path / "out"
    build_packet(_two_sheets(tmp_path, template), out, jobs=1)
    [(path, titles, sources)] = calls
    assert len(sources) == 2 and all(Path(r).is_file() for _, r in sources)

    def page_by_page(titles):
        pages = combined_draft_pages(Path(path), titles) if any(titles.values()) else set()
        found = check_pdf(Path(path), pages)
        return [{k: v for k, v in f.as_dict().items() if k != "document"} for f in found]

    import docgen.check

    whole = []  # the combined PDF checked page by page
    monkeypatch.setattr(docgen.check, "check_pdf", lambda *a, **k: whole.append(1) or check_pdf(*a, **k))
    found = original(path, titles, sources)
    assert found == page_by_page(titles) and bool(found) == (template is not None) and whole == []
    if template is None:  # the sample's titles: one per sheet
        draft = {**titles, list(titles)[1]: True}  # the second sheet as a draft: its pages lack the stamp
        found = original(path, draft, sources)
        assert found == page_by_page(draft) and [f["page"] for f in found] == [5, 6] and whole == []
        titles = draft
        # had the first sheet's last table an open cell at its foot, and the second's first table
        # the same edges, the table would run on across the join: checked page by page
        first, second = (Path(r) for _, r in sources)
        kept = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
        one, two = json.loads(kept[0]), json.loads(kept[1])
        one["joins"][1], two["joins"][0] = [50.0, 500.0, True, False], [50.0, 500.0, False]
        first.write_text(json.dumps(one), encoding="utf-8")
        second.write_text(json.dumps(two), encoding="utf-8")
        assert original(path, titles, sources) == found and whole == [1]
        first.write_text(kept[0], encoding="utf-8")
        second.write_text(kept[1], encoding="utf-8")
    Path(sources[1][1]).unlink()
    assert original(path, titles, sources) == found and len(whole) == (2 if template is None else 1)


def test_a_docx_is_checked_with_its_pdfs_contents_as_its_check_read_them(tmp_path, monkeypatch):
    """The DOCX's 目录 is compared with its PDF's entries carried back from the PDF's check: the
    build does not read the PDF again (docgen check's check_docx_file would)."""
    import docgen.check

    def reads_the_pdf(*args, **kwargs):
        raise AssertionError("the PDF was read again")

    monkeypatch.setattr(docgen.check, "check_docx_file", reads_the_pdf)
    result = build_packet(_two_sheets(tmp_path, None, combined=False), tmp_path / "out", jobs=1)
    assert result.exit_code == 0 and len(result.built) == 4
    assert result.preflight == {}
