"""The garbage collector's pace during a build (runner._Collector): slowed while the build
reads and plans, the usual pace once documents are rendered."""

from __future__ import annotations

import gc

from docgen.build import build_packet
from docgen.build.outcome import SilentReporter
from helpers import age, write_projects


def test_rendered_docx_do_not_pile_up_in_the_build_process(tmp_path):
    """Each DOCX rendered leaves python-docx's packages as reference cycles holding their lxml
    trees. Collected at the pace planning uses (a young generation of 100,000 objects), they
    piled up: the build process grew to 2.6 GB over 300 sheets."""
    folder = tmp_path / "packet"
    write_projects(folder, 30)
    (folder / "packet.yaml").write_text("title: 测试\ninputs: [.]\ndocuments: [result-sheet]\nformats: [docx]\n"
                                        "combined: false\n", encoding="utf-8")
    age(folder)
    alive = []

    class Counting(SilentReporter):
        def finished(self, label, res) -> None:
            from docx.opc.package import OpcPackage

            alive.append(sum(isinstance(o, OpcPackage) for o in gc.get_objects()))

    result = build_packet(folder / "packet.yaml", tmp_path / "out", jobs=1, reporter=Counting())
    assert len(result.built) == 30 and len(alive) == 30
    # two packages a sheet (the template and the document) when nothing collects them
    assert max(alive) < 30, alive
    assert gc.get_threshold()[0] < 100_000  # the usual pace again after the build
