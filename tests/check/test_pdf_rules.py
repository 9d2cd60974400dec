"""Each PDF rule of the preflight on a document made to break it (and, where a near miss is
easy to make, on one that keeps it)."""

from __future__ import annotations

from docgen.check import Rule, check_pdf
from docgen.check.headings import heading_blocks
from docgen.check.pdf_pages import read_pdf

BREAK = '<div style="break-before: page"></div>'


def rules(findings, rule: Rule) -> list:
    return [f for f in findings if f.rule is rule]


def pages(findings, rule: Rule) -> list[int | None]:
    return [f.page for f in rules(findings, rule)]


def test_a_table_wider_than_the_page_is_clipped(make_pdf):
    cell = "一般公共预算财政拨款收入"
    path = make_pdf(f'<table><tr><td>{cell * 2}</td><td>{cell}</td><td>1,098.45</td><td>1,654.78</td></tr></table>',
                    "td { white-space: nowrap; }")
    found = rules(check_pdf(path), Rule.TEXT_CLIPPED)
    assert [f.page for f in found] == [1]
    assert "右边界" in found[0].message and "页宽595pt" in found[0].message


def test_text_in_the_margin(make_pdf):
    findings = check_pdf(make_pdf('<p style="margin-left: -25mm">进入页边距的文字</p><p>正文</p>'))
    found = rules(findings, Rule.TEXT_IN_MARGIN)
    assert [f.page for f in found] == [1] and "左页边距" in found[0].message and "进入页边距的文字" in found[0].message
    assert not rules(findings, Rule.TEXT_CLIPPED)


def test_a_long_token_crosses_the_cell_rule_and_overprints_its_neighbour(make_pdf):
    path = make_pdf('<table style="table-layout: fixed; width: 100mm"><colgroup><col style="width: 15mm">'
                    '<col style="width: 40mm"><col style="width: 45mm"></colgroup>'
                    '<tr><td style="white-space: nowrap; overflow: visible">≤2468500000元</td><td>右邻单元格</td><td>第三</td></tr></table>')
    findings = check_pdf(path)
    crossed = rules(findings, Rule.CELL_RULE_CROSSED)
    assert [f.page for f in crossed] == [1] and "≤2468500000元" in crossed[0].message
    over = rules(findings, Rule.OVERPRINT)
    # "右邻单" only: PDFium drops a character drawn exactly over the same character (元 over 元)
    assert over and "≤2468500000元" in over[0].message and "右邻单" in over[0].message


def test_text_that_fits_its_cells_passes(make_pdf):
    findings = check_pdf(make_pdf('<table style="width: 100mm"><tr><td>序号</td><td>项目名称</td></tr>'
                                  '<tr><td>1</td><td>2022年农业保险保费补贴</td></tr></table>'))
    assert findings == []


#: The detail table's rows as they were before issue 14 (defect 3): allowed to split.
SPLITTING = "table.detail tr, table.detail tbody { break-inside: auto; }"


def _split_row_document(make_pdf, filler_mm: int, name: str, row_style: str = SPLITTING):
    """The detail table's layout (landscape, middle-aligned cells) with one long row starting
    ``filler_mm`` down the page; its rows may split unless ``row_style`` says otherwise."""
    para = "<p>" + "项目实施情况良好，资金按时拨付到位。" * 12 + "</p>"
    html = ('<html lang="zh-CN"><head><meta charset="utf-8"><link rel="stylesheet" href="css/official.css">'
            f'<link rel="stylesheet" href="css/detail-table.css"><style>{row_style}</style></head><body>'
            f'<div style="height: {filler_mm}mm"></div><table class="detail"><colgroup><col style="width: 9mm">'
            '<col style="width: 20mm"><col style="width: 26mm"><col style="width: 70mm"><col style="width: 13mm"></colgroup>'
            '<thead><tr><th>序号</th><th>单位名称</th><th>项目名称</th><th>项目实施情况</th><th>评价结果</th></tr></thead>'
            f'<tbody><tr><td class="c">5</td><td>上党区水利局</td><td>城乡供水一体化项目</td><td>{para * 3}</td>'
            '<td class="c">81.25</td></tr></tbody></table></body></html>')
    return make_pdf("", name=name, html=html)


def test_a_row_whose_cells_land_on_different_pages(make_pdf):
    # one line of room left on page 1: the short cells stay, the long one moves whole
    findings = check_pdf(_split_row_document(make_pdf, 156, "split"))
    found = rules(findings, Rule.ROW_SPLIT)
    assert [f.page for f in found] == [1]
    assert "序号" in found[0].message and "项目实施情况移到第2页" in found[0].message


def test_a_row_that_moves_whole_or_continues_in_every_cell_passes(make_pdf):
    whole = check_pdf(_split_row_document(make_pdf, 156, "whole", ""))  # detail-table.css: rows move whole
    continued = check_pdf(_split_row_document(make_pdf, 120, "continued"))
    assert not rules(whole, Rule.ROW_SPLIT) and not rules(continued, Rule.ROW_SPLIT)
    assert not rules(whole + continued, Rule.HEADER_NOT_REPEATED)


def _rows(n: int) -> str:
    return "".join(f'<tr><td>{i}</td><td>单位{i}</td><td>{"内容" * 5}</td></tr>' for i in range(1, n + 1))


def test_header_rows_not_repeated_on_the_continuation_page(make_pdf):
    header = "<tr><th>序号</th><th>单位</th><th>内容</th></tr>"
    missing = check_pdf(make_pdf(f"<table>{header}{_rows(48)}</table>", name="missing"))
    repeated = check_pdf(make_pdf(f"<table><thead>{header}</thead>{_rows(48)}</table>", name="repeated"))
    found = rules(missing, Rule.HEADER_NOT_REPEATED)
    assert [f.page for f in found] == [2] and "序号、单位、内容" in found[0].message
    assert not rules(repeated, Rule.HEADER_NOT_REPEATED)


def test_a_merged_cell_across_the_page_break_must_show_its_text_again(make_pdf):
    rows = "".join(f'<tr><td>{i}</td>' + ('<td rowspan="40">评价机构甲</td>' if i == 1 else "")
                   + f'<td>{"内容" * 5}</td></tr>' for i in range(1, 41))
    findings = check_pdf(make_pdf("<table><thead><tr><th>序号</th><th>评价机构</th><th>内容</th></tr></thead>"
                                  f"{rows}</table>", "td { vertical-align: middle; }"))
    found = rules(findings, Rule.MERGED_CELL_BLANK)
    assert [f.page for f in found] == [2]
    assert "评价机构" in found[0].message and "评价机构甲" in found[0].message


def test_folios_that_skip_a_number(make_pdf):
    findings = check_pdf(make_pdf(f"<p>第一页</p>{BREAK}<p>第二页</p><div class='skip'>第三页</div>",
                                  "@page skip { counter-increment: page 2; } .skip { page: skip; }"))
    found = rules(findings, Rule.FOLIO_BROKEN)
    assert [f.page for f in found] == [3] and "— 4 —" in found[0].message and "— 3 —" in found[0].message


def test_a_contents_entry_whose_number_is_not_the_printed_folio(make_pdf):
    body = ('<h2>目录</h2><p><a href="#one">第一部分 概况............5</a></p>'
            '<p><a href="#two">第二部分 决算表............3</a></p>'
            f'{BREAK}<h2 id="one">第一部分 概况</h2>{BREAK}<h2 id="two">第二部分 决算表</h2>')
    found = rules(check_pdf(make_pdf(body, "a { color: black; text-decoration: none; }")), Rule.CONTENTS_PAGE_WRONG)
    assert [f.page for f in found] == [1]
    assert "第一部分概况" in found[0].message and "第5页" in found[0].message and "— 2 —" in found[0].message


def test_the_draft_stamp_missing_on_one_page(make_pdf):
    stamp = ('.mark { position: absolute; top: 100mm; left: 30mm; font-size: 90pt; transform: rotate(-30deg);'
             ' font-family: "docgen Sans SC"; }')
    path = make_pdf(f'<div class="mark">草稿</div><p>第一页</p>{BREAK}<p>第二页</p>', stamp)
    assert pages(check_pdf(path), Rule.DRAFT_STAMP_MISSING) == [2]  # page 1 says: a draft
    assert pages(check_pdf(path, draft_pages={1, 2}), Rule.DRAFT_STAMP_MISSING) == [2]


def test_the_draft_stamp_on_a_document_without_errors(make_pdf):
    """The built-in stamp, drawn as outlines (base.html's markup), found by its fill."""
    stamp = '<div class="draft-stamp"><img src="css/draft-stamp.svg" alt=""></div>'
    path = make_pdf(f'{stamp}<p>第一页</p>{BREAK}<p>第二页</p>')
    findings = check_pdf(path, draft_pages=set())
    assert pages(findings, Rule.DRAFT_STAMP_UNEXPECTED) == [1, 2]
    assert check_pdf(path, draft_pages={1, 2}) == []
    assert check_pdf(path) == []  # a loose file: page 1 decides, and every page agrees


def test_a_heading_broken_inside_a_word(make_pdf):
    narrow = "font-size: 22pt; margin: 0 auto 1em auto; width: {}em"
    broken = check_pdf(make_pdf(f'<h1 style="{narrow.format(3.2)}">绩效评价结果</h1>', name="broken"))
    # jieba keeps 绩效评价 as one word: FORMATS.md counts 绩效|评价 as broken too
    between = check_pdf(make_pdf(f'<h1 style="{narrow.format(4.2)}">绩效评价结果</h1>', name="between"))
    found = rules(broken, Rule.HEADING_BROKEN_IN_WORD)
    assert [f.page for f in found] == [1] and "绩效评/价" in found[0].message
    assert not rules(between, Rule.HEADING_BROKEN_IN_WORD)
    lines = [[ln.text for ln in block] for block in heading_blocks(read_pdf(make_pdf(
        f'<h1 style="{narrow.format(4.2)}">绩效评价结果</h1>', name="again")).pages[0])]
    assert lines == [["绩效评价", "结果"]]  # it did wrap


def test_a_character_without_a_glyph(make_pdf):
    # U+0378 is unassigned: no font has it (a private-use character may find one that does)
    findings = check_pdf(make_pdf("<p>测试\u0378字</p>"))
    found = rules(findings, Rule.MISSING_GLYPH)
    assert [f.page for f in found] == [1] and "U+0378" in found[0].message and ".notdef" in found[0].message


def test_an_empty_glyph(make_pdf, tmp_path):
    """The subset's glyph for 字 emptied (no contours): the text prints nothing there."""
    import io

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, NumberObject

    reader = PdfReader(make_pdf("<p>测试字</p>"))
    writer = PdfWriter(clone_from=reader)
    for ref in writer.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        stream = descriptor["/FontFile2"].get_object()
        tt = TTFont(io.BytesIO(stream.get_data()))
        cmap = tt.getBestCmap() or {}
        names = [cmap[ord("字")]] if ord("字") in cmap else [n for n in tt.getGlyphOrder()[1:]]
        for name in names:
            tt["glyf"][name] = Glyph()
        out = io.BytesIO()
        tt.save(out)
        stream.set_data(out.getvalue())
        stream[NameObject("/Length1")] = NumberObject(len(out.getvalue()))
    path = tmp_path / "empty.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    found = rules(check_pdf(path), Rule.MISSING_GLYPH)
    assert found and found[0].page == 1 and "字形为空" in found[0].message and "字" in found[0].message


def test_fonts_not_embedded(make_pdf, tmp_path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(make_pdf("<p>测试</p>")))
    for ref in writer.pages[0]["/Resources"]["/Font"].values():
        descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        del descriptor[NameObject("/FontFile2")]
    path = tmp_path / "bare.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    found = rules(check_pdf(path), Rule.FONT_NOT_EMBEDDED)
    assert found and found[0].page == 1 and "docgen-Serif-SC" in found[0].message


def test_one_subset_name_for_two_font_programs(make_pdf, tmp_path):
    """Two documents merged page by page: each brought its own subset under the same name."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(str(make_pdf("<p>第一份文件的文字</p>", name="a")))
    writer.append(str(make_pdf("<p>另一份不同内容</p>", name="b")))
    path = tmp_path / "merged.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    found = rules(check_pdf(path), Rule.SUBSET_NAME_REUSED)
    assert found and "2个不同的字体程序" in found[0].message


def test_a_blank_verso_counts_but_needs_no_folio(make_pdf):
    """A packet for printing leaves a verso blank so that the next document starts on a
    right-hand page: no folio there, and the next page goes on counting past it."""
    style = '@page blank { @bottom-center { content: none } }'
    body = '<p>第一页</p><div style="page: blank; break-before: page"></div><p style="break-before: page">第三页</p>'
    assert rules(check_pdf(make_pdf(body, style)), Rule.FOLIO_BROKEN) == []
    unnumbered = '<p>第一页</p><div style="page: blank; break-before: page">有字的页</div><p style="break-before: page">三</p>'
    assert [f.page for f in rules(check_pdf(make_pdf(unnumbered, style)), Rule.FOLIO_BROKEN)] == [2]
