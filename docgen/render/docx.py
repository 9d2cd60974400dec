"""DOCX through docxtpl, with byte-identical output for identical input."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from docgen.render.compat.docxtpl import DocgenTemplate, write_package
from docgen.render.environment import TemplateSet, make_environment

#: A fixed timestamp for zip entries and document properties (zip's epoch, 1980-01-01).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)"
)


def normalise_docx(data: bytes, timestamp: str = "1980-01-01T00:00:00Z") -> bytes:
    """Rewrite a DOCX zip with fixed entry timestamps, order and document dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(*_normalised_entry(info.filename, src.read(info.filename), timestamp), compresslevel=6)
    return out.getvalue()


def _normalised_entry(name: str, blob: bytes, timestamp: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A zip member as a normalised DOCX holds it: fixed date and permissions, deflated at
    level 6, the document dates of ``docProps/core.xml`` set to ``timestamp``."""
    if name == "docProps/core.xml":
        blob = _CORE_DATES.sub(lambda m: m.group(1) + timestamp.encode() + m.group(3), blob)
    entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry, blob


#: The header line of every page of a DOCX built from data with errors (allow_errors).
DRAFT_LINE = "草稿：数据有错误，未经核对"
# Direct formatting, not a style: a user's template need not define any style for it.
_DRAFT_PARAGRAPH = (
    f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="黑体"/>'
    '<w:color w:val="C00000"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    f'</w:rPr><w:t>{DRAFT_LINE}</w:t></w:r></w:p>'
)


def stamp_draft(document) -> None:
    """Put :data:`DRAFT_LINE` first in every header a page of ``document`` (python-docx) can
    show: the default header of each section, and the even-page and first-page headers where
    the document uses them. A section that inherits a stamped header is left to inherit it; one
    that would show no header gets its own. A header that already carries the line (a template
    made before the engine stamped drafts) is not stamped twice. Applied to the template before
    docxtpl renders it (plain text, no tags)."""
    even_pages = document.settings.odd_and_even_pages_header_footer
    inherited = {"default": False, "even": False, "first": False}  # a prior section defines one
    stamped: set[str] = set()
    for section in document.sections:
        shown = {"default": True, "even": even_pages, "first": section.different_first_page_header_footer}
        headers = {"default": section.header, "even": section.even_page_header, "first": section.first_page_header}
        for kind, header in headers.items():
            fresh = False
            if header.is_linked_to_previous:
                if not shown[kind] or inherited[kind]:
                    continue
                header.is_linked_to_previous = False  # nothing to inherit: a header of its own
                fresh = True
            inherited[kind] = True
            part = header.part
            if str(part.partname) in stamped:
                continue
            stamped.add(str(part.partname))
            if DRAFT_LINE in "".join(p.text for p in header.paragraphs):
                continue
            root = part.element
            if fresh:  # python-docx's new header holds one empty paragraph: replace it
                for child in list(root):
                    root.remove(child)
            root.insert(0, parse_xml(_DRAFT_PARAGRAPH))


def chart_picture(tpl, chart):
    """The ``chart`` filter of Word templates: the chart (:func:`docgen.render.charts.png`, 300
    dpi) as an inline picture :data:`~docgen.render.charts.WIDTH_MM` wide, its description as
    the picture's alternative text. Used where the tag ``{{ c | chart }}`` stands alone in its
    paragraph (docxtpl puts the picture in a run of its own)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    from docgen.render.charts import WIDTH_MM, png

    class Described(InlineImage):
        def __html__(self) -> str:  # docxtpl's markup of the picture, with the description added
            from markupsafe import escape

            return super().__html__().replace("<wp:docPr ", f'<wp:docPr descr="{escape(chart.description)}" ', 1)

        __str__ = __html__

    return Described(tpl, io.BytesIO(png(chart)), width=Mm(WIDTH_MM))


class DocxRenderer:
    """Renders a family's Word template; template files are read once per renderer."""

    def __init__(self, templates: TemplateSet | None = None):
        self.templates = templates or TemplateSet.default()
        self._cache: dict[str, bytes] = {}
        # one environment for every render: it keeps each part's compiled template (a
        # template's parts are the same Jinja source every time; compiling them cost ~13 ms)
        self._environment = make_environment(compiled=True)

    def template_path(self, family: str) -> Path:
        return self.templates.path(f"{family}.docx")

    def render(self, family: str, context: dict[str, Any], timestamp: str = "1980-01-01T00:00:00Z") -> bytes:
        """The document as DOCX bytes; a ``draft`` context gets the 草稿 header line (:func:`stamp_draft`)."""
        if family not in self._cache:
            self._cache[family] = self.template_path(family).read_bytes()
        tpl = DocgenTemplate(io.BytesIO(self._cache[family]))
        if context.get("draft"):  # stamped by the engine, so no template can lose it
            # before rendering: docxtpl swaps in new header parts that python-docx's sections do not see
            stamp_draft(tpl.get_docx())
        # a chart is a picture of this document: the filter is bound to it for this render
        self._environment.filters["chart"] = functools.partial(chart_picture, tpl)
        tpl.render(context, jinja_env=self._environment, autoescape=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
            # straight into the normalised zip: saving first and normalising after compressed
            # every member twice (~10 ms a document)
            written = write_package(tpl, lambda name, blob: dst.writestr(
                *_normalised_entry(name, blob, timestamp), compresslevel=6))
        if written:
            return out.getvalue()
        buffer = io.BytesIO()
        tpl.save(buffer)
        return normalise_docx(buffer.getvalue(), timestamp)
