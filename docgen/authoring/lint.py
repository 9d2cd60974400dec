"""``docgen templates check``: lint a template set before a build trips over it.

Finds Jinja syntax errors (with file and line, or for Word templates the paragraph or table
cell), names and attributes the family's document tree does not provide, unknown filters,
tags that Word split across runs, and HTML templates that would lose the 草稿 stamp of drafts
(Word templates cannot: the renderer adds it).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from docgen import families
from docgen.families import COMMON_CONTEXT, FamilySpec
from docgen.diagnostics import Severity
from docgen.render.docx import DocgenTemplate
from docgen.render.environment import OutsideTemplateSet, TemplateSet, make_environment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ANY = object()  # a value whose type the linter does not know (macro arguments, filters' results)


@dataclass(frozen=True)
class LintFinding:
    file: str
    where: str  # "12" (line) or "表格2第3行第1列" / "第5段"
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "警告: "
        return f"{self.file}:{self.where}: {prefix}{self.message}"


# --------------------------------------------------------------------------- types of the context


def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls) if dataclasses.is_dataclass(cls) else {}


def _attribute_type(owner: Any, name: str) -> Any:
    """The type of ``owner.name``; None when the attribute does not exist."""
    if owner is ANY:
        return ANY
    if dataclasses.is_dataclass(owner):
        return _without_none(_hints(owner).get(name))
    return ANY  # str, Decimal…: their methods are not our concern


def _without_none(hint: Any) -> Any:
    """``T | None`` → T: an optional part of the tree (a declared table) is checked as T."""
    args = typing.get_args(hint)
    if args and type(None) in args and typing.get_origin(hint) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return rest[0] if len(rest) == 1 else ANY
    return hint


def _element_type(container: Any) -> Any:
    """``list[T]`` → T, for loop variables."""
    origin = typing.get_origin(container)
    if origin in (list, tuple):
        args = typing.get_args(container)
        return args[0] if args else ANY
    return ANY


def _expression_type(node: nodes.Node, scope: dict[str, Any]) -> Any:
    if isinstance(node, nodes.Name):
        return scope.get(node.name, ANY)
    if isinstance(node, nodes.Getattr):
        owner = _expression_type(node.node, scope)
        found = _attribute_type(owner, node.attr)
        return ANY if found is None else found
    if isinstance(node, nodes.Getitem):
        owner = _expression_type(node.node, scope)
        return _element_type(owner) if owner is not ANY else ANY
    return ANY


class _Checker:
    """Walks a template's AST with the types of what each name holds."""

    def __init__(self, env, scope: dict[str, Any], report, used: dict | None = None):
        self.env, self.report = env, report
        self.scopes = [dict(scope)]
        self.macros: set[str] = set()
        #: (type, field) of the context → the line of its first use (templates check compares formats)
        self.used = used if used is not None else {}

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Macro):
            self.macros.add(node.name)
            self.scopes.append({a.name: ANY for a in node.args})
            self.visit_children(node.body)
            self.scopes.pop()
            return
        if isinstance(node, nodes.For):
            self.visit(node.iter)
            element = _element_type(self.type_of(node.iter))
            self.scopes.append({"loop": ANY})
            self.bind(node.target, element)
            self.visit_children(node.body)
            self.scopes.pop()
            self.visit_children(node.else_)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node)
            self.bind(node.target, self.type_of(node.node))
            return
        if isinstance(node, (nodes.Import, nodes.FromImport)):
            if isinstance(node, nodes.Import):
                self.scopes[0][node.target] = ANY
            else:
                for name in node.names:
                    self.scopes[0][name if isinstance(name, str) else name[-1]] = ANY
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if (self.lookup(node.name) is None and node.name not in self.macros and node.name not in self.env.globals
                    and node.name != "self"):  # Jinja's own: a template's blocks (self.author())
                self.report(node.lineno, f"模板使用了未提供的变量“{node.name}”")
            return
        if isinstance(node, nodes.Getattr):
            self.visit(node.node)
            owner = self.type_of(node.node)
            if owner is not ANY and dataclasses.is_dataclass(owner) and _attribute_type(owner, node.attr) is None:
                known = "、".join(f.name for f in dataclasses.fields(owner))
                self.report(node.lineno, f"“{owner.__name__}”没有“{node.attr}”；可用：{known}")
            elif owner is not ANY and dataclasses.is_dataclass(owner):
                self.used.setdefault((owner.__name__, node.attr), node.lineno)
            else:  # a macro's argument: its type is not known here, its field's name is
                self.used.setdefault(("?", node.attr), node.lineno)
            return
        if isinstance(node, (nodes.Filter, nodes.Test)) and node.name is not None:
            table = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in table:
                kind = "过滤器" if isinstance(node, nodes.Filter) else "测试"
                self.report(node.lineno, f"未知的{kind}“{node.name}”")
        self.visit_children(list(node.iter_child_nodes()))

    def visit_children(self, children) -> None:
        for child in children:
            self.visit(child)

    def bind(self, target: nodes.Node, value: Any) -> None:
        if isinstance(target, nodes.Name):
            self.scopes[-1][target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY)

    def type_of(self, node: nodes.Node) -> Any:
        scope: dict[str, Any] = {}
        for s in self.scopes:
            scope.update(s)
        return _expression_type(node, scope)


# --------------------------------------------------------------------------- HTML templates


def _family_scope(family: FamilySpec) -> dict[str, Any]:
    return {family.root: family.context_type(), **COMMON_CONTEXT}


def lint_html(templates: TemplateSet, family: FamilySpec, used: dict | None = None) -> list[LintFinding]:
    name = f"{family.name}.html"
    path = templates.path(name)
    if not path.is_file():
        return [LintFinding(name, "1", "缺少模板文件")]
    env = make_environment(templates.loader(), html=True)
    shown = str(path)
    findings: list[LintFinding] = []
    sources = [(shown, path.read_text(encoding="utf-8"))]
    # templates it extends, includes or imports are checked in the same scope
    for ref in re.findall(r"{%-?\s*(?:extends|include|import|from)\s+\"([^\"]+)\"", sources[0][1]):
        ref_path = templates.path(ref)
        if ref_path.is_file():
            sources.append((str(ref_path), ref_path.read_text(encoding="utf-8")))
    for file, source in sources:
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            findings.append(LintFinding(file, str(exc.lineno), f"Jinja语法错误：{exc.message}"))
            continue

        def report(line, message, file=file):
            findings.append(LintFinding(file, str(line), message))

        found: dict = {}
        _Checker(env, _family_scope(family), report, found).visit(tree)
        for key, line in found.items() if used is not None else ():
            used.setdefault(key, f"{Path(file).name}（第{line}行）")
    return findings + _lint_parts(templates, sources) + _lint_draft_stamp(templates, env, name)


_PAGE_PLACE = re.compile(r"@page[^{]*:(first|left|right|blank|nth)\b|counter\(\s*pages\s*\)")


def _lint_parts(templates: TemplateSet, sources: list[tuple[str, str]]) -> list[LintFinding]:
    """A template laid out in parts (README, "Long documents in parts"): one
    ``<!--docgen:parts-->``, and page rules that do not depend on a page's place."""
    from docgen.render.parts import PART_MARK, PARTS_MARK

    if not any(PART_MARK in source for _, source in sources):
        return []
    findings = []
    marks = [(file, source[:source.index(PARTS_MARK)].count("\n") + 1)
             for file, source in sources if PARTS_MARK in source]
    if len(marks) != 1 or sum(source.count(PARTS_MARK) for _, source in sources) != 1:
        file, line = marks[1] if len(marks) > 1 else (sources[0][0], 1)
        findings.append(LintFinding(file, str(line), f"使用{PART_MARK}分段排版时，{PARTS_MARK}须且只须出现一次，"
                                    "否则文档不分段排版", Severity.WARNING))
    styles = list(sources)  # inline <style>, then the linked stylesheets
    for file, source in sources:
        for href in re.findall(r"<link[^>]+href=\"([^\"]+\.css)\"", source):
            path = templates.path(href)
            if path.is_file():
                styles.append((str(path), path.read_text(encoding="utf-8")))
    for file, text in dict(styles).items():
        for match in _PAGE_PLACE.finditer(text):
            findings.append(LintFinding(
                file, str(text[:match.start()].count("\n") + 1),
                f"分段排版的文档不能使用依赖页面位置的规则（“{' '.join(match.group(0).split())[:40]}”）：后一段的页面位置与整篇不同",
                Severity.WARNING))
    return findings


# --------------------------------------------------------------------------- the 草稿 stamp

BASE = "base.html"
STAMP_CLASS = "draft-stamp"
#: The stamp's outlines (tools/make_draft_stamp.py): drawn, not set as text that would be copied
STAMP_IMAGE = "css/draft-stamp.svg"
STAMP_MARKUP = f'{{% if draft %}}<div class="{STAMP_CLASS}"><img src="{STAMP_IMAGE}" alt=""></div>{{% endif %}}'
_NO_STAMP = "，数据有错误时生成的草稿将不标注“草稿”"
_CSS_RULE = re.compile(r"([^{}]*){([^{}]*)}")
_HIDING = {
    "display": re.compile(r"none\b"),
    "visibility": re.compile(r"(hidden|collapse)\b"),
    "opacity": re.compile(r"0*\.?0*%?$"),
    "color": re.compile(r"transparent\b|rgba\([^)]*,\s*0*\.?0*\s*\)$"),
    "font-size": re.compile(r"0*\.?0*[a-z%]*$"),
}


def _extends(tree: nodes.Template) -> str | None:
    node = tree.find(nodes.Extends)
    return node.template.value if node is not None and isinstance(node.template, nodes.Const) else None


def _stamp_before_body(tree: nodes.Template) -> bool:
    """Whether the template writes the stamp (``{% if draft %}…class="draft-stamp"…`` with its
    image, or the word 草稿) outside
    any block, before the ``body`` block: where no child template can drop it and where a
    document laid out in parts repeats it."""
    for node in tree.body:
        if isinstance(node, nodes.Block) and node.name == "body":
            return False
        if isinstance(node, nodes.If) and any(n.name == "draft" for n in node.test.find_all(nodes.Name)):
            text = "".join(d.data for d in node.find_all(nodes.TemplateData))
            if STAMP_CLASS in text and (STAMP_IMAGE in text or "草稿" in text):
                return True
    return False


def _css_declarations(file: str, source: str):
    """(file, line, selector, property, value) of each declaration of a stylesheet, or of the
    ``<style>`` elements of an HTML template."""
    if file.endswith((".html", ".htm")):
        chunks = [(m.start(1), m.group(1)) for m in re.finditer(r"<style[^>]*>(.*?)</style>", source, re.S)]
    else:
        chunks = [(0, source)]
    for offset, css in chunks:
        css = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), css, flags=re.S)
        for rule in _CSS_RULE.finditer(css):
            selector = " ".join(rule.group(1).split())
            line = source[:offset + rule.start(2)].count("\n") + 1
            for decl in rule.group(2).split(";"):
                prop, _, value = decl.partition(":")
                if value.strip():
                    yield file, line, selector, prop.strip().lower(), " ".join(value.split()).lower()


def _lint_draft_stamp(templates: TemplateSet, env, name: str) -> list[LintFinding]:
    """Errors for an HTML template that would lose the 草稿 stamp of drafts, which base.html
    writes on every page (README, "Guide for template authors"): the family's template must
    extend base.html (directly or through other layouts), the base.html the set serves must
    write the stamp outside any block and before the body, and no stylesheet may hide the
    stamp or unfix it from each page."""
    chain, seen, findings = [], set(), []
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        path = templates.path(current)
        if not path.is_file():
            break
        source = path.read_text(encoding="utf-8")
        try:
            tree = env.parse(source)
        except TemplateSyntaxError:
            return []  # reported as a syntax error already
        chain.append((current, str(path), source, tree))
        current = _extends(tree)
    if not any(n == BASE for n, *_ in chain):
        findings.append(LintFinding(chain[0][1] if chain else name, "1",
                                    f"模板没有继承{BASE}（{{% extends \"{BASE}\" %}}）{_NO_STAMP}"))
        return findings
    _, base_file, base_source, base_tree = next(c for c in chain if c[0] == BASE)
    if not _stamp_before_body(base_tree):
        findings.append(LintFinding(base_file, "1", f"{BASE}须在所有block之外、body之前写草稿标记"
                                    f"（{STAMP_MARKUP}）{_NO_STAMP}"))
    # stylesheets in document order: each template's <link>s and <style>s, base.html's first
    sheets: list[tuple[str, str]] = []
    for _, file, source, _ in reversed(chain):
        for href in re.findall(r"<link[^>]+href=\"([^\"]+\.css)\"", source):
            path = templates.path(href)
            if path.is_file():
                sheets.append((str(path), path.read_text(encoding="utf-8")))
        sheets.append((file, source))
    position = None
    for file, line, selector, prop, value in (d for f, s in dict.fromkeys(sheets) for d in _css_declarations(f, s)):
        if not re.search(rf"\.{STAMP_CLASS}(?![\w-])", selector):
            continue
        if prop == "position":
            position = (file, line, value)
        hiding = _HIDING.get(prop)
        if hiding is not None and hiding.match(value.replace("!important", "").strip()):
            findings.append(LintFinding(file, str(line), f"样式隐藏了草稿标记（“{selector} {{ {prop}: {value} }}”）{_NO_STAMP}"))
    if position is None or not position[2].startswith("fixed"):
        file, line = (position[0], str(position[1])) if position else (base_file, "1")
        findings.append(LintFinding(file, line, f"草稿标记（.{STAMP_CLASS}）的样式须为 position: fixed，"
                                    "才会出现在每一页；否则草稿只在第一页标注“草稿”"))
    return findings


# --------------------------------------------------------------------------- Word templates


def _paragraph_locations(xml: bytes) -> list[tuple[str, str]]:
    """(where, text) of every paragraph of a part, tables as 表格N第R行第C列."""
    root = etree.fromstring(xml)
    body = root.find(f"{W}body")
    out = []
    tables = list((body if body is not None else root).iter(f"{W}tbl"))
    for n, p in enumerate(root.iter(f"{W}p"), start=1):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        cell = next((a for a in p.iterancestors(f"{W}tc")), None)
        if cell is not None:
            row = cell.getparent()
            table = row.getparent()
            where = (f"表格{tables.index(table) + 1}第{table.findall(f'{W}tr').index(row) + 1}行"
                     f"第{row.findall(f'{W}tc').index(cell) + 1}列")
        else:
            where = f"第{n}段"
        out.append((where, text))
    return out


def _split_tags(xml: bytes) -> list[tuple[str, str]]:
    """Paragraphs where a ``{{ }}`` or ``{% %}`` tag starts in one run and ends in another."""
    found = []
    root = etree.fromstring(xml)
    for n, p in enumerate(root.iter(f"{W}p"), start=1):
        for r in p.iter(f"{W}r"):
            text = "".join(t.text or "" for t in r.iter(f"{W}t"))
            opened = text.count("{{") + text.count("{%")
            closed = text.count("}}") + text.count("%}")
            if opened != closed:
                found.append((n, "".join(t.text or "" for t in p.iter(f"{W}t"))))
                break
    return found


def lint_docx(templates: TemplateSet, family: FamilySpec, used: dict | None = None) -> list[LintFinding]:
    name = f"{family.name}.docx"
    path = templates.path(name)
    if not path.is_file():
        return [LintFinding(name, "1", "缺少模板文件")]
    shown = str(path)
    findings: list[LintFinding] = []
    env = make_environment()
    tpl = DocgenTemplate(str(path))
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        raw = {n: z.read(n) for n in parts}
    for part in parts:
        locations = _paragraph_locations(raw[part])
        prefix = "" if part == "word/document.xml" else f"{part.split('/')[-1][:-4]}："
        for n, text in _split_tags(raw[part]):
            where = locations[n - 1][0] if n - 1 < len(locations) else f"第{n}段"
            findings.append(LintFinding(shown, prefix + where,
                                        f"标签被Word拆分在多个文本段中（“{text[:40]}”）：请删除后一次性重新输入",
                                        Severity.WARNING))
        source = tpl.jinja_source(raw[part].decode("utf-8"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # one paragraph a line, as docxtpl does
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            line = source.splitlines()[exc.lineno - 1] if exc.lineno and exc.lineno <= len(source.splitlines()) else ""
            text = re.sub(r"<[^>]+>", "", line).strip()
            where = next((w for w, t in locations if text and (text in t or t in text) and t), "未知位置")
            findings.append(LintFinding(shown, prefix + where, f"Jinja语法错误：{exc.message}（“{text[:40]}”）"))
            continue

        def report(line, message, source=source, prefix=prefix):
            lines = source.splitlines()
            text = re.sub(r"<[^>]+>", "", lines[line - 1]).strip() if 0 < line <= len(lines) else ""
            where = next((w for w, t in locations if text and t and (text in t or t in text)), f"第{line}段")
            findings.append(LintFinding(shown, prefix + where, message))

        lines = source.splitlines()

        def place(line, lines=lines, locations=locations, prefix=prefix):
            text = re.sub(r"<[^>]+>", "", lines[line - 1]).strip() if 0 < line <= len(lines) else ""
            return prefix + next((w for w, t in locations if text and t and (text in t or t in text)), f"第{line}段")

        found: dict = {}
        _Checker(env, _family_scope(family), report, found).visit(tree)
        if used is not None:
            for key, line in found.items():
                used.setdefault(key, f"{name}（{place(line)}）")
    return findings


def lint(templates: TemplateSet) -> list[LintFinding]:
    """Every family's Word and HTML template in the set (its own files and the fallbacks), and
    per family the fields one format prints and the other does not (:func:`one_format_only`)."""
    findings = [LintFinding(name, "1", "是指向模板目录以外的链接：渲染时不会读取它，请换成模板目录中的文件")
                for name in templates.links_outside()]
    for family in families.FAMILIES:
        used: dict[str, dict] = {"docx": {}, "html": {}}
        for kind, check in (("docx", lint_docx), ("html", lint_html)):
            try:
                findings += check(templates, family, used[kind])
            except OutsideTemplateSet as refused:  # a link out of the set, reported above
                findings.append(LintFinding(f"{family.name}.docx/.html", "1", str(refused)))
                used = {}
                break
        if used:
            findings += one_format_only(family, used["docx"], used["html"])
    return list(dict.fromkeys(findings))  # base.html and shared macros are checked once per family


def one_format_only(family: FamilySpec, docx: dict, html: dict) -> list[LintFinding]:
    """A field of the family's document tree that one of its templates prints and the other
    does not: a line added to the Word template and forgotten in the HTML one (or the other
    way round). ``docx``/``html``: (type, field) → where the template uses it."""
    findings = []
    content = _content_fields(family.context_type())
    for mine, other, theirs in ((f"{family.name}.html", docx, html), (f"{family.name}.docx", html, docx)):
        for (owner, field), where in other.items():
            if (owner, field) in content and (owner, field) not in theirs and ("?", field) not in theirs:
                findings.append(LintFinding(mine, "1", f"没有印出“{owner}.{field}”，而{where}印出了它："
                                                       "两种格式的内容会不一致", Severity.WARNING))
    return sorted(findings, key=lambda f: (f.file, f.message))


def _content_fields(root: type) -> set[tuple[str, str]]:
    """(type, field) of every field of the document tree that holds what a reader reads: text,
    or parts made of text. Numbers and flags (indents, column widths, spans, landscape) are
    how a format lays the page out: each format may need its own."""
    found: set[tuple[str, str]] = set()
    seen: set[type] = set()

    def is_content(hint: Any) -> bool:
        hint = _without_none(hint)
        if hint is str:
            return True
        if dataclasses.is_dataclass(hint):
            visit(hint)
            return any(key[0] == hint.__name__ for key in found)
        args = typing.get_args(hint)
        if typing.get_origin(hint) in (list, tuple, dict) or isinstance(hint, types.GenericAlias):
            return any(is_content(a) for a in args if a is not Ellipsis)
        if args:  # a union
            return any(is_content(a) for a in args)
        return False

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for name, hint in _hints(cls).items():
            if is_content(hint):
                found.add((cls.__name__, name))

    visit(root)
    return found

