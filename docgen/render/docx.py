"""DOCX through docxtpl, with byte-identical output for identical input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docgen.render.compat.docxtpl import DocgenTemplate
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
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATES.sub(
                    lambda m: m.group(1) + timestamp.encode() + m.group(3), blob
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, blob, compresslevel=6)
    return out.getvalue()


class DocxRenderer:
    """Renders a family's Word template; template files are read once per renderer."""

    def __init__(self, templates: TemplateSet | None = None):
        self.templates = templates or TemplateSet.default()
        self._cache: dict[str, bytes] = {}

    def template_path(self, family: str) -> Path:
        return self.templates.path(f"{family}.docx")

    def render(self, family: str, context: dict[str, Any], timestamp: str = "1980-01-01T00:00:00Z") -> bytes:
        if family not in self._cache:
            self._cache[family] = self.template_path(family).read_bytes()
        tpl = DocgenTemplate(io.BytesIO(self._cache[family]))
        tpl.render(context, jinja_env=make_environment(), autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
        return normalise_docx(buffer.getvalue(), timestamp)
