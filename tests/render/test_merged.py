"""Merged cells marked ``data-repeat`` are cut at page breaks and shown on every page of their
rows (docgen/render/merged.py); cells without the mark are laid out as WeasyPrint lays them out."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from docgen.render.pdf import PdfRenderer

PAGE = ('<html lang="zh-CN"><head><meta charset="utf-8"><link rel="stylesheet" href="css/official.css">'
        "<style>table { border-collapse: collapse; font-size: 12pt; } td { border: 0.75pt solid #000; }"
        "</style></head><body><table><tbody>{rows}</tbody></table></body></html>")


def rows(n: int, mark: str = " data-repeat", first: str = "评价机构甲", second: str = "第二列乙") -> str:
    """``n`` rows: 序号, a cell merged over all of them (column 1), 内容, a second merged cell
    (column 3) over the rows after the first two, and a last column."""
    out = []
    for i in range(1, n + 1):
        cells = [f"<td>{i}</td>"]
        if i == 1:
            cells.append(f'<td rowspan="{n}"{mark}>{first}</td>')
        cells.append(f"<td>内容{i}</td>")
        if i == 3:
            cells.append(f'<td rowspan="{n - 2}"{mark}>{second}</td>')
        elif i < 3:
            cells.append("<td>前</td>")
        cells.append("<td>末</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out)


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer()


def pages_of(renderer, html: str) -> list[str]:
    data, _, _ = renderer.write(html)
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_marked_cells_show_their_text_on_every_page(renderer):
    pages = pages_of(renderer, PAGE.replace("{rows}", rows(80)))
    assert len(pages) >= 3
    assert [p.count("评价机构甲") for p in pages] == [1] * len(pages)
    assert [p.count("第二列乙") for p in pages] == [1] * len(pages)
    text = "".join(pages)
    # every row keeps its cells in their columns: 序号, 内容, the last column
    assert all(f"内容{i}" in text for i in range(1, 81)) and text.count("末") == 80


def test_unmarked_cells_are_laid_out_as_before(renderer):
    pages = pages_of(renderer, PAGE.replace("{rows}", rows(80, mark="")))
    assert sum(p.count("评价机构甲") for p in pages) == 1 and pages[1].count("评价机构甲") == 0


def test_a_marked_cell_on_one_page_is_laid_out_once(renderer, monkeypatch):
    calls = []
    lay_out = renderer._lay_out
    monkeypatch.setattr(renderer, "_lay_out", lambda html: calls.append(html) or lay_out(html))
    pages = pages_of(renderer, PAGE.replace("{rows}", rows(5)))
    assert len(pages) == 1 and pages[0].count("评价机构甲") == 1 and len(calls) == 1
    calls.clear()
    pages_of(renderer, PAGE.replace("{rows}", rows(80)))
    assert 2 <= len(calls) <= 4


def test_an_inline_svg_is_laid_out_again_as_svg(renderer):
    """A document laid out again with its cells cut is written back to HTML: an inline SVG (a
    chart's) must come back as SVG, its clip path and text kept, not as an unknown element whose
    text and style sheet are printed."""
    svg = ('<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="60pt" height="30pt" viewBox="0 0 60 30">'
           '<defs><style type="text/css">*{stroke-linecap: butt}</style>'
           '<clipPath id="c"><rect x="0" y="0" width="30" height="30"/></clipPath>'
           '<path id="m" d="M 0 0 L 0 3"/></defs>'
           '<rect x="0" y="0" width="60" height="30" fill="#000" clip-path="url(#c)"/>'
           '<use xlink:href="#m" x="40" y="5" stroke="#000"/>'
           '<text x="40" y="20" style="font-size: 9px; font-family: \'docgen Serif SC\'">图中文字</text></svg>')
    html = PAGE.replace("<table>", svg + "<table>").replace("{rows}", rows(80))
    pages = pages_of(renderer, html)
    assert len(pages) >= 3 and pages[0].count("评价机构甲") == 1
    assert "图中文字" in pages[0] and "stroke" not in "".join(pages)
