"""Renderers: document trees to DOCX (docxtpl) and PDF (Jinja2 HTML → WeasyPrint).

Presentation only: every figure arrives already derived and formatted by the context builders
and the filters in :mod:`docgen.rules.formatting`.

The renderers are imported on first use: a PDF worker never loads docxtpl and python-docx,
and a DOCX-only command never loads WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgen.render.environment import TemplateSet

if TYPE_CHECKING:
    from docgen.render.docx import DocxRenderer
    from docgen.render.pdf import PdfRenderer, harfbuzz_subset_available

__all__ = ["DocxRenderer", "PdfRenderer", "TemplateSet", "harfbuzz_subset_available"]

_LAZY = {"DocxRenderer": "docgen.render.docx", "PdfRenderer": "docgen.render.pdf",
         "harfbuzz_subset_available": "docgen.render.pdf"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'docgen.render' has no attribute {name!r}")
