"""``docgen bench --scale``'s synthetic packet: valid data whose documents print what was
generated, the same bytes for the same seed, and a score edit that keeps the grade right."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from docgen.bench.scale import _document_text
from docgen.bench.synthetic import change_score, write_packet


def _projects(folder: Path) -> dict[str, dict]:
    yaml = YAML(typ="safe")
    return {p.stem: yaml.load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("p[0-9]*.yaml"))}


def test_the_synthetic_packet_validates_and_builds_what_it_says(tmp_path):
    from docgen.build import build_packet, load_packet
    from docgen.input import load_dataset

    packet = write_packet(tmp_path / "packet", 12, formats=("docx",))
    spec, diagnostics = load_packet(packet)
    assert spec is not None and not diagnostics.errors
    data = load_dataset(spec.inputs)
    assert not data.diagnostics.errors and not data.diagnostics.warnings
    assert len(data.projects) == 12

    projects = _projects(tmp_path / "packet")
    assert len({p["name"] for p in projects.values()}) == 12  # names differ
    assert len({p["department"] for p in projects.values()}) > 3
    assert len({p["grade"] for p in projects.values()}) >= 3  # more than one grade band

    result = build_packet(packet, tmp_path / "out", jobs=1)
    assert not result.failed and not result.data_errors and not result.has_errors
    assert sorted(result.built) == sorted([f"{stem}.docx" for stem in projects]
                                          + ["summary-report.docx", "results-summary.docx"])
    for stem, p in projects.items():
        text = _document_text(tmp_path / "out" / f"{stem}.docx")
        assert p["name"] in text and p["score"] in text
    report = _document_text(tmp_path / "out" / "summary-report.docx")
    assert all(p["name"] in report for p in projects.values())

    name, score = change_score(tmp_path / "packet", 0)
    again = build_packet(packet, tmp_path / "out", jobs=1)
    assert name == "p00001.yaml" and "p00001.docx" in again.built and not again.has_errors
    assert score in _document_text(tmp_path / "out" / "p00001.docx")


def test_the_same_seed_writes_the_same_bytes_and_score_edits_keep_the_grade(tmp_path):
    one = write_packet(tmp_path / "one", 40, seed=7).parent
    two = write_packet(tmp_path / "two", 40, seed=7).parent
    assert [(p.name, p.read_bytes()) for p in sorted(one.iterdir())] == \
        [(p.name, p.read_bytes()) for p in sorted(two.iterdir())]
    from decimal import Decimal

    from docgen.rules.grades import grade_for

    for index, p in enumerate(_projects(one).values()):
        _, score = change_score(one, index)
        assert grade_for(Decimal(score)).value == p["grade"]
