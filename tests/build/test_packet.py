"""docgen build: packets built incrementally, in parallel, atomically and reproducibly.

Most tests build DOCX only (a twentieth of a PDF's time); PDFs only where the PDF itself
is the point (worker processes, byte identity, the combined PDF, a killed build).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from docgen import families
from docgen.build import build_packet
from docgen.build.keys import canonical, context_hash, sha256_file
from docgen.build.executor import make_executor
from docgen.cli import app

from conftest import ROOT, SAMPLES, assert_every_glyph_drawn, docx_text, needs_poppler, pdf_text, squash

JIYUAN = SAMPLES / "jiyuan-2023"
PROJECTS = sorted(p.name for p in JIYUAN.glob("0*.yaml"))


def make_data(folder: Path, projects: list[str] = PROJECTS, table: bool = False) -> Path:
    """A copy of the jiyuan-2023 data (some projects), optionally with a detail table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ["publisher.yaml", *projects]:
        shutil.copy(JIYUAN / name, folder / name)
    if table:
        (folder / "table.yaml").write_text('detail_table:\n  title: "测试明细表"\n', encoding="utf-8")
    return folder


def write_packet(folder: Path, text: str = "", **fields) -> Path:
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in {"title": "测试公开包", **fields}.items()]
    path = folder / "packet.yaml"
    path.write_text("\n".join(lines) + "\n" + text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_score(path: Path, score: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^score: .*$", f"score: {score}", text, count=1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the packet file


def test_packet_mistakes_are_listed_at_once_with_file_line_and_field(workdir):
    make_data(workdir / "data", PROJECTS[:1])
    (workdir / "data" / "packet.yaml").write_text(
        "title: 测试\n"
        "inputs: [., 缺少的目录]\n"
        "documents: [result-sheets]\n"
        "formatz: [docx]\n"
        "combined: 合并.docx\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["build", "data/packet.yaml", "-o", "out"])
    assert result.exit_code == 2
    err = result.stderr
    assert "data/packet.yaml:2: inputs[1]: 找不到输入“缺少的目录”" in err
    assert "data/packet.yaml:3: documents[0]: 未知的文档类型“result-sheets”，是否应为“result-sheet”？" in err
    assert "data/packet.yaml:4: formatz: 未知字段“formatz”，是否应为“formats”？" in err
    assert "data/packet.yaml:5: combined: 合并PDF的文件名应以.pdf结尾" in err
    assert "Traceback" not in result.output + err
    assert not (workdir / "out" / "manifest.json").exists()


def test_a_folder_packet_file_is_not_data(workdir):
    """``docgen validate``/``render`` on a sample folder skip its packet.yaml."""
    from docgen.input import load_dataset

    data = load_dataset([JIYUAN])
    assert not data.diagnostics.errors
    assert len(data.projects) == len(PROJECTS)


def test_every_sample_has_a_packet_that_names_existing_families():
    from docgen.build import load_packet

    for sample in ("jiyuan-2023", "shuozhou-edz-2024", "shangdang-2022"):
        spec, diagnostics = load_packet(SAMPLES / sample / "packet.yaml")
        assert spec is not None, [str(d) for d in diagnostics]
        assert spec.formats == ["docx", "pdf"] and spec.combined
        assert all(f in families.names() for f in spec.families or [])


# --------------------------------------------------------------------------- incremental


def test_second_build_rebuilds_nothing(workdir):
    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    first = build_packet(packet, out, jobs=1)
    assert first.exit_code == 0 and sorted(first.built) == sorted(f"{p[:-5]}.docx" for p in PROJECTS)
    before = mtimes(out)

    again = build_packet(packet, out, jobs=1)
    assert again.unchanged and again.built == [] and len(again.up_to_date) == len(PROJECTS)

    # a comment changes the bytes of a file but no document: the data is read, nothing is built
    edit(data / PROJECTS[0], "object_type:", "# 改了一行注释\nobject_type:")
    third = build_packet(packet, out, jobs=1)
    assert not third.unchanged and third.built == [] and len(third.up_to_date) == len(PROJECTS)
    assert {k: v for k, v in mtimes(out).items() if k.endswith(".docx")} == {
        k: v for k, v in before.items() if k.endswith(".docx")}

    runner = CliRunner()
    result = runner.invoke(app, ["build", str(packet), "-o", str(out)])
    assert result.exit_code == 0
    assert f"{len(PROJECTS)} 个文件都是最新的，无需生成" in result.stdout
    assert "生成 0 个" in result.stdout


def test_one_edit_rebuilds_exactly_what_prints_it(workdir):
    data = make_data(workdir / "data", table=True)
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    assert len(manifest(out)["documents"]) == len(PROJECTS) + 1

    # the overview is printed on the sheet only
    edit(data / "03-nano-park.yaml", "overview:\n  - \"", "overview:\n  - \"（补充）")
    assert build_packet(packet, out, jobs=1).built == ["03-nano-park.docx"]
    assert "（补充）" in docx_text(out / "03-nano-park.docx")

    # the score is printed on the sheet and in the detail table
    set_score(data / "03-nano-park.yaml", "85.5")  # still 良
    result = build_packet(packet, out, jobs=1)
    assert sorted(result.built) == ["03-nano-park.docx", "detail-table.docx"]
    assert "85.50" in docx_text(out / "detail-table.docx")
    assert "85.50" in docx_text(out / "03-nano-park.docx")

    # the publisher's area is printed on every sheet, not in the table
    edit(data / "publisher.yaml", "area: 济源示范区", "area: 济源产城融合示范区")
    result = build_packet(packet, out, jobs=1)
    assert sorted(result.built) == sorted(f"{p[:-5]}.docx" for p in PROJECTS)


def test_template_changes_rebuild_the_outputs_that_read_them(workdir):
    data = make_data(workdir / "data", PROJECTS[:2])
    templates = workdir / "templates"
    shutil.copytree(ROOT / "templates", templates)
    packet = write_packet(data, formats=["docx"], templates="../templates")
    out = workdir / "out"
    assert len(build_packet(packet, out, jobs=1).built) == 2
    (templates / "css" / "result-sheet.css").write_text("/* PDF only */\n", encoding="utf-8")
    assert build_packet(packet, out, jobs=1).built == []
    with zipfile.ZipFile(templates / "result-sheet.docx", "a") as z:
        z.writestr("docProps/custom-note.txt", "changed")
    assert sorted(build_packet(packet, out, jobs=1).built) == ["01-housing.docx", "02-emergency.docx"]


def test_force_rebuilds_everything_and_removed_sources_are_removed(workdir):
    data = make_data(workdir / "data", PROJECTS[:3])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    build_packet(packet, out, jobs=1)
    assert len(build_packet(packet, out, jobs=1, force=True).built) == 3

    (data / PROJECTS[2]).unlink()
    (out / "notes.txt").write_text("not docgen's", encoding="utf-8")
    result = build_packet(packet, out, jobs=1)
    stem = PROJECTS[2][:-5]
    assert result.removed == [f"{stem}.docx"] and result.built == []
    assert not (out / f"{stem}.docx").exists() and (out / "notes.txt").exists()
    assert [d["stem"] for d in manifest(out)["documents"]] == [p[:-5] for p in PROJECTS[:2]]

    output = CliRunner().invoke(app, ["build", str(packet), "-o", str(out)]).stdout
    assert "删除 0 个" in output


def test_manifest_lists_every_output_with_its_key_and_bytes(workdir):
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    build_packet(packet, out, jobs=1)
    m = manifest(out)
    assert m["title"] == "测试公开包"
    for doc in m["documents"]:
        assert doc["family"] == "result-sheet"
        [o] = doc["outputs"]
        assert len(o["inputs_sha256"]) == 64
        path = out / o["file"]
        assert o["sha256"] == sha256_file(path) and o["bytes"] == path.stat().st_size


# --------------------------------------------------------------------------- failures are isolated


def test_bad_data_fails_only_the_documents_that_print_it(workdir):
    data = make_data(workdir / "data", table=True)
    set_score(data / "02-emergency.yaml", "95")  # its grade 良 no longer fits
    set_score(data / "03-nano-park.yaml", "108.5")  # not a score: the project is not loaded
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    result = build_packet(packet, out, jobs=1)
    assert result.exit_code == 2
    built = {p[:-5] for p in PROJECTS} - {"02-emergency", "03-nano-park"}
    assert sorted(result.built) == sorted(f"{s}.docx" for s in built)
    failed = " ".join(f"{f.what} {f.cause}" for f in result.failed)
    assert "result-sheet 02-emergency" in failed and "评价等级“良”与评分95.00不符" in failed
    assert "03-nano-park.yaml中的评价对象" in failed and "评分应在0到100之间" in failed
    assert "detail-table detail-table" in failed  # it lists every project
    assert not (out / "detail-table.docx").exists()

    cli = CliRunner().invoke(app, ["build", str(packet), "-o", str(out)])
    assert cli.exit_code == 2 and "未能生成" in cli.stderr and "02-emergency.yaml:12: grade:" in cli.stderr


def test_allow_errors_builds_drafts_of_what_is_complete(workdir):
    data = make_data(workdir / "data", table=True)
    set_score(data / "02-emergency.yaml", "95")  # wrong grade: a draft
    set_score(data / "03-nano-park.yaml", "108.5")  # not loaded: the table would miss a row
    packet = write_packet(data, formats=["docx"], allow_errors=True)
    out = workdir / "out"
    result = build_packet(packet, out, jobs=1)
    assert result.drafts == ["result-sheet 02-emergency"]
    assert "02-emergency.docx" in result.built and "01-housing.docx" in result.built
    drafts = {d["stem"] for d in manifest(out)["documents"] if d.get("draft")}
    assert drafts == {"02-emergency"}  # its templates receive draft=true
    assert [f.what for f in result.failed] == [
        "data/03-nano-park.yaml中的评价对象", "detail-table detail-table（docx）"]
    assert result.exit_code == 2


def test_an_unreadable_project_file_fails_only_the_documents_listing_every_project(workdir):
    data = make_data(workdir / "data", table=True)
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    edit(data / "03-nano-park.yaml", "object_type: ", "object_type: [")  # a YAML syntax error
    edit(data / "01-housing.yaml", "overview:\n  - \"", "overview:\n  - \"（补充）")
    result = build_packet(packet, out, jobs=1)
    assert result.exit_code == 2
    assert result.built == ["01-housing.docx"]  # the other sheets are unaffected
    assert [f.what for f in result.failed] == [
        "data/03-nano-park.yaml中的评价对象", "detail-table detail-table（docx）"]
    assert (out / "03-nano-park.docx").exists()  # not deleted while the data has errors
    stale = manifest(out)["stale"]
    assert [o["file"] for o in stale] == ["03-nano-park.docx"] and stale[0]["current"] is False


def test_a_project_fixed_after_it_could_not_be_read_gets_its_sheet_back(workdir):
    """The sheet kept while its project could not be read is docgen's own file: once the
    project is read again the sheet is made again over it (it was refused as a file docgen
    did not write)."""
    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    sheet = (out / "03-nano-park.docx").read_bytes()
    set_score(data / "03-nano-park.yaml", "108.5")  # out of range: the project is not read
    assert build_packet(packet, out, jobs=1).exit_code == 2
    assert [o["file"] for o in manifest(out)["stale"]] == ["03-nano-park.docx"]
    set_score(data / "03-nano-park.yaml", "82.18")  # as it was
    again = build_packet(packet, out, jobs=1)
    assert again.exit_code == 0 and not again.failed and again.built == ["03-nano-park.docx"]
    assert (out / "03-nano-park.docx").read_bytes() == sheet and "stale" not in manifest(out)
    set_score(data / "03-nano-park.yaml", "108.5")
    build_packet(packet, out, jobs=1)
    set_score(data / "03-nano-park.yaml", "83.5")  # another score, the same grade
    fixed = build_packet(packet, out, jobs=1)
    assert fixed.exit_code == 0 and fixed.built == ["03-nano-park.docx"] and not fixed.failed
    assert "83.5" in docx_text(out / "03-nano-park.docx")


@pytest.mark.parametrize("damage", ["deleted", "not JSON"])
def test_a_manifest_deleted_or_damaged_is_written_again(workdir, damage):
    """Nothing else changed, so the stamp holds: the build still is not up to date without
    the manifest that lists its files (it said 无需生成 and wrote none)."""
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    build_packet(packet, out, jobs=1)
    first, sheet = manifest(out), (out / "01-housing.docx").read_bytes()
    if damage == "deleted":
        (out / "manifest.json").unlink()
    else:
        (out / "manifest.json").write_text("{", encoding="utf-8")
    again = build_packet(packet, out, jobs=1)
    assert not again.unchanged and again.exit_code == 0 and not again.failed
    assert manifest(out) == first and (out / "01-housing.docx").read_bytes() == sheet
    assert build_packet(packet, out, jobs=1).unchanged


def test_a_sheet_kept_while_the_data_had_errors_goes_once_they_are_fixed(workdir):
    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    build_packet(packet, out, jobs=1)
    (data / "03-nano-park.yaml").unlink()
    set_score(data / "01-housing.yaml", "108.5")
    build_packet(packet, out, jobs=1)
    assert (out / "03-nano-park.docx").exists()  # not deleted while the data has errors
    set_score(data / "01-housing.yaml", "85")  # the grade as entered
    fixed = build_packet(packet, out, jobs=1)
    assert fixed.exit_code == 0 and fixed.removed == ["03-nano-park.docx"]
    assert not (out / "03-nano-park.docx").exists()


@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn"])
def test_a_template_error_fails_one_document_in_a_worker(workdir, start_method):
    """A document whose rendering raises (here: its template meets a field that does not
    exist) is reported with the template's message; the other documents are built."""
    data = make_data(workdir / "data", PROJECTS[:3])
    templates = workdir / "templates"
    shutil.copytree(ROOT / "templates", templates)
    html = templates / "result-sheet.html"
    html.write_text(html.read_text(encoding="utf-8").replace(
        "{{ sheet.name }}</td>",
        "{{ sheet.name }}{% if '应急' in sheet.name %}{{ sheet.no_such_field }}{% endif %}</td>"),
        encoding="utf-8")
    packet = write_packet(data, formats=["pdf"], templates="../templates", combined=False)
    out = workdir / "out"
    result = build_packet(packet, out, jobs=2, start_method=start_method)
    assert result.exit_code == 1
    assert sorted(result.built) == ["01-housing.pdf", "03-nano-park.pdf"]
    [failure] = result.failed
    assert failure.what == "result-sheet 02-emergency.pdf" and "no_such_field" in failure.cause
    assert "2022年度住建局部门整体评价" in pdf_text(out / "01-housing.pdf")


# not forkserver: its workers have the environment of a server started by an earlier test
# (test_executor covers a dead worker of a fork server)
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_crashed_worker_fails_only_its_document(workdir, monkeypatch, start_method):
    """A worker that dies (segfault, kill -9) fails the document it was rendering; a new
    worker takes the rest."""
    import docgen.build.schedule as schedule
    import helpers

    monkeypatch.setenv("DOCGEN_TEST_CRASH", "02-emergency.pdf")  # workers of both start methods see it
    monkeypatch.setattr(schedule, "run_task", helpers.crashing_run_task)
    data = make_data(workdir / "data", PROJECTS[:4])
    packet = write_packet(data, formats=["pdf"], combined=False)
    out = workdir / "out"
    result = build_packet(packet, out, jobs=2, start_method=start_method)
    assert result.exit_code == 1
    assert sorted(result.built) == ["01-housing.pdf", "03-nano-park.pdf", "04-public-health.pdf"]
    [failure] = result.failed
    assert failure.what == "result-sheet 02-emergency.pdf" and "工作进程意外退出" in failure.cause
    for name in result.built:
        assert (out / name).read_bytes().startswith(b"%PDF-1.7 fake")


# --------------------------------------------------------------------------- reproducible, combined


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The same two-project packet (DOCX, PDF, combined PDF) built in two folders, once in
    worker processes and once in this process."""
    outs = []
    for i, (jobs, start_method) in enumerate(((2, "spawn"), (1, None))):
        root = tmp_path_factory.mktemp(f"copy{i}")
        data = make_data(root / "某地" / "数据", PROJECTS[:2], table=True)
        packet = write_packet(data, date="2024-03-31", formats="all", combined="合并.pdf")
        result = build_packet(packet, root / "out", jobs=jobs, start_method=start_method)
        assert result.exit_code == 0, result.failed
        assert len(result.built) == 7
        outs.append(root / "out")
    return outs


def test_builds_in_different_folders_are_byte_identical(two_builds):
    a, b = two_builds
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    assert names == sorted(p.name for p in b.iterdir() if p.is_file())
    assert {"01-housing.docx", "01-housing.pdf", "detail-table.pdf", "合并.pdf", "manifest.json"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_combined_pdf_is_current_again_once_the_data_is_fixed(workdir):
    """A data error keeps the earlier combined PDF, listed as not current; undoing the error
    makes it current again (its key is the earlier one: it is not rebuilt, but no longer stale)."""
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["pdf"], combined="all.pdf")
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    first = manifest(out)
    good = (data / PROJECTS[1]).read_text(encoding="utf-8")
    set_score(data / PROJECTS[1], "108.5")
    assert build_packet(packet, out, jobs=1).exit_code == 2
    assert manifest(out)["combined"]["current"] is False
    (data / PROJECTS[1]).write_text(good, encoding="utf-8")
    result = build_packet(packet, out, jobs=1)
    assert result.exit_code == 0 and "all.pdf" in result.up_to_date
    assert manifest(out) == first


def test_dates_come_from_the_packet_not_the_clock(two_builds):
    out = two_builds[0]
    core = zipfile.ZipFile(out / "01-housing.docx").read("docProps/core.xml").decode()
    assert "2024-03-31T00:00:00Z" in core
    for name in ("01-housing.pdf", "合并.pdf"):
        info = PdfReader(str(out / name)).metadata
        assert info["/CreationDate"].startswith("D:20240331") and info["/ModDate"].startswith("D:20240331")


def test_the_combined_pdf_has_contents_and_bookmarks(two_builds):
    out = two_builds[0]
    combined = PdfReader(str(out / "合并.pdf"))
    parts = [PdfReader(str(out / n)) for n in ("01-housing.pdf", "02-emergency.pdf", "detail-table.pdf")]
    # the 目录, its blank verso (printed on both sides), the documents, each on a right-hand page
    assert [len(p.pages) for p in parts] == [2, 2, 3]
    assert len(combined.pages) == 2 + sum(len(p.pages) for p in parts)
    assert combined.pages[1].extract_text().strip() == ""
    assert combined.metadata.title == "测试公开包"
    assert combined.trailer["/ID"][0] == combined.trailer["/ID"][1]  # from the inputs, not random

    contents = squash(combined.pages[0].extract_text())
    assert "测试公开包" in contents and "目录" in contents
    assert "2022年度住建局部门整体评价" in contents and "测试明细表" in contents

    def titles(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title, combined.get_destination_page_number(item)

    outline = list(titles(combined.outline))
    sheet2 = 2 + len(parts[0].pages)
    assert (0, "目录", 0) in outline
    assert (0, "重大政策和重点项目预算绩效评价结果", 2) in outline
    assert (1, "2022年度应急局部门整体评价", sheet2) in outline
    assert (0, "测试明细表", sheet2 + len(parts[1].pages)) in outline

    # the 目录 entries jump to their pages, and cite the folios printed there (issue 14, defect 7)
    targets = {combined.get_page_number(a.get_object()["/Dest"][0].get_object())
               for a in combined.pages[0]["/Annots"]}
    assert targets == {2, sheet2, sheet2 + len(parts[1].pages)}
    cited = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", combined.pages[0].extract_text(), re.M)]
    assert cited == [1, 3, 5], cited
    for index, folio in ((2, 1), (sheet2, 3), (sheet2 + len(parts[1].pages), 5), (len(combined.pages) - 1, 7)):
        assert f"— {folio} —" in combined.pages[index].extract_text() or f"—{folio}—" in squash(
            combined.pages[index].extract_text()), (index, folio)


@needs_poppler
def test_the_combined_pdf_embeds_each_face_once_and_keeps_the_pages(two_builds):
    out = two_builds[0]
    names = ("01-housing.pdf", "02-emergency.pdf", "detail-table.pdf")

    def fonts(path):
        listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        return [line.split()[0] for line in listing.splitlines()[2:]]

    def pages(path):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
        return text.split("\f")[:-1]

    def unnumbered(text: str) -> str:  # a page without its folio: the packet numbers on
        return re.sub(r"—\s*\d+\s*—", "", text)

    combined = fonts(out / "合并.pdf")
    assert len(combined) == len(set(combined))  # one subset per face for the whole packet
    assert {f.split("+")[1] for f in combined} >= {f.split("+")[1] for n in names for f in fonts(out / n)}
    assert [unnumbered(p) for p in pages(out / "合并.pdf")[2:]] == [unnumbered(p) for n in names
                                                                   for p in pages(out / n)]
    assert_every_glyph_drawn(out / "合并.pdf")
    assert (out / "合并.pdf").stat().st_size < sum((out / n).stat().st_size for n in names)


@needs_poppler
def test_no_two_subsets_of_a_combined_pdf_share_a_name(tmp_path):
    """The report and the results summary each embed a subset of docgen Serif SC under the same
    tag; kept apart in the packet, they must not share a name (issue 14, defect 15): a viewer
    caching fonts by name would draw one with the other's glyphs."""
    result = build_packet(SAMPLES / "shuozhou-edz-2024" / "packet.yaml", tmp_path / "out", jobs=1)
    assert result.exit_code == 0, result.failed
    combined = tmp_path / "out" / "朔州经济开发区2024年度重点绩效评价.pdf"
    listing = subprocess.run(["pdffonts", str(combined)], check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:]]
    assert len(names) >= 4 and len(names) == len(set(names)), names
    assert_every_glyph_drawn(combined)


def test_context_hash_is_stable_and_follows_content():
    from decimal import Decimal

    from docgen.contexts.common import Paragraph, Section

    a = {"s": Section("项目概况", [Paragraph("甲", "1.")]), "n": Decimal("80.06"), "draft": False}
    b = {"draft": False, "n": Decimal("80.06"), "s": Section("项目概况", [Paragraph("甲", "1.")])}
    assert context_hash(a) == context_hash(b)
    assert context_hash(a) != context_hash({**a, "n": Decimal("80.07")})
    assert canonical(Paragraph("甲"))["@"] == "Paragraph"
    with pytest.raises(TypeError):
        canonical({"x": object()})


# --------------------------------------------------------------------------- interrupted


def test_a_killed_build_leaves_no_partial_file_and_the_next_build_finishes(workdir):
    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["pdf"], combined="all.pdf")
    out = workdir / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "docgen", "build", str(packet), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(out.glob("0*.pdf")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, as kill -9 would
    proc.wait()
    written = sorted(out.glob("*.pdf"))
    assert written and len(written) < len(PROJECTS)  # killed mid-way
    for pdf in written:  # every file under a real name is complete
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
        assert len(PdfReader(str(pdf)).pages) >= 1

    result = build_packet(packet, out, jobs=2)
    assert result.exit_code == 0, result.failed
    assert len(result.built) + len(result.up_to_date) == len(PROJECTS) + 1
    assert not list(out.glob(".*.tmp"))
    m = manifest(out)
    assert len(m["documents"]) == len(PROJECTS) and m["combined"]["file"] == "all.pdf"
    for doc in m["documents"]:
        [o] = doc["outputs"]
        assert sha256_file(out / o["file"]) == o["sha256"]
    assert build_packet(packet, out, jobs=2).unchanged


@pytest.mark.parametrize("stop", ["interrupt", "kill"])
def test_a_build_stopped_halfway_keeps_both_builds_files_as_its_own(workdir, monkeypatch, stop):
    """After a finished build, every output goes stale (the publisher changed) and the next
    build is stopped after three files: by Ctrl-C, or by kill -9 (no code of docgen runs).
    The build after it renders only what the stopped one had not reached; none of the files is
    taken for someone else's, and the manifest is as a build straight through would leave it."""
    import docgen.build.runner as runner

    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["docx"], combined=False)
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    edit(data / "publisher.yaml", "area: 济源示范区", "area: 济源产城融合示范区")

    finished, calls = runner.Build._finished, []

    def stop_after_three(self, task, res):
        if len(calls) == 3:
            if stop == "interrupt":
                raise KeyboardInterrupt
            monkeypatch.setattr(runner, "write_json", lambda *a: None)  # nothing more reaches the disk
            raise SystemExit("killed")
        calls.append(task.label)
        return finished(self, task, res)

    monkeypatch.setattr(runner.Build, "_finished", stop_after_three)
    with pytest.raises((KeyboardInterrupt, SystemExit)):
        build_packet(packet, out, jobs=1)
    monkeypatch.undo()
    assert len(calls) == 3

    result = build_packet(packet, out, jobs=1)
    assert result.exit_code == 0, result.failed
    assert sorted(result.up_to_date) == sorted(calls)
    assert len(result.built) == len(PROJECTS) - 3
    m = manifest(out)
    assert [d["stem"] for d in m["documents"]] == [p[:-5] for p in PROJECTS]
    for doc in m["documents"]:
        [o] = doc["outputs"]
        assert "current" not in o and sha256_file(out / o["file"]) == o["sha256"]
        assert "济源产城融合示范区" in docx_text(out / o["file"])
    assert not (out / ".docgen" / "journal.jsonl").exists()
    assert build_packet(packet, out, jobs=1).unchanged


def test_a_build_of_many_docx_alone_renders_and_checks_them_on_the_workers(workdir):
    """No PDF to lay out: from ``DOCX_ON_WORKERS`` DOCX on (here lowered to 4 for 8 sheets) the
    workers render and check them, and files and manifest are those of a build in one process."""
    data = make_data(workdir / "data")
    packet = write_packet(data, formats=["docx"], combined=False)
    program = ("import sys, docgen.build.runner as r; r.DOCX_ON_WORKERS = 4; from docgen.cli import app; "
               "app(sys.argv[1:])")
    outs = {}
    for jobs in ("1", "2"):
        outs[jobs] = workdir / f"out{jobs}"
        run = subprocess.run([sys.executable, "-c", program, "build", str(packet), "-o", str(outs[jobs]),
                              "--jobs", jobs], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "DOCGEN_TRACE": "1"})
        assert run.returncode == 0, run.stderr
        steps = [(m.group(1), m.group(2)) for m in re.finditer(r"^\[\s*[\d.]+ (\d+)\] (.*)$", run.stderr, re.M)]
        main = {pid for pid, what in steps if what == "build: start"}
        renderers = {pid for pid, what in steps if what.startswith("start ") and what.endswith(".docx")}
        checkers = {pid for pid, what in steps if what.startswith("checked ") and what.endswith(".docx")}
        assert sum(what.startswith("checked ") for _, what in steps) == len(PROJECTS)
        assert checkers == renderers
        assert (renderers == main) if jobs == "1" else (renderers and not renderers & main), run.stderr
    assert manifest(outs["1"]) == manifest(outs["2"])
    for p in PROJECTS:
        name = f"{p[:-5]}.docx"
        assert (outs["1"] / name).read_bytes() == (outs["2"] / name).read_bytes()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs_bounds_the_processes_and_none_is_left(workdir, jobs):
    """``--jobs N``: at most N processes render, the long final accounts' two parts included;
    ``--jobs 1`` renders in the program's own process; no worker outlives the build."""
    shutil.copytree(SAMPLES / "shangdang-gov-office-2023", workdir / "data")
    packet = write_packet(workdir / "data", formats=["pdf"], allow_errors=True, combined=False)
    out = workdir / "out"
    env = {**os.environ, "DOCGEN_TRACE": "1"}
    run = subprocess.run([sys.executable, "-m", "docgen", "build", str(packet), "-o", str(out), "--jobs", jobs],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (out / "final-accounts.pdf").is_file()
    steps = [(m.group(1), m.group(2)) for m in re.finditer(r"^\[\s*[\d.]+ (\d+)\] (.*)$", run.stderr, re.M)]
    main = {pid for pid, what in steps if what == "build: start"}
    renderers = {pid for pid, what in steps if what.startswith(("start ", "part "))}
    workers = {pid for pid, what in steps if what == "worker: warm-up"}
    if jobs == "1":
        assert renderers == main and not workers
    else:
        assert len(workers) <= 2 and renderers - main <= workers, run.stderr
        assert sum(1 for _, what in steps if what.startswith("part ")) == 2
        assert len({pid for pid, what in steps if what.startswith("part ")}) == 2  # the parts at once
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_the_benchmark_changes_one_project_in_its_copy(workdir):
    from docgen.bench.samples import _change_one_project
    from docgen.input import load_dataset

    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"])
    original = (JIYUAN / PROJECTS[0]).read_text(encoding="utf-8")
    assert _change_one_project(packet)
    loaded = load_dataset([data])
    assert not loaded.diagnostics.errors
    assert loaded.projects[0].project.name.endswith("（修订）")
    assert (JIYUAN / PROJECTS[0]).read_text(encoding="utf-8") == original


def test_watch_keeps_its_workers_between_builds(workdir, monkeypatch):
    """``--watch`` passes one executor to every build: the workers (with WeasyPrint and the
    fonts loaded) survive a build, and the next one uses them."""
    import docgen.build.schedule as schedule
    import helpers

    monkeypatch.setattr(schedule, "run_task", helpers.pid_run_task)  # the pool, not WeasyPrint, is under test
    data = make_data(workdir / "data", PROJECTS[:3])
    packet = write_packet(data, formats=["pdf"], combined=False)
    out = workdir / "out"
    executor = make_executor(2)
    try:
        assert len(build_packet(packet, out, jobs=2, executor=executor).built) == 3
        rendered = {int((out / f"{p[:-5]}.pdf").read_bytes().split()[-1]) for p in PROJECTS[:3]}
        workers = {int(pid) for task in Path("/proc/self/task").iterdir()
                   for pid in (task / "children").read_text().split()}
        assert os.getpid() not in rendered and rendered <= workers  # children of this process
        set_score(data / PROJECTS[1], "85")
        assert build_packet(packet, out, jobs=2, executor=executor).built == [f"{PROJECTS[1][:-5]}.pdf"]
        assert int((out / f"{PROJECTS[1][:-5]}.pdf").read_bytes().split()[-1]) in workers
    finally:
        executor.shutdown()


# --------------------------------------------------------------------------- long documents in parts


def test_render_leaves_only_its_documents(tmp_path):
    """``docgen render`` lays a long document's parts out one after the other in its own
    process, and leaves nothing in the output folder but its documents and the record of
    what it wrote (no page counts, no temporaries)."""
    result = CliRunner().invoke(app, ["render", "final-accounts", str(SAMPLES / "shangdang-gov-office-2023"),
                                      "-o", str(tmp_path / "out"), "--allow-errors"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".docgen", "final-accounts.docx",
                                                                     "final-accounts.pdf"]
    assert [p.name for p in (tmp_path / "out" / ".docgen").iterdir()] == ["rendered.json"]
    assert len(PdfReader(str(tmp_path / "out" / "final-accounts.pdf")).pages) == 49


def test_a_failed_part_fails_its_document_and_nothing_waits(workdir, monkeypatch):
    import docgen.render.parts as parts

    def broken(*args, **kwargs):
        raise RuntimeError("排版失败")

    monkeypatch.setattr(parts, "lay_out_first", broken)
    shutil.copytree(SAMPLES / "shangdang-gov-office-2023", workdir / "data")
    packet = write_packet(workdir / "data", formats=["docx", "pdf"], allow_errors=True, combined=False)
    start = time.monotonic()
    result = build_packet(packet, workdir / "out", jobs=1)
    assert time.monotonic() - start < 120  # the later part did not wait out its 600 s
    assert result.built == ["final-accounts.docx"]
    [failure] = result.failed
    assert failure.what == "final-accounts final-accounts.pdf" and "排版失败" in failure.cause
    assert not list((workdir / "out" / ".docgen").glob("pages-*"))


# --------------------------------------------------------------------------- nothing outside the output folder


@pytest.mark.parametrize("where", ["relative", "absolute", "link"])
def test_a_manifest_entry_outside_the_output_folder_is_never_deleted(workdir, where):
    """An earlier manifest naming ``../victim.txt``, an absolute path, or a link leading out,
    with the right sha256 and size: the build ignores the entry and says so."""
    data = make_data(workdir / "data", PROJECTS[:1])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    victim = workdir / "victim.txt"
    victim.write_text("用户自己的文件", encoding="utf-8")
    name = {"relative": "../victim.txt", "absolute": str(victim), "link": "link.txt"}[where]
    if where == "link":
        (out / "link.txt").symlink_to(victim)
    m = manifest(out)
    m["documents"].append({"family": "result-sheet", "stem": "gone", "outputs": [
        {"file": name, "format": "docx", "sha256": sha256_file(victim), "bytes": victim.stat().st_size}]})
    (out / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    result = build_packet(packet, out, jobs=1, force=True)
    assert victim.read_text(encoding="utf-8") == "用户自己的文件"
    assert not result.removed and any("不在输出目录内，已忽略" in n for n in result.notes)


def test_a_linked_state_folder_is_refused(workdir):
    data = make_data(workdir / "data", PROJECTS[:1])
    packet = write_packet(data, formats=["docx"])
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".state.json.abcdefgh.tmp").write_text("不是docgen的", encoding="utf-8")
    out = workdir / "out"
    out.mkdir()
    (out / ".docgen").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(app, ["build", str(packet), "-o", str(out)])
    assert result.exit_code == 2 and "是链接或不是目录" in result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == [".state.json.abcdefgh.tmp"]
    assert not list(out.glob("*.docx"))


def test_only_docgens_own_temporaries_are_removed(workdir):
    data = make_data(workdir / "data", PROJECTS[:1])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    out.mkdir()
    mine = [out / ".draft.tmp", out / ".notes.txt.tmp", out / ".x.docx.short.tmp"]
    for path in mine:
        path.write_text("用户的", encoding="utf-8")
    leftover = out / ".01-housing.docx.a1b2c3d_.tmp"  # as write_atomic names one
    leftover.write_bytes(b"half")
    assert build_packet(packet, out, jobs=1).exit_code == 0
    assert all(path.read_text(encoding="utf-8") == "用户的" for path in mine)
    assert not leftover.exists()


# --------------------------------------------------------------------------- the user's own files


def test_a_users_file_is_never_overwritten(workdir):
    """A project whose id becomes ``notes`` while the folder holds the user's notes.docx: that
    output fails with a clear cause; the user's file and every other output are as they were."""
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"], combined=False)
    out = workdir / "out"
    out.mkdir()
    (out / "notes.docx").write_bytes(b"the user's own notes")
    edit(data / PROJECTS[0], "name:", "id: notes\nname:")
    result = build_packet(packet, out, jobs=1, force=True)
    assert (out / "notes.docx").read_bytes() == b"the user's own notes"
    assert result.built == ["02-emergency.docx"] and result.exit_code == 1
    [failure] = result.failed
    assert failure.what == "result-sheet notes.docx" and "不是docgen生成的，未覆盖" in failure.cause


def test_an_output_edited_by_hand_is_kept_unless_forced(workdir):
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"], combined=False)
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    (out / "01-housing.docx").write_bytes(b"edited in Word")
    set_score(data / PROJECTS[0], "85")
    result = build_packet(packet, out, jobs=1)
    assert (out / "01-housing.docx").read_bytes() == b"edited in Word"
    [failure] = result.failed
    assert failure.what == "result-sheet 01-housing.docx" and "被手工修改，未覆盖" in failure.cause
    assert "--force" in failure.cause
    forced = build_packet(packet, out, jobs=1, force=True)
    assert forced.exit_code == 0 and "85.00" in docx_text(out / "01-housing.docx")


def test_render_overwrites_its_own_files_only(workdir):
    """``docgen render`` keeps no manifest: its record of what it wrote tells its own files
    (rewritten on every run) from the user's (never overwritten) and from its own edited since
    (kept unless --force)."""
    from typer.testing import CliRunner

    from docgen.cli import app

    data = make_data(workdir / "data", PROJECTS[:2])
    out = workdir / "out"
    out.mkdir()
    (out / "notes.docx").write_bytes(b"the user's own notes")
    edit(data / PROJECTS[0], "name:", "id: notes\nname:")

    def render(*extra):
        return CliRunner().invoke(app, ["render", "result-sheet", str(data), "-o", str(out), "--format", "docx", *extra])

    first = render()
    assert first.exit_code == 1 and "notes.docx" in first.output and "不是docgen生成的，未覆盖" in first.output
    assert (out / "notes.docx").read_bytes() == b"the user's own notes"
    assert "02-emergency.docx" in first.output
    set_score(data / PROJECTS[1], "85")  # render again after a fix: its own file is rewritten
    again = render()
    assert again.exit_code == 1 and "85.00" in docx_text(out / "02-emergency.docx")
    (out / "02-emergency.docx").write_bytes(b"edited in Word")
    kept = render()
    assert (out / "02-emergency.docx").read_bytes() == b"edited in Word" and "被手工修改，未覆盖" in kept.output
    forced = render("--force")
    assert "85.00" in docx_text(out / "02-emergency.docx")
    assert (out / "notes.docx").read_bytes() == b"the user's own notes" and forced.exit_code == 1


# --------------------------------------------------------------------------- folders that cannot be written


def _refuse(errno_: int):
    def refuse(*args, **kwargs):
        raise OSError(errno_, os.strerror(errno_), "out/x")
    return refuse


def test_an_up_to_date_build_succeeds_in_a_folder_that_cannot_be_written(workdir, monkeypatch):
    """(Tests run as root, who may write anywhere: the refusal is simulated.)"""
    import errno

    from docgen.build import OutputNotWritable
    from docgen.build import state

    data = make_data(workdir / "data", PROJECTS[:1])
    packet = write_packet(data, formats=["docx"])
    out = workdir / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    monkeypatch.setattr(state.OutputLock, "__enter__", _refuse(errno.EROFS))
    assert build_packet(packet, out, jobs=1).unchanged
    set_score(data / PROJECTS[0], "85")
    with pytest.raises(OutputNotWritable, match="无法写入输出目录.*只读文件系统"):
        build_packet(packet, out, jobs=1)
    result = CliRunner().invoke(app, ["build", str(packet), "-o", str(out)])
    assert result.exit_code == 1 and "只读文件系统" in result.output and "内部错误" not in result.output


def test_an_output_folder_that_is_a_file_is_a_clear_error(workdir):
    data = make_data(workdir / "data", PROJECTS[:1])
    packet = write_packet(data, formats=["docx"])
    (workdir / "afile").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(packet), "-o", str(workdir / "afile")])
    assert result.exit_code == 1 and "已有同名的文件，不是目录" in result.output
    assert "File exists" not in result.output and (workdir / "afile").read_text(encoding="utf-8") == "mine"


def test_a_data_file_that_cannot_be_read_says_why_in_chinese(workdir, monkeypatch):
    import errno
    from pathlib import Path as PathType

    from docgen.input import load_dataset

    data = make_data(workdir / "data", PROJECTS[:1])
    real = PathType.read_bytes

    def refusing(self):
        if self.name == PROJECTS[0]:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(PathType, "read_bytes", refusing)
    messages = [str(d) for d in load_dataset([data]).diagnostics.errors]
    assert any(f"{PROJECTS[0]}: 无法读取文件：没有读取权限" in m for m in messages), messages
    assert not any("Permission denied" in m for m in messages)


def test_a_full_disk_fails_the_outputs_with_a_clear_cause(workdir, monkeypatch):
    import errno

    import docgen.build.tasks as tasks

    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["docx"], combined=False)
    monkeypatch.setattr(tasks, "write_atomic", _refuse(errno.ENOSPC))
    result = build_packet(packet, workdir / "out", jobs=1)
    assert result.exit_code == 1 and not result.built
    assert all(f.cause == "无法写入out/x：磁盘已满" for f in result.failed)
    assert not [p for p in (workdir / "out").glob("*.docx")]


@pytest.mark.parametrize("line, message", [
    ("inputs: 42", "packet.yaml:2: inputs: 应为列表（每项另起一行，以“- ”开头），实际为数字42"),
    ('combined: "a\\nb.pdf"', "packet.yaml:2: combined: 合并PDF的文件名不能含有目录分隔符、控制字符或 :*?\"<>|，实际为“'a\\nb'”"),
    ('combined: "con.pdf"', "packet.yaml:2: combined: 合并PDF的“con”是Windows的设备名，不能作文件名"),
    ("templates: /dev/zero", "packet.yaml:2: templates: 找不到模板目录“/dev/zero”"),
])
def test_packet_values_that_cannot_work_are_errors_with_their_line(workdir, line, message):
    make_data(workdir, PROJECTS[:1])
    (workdir / "packet.yaml").write_text(f"title: 测试\n{line}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "packet.yaml", "-o", "out"])
    assert result.exit_code == 2 and "内部错误" not in result.output
    assert message in result.output.splitlines()


def test_the_program_leaves_no_font_folders_in_the_temporary_folder(workdir):
    """WeasyPrint copies the declared fonts (39 MB) into a temporary folder it removes only in
    ``__del__``, which neither a worker nor the program ending with ``os._exit`` runs: every
    build left one folder for its own process and one per PDF worker."""
    data = make_data(workdir / "data", PROJECTS[:2])
    packet = write_packet(data, formats=["pdf"], combined=True)
    tmp = workdir / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for jobs in ("2", "1"):
        run = subprocess.run([sys.executable, "-m", "docgen", "build", str(packet), "-o", str(workdir / f"out{jobs}"),
                              "--jobs", jobs, "-q"], capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, run.stderr
        assert (workdir / f"out{jobs}" / "01-housing.pdf").is_file()
        assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("weasyprint-")) == [], jobs
