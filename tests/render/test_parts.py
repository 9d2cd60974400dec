"""Long documents laid out in two parts (docgen.render.parts) and assembled into one PDF
(docgen.render.assemble): the same pages, text, glyphs, folios, links and outline as the
document laid out in one piece, each font embedded once, the same bytes whether the parts are laid out by two workers at once or one after the other."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from docgen.input import load_dataset
from docgen.build import load_packet
from docgen.build.executor import ProcessExecutor
from docgen.build.plan import plan_documents
from docgen.build.tasks import RENDERERS as _RENDERERS, render_pdf_now, warm_worker
from docgen.render.assemble import merge_truetype
from docgen.render.parts import PART_MARK, PARTS_MARK, split_html

from conftest import SAMPLES, assert_every_glyph_drawn, needs_poppler
from helpers import stamped_pages


def _html(body: str) -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body class="x">{body}</body></html>'


def test_split_needs_both_marks():
    assert split_html(_html("<p>a</p>")) is None
    assert split_html(_html(f"<p>a</p>{PART_MARK}<p>b</p>")) is None  # no <!--docgen:parts-->
    assert split_html(_html(f"{PARTS_MARK}<p>a</p>")) is None  # nowhere to cut


def test_split_halves_the_work_and_repeats_the_common_part():
    pieces = ["<table>" + "<tr><td>预算</td></tr>" * n + "</table>" for n in (30, 10, 10, 10)]
    split = split_html(_html('<div class="stamp">草稿</div>' + PARTS_MARK + PART_MARK.join(pieces)))
    # 60 cells of two characters: the cut after the first piece (30 | 30) is the best
    assert split.first.count("<td>") == 30 and split.later.count("<td>") == 30
    for part in (split.first, split.later):
        assert part.startswith("<!DOCTYPE html>") and '<body class="x"><div class="stamp">草稿</div>' in part
        assert part.endswith("</body></html>")
    assert split_html(_html('<div class="stamp">草稿</div>' + PARTS_MARK + PART_MARK.join(pieces))) == split


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_parts_laid_out_at_once_by_two_workers_give_the_same_bytes(final_accounts, in_parts, tmp_path,
                                                                    start_method):
    """The build's way: the two parts are two tasks on a pool of two workers, the later part
    waiting for the first part's page count; the bytes are those of the parts laid out one
    after the other in this process."""
    renderer, html, created, _ = final_accounts
    context = final_accounts[3]
    with ProcessExecutor(2, initializer=warm_worker, start_method=start_method) as executor:
        data, title, pages = render_pdf_now(executor, str(renderer.templates.root), "final-accounts", context,
                                            created, str(tmp_path))
    assert data == in_parts[0].read_bytes() and (title, pages) == in_parts[1:]


# --------------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def final_accounts():
    spec, _ = load_packet(SAMPLES / "shangdang-gov-office-2023" / "packet.yaml")
    data = load_dataset(spec.inputs)
    docs, _ = plan_documents(data, ["final-accounts"])
    renderer = _RENDERERS.pdf(str(spec.templates))
    html = renderer.html("final-accounts", docs[0].context)
    assert html.count(PART_MARK) == len(docs[0].context["accounts"].forms) == 12
    return renderer, html, spec.pdf_date, docs[0].context


@pytest.fixture(scope="module")
def in_parts(final_accounts, tmp_path_factory):
    renderer, html, created, _ = final_accounts
    data, title, pages = renderer.write(html, created)
    path = tmp_path_factory.mktemp("parts") / "parts.pdf"
    path.write_bytes(data)
    return path, title, pages


@pytest.fixture(scope="module")
def in_one_piece(final_accounts, tmp_path_factory):
    """The same HTML without the marks: WeasyPrint lays out the whole document at once."""
    renderer, html, created, _ = final_accounts
    data, title, pages = renderer.write(html.replace(PARTS_MARK, "").replace(PART_MARK, ""), created)
    path = tmp_path_factory.mktemp("whole") / "whole.pdf"
    path.write_bytes(data)
    return path, title, pages


def _page_texts(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")


@needs_poppler
def test_pages_text_and_folios_as_in_one_piece(in_parts, in_one_piece):
    assert in_parts[1:] == in_one_piece[1:]  # title, page count
    assert in_parts[2] == 49
    parts, whole = _page_texts(in_parts[0]), _page_texts(in_one_piece[0])
    assert parts == whole
    assert "— 49 —" in parts[48] and "— 30 —" in parts[29]  # the later part numbered on


def _outline(reader):
    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, str(item.title), reader.get_destination_page_number(item), \
                    round(float(item.top or 0), 1)
    return list(walk(reader.outline, 0))


def _links(reader):
    out = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            dest = reader.named_destinations.get(str(annot["/Dest"])) if "/Dest" in annot else None
            out.append((number, [round(float(v)) for v in annot["/Rect"]],
                        reader.get_destination_page_number(dest) if dest else None))
    return out


def test_outline_links_and_metadata_as_in_one_piece(in_parts, in_one_piece):
    parts, whole = PdfReader(in_parts[0]), PdfReader(in_one_piece[0])
    outline = _outline(parts)
    assert outline == _outline(whole)
    # the later part's 自评表 titles are under 第五部分 附件, as in one piece
    annex = next(i for i, entry in enumerate(outline) if entry[1] == "第五部分 附件")
    assert [e for e in outline[annex + 1:] if e[0] == 0] == [] and outline[-1][0] == 1
    assert outline[-1][2] > 30
    assert _links(parts) == _links(whole) and len(_links(parts)) > 20
    assert all(target is not None for *_, target in _links(parts))
    assert parts.metadata.title == whole.metadata.title
    assert parts.metadata.get("/CreationDate") == whole.metadata.get("/CreationDate")
    assert parts.trailer["/Root"]["/Lang"] == "zh-CN"


def _fonts(path):
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:]]


@needs_poppler
def test_each_font_embedded_once_and_no_bigger(in_parts, in_one_piece):
    names = _fonts(in_parts[0])
    assert sorted(names) == sorted(_fonts(in_one_piece[0]))
    assert len(names) == len(set(names))
    assert in_parts[0].stat().st_size <= in_one_piece[0].stat().st_size * 1.01
    assert_every_glyph_drawn(in_parts[0])


def _glyphs(path) -> dict[str, dict[int, tuple]]:
    from fontTools.ttLib import TTFont

    out = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            glyf, order = tt["glyf"], tt.getGlyphOrder()
            out[str(font["/BaseFont"])] = {
                gid: (tuple(glyf[name].getCoordinates(glyf)[0]), tt["hmtx"][name])
                for gid, name in enumerate(order) if glyf[name].numberOfContours != 0}
    return out


def test_merged_fonts_hold_the_glyphs_of_the_one_piece_subsets(in_parts, in_one_piece):
    assert _glyphs(in_parts[0]) == _glyphs(in_one_piece[0])


@needs_poppler
def test_pages_look_the_same(in_parts, in_one_piece, tmp_path):
    for name, (path, *_) in (("parts", in_parts), ("whole", in_one_piece)):
        subprocess.run(["pdftoppm", "-r", "30", "-gray", str(path), str(tmp_path / name)], check=True)
    parts = sorted(tmp_path.glob("parts-*.pgm"))
    assert len(parts) == 49
    for page in parts:
        assert page.read_bytes() == (tmp_path / page.name.replace("parts", "whole")).read_bytes(), page.name


def test_merge_truetype_unites_subsets_that_kept_glyph_ids():
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from docgen.render.fonts import prepared_faces

    face = TTFont(str(prepared_faces()[0].path))
    cmap = face.getBestCmap()

    def subset_of(text: str) -> bytes:
        font = TTFont(str(prepared_faces()[0].path), recalcTimestamp=False)  # HarfBuzz keeps head's dates too
        options = subset.Options(retain_gids=True, notdef_outline=True)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=[ord(c) for c in text])
        sub.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    merged = TTFont(io.BytesIO(merge_truetype([subset_of("财政预算"), subset_of("绩效评价财政")])))
    glyf, order = merged["glyf"], merged.getGlyphOrder()
    for char in "财政预算绩效评价":
        gid = face.getGlyphID(cmap[ord(char)])
        original = face["glyf"][cmap[ord(char)]]
        assert glyf[order[gid]].getCoordinates(glyf)[0] == original.getCoordinates(face["glyf"])[0], char
        assert merged["hmtx"][order[gid]] == face["hmtx"][cmap[ord(char)]]
    drawn = sum(1 for name in order if glyf[name].numberOfContours != 0)
    assert drawn == 1 + 8  # .notdef and the eight characters, nothing else


def test_the_draft_stamp_is_on_every_page_of_both_parts(tmp_path):
    spec, _ = load_packet(SAMPLES / "shangdang-gov-office-2023" / "packet.yaml")
    docs, _ = plan_documents(load_dataset(spec.inputs), ["final-accounts"])
    renderer = _RENDERERS.pdf(str(spec.templates))
    data, _, pages = renderer.write(renderer.html("final-accounts", {**docs[0].context, "draft": True}))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pages == 49
    assert all(stamped_pages(reader))


def test_subsets_of_different_faces_are_not_merged():
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from docgen.render.fonts import prepared_faces

    serif = next(f for f in prepared_faces() if "Serif" in f.family and f.family.endswith("SC") and f.weight == 400)
    sans = next(f for f in prepared_faces() if "Sans" in f.family and f.family.endswith("SC") and f.weight == 400)

    def subset_of(path, text: str) -> bytes:
        font = TTFont(str(path))
        sub = subset.Subsetter(subset.Options(retain_gids=True))
        sub.populate(unicodes=[ord(c) for c in text])
        sub.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    with pytest.raises(ValueError):
        merge_truetype([subset_of(serif.path, "财政"), subset_of(sans.path, "预算")])
