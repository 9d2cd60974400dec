"""Planning from the last build's index (docgen.build.delta, issue 16). The build that reads
the whole data set is the reference: each change is built both ways, from copies of the same
output folder, and manifest, state, files and what the build reports must be the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from docgen.build import build_packet
from docgen.build.delta import index_of
from docgen.build.keys import Stamp
from helpers import age, project, write_projects

PACKET = "title: 测试\ninputs: [.]\ndocuments: [result-sheet]\nformats: [{formats}]\ncombined: {combined}\n"


def listed(*projects: str) -> str:
    """A file holding several projects as a list."""
    return "".join("- " + text.rstrip("\n").replace("\n", "\n  ") + "\n" for text in projects)


@pytest.fixture
def packet(tmp_path) -> Path:
    folder = tmp_path / "packet"
    write_projects(folder, 6)
    (folder / "p0005.yaml").write_text(listed(project(5), project(50)), encoding="utf-8")
    (folder / "packet.yaml").write_text(PACKET.format(formats="docx", combined="false"), encoding="utf-8")
    age(folder)
    return folder / "packet.yaml"


def reported(result) -> tuple:
    return (sorted(result.built), sorted(result.up_to_date), sorted(result.removed),
            [(f.what, f.cause) for f in result.failed], result.warnings, sorted(map(str, result.diagnostics)),
            result.exit_code)


def both_ways(packet: Path, out: Path, change) -> tuple:
    """``change`` the data after a build into ``out``, then build it into ``out`` and into a
    copy of ``out`` without the index (the whole data set is read): both results."""
    full = out.parent / (out.name + "-full")
    shutil.rmtree(full, ignore_errors=True)
    shutil.copytree(out, full, symlinks=True)
    (full / ".docgen" / "index.json").unlink(missing_ok=True)
    change(packet.parent)
    age(packet.parent)
    return build_packet(packet, out, jobs=1), build_packet(packet, full, jobs=1), full


def assert_same(out: Path, full: Path, delta, whole) -> None:
    assert whole.delta is None
    assert reported(delta) == reported(whole)
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == sorted(p.name for p in full.iterdir() if p.is_file())
    for name in names:
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    # the state, the index for the next build included, is the same as the whole data set gives
    for name in ("state.json", "index.json", "stamp.json"):
        here, there = out / ".docgen" / name, full / ".docgen" / name
        assert here.exists() == there.exists() and (not here.exists() or here.read_bytes() == there.read_bytes()), name


def write(name: str, text: str):
    return lambda folder: (folder / name).write_text(text, encoding="utf-8")


CHANGES = {
    "a score": (write("p0003.yaml", project(3, "91.25")), ["p0003.yaml"], ["p0003.docx"]),
    "an id, renaming the sheet": (write("p0002.yaml", project(2, extra="id: 二号项目\n")), ["p0002.yaml"],
                                  ["二号项目.docx"]),
    "a project taken from a list": (write("p0005.yaml", listed(project(5))), ["p0005.yaml"], []),
    "a project added to a list": (write("p0005.yaml", listed(project(5), project(50), project(51))),
                                  ["p0005.yaml"], ["p0005-03.docx"]),
    # the grade as entered is the one the score gives: the sheet prints the same
    "a warning": (write("p0001.yaml", project(1, extra="grade: 良好\n")), ["p0001.yaml"], []),
    "two files": (lambda f: (write("p0000.yaml", project(0, "70"))(f), write("p0004.yaml", project(4, "99"))(f)),
                  ["p0000.yaml", "p0004.yaml"], ["p0000.docx", "p0004.docx"]),
}


@pytest.mark.parametrize("case", list(CHANGES))
def test_a_change_to_project_files_is_planned_from_the_index_as_the_whole_data_set_plans_it(packet, tmp_path, case):
    change, changed, built = CHANGES[case]
    out = tmp_path / "out"
    first = build_packet(packet, out, jobs=1)
    assert not first.failed and first.delta is None
    delta, whole, full = both_ways(packet, out, change)
    assert delta.delta == [str(packet.parent / name) for name in changed]
    assert delta.parsed == len(changed)  # the block file comes from the loader's cache
    assert sorted(delta.built) == built
    assert_same(out, full, delta, whole)
    # and the next change is planned from the index this build wrote
    delta, whole, full = both_ways(packet, out, write("p0003.yaml", project(3, "60.5")))
    assert delta.delta == [str(packet.parent / "p0003.yaml")]
    assert_same(out, full, delta, whole)


def test_a_warning_fixed_goes_from_the_report(packet, tmp_path):
    (packet.parent / "p0001.yaml").write_text(project(1, extra="grade: 良好\n"), encoding="utf-8")
    age(packet.parent)
    out = tmp_path / "out"
    assert len(build_packet(packet, out, jobs=1).warnings) == 1
    delta, whole, full = both_ways(packet, out, write("p0001.yaml", project(1)))
    assert delta.delta and delta.warnings == [] and delta.exit_code == 0
    assert_same(out, full, delta, whole)


NOT_FROM_THE_INDEX = {
    "an error": write("p0003.yaml", project(3, "108.5")),
    "a sheet name another file has": write("p0003.yaml", project(3, extra="id: p0002\n")),
    "the publisher": write("publisher.yaml", "publisher:\n  area: 另一个区\n  sheet_title: 结果\n"),
    "a new file": write("p0100.yaml", project(100)),
    "a file removed": lambda folder: (folder / "p0004.yaml").unlink(),
    "a project file emptied": write("p0004.yaml", ""),
}


@pytest.mark.parametrize("case", list(NOT_FROM_THE_INDEX))
def test_other_changes_read_the_whole_data_set(packet, tmp_path, case):
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    delta, whole, full = both_ways(packet, out, NOT_FROM_THE_INDEX[case])
    assert delta.delta is None
    assert_same(out, full, delta, whole)


def test_an_unchanged_files_sheet_deleted_meanwhile_is_made_from_the_whole_data_set(packet, tmp_path):
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)

    def change(folder: Path) -> None:
        write("p0003.yaml", project(3, "91"))(folder)
        (out / "p0001.docx").unlink()
        (full / "p0001.docx").unlink()

    full = tmp_path / "out-full"
    delta, whole, _ = both_ways(packet, out, change)
    assert delta.delta is None and sorted(delta.built) == ["p0001.docx", "p0003.docx"]
    assert delta.parsed == whole.parsed == 1  # the index's reading of the changed file serves the whole
    assert_same(out, full, delta, whole)


def test_a_sheet_edited_by_hand_is_reported_as_the_whole_data_set_reports_it(packet, tmp_path):
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    (out / "p0001.docx").write_bytes(b"edited")
    delta, whole, full = both_ways(packet, out, write("p0003.yaml", project(3, "91")))
    assert (out / "p0001.docx").read_bytes() == b"edited"
    assert_same(out, full, delta, whole)


def test_pdf_and_docx_from_the_index(packet, tmp_path):
    packet.write_text(PACKET.format(formats="docx, pdf", combined="false"), encoding="utf-8")
    age(packet.parent)
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    delta, whole, full = both_ways(packet, out, write("p0003.yaml", project(3, "91")))
    assert delta.delta and sorted(delta.built) == ["p0003.docx", "p0003.pdf"]
    assert_same(out, full, delta, whole)


def test_no_index_where_a_document_is_made_from_every_project():
    stamp = Stamp("setting", (("a.yaml", "0" * 64),))

    class Data:
        projects, origins = [], {}

        class diagnostics:
            warnings = []

    assert index_of(stamp, Data, ["result-sheet"], combined=False) is not None
    assert index_of(stamp, Data, ["result-sheet"], combined=True) is None  # the combined PDF lists them all
    for family in ("summary-report", "results-summary"):
        assert index_of(stamp, Data, ["result-sheet", family], combined=False) is None


def test_a_combined_pdf_keeps_the_whole_data_set_read(packet, tmp_path):
    packet.write_text(PACKET.format(formats="pdf", combined="全部.pdf"), encoding="utf-8")
    age(packet.parent)
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    assert (out / ".docgen" / "stamp.json").is_file() and not (out / ".docgen" / "index.json").exists()
    (packet.parent / "p0003.yaml").write_text(project(3, "91"), encoding="utf-8")
    assert build_packet(packet, out, jobs=1).delta is None


DAMAGES = {
    "not JSON": lambda index: "{not json",
    "a project entry that is not a pair": lambda index: json.dumps({**index, "projects": ["x", *index["projects"][1:]]}),
    "a warning of another shape": lambda index: json.dumps({**index, "warnings": [["a.yaml", "3", [], "x"]]}),
    "stems that are not names": lambda index: json.dumps(
        {**index, "projects": [[name, [1]] for name, _ in index["projects"]]}),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_index_means_reading_the_whole_data_set(packet, tmp_path, damage):
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    path = out / ".docgen" / "index.json"
    damaged = DAMAGES[damage](json.loads(path.read_text(encoding="utf-8")))

    def change(folder: Path) -> None:
        write("p0003.yaml", project(3, "91"))(folder)
        path.write_text(damaged, encoding="utf-8")

    delta, whole, full = both_ways(packet, out, change)
    assert delta.delta is None and delta.built == ["p0003.docx"]
    assert_same(out, full, delta, whole)
