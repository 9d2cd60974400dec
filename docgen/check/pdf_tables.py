"""Tables across page breaks: a row moves whole or all its cells continue, header rows are
repeated on every continuation page, and a merged cell that crosses the break shows its text
again on the new page.

Tables are found from their rules alone (every template draws cell borders): a *fragment* is
the part of a table on one page — the vertical rules that overlap in height, with the
horizontal rules between them. Two facts of the PDF carry the rest:

* A cell that goes on over the page break has no rule at the fragment's bottom (WeasyPrint
  slices the border box there), so an *open* bottom in a column means that cell continues.
  A fragment that is closed at the bottom continues on the next page only when nothing else
  follows it on its page, nothing precedes the next page's first fragment and both have the
  same outer edges.
* Header cells (``<th>``) are set in the 黑体 role (a Sans face) and body cells are not: the
  leading rows of a table's first fragment whose glyphs share no font with its last row are
  its header rows. A table without such rows has nothing to repeat.

Not detected: a merged cell that covers exactly one row on each side of the break looks like
two ordinary cells, so its blank continuation is only found when the row itself is split.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import Glyph, PageView

#: Points within which two rules are at the same position (a 0.75 pt rule, collapsed borders).
SAME = 1.5


@dataclass
class Fragment:
    """A table's part on one page: column edges ``xs``, horizontal rules as (y, x0, x1)."""

    page: PageView
    xs: list[float]
    top: float
    bottom: float
    horizontals: list[tuple[float, float, float]] = field(default_factory=list)
    _by_height: list[Glyph] | None = field(default=None, repr=False)
    _heights: list[float] = field(default_factory=list, repr=False)

    @property
    def left(self) -> float:
        return self.xs[0]

    @property
    def right(self) -> float:
        return self.xs[-1]

    def columns(self) -> list[tuple[float, float]]:
        return list(zip(self.xs, self.xs[1:]))

    def ys(self) -> list[float]:
        """Every horizontal rule's position, and the fragment's top and bottom."""
        out: list[float] = []
        for y in sorted([self.top, self.bottom] + [h[0] for h in self.horizontals]):
            if not out or y - out[-1] > SAME:
                out.append(y)
        return out

    def rules_in(self, column: tuple[float, float]) -> list[float]:
        """The horizontal rules that cross ``column``'s middle, top to bottom."""
        mid = (column[0] + column[1]) / 2
        ys = sorted(y for y, x0, x1 in self.horizontals if x0 - SAME <= mid <= x1 + SAME)
        return [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > SAME]

    def glyphs(self, x0: float, x1: float, top: float, bottom: float) -> list[Glyph]:
        """The glyphs whose centre lies in the box (the page's glyphs sorted by height once)."""
        if self._by_height is None:
            self._by_height = sorted((g for g in self.page.glyphs
                                      if self.top - SAME <= g.cy <= self.bottom + SAME), key=lambda g: g.cy)
            self._heights = [g.cy for g in self._by_height]
        lo, hi = bisect_left(self._heights, top), bisect_right(self._heights, bottom)
        return [g for g in self._by_height[lo:hi] if x0 <= g.cx <= x1]

    def text(self, x0: float, x1: float, top: float, bottom: float) -> str:
        glyphs = sorted(self.glyphs(x0, x1, top, bottom), key=lambda g: (round(g.baseline), g.x0))
        return "".join(g.text for g in glyphs)

    def band_text(self, top: float, bottom: float) -> str:
        return "|".join(self.text(a, b, top, bottom) for a, b in self.columns())


def fragments(page: PageView) -> list[Fragment]:
    """The table fragments on ``page``, top to bottom."""
    verticals = sorted((s for s in page.rules if s.vertical), key=lambda s: s.top)
    groups: list[list] = []
    for s in verticals:  # vertical rules overlapping in height belong to one fragment
        if groups and s.top <= max(v.bottom for v in groups[-1]) + SAME:
            groups[-1].append(s)
        else:
            groups.append([s])
    horizontals = [s for s in page.rules if not s.vertical]
    out = []
    for group in groups:
        xs: list[float] = []
        for x in sorted(v.x for v in group):
            if not xs or x - xs[-1] > SAME:
                xs.append(x)
        top, bottom = min(v.top for v in group), max(v.bottom for v in group)
        hs = [(h.y, h.x0, h.x1) for h in horizontals
              if top - SAME <= h.y <= bottom + SAME and h.x1 > xs[0] and h.x0 < xs[-1]]
        if len(xs) >= 2 and hs:
            out.append(Fragment(page, xs, top, bottom, hs))
    return out


def check_tables(document: str, pages: list[PageView]) -> list[PageFinding]:
    out: list[PageFinding] = []
    per_page = [fragments(p) for p in pages]
    carried: Fragment | None = None  # the first fragment of a table that goes on to this page
    for i, on_page in enumerate(per_page):
        if not on_page:
            carried = None
            continue
        last = on_page[-1]
        first = carried if carried is not None and len(on_page) == 1 else last
        following = per_page[i + 1][0] if i + 1 < len(per_page) and per_page[i + 1] else None
        if following is not None and _continues(last, following):
            out += _check_break(document, first, last, following)
            carried = first
        else:
            carried = None
    return out


def table_foot(page: PageView) -> tuple[float, float, bool, bool] | None:
    """What tells whether the table at the foot of ``page`` goes on over the page break: its
    left and right edges, whether a cell is open at its bottom, whether nothing follows it on
    the page. None: no table on the page."""
    found = fragments(page)
    return _foot(found[-1]) if found else None


def table_head(page: PageView) -> tuple[float, float, bool] | None:
    """What tells whether the table at the head of ``page`` goes on from the page before: its
    left and right edges, whether nothing precedes it on the page. None: no table."""
    found = fragments(page)
    return _head(found[0]) if found else None


def joined(foot, head) -> bool:
    """A table with ``foot`` (:func:`table_foot`) at the bottom of a page goes on in the table
    with ``head`` (:func:`table_head`) at the top of the next: as :func:`check_tables` tells a
    break it checks."""
    if foot is None or head is None:
        return False
    (left, right, open_below, nothing_below), (next_left, next_right, nothing_above) = foot, head
    if abs(left - next_left) > 2 * SAME or abs(right - next_right) > 2 * SAME:
        return False
    return bool(open_below or (nothing_below and nothing_above))


def _foot(a: Fragment) -> tuple[float, float, bool, bool]:
    below = [ln for ln in a.page.body_lines if ln.top > a.bottom + SAME]
    return a.left, a.right, bool(_open_columns(a)), not below


def _head(b: Fragment) -> tuple[float, float, bool]:
    above = [ln for ln in b.page.body_lines if ln.bottom < b.top - SAME]
    return b.left, b.right, not above


def _open_columns(a: Fragment) -> list[int]:
    """Columns whose cell has no rule at the fragment's bottom: the cell goes on."""
    return [c for c, col in enumerate(a.columns())
            if not any(abs(y - a.bottom) <= SAME for y in a.rules_in(col))]


def _continues(a: Fragment, b: Fragment) -> bool:
    return joined(_foot(a), _head(b))


def _header_bands(first: Fragment) -> list[tuple[float, float]]:
    """The header rows of a table: leading rows of its first fragment set in fonts that its
    last row does not use."""
    ys = first.ys()
    bands = list(zip(ys, ys[1:]))
    if len(bands) < 2:
        return []
    body_fonts = {g.font for g in first.glyphs(first.left, first.right, *bands[-1])}
    header = []
    for band in bands[:-1]:
        fonts = {g.font for g in first.glyphs(first.left, first.right, *band)}
        if not fonts or fonts & body_fonts:
            break
        header.append(band)
    return header


def _column_names(first: Fragment, header: list[tuple[float, float]]) -> list[str]:
    if not header:
        return [f"第{c + 1}列" for c in range(len(first.columns()))]
    top, bottom = header[0][0], header[-1][1]
    return [re.sub(r"\s+", "", first.text(x0, x1, top, bottom)) or f"第{c + 1}列"
            for c, (x0, x1) in enumerate(first.columns())]


def _check_break(document: str, first: Fragment, a: Fragment, b: Fragment) -> list[PageFinding]:
    out = []
    header = _header_bands(first)
    names = _column_names(first, header)
    ys_b = b.ys()
    body_top = b.top
    if header:
        expected = [first.band_text(*band) for band in header]
        got = [b.band_text(*band) for band in zip(ys_b, ys_b[1:])][:len(expected)]
        if got != expected:
            out.append(PageFinding(document, b.page.number, Rule.HEADER_NOT_REPEATED,
                                   f"表格从第{a.page.number}页续排到本页，但本页没有重复表头"
                                   f"（应为：{'、'.join(n for n in names if not n.startswith('第'))[:60]}）"))
        else:
            body_top = ys_b[len(expected)]
    open_cols = _open_columns(a)
    if not open_cols:
        return out  # the row moved whole
    ys_a = a.ys()
    stayed, moved, blank = [], [], []
    for c, col in enumerate(a.columns()):
        if c not in open_cols or c >= len(b.columns()):
            continue
        rules_a = [y for y in a.rules_in(col) if y < a.bottom - SAME]
        cell_top = rules_a[-1] if rules_a else a.top
        rules_b = [y for y in b.rules_in(b.columns()[c]) if y > body_top + SAME]
        cell_bottom = rules_b[0] if rules_b else b.bottom
        text_a = a.text(*col, cell_top, a.bottom)
        text_b = b.text(*b.columns()[c], body_top, cell_bottom)
        merged = sum(1 for y in ys_a if cell_top + SAME < y < a.bottom - SAME) > 0 or \
            sum(1 for y in ys_b if body_top + SAME < y < cell_bottom - SAME) > 0
        if merged:
            if text_a and not text_b:
                blank.append((names[c], text_a))
            continue
        if text_a and not text_b:
            stayed.append(names[c])
        elif text_b and not text_a:
            moved.append(names[c])
    for name, text in blank:
        shown = text if len(text) <= 20 else text[:18] + "…"
        out.append(PageFinding(document, b.page.number, Rule.MERGED_CELL_BLANK,
                               f"合并单元格“{name}”从第{a.page.number}页跨到本页，本页续行处空白（上页为“{shown}”）"))
    if moved and stayed:
        out.append(PageFinding(document, a.page.number, Rule.ROW_SPLIT,
                               f"表格行跨页拆开：{'、'.join(stayed)}留在本页，{'、'.join(moved)}移到第{b.page.number}页"))
    elif moved:
        out.append(PageFinding(document, a.page.number, Rule.ROW_SPLIT,
                               f"表格行跨页拆开：本页只有行的上半部分，{'、'.join(moved)}整格移到第{b.page.number}页"))
    return out
