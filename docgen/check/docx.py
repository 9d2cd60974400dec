"""A built DOCX: no template tags left over, Chinese text in fonts named with ``w:eastAsia``,
a 目录 that lists every entry the PDF's 目录 lists, and the 草稿 header line on every page of
a draft (and on no other).

python-docx opens the file; the XML is read directly where python-docx has no API (styles'
``basedOn`` chains, header references), without changing the document.
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen.check.findings import PageFinding, Rule

_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def check_docx(path: Path, draft: bool | None = None, pdf_contents: list[str] | None = None) -> list[PageFinding]:
    """``draft``: whether the document was built with errors (None: unknown, not checked);
    ``pdf_contents``: the entries of the PDF's 目录 (None: no PDF to compare with)."""
    from docx import Document

    name = path.name
    try:
        document = Document(str(path))
    except Exception as exc:
        return [PageFinding(name, None, Rule.UNREADABLE, f"无法作为DOCX打开：{type(exc).__name__}")]
    parts = _parts(document)
    out = _leftover_tags(name, parts)
    out += _unnamed_fonts(name, document, parts)
    if draft is not None:
        out += _draft_line(name, document, draft)
    if pdf_contents:
        out += _contents(name, document, pdf_contents)
    return out


def _parts(document) -> list[tuple[str, object]]:
    """(what, XML root) of the body and every header and footer."""
    parts = [("正文", document.element.body)]
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("header", "footer") and not rel.is_external:
            parts.append(("页眉" if kind == "header" else "页脚", rel.target_part.element))
    return parts


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _leftover_tags(name: str, parts) -> list[PageFinding]:
    out = []
    for where, root in parts:
        for p in root.iter(f"{W}p"):
            text = _paragraph_text(p)
            m = _TAG.search(text)
            if m:
                start = max(0, m.start() - 10)
                out.append(PageFinding(name, None, Rule.DOCX_LEFTOVER_TAG,
                                       f"{where}留有模板标签“{m.group()}”：“{text[start:start + 40]}”"))
    return out


class _Styles:
    """Each style's own East Asian font, its base style and outline level, and the defaults."""

    def __init__(self, document):
        root = document.styles.element
        self.own: dict[str, tuple[str | None, bool]] = {}  # id → (named font, theme font set)
        self.based: dict[str, str] = {}
        self.outline: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.default_paragraph = None
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId")
            self.own[sid] = _east_asia(style.find(f"{W}rPr"))
            name = style.find(f"{W}name")
            self.names[sid] = name.get(f"{W}val") if name is not None else sid
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based[sid] = based.get(f"{W}val")
            level = style.find(f"{W}pPr/{W}outlineLvl")
            if level is not None:
                self.outline[sid] = int(level.get(f"{W}val"))
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = sid
        self.defaults = _east_asia(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))

    def chain(self, sid: str | None):
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            yield sid
            sid = self.based.get(sid)

    def east_asia(self, sid: str | None) -> tuple[str | None, bool] | None:
        for s in self.chain(sid):
            font, theme = self.own.get(s, (None, False))
            if font or theme:
                return font, theme
        return None

    def outline_level(self, sid: str | None) -> int | None:
        for s in self.chain(sid):
            if s in self.outline:
                return self.outline[s]
        return None


def _east_asia(rpr) -> tuple[str | None, bool]:
    fonts = rpr.find(f"{W}rFonts") if rpr is not None else None
    if fonts is None:
        return None, False
    theme = fonts.get(f"{W}eastAsiaTheme") is not None  # a theme font wins over a named one
    return (None if theme else fonts.get(f"{W}eastAsia")), theme


def _unnamed_fonts(name: str, document, parts) -> list[PageFinding]:
    styles = _Styles(document)
    unnamed: dict[str, list[str]] = {}
    for where, root in parts:
        for p in root.iter(f"{W}p"):
            pstyle = p.find(f"{W}pPr/{W}pStyle")
            psid = pstyle.get(f"{W}val") if pstyle is not None else styles.default_paragraph
            for run in p.iter(f"{W}r"):
                text = "".join(t.text or "" for t in run.iter(f"{W}t"))
                if not _CJK.search(text):
                    continue
                rpr = run.find(f"{W}rPr")
                font, theme = _east_asia(rpr)
                if not font and not theme:
                    rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
                    resolved = (styles.east_asia(rstyle.get(f"{W}val")) if rstyle is not None else None) \
                        or styles.east_asia(psid) or styles.defaults
                    font, theme = resolved
                if not font:
                    key = f"{where}（段落样式“{styles.names.get(psid, psid or '无')}”）"
                    unnamed.setdefault(key, []).append(text)
    return [PageFinding(name, None, Rule.DOCX_FONT_UNNAMED,
                        f"{key}有{len(texts)}段中文未用w:eastAsia指定字体（将用主题或默认字体），如“{texts[0][:20]}”")
            for key, texts in unnamed.items()]


def _draft_line(name: str, document, draft: bool) -> list[PageFinding]:
    from docgen.render.docx import DRAFT_LINE

    related = document.part.related_parts
    even = document.settings.odd_and_even_pages_header_footer
    current: dict[str, str] = {}
    missing, present = [], []
    for number, section in enumerate(document.sections, 1):
        sect = section._sectPr  # python-docx has no API for the header references themselves
        for ref in sect.findall(f"{W}headerReference"):
            part = related.get(ref.get(R_ID))
            if part is not None:
                current[ref.get(f"{W}type")] = "".join(_paragraph_text(p) for p in part.element.iter(f"{W}p"))
        kinds = ["default"] + (["even"] if even else []) + (["first"] if section.different_first_page_header_footer else [])
        for kind in kinds:
            stamped = DRAFT_LINE in current.get(kind, "")
            if draft and not stamped:
                missing.append(f"第{number}节{_KIND[kind]}")
            elif not draft and stamped:
                present.append(f"第{number}节{_KIND[kind]}")
    out = []
    if missing:
        out.append(PageFinding(name, None, Rule.DRAFT_STAMP_MISSING,
                               f"文档按有错误的数据生成（草稿），但这些页眉没有“{DRAFT_LINE}”：{'、'.join(missing)}"))
    if present:
        out.append(PageFinding(name, None, Rule.DRAFT_STAMP_UNEXPECTED,
                               f"文档的数据没有错误，但这些页眉有“草稿”：{'、'.join(present)}"))
    return out


_KIND = {"default": "页眉", "even": "偶数页页眉", "first": "首页页眉"}


def contents_entries(document) -> list[str] | None:
    """What the DOCX's 目录 lists: the entries already in its TOC field, or, for a field not
    yet updated, the paragraphs Word will collect for it (its \\o levels and \\t styles);
    the static entries after a 目录 line when there is no field. None: no 目录 at all."""
    body = document.element.body
    instr = next((f.get(f"{W}instr") for f in body.iter(f"{W}fldSimple")
                  if "TOC" in (f.get(f"{W}instr") or "")), None)
    if instr is None:
        instr = next((t.text for t in body.iter(f"{W}instrText") if "TOC" in (t.text or "")), None)
    styles = _Styles(document)
    listed = [_paragraph_text(p) for p in body.iter(f"{W}p") if _style_name(p, styles).lower().startswith("toc ")]
    if listed:
        return [re.sub(r"\s*\d+$", "", t) for t in listed]
    if instr is None:
        # a 目录 written out line by line, each entry's page a PAGEREF to its heading (as the
        # built-in final-accounts template does): the lines are the entries
        lines = [_paragraph_text(p) for p in body.iter(f"{W}p")
                 if any("PAGEREF" in (t.text or "") for t in p.iter(f"{W}instrText"))]
        return [re.sub(r"\s*\d*$", "", t) for t in lines] or None
    m = re.search(r'\\o\s+"(\d)-(\d)"', instr)
    low, high = (int(m.group(1)), int(m.group(2))) if m else (1, 9)
    named = {}
    t = re.search(r'\\t\s+"([^"]*)"', instr)
    if t:
        items = [x.strip() for x in t.group(1).split(",")]
        named = {items[i]: int(items[i + 1]) for i in range(0, len(items) - 1, 2) if items[i + 1].isdigit()}
    out = []
    for p in body.iter(f"{W}p"):
        direct = p.find(f"{W}pPr/{W}outlineLvl")
        psid = _style_id(p)
        level = int(direct.get(f"{W}val")) if direct is not None else styles.outline_level(psid)
        if (level is not None and low - 1 <= level <= high - 1) or styles.names.get(psid) in named:
            out.append(_paragraph_text(p))
    return out


def _style_id(p) -> str | None:
    pstyle = p.find(f"{W}pPr/{W}pStyle")
    return pstyle.get(f"{W}val") if pstyle is not None else None


def _style_name(p, styles: _Styles) -> str:
    sid = _style_id(p)
    return styles.names.get(sid, sid or "")


def _normal(text: str) -> str:
    return _ORDINAL.sub("", re.sub(r"\s+", "", text))


def _contents(name: str, document, pdf_entries: list[str]) -> list[PageFinding]:
    entries = contents_entries(document)
    if entries is None:
        return [PageFinding(name, None, Rule.DOCX_CONTENTS_MISSING,
                            f"PDF有目录（{len(pdf_entries)}条），DOCX没有目录")]
    have = {_normal(t) for t in entries}
    missing = [t for t in pdf_entries if _normal(t) not in have]
    if not missing:
        return []
    shown = "、".join(f"“{t}”" for t in missing[:6]) + (f"等{len(missing)}条" if len(missing) > 6 else "")
    return [PageFinding(name, None, Rule.DOCX_CONTENTS_MISSING,
                        f"DOCX的目录缺少PDF目录所列的{len(missing)}条：{shown}")]
