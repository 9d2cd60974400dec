"""Titles and headings wrap only between words (GB/T 9704 §7.3.1, "词意完整"): never
"绩效评/价". Words are :func:`docgen.rules.words.words` (jieba), as the PDF renderer keeps them.

A heading is text set larger than any body text (:data:`HEADING_MIN_SIZE`); its lines are the
consecutive lines of one size, one below the other. An explicit break (``<br>``) that falls
between words passes like any other; one inside a word is reported like any other.
"""

from __future__ import annotations

import re

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import PageView, TextLine
from docgen.rules.words import words

#: Body text is 3号 (16 pt) at most; titles are 18 pt (part headings) to 30 pt (covers).
HEADING_MIN_SIZE = 17.0

#: Lines of one heading are at most this many sizes apart (titles are set 1.3–1.6 line
#: heights); two headings in a row are further apart by their margins.
LINE_PITCH = 1.7

def heading_blocks(page: PageView) -> list[list[TextLine]]:
    """The page's headings, each as its lines top to bottom (only those that wrap matter)."""
    big = sorted((ln for ln in page.body_lines if ln.size >= HEADING_MIN_SIZE), key=lambda ln: ln.top)
    blocks: list[list[TextLine]] = []
    for line in big:
        last = blocks[-1][-1] if blocks else None
        if (last is not None and abs(line.size - last.size) < 0.5 and 0 < line.top - last.top <= LINE_PITCH * line.size
                and line.x0 < last.x1 and line.x1 > last.x0):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def check_headings(document: str, page: PageView) -> list[PageFinding]:
    out = []
    for block in heading_blocks(page):
        if len(block) < 2:
            continue
        texts = [re.sub(r"\s+", "", ln.text) for ln in block]
        joined = "".join(texts)
        bounds, at = set(), 0
        for word in words(joined):
            at += len(word)
            bounds.add(at)
        at = 0
        for left, right in zip(texts, texts[1:]):
            at += len(left)
            if at not in bounds:
                before, after = left[-4:], right[:3]
                out.append(PageFinding(document, page.number, Rule.HEADING_BROKEN_IN_WORD,
                                       f"标题在词中间换行：“…{before}/{after}…”（{joined}）"))
    return out
