"""Folios and the 目录.

Folios ("— N —", GB/T 9704 §7.5) go up by one from page to page once they start (a cover and
a 目录 before the first folio may carry none); a page after that without a folio, or a folio
that restarts or skips, is reported. Every 目录 entry's number must be the folio printed on the
page the entry leads to: the page its link points at, or, without a link, some page that
prints that number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import PageView

_ENTRY = re.compile(r"^(?P<text>.*?)[.…·．⋯]{3,}\s*(?P<page>\d+)$")


@dataclass
class ContentsEntry:
    text: str
    number: int
    page: int  # the 目录 page it is on
    target: int | None  # the physical page its link leads to


def check_folios(document: str, pages: list[PageView]) -> list[PageFinding]:
    out = []
    previous: PageView | None = None
    for page in pages:
        if page.folio is None:
            # a blank page (a verso left empty so that the next document starts on a right-hand
            # page) carries no folio but is counted
            if previous is not None and (page.glyphs or page.rules):
                out.append(PageFinding(document, page.number, Rule.FOLIO_BROKEN, "本页没有页码"))
            continue
        if previous is not None:
            expected = previous.folio + (page.number - previous.number)
            if page.folio != expected:
                out.append(PageFinding(document, page.number, Rule.FOLIO_BROKEN,
                                       f"页码不连续：本页印“— {page.folio} —”，接前页应为“— {expected} —”"))
        previous = page
    return out


def contents_entries(pages: list[PageView]) -> list[ContentsEntry]:
    """The entries of the document's 目录 (the page whose line reads 目录, and the pages right
    after it that go on listing entries); [] when it has none."""
    start = next((p for p in pages if any(_squash(ln.text) == "目录" for ln in p.body_lines)), None)
    if start is None:
        return []
    entries: list[ContentsEntry] = []
    for page in pages[start.number - 1:]:
        found = _entries_on(page)
        if not found and page is not start:
            break
        entries.extend(found)
    return entries


def lists_entries(page: PageView) -> bool:
    """``page`` holds lines of a 目录 (text, a leader, a number): after a 目录's first page,
    :func:`contents_entries` goes on over such pages."""
    return bool(_entries_on(page))


def _entries_on(page: PageView) -> list[ContentsEntry]:
    lines = sorted(page.body_lines, key=lambda ln: (ln.top, ln.x0))
    numbered = [ln for ln in lines if _ENTRY.match(_squash(ln.text))]
    if not numbered:
        return []
    right = max(ln.x1 for ln in numbered)
    out, pending = [], []
    for line in lines:
        text = _squash(line.text)
        m = _ENTRY.match(text)
        if m is None:
            # a full-width line without a number is the first part of a wrapped entry;
            # a short one (a group's name, the title) stands alone
            pending = pending + [text] if line.x1 > right - 2 * line.size else []
            continue
        target = next((lk.target for lk in page.links if lk.top - 2 <= line.top <= lk.bottom + 2
                       and lk.top - 2 <= line.bottom <= lk.bottom + 2), None)
        out.append(ContentsEntry("".join(pending) + m.group("text"), int(m.group("page")), page.number, target))
        pending = []
    return out


def check_contents(document: str, pages: list[PageView]) -> list[PageFinding]:
    out = []
    by_folio: dict[int, list[int]] = {}
    for page in pages:
        if page.folio is not None:
            by_folio.setdefault(page.folio, []).append(page.number)
    for entry in contents_entries(pages):
        name = entry.text if len(entry.text) <= 30 else entry.text[:28] + "…"
        if entry.target is not None:
            target = pages[entry.target - 1]
            if target.folio is None:
                out.append(PageFinding(document, entry.page, Rule.CONTENTS_PAGE_WRONG,
                                       f"目录“{name}”标注第{entry.number}页，它指向的PDF第{target.number}页没有页码"))
            elif target.folio != entry.number:
                out.append(PageFinding(document, entry.page, Rule.CONTENTS_PAGE_WRONG,
                                       f"目录“{name}”标注第{entry.number}页，它指向的PDF第{target.number}页"
                                       f"印的页码是“— {target.folio} —”"))
        elif entry.number not in by_folio:
            out.append(PageFinding(document, entry.page, Rule.CONTENTS_PAGE_WRONG,
                                   f"目录“{name}”标注第{entry.number}页，文档中没有印这个页码的页"))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


__all__ = ["ContentsEntry", "check_contents", "check_folios", "contents_entries", "lists_entries"]
