"""Renderers: document trees to DOCX (docxtpl) and PDF (Jinja2 HTML → WeasyPrint).

Presentation only: every figure arrives already derived and formatted by the context builders
and the filters in :mod:`docgen.rules.formatting`.
"""

from docgen.render.environment import TemplateSet
from docgen.render.docx import DocxRenderer
from docgen.render.pdf import PdfRenderer, harfbuzz_subset_available

__all__ = ["DocxRenderer", "PdfRenderer", "TemplateSet", "harfbuzz_subset_available"]
