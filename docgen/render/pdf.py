"""PDF through Jinja2 HTML/CSS and WeasyPrint, fonts embedded and subset."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from docgen.render.compat.tinyhtml5 import mend_html_parser
from docgen.render.compat.weasyprint import (declare_prepared_faces, enable_cjk_justification,
                                             font_configuration, harfbuzz_subset_available,
                                             lighten_stream_compression, parsed_tree)
from docgen.diagnostics import DocumentError
from docgen.render.environment import OutsideTemplateSet, TemplateSet, make_environment

# WeasyPrint logs every CSS property it ignores; keep the CLI output for the user's own problems.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

__all__ = ["PdfRenderer", "TemplateResourceRefused", "harfbuzz_subset_available", "make_url_fetcher"]


#: The largest file a template may load (an image, a stylesheet, a font of the set): a CJK
#: font is about 20 MB; more is a mistake that would be read whole into every PDF.
MAX_RESOURCE_BYTES = 64 * 2**20


def make_url_fetcher(templates: "TemplateSet | Path"):
    """A WeasyPrint URL fetcher that serves files of the template set and refuses everything
    else (other files, http, data: URLs). A file the user's set lacks comes from the built-in
    set. A refusal stops the rendering (``FatalURLFetchingError``) so a template author sees it.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    if isinstance(templates, Path):
        templates = TemplateSet(templates, None)
    roots = templates.roots

    class ResourceRefused(FatalURLFetchingError):
        """A template tried to load something from outside its template set (fatal for
        WeasyPrint, which then stops at once; :meth:`PdfRenderer.layout` turns it into a
        :class:`TemplateResourceRefused`)."""

        def __init__(self, message: str, url: str):
            super().__init__(message)
            self.url = url

    class TemplateSetFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(url2pathname(parsed.path)).resolve()
                for root in roots:
                    if path.is_relative_to(root):
                        try:
                            served = templates.path(path.relative_to(root).as_posix())
                        except OutsideTemplateSet:
                            break  # a link out of the set: refused below
                        if served.is_file():
                            size = served.stat().st_size
                            if size > MAX_RESOURCE_BYTES:
                                raise ResourceRefused(
                                    f"模板资源{served.name}过大（{size / 2**20:.0f} MB），最多"
                                    f"{MAX_RESOURCE_BYTES // 2**20} MB", url)
                            return super().fetch(served.as_uri(), headers)
            raise ResourceRefused(f"拒绝加载模板目录以外的资源：{url[:200]}", url)

    return TemplateSetFetcher()


def parts_of(html: str, variant: str | None = None):
    """The two parts of a document laid out in parts (:mod:`docgen.render.parts`), or None
    when it is laid out whole: its template has no parts mark, or ``variant`` names a PDF
    standard, whose metadata, output intent and tags WeasyPrint writes for a document it lays
    out whole and joined parts would lose."""
    from docgen.render.parts import split_html

    return None if variant else split_html(html)


def pdf_identifier(html: str, created: str | None) -> bytes:
    """The PDF's file identifier follows its content, so the same input gives the same bytes."""
    return hashlib.sha256((html + (created or "")).encode()).hexdigest()[:32].encode()


class TemplateResourceRefused(DocumentError):
    """A template asked for a file outside its template set (or a URL): a template error of
    that document, reported with the template file and line that name the resource, like any
    other template error (WeasyPrint's own exception is a BaseException that would end the
    process running the task)."""

    def __init__(self, message: str, where: str | None):
        super().__init__(f"模板错误（{where}）：{message}" if where else f"模板错误：{message}")
        self.message, self.where = message, where


def _reference_line(templates: TemplateSet, url: str) -> str | None:
    """``file:line`` of the template or stylesheet in the set that names ``url`` (as written:
    the URL, its path, or its last part), or None."""
    parsed = urlparse(url)
    wanted = [url, url2pathname(parsed.path) if parsed.scheme == "file" else "", parsed.path.rsplit("/", 1)[-1]]
    wanted = [w for w in wanted if len(w) > 2]
    for name, path in templates.files().items():
        if not name.endswith((".html", ".css")):
            continue
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for text in wanted:
            for number, line in enumerate(lines, 1):
                if text in line:
                    return f"{name}:{number}"
    return None


class PdfRenderer:
    """Renders a family's HTML template to PDF; environment and fonts are set up once.
    ``font_config``: a WeasyPrint font configuration shared with other renderers (a build's
    renderers share one: fonts found and loaded once); by default one of its own."""

    def __init__(self, templates: TemplateSet | None = None, font_config=None):
        from docgen.render.fonts import prepared_faces

        mend_html_parser()
        enable_cjk_justification()
        lighten_stream_compression()
        self.templates = templates or TemplateSet.default()
        self.env = make_environment(self.templates.loader(), html=True)
        self.font_config = font_config if font_config is not None else font_configuration()
        self.faces = prepared_faces()
        self.fetcher = make_url_fetcher(self.templates)

    def html(self, family: str, context: dict[str, Any]) -> str:
        return self.env.get_template(f"{family}.html").render(context)

    def layout(self, html: str):
        """Lay out ``html`` (resources from the template set, docgen's prepared fonts declared).
        Merged cells marked ``data-repeat`` are cut at page breaks and shown again on each page
        (:mod:`docgen.render.merged`)."""
        from docgen.render.merged import REPEAT, lay_out_repeating

        if REPEAT in html:
            return lay_out_repeating(html, self._lay_out)
        return self._lay_out(html)[0]

    def _lay_out(self, html: str):
        """(the laid-out document, the root element of the tree WeasyPrint parsed ``html`` into)."""
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        # the prepared faces, where they are (once a configuration): as @font-face rules
        # WeasyPrint would copy their 39 MB into a temporary folder in every process
        declare_prepared_faces(self.font_config, self.faces)

        try:
            parsed = HTML(string=html, base_url=self.templates.root.as_uri() + "/", url_fetcher=self.fetcher)
            return (parsed.render(font_config=self.font_config),
                    parsed_tree(parsed))
        except FatalURLFetchingError as refused:
            url = getattr(refused, "url", "")
            raise TemplateResourceRefused(str(refused), _reference_line(self.templates, url) if url else None) from None

    def write(self, html: str, created: str | None = None,
              variant: str | None = None) -> tuple[bytes, str | None, int]:
        """``html`` as PDF: (bytes, title from the template's <title>, page count); ``created``
        is the creation and modification date; ``variant``: the PDF standard to follow
        ("pdf/a-2b", "pdf/ua-1"…). A template marked for parts is laid out in two parts on both
        cores (:func:`parts_of`)."""
        from docgen.render.parts import render_in_parts

        identifier = pdf_identifier(html, created) if not variant else pdf_identifier(html + variant, created)
        split = parts_of(html, variant)
        if split is not None:
            return render_in_parts(split, self.layout, identifier, created)
        document = self.layout(html)
        if created:
            document.metadata.created = document.metadata.modified = created
        data = document.write_pdf(pdf_identifier=identifier, **({"pdf_variant": variant} if variant else {}))
        return data, document.metadata.title, len(document.pages)

    def render(self, family: str, context: dict[str, Any]) -> bytes:
        return self.write(self.html(family, context))[0]
