"""A built PDF read once into what the rules look at: per page, the glyphs with their boxes,
the table rules, text lines, the folio, the 草稿 stamp and the internal links.

pypdfium2 (PDFium, the PDF engine of Chrome, through its ctypes binding) reads the PDF: every
character with its font, size, origin and box, every path object's bounds and every link, in
C — about four times faster than pdfplumber on pdfminer.six in pure Python (1.2 s against
5 s for the 51-page final accounts on the shared 2-core machine), which is what lets a build
check every file it writes. Two of its habits matter here: it reads
characters through the font's ToUnicode map by character code, so a glyph WeasyPrint had to
draw as .notdef still comes out as the character it stands for; and it drops a character
drawn exactly over the same character (a fake bold), so such an overprint, invisible anyway,
is not reported. Coordinates here are points from the page's top-left corner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: The 草稿 stamp (templates/base.html, css/official.css: 90 pt, rotated): its glyphs are the
#: stamp's characters at this size or more; no text of a document is set that large.
STAMP_MIN_SIZE = 60.0
STAMP_TEXT = "草稿"
#: The built-in stamp is drawn as outlines (tools/make_draft_stamp.py: fill #c80000), so that
#: the page's text is the document's own: a filled path of this colour is the stamp.
STAMP_FILL = (200, 0, 0)
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
    stamp_outlines: int = 0  # filled paths of the stamp's colour
    rules: list[Segment] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    folio: int | None = None
    folio_line: TextLine | None = None

    @property
    def stamped(self) -> bool:
        return bool(self.stamp_outlines) or {g.text for g in self.stamp} >= set(STAMP_TEXT)

    @property
    def body_lines(self) -> list[TextLine]:
        return [ln for ln in self.lines if ln is not self.folio_line]


@dataclass
class PdfView:
    path: Path
    pages: list[PageView]
    chars_by_font: dict[str, dict[str, int]]  # font name → character → first page it is on
    page_count: int = 0  # the document's pages (``pages`` holds fewer when only some were read)


def read_pdf(path: Path, only: set[int] | None = None) -> PdfView:
    """Read every page of ``path`` (or the pages numbered in ``only``, 1-based); raises on a
    file that is not a readable PDF, or that has no page of a number in ``only``."""
    import pypdfium2 as pdfium

    pages: list[PageView] = []
    by_font: dict[str, dict[str, int]] = {}
    document = pdfium.PdfDocument(str(path))
    try:
        count = len(document)
        if only is not None and any(not 1 <= n <= count for n in only):
            raise ValueError(f"no page {sorted(only)} in a PDF of {count} pages")
        for index in range(count) if only is None else sorted(n - 1 for n in only):
            page = document[index]
            try:
                pages.append(_read_page(document, page, index + 1, by_font))
            finally:
                page.close()
    finally:
        document.close()
    return PdfView(path, pages, by_font, count)


def _read_page(document, page, number: int, by_font: dict[str, dict[str, int]]) -> PageView:
    import pypdfium2.raw as raw

    width, height = page.get_size()
    view = PageView(number, float(width), float(height))
    textpage = page.get_textpage()
    try:
        for fields in _glyphs(textpage, view.height):
            glyph = Glyph(*fields, len(view.sequence))
            by_font.setdefault(glyph.font, {}).setdefault(glyph.text, number)
            if glyph.text in STAMP_TEXT and glyph.size >= STAMP_MIN_SIZE:
                view.stamp.append(glyph)
                continue
            view.sequence.append(glyph)
            (view.spaces if glyph.text.isspace() or not glyph.text else view.glyphs).append(glyph)
    finally:
        textpage.close()
    # WeasyPrint draws each border side as a path of its own, on the page itself
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=1):
        if _fill(obj) == STAMP_FILL:
            view.stamp_outlines += 1
            continue
        left, bottom, right, top = obj.get_bounds()
        segment = _segment(left, right, height - top, height - bottom)
        if segment is not None:
            view.rules.append(segment)
    view.lines = _lines(view.glyphs + view.spaces)
    view.links = _links(document, page, view.height)
    _find_folio(view)
    return view


def _fill(obj) -> tuple[int, int, int] | None:
    """A path's fill colour (red, green, blue), None when it is not filled."""
    import ctypes

    import pypdfium2.raw as raw

    mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(mode), ctypes.byref(stroke)) or mode.value == 0:
        return None
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in (r, g, b, a))):
        return None
    return r.value, g.value, b.value


def _glyphs(textpage, height: float):
    """Every printed character in drawing order, as the fields of a :class:`Glyph` whose box runs across
    its advance and from the font's descent to one em above it (as pdfminer measures it: the
    box does not depend on the glyph's ink)."""
    import ctypes

    import pypdfium2.raw as raw

    tp = textpage.raw
    count = raw.FPDFText_CountChars(tp)
    rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    i = 0
    while i < count:
        index = i
        code = raw.FPDFText_GetUnicode(tp, index)
        i += 1
        if raw.FPDFText_IsGenerated(tp, index) == 1:
            continue  # a space or line end pdfium made up, not printed
        if 0xD800 <= code < 0xDC00 and i < count:  # a surrogate pair is one character
            low = raw.FPDFText_GetUnicode(tp, i)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                i += 1
        raw.FPDFText_GetLooseCharBox(tp, index, ctypes.byref(rect))
        raw.FPDFText_GetMatrix(tp, index, ctypes.byref(matrix))
        raw.FPDFText_GetCharOrigin(tp, index, ctypes.byref(x), ctypes.byref(y))
        size = raw.FPDFText_GetFontSize(tp, index) * ((matrix.a ** 2 + matrix.b ** 2) ** 0.5 or 1.0)
        raw.FPDFText_GetFontInfo(tp, index, name, ctypes.sizeof(name), ctypes.byref(flags))
        bottom = height - rect.bottom
        upright = abs(matrix.b) < 1e-6 and abs(matrix.c) < 1e-6
        top = bottom - size if upright else height - rect.top
        yield (chr(code) if code else "", rect.left, rect.right, top, bottom, size,
               name.value.decode("latin-1"), height - y.value)


def _segment(x0: float, x1: float, top: float, bottom: float) -> Segment | None:
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


def _links(document, page, height: float) -> list[Link]:
    """Internal links (to a page of this document) with their areas."""
    import ctypes

    import pypdfium2.raw as raw

    out = []
    start, link, rect = ctypes.c_int(0), raw.FPDF_LINK(), raw.FS_RECTF()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(start), ctypes.byref(link)):
        dest = raw.FPDFLink_GetDest(document.raw, link)
        if not dest:
            action = raw.FPDFLink_GetAction(link)
            dest = raw.FPDFAction_GetDest(document.raw, action) if action else None
        target = raw.FPDFDest_GetDestPageIndex(document.raw, dest) if dest else -1
        if target >= 0 and raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            top, bottom = sorted((height - rect.top, height - rect.bottom))
            out.append(Link(min(rect.left, rect.right), max(rect.left, rect.right), top, bottom, target + 1))
    return out
