"""The stamp a build leaves stands for what it built (docgen.build.keys.held): a data file
changed while the build runs and changed back after it must not leave outputs of the passing
content under a stamp of the lasting one. The next build then renders them again."""

from __future__ import annotations

from pathlib import Path

import pytest

import docgen.input
from docgen.build import build_packet
from helpers import age, project, write_projects

PACKET = "title: 测试\ninputs: [.]\ndocuments: [result-sheet]\nformats: [docx]\ncombined: false\n"


@pytest.fixture
def packet(tmp_path) -> Path:
    folder = tmp_path / "packet"
    write_projects(folder, 5)
    (folder / "packet.yaml").write_text(PACKET, encoding="utf-8")
    age(folder)
    return folder / "packet.yaml"


def while_reading(monkeypatch, path: Path, text: str) -> None:
    """Write ``text`` to ``path`` when the build begins to read its data (after its stamp)."""
    load = docgen.input.load_dataset
    done = []

    def changing(*args, **kwargs):
        if not done:
            path.write_text(text, encoding="utf-8")
            done.append(True)
        return load(*args, **kwargs)

    monkeypatch.setattr(docgen.input, "load_dataset", changing)


def reference(packet: Path, tmp_path: Path, name: str) -> bytes:
    """``name`` as a build from scratch makes it of the data as it is now."""
    out = tmp_path / "reference"
    assert not build_packet(packet, out, jobs=1).failed
    return (out / name).read_bytes()


def stamped(out: Path) -> bool:
    return (out / ".docgen" / "stamp.json").exists()


def test_a_file_changed_while_the_whole_data_set_is_read_and_back_after(packet, tmp_path, monkeypatch):
    out, sheet = tmp_path / "out", packet.parent / "p0003.yaml"
    lasting = sheet.read_text(encoding="utf-8")
    while_reading(monkeypatch, sheet, project(3, "91.25"))
    assert not build_packet(packet, out, jobs=1).failed
    monkeypatch.undo()
    assert not stamped(out)  # the build read 91.25; its stamp took 85.5
    sheet.write_text(lasting, encoding="utf-8")
    age(packet.parent)
    again = build_packet(packet, out, jobs=1)
    assert not again.unchanged and again.built == ["p0003.docx"]
    assert (out / "p0003.docx").read_bytes() == reference(packet, tmp_path, "p0003.docx")
    assert stamped(out)
    assert build_packet(packet, out, jobs=1).unchanged


def test_a_changed_file_changed_again_while_planned_from_the_index(packet, tmp_path, monkeypatch):
    out, sheet = tmp_path / "out", packet.parent / "p0003.yaml"
    assert not build_packet(packet, out, jobs=1).failed
    sheet.write_text(project(3, "60.5"), encoding="utf-8")
    age(packet.parent)
    while_reading(monkeypatch, sheet, project(3, "91.25"))
    delta = build_packet(packet, out, jobs=1)
    monkeypatch.undo()
    assert delta.delta == [str(sheet)] and delta.built == ["p0003.docx"]
    assert not stamped(out)
    sheet.write_text(project(3, "60.5"), encoding="utf-8")
    age(packet.parent)
    again = build_packet(packet, out, jobs=1)
    assert not again.unchanged and again.built == ["p0003.docx"]
    assert (out / "p0003.docx").read_bytes() == reference(packet, tmp_path, "p0003.docx")


def test_a_file_not_read_changed_and_back_while_planned_from_the_index(packet, tmp_path, monkeypatch):
    """The index planned that file from the content the stamp hashed: the stamp holds."""
    out, other = tmp_path / "out", packet.parent / "p0001.yaml"
    assert not build_packet(packet, out, jobs=1).failed
    (packet.parent / "p0003.yaml").write_text(project(3, "60.5"), encoding="utf-8")
    age(packet.parent)
    lasting = other.read_text(encoding="utf-8")
    while_reading(monkeypatch, other, project(1, "12"))
    delta = build_packet(packet, out, jobs=1)
    monkeypatch.undo()
    assert delta.delta and delta.built == ["p0003.docx"]
    other.write_text(lasting, encoding="utf-8")
    age(packet.parent)
    assert stamped(out)
    assert build_packet(packet, out, jobs=1).unchanged
    assert (out / "p0001.docx").read_bytes() == reference(packet, tmp_path, "p0001.docx")


def test_the_packet_changed_while_building_leaves_no_stamp(packet, tmp_path, monkeypatch):
    out = tmp_path / "out"
    while_reading(monkeypatch, packet, PACKET.replace("测试", "测试二"))
    assert not build_packet(packet, out, jobs=1).failed
    assert not stamped(out)
