"""Where glyphs lie: inside the page, out of its margins, inside their table cells, and not
over one another.

* Clipped: a glyph box that leaves the page box (mediabox) by more than
  :data:`CLIP_TOLERANCE` — the reader never sees it.
* In the margin: a glyph of the body (not the folio) nearer a page edge than
  :data:`MIN_MARGIN`. The templates' text areas differ per family and orientation (37/26/35/28
  mm portrait, 22/20 mm landscape accounts tables, 20/15/18 mm detail table); the narrowest of
  them is above 15 mm, so text within 10 mm of an edge has left its text area whatever the
  family. The folio lives in the bottom margin by design and only has to stay on the page.
* Across a rule: a glyph that a table rule runs through (a vertical rule between its left and
  right edge, over its height; a horizontal rule through its middle half) — text that overflows
  its cell.
* Overprint: two glyphs whose boxes overlap by more than :data:`OVERPRINT_SHARE` of the smaller
  one in both directions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import Glyph, PageView, Segment

#: Points a glyph box may pass the page edge: rounding in the PDF's coordinates, not text cut off.
CLIP_TOLERANCE = 0.5
#: 10 mm in points: see the module docstring.
MIN_MARGIN = 10 * 72 / 25.4
#: Points a glyph's box may reach over a rule's centre line (a 0.75 pt rule is 0.375 pt either side).
RULE_TOLERANCE = 0.5
#: Share of the smaller glyph's width and height two glyph boxes must overlap to be overprinted;
#: kerning and tight punctuation overlap far less.
OVERPRINT_SHARE = 0.35
#: At most this many findings of one rule on one page are itemised; the rest are counted.
MAX_PER_PAGE = 8


def check_geometry(document: str, page: PageView) -> list[PageFinding]:
    findings = _page_edges(document, page)
    findings += _rules_crossed(document, page)
    findings += _overprint(document, page)
    return findings


def _word(page: PageView, glyph: Glyph) -> str:
    """The word ``glyph`` belongs to: the glyphs drawn right before and after it on its
    baseline, each starting where the last ended (less than half an em apart). Drawing order,
    not position, keeps a cell's text together where it runs over the next cell's."""
    seq = page.sequence
    start = end = glyph.order
    while start > 0 and _joined(seq[start - 1], seq[start]):
        start -= 1
    while end + 1 < len(seq) and _joined(seq[end], seq[end + 1]):
        end += 1
    text = "".join(g.text for g in seq[start:end + 1]).strip()
    return text if len(text) <= 24 else (text[:22] + "…")


def _joined(left: Glyph, right: Glyph) -> bool:
    gap = right.x0 - left.x1
    return abs(right.baseline - left.baseline) < 1 and -0.1 * left.size < gap < 0.5 * left.size


_EDGES = {
    "left": ("左", lambda g: g.x0, lambda p: 0.0, -1),
    "right": ("右", lambda g: g.x1, lambda p: p.width, 1),
    "top": ("上", lambda g: g.top, lambda p: 0.0, -1),
    "bottom": ("下", lambda g: g.bottom, lambda p: p.height, 1),
}


def _page_edges(document: str, page: PageView) -> list[PageFinding]:
    out = []
    folio = set(page.folio_line.glyphs) if page.folio_line else set()
    for name, (word, coord, edge, sign) in _EDGES.items():
        limit = edge(page)
        axis = "x" if name in ("left", "right") else "y"
        size = f"页宽{page.width:.0f}pt" if axis == "x" else f"页高{page.height:.0f}pt"
        clipped = [g for g in page.glyphs if sign * (coord(g) - limit) > CLIP_TOLERANCE]
        if clipped:
            worst = max(clipped, key=lambda g: sign * coord(g))
            out.append(PageFinding(document, page.number, Rule.TEXT_CLIPPED,
                                   f"文字超出页面{word}边界（{axis}={coord(worst):.0f}pt，{size}）：“{_word(page, worst)}”"
                                   + (f"等{len(clipped)}个字符" if len(clipped) > 1 else "")))
            continue
        inner = [g for g in page.glyphs if g not in folio and sign * (coord(g) - limit) > -MIN_MARGIN]
        if inner:
            worst = max(inner, key=lambda g: sign * coord(g))
            distance = abs(coord(worst) - limit) * 25.4 / 72
            out.append(PageFinding(document, page.number, Rule.TEXT_IN_MARGIN,
                                   f"文字进入{word}页边距（{axis}={coord(worst):.0f}pt，距页边{distance:.1f}mm，"
                                   f"不足{MIN_MARGIN * 25.4 / 72:.0f}mm）：“{_word(page, worst)}”"))
    return out


def _rules_crossed(document: str, page: PageView) -> list[PageFinding]:
    verticals = sorted((s for s in page.rules if s.vertical), key=lambda s: s.x)
    horizontals = sorted((s for s in page.rules if not s.vertical), key=lambda s: s.y)
    vx = [s.x for s in verticals]
    hy = [s.y for s in horizontals]
    hits: dict[tuple, tuple[Glyph, Segment]] = {}
    for g in page.glyphs:
        lo, hi = bisect_right(vx, g.x0 + RULE_TOLERANCE), bisect_left(vx, g.x1 - RULE_TOLERANCE)
        for s in verticals[lo:hi]:
            if s.top < g.bottom - 1 and s.bottom > g.top + 1:
                hits.setdefault((_word(page, g), round(s.x)), (g, s))
                break
        quarter = (g.bottom - g.top) / 4
        lo, hi = bisect_right(hy, g.top + quarter), bisect_left(hy, g.bottom - quarter)
        for s in horizontals[lo:hi]:
            if s.x0 < g.x1 - 1 and s.x1 > g.x0 + 1:
                hits.setdefault((_word(page, g), -round(s.y)), (g, s))
                break
    out = []
    for (word, _), (g, s) in list(hits.items())[:MAX_PER_PAGE]:
        where = f"x={s.x:.0f}pt的竖线" if s.vertical else f"y={s.y:.0f}pt的横线"
        out.append(PageFinding(document, page.number, Rule.CELL_RULE_CROSSED,
                               f"文字跨越表格线（{where}），超出单元格：“{word}”"))
    if len(hits) > MAX_PER_PAGE:
        out.append(PageFinding(document, page.number, Rule.CELL_RULE_CROSSED,
                               f"另有{len(hits) - MAX_PER_PAGE}处文字跨越表格线"))
    return out


def _overprint(document: str, page: PageView) -> list[PageFinding]:
    pairs = _overprinted_pairs(page.glyphs)
    out, reported = [], set()
    for a, b in sorted(pairs, key=lambda p: (p[0].top, p[0].x0, p[1].top, p[1].x0)):
        words = (_word(page, a), _word(page, b))
        if words in reported:
            continue
        reported.add(words)
        if len(reported) > MAX_PER_PAGE:
            continue
        out.append(PageFinding(document, page.number, Rule.OVERPRINT,
                               f"文字重叠（x={a.x0:.0f}pt，y={a.top:.0f}pt）：“{words[0]}”与“{words[1]}”"))
    if len(reported) > MAX_PER_PAGE:
        out.append(PageFinding(document, page.number, Rule.OVERPRINT, f"另有{len(reported) - MAX_PER_PAGE}处文字重叠"))
    return out


#: Points: the side of the grid's squares in :func:`_overprinted_pairs`, about two glyphs.
_GRID = 16.0


def _overprinted_pairs(glyphs: list[Glyph]) -> list[tuple[Glyph, Glyph]]:
    """The pairs of glyphs overlapping by :data:`OVERPRINT_SHARE`, each pair once, in page order.

    Each glyph goes into the grid squares its box touches, so it meets only its neighbours. A
    pair sharing several squares is judged in the one holding the top-left corner of the two
    boxes' overlap (a point of both boxes, so both are in its square): no set of pairs seen."""
    grid: dict[tuple[int, int], list[Glyph]] = defaultdict(list)
    for g in glyphs:
        for bx in range(int(g.x0 // _GRID), int(g.x1 // _GRID) + 1):
            for by in range(int(g.top // _GRID), int(g.bottom // _GRID) + 1):
                grid[bx, by].append(g)
    pairs = []
    for (bx, by), square in grid.items():
        for i, a in enumerate(square):
            for b in square[i + 1:]:
                left, top = max(a.x0, b.x0), max(a.top, b.top)
                w = min(a.x1, b.x1) - left
                h = min(a.bottom, b.bottom) - top
                if (w > OVERPRINT_SHARE * min(a.x1 - a.x0, b.x1 - b.x0) and w > 0
                        and h > OVERPRINT_SHARE * min(a.bottom - a.top, b.bottom - b.top) and h > 0
                        and int(left // _GRID) == bx and int(top // _GRID) == by):
                    pairs.append((a, b))
    return pairs
