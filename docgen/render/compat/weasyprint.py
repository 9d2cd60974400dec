"""WeasyPrint internals docgen needs for the two-part layout (:mod:`docgen.render.parts`), to
tell whether fonts are subset by HarfBuzz, the compression level of pydyf, its PDF writer, and
the font configuration (prepared faces declared in place, temporary folders removed).

Checked against WeasyPrint 70.0 and pydyf 0.13. The documented API (``HTML``, ``CSS``, ``FontConfiguration``,
``URLFetcher``, ``Document.pages``, ``Page.height``/``bookmarks``, ``write_pdf``) is used directly
elsewhere; only what is below reaches into undocumented modules or underscore attributes.
"""

from __future__ import annotations

import os
from pathlib import Path


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


#: A line is spread between its characters by at most this much a character (em): a line
#: that would need more (cut short by an unbreakable token) stays as it is.
MAX_CJK_SPACING = 0.25


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


#: zlib level of a PDF's streams (fonts, page content). pydyf asks for 9, which takes about
#: twice the time of 6 for streams 0.6 % smaller: 4 ms of a result sheet's ~140 ms (issue 16).
STREAM_COMPRESSION = 6


class _Zlib:
    """``zlib`` as pydyf sees it: every ``compressobj`` at :data:`STREAM_COMPRESSION`."""

    def __getattr__(self, name):
        import zlib

        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=-1, *args, **kwargs):
        import zlib

        return zlib.compressobj(STREAM_COMPRESSION, *args, **kwargs)


def lighten_stream_compression() -> None:
    """Write PDF streams at :data:`STREAM_COMPRESSION` instead of pydyf's 9. The output stays
    byte-for-byte reproducible (the same level every time).

    Replaces the ``zlib`` module that ``pydyf`` imported (undocumented: ``pydyf.Stream.data``
    calls ``zlib.compressobj(level=9)``, and WeasyPrint offers only ``uncompressed_pdf``); pydyf
    0.13, WeasyPrint 70.0. Once per process."""
    import pydyf

    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib()


#: The temporary folders of font configurations: folder → the process that made it (a forked
#: worker inherits the table, and must not remove its parent's folders).
_FONT_FOLDERS: dict[str, int] = {}
_FINALIZER_PID: int | None = None


def font_configuration():
    """A WeasyPrint ``FontConfiguration`` whose temporary folder goes when the process that
    made the folder ends. docgen's prepared faces are declared where they are
    (:func:`declare_prepared_faces`); the folder is made only for a template's own
    ``@font-face``, whose file WeasyPrint copies there.

    WeasyPrint makes the folder on the first such face and removes it in ``__del__``, which
    never runs in a process that ends with ``os._exit``: a pool's workers, and the ``docgen``
    program after a build. Each such process left its copies in the temporary folder (206
    folders, 8 GB, in a day of builds and tests). So each folder is noted with the process
    that made it, and :func:`remove_font_folders` removes that process's folders: at its exit
    through ``multiprocessing.util.Finalize`` (run at a normal exit and at a worker's), or
    when called before ``os._exit``. A process killed outright still leaves its folder; with
    the prepared faces no longer copied, only a template's own faces are in it.

    Wraps ``FontConfiguration.add_font_face`` (undocumented; it makes the private ``_folder``
    when None) once per process; WeasyPrint 70.0."""
    import multiprocessing.util

    from weasyprint.text.fonts import FontConfiguration

    global _FINALIZER_PID
    add = FontConfiguration.add_font_face
    if not getattr(add, "docgen", False):
        def add_font_face(self, rule_descriptors, url_fetcher):
            made = self._folder is None
            try:
                return add(self, rule_descriptors, url_fetcher)
            finally:
                if made and self._folder is not None:
                    _FONT_FOLDERS[str(self._folder)] = os.getpid()

        add_font_face.docgen = True
        FontConfiguration.add_font_face = add_font_face
    if _FINALIZER_PID != os.getpid():  # once per process (a forked child starts without its parent's)
        _FINALIZER_PID = os.getpid()
        multiprocessing.util.Finalize(None, remove_font_folders, exitpriority=0)
    return FontConfiguration()


def declare_prepared_faces(config, faces) -> None:
    """Declare docgen's prepared faces (:func:`docgen.render.fonts.prepared_faces`: family,
    weight, file) in the font configuration ``config`` where the files are, as an
    ``@font-face`` rule with ``font-family``, ``font-weight`` and ``src: url(file)`` declares
    them, but without the copy WeasyPrint makes of each file in its temporary folder. That
    copy is 39 MB a process (every build worker, and the program when it lays out), and a
    worker killed by a time limit or a crash leaves it behind (the test suite left five).

    Does what ``FontConfiguration.add_font_face`` does for such a rule (WeasyPrint 70.0): a
    fontconfig rule giving the file the family (prepended) and the weight when it is scanned,
    one matching it as a font, the file added to the configuration and Pango told. Touches
    ``FontConfiguration._config`` and ``font_map`` and WeasyPrint's cffi bindings
    (``weasyprint.text.ffi``; private). A configuration is given each face once."""
    from xml.etree.ElementTree import Element, SubElement, tostring

    from weasyprint.text.constants import FONTCONFIG_WEIGHT
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import PREFERRED_ENCODING

    declared = config.__dict__.setdefault("docgen_faces", set())  # on the object: ids are reused
    for face in faces:
        key = (face.family, face.weight, str(face.path))
        if key in declared:
            continue
        path = Path(face.path).as_posix()
        root = Element("fontconfig")
        scan = SubElement(root, "match", target="scan")
        SubElement(SubElement(scan, "test", name="file", compare="eq"), "string").text = path
        SubElement(SubElement(scan, "edit", name="family", mode="prepend"), "string").text = face.family
        SubElement(SubElement(scan, "edit", name="weight", mode="assign_replace"), "int").text = \
            str(FONTCONFIG_WEIGHT[face.weight])
        font = SubElement(root, "match", target="font")
        SubElement(SubElement(font, "test", name="file", compare="eq"), "string").text = path
        xml = b"\n".join((b'<?xml version="1.0"?>', b'<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
                          tostring(root, encoding="utf-8")))
        fontconfig.FcConfigParseAndLoadFromMemory(config._config, xml, True)
        if not fontconfig.FcConfigAppFontAddFile(config._config, path.encode(PREFERRED_ENCODING)):
            raise RuntimeError(f"字体文件无法载入：{path}")
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
        declared.add(key)


def remove_font_folders() -> None:
    """Remove the font folders this process made (:func:`font_configuration`); its PDFs are
    written by then."""
    import shutil

    for folder, owner in list(_FONT_FOLDERS.items()):
        if owner == os.getpid():
            shutil.rmtree(folder, ignore_errors=True)
            del _FONT_FOLDERS[folder]


def enable_cjk_justification() -> None:
    """``text-align: justify`` for Chinese: WeasyPrint spreads a justified line only at its
    spaces, so a line of Chinese, which has none, stayed ragged (GB/T 9704 wants the text
    block's right edge straight). A line without spaces that holds Chinese is spread evenly
    between its characters instead, as Word does; lines with spaces are left to WeasyPrint.

    Replaces ``weasyprint.layout.inline.justify_line`` (undocumented; called for each justified
    line but the last of a paragraph) and sets each text box's letter spacing through a copy of
    its style, re-creating its Pango layout as ``add_word_spacing`` does; WeasyPrint 70.0. Once
    per process."""
    from weasyprint.layout import inline
    from weasyprint.text.line_break import create_layout

    if getattr(inline.justify_line, "docgen", False):
        return
    original = inline.justify_line

    def text_boxes(box):
        if isinstance(box, inline.boxes.TextBox):
            yield box
        elif isinstance(box, (inline.boxes.LineBox, inline.boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def spread(context, box, spacing, x_advance):
        if isinstance(box, inline.boxes.TextBox):
            box.position_x += x_advance
            style = box.style.copy()
            letter = style["letter_spacing"]
            style["letter_spacing"] = (0 if letter == "normal" else letter) + spacing
            box.style = style
            box.pango_layout = create_layout(box.text, style, context, max_width=None,
                                             justification_spacing=box.justification_spacing)
            box.pango_layout.deactivate()
            extra = spacing * len(box.text)
            box.width += extra
            return x_advance + extra
        if isinstance(box, (inline.boxes.LineBox, inline.boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = spread(context, child, spacing, x_advance)
            box.width += x_advance - before
            return x_advance
        box.translate(x_advance, 0)  # an atomic inline box
        return x_advance

    def justify_line(context, line, extra_width):
        if inline.count_expandable_spaces(line) or extra_width <= 0:
            return original(context, line, extra_width)
        texts = [b for b in text_boxes(line)]
        characters = sum(len(b.text) for b in texts)
        if characters < 2 or not any(_is_cjk(c) for b in texts for c in b.text):
            return None
        spacing = extra_width / (characters - 1)
        if spacing > MAX_CJK_SPACING * max(b.style["font_size"] for b in texts):
            return None
        spread(context, line, spacing, 0)
        return None

    justify_line.docgen = True
    inline.justify_line = justify_line


def table_rows_by_page(document) -> list[list[tuple[object, list[tuple[object, int]]]]]:
    """For each page of a laid-out ``document``, the table rows laid out on it in order: (the
    row's element, [(each of its cells' element, the cell's grid column)]). A row that a page
    break splits is on both pages. The elements are those of the parsed tree the document was
    laid out from (``HTML.etree_element``), so :mod:`docgen.render.merged` can tell on which
    page each row of a merged cell lies.

    Touches ``Page._page_box``, ``Box.children``, ``Box.element``, ``TableCellBox.grid_x`` and
    ``weasyprint.formatting_structure.boxes`` (undocumented: the laid-out box tree); WeasyPrint 70.0."""
    from weasyprint.formatting_structure.boxes import ParentBox, TableRowBox

    pages = []
    for page in document.pages:
        rows = []
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, TableRowBox):
                rows.append((box.element, [(cell.element, cell.grid_x) for cell in box.children]))
            elif isinstance(box, ParentBox):
                stack.extend(reversed(box.children))
        pages.append(rows)
    return pages


def parsed_tree(html):
    """The root element of the tree a ``weasyprint.HTML`` parsed its source into (tinyhtml5's
    ``xml.etree.ElementTree`` elements, tags without a namespace), which the boxes of its
    layout point back to (:func:`table_rows_by_page`).

    Touches ``HTML.etree_element`` (an attribute the documented API does not list);
    WeasyPrint 70.0."""
    return html.etree_element
