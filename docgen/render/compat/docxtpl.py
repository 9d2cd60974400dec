"""docxtpl: the ``{% vmerge %}`` tag, hooked into docxtpl's XML preprocessing.

Checked against docxtpl 0.20.2.
"""

from __future__ import annotations

import re

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

    def patch_xml(self, src_xml: str) -> str:
        return _VMERGE_CELL.sub(_vmerge, super().patch_xml(src_xml))

    def jinja_source(self, part_xml: str) -> str:
        """The Jinja source docxtpl renders for a part's XML (``word/document.xml`` etc.),
        ``{% vmerge %}`` expanded: what ``docgen templates check`` parses."""
        return self.patch_xml(part_xml)
