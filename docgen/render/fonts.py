"""Prepared fonts: the CJK faces reduced once to the characters documents use, cached on disk.

A Noto CJK collection is ~20 MB a weight with 65,000 glyphs and large layout tables;
WeasyPrint would parse it and carry its tables into every PDF. docgen prepares, once per
font file, two TrueType faces without layout tables (GSUB/GPOS), vertical metrics or
hinting: GB 2312 (6,763 hanzi and its symbols) plus ASCII and the full-width punctuation of
official documents, declared as “docgen Serif SC” / “docgen Sans SC”, and the other CJK
Unified Ideographs, declared as “docgen Serif SC Ext” / “docgen Sans SC Ext”. The
templates' CSS names these first and the installed family next, so a character outside
both (CJK extensions, rare symbols) falls back, glyph by glyph, to the installed font:
nothing goes missing.

The cache key is the source file's path, size and modification time, the character set and
the preparation code's version: a changed font file is prepared again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Bump when the preparation changes: cached faces are then prepared again.
PREPARATION_VERSION = "2"

#: (CSS family, CSS weight, fontconfig pattern): the prepared faces have names of their own
#: (an installed family of the same name would win); the CSS lists them first and the
#: installed family right after, for the glyphs outside the prepared sets.
FACES = [
    ("docgen Serif SC", 400, "Noto Serif CJK SC:style=Regular"),
    ("docgen Serif SC", 700, "Noto Serif CJK SC:style=Bold"),
    ("docgen Sans SC", 400, "Noto Sans CJK SC:style=Regular"),
    # 楷体 role (GB/T 9704 二级标题 “（一）”): AR PL UKai (fonts-arphic-ukai, Arphic Public
    # License), the free kai face Debian ships; TrueType outlines, prepared like the others
    ("docgen Kai SC", 400, "AR PL UKai CN:style=Book"),
]

#: Each installed face gives two prepared faces: the common set under the family's name and
#: the rarer hanzi under the same name + " Ext" (a family of its own: WeasyPrint tells the
#: fonts of a PDF apart by family, weight and style, so two files may not share all three).
SUPPLEMENT_SUFFIX = " Ext"

_EXTRA = ("“”‘’—…·、。，：；！？（）《》〔〕【】〈〉「」『』％＋－＝≥≤×÷①②③④⑤⑥⑦⑧⑨⑩"
          "０１２３４５６７８９ＡＢＣＤＥＦａｂｃｄｅｆ　²³°±")


@functools.lru_cache(maxsize=None)
def charset() -> str:
    """ASCII, official punctuation and GB 2312 (symbols, full-width forms, hanzi), in this order.

    GB 2312 lists its 3,755 common hanzi (一级字) before the 3,008 rarer ones (二级字): a
    prepared face numbers its glyphs in this order, so a document of common characters uses
    only the lower glyph ids and its embedded subset stays small.
    """
    chars = [chr(c) for c in range(0x20, 0x7F)] + list(_EXTRA)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(dict.fromkeys(chars))


@functools.lru_cache(maxsize=None)
def supplement_charset() -> str:
    """The CJK Unified Ideographs outside :func:`charset` (14,229), in code point order: the
    rarer characters of personal and place names (喆, 堃, 玥) and traditional forms kept
    from source documents (續). Without them such a character would come from the installed
    20 MB collection, whose embedded subset keeps an entry for each of its 65,000 glyph ids
    (~60 KB a PDF for one character)."""
    common = set(charset())
    return "".join(chr(c) for c in range(0x4E00, 0xA000) if chr(c) not in common)


CHARSETS = {"common": charset, "supplement": supplement_charset}


def cache_dir() -> Path:
    return Path(os.environ.get("DOCGEN_FONT_CACHE") or Path.home() / ".cache" / "docgen" / "fonts")


@dataclass(frozen=True)
class PreparedFace:
    family: str
    weight: int
    path: Path


def locate(pattern: str) -> tuple[Path, int] | None:
    """The installed file and collection index fontconfig chooses for ``pattern``."""
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern],
                         capture_output=True, text=True).stdout.split("\n")
    family = pattern.split(":")[0]
    if len(out) < 3 or family not in out[2].split(","):
        return None  # fontconfig substituted another family: nothing to prepare
    return Path(out[0]), int(out[1] or 0)


def prepared_path(source: Path, index: int, chars: str, folder: Path) -> Path:
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{index}|{PREPARATION_VERSION}|{chars}"
    return folder / f"{source.stem}-{index}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ttf"


def prepare_face(source: Path, index: int, chars: str, folder: Path) -> Path:
    """The reduced face for ``source`` (collection ``index``), made once and cached."""
    target = prepared_path(source, index, chars, folder)
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    font = build_face(source, index, chars)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    os.close(fd)
    try:
        font.save(tmp, reorderTables=True)
        os.replace(tmp, target)  # several workers may prepare at once: the last rename wins, same bytes
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def build_face(source: Path, index: int, chars: str):
    """A TrueType face with the glyphs of ``chars`` from ``source``, in the order of ``chars``.

    The outlines are converted from CFF to TrueType quadratic curves (within 1/1000 em) and
    the glyphs are numbered from 1 in the order of ``chars``. Why TrueType: WeasyPrint keeps
    glyph ids when it subsets a face (the PDF's text refers to them), and a TrueType subset
    carries the unused ids as empty, well-compressed loca and hmtx entries, where a CFF subset
    carries them as offsets, charset and FDSelect entries: ~30 KB a face for a one-page
    document. A TrueType CIDFont also maps codes to glyphs by ``/CIDToGIDMap /Identity``,
    with no CID-keyed charset for viewers to read differently.
    """
    from fontTools.fontBuilder import FontBuilder  # only when preparing (once per machine)
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    original = TTFont(str(source), fontNumber=index, lazy=True)
    best = original.getBestCmap()
    mapping = {ord(c): best[ord(c)] for c in chars if ord(c) in best}
    order = list(dict.fromkeys([".notdef", *mapping.values()]))
    outlines = original.getGlyphSet()
    # CFF contours run the other way round from TrueType's; a TrueType source keeps its own
    cubic = "CFF " in original or "CFF2" in original
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # a TrueType glyph may be built of other glyphs (components) the prepared face does
        # not keep: drawn as plain outlines instead
        recording = DecomposingRecordingPen(outlines)
        outlines[name].draw(recording)
        recording.replay(Cu2QuPen(pen, max_err=1.0, reverse_direction=cubic))
        glyphs[name] = pen.glyph()

    builder = FontBuilder(original["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    glyf, advances = builder.font["glyf"], original["hmtx"]
    metrics = {}
    for name in order:
        glyphs[name].recalcBounds(glyf)
        metrics[name] = (advances[name][0], getattr(glyphs[name], "xMin", 0))
    builder.setupHorizontalMetrics(metrics)
    hhea = original["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    builder.font["OS/2"] = original["OS/2"]
    builder.font["name"] = original["name"]  # names, copyright and licence of the original
    builder.setupPost()
    builder.setupMaxp()
    head = builder.font["head"]
    for field in ("fontRevision", "created", "modified", "macStyle", "flags", "lowestRecPPEM"):
        setattr(head, field, getattr(original["head"], field))
    # the original's dates, not the clock: the same font file gives the same bytes, and the
    # PDFs embedding it do too
    builder.font.recalcTimestamp = False
    return builder.font


def prepared_faces(folder: Path | None = None) -> list[PreparedFace]:
    """Every template face, prepared (common set and supplement); faces that are not
    installed are left to fontconfig. Looked up once per process and cache folder (a
    worker's renderers share the answer)."""
    folder = folder or cache_dir()
    if folder not in _prepared or not all(f.path.is_file() for f in _prepared[folder]):
        wanted = []  # (family, weight, source, index, charset kind)
        for family, weight, pattern in FACES:
            found = locate(pattern)
            if found is not None:
                wanted.append((family, weight, *found, "common"))
                wanted.append((family + SUPPLEMENT_SUFFIX, weight, *found, "supplement"))
        faces = [PreparedFace(family, weight, prepared_path(source, index, CHARSETS[kind](), folder))
                 for family, weight, source, index, kind in wanted]
        missing = [(source, index, kind) for (_, _, source, index, kind), face in zip(wanted, faces)
                   if not face.path.is_file()]
        if missing:
            prepare_in_parallel(missing, folder)
        _prepared[folder] = faces
    return list(_prepared[folder])


_prepared: dict[Path, list[PreparedFace]] = {}


def prepare_in_parallel(faces: list[tuple[Path, int, str]], folder: Path) -> None:
    """Prepare ``faces`` (source, collection index, charset kind), one process per core.
    A lock in the cache folder makes the build's workers, or two builds, wait for one
    another instead of preparing the same faces twice. Processes, not a multiprocessing
    pool: a build worker (a daemon process) may not have children of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock

    with FileLock(str(folder / ".lock")):  # portable: flock on POSIX, msvcrt on Windows
        todo = [f for f in faces if not prepared_path(f[0], f[1], CHARSETS[f[2]](), folder).is_file()]
        running: list[subprocess.Popen] = []
        failures = []
        for source, index, kind in todo:
            if len(running) >= (os.cpu_count() or 1):
                failures += _finished(running.pop(0))
            running.append(subprocess.Popen(
                [sys.executable, "-m", "docgen.render.fonts", str(source), str(index), kind, str(folder)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for process in running:
            failures += _finished(process)
        if failures:
            raise RuntimeError("准备字体失败：" + "; ".join(failures))


def _finished(process: subprocess.Popen) -> list[str]:
    _, err = process.communicate()
    return [err.decode(errors="replace").strip()[-500:]] if process.returncode else []


if __name__ == "__main__":  # one face, for prepare_in_parallel
    prepare_face(Path(sys.argv[1]), int(sys.argv[2]), CHARSETS[sys.argv[3]](), Path(sys.argv[4]))
