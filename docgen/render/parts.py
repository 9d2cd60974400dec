"""A long document laid out in two parts, one on each core, and assembled into one PDF
(分段排版). WeasyPrint lays out one document on one core; the final-accounts disclosure
(50 pages, 3,200 table cells) is mostly independent forms, so its later forms can be laid out
by a forked copy of the worker while the worker lays out the rest.

A template opts in with two HTML comments in its body:

* ``<!--docgen:parts-->`` once: what stands before it in the body (the 草稿 stamp, say) is
  repeated in every part;
* ``<!--docgen:part-->`` where a part may begin. The place must start a new page (a forced
  page break), nothing before it may refer to what follows (``target-counter``, links) and
  the page rules may not depend on the page's place (``:first``, ``:left``, ``:right``,
  ``counter(pages)``).

The document is cut at the one such place that best halves the work (counted in table cells
and paragraphs), always the same one for the same HTML, and the later part's folios are
numbered on from the earlier part's pages. The bytes do not depend on whether the later part
was laid out in a forked process or, where forking is not possible, after the first.
"""

from __future__ import annotations

import os
import pickle
import re
import threading
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

PARTS_MARK = "<!--docgen:parts-->"
PART_MARK = "<!--docgen:part-->"
_BODY = re.compile(r"<body\b[^>]*>", re.I)
_WORK = re.compile(r"<(?:td|th|p|li|h[1-6])\b", re.I)


@dataclass
class Split:
    """The HTML of the two parts, and what a page-numbering document needs of them."""

    first: str
    later: str
    head: str  # from the start of the document to the end of the <body> tag
    tail: str  # from </body> to the end


def split_html(html: str) -> Split | None:
    """The document cut in two at the ``<!--docgen:part-->`` that best halves its work, or
    None when the template has no (usable) marks."""
    body = _BODY.search(html)
    end = html.rfind("</body>")
    if body is None or end < body.end() or html.count(PARTS_MARK) != 1:
        return None
    common, _, rest = html[body.end():end].partition(PARTS_MARK)
    pieces = rest.split(PART_MARK)
    if len(pieces) < 2 or PART_MARK in common:
        return None
    work = [len(_WORK.findall(p)) for p in pieces]
    total, done, best = sum(work), 0, None
    for cut in range(1, len(pieces)):
        done += work[cut - 1]
        imbalance = abs(total - 2 * done)
        if best is None or imbalance < best[0]:
            best = (imbalance, cut)
    cut = best[1]
    head, tail = html[:body.end()], html[end:]
    return Split(head + common + "".join(pieces[:cut]) + tail,
                 head + common + "".join(pieces[cut:]) + tail, head, tail)


def page_numbering_html(split: Split, page_names: list[str], first_number: int) -> str:
    """A document of empty pages of the given named page types whose margin boxes number the
    pages from ``first_number``: the later part's folios (页码)."""
    style = f"<style>@page :first {{ counter-reset: page {int(first_number)} }}</style>"
    head = split.head.replace("</head>", style + "</head>", 1)
    pages = "".join(f'<div style="page: {name or "auto"}; break-before: page"></div>' for name in page_names)
    return head + pages + split.tail


class _Forked:
    """The later part laid out in a forked copy of this process. The parent tells it the
    number of pages before it; the child answers with its PDF and bookmarks (pickled)."""

    def __init__(self, work: Callable[[Callable[[], int]], object]):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            code = 1
            try:
                os.close(self._to_child)
                os.close(self._from_child)

                def pages_before() -> int:
                    with os.fdopen(to_child_r, "rb") as pipe:
                        return int(pipe.read() or b"-1")

                data = pickle.dumps(work(pages_before))
                with os.fdopen(from_child_w, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)

    def tell(self, pages_before: int) -> None:
        try:
            os.write(self._to_child, str(pages_before).encode())
        except OSError:
            pass  # the child is gone: result() says so
        os.close(self._to_child)
        self._to_child = -1

    def result(self):
        """The child's answer, or None if it failed (the caller lays out the part itself)."""
        chunks = []
        try:
            with os.fdopen(self._from_child, "rb") as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
        finally:
            _, status = os.waitpid(self.pid, 0)
        if status != 0 or not chunks:
            return None
        return pickle.loads(b"".join(chunks))

    def abandon(self) -> None:
        import signal

        if self._to_child >= 0:
            os.close(self._to_child)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self._from_child)


def can_fork() -> bool:
    """Fork only a single-threaded process (a thread's locks would be copied held), and not
    when ``DOCGEN_PDF_PARALLEL=0``: then the later part is laid out after the first."""
    return (hasattr(os, "fork") and os.environ.get("DOCGEN_PDF_PARALLEL", "1") != "0"
            and threading.active_count() == 1)


def render_in_parts(split: Split, layout: Callable[[str], object], identifier: bytes,
                    created: str | None) -> tuple[bytes, str | None, int]:
    """The split document as one PDF: (bytes, title, page count). ``layout`` lays out HTML
    (a WeasyPrint document)."""
    from docgen.render.assemble import assemble

    def later_part(pages_before: Callable[[], int]):
        document = layout(split.later)
        first_number = pages_before() + 1
        if first_number < 1:
            raise RuntimeError("the first part's page count never arrived")
        names = [page._page_box.page_type.name for page in document.pages]
        numbering = layout(page_numbering_html(split, names, first_number))
        _replace_margin_boxes(document, numbering)
        return (document.write_pdf(pdf_identifier=identifier),
                [(page.height, page.bookmarks) for page in document.pages])

    forked = _Forked(later_part) if can_fork() else None
    try:
        document = layout(split.first)
        if created:
            document.metadata.created = document.metadata.modified = created
        pages_before = len(document.pages)
        if forked:
            forked.tell(pages_before)
        first_pdf = document.write_pdf(pdf_identifier=identifier)
        later = forked.result() if forked else None
        forked = None
    except BaseException:
        if forked:
            forked.abandon()
        raise
    if later is None:
        later = later_part(lambda: pages_before)
    later_pdf, later_pages = later
    pages = [SimpleNamespace(height=p.height, bookmarks=p.bookmarks) for p in document.pages]
    pages += [SimpleNamespace(height=h, bookmarks=b) for h, b in later_pages]
    data = assemble([first_pdf, later_pdf], bookmark_tree(pages))
    return data, document.metadata.title, len(pages)


def _replace_margin_boxes(document, numbering) -> None:
    """Give each page of ``document`` the margin boxes (folio, running heads) of the same page
    of ``numbering``; the pages' content is untouched."""
    from weasyprint.formatting_structure.boxes import MarginBox

    for page, numbered in zip(document.pages, numbering.pages, strict=True):
        box, other = page._page_box, numbered._page_box
        box.children = ([c for c in box.children if not isinstance(c, MarginBox)]
                        + [c for c in other.children if isinstance(c, MarginBox)])


def bookmark_tree(pages) -> list:
    """The whole document's outline from its pages' bookmarks, as WeasyPrint builds it (PDF
    points, origin bottom left)."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    scale = 0.75  # 72 PDF points per inch / 96 CSS pixels per inch
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for number, page in enumerate(pages):
        matrix = Matrix(a=scale, d=-scale, f=page.height * scale)
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, matrix)
    return root
