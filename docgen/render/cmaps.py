"""The character maps (CMaps) of a PDF's Type 0 fonts, read: the ToUnicode map (character code
→ text) and the encoding CMap (character code → CID). One reader for the subset merging of
:mod:`docgen.render.assemble` and for the preflight's font checks (:mod:`docgen.check.pdf_fonts`)."""

from __future__ import annotations

import re

_CIDCHAR = re.compile(rb"begincidchar(.*?)endcidchar", re.S)
_CIDRANGE = re.compile(rb"begincidrange(.*?)endcidrange", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*(\d+)")
_TRIPLE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)")


def cid_codes(data: bytes) -> dict[bytes, int]:
    """An embedded encoding CMap (WeasyPrint's ``/WP-Encod-0``, written when characters share
    a glyph, as missing ones share .notdef): character code (bytes) → CID."""
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


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX2 = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])")


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be", errors="replace")


def to_unicode_map(data: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap: character code (bytes) → text."""
    out: dict[bytes, str] = {}
    for block in _BFCHAR.findall(data):
        for code, text in _HEX2.findall(block):
            out[bytes.fromhex(code.decode())] = _utf16(text)
    for block in _BFRANGE.findall(data):
        for start, end, target in _RANGE.findall(block):
            first, last, width = int(start, 16), int(end, 16), len(start) // 2
            if last - first > 0xFFFF:
                continue
            if target.startswith(b"["):
                for i, text in enumerate(re.findall(rb"<([0-9a-fA-F]*)>", target)):
                    out[(first + i).to_bytes(width, "big")] = _utf16(text)
                continue
            base = bytes.fromhex(target[1:-1].decode())
            for i in range(last - first + 1):
                value = (int.from_bytes(base, "big") + i).to_bytes(len(base), "big") if base else b""
                out[(first + i).to_bytes(width, "big")] = value.decode("utf-16-be", errors="replace")
    return out
