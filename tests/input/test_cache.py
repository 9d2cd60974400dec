"""The loader's cache (issue 16): a file whose bytes did not change is not parsed again, and
what comes from the cache is exactly what reading the file gives."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from docgen.build import build_packet
from docgen.input import load_dataset
from docgen.input.cache import InputCache
from helpers import PUBLISHER, age, project, write_projects

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
def prepared(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """A folder of ``n`` projects written a while ago, and where their cache goes."""
    data_dir = tmp_path / "data"
    write_projects(data_dir, n)
    age(data_dir)
    return data_dir, tmp_path / "inputs.sqlite"


def summary(data) -> tuple:
    return (sorted(str(d) for d in data.diagnostics),
            [(p.output_stem, p.source, p.line, p.project) for p in data.projects],
            data.blocks, data.grade_bands, data.custom_fields, data.unreadable)


def load(folder: Path, db: Path):
    cache = InputCache(db, "test")
    data = load_dataset([folder], cache)
    return data, cache


def test_editing_one_of_500_files_parses_exactly_that_one(tmp_path):
    data_dir, db = prepared(tmp_path, 500)
    first, cache = load(data_dir, db)
    assert len(cache.parsed) == 501
    cache.close()

    (data_dir / "p0123.yaml").write_text(project(123, "108.5"), encoding="utf-8")
    second, cache = load(data_dir, db)
    assert cache.parsed == [str(data_dir / "p0123.yaml")]
    assert summary(second) == summary(load_dataset([data_dir]))  # the same as reading every file
    assert [str(d) for d in second.diagnostics] == [
        f"{data_dir / 'p0123.yaml'}:6: score: 评分应在0到100之间，实际为108.5"]
    cache.close()


def test_a_cached_files_warnings_still_show_with_their_lines(tmp_path):
    data_dir = tmp_path / "data"
    write_projects(data_dir, 3)
    (data_dir / "p0001.yaml").write_text(project(1, extra="grade: 良好\n"), encoding="utf-8")
    age(data_dir)
    db = tmp_path / "inputs.sqlite"
    fresh = load_dataset([data_dir])
    expected = [f"{data_dir / 'p0001.yaml'}:7: grade: 警告: 评价等级“良好”按“良”处理"]
    assert [str(d) for d in fresh.diagnostics] == expected
    _, cache = load(data_dir, db)
    cache.close()
    cached, cache = load(data_dir, db)
    assert cache.parsed == []
    assert [str(d) for d in cached.diagnostics] == expected
    cache.close()


def test_cached_projects_are_validated_only_when_asked_for(tmp_path):
    data_dir, db = prepared(tmp_path, 5)
    _, cache = load(data_dir, db)
    cache.close()
    cached, cache = load(data_dir, db)
    assert all(p._project is None for p in cached.projects)
    assert [p.project for p in cached.projects] == [p.project for p in load_dataset([data_dir]).projects]
    cache.close()


def test_changed_grade_bands_check_every_cached_project_again(tmp_path):
    data_dir = tmp_path / "data"
    write_projects(data_dir, 4)
    (data_dir / "p0002.yaml").write_text(project(2, "85.5", "grade: 良\n"), encoding="utf-8")
    age(data_dir)
    db = tmp_path / "inputs.sqlite"
    data, cache = load(data_dir, db)
    assert [str(d) for d in data.diagnostics] == []
    cache.close()
    # 85.5 is 良 under the default bands; with 优 from 85 the entered grade disagrees
    (data_dir / "publisher.yaml").write_text(PUBLISHER + "grade_bands:\n  优: 85\n  良: 80\n  中: 60\n",
                                             encoding="utf-8")
    changed, cache = load(data_dir, db)
    assert cache.parsed == [str(data_dir / "publisher.yaml")]
    assert summary(changed) == summary(load_dataset([data_dir]))
    assert any("p0002.yaml" in str(d) for d in changed.diagnostics)
    cache.close()


def test_a_file_written_again_in_the_same_clock_tick_is_read_again(tmp_path):
    """Same size, same modification time (a coarse clock): hashed so soon after its write
    that a second write in the same tick could not be told by the time, it is hashed again."""
    data_dir = tmp_path / "data"
    write_projects(data_dir, 2)
    target = data_dir / "p0001.yaml"
    tick = (int(time.time()) + 1) * 10**9  # a time of a clock that counts whole seconds
    os.utime(target, ns=(tick, tick))
    db = tmp_path / "inputs.sqlite"
    _, cache = load(data_dir, db)
    cache.close()
    target.write_text(project(1, "86.5"), encoding="utf-8")  # same length
    os.utime(target, ns=(tick, tick))
    data, cache = load(data_dir, db)
    assert str(target) in cache.parsed
    assert data.projects[1].project.score == 86.5
    cache.close()


def test_every_sample_is_the_same_from_the_cache(tmp_path):
    for sample in sorted(p for p in SAMPLES.iterdir() if (p / "packet.yaml").is_file()):
        db = tmp_path / f"{sample.name}.sqlite"
        copy = tmp_path / sample.name
        shutil.copytree(sample, copy)
        age(copy)
        _, cache = load(copy, db)
        cache.close()
        cached, cache = load(copy, db)
        assert cache.parsed == [], sample.name
        assert summary(cached) == summary(load_dataset([copy])), sample.name
        cache.close()


@pytest.fixture
def packet(tmp_path) -> Path:
    data_dir = tmp_path / "packet"
    write_projects(data_dir, 6)
    (data_dir / "packet.yaml").write_text("title: 测试\ninputs: [.]\ndocuments: [result-sheet]\nformats: [docx]\n"
                                          "combined: false\n", encoding="utf-8")
    age(data_dir)
    return data_dir / "packet.yaml"


def test_a_build_after_one_change_parses_one_file_and_matches_a_fresh_build(packet, tmp_path, monkeypatch):
    from docgen.contexts import result_sheet

    made = []
    build_sheet = result_sheet.build_result_sheet
    monkeypatch.setattr(result_sheet, "build_result_sheet", lambda p, *a: made.append(p.name) or build_sheet(p, *a))
    out = tmp_path / "out"
    assert build_packet(packet, out, jobs=1).parsed == 7
    assert build_packet(packet, out, jobs=1).unchanged  # a build with nothing to do keeps the cache whole
    (packet.parent / "p0003.yaml").write_text(project(3, "91"), encoding="utf-8")
    made.clear()
    result = build_packet(packet, out, jobs=1)
    assert result.parsed == 1 and result.built == ["p0003.docx"]
    assert made == ["项目3"]  # the other sheets' slices came from the cache: not one made again
    fresh = build_packet(packet, tmp_path / "fresh", jobs=1)
    assert fresh.parsed == 7
    for name in [p.name for p in (tmp_path / "fresh").iterdir() if p.is_file()]:
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_a_planted_link_in_place_of_the_cache_is_not_followed(packet, tmp_path):
    out = tmp_path / "out"
    (out / ".docgen").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.sqlite"
    (out / ".docgen" / "inputs.sqlite").symlink_to(elsewhere)
    result = build_packet(packet, out, jobs=1)
    assert result.parsed is None and len(result.built) == 6  # built without the cache
    assert not elsewhere.exists()


def test_a_damaged_cache_is_begun_again(packet, tmp_path):
    out = tmp_path / "out"
    build_packet(packet, out, jobs=1)
    (out / ".docgen" / "inputs.sqlite").write_bytes(b"not a database" * 100)
    (packet.parent / "p0003.yaml").write_text(project(3, "91"), encoding="utf-8")
    result = build_packet(packet, out, jobs=1)
    assert result.built == ["p0003.docx"] and not result.failed
    # the index in the state plans the unchanged files: only the changed one and the block file
    # are read again, into a new cache
    assert result.parsed == 2 and result.delta == [str(packet.parent / "p0003.yaml")]
    (packet.parent / "p0004.yaml").write_text(project(4, "92"), encoding="utf-8")
    assert build_packet(packet, out, jobs=1).parsed == 1


def test_an_error_in_a_cached_file_still_fails_its_document(packet, tmp_path):
    out = tmp_path / "out"
    (packet.parent / "p0003.yaml").write_text(project(3, "108.5"), encoding="utf-8")
    first = build_packet(packet, out, jobs=1)
    (packet.parent / "p0004.yaml").write_text(project(4, "92"), encoding="utf-8")
    second = build_packet(packet, out, jobs=1)
    assert second.parsed == 1 and second.built == ["p0004.docx"]
    assert [str(d) for d in second.diagnostics] == [str(d) for d in first.diagnostics] != []
    assert [f.what for f in second.failed] == [f.what for f in first.failed] == [
        f"{packet.parent / 'p0003.yaml'}中的评价对象"]
    assert second.exit_code == 2


def test_a_duplicate_output_name_is_reported_the_same_from_the_cache(tmp_path):
    data_dir, db = prepared(tmp_path, 3)
    (data_dir / "p0001.yaml").write_text(project(1, extra="id: 同名\n"), encoding="utf-8")
    (data_dir / "p0002.yaml").write_text(project(2, extra="id: 同名\n"), encoding="utf-8")
    age(data_dir)
    fresh = load_dataset([data_dir])
    assert [d.loc for d in fresh.diagnostics] == [("id",)]
    _, cache = load(data_dir, db)
    cache.close()
    cached, cache = load(data_dir, db)
    assert cache.parsed == [] and summary(cached) == summary(fresh)
    cache.close()
