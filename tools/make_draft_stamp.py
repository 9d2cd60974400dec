"""Regenerate the 草稿 stamp of the PDFs (python tools/make_draft_stamp.py [folder]).

The stamp is drawn as outlines, not set as text: text would be picked up by copy-paste and
by ``pdftotext`` in the middle of the document's sentences (issue 14). The outlines are the
glyphs of Noto Sans CJK SC Regular (fonts-noto-cjk, SIL OFL), written as one SVG that
``templates/base.html`` shows on every page of a draft. The same script gives the same bytes,
so a test can check that the committed file is what it makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TEXT = "草稿"
#: The stamp's colour: the preflight (docgen check) finds the stamp on a page by this fill.
COLOUR = "#c80000"
OPACITY = "0.18"


def sc_face(collection: TTCollection):
    for face in collection.fonts:
        if face["name"].getDebugName(1) == "Noto Sans CJK SC":
            return face
    raise SystemExit("Noto Sans CJK SC not found in " + str(FONT))


def stamp_svg() -> str:
    face = sc_face(TTCollection(str(FONT)))
    glyphs, cmap = face.getGlyphSet(), face.getBestCmap()
    units = face["head"].unitsPerEm
    ascent = face["hhea"].ascent
    paths, x = [], 0
    for char in TEXT:
        name = cmap[ord(char)]
        pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.0f}")
        # font units are y-up from the baseline; SVG is y-down from the top
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, ascent)))
        paths.append(pen.getCommands())
        x += glyphs[name].width
    height = ascent - face["hhea"].descent
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x} {height}" width="{x / units:.3f}em" '
            f'height="{height / units:.3f}em">'
            f'<path fill="{COLOUR}" fill-opacity="{OPACITY}" d="{" ".join(paths)}"/></svg>\n')


def main(folder: Path) -> None:
    (folder / "css" / "draft-stamp.svg").write_text(stamp_svg(), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates")
