"""``pdf_variant: pdf/a-2b`` (and ``pdf/ua-1``) in the packet: each document's PDF is written
to that standard by WeasyPrint, and read back here with pikepdf (qpdf), a reader of its own:
the XMP metadata names the standard and agrees with the document information (title, author
= the issuing body), the output intent is sRGB, the language is zh-CN, every font is
embedded, nothing is encrypted; the same inputs give the same bytes."""

from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLES
from docgen.build import build_packet

pikepdf = pytest.importorskip("pikepdf")

JIYUAN = SAMPLES / "jiyuan-2023"


def _packet(folder, variant: str):
    folder.mkdir(parents=True)
    for name in ("publisher.yaml", "02-emergency.yaml"):
        shutil.copy(JIYUAN / name, folder / name)
    (folder / "packet.yaml").write_text(f"title: 测试\ndate: 2024-03-31\nformats: [pdf]\ncombined: false\n"
                                        f"pdf_variant: {variant}\n", encoding="utf-8")
    return folder / "packet.yaml"


def _fonts(pdf) -> list:
    found = []
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get("/FontDescriptor"))
    return found


@pytest.fixture(scope="module")
def archival(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdfa")
    outs = []
    for i in range(2):
        packet = _packet(root / f"data{i}", "pdf/a-2b")
        result = build_packet(packet, root / f"out{i}", jobs=1)
        assert result.exit_code == 0, result.failed
        outs.append(root / f"out{i}" / "02-emergency.pdf")
    return outs


def test_pdf_a_2b_metadata_output_intent_and_fonts(archival):
    with pikepdf.open(archival[0]) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        title, author = str(pdf.docinfo["/Title"]), str(pdf.docinfo["/Author"])
        assert title.startswith("重大政策和重点项目预算绩效评价结果：") and meta["dc:title"] == title
        assert author == "济源示范区" and author in meta["dc:creator"]
        assert str(pdf.Root.Lang) == "zh-CN"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and len(intent.DestOutputProfile.read_bytes()) > 1000
        assert not pdf.is_encrypted
        fonts = _fonts(pdf)
        assert fonts and all(d is not None and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                             for d in fonts)
        assert pdf.pdf_version >= "1.7"


def test_the_same_inputs_give_the_same_archival_bytes(archival):
    assert archival[0].read_bytes() == archival[1].read_bytes()


def test_pdf_ua_1_is_tagged_and_says_its_language(tmp_path):
    packet = _packet(tmp_path / "data", "pdf/ua-1")
    assert build_packet(packet, tmp_path / "out", jobs=1).exit_code == 0
    with pikepdf.open(tmp_path / "out" / "02-emergency.pdf") as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "zh-CN"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.open_metadata()["pdfuaid:part"] == "1"


def test_without_a_variant_the_pdf_is_as_before(tmp_path):
    """The plain PDF names no standard (and its key does not change with the new option)."""
    packet = _packet(tmp_path / "data", "pdf/a-2b")
    packet.write_text(packet.read_text(encoding="utf-8").replace("pdf_variant: pdf/a-2b\n", ""), encoding="utf-8")
    assert build_packet(packet, tmp_path / "out", jobs=1).exit_code == 0
    with pikepdf.open(tmp_path / "out" / "02-emergency.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert str(pdf.docinfo["/Author"]) == "济源示范区"  # the issuing body is named in every PDF
