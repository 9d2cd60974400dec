"""Fonts of a built PDF: every font embedded, every character of the text drawn with a real
glyph (not .notdef, not an empty outline, not a glyph without Unicode), and each subset name
naming one font program.

pypdf reads the font dictionaries and streams; fontTools (WeasyPrint's own dependency) opens
the embedded subsets to look at the glyphs. A character maps to a glyph through the font's
encoding (Identity-H, or the embedded CMap WeasyPrint writes when characters share a glyph)
and the CIDToGIDMap; its text comes from the ToUnicode CMap, which lists exactly the codes used.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from docgen.check.findings import PageFinding, Rule
from docgen.check.pdf_pages import PdfView
from docgen.render.cmaps import cid_codes, to_unicode_map

#: Characters that may be drawn with an empty glyph: spaces and the zero-width marks.
BLANK = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


@dataclass
class FontUse:
    name: str
    embedded: bool
    programs: set[str] = field(default_factory=set)  # sha1 of each distinct font file seen
    notdef: list[str] = field(default_factory=list)  # characters drawn with glyph 0
    empty: list[str] = field(default_factory=list)  # characters drawn with an empty glyph
    no_unicode: bool = False


def check_fonts(document: str, path: Path, view: PdfView) -> list[PageFinding]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    fonts: dict[str, FontUse] = {}
    seen: set[int] = set()
    first_page: dict[str, int] = {}
    for number, page in enumerate(reader.pages, 1):
        for ref, font in _fonts(page.get("/Resources"), set()):
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            first_page.setdefault(name, number)
            if ref in seen:
                continue
            seen.add(ref)
            _inspect(font, fonts.setdefault(name, FontUse(name, True)))
    out = []
    for name, use in fonts.items():
        page = first_page.get(name)
        if not use.embedded:
            out.append(PageFinding(document, page, Rule.FONT_NOT_EMBEDDED, f"字体未嵌入：{name}"))
        if len(use.programs) > 1:
            out.append(PageFinding(document, None, Rule.SUBSET_NAME_REUSED,
                                   f"子集字体名“{name}”对应{len(use.programs)}个不同的字体程序（阅读器可能用错字形）"))
        if use.no_unicode:
            out.append(PageFinding(document, page, Rule.MISSING_GLYPH,
                                   f"字体{name}没有ToUnicode映射，文字无法复制、检索"))
        used = view.chars_by_font.get(name, {})
        if use.notdef:
            where = min((used[c] for c in use.notdef if c in used), default=page)
            out.append(PageFinding(document, where, Rule.MISSING_GLYPH,
                                   f"字体{name}缺少字形，印成空白或方框（.notdef）：" + _quote(use.notdef)))
        if use.empty:
            where = min((used[c] for c in use.empty if c in used), default=page)
            out.append(PageFinding(document, where, Rule.MISSING_GLYPH,
                                   f"字体{name}的字形为空，文字印不出来：" + _quote(use.empty)))
    return out


def _quote(chars: list[str]) -> str:
    shown = "".join(f"“{c}”（U+{ord(c[0]):04X}）" for c in chars[:8])
    return shown + (f"等{len(chars)}个字符" if len(chars) > 8 else "")


def _fonts(resources, visited: set[int]):
    """(object id, font dictionary) of every font in ``resources`` and its form XObjects."""
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for ref in fonts.get_object().values():
            yield getattr(ref, "idnum", id(ref)), ref.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            key = getattr(ref, "idnum", id(ref))
            xobj = ref.get_object()
            if key in visited or xobj.get("/Subtype") != "/Form":
                continue
            visited.add(key)
            yield from _fonts(xobj.get("/Resources"), visited)


def _inspect(font, use: FontUse) -> None:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return  # glyphs are drawn by the PDF itself
    cid_font = font["/DescendantFonts"][0].get_object() if subtype == "/Type0" else font
    descriptor = cid_font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    program = next((descriptor[k].get_object() for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None)
    if program is None:
        use.embedded = False
        return
    data = program.get_data()
    use.programs.add(hashlib.sha1(data).hexdigest())
    if subtype != "/Type0":
        return  # simple fonts: WeasyPrint writes CJK text only in Type0 fonts
    if "/ToUnicode" not in font:
        use.no_unicode = True
        return
    to_unicode = to_unicode_map(font["/ToUnicode"].get_object().get_data())
    encoding = font.get("/Encoding")
    encoding = encoding.get_object() if encoding is not None else None
    code_to_cid = (cid_codes(encoding.get_data()) if hasattr(encoding, "get_data") else None)
    gid_map = cid_font.get("/CIDToGIDMap")
    gid_map = gid_map.get_object().get_data() if gid_map is not None and hasattr(gid_map.get_object(), "get_data") else None
    glyphs = _GlyphTable(data)
    for code, text in to_unicode.items():
        cid = code_to_cid.get(code, int.from_bytes(code, "big")) if code_to_cid is not None else int.from_bytes(code, "big")
        gid = int.from_bytes(gid_map[2 * cid:2 * cid + 2], "big") if gid_map and 2 * cid + 2 <= len(gid_map) else cid
        if text.isspace() or text in BLANK:
            continue
        if gid == 0:
            use.notdef.append(text)
        elif glyphs.empty(gid):
            use.empty.append(text)


class _GlyphTable:
    """An embedded font program's glyphs: which are empty (no outline).

    A TrueType glyph is empty when its ``loca`` entry spans no bytes or its header counts no
    contours (what fontTools' ``Glyph.numberOfContours == 0`` says), read from the raw
    ``glyf`` bytes: decompiling every glyph's coordinates to ask that cost 0.1 s per PDF."""

    def __init__(self, data: bytes):
        self.loca = self.glyf_data = self.charstrings = self.order = None
        self.count = 0
        try:
            from fontTools.ttLib import TTFont

            font = TTFont(io.BytesIO(data), lazy=True)
            if "glyf" in font.reader:
                self.loca, self.glyf_data = font["loca"], font.reader["glyf"]
                self.count = font["maxp"].numGlyphs
            elif "CFF " in font:
                self.order = font.getGlyphOrder()
                self.charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
        except Exception:
            self.loca = None
            try:  # a bare CFF program (FontFile3 /CIDFontType0C)
                from fontTools.cffLib import CFFFontSet

                cff = CFFFontSet()
                cff.decompile(io.BytesIO(data), None)
                top = cff.topDictIndex[0]
                self.charstrings, self.order = top.CharStrings, top.charset
            except Exception:
                pass  # unreadable: only glyph 0 is then recognised

    def empty(self, gid: int) -> bool:
        if self.loca is not None:
            if gid >= self.count:
                return True  # no such glyph: viewers draw .notdef or nothing
            start, end = self.loca[gid], self.loca[gid + 1]
            return end <= start or int.from_bytes(self.glyf_data[start:start + 2], "big", signed=True) == 0
        if self.order is None:
            return False
        if gid >= len(self.order):
            return True
        if self.charstrings is not None:
            name = self.order[gid]
            charstring = self.charstrings[name]
            return charstring.calcBounds(self.charstrings) is None
        return False
