"""The 草稿 stamp: on every page of a document built from data with errors, on no other.

Which documents were built with errors comes from the build's ``manifest.json`` (``draft`` of
each document); a combined PDF's pages belong to its documents by the combined PDF's own
bookmarks (one per document, titled as the manifest's ``title``, or as its part after "："
under a bookmark of the part before it). A file with no manifest beside it is taken to be a
draft when its first page carries the stamp, and then every page must carry it.
"""

from __future__ import annotations

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import PageView


def check_stamps(document: str, pages: list[PageView], draft_pages: set[int] | None) -> list[PageFinding]:
    """``draft_pages``: the physical pages that must carry the stamp (every other page must
    not); None when unknown, when page 1 decides for all."""
    if not pages:
        return []
    if draft_pages is None:
        draft_pages = {p.number for p in pages} if pages[0].stamped else set()
    missing = [p.number for p in pages if p.number in draft_pages and not p.stamped]
    extra = [p.number for p in pages if p.number not in draft_pages and p.stamped]
    out = [PageFinding(document, n, Rule.DRAFT_STAMP_MISSING, "文档按有错误的数据生成（草稿），但本页没有“草稿”标记")
           for n in missing]
    out += [PageFinding(document, n, Rule.DRAFT_STAMP_UNEXPECTED, "本页有“草稿”标记，但文档的数据没有错误")
            for n in extra]
    return out


def combined_draft_pages(path, titles: dict[str, bool]) -> set[int] | None:
    """The pages of a combined PDF that belong to draft documents: each document's bookmark
    (a title in ``titles``, title → draft) starts its range, the next bookmark of any document
    ends it. None when some draft document has no bookmark (its pages are then unknown)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    page_count = len(reader.pages)
    starts: list[tuple[int, str]] = []

    def walk(items, parent: str = ""):
        previous = ""
        for item in items:
            if isinstance(item, list):  # the children of the item before
                walk(item, previous)
                continue
            previous = str(getattr(item, "title", ""))
            # a family's documents sit under their common title: 组名 › 项目名 is 组名：项目名
            title = next((t for t in (previous, f"{parent}：{previous}") if t in titles), None)
            if title is not None:
                try:
                    starts.append((reader.get_destination_page_number(item) + 1, title))
                except Exception:
                    pass

    try:
        walk(reader.outline)
    except Exception:
        return None
    starts.sort()
    found = {t for _, t in starts}
    if any(draft and title not in found for title, draft in titles.items()):
        return None
    pages: set[int] = set()
    for i, (start, title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else page_count + 1
        if titles[title]:
            pages.update(range(start, end))
    return pages
