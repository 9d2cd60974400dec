"""WeasyPrint internals docgen needs for the two-part layout (:mod:`docgen.render.parts`) and
to tell whether fonts are subset by HarfBuzz.

Checked against WeasyPrint 70.0. The documented API (``HTML``, ``CSS``, ``FontConfiguration``,
``URLFetcher``, ``Document.pages``, ``Page.height``/``bookmarks``, ``write_pdf``) is used directly
elsewhere; only what is below reaches into undocumented modules or underscore attributes.
"""

from __future__ import annotations


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (else fontTools: ~40× slower).

    Touches ``weasyprint.text.ffi.harfbuzz_subset`` (undocumented: the cffi handle of
    libharfbuzz-subset, None when the library could not be loaded); WeasyPrint 70.0."""
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


def page_type_names(document) -> list[str]:
    """The CSS named page (``page: name``) of each page of a laid-out ``document``, in order
    ("" or None for unnamed pages), so a page-numbering document can repeat the same page
    types and get the same margin boxes.

    Touches ``Page._page_box.page_type.name`` (private: the page's root box and its
    ``PageType``); WeasyPrint 70.0."""
    return [page._page_box.page_type.name for page in document.pages]


def replace_margin_boxes(document, numbering) -> None:
    """Give each page of ``document`` the margin boxes (folio, running heads) of the same page
    of ``numbering`` (a document of as many pages); the pages' content is untouched.

    Touches ``Page._page_box.children`` and ``weasyprint.formatting_structure.boxes.MarginBox``
    (undocumented: the laid-out box tree, which ``write_pdf`` draws); WeasyPrint 70.0."""
    from weasyprint.formatting_structure.boxes import MarginBox

    for page, numbered in zip(document.pages, numbering.pages, strict=True):
        box, other = page._page_box, numbered._page_box
        box.children = ([c for c in box.children if not isinstance(c, MarginBox)]
                        + [c for c in other.children if isinstance(c, MarginBox)])


def bookmark_tree(pages) -> list:
    """The whole document's outline from its pages' bookmarks, as WeasyPrint builds it (PDF
    points, origin bottom left): a list of (title, (page index, x, y), children, state).
    ``pages`` need only ``height`` (CSS px) and ``bookmarks`` (as ``Page.bookmarks``).

    Touches ``weasyprint.anchors.make_page_bookmark_tree`` and ``weasyprint.matrix.Matrix``
    (undocumented helpers of ``write_pdf``), so the outline of a document laid out in parts
    is the one WeasyPrint would write for it whole; WeasyPrint 70.0."""
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
