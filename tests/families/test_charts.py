"""Charts in the built documents (issue 17, item 8): switched on by packet.yaml's ``charts:``,
placed where the data block says, an inline picture at 300 dpi in the DOCX and vector SVG with
text in the PDF, counts equal to the table's and the narrative's, byte-identical rebuilds, and
part of the document's key."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.build import build_packet
from docgen.check import check_paths
from summary_batch import write_batch

from conftest import docx_text, pdf_text

EXTRA = """projects:
  - {name: 得分未公开的项目, score: 未公开, grade: 良}
  - {name: 没有评价结果的项目, result_note: 未实施}
"""
SECTION_ONE = "本次评价采取第三方机构独立评价的方式。"
PARAGRAPHS = ["确定重点项目绩效评价{评价数}个，等级分布为{等级分布}。", "评价结果已反馈各单位。"]
DOCUMENTS = ("summary-report", "results-summary")


def make_data(folder: Path) -> Path:
    """The summary batch, two projects without a published score, the report's charts after
    its first section and the results summary's after its first paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    write_batch(folder)
    path = folder / "batch.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  signature: 测试区财政局\n", "  chart: {after_section: 1}\n  signature: 测试区财政局\n", 1)
    text = re.sub(r"(?m)^  paragraphs: \[\"确定重点项目.*\]$",
                  "  paragraphs: [" + ", ".join(f'"{p}"' for p in PARAGRAPHS) + "]\n  chart: {after_paragraph: 1}",
                  text, count=1)
    path.write_text(text, encoding="utf-8")
    (folder / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    return folder


def write_packet(folder: Path, charts: str | None, formats: str = "all") -> Path:
    path = folder / "packet.yaml"
    path.write_text(f"title: 图表测试\ndate: 2024-12-31\ndocuments: [{', '.join(DOCUMENTS)}]\nformats: {formats}\n"
                    f"combined: false\n" + (f"charts: {charts}\n" if charts else ""), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The packet with both charts built twice, into two folders."""
    folder = make_data(tmp_path_factory.mktemp("charts") / "data")
    packet = write_packet(folder, "[grades, scores]")
    outs = []
    for name in ("out", "again"):
        out = folder.parent / name
        result = build_packet(packet, out, jobs=1)
        assert result.exit_code == 0, [str(d) for d in result.diagnostics] + [f.cause for f in result.failed]
        outs.append(out)
    return outs


def _body(docx: Path) -> list:
    """The body's paragraphs: (text, the pictures' <wp:inline> elements)."""
    document = Document(str(docx))
    return [(p.text, p._p.findall(".//" + qn("wp:inline"))) for p in document.paragraphs], document


def _pictures_between(paragraphs, first: str, last: str) -> list:
    start = next(i for i, (text, _) in enumerate(paragraphs) if text == first)
    end = next(i for i, (text, _) in enumerate(paragraphs) if text == last)
    return [(text, inline) for text, inlines in paragraphs[start + 1:end] for inline in inlines]


def test_the_docx_has_the_pictures_after_the_declared_section_at_300_dpi(built):
    from PIL import Image

    paragraphs, document = _body(built[0] / "summary-report.docx")
    pictures = _pictures_between(paragraphs, SECTION_ONE, "二、评价结果")
    assert len(pictures) == 2 and sum(len(i) for _, i in paragraphs) == 2  # nowhere else
    texts = [t for t, _ in paragraphs]
    first = texts.index(SECTION_ONE)
    assert texts[first + 1:first + 6] == ["", "图1\u3000评价等级分布", "", "图2\u3000评价得分分布",
                                          "注：另有2个评价对象无公开的评价得分，未计入本图。"]
    for _, inline in pictures:
        extent = inline.find(qn("wp:extent"))
        assert (int(extent.get("cx")), int(extent.get("cy"))) == (5029200, 2286000)  # 139.7 × 63.5 mm
        blip = inline.find(".//" + qn("a:blip"))
        image = Image.open(io.BytesIO(document.part.related_parts[blip.get(qn("r:embed"))].blob))
        assert image.size == (1650, 750) and [round(d) for d in image.info["dpi"]] == [300, 300]
    described = [inline.find(qn("wp:docPr")).get("descr") for _, inline in pictures]
    assert described == ["评价等级分布：优3个、良32个、中1个、差1个、未评价1个",
                         "评价得分分布：60分以下1个、60～69.99分0个、70～79.99分1个、80～89.99分31个、90～100分3个"]

    paragraphs, _ = _body(built[0] / "results-summary.docx")
    first, second = [p.replace("{评价数}", "38").replace("{等级分布}", "优3个、良32个、中1个、差1个、未评价1个")
                     for p in PARAGRAPHS]
    assert len(_pictures_between(paragraphs, first, second)) == 2


def _words(pdf: Path) -> list[list[dict]]:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        return [page.extract_words(extra_attrs=["fontname"]) for page in document.pages]


def _chart_words(pages, before: str, caption: str) -> list[dict]:
    """The words between the line ending ``before`` and the caption ``caption`` (its first word)."""
    for words in pages:
        texts = [w["text"] for w in words]
        if caption not in texts:
            continue
        top = next(w["top"] for w in words if w["text"] == caption)
        bottom = max([w["bottom"] for w in words if w["text"].endswith(before) and w["bottom"] <= top] or [0])
        return [w for w in words if bottom < w["top"] and w["bottom"] <= top]
    raise AssertionError(f"no page with {caption}")


def test_the_pdf_has_the_charts_text_and_counts_where_the_block_places_them(built):
    pytest.importorskip("pdfplumber")
    pdf = built[0] / "summary-report.pdf"
    text = pdf_text(pdf)
    order = [text.index(s) for s in ("一、评价方式", "图1评价等级分布", "图2评价得分分布", "二、评价结果")]
    assert order == sorted(order)
    pages = _words(pdf)
    grades = _chart_words(pages, "方式。", "图1")
    labels = [w["text"] for w in grades]
    for word in ["项目数（个）", "优", "良", "中", "差", "未评价", "评价等级"]:
        assert word in labels
    # the counts above the bars, left to right, are those of the narrative's {等级分布}
    shown = re.search(r"优(\d+)个、良(\d+)个、中(\d+)个、差(\d+)个、未评价(\d+)个", text).groups()
    counts = [w["text"] for w in sorted(grades, key=lambda w: w["x0"]) if w["text"].isdigit()]
    assert counts == list(shown) == ["3", "32", "1", "1", "1"]
    assert {w["fontname"].split("+")[-1] for w in grades} == {"docgen-Serif-SC"}  # the body's embedded serif
    scores = _chart_words(pages, "评价等级分布", "图2")
    assert [w["text"] for w in sorted(scores, key=lambda w: w["x0"]) if w["text"].isdigit()] == ["1", "0", "1", "31", "3"]
    assert {"60分以下", "60～69.99", "90～100", "评价得分（分）"} <= {w["text"] for w in scores}

    # the results summary's 汇总表 is laid out again with its merged cells cut (render/merged.py):
    # the charts come through that as SVG, not as their markup's text
    summary = pdf_text(built[0] / "results-summary.pdf")
    order = [summary.index(s) for s in ("等级分布为", "图1评价等级分布", "图2评价得分分布", "评价结果已反馈各单位")]
    assert order == sorted(order)
    assert "stroke" not in summary + text
    grades = _chart_words(_words(built[0] / "results-summary.pdf"), "个。", "图1")
    assert [w["text"] for w in sorted(grades, key=lambda w: w["x0"]) if w["text"].isdigit()] == list(shown)


def test_charts_are_off_unless_the_packet_asks(batch):
    """The summary batch rendered without a packet (docgen render): no picture, no chart."""
    _, out = batch
    for family in DOCUMENTS:
        document = Document(str(out / f"{family}.docx"))
        assert len(document.inline_shapes) == 0
        assert "评价等级分布" not in docx_text(out / f"{family}.docx")
        assert "评价等级分布" not in pdf_text(out / f"{family}.pdf")


def test_the_same_packet_gives_the_same_bytes(built):
    first, again = built
    for name in [f"{d}.{fmt}" for d in DOCUMENTS for fmt in ("docx", "pdf")] + ["manifest.json"]:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_the_documents_pass_the_preflight(built):
    report = check_paths([built[0]])
    assert [str(f) for f in report.errors] == []


def test_switching_charts_rebuilds_the_summaries_and_only_them(tmp_path):
    folder = make_data(tmp_path / "data")
    out = tmp_path / "out"

    def keys(charts: str | None) -> dict[str, str]:
        result = build_packet(write_packet(folder, charts, formats="[docx]"), out, jobs=1)
        assert result.exit_code == 0, [f.cause for f in result.failed]
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {o["file"]: o["inputs_sha256"] for d in manifest["documents"] for o in d["outputs"]}, result

    off, _ = keys(None)
    on, result = keys("[grades]")
    assert sorted(result.built) == ["results-summary.docx", "summary-report.docx"]
    assert all(on[f] != off[f] for f in off)
    assert len(Document(str(out / "summary-report.docx")).inline_shapes) == 1
    same, result = keys("grades")  # the same switch written without a list: nothing to do
    assert same == on and result.built == []
    back, result = keys(None)
    assert back == off and sorted(result.built) == ["results-summary.docx", "summary-report.docx"]
    assert len(Document(str(out / "summary-report.docx")).inline_shapes) == 0
    shutil.rmtree(out)


def test_in_a_tagged_pdf_each_chart_is_a_figure_with_its_description(tmp_path):
    """pdf/ua-1 asks every figure for alternative text: WeasyPrint takes a chart's from its
    SVG's <title>, which holds the chart in words."""
    pikepdf = pytest.importorskip("pikepdf")
    folder = make_data(tmp_path / "data")
    packet = write_packet(folder, "[grades, scores]", formats="[pdf]")
    packet.write_text(packet.read_text(encoding="utf-8") + "pdf_variant: pdf/ua-1\n", encoding="utf-8")
    result = build_packet(packet, tmp_path / "out", jobs=1)
    assert result.exit_code == 0, [f.cause for f in result.failed]

    def figures(node, found):
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                figures(kid, found)
        return found

    for name in ("summary-report.pdf", "results-summary.pdf"):
        with pikepdf.open(tmp_path / "out" / name) as pdf:
            alts = figures(pdf.Root.StructTreeRoot, [])
        assert [a.split("：")[0] for a in alts] == ["评价等级分布", "评价得分分布"], name
        assert all(re.search(r"\d+个", a) for a in alts)
        assert "评价等级分布：" not in pdf_text(tmp_path / "out" / name)  # a title is not printed


def test_the_attachment_note_does_not_fill_a_page_alone(tmp_path):
    """With both charts after the first paragraph, the results summary's first page is full
    and its 附件 line was pushed onto a page of its own; it now goes over with the paragraph
    before it."""
    from docgen.check.pdf_pages import read_pdf

    folder = make_data(tmp_path / "data")
    packet = write_packet(folder, "[grades, scores]", formats="[pdf]")
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "documents: [summary-report, results-summary]", "documents: [results-summary]"), encoding="utf-8")
    assert build_packet(packet, tmp_path / "out", jobs=1).exit_code == 0
    pages = read_pdf(tmp_path / "out" / "results-summary.pdf").pages
    [note_page] = [p for p in pages if any(line.text.startswith("附件：") for line in p.lines)]
    texts = [line.text for line in note_page.lines if line is not note_page.folio_line]
    assert texts[0] != texts[-1] and not texts[0].startswith("附件："), texts  # not alone, not first
