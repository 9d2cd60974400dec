"""The one touch of pdfminer.six internals (checked with pdfminer.six 20260107, through
pdfplumber 0.11): a Type0 font whose ``/Encoding`` is an embedded CMap stream.

WeasyPrint writes such an encoding (``/WP-Encod-0``) when several characters of a font share
a glyph — which is what a missing glyph (.notdef, CID 0) does. pdfminer looks embedded CMaps
up by name only, finds nothing and drops every character of that font, so the glyph checks
would not see the very text that has the problem. Here the stream's ``cidchar``/``cidrange``
entries are read into a pdfminer CMap instead.
"""

from __future__ import annotations

import re

_PATCHED = False
_CIDCHAR = re.compile(rb"begincidchar(.*?)endcidchar", re.S)
_CIDRANGE = re.compile(rb"begincidrange(.*?)endcidrange", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*(\d+)")
_TRIPLE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)")


def parse_cid_cmap(data: bytes) -> dict[bytes, int]:
    """An embedded encoding CMap: character code (bytes) → CID."""
    codes: dict[bytes, int] = {}
    for block in _CIDCHAR.findall(data):
        for code, cid in _PAIR.findall(block):
            codes[bytes.fromhex(code.decode())] = int(cid)
    for block in _CIDRANGE.findall(data):
        for start, end, cid in _TRIPLE.findall(block):
            first, last, width = int(start, 16), int(end, 16), len(start) // 2
            if last - first > 0xFFFF:
                continue
            for i in range(last - first + 1):
                codes[(first + i).to_bytes(width, "big")] = int(cid) + i
    return codes


def read_embedded_encodings() -> None:
    """Teach pdfminer's CID fonts to read an embedded encoding CMap (idempotent)."""
    global _PATCHED
    if _PATCHED:
        return
    from pdfminer.cmapdb import CMap
    from pdfminer.pdffont import PDFCIDFont
    from pdfminer.pdftypes import PDFStream, resolve1

    original = PDFCIDFont.get_cmap_from_spec

    def get_cmap_from_spec(self, spec, strict):
        encoding = resolve1(spec.get("Encoding")) if hasattr(spec, "get") else None
        if isinstance(encoding, PDFStream):
            try:
                codes = parse_cid_cmap(encoding.get_data())
            except Exception:
                codes = {}
            if codes:
                cmap = CMap()
                for code, cid in codes.items():  # CMap.code2cid: a trie of the code's bytes
                    node = cmap.code2cid
                    for byte in code[:-1]:
                        node = node.setdefault(byte, {})
                    node[code[-1]] = cid
                return cmap
        return original(self, spec, strict)

    PDFCIDFont.get_cmap_from_spec = get_cmap_from_spec
    _PATCHED = True
