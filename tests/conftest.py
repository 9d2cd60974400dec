"""Shared fixtures: the samples rendered once per test session."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def squash(text: str) -> str:
    """Text without any whitespace: PDF line breaks fall anywhere inside Chinese text."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    """The text of every page in drawing order (pypdf keeps each table cell together),
    page-number footers (— 1 —) removed, whitespace removed."""
    from pypdf import PdfReader

    lines = [
        ln
        for page in PdfReader(str(path)).pages
        for ln in page.extract_text().splitlines()
        if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)
    ]
    return squash("".join(lines))


def pdftotext(path: Path) -> str:
    """poppler's reading-order text, whitespace removed (for single-line fields)."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return squash(out)


def docx_text(path: Path) -> str:
    """Every paragraph of the body and of every table cell, read back with python-docx."""
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return squash("".join(parts))


@pytest.fixture(scope="session")
def rendered_jiyuan(tmp_path_factory):
    """The jiyuan-2023 sample rendered as DOCX and PDF into a temporary folder."""
    from helpers import Family, Format, render

    out = tmp_path_factory.mktemp("jiyuan")
    report = render(Family.RESULT_SHEET, [SAMPLES / "jiyuan-2023"], out, Format.ALL)
    assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return out


@pytest.fixture(autouse=True, scope="session")
def pools_fork_as_before():
    """This process grows past ``executor.FORK_LIMIT_BYTES`` as the suite runs, so a pool would
    fork or start a fork server depending on the tests run before it. Pools fork here; the
    tests of the fork server ask for it (a start method, or the limit set in the test)."""
    import docgen.build.executor as executor

    limit, executor.FORK_LIMIT_BYTES = executor.FORK_LIMIT_BYTES, 1 << 62
    yield
    executor.FORK_LIMIT_BYTES = limit


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder; messages name files relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


def pdf_page_columns(path: Path, widths_mm: list[float]) -> list[list[str]]:
    """Text of each table column on each page (whitespace removed), from poppler's word boxes:
    ``[page][column]``. The repeated header row (same words at the same x on every page) and the
    page numbers are left out."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [
            (float(x0), float(y0), float(x1), html.unescape(text))
            for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
        ]
        footer = [w for w in words if w[1] > height * 0.9 and re.fullmatch(r"[—\-\d]+", w[3])]
        pages.append([w for w in words if w not in footer])
    placed = [{(round(w[0]), w[3]) for w in page} for page in pages]
    repeated = set.intersection(*placed) if len(pages) > 1 else set()
    result = []
    for words in pages:
        columns = [""] * len(widths_mm)
        left = min(w[0] for w in words)  # the text block's left edge (the 单位 line, the table)
        edges = [left]
        for w in widths_mm:
            edges.append(edges[-1] + w * 72 / 25.4)
        for x0, y0, x1, text in sorted(words, key=lambda w: (round(w[1]), w[0])):
            if (round(x0), text) in repeated:
                continue
            centre = (x0 + x1) / 2
            for i in range(len(widths_mm)):
                if edges[i] <= centre < edges[i + 1]:
                    columns[i] += text
        result.append([squash(c) for c in columns])
    return result


def pdf_columns(path: Path, widths_mm: list[float]) -> list[str]:
    """Text of each table column across all pages (whitespace removed), from poppler's word
    boxes: a row that breaks across pages interleaves its cells in the content stream, so a
    cell's text is only contiguous when read column by column. The repeated header row (same
    words at the same x on every page) and the page numbers are left out."""
    pages = pdf_page_columns(path, widths_mm)
    return ["".join(page[i] for page in pages) for i in range(len(widths_mm))]


def embedded_glyphs(path: Path) -> dict[str, bool]:
    """Every character the PDF's fonts map (ToUnicode), and whether its glyph in the embedded
    font program has an outline: False means a blank or .notdef box where text should be."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    drawn: dict[str, bool] = {}
    fonts = {}
    for page in PdfReader(str(path)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            fonts[ref.idnum] = ref.get_object()
    for font in fonts.values():
        descendant = font["/DescendantFonts"][0].get_object()
        assert descendant.get("/CIDToGIDMap", "/Identity") == "/Identity"
        descriptor = descendant["/FontDescriptor"].get_object()
        program = next(descriptor[k].get_object().get_data() for k in ("/FontFile2", "/FontFile3")
                       if k in descriptor)
        face = TTFont(io.BytesIO(program))
        order = face.getGlyphOrder()
        glyphs = face.getGlyphSet()
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for gid, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                char = bytes.fromhex(text).decode("utf-16-be")
                gid = int(gid, 16)
                has_outline = False
                if 0 < gid < len(order):
                    from fontTools.pens.boundsPen import ControlBoundsPen

                    pen = ControlBoundsPen(glyphs)
                    glyphs[order[gid]].draw(pen)
                    has_outline = pen.bounds is not None
                drawn[char] = drawn.get(char, False) or has_outline
    return drawn


def assert_every_glyph_drawn(path: Path) -> None:
    """No character of the PDF is drawn blank or as .notdef. With the round-trip tests (the
    data's text is the PDF's text) this means every printed character of the data has its glyph."""
    drawn = embedded_glyphs(path)
    blank = sorted(c for c, ok in drawn.items() if not ok and not c.isspace())
    assert not blank, f"{path.name}: no glyph for {''.join(blank)}"


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)
    elif hasattr(value, "model_dump"):
        yield from _texts(value.model_dump())


def sample_characters(folder: Path) -> set[str]:
    """Every character of every text a sample's data holds."""
    from docgen.input import load_dataset

    data = load_dataset([folder])
    used = set()
    for block in data.blocks.values():
        used |= set("".join(_texts(block)))
    used |= set("".join(_texts([p.project for p in data.projects])))
    return used - {"\n", "\t"}


@pytest.fixture(scope="session")
def family_samples() -> dict[str, Path]:
    """Each registered family and a sample folder whose data declares it (from the registry
    and the samples' own data: a new family's sample is found without a list here)."""
    from docgen import families
    from docgen.input import load_dataset

    found: dict[str, Path] = {}
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        for name in load_dataset([folder]).families:
            found.setdefault(name, folder)
    assert set(found) == set(families.names()), "every family needs a sample under samples/"
    return found


# --- where glyphs lie on the page (pdfplumber; tests that use these importorskip it)

MM = 72 / 25.4


def glyphs_outside_text_block(path: Path, margins_mm: dict[str, tuple[float, float]],
                              tolerance: float = 1.0) -> list[tuple[int, str, float, float]]:
    """(page, character, x0, x1) of every character that reaches into the left or right margin.
    ``margins_mm`` gives (left, right) in mm for "portrait" and "landscape" pages (told apart by
    the page's width and height)."""
    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            left, right = margins_mm["landscape" if page.width > page.height else "portrait"]
            low, high = left * MM - tolerance, float(page.width) - right * MM + tolerance
            out.extend((number, c["text"], round(c["x0"], 1), round(c["x1"], 1))
                       for c in page.chars if c["x0"] < low or c["x1"] > high)
    return out


def glyphs_across_rules(path: Path, tolerance: float = 0.6) -> list[tuple[int, str, float]]:
    """(page, character, rule x) of every character that a vertical rule (a table's cell
    border) crosses: the character sticks out of its cell."""
    import bisect

    import pdfplumber

    out = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rules = sorted((float(e["x0"]), float(e["top"]), float(e["bottom"])) for e in page.edges
                           if e["orientation"] == "v" and e["bottom"] - e["top"] > 2)
            xs = [r[0] for r in rules]
            for c in page.chars:
                if not c["text"].strip():
                    continue
                start = bisect.bisect_right(xs, c["x0"] + tolerance)
                stop = bisect.bisect_left(xs, c["x1"] - tolerance)
                for x, top, bottom in rules[start:stop]:
                    if top < c["bottom"] - tolerance and bottom > c["top"] + tolerance:
                        out.append((number, c["text"], round(x, 1)))
                        break
    return out


def docx_tables_wider_than_text(path: Path) -> list[tuple[int, float, float]]:
    """(table index, grid width, text width) in mm of every table whose columns (w:gridCol) add
    up to more than the text width of its section (page width less left and right margins)."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(str(path)).element.body
    pending, out, index = [], [], 0

    def text_width(sect) -> float:
        size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        return (int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))) / 1440 * 25.4

    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            grid = sum(int(c.get(qn("w:w"))) for c in child.iter(qn("w:gridCol"))) / 1440 * 25.4
            pending.append((index, grid))
            index += 1
        sect = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if sect is not None:
            width = text_width(sect)
            out.extend((i, round(g, 1), round(width, 1)) for i, g in pending if g > width + 0.5)
            pending = []
    return out
