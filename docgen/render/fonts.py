"""Prepared fonts: the CJK faces reduced once to the characters documents use, cached on disk.

A Noto CJK collection is ~20 MB a weight with 65,000 glyphs and large layout tables;
WeasyPrint would parse it and carry its tables into every PDF. docgen prepares, once per
font file, a face reduced to GB 2312 (6,763 hanzi and its symbols) plus ASCII and the
full-width punctuation of official documents, without layout (GSUB/GPOS), vertical metrics
or hinting, and declares it as “docgen Serif SC” / “docgen Sans SC”. The templates' CSS names these
first and the installed family next, so a character outside the prepared set falls back,
glyph by glyph, to the installed font: nothing goes missing.

The cache key is the source file's path, size and modification time, the character set and
the preparation code's version: a changed font file is prepared again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Bump when the preparation changes: cached faces are then prepared again.
PREPARATION_VERSION = "1"

#: (CSS family, CSS weight, fontconfig pattern): the prepared faces have names of their own
#: (an installed family of the same name would win); the CSS lists them first and the
#: installed family right after, for the glyphs outside the prepared set.
FACES = [
    ("docgen Serif SC", 400, "Noto Serif CJK SC:style=Regular"),
    ("docgen Serif SC", 700, "Noto Serif CJK SC:style=Bold"),
    ("docgen Sans SC", 400, "Noto Sans CJK SC:style=Regular"),
]

_EXTRA = ("“”‘’—…·、。，：；！？（）《》〔〕【】〈〉「」『』％＋－＝≥≤×÷①②③④⑤⑥⑦⑧⑨⑩"
          "０１２３４５６７８９ＡＢＣＤＥＦａｂｃｄｅｆ　²³°±")


def charset() -> str:
    """GB 2312 (hanzi, symbols, full-width forms), ASCII and official punctuation."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(_EXTRA)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


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
    return folder / f"{source.stem}-{index}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.otf"


def prepare_face(source: Path, index: int, chars: str, folder: Path) -> Path:
    """The reduced face for ``source`` (collection ``index``), made once and cached."""
    target = prepared_path(source, index, chars, folder)
    if target.is_file():
        return target
    from fontTools import subset  # only when preparing: importing it costs more than the lookup
    from fontTools.ttLib import TTFont

    folder.mkdir(parents=True, exist_ok=True)
    font = TTFont(str(source), fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    os.close(fd)
    try:
        font.save(tmp, reorderTables=True)
        os.replace(tmp, target)  # several workers may prepare at once: the last rename wins, same bytes
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def prepared_faces(folder: Path | None = None) -> list[PreparedFace]:
    """Every template face, prepared; faces that are not installed are left to fontconfig."""
    folder = folder or cache_dir()
    chars = charset()
    faces = []
    for family, weight, pattern in FACES:
        found = locate(pattern)
        if found is not None:
            faces.append(PreparedFace(family, weight, prepare_face(found[0], found[1], chars, folder)))
    return faces


def font_face_css(faces: list[PreparedFace]) -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; src: url("{f.path.as_uri()}"); }}'
        for f in faces)
