"""Reading YAML files: ruamel.yaml keeps the line of every key and list item, numbers become
Decimal straight from their text, and every problem is a Chinese message with file and line.
Nothing here writes to the user's files."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from docgen.diagnostics import Diagnostic, Diagnostics, Severity, os_reason
from docgen.models.packet import PACKET_FILE_NAMES
from docgen.models.values import MAX_FIGURE

YAML_SUFFIXES = (".yaml", ".yml")


class _DecimalConstructor(RoundTripConstructor):
    """Floats become Decimal straight from their text, so 80.06 never passes through binary."""

    def construct_yaml_float(self, node):  # type: ignore[override]
        text = str(self.construct_scalar(node)).replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:  # .inf, .nan: let the float path decide
            return super().construct_yaml_float(node)

    def construct_yaml_timestamp(self, node, values=None):  # type: ignore[override]
        # a date stays text here: the models read it (2024年12月31日 too) and say in Chinese,
        # with its field, what is wrong with 2024-13-01 (ruamel: "month must be in 1..12")
        return str(self.construct_scalar(node))


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _DecimalConstructor.construct_yaml_float)
_DecimalConstructor.add_constructor("tag:yaml.org,2002:timestamp", _DecimalConstructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _DecimalConstructor
    yaml.allow_duplicate_keys = False
    return yaml


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（常见原因：冒号后缺空格、缩进不对或文本中含未加引号的冒号）",
    "could not find expected ':'": "缺少“:”（键和值之间需要“: ”）",
    "found character '\\t' that cannot start any token": "不能用Tab缩进，请改用空格",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "did not find expected key": "缩进不一致或缺少键",
    "did not find expected '-' indicator": "列表缩进不一致（每项应以“- ”开头并对齐）",
    "found undefined alias": "引用了未定义的别名",
    "expected <block end>, but found '<block sequence start>'": "列表缩进不一致",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    "expected <block end>, but found '<scalar>'": "缩进不一致",
    "found unknown escape character": "双引号文本中有无法识别的转义字符（反斜杠），可改用单引号",
    "expected the node content, but found": "缺少值（冒号或“- ”后面没有内容，或括号、引号未闭合）",
    "while scanning a quoted scalar": "引号未闭合",
    "found unexpected ':'": "多余的冒号（文本中含冒号时请给整段文本加引号）",
    "while parsing a flow": "方括号或花括号未闭合",
    "but found another document": "一个文件只能写一份数据（不能用“---”分成多份）",
    "expected ',' or ']'": "方括号中缺少逗号或“]”",
    "expected ',' or '}'": "花括号中缺少逗号或“}”",
}


FULL_WIDTH_COLON = "键后面是全角冒号“：”，应为半角冒号“:”加一个空格（如 score: 86.5）"

#: A key written with the full-width colon of a Chinese input method: ``score：86.5``.
_KEY_FULL_WIDTH = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*：")


def _full_width_colon(text: str, until: int | None) -> tuple[int, str] | None:
    """(line, key) of the last key written with a full-width colon up to line ``until``."""
    found = None
    for number, line in enumerate(text.splitlines(), start=1):
        if until is not None and number > until:
            break
        match = _KEY_FULL_WIDTH.match(line)
        if match:
            found = (number, match.group(1))
    return found


def _explain_yaml_problem(problem: str | None) -> str:
    problem = (problem or "").strip()
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"YAML格式错误：{chinese}"
    return f"YAML格式错误：{problem}" if problem else "YAML格式错误"


def read_yaml(path: Path, shown: str, diagnostics: Diagnostics) -> Any:
    """Parse one YAML file; problems go to ``diagnostics`` and the result is None."""
    raw = read_bytes(path, shown, diagnostics)
    if raw is None:
        return None
    return parse_yaml(raw, shown, diagnostics)


def read_bytes(path: Path, shown: str, diagnostics: Diagnostics) -> bytes | None:
    """A data file's bytes, or None (and why in ``diagnostics``) for what is not read: not a
    regular file, too large, not readable."""
    try:
        if not path.is_file():  # a FIFO or a device would block or never end
            diagnostics.add(Diagnostic(shown, None, (), "不是普通文件（管道、设备或文件夹），未读取"))
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            diagnostics.add(Diagnostic(shown, None, (), f"文件过大（超过{MAX_FILE_BYTES // 1024 // 1024} MB），未读取"))
            return None
        return path.read_bytes()
    except OSError as exc:
        diagnostics.add(Diagnostic(shown, None, (), f"无法读取文件：{os_reason(exc, writing=False)}"))
        return None


def parse_yaml(raw: bytes, shown: str, diagnostics: Diagnostics) -> Any:
    """Parse a YAML file's bytes (see :func:`read_yaml`)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            guess = "，看起来是GBK/GB18030编码（Windows中文系统的常见默认）"
        except UnicodeDecodeError:
            guess = ""
        diagnostics.add(
            Diagnostic(
                shown, line, (),
                f"文件不是UTF-8编码{guess}；请在编辑器中用“另存为”选择UTF-8编码保存后重试",
            )
        )
        return None
    controls = _control_characters(text)
    if controls:
        for line, char in controls:
            diagnostics.add(Diagnostic(shown, line, (), f"含有控制字符U+{ord(char):04X}，请删除（文本中不能有不可见的控制字符）"))
        return None
    try:
        data = _yaml().load(text)
    except RecursionError:
        diagnostics.add(Diagnostic(shown, _line_of_deep_nesting(text), (),
                                   f"YAML嵌套层数过多（超过{MAX_DEPTH}层），请检查括号和缩进"))
        return None
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else ""
        first = exc.context_mark.line + 1 if exc.context_mark else None
        where = f"（所在映射始于第{first}行）" if first else ""
        diagnostics.add(
            Diagnostic(shown, mark.line + 1 if mark else None, (key,) if key else (), f"重复的键“{key}”{where}，每个字段只能写一次")
        )
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        colon = _full_width_colon(text, line)
        if colon is not None:  # the parser stumbles a line later, on what follows
            diagnostics.add(Diagnostic(shown, colon[0], (colon[1],), FULL_WIDTH_COLON))
            return None
        col = f"第{mark.column + 1}列：" if mark else ""
        diagnostics.add(Diagnostic(shown, line, (), col + _explain_yaml_problem(exc.problem)))
        return None
    except YAMLError as exc:
        diagnostics.add(Diagnostic(shown, None, (), _explain_yaml_problem(str(exc))))
        return None
    except TypeError:  # a key ruamel cannot even hold (a list or a map given by “? ”)
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith("? ")), None)
        diagnostics.add(Diagnostic(shown, line, (), "键应为文本（不支持“? ”复杂键）"))
        return None
    except ValueError as exc:  # a date that does not exist (2024-13-01), !!float xyz
        number = re.search(r"could not convert string to float: '(.*)'", str(exc))
        if number:
            line = next((n for n, ln in enumerate(text.splitlines(), 1) if number.group(1) in ln), None)
            diagnostics.add(Diagnostic(shown, line, (), f"无法识别的数值“{number.group(1)}”"))
        else:
            line = _line_of_bad_scalar(text, str(exc))
            diagnostics.add(Diagnostic(shown, line, (), f"无法识别的值：{exc}（日期应写成2024-03-31的形式）"))
        return None
    if data is None:
        diagnostics.add(Diagnostic(shown, 1, (), EMPTY_FILE))
        return None
    problem = _shape_problem(data)
    if problem is not None:
        loc, message = problem
        diagnostics.add(Diagnostic(shown, line_of(data, loc), loc, message))
        return None
    problems = _value_problems(data)
    for loc, message in problems:
        diagnostics.add(Diagnostic(shown, line_of(data, loc), loc, message))
    return None if problems else data


#: Characters a file may not hold: C0 and C1 controls but tab, line feed and carriage return
#: (``\f`` would break a page inside a DOCX cell, BEL and ESC would reach the PDF).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_characters(text: str) -> list[tuple[int, str]]:
    """(line, character) of each line holding a control character, as written in the file."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _CONTROL.search(line)
        if match:
            found.append((number, match.group()))
    return found


def _key_kind(key: Any) -> str:
    if isinstance(key, bool) or key is None:
        return "布尔值或空值"
    if isinstance(key, (int, float, Decimal)):
        return "数字"
    if isinstance(key, (dt.date, dt.datetime)):
        return "日期"
    return "列表或键值对"


def _value_problems(data: Any) -> list[tuple[tuple, str]]:
    """What the parser accepts but docgen does not: merge keys (``<<:``), keys that are not
    text (``? [a, b]``, ``1:``), control characters or lone surrogates written as escapes
    (``"\\a"``, ``"\\udfff"``), numbers that are not finite or beyond :data:`MAX_FIGURE`.
    Each with its field path; every shared (aliased) value is looked at once."""
    problems: list[tuple[tuple, str]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, dict):
            if getattr(node, "merge", None):
                problems.append((loc, "不支持“<<:”合并键，请直接写出各字段"))
            for key, value in node.items():
                if not isinstance(key, str):
                    problems.append((loc, f"键应为文本，实际为{_key_kind(key)}“{str(key)[:40]}”"
                                          "（不支持“? ”复杂键、数字或日期作键）"))
                    continue
                stack.append((value, loc + (key,)))
        elif isinstance(node, list):
            stack.extend((value, loc + (i,)) for i, value in enumerate(node))
        elif isinstance(node, str):
            control = _CONTROL.search(node)
            if control:
                problems.append((loc, f"含有控制字符U+{ord(control.group()):04X}，请删除"))
            elif any(0xD800 <= ord(c) <= 0xDFFF for c in node):
                problems.append((loc, "含有无效的Unicode代理字符（如“\\udfff”），请删除"))
        elif isinstance(node, (float, Decimal)) and not isinstance(node, bool):
            if not (node == node) or node in (float("inf"), float("-inf")) or (
                    isinstance(node, Decimal) and not node.is_finite()):
                problems.append((loc, f"数值应为有限的数，实际为{node}"))
            elif abs(Decimal(str(node))) >= MAX_FIGURE:
                problems.append((loc, f"数值过大（{node}），请检查是否多写了位数"))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= MAX_FIGURE:
            problems.append((loc, f"数值过大（{node}），请检查是否多写了位数"))
    return sorted(problems, key=lambda p: [str(x) for x in p[0]])


#: Limits on a file's shape, far above any real data (the samples: ~12,000 values, 8 levels):
#: aliases (``*name``) may repeat a value many times over ("billion laughs"), and every later
#: step walks the values as if each repeat were a copy.
MAX_VALUES = 200_000
MAX_DEPTH = 40


def _line_of_deep_nesting(text: str) -> int | None:
    """The first line where brackets (``[``, ``{``) are open more than :data:`MAX_DEPTH` deep
    (the parser gives up on such a file without saying where)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > MAX_DEPTH:
                return number
    return None


def _deepest_path(node: Any, loc: tuple, sizes: dict, steps: int) -> tuple:
    """``loc`` followed ``steps`` levels down the deepest branch (where the nesting is)."""
    for _ in range(steps):
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        if not items:
            break
        key, node = max(items, key=lambda kv: sizes.get(id(kv[1]), (0, 0))[1])
        loc += (key,)
    return loc


def _shape_problem(data: Any) -> tuple[tuple, str] | None:
    """(where, message) when ``data`` would be too large once aliases are expanded, or nested
    too deep; None when it is fine. Linear in the values as parsed (each shared value is
    counted once and its expanded size remembered), without recursion."""
    sizes: dict[int, tuple[int, int]] = {}  # id → (values once expanded, depth)

    def children(node):
        if isinstance(node, dict):
            return list(node.values())
        if isinstance(node, list):
            return list(node)
        return []

    def measure(root) -> tuple[int, int]:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if id(node) in sizes:
                continue
            kids = children(node)
            if not kids:
                sizes[id(node)] = (1, 0)
            elif done:
                size = 1 + sum(sizes[id(k)][0] for k in kids)
                depth = 1 + max(sizes[id(k)][1] for k in kids)
                sizes[id(node)] = (min(size, MAX_VALUES + 1), depth)
            else:
                if len(stack) > 4 * MAX_DEPTH * 1000:  # a structure no YAML file of ours reaches
                    sizes[id(node)] = (MAX_VALUES + 1, MAX_DEPTH + 1)
                    continue
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in sizes)
        return sizes[id(root)]

    parts = list(data.items()) if isinstance(data, dict) else list(enumerate(data)) if isinstance(data, list) else []
    for key, value in parts:
        size, depth = measure(value)
        if size > MAX_VALUES:
            return (key,), (f"内容展开后超过{MAX_VALUES}个值（常见原因：别名“*名称”层层引用），"
                            "请直接写出数据，不要用别名嵌套")
        if depth > MAX_DEPTH:
            return _deepest_path(value, (key,), sizes, 4), f"嵌套层数过多（超过{MAX_DEPTH}层），请检查括号和缩进"
    return None


EMPTY_FILE = "文件为空"


PLACEHOLDER = re.compile(r"<<([^<>]*)>>")


def placeholders(data: Any, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """``<<文本：项目名称>>`` left over from ``docgen init``: (field path, label) of each."""
    if isinstance(data, dict):
        return [f for k, v in data.items() for f in placeholders(v, loc + (k,))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in placeholders(v, loc + (i,))]
    if isinstance(data, str):
        return [(loc, m.group(1)) for m in PLACEHOLDER.finditer(data)]
    return []


def _line_of_bad_scalar(text: str, message: str) -> int | None:
    """The first line holding a date-like value that does not exist (ruamel does not say where)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", line):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return number
    return None


def line_of(data: Any, loc: tuple[str | int, ...]) -> int | None:
    """The line (1-based) of the deepest part of ``loc`` present in ``data``."""
    line = data.lc.line + 1 if hasattr(data, "lc") and data.lc.line is not None else None
    node = data
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


@dataclass
class SourceFile:
    """A parsed YAML file and how to name it in messages."""

    path: Path
    shown: str
    data: Any
    #: a file read from the loader's cache has no ``data``: its lines come from its line map
    #: (field path → line, :func:`docgen.input.records.line_map`), fetched when first needed
    lines: Callable[[], dict] | None = None

    def line(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of the deepest part of ``loc`` the file holds (as :func:`line_of`)."""
        if self.lines is None:
            return line_of(self.data, loc)
        if not isinstance(self.lines, dict):
            self.lines = self.lines()
        for end in range(len(loc), -1, -1):
            if tuple(loc[:end]) in self.lines:
                return self.lines[tuple(loc[:end])]
        return None

    def diagnostic(self, loc: tuple[str | int, ...], message: str,
                   severity: Severity = Severity.ERROR) -> Diagnostic:
        return Diagnostic(self.shown, self.line(loc), tuple(loc), message, severity)

    def report_placeholders(self, diagnostics: Diagnostics) -> bool:
        """Each ``<<…>>`` left over from ``docgen init`` as an error at its line
        (``尚未填写：项目名称（文本）``); True when there was one (its callers then read the file no further)."""
        unfilled = placeholders(self.data)
        for loc, label in unfilled:
            kind, _, what = label.partition("：")
            diagnostics.add(self.diagnostic(loc, f"尚未填写：{what}（{kind}）" if what else f"尚未填写：{kind}"))
        return bool(unfilled)


def yaml_files(paths: list[Path], diagnostics: Diagnostics | None = None) -> list[Path]:
    """The YAML files named by ``paths``: files as given, folders' files sorted by name
    (a folder's ``packet.yaml`` describes a ``docgen build``, it is not data). What a folder
    holds that looks like data but is not read is reported as a warning: a link to nothing
    or in a loop, a folder or a special file named ``*.yaml``, a ``*.yaml.txt``."""
    out: list[Path] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        # scandir: an entry's kind comes with the listing (no stat per file of a large folder)
        with os.scandir(p) as listing:
            entries = sorted(((Path(e.path), e) for e in listing), key=lambda pe: os.path.normcase(pe[1].name))
        for q, entry in entries:
            skipped = _not_data(q, entry)
            if skipped is None:
                if q.name not in PACKET_FILE_NAMES:
                    out.append(q)
            elif skipped and diagnostics is not None:
                folder = shown_path(q.parent)  # the entry itself as named, not where a link leads
                shown = q.name if folder == "." else f"{folder}{os.sep}{q.name}"
                diagnostics.add(Diagnostic(shown, None, (), skipped, Severity.WARNING))
    return out


def _not_data(path: Path, entry: os.DirEntry | None = None) -> str | None:
    """None for a YAML file to read; why it is skipped (a message, or "" for anything that is
    plainly not data) otherwise. ``entry``: the path's listing entry, when there is one."""
    looks_like_yaml = path.suffix in YAML_SUFFIXES
    if path.name.endswith(tuple(s + ".txt" for s in YAML_SUFFIXES)):
        return "扩展名是.txt，未作为数据读取；如果是数据，请去掉“.txt”"
    if not looks_like_yaml:
        return ""
    kind = entry or path
    if kind.is_symlink() and not path.exists():
        return "是指向不存在的文件的链接（或链接成环），未读取"
    if kind.is_dir():
        return "是文件夹，不是YAML文件，未读取"
    if not kind.is_file():
        return "不是普通文件（管道、设备等），未读取"
    return None


#: A data file larger than this is not read (the largest sample file is ~40 KB).
MAX_FILE_BYTES = 20 * 1024 * 1024


def shown_path(path: Path) -> str:
    """The path as a user recognises it: relative to the working folder where possible."""
    if _plain_file(path):
        # a folder's files: the folder is resolved once (a province has 20,000 of them)
        folder = _shown_folder(str(path.parent), os.getcwd())
        if folder is None:
            return str(path)
        if folder:
            return path.name if folder == "." else f"{folder}{os.sep}{path.name}"
    try:
        if path.is_symlink() and path.name not in ("", ".", ".."):
            resolved = path.parent.resolve() / path.name  # a link is named where it is, not where it leads
        else:
            resolved = path.resolve()
    except (OSError, RuntimeError):  # a link in a loop: name it as written
        resolved = Path(os.path.abspath(path))
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=64)
def _shown_folder(folder: str, cwd: str) -> str | None:
    """A folder as :func:`shown_path` names it when it lies under ``cwd``; None when it does
    not (its files are named as written); "" when it cannot be resolved."""
    resolved = _resolved_folder(folder, cwd)
    if resolved is None:
        return ""
    try:
        return str(Path(resolved).relative_to(Path(cwd).resolve()))
    except ValueError:
        return None


def _plain_file(path: Path) -> bool:
    """``path`` is a file, not a link nor a folder (it is where it is named)."""
    try:
        return path.name not in ("", ".", "..") and stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def resolved_folder(path: str) -> str | None:
    """The resolved folder of the plain file ``path`` (not a link): a folder of 20,000 files is
    resolved once. None when ``path`` is not a plain file (or its folder cannot be resolved)."""
    if not _plain_file(Path(path)):
        return None
    return _resolved_folder(os.path.dirname(path) or ".", os.getcwd())


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: str, cwd: str) -> str | None:
    """``folder`` (relative to ``cwd``) resolved, once per folder; None when it cannot be (a
    link in a loop)."""
    try:
        return str(Path(cwd, folder).resolve())
    except (OSError, RuntimeError):
        return None
