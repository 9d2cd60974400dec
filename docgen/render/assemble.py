"""One PDF from PDFs that WeasyPrint wrote for consecutive parts of one document (分段排版).

:func:`assemble` keeps the first part's catalog (metadata, named destinations, links, language),
appends the other parts' pages, gives the pages one embedded subset per font instead of one per
part, replaces the outline with the whole document's, and writes the file compactly (object
and cross-reference streams, as WeasyPrint does), so the assembled PDF is about as small as
one laid out in one piece. Deterministic: the same parts give the same bytes.

A font is merged only where the parts' subsets are of the kind WeasyPrint writes for TrueType
faces (``CIDFontType2``, ``/Identity-H``, glyph ids kept, ``bfchar`` Unicode maps); any other
font stays as it is, once per part, which is correct, only larger.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterable, Sequence

from docgen.render.cmaps import to_unicode_map
from docgen.render.compat.pypdf import add_object, info_reference

# An outline entry: (title, (page index, x, y) in PDF points, children, "open" | "closed").
Bookmark = tuple


def assemble(parts: Sequence[bytes], outline: list[Bookmark]) -> bytes:
    """The parts' pages in order, fonts merged, ``outline`` as the bookmarks."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(data)) for data in parts]
    writer = PdfWriter(clone_from=readers[0])
    for reader in readers[1:]:
        for page in reader.pages:
            writer.add_page(page)
    share_fonts(writer)
    unique_subset_names(writer)
    _replace_outline(writer, outline)
    return write_compact(writer, readers[0].trailer.get("/ID"))


# --------------------------------------------------------------------------- fonts


def share_fonts(writer) -> None:
    """Pages of different parts name the same face by the same resource key (WeasyPrint
    derives it from the font description): one merged font serves them all."""
    from pypdf.generic import NameObject

    font_dicts, seen = [], set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font")
        if fonts is None:
            continue
        fonts = fonts.get_object()
        if id(fonts) not in seen:
            seen.add(id(fonts))
            font_dicts.append(fonts)
    if len(font_dicts) < 2:
        return
    by_key: dict[str, list] = {}
    for fonts in font_dicts:
        for key, ref in fonts.items():
            by_key.setdefault(key, [])
            if all(ref.get_object() is not other.get_object() for other in by_key[key]):
                by_key[key].append(ref)
    for key, refs in by_key.items():
        if len(refs) < 2:
            continue
        merged = merge_type0_fonts(writer, [ref.get_object() for ref in refs])
        if merged is None:
            continue
        for fonts in font_dicts:
            if key in fonts:
                fonts[NameObject(key)] = merged


def unique_subset_names(writer) -> None:
    """Give each embedded subset a name of its own. Subsets of one face in different documents
    carry the same tag (``UVLNVA+docgen-Serif-SC``) though they hold different glyphs; where a
    packet keeps two such subsets apart (merging refused, or the 目录 page's font), a viewer
    that caches fonts by name would draw one with the other's glyphs. A colliding subset is
    renamed with a tag taken from its own font program (deterministic)."""
    import hashlib

    from pypdf.generic import NameObject

    by_name: dict[str, dict[int, object]] = {}
    for font in _type0_fonts(writer):
        name = str(font.get("/BaseFont", ""))
        by_name.setdefault(name, {})[id(font)] = font
    for name, fonts in by_name.items():
        if len(fonts) < 2 or not re.match(r"^/[A-Z]{6}\+", name):
            continue
        for font in fonts.values():
            try:
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                program = next(descriptor[k].get_object().get_data()
                               for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor)
            except (KeyError, IndexError, TypeError, StopIteration, AttributeError):
                continue
            digest = hashlib.sha256(program).digest()
            tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
            renamed = NameObject(f"/{tag}+{name[8:]}")
            font[NameObject("/BaseFont")] = renamed
            descendant[NameObject("/BaseFont")] = renamed
            descriptor[NameObject("/FontName")] = renamed


def _type0_fonts(writer) -> list:
    """Every Type 0 font the pages use, directly or through their form XObjects, once each."""
    found, seen = [], set()

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        if id(resources) in seen:
            return
        seen.add(id(resources))
        for ref in (resources.get("/Font") or {}).get_object().values() if resources.get("/Font") else []:
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0" and id(font) not in seen:
                seen.add(id(font))
                found.append(font)
        for ref in (resources.get("/XObject") or {}).get_object().values() if resources.get("/XObject") else []:
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in writer.pages:
        visit(page.get("/Resources"))
    return found


def merge_type0_fonts(writer, fonts: list):
    """One Type 0 font (indirect, added to ``writer``) for subsets of one TrueType face, or
    None where a subset is not of the kind this function understands."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    parsed = []
    for font in fonts:
        try:
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            if (font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H"
                    or descendant.get("/Subtype") != "/CIDFontType2"
                    or descendant.get("/CIDToGIDMap") != "/Identity"
                    or "/FontFile2" not in descriptor or "/CIDSet" in descriptor):
                return None
            widths = parse_widths(descendant.get("/W", []))
            to_unicode = parse_to_unicode(font["/ToUnicode"].get_object().get_data())
            program = descriptor["/FontFile2"].get_object().get_data()
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return None
        if to_unicode is None:
            return None
        parsed.append((font, descendant, descriptor, widths, to_unicode, program))
    if len({str(p[0].get("/BaseFont")) for p in parsed}) != 1:
        return None

    widths: dict[int, float] = {}
    to_unicode: dict[int, str] = {}
    for _, _, _, w, u, _ in parsed:
        for cid, width in w.items():
            if widths.setdefault(cid, width) != width:
                return None  # not the same face after all
        for cid, text in u.items():
            to_unicode.setdefault(cid, text)
    try:
        program = merge_truetype([p[5] for p in parsed])
    except (ValueError, KeyError, IndexError, struct.error):
        return None

    first_font, first_descendant, first_descriptor = parsed[0][:3]
    box = [[float(v) for v in p[2]["/FontBBox"]] for p in parsed]
    bbox = [min(b[0] for b in box), min(b[1] for b in box), max(b[2] for b in box), max(b[3] for b in box)]

    font_file = _stream(writer, program, {"/Length1": NumberObject(len(program))})
    descriptor = DictionaryObject(first_descriptor)
    descriptor[NameObject("/FontFile2")] = font_file
    descriptor[NameObject("/FontBBox")] = ArrayObject(_number(v) for v in bbox)
    descriptor[NameObject("/CapHeight")] = _number(bbox[3])
    descendant = DictionaryObject(first_descendant)
    descendant[NameObject("/W")] = format_widths(widths)
    descendant[NameObject("/FontDescriptor")] = add_object(writer, descriptor)
    fixed_pitch = len(widths) > 1 and len(set(widths.values())) == 1  # as WeasyPrint sets it
    descriptor[NameObject("/Flags")] = NumberObject(int(first_descriptor["/Flags"]) & ~1 | fixed_pitch)
    font = DictionaryObject(first_font)
    font[NameObject("/ToUnicode")] = _stream(writer, format_to_unicode(to_unicode), {})
    font[NameObject("/DescendantFonts")] = ArrayObject([add_object(writer, descendant)])
    return add_object(writer, font)


def _number(value: float):
    from pypdf.generic import FloatObject, NumberObject

    return NumberObject(int(value)) if float(value).is_integer() else FloatObject(value)


def _stream(writer, data: bytes, entries: dict):
    from pypdf.generic import NameObject, StreamObject

    stream = StreamObject()
    stream.update({NameObject(k): v for k, v in entries.items()})
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream.set_data(zlib.compress(data))  # StreamObject.set_data stores the bytes as they are
    return add_object(writer, stream)


def parse_widths(array: Iterable) -> dict[int, float]:
    """A CIDFont's ``/W`` array (both forms: ``c [w …]`` and ``c_first c_last w``)."""
    items = [item.get_object() if hasattr(item, "get_object") else item for item in array]
    widths: dict[int, float] = {}
    i = 0
    while i < len(items):
        start = int(items[i])
        following = items[i + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                widths[start + offset] = float(width)
            i += 2
        else:
            for cid in range(start, int(following) + 1):
                widths[cid] = float(items[i + 2])
            i += 3
    return widths


def format_widths(widths: dict[int, float]):
    """``/W`` in WeasyPrint's form: each run of consecutive CIDs as ``c [w …]``."""
    from pypdf.generic import ArrayObject, NumberObject

    out, run = ArrayObject(), None
    for cid in sorted(widths):
        if run is None or cid - 1 not in widths:
            run = ArrayObject()
            out.extend([NumberObject(cid), run])
        run.append(_number(widths[cid]))
    return out


def parse_to_unicode(cmap: bytes) -> dict[int, str] | None:
    """A ToUnicode CMap of ``bfchar`` entries as glyph id → text; None for other CMaps (a
    merged subset is written with ``bfchar`` entries only)."""
    if b"beginbfrange" in cmap:
        return None
    return {int.from_bytes(code, "big"): text for code, text in to_unicode_map(cmap).items()}


def format_to_unicode(mapping: dict[int, str]) -> bytes:
    """The CMap WeasyPrint writes (100 ``bfchar`` entries a block), glyph ids in order."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def merge_truetype(programs: Sequence[bytes]) -> bytes:
    """One TrueType font with every glyph of ``programs``: subsets of one face that kept the
    face's glyph ids (HarfBuzz's ``RETAIN_GIDS``, as WeasyPrint subsets), so glyph ``g`` of
    each is either empty or the face's glyph ``g``. The glyphs are copied as bytes (a composite
    glyph names its parts by glyph id, which all subsets share): no outline is decoded.
    ``ValueError`` if the subsets are not of one face (their ``head`` tables or a glyph that
    two of them hold differ)."""
    fonts = [_Sfnt(p) for p in programs]
    if len({f.identity for f in fonts}) != 1:
        raise ValueError("subsets of different faces")
    base = max(fonts, key=lambda f: f.glyph_count)  # the first of the largest
    glyphs, metrics = [], []
    for gid in range(base.glyph_count):
        found = [(glyph, f.metric(gid)) for f in fonts
                 if gid < f.glyph_count and (glyph := f.glyph(gid))]
        if any(other != found[0] for other in found[1:]):
            raise ValueError(f"glyph {gid} differs between the subsets: not one face")
        glyph, metric = found[0] if found else (b"", base.metric(gid))
        glyphs.append(glyph)
        metrics.append(metric)

    tables = dict(base.tables)
    # glyph data 2-byte aligned, short offsets where they fit (as HarfBuzz writes them)
    glyphs = [g + b"\0" * (len(g) % 2) for g in glyphs]
    offsets, total = [0], 0
    for g in glyphs:
        total += len(g)
        offsets.append(total)
    short = total < 0x20000
    tables[b"loca"] = struct.pack(f">{len(offsets)}{'H' if short else 'I'}",
                                  *[o // 2 if short else o for o in offsets])
    tables[b"glyf"] = b"".join(glyphs)
    # advances: trailing equal advances stored once (numberOfHMetrics)
    count = len(metrics)
    while count > 1 and metrics[count - 2][0] == metrics[-1][0]:
        count -= 1
    tables[b"hmtx"] = (b"".join(struct.pack(">Hh", *m) for m in metrics[:count])
                       + b"".join(struct.pack(">h", m[1]) for m in metrics[count:]))
    hhea = bytearray(tables[b"hhea"])
    hhea[34:36] = struct.pack(">H", count)
    tables[b"hhea"] = bytes(hhea)
    maxp = bytearray(tables[b"maxp"])
    for at in range(6, min(len(maxp), 32), 2):  # maxPoints … maxComponentDepth: the largest
        maxp[at:at + 2] = struct.pack(">H", max(struct.unpack_from(">H", f.tables[b"maxp"], at)[0] for f in fonts))
    tables[b"maxp"] = bytes(maxp)
    head = bytearray(tables[b"head"])
    boxes = [struct.unpack_from(">4h", f.tables[b"head"], 36) for f in fonts]
    head[36:44] = struct.pack(">4h", min(b[0] for b in boxes), min(b[1] for b in boxes),
                              max(b[2] for b in boxes), max(b[3] for b in boxes))
    head[50:52] = struct.pack(">h", 0 if short else 1)
    head[8:12] = b"\0\0\0\0"
    tables[b"head"] = bytes(head)
    font, offsets = _write_sfnt(base.version, tables)
    adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
    at = offsets[b"head"]
    return font[:at + 8] + struct.pack(">I", adjustment) + font[at + 12:]


class _Sfnt:
    """The tables of a TrueType font, and its glyphs and horizontal metrics by glyph id."""

    def __init__(self, data: bytes):
        self.version, count = struct.unpack_from(">4sH", data)
        self.tables = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            self.tables[tag] = data[offset:offset + length]
        self.glyph_count = struct.unpack_from(">H", self.tables[b"maxp"], 4)[0]
        long = struct.unpack_from(">h", self.tables[b"head"], 50)[0] == 1
        loca = self.tables[b"loca"]
        n = self.glyph_count + 1
        self.offsets = struct.unpack_from(f">{n}{'I' if long else 'H'}", loca)
        if not long:
            self.offsets = [o * 2 for o in self.offsets]
        self.h_metrics = struct.unpack_from(">H", self.tables[b"hhea"], 34)[0]
        # fontRevision, unitsPerEm, created and modified: the same for every subset of a face
        head = self.tables[b"head"]
        self.identity = (head[4:8], head[18:20], head[20:36])

    def glyph(self, gid: int) -> bytes:
        return self.tables[b"glyf"][self.offsets[gid]:self.offsets[gid + 1]]

    def metric(self, gid: int) -> tuple[int, int]:
        hmtx = self.tables[b"hmtx"]
        if gid < self.h_metrics:
            return struct.unpack_from(">Hh", hmtx, 4 * gid)
        advance = struct.unpack_from(">H", hmtx, 4 * (self.h_metrics - 1))[0]
        return advance, struct.unpack_from(">h", hmtx, 4 * self.h_metrics + 2 * (gid - self.h_metrics))[0]


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _write_sfnt(version: bytes, tables: dict[bytes, bytes]) -> tuple[bytes, dict[bytes, int]]:
    """The font file, and where each table starts in it."""
    tags = sorted(tables)
    power = 1 << (len(tags).bit_length() - 1)
    header = struct.pack(">4sHHHH", version, len(tags), power * 16, power.bit_length() - 1,
                         len(tags) * 16 - power * 16)
    offset = len(header) + 16 * len(tags)
    directory, body, offsets = [], [], {}
    for tag in tags:
        data = tables[tag]
        offsets[tag] = offset
        directory.append(struct.pack(">4sIII", tag, _checksum(data), offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    return header + b"".join(directory) + b"".join(body), offsets


# --------------------------------------------------------------------------- outline


def _replace_outline(writer, outline: list[Bookmark]) -> None:
    from pypdf.generic import Fit, NameObject

    root = writer.root_object
    if "/Outlines" in root:
        del root[NameObject("/Outlines")]  # the first part's; pypdf makes a new root on first use

    def add(items, parent):
        for title, (page, x, y), children, state in items:
            node = writer.add_outline_item(title=title, page_number=page, parent=parent, fit=Fit.xyz(x, y, 0),
                                           is_open=state != "closed")
            add(children, node)

    add(outline, None)


# --------------------------------------------------------------------------- compact writing


def write_compact(writer, identifier=None) -> bytes:
    """``writer``'s document as PDF 1.7 with its dictionaries in one compressed object stream
    and a compressed cross-reference stream; only objects reachable from the catalog and the
    document information are written."""
    from pypdf.generic import ArrayObject, IndirectObject, StreamObject

    root = writer.root_object.indirect_reference
    info = info_reference(writer)
    reachable: set[int] = set()
    todo = [root] + ([info] if info is not None else [])
    while todo:
        ref = todo.pop()
        if ref.idnum in reachable:
            continue
        reachable.add(ref.idnum)
        stack = [writer.get_object(ref.idnum)]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                if obj.idnum not in reachable:
                    todo.append(obj)
            elif isinstance(obj, dict):
                stack.extend(obj.values())
            elif isinstance(obj, list):
                stack.extend(obj)

    def serialise(obj) -> bytes:
        buf = io.BytesIO()
        obj.write_to_stream(buf)
        return buf.getvalue()

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n")
    stream_number, xref_number = max(reachable) + 1, max(reachable) + 2
    size = xref_number + 1
    entries: dict[int, tuple[int, int, int]] = {}
    packed: list[tuple[int, bytes]] = []
    for n in sorted(reachable):
        obj = writer.get_object(n)
        if isinstance(obj, StreamObject):
            entries[n] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n" % n + serialise(obj) + b"\nendobj\n")
        else:
            packed.append((n, serialise(obj)))
    header, body, offset = [], [], 0
    for index, (n, data) in enumerate(packed):
        header.append(b"%d %d" % (n, offset))
        body.append(data)
        offset += len(data) + 1
        entries[n] = (2, stream_number, index)
    first = b" ".join(header) + b"\n"
    content = zlib.compress(first + b"\n".join(body))
    entries[stream_number] = (1, out.tell(), 0)
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
              % (stream_number, len(packed), len(first), len(content)) + content + b"\nendstream\nendobj\n")

    entries[xref_number] = (1, out.tell(), 0)
    offset_width = max(4, (out.tell().bit_length() + 7) // 8)
    rows = bytearray()
    for n in range(size):
        kind, field2, field3 = entries.get(n, (0, 0, 65535 if n == 0 else 0))
        rows += bytes([kind]) + field2.to_bytes(offset_width, "big") + field3.to_bytes(2, "big")
    xref = zlib.compress(bytes(rows))
    trailer = b"/Root %d 0 R" % root.idnum
    if info is not None:
        trailer += b" /Info %d 0 R" % info.idnum
    if identifier is not None:
        trailer += b" /ID " + serialise(ArrayObject(identifier))
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 %d 2] %s /Filter /FlateDecode /Length %d >>\nstream\n"
              % (xref_number, size, offset_width, trailer, len(xref)) + xref + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % entries[xref_number][1])
    return out.getvalue()
