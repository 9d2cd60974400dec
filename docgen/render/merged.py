"""Merged cells cut by a page break are shown again on each page (``data-repeat``).

WeasyPrint draws a cell that spans several rows (``rowspan``) once, with its first row: when
those rows run onto the next page, the cell's column there is blank and has no rules, and a
reader of that page does not see, say, which 评价机构 evaluated its rows. A template marks such
a cell with the attribute ``data-repeat`` (the 汇总表's 评价机构 cell does).
:func:`lay_out_repeating` lays the document out, cuts every marked cell where the pages of its
rows change and lays it out again: one cell per page, each with the whole content and spanning
that page's rows. A cell whose rows share a page is left as it is, and a document without
marked cells is laid out once.

The cut copies can make a row taller (a name on more lines than its rows had), which may move
a page break; the document is then cut again where the pages now change, up to
:data:`MAX_LAYOUTS` layouts in all.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from docgen.render.compat.weasyprint import table_rows_by_page

REPEAT = "data-repeat"
#: Layouts at most, the first included: the cuts settle after one more in practice.
MAX_LAYOUTS = 4

#: A layout: (the laid-out WeasyPrint document, the root element of the tree it was laid out from).
Layout = Callable[[str], tuple[object, ET.Element]]


@dataclass(frozen=True)
class Marked:
    """A marked cell of the document as written: the document-order indices of the rows it spans
    and its grid column."""

    rows: tuple[int, ...]
    column: int


def _marked_cells(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.tag in ("td", "th") and REPEAT in el.attrib]


def _rows_of(cell: ET.Element, parents: dict, rows: dict) -> tuple[int, ...]:
    """The document-order indices of the rows ``cell`` spans: its row and the rows after it in
    the same row group, as many as its rowspan (HTML clips a rowspan at the group's end)."""
    row = parents[cell]
    siblings = [el for el in parents[row] if el.tag == "tr"]
    try:
        span = max(1, int(cell.get("rowspan", "1")))
    except ValueError:
        span = 1
    start = siblings.index(row)
    return tuple(rows[id(r)] for r in siblings[start:start + span])


def _pages_of_rows(document, root: ET.Element) -> dict[int, int]:
    """Document-order row index → the page its box begins on."""
    index = {id(el): i for i, el in enumerate(root.iter("tr"))}
    pages: dict[int, int] = {}
    for number, rows in enumerate(table_rows_by_page(document)):
        for element, _ in rows:
            if id(element) in index:
                pages.setdefault(index[id(element)], number)
    return pages


def _runs(marked: Marked, pages: dict[int, int]) -> tuple[int, ...]:
    """The lengths of the runs of the cell's rows that share a page."""
    runs: list[int] = []
    previous = None
    for row in marked.rows:
        page = pages.get(row, previous)
        if runs and page == previous:
            runs[-1] += 1
        else:
            runs.append(1)
        previous = page
    return tuple(runs)


def _cut(original: ET.Element, cuts: dict[int, tuple[int, ...]], marked: list[Marked],
         slots: dict[int, list[int]]) -> ET.Element:
    """A copy of ``original`` whose marked cells are cut into the runs of ``cuts``; a copy of
    the cell opens each later run, in the run's first row at the cell's grid column."""
    tree = copy.deepcopy(original)
    cells = _marked_cells(tree)
    rows = list(tree.iter("tr"))
    filled = {row: list(columns) for row, columns in slots.items()}
    for k, runs in sorted(cuts.items(), key=lambda item: marked[item[0]].column):
        cell, spec = cells[k], marked[k]
        cell.set("rowspan", str(runs[0]))
        offset = runs[0]
        for length in runs[1:]:
            row = spec.rows[offset]
            repeat = copy.deepcopy(cell)
            del repeat.attrib[REPEAT]
            repeat.set("rowspan", str(length))
            columns = filled.setdefault(row, [])
            position = sum(1 for c in columns if c < spec.column)
            rows[row].insert(_element_position(rows[row], position), repeat)
            columns.insert(position, spec.column)
            offset += length
    return tree


def _element_position(row: ET.Element, cells_before: int) -> int:
    """The child index in ``row`` after its first ``cells_before`` cells."""
    seen = 0
    for i, child in enumerate(row):
        if seen == cells_before:
            return i
        if child.tag in ("td", "th"):
            seen += 1
    return len(row)


#: Namespaces of foreign content the HTML parser puts there by itself (an inline ``<svg>``, such as
#: a chart's) and the prefixes its attributes are written with in HTML.
_FOREIGN = ("{http://www.w3.org/2000/svg}", "{http://www.w3.org/1998/Math/MathML}")
_ATTRIBUTE_PREFIXES = {"{http://www.w3.org/1999/xlink}": "xlink:", "{http://www.w3.org/XML/1998/namespace}": "xml:"}


def serialise(root: ET.Element) -> str:
    """``root`` as HTML that parses back into the same tree. An inline SVG's elements are
    written by their plain names (``ns0:svg`` would be read as an unknown HTML element, its
    text printed), their ``xlink:`` and ``xml:`` attributes with those prefixes."""
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and tag.startswith(_FOREIGN):
            element.tag = tag.split("}", 1)[1]
            for name in [n for n in element.attrib if n.startswith("{")]:
                namespace, local = name[1:].split("}", 1)
                prefix = _ATTRIBUTE_PREFIXES.get("{" + namespace + "}")
                if prefix:
                    element.attrib[prefix + local] = element.attrib.pop(name)
    return "<!DOCTYPE html>" + ET.tostring(root, encoding="unicode", method="html")


def lay_out_repeating(html: str, lay_out: Layout):
    """``html`` laid out by ``lay_out`` with its ``data-repeat`` cells cut at page breaks."""
    document, root = lay_out(html)
    cells = _marked_cells(root)
    if not cells:
        return document
    parents = {child: parent for parent in root.iter() for child in parent}
    rows = {id(el): i for i, el in enumerate(root.iter("tr"))}
    laid_out = table_rows_by_page(document)
    columns = {id(element): column for page in laid_out for _, row in page for element, column in row}
    slots = {rows[id(element)]: [column for _, column in row]
             for page in laid_out for element, row in page if id(element) in rows}
    marked = [Marked(_rows_of(cell, parents, rows), columns.get(id(cell), 0)) for cell in cells]
    original = copy.deepcopy(root)
    applied: dict[int, tuple[int, ...]] = {}
    current, current_root = document, root
    for _ in range(MAX_LAYOUTS - 1):
        pages = _pages_of_rows(current, current_root)
        cuts = {k: runs for k, spec in enumerate(marked) if len(runs := _runs(spec, pages)) > 1}
        if cuts == applied:
            break
        current, current_root = lay_out(serialise(_cut(original, cuts, marked, slots)))
        applied = cuts
    return current
