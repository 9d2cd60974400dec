"""A built PDF read once into what the rules look at: per page, the glyphs with their boxes,
the table rules, text lines, the folio, the 草稿 stamp and the internal links.

pdfplumber (on pdfminer.six) reads the PDF: it gives every character's box in page
coordinates (top-left origin, points) and every drawn line and rectangle, which is what a
preflight needs; nothing here lays text out again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: The 草稿 stamp (templates/base.html, css/official.css: 90 pt, rotated): its glyphs are the
#: stamp's characters at this size or more; no text of a document is set that large.
STAMP_MIN_SIZE = 60.0
STAMP_TEXT = "草稿"
#: A folio (GB/T 9704 §7.5, "— 1 —") sits below the text block: in the lowest part of the page.
FOLIO_BAND = 0.85
_FOLIO = re.compile(r"^[—–-]+\s*(\d+)\s*[—–-]+$")
#: A drawn line or rectangle this thin (points) is a rule: a table border, a red line.
RULE_MAX_THICKNESS = 2.5


@dataclass(frozen=True)
class Glyph:
    """One printed character: its box in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    baseline: float
    order: int = 0  # position in the page's drawing order (PageView.sequence)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Segment:
    """A rule: a thin line or rectangle, vertical or horizontal, as its extent."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def vertical(self) -> bool:
        return (self.bottom - self.top) > (self.x1 - self.x0)

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class TextLine:
    """Glyphs on one baseline with no wide gap between them (a table cell's line, a title line)."""

    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)


@dataclass
class Link:
    """An internal link: its area on the page and the physical page (1-based) it leads to."""

    x0: float
    x1: float
    top: float
    bottom: float
    target: int


@dataclass
class PageView:
    number: int  # physical, 1-based
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)  # printed, no whitespace, no stamp
    sequence: list[Glyph] = field(default_factory=list)  # glyphs and spaces in drawing order
    spaces: list[Glyph] = field(default_factory=list)
    stamp: list[Glyph] = field(default_factory=list)
    rules: list[Segment] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    folio: int | None = None
    folio_line: TextLine | None = None

    @property
    def stamped(self) -> bool:
        return {g.text for g in self.stamp} >= set(STAMP_TEXT)

    @property
    def body_lines(self) -> list[TextLine]:
        return [ln for ln in self.lines if ln is not self.folio_line]


@dataclass
class PdfView:
    path: Path
    pages: list[PageView]
    chars_by_font: dict[str, dict[str, int]]  # font name → character → first page it is on


def read_pdf(path: Path) -> PdfView:
    """Read every page of ``path``; raises on a file that is not a readable PDF."""
    import pdfplumber

    from docgen.check.pdfminer_compat import read_embedded_encodings

    read_embedded_encodings()
    pages: list[PageView] = []
    by_font: dict[str, dict[str, int]] = {}
    with pdfplumber.open(path) as pdf:
        page_ids = {p.page_obj.pageid: p.page_number for p in pdf.pages}
        for page in pdf.pages:
            view = PageView(page.page_number, float(page.width), float(page.height))
            for c in page.chars:
                glyph = _glyph(c, view.height, len(view.sequence))
                by_font.setdefault(glyph.font, {}).setdefault(glyph.text, view.number)
                if glyph.text in STAMP_TEXT and glyph.size >= STAMP_MIN_SIZE:
                    view.stamp.append(glyph)
                    continue
                view.sequence.append(glyph)
                if glyph.text.isspace() or not glyph.text:
                    view.spaces.append(glyph)
                else:
                    view.glyphs.append(glyph)
            view.rules = [s for s in map(_segment, page.lines + page.rects) if s is not None]
            view.lines = _lines(view.glyphs + view.spaces)
            view.links = _links(page, pdf, page_ids)
            _find_folio(view)
            pages.append(view)
            page.close()  # drops pdfplumber's per-page caches: a long document stays small
    return PdfView(path, pages, by_font)


def _glyph(c: dict, height: float, order: int) -> Glyph:
    return Glyph(c["text"], float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]),
                 float(c["size"]), c.get("fontname", ""), height - float(c["matrix"][5]), order)


def _segment(obj: dict) -> Segment | None:
    x0, x1, top, bottom = float(obj["x0"]), float(obj["x1"]), float(obj["top"]), float(obj["bottom"])
    if min(x1 - x0, bottom - top) > RULE_MAX_THICKNESS or max(x1 - x0, bottom - top) < 1.0:
        return None  # a filled area or a dot, not a rule
    return Segment(x0, x1, top, bottom)


def _lines(glyphs: list[Glyph]) -> list[TextLine]:
    """Glyphs grouped by baseline (1.5 pt), split where the gap is wider than 1.5 em: the
    cells of a table row on one baseline stay separate lines."""
    lines: list[TextLine] = []
    row: list[Glyph] = []
    for g in sorted(glyphs, key=lambda g: (round(g.baseline, 0), g.x0)):
        if row and abs(g.baseline - row[-1].baseline) > 1.5:
            lines.extend(_split_row(row))
            row = []
        row.append(g)
    if row:
        lines.extend(_split_row(row))
    return [ln for ln in lines if ln.text.strip()]


def _split_row(row: list[Glyph]) -> list[TextLine]:
    row.sort(key=lambda g: g.x0)
    out = [[row[0]]]
    for g in row[1:]:
        prev = out[-1][-1]
        if g.x0 - prev.x1 > 1.5 * max(g.size, prev.size):
            out.append([g])
        else:
            out[-1].append(g)
    return [TextLine([g for g in part if not g.text.isspace()] or part) for part in out]


def _find_folio(view: PageView) -> None:
    for line in view.lines:
        if line.top < view.height * FOLIO_BAND:
            continue
        m = _FOLIO.match(re.sub(r"\s+", "", line.text))
        if m:
            view.folio, view.folio_line = int(m.group(1)), line
            return


def _links(page, pdf, page_ids: dict[int, int]) -> list[Link]:
    out = []
    for annot in page.annots:
        data = annot.get("data") or {}
        dest = data.get("Dest")
        action = _resolve(data.get("A"))
        if dest is None and isinstance(action, dict):
            dest = action.get("D")
        target = _dest_page(_resolve(dest), pdf, page_ids)
        if target is not None:
            out.append(Link(float(annot["x0"]), float(annot["x1"]), float(annot["top"]), float(annot["bottom"]), target))
    return out


def _resolve(obj):
    from pdfminer.pdftypes import resolve1

    return resolve1(obj) if obj is not None else None


def _dest_page(dest, pdf, page_ids: dict[int, int]) -> int | None:
    from pdfminer.psparser import PSLiteral

    if isinstance(dest, (bytes, str, PSLiteral)):  # a named destination
        name = dest.name if isinstance(dest, PSLiteral) else dest
        try:
            dest = _resolve(pdf.doc.get_dest(name))
        except Exception:
            return None
        if isinstance(dest, dict):
            dest = _resolve(dest.get("D"))
    if isinstance(dest, list) and dest:
        ref = dest[0]
        objid = getattr(ref, "objid", None)
        return page_ids.get(objid)
    return None
