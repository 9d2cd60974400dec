"""docxtpl: the ``{% vmerge %}`` tag, hooked into docxtpl's XML preprocessing; each part's
Jinja source prepared once per process; and the package written straight into a normalised
zip (python-docx's part writer, our zip entries).

Checked against docxtpl 0.20.2 and python-docx 1.1/1.2.
"""

from __future__ import annotations

import re
from typing import Callable

from docxtpl import DocxTemplate

_VMERGE_CELL = re.compile(r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vmerge\s+(?:(?!%}).)*%}.*?</w:tc>", re.DOTALL)
_VMERGE_TAG = re.compile(r"{%\s*vmerge\s+((?:(?!%}).)*?)\s*%}")
_CELL_WIDTH = re.compile(r"(<w:tcPr>(?:<w:tcW[^>]*/>)?(?:<w:gridSpan[^>]*/>)?)")
_CELL_TEXT = re.compile(r"(<w:t(?: [^>]*)?>)(.*?)(</w:t>)", re.DOTALL)


def _vmerge(match: re.Match) -> str:
    """``{% vmerge span %}`` in a cell: restart a vertical merge when ``span`` is true (the
    group's first row), continue it otherwise, and print the text on the first row only."""
    cell = match.group(0)
    expr = _VMERGE_TAG.search(cell).group(1)
    cell = _VMERGE_TAG.sub("", cell)
    merge = f'<w:vMerge w:val="{{% if {expr} %}}restart{{% else %}}continue{{% endif %}}"/>'
    cell = _CELL_WIDTH.sub(lambda m: m.group(1) + merge, cell, count=1)
    return _CELL_TEXT.sub(lambda m: f"{m.group(1)}{{% if {expr} %}}{m.group(2)}{{% endif %}}{m.group(3)}", cell)


class DocgenTemplate(DocxTemplate):
    """docxtpl plus ``{% vmerge expr %}``: vertical merges whose spans the context computed
    (docxtpl's own ``{% vm %}`` can only merge a whole loop).

    Overrides ``DocxTemplate.patch_xml`` (undocumented: the step that turns a part's XML into
    Jinja source, run by ``render`` on every part), so the tag is expanded before Jinja sees
    it; docxtpl 0.20.2, where ``patch_xml(self, src_xml: str) -> str``."""

    #: part XML → its Jinja source: a template's parts are the same XML on every render, and
    #: docxtpl's dozen regular expressions over them cost ~4 ms a document
    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            if len(self._patched) >= 64:  # a few parts per template: only a pathological set fills it
                self._patched.clear()
            patched = self._patched[src_xml] = _VMERGE_CELL.sub(_vmerge, super().patch_xml(src_xml))
        return patched

    def jinja_source(self, part_xml: str) -> str:
        """The Jinja source docxtpl renders for a part's XML (``word/document.xml`` etc.),
        ``{% vmerge %}`` expanded: what ``docgen templates check`` parses."""
        return self.patch_xml(part_xml)


def write_package(tpl: DocxTemplate, write: Callable[[str, bytes], None]) -> bool:
    """Hand the rendered template's package members to ``write(name, blob)`` in the order
    ``DocxTemplate.save`` writes them to its zip (python-docx's ``OpcPackage.save``: each
    part's ``before_marshal``, then ``PackageWriter``'s content types, package relationships
    and parts). False, writing nothing, when the
    template has pictures or media to replace (docxtpl's ``pre_processing`` and
    ``post_processing`` would rewrite the package): then save it the usual way."""
    from docx.opc.pkgwriter import PackageWriter

    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        return False
    package = tpl.docx.part.package
    for part in package.parts:
        part.before_marshal()

    class Writer:  # python-docx's PhysPkgWriter, handing each member on
        @staticmethod
        def write(pack_uri, blob: bytes) -> None:
            write(pack_uri.membername, blob)

    PackageWriter._write_content_types_stream(Writer, package.parts)
    PackageWriter._write_pkg_rels(Writer, package.rels)
    PackageWriter._write_parts(Writer, package.parts)
    return True
