"""A long document laid out in two parts and assembled into one PDF (分段排版).

WeasyPrint lays out a document on one core; the final-accounts disclosure (51 pages, 3,200
table cells) ends in a dozen independent forms, so the build lays out its two parts as two
tasks at once (:mod:`docgen.build.tasks`) and assembles the two PDFs
(:mod:`docgen.render.assemble`). Rendering outside a build lays them out one after the other
(:func:`render_in_parts`), with the same bytes.

A template opts in with two HTML comments in its body:

* ``<!--docgen:parts-->`` once: what stands before it in the body (the 草稿 stamp, say) is
  repeated in every part;
* ``<!--docgen:part-->`` where a part may begin. The place must start a new page (a forced
  page break), nothing before it may refer to what follows (``target-counter``, links) and
  the page rules may not depend on the page's place (``:first``, ``:left``, ``:right``,
  ``counter(pages)``).

The document is cut at the one such place that best halves the work (counted in characters
of text), always the same one for the same HTML, and the later part's folios are numbered
on from the first part's pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from docgen.render.compat.weasyprint import bookmark_tree, page_type_names, replace_margin_boxes

PARTS_MARK = "<!--docgen:parts-->"
PART_MARK = "<!--docgen:part-->"
_BODY = re.compile(r"<body\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>|\s+")


@dataclass
class Split:
    """The HTML of the two parts, and what a page-numbering document needs of them."""

    first: str
    later: str
    head: str  # from the start of the document to the end of the <body> tag
    tail: str  # from </body> to the end


def split_html(html: str) -> Split | None:
    """The document cut in two at the ``<!--docgen:part-->`` that best halves its work (the
    characters of its text), or None when the template has no (usable) marks."""
    body = _BODY.search(html)
    end = html.rfind("</body>")
    if body is None or end < body.end() or html.count(PARTS_MARK) != 1:
        return None
    common, _, rest = html[body.end():end].partition(PARTS_MARK)
    pieces = rest.split(PART_MARK)
    if len(pieces) < 2 or PART_MARK in common:
        return None
    # the time goes mostly into shaping and breaking text: count its characters
    work = [len(_TAG.sub("", p)) for p in pieces]
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


def folios_from(first_number: int) -> str:
    """A ``<style>`` that numbers a document's pages from ``first_number``. WeasyPrint reads a
    <style> in the body too: it may go right after ``<body>``."""
    return f"<style>@page :first {{ counter-reset: page {int(first_number)} }}</style>"


def page_numbering_html(split: Split, page_names: list[str], first_number: int) -> str:
    """A document of empty pages of the given named page types whose margin boxes number the
    pages from ``first_number``: the later part's folios (页码)."""
    pages = "".join(f'<div style="page: {name or "auto"}; break-before: page"></div>' for name in page_names)
    return split.head + folios_from(first_number) + pages + split.tail


def _marks(document) -> list[tuple[float, list]]:
    return [(page.height, page.bookmarks) for page in document.pages]


def lay_out_first(split: Split, layout, identifier: bytes, created: str | None,
                  tell_pages: Callable[[int], None]) -> tuple[bytes, str | None, list]:
    """The first part: (PDF bytes, title, the pages' heights and bookmarks). ``tell_pages``
    hears the page count as soon as the layout is done."""
    document = layout(split.first)
    tell_pages(len(document.pages))
    if created:
        document.metadata.created = document.metadata.modified = created
    return document.write_pdf(pdf_identifier=identifier), document.metadata.title, _marks(document)


def lay_out_later(split: Split, layout, identifier: bytes,
                  pages_before: Callable[[], int | None]) -> tuple[bytes, list]:
    """The later part, its folios numbered on from ``pages_before()`` (asked once its own
    layout is done): (PDF bytes, the pages' heights and bookmarks)."""
    document = layout(split.later)
    before = pages_before()
    if not isinstance(before, int) or before < 0:
        raise RuntimeError("前一部分排版失败，后一部分的页码无从接续")
    names = page_type_names(document)
    numbering = layout(page_numbering_html(split, names, before + 1))
    replace_margin_boxes(document, numbering)
    return document.write_pdf(pdf_identifier=identifier), _marks(document)


def assemble_laid_out(first: tuple, later: tuple) -> tuple[bytes, str | None, int]:
    """The two laid-out parts as one PDF: (bytes, title, page count)."""
    from docgen.render.assemble import assemble

    (first_pdf, title, first_marks), (later_pdf, later_marks) = first, later
    pages = [SimpleNamespace(height=h, bookmarks=b) for h, b in first_marks + later_marks]
    return assemble([first_pdf, later_pdf], bookmark_tree(pages)), title, len(pages)


def render_in_parts(split: Split, layout: Callable[[str], object], identifier: bytes,
                    created: str | None) -> tuple[bytes, str | None, int]:
    """The split document as one PDF, its parts laid out one after the other in this process:
    (bytes, title, page count). A build lays them out at once instead (docgen.build.tasks)."""
    counted: list[int] = []
    first = lay_out_first(split, layout, identifier, created, counted.append)
    return assemble_laid_out(first, lay_out_later(split, layout, identifier, lambda: counted[0]))
