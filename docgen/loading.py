"""Reading YAML input into models, with every problem located by file, line and field.

ruamel.yaml keeps the line of every key and list item, so a pydantic error at
``('projects', 4, 'score')`` becomes ``samples/x.yaml:23: projects[4].score: …``.
Nothing here writes to the user's files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from docgen.diagnostics import Diagnostic, Diagnostics, Finding, Severity, format_path
from docgen.models import GRADE_SYNONYMS, EvaluatedProject, GradeBands
from docgen.models.packet import PACKET_FILE_NAMES
from docgen.rules import check_project
from docgen.rules.interpret import score_and_grade_in

YAML_SUFFIXES = (".yaml", ".yml")


# --------------------------------------------------------------------------- YAML reading


class _DecimalConstructor(RoundTripConstructor):
    """Floats become Decimal straight from their text, so 80.06 never passes through binary."""

    def construct_yaml_float(self, node):  # type: ignore[override]
        text = str(self.construct_scalar(node)).replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:  # .inf, .nan: let the float path decide
            return super().construct_yaml_float(node)


_DecimalConstructor.add_constructor("tag:yaml.org,2002:float", _DecimalConstructor.construct_yaml_float)


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
    "expected ',' or ']'": "方括号中缺少逗号或“]”",
    "expected ',' or '}'": "花括号中缺少逗号或“}”",
}


def _explain_yaml_problem(problem: str | None) -> str:
    problem = (problem or "").strip()
    for english, chinese in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"YAML格式错误：{chinese}"
    return f"YAML格式错误：{problem}" if problem else "YAML格式错误"


def read_yaml(path: Path, shown: str, diagnostics: Diagnostics) -> Any:
    """Parse one YAML file; problems go to ``diagnostics`` and the result is None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.add(Diagnostic(shown, None, (), f"无法读取文件：{exc.strerror or exc}"))
        return None
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
    try:
        data = _yaml().load(text)
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
        col = f"第{mark.column + 1}列：" if mark else ""
        diagnostics.add(Diagnostic(shown, line, (), col + _explain_yaml_problem(exc.problem)))
        return None
    except YAMLError as exc:
        diagnostics.add(Diagnostic(shown, None, (), _explain_yaml_problem(str(exc))))
        return None
    except ValueError as exc:  # e.g. a date that does not exist: 2024-13-01
        line = _line_of_bad_scalar(text, str(exc))
        diagnostics.add(Diagnostic(shown, line, (), f"无法识别的值：{exc}（日期应写成2024-03-31的形式）"))
        return None
    if data is None:
        diagnostics.add(Diagnostic(shown, 1, (), EMPTY_FILE))
    return data


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


# --------------------------------------------------------------------------- pydantic errors in Chinese


def _unwrap(annotation: Any) -> Any:
    """The model class behind ``X | None``, ``list[X]``, ``Annotated[X, …]``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        elif origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that owns the last part of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = _field_by_key(current, part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_by_key(model: type[BaseModel], key: str):
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _title(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    owner = _model_at(model, loc)
    if owner and loc and isinstance(loc[-1], str):
        info = _field_by_key(owner, loc[-1])
        if info is not None and info.title:
            return f"（{info.title}）"
    return ""


def _type_word(value: Any) -> str:
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, bool):
        return f"布尔值{value}"
    if isinstance(value, (int, Decimal, float)):
        return f"数字{value}"
    if isinstance(value, str):
        return f"“{value}”"
    return type(value).__name__


def chinese_message(model: type[BaseModel], error: dict) -> str:
    """One pydantic error as a Chinese sentence a finance officer can act on."""
    kind, loc, value, ctx = error["type"], error["loc"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"缺少必填字段“{loc[-1]}”{_title(model, loc)}"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        known = _keys(owner) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"，是否应为“{close[0]}”？" if close else (f"；可用字段：{'、'.join(known)}" if known else "")
        return f"未知字段“{loc[-1]}”{hint}"
    if kind in {"string_type"}:
        return f"应为文本，实际为{_type_word(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"应为整数，实际为{_type_word(value)}"
    if kind in {"list_type"}:
        return f"应为列表（每项另起一行，以“- ”开头），实际为{_type_word(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"应为键值对（“键: 值”），实际为{_type_word(value)}"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        return f"应为{expected}之一，实际为{_type_word(value)}"
    if kind == "greater_than_equal":
        return f"应不小于{ctx.get('ge')}，实际为{_type_word(value)}"
    if kind == "less_than_equal":
        return f"应不大于{ctx.get('le')}，实际为{_type_word(value)}"
    if kind == "too_short":
        if isinstance(value, str):
            return "不能为空"
        return f"至少需要{ctx.get('min_length')}项"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_pattern_mismatch":
        return f"只能包含字母、数字、“-”“_”“.”，实际为{_type_word(value)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"应为是/否（true/false），实际为{_type_word(value)}"
    if kind.startswith(("decimal_", "score_", "grade_", "amount_")) or not error["msg"].isascii():
        return error["msg"]
    return f"数据有误：{error['msg']}"


# --------------------------------------------------------------------------- documents


@dataclass
class SourceFile:
    """A parsed YAML file and how to name it in messages."""

    path: Path
    shown: str
    data: Any

    def diagnostic(self, loc: tuple[str | int, ...], message: str,
                   severity: Severity = Severity.ERROR) -> Diagnostic:
        return Diagnostic(self.shown, line_of(self.data, loc), tuple(loc), message, severity)


def validate_model(model: type[BaseModel], source: SourceFile, data: Any, prefix: tuple = (),
                   diagnostics: Diagnostics | None = None) -> Any:
    """Validate ``data`` (found at ``prefix`` in ``source``) as ``model``; errors go to diagnostics."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if diagnostics is not None:
                diagnostics.add(source.diagnostic(prefix + loc, chinese_message(model, error)))
        return None


def add_findings(source: SourceFile, prefix: tuple, findings: list[Finding], diagnostics: Diagnostics) -> None:
    for f in findings:
        diagnostics.add(source.diagnostic(prefix + f.loc, f.message, f.severity))


def yaml_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by ``paths``: files as given, folders' files sorted by name
    (a folder's ``packet.yaml`` describes a ``docgen build``, it is not data)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir()
                              if q.suffix in YAML_SUFFIXES and q.is_file() and q.name not in PACKET_FILE_NAMES))
        else:
            out.append(p)
    return out


def shown_path(path: Path) -> str:
    """The path as a user recognises it: relative to the working folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class LoadedProject:
    """A validated project with where it came from."""

    project: EvaluatedProject
    source: str
    line: int | None
    output_stem: str
    origin: "Origin | None" = None  # the file and field path it was read from


@dataclass
class Origin:
    """Where a block was written, so that later findings about it can name file and line."""

    source: SourceFile
    prefix: tuple


@functools.lru_cache(maxsize=None)
def _data_file_model(registry: tuple) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for block in registry:
        fields[block.key] = (block.annotation() | None, Field(None, title=block.title))
    fields["grade_bands"] = (GradeBands | None, Field(None, title="评价等级分档",
                                                       description="不写时用财预〔2020〕10号的默认分档"))
    fields["projects"] = (list[EvaluatedProject], Field(default_factory=list, title="评价对象"))
    return create_model("DataFile", __config__=ConfigDict(extra="forbid", title="数据文件"), **fields)


def data_blocks() -> list:
    """Every block a data file may hold, in the registry's order: each family's declaring
    block followed by its supporting blocks (:mod:`docgen.families`)."""
    from docgen import families

    return [b for spec in families.FAMILIES for b in (spec.block, *spec.supporting)]


def data_file_model() -> type[BaseModel]:
    """``DataFile``: a YAML file with document blocks and/or ``projects:``; a folder of them is
    a data set. Its fields are the registered families' blocks, ``grade_bands`` and ``projects``."""
    return _data_file_model(tuple(data_blocks()))


@dataclass
class DataSet:
    """Everything read from the input: document blocks, projects, and what was found wrong.

    Blocks are read as attributes (``data.publisher``, ``data.accounts``); a block that no
    file holds is None."""

    blocks: dict[str, Any] = field(default_factory=dict)
    grade_bands: GradeBands = field(default_factory=GradeBands)
    projects: list[LoadedProject] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    origins: dict[str, Origin] = field(default_factory=dict)
    #: Some input could not be read or did not fit the models (as opposed to figures that
    #: disagree): such a data set can never be rendered, not even as a draft.
    unreadable: bool = False
    first_input: str = ""  # names the data set in messages that belong to no file

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("blocks",):
            raise AttributeError(name)
        if any(b.key == name for b in data_blocks()):
            return self.blocks.get(name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.__dataclass_fields__ and any(b.key == name for b in data_blocks()):
            self.blocks[name] = value
        else:
            object.__setattr__(self, name, value)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors

    @property
    def families(self) -> list[str]:
        """The document families this data set declares (by the blocks it holds)."""
        from docgen import families

        return [spec.name for spec in families.FAMILIES if self.blocks.get(spec.block.key) is not None]

    def replaced(self, **changes: Any) -> "DataSet":
        """A copy with blocks (``report=None``) or ``projects`` replaced and no diagnostics:
        what the documents would print without them."""
        projects = changes.pop("projects", self.projects)
        return dataclasses.replace(self, blocks={**self.blocks, **changes}, projects=projects,
                                   diagnostics=Diagnostics())

    def report_findings(self, block: str, findings: list[Finding]) -> None:
        origin = self.origins[block]
        add_findings(origin.source, origin.prefix + (block,), findings, self.diagnostics)

    def report_project_findings(self, project: LoadedProject, findings: list[Finding]) -> None:
        if project.origin is not None:
            add_findings(project.origin.source, project.origin.prefix, findings, self.diagnostics)

    def report_missing_block(self, block: str, message: str) -> None:
        self.diagnostics.add(Diagnostic(self.first_input, None, (block,), message))


def _is_data_file(data: Any) -> bool:
    keys = [b.key for b in data_blocks()]
    return (isinstance(data, dict) and any(k in data for k in (*keys, "grade_bands", "projects"))
            and "name" not in data)


def _interpret(project: EvaluatedProject, raw: Any) -> tuple[EvaluatedProject, list[Finding]]:
    """Normalise what the user wrote in a looser form; each interpretation is a warning."""
    findings: list[Finding] = []
    word = raw.get("grade") if isinstance(raw, dict) else None
    if isinstance(word, str) and word.strip() in GRADE_SYNONYMS:
        findings.append(Finding(("grade",), f"评价等级“{word.strip()}”按“{project.grade.value}”处理", Severity.WARNING))
    if project.result_note and project.score is None and project.grade is None:
        score, grade = score_and_grade_in(project.result_note)
        if score is not None or grade is not None:
            project = project.model_copy(update={"score": score, "grade": grade})
            found = "、".join(x for x in (score is not None and f"得分{score}", grade and f"等级“{grade.value}”") if x)
            findings.append(Finding(("result_note",), f"从评价结果文字中识别出{found}", Severity.WARNING))
    return project, findings


def load_dataset(paths: list[Path]) -> DataSet:
    """Read every YAML file under ``paths`` into one data set; all problems are collected."""
    from docgen import families

    result = DataSet(first_input=shown_path(paths[0]) if paths else "")
    diags = result.diagnostics
    files = yaml_files(paths)
    if not files:
        diags.add(Diagnostic(", ".join(map(str, paths)), None, (), "没有找到YAML文件（.yaml或.yml）"))
    stems: dict[str, LoadedProject] = {}
    pending: list[tuple[SourceFile, tuple, Any, str]] = []
    block_keys = [b.key for b in data_blocks()] + ["grade_bands"]

    for path in files:
        shown = shown_path(path)
        data = read_yaml(path, shown, diags)
        if data is None:
            # an empty file holds nothing to render; a file that failed to parse may hold anything
            result.unreadable |= diags.items[-1].message != EMPTY_FILE
            continue
        source = SourceFile(path, shown, data)
        unfilled = placeholders(data)
        if unfilled:
            for loc, label in unfilled:
                kind, _, what = label.partition("：")
                diags.add(source.diagnostic(loc, f"尚未填写：{what}（{kind}）" if what else f"尚未填写：{kind}"))
            result.unreadable = True
            continue
        if isinstance(data, list):
            pending += [(source, (i,), item, f"{path.stem}-{i + 1:02d}") for i, item in enumerate(data)]
        elif _is_data_file(data):
            blocks = validate_model(data_file_model(), source, _without(data, "projects"), (), diags)
            result.unreadable |= blocks is None
            for block in block_keys:
                value = getattr(blocks, block, None) if blocks else None
                if value is None:
                    continue
                if block in result.origins:
                    first = result.origins[block].source
                    diags.add(source.diagnostic((block,), f"“{block}”只能写一份，{first.shown}中已有"))
                    continue
                setattr(result, block, value)
                result.origins[block] = Origin(source, ())
            items = data.get("projects") or []
            if not isinstance(items, list):
                diags.add(source.diagnostic(("projects",), f"应为列表（每项以“- ”开头），实际为{_type_word(items)}"))
                items = []
            pending += [(source, ("projects", i), item, f"{path.stem}-{i + 1:02d}")
                        for i, item in enumerate(items)]
        elif isinstance(data, dict):
            pending.append((source, (), data, path.stem))
        else:
            diags.add(Diagnostic(shown, 1, (), f"文件内容应为键值对或列表，实际为{_type_word(data)}"))

    bands = result.grade_bands
    for source, prefix, item, default_stem in pending:
        project = validate_model(EvaluatedProject, source, item, prefix, diags)
        if project is None:
            result.unreadable = True
            continue
        project, notes = _interpret(project, item)
        add_findings(source, prefix, notes + check_project(project, bands), diags)
        stem = project.id or default_stem
        loaded = LoadedProject(project, source.shown, line_of(source.data, prefix), stem, Origin(source, prefix))
        if stem in stems:
            other = stems[stem]
            diags.add(source.diagnostic(prefix + ("id",) if project.id else prefix,
                      f"输出文件名“{stem}”与{other.source}:{other.line}重复，请填写不同的id"))
            continue
        stems[stem] = loaded
        result.projects.append(loaded)

    declared = [families.get(name) for name in result.families]
    if files and not declared and not result.unreadable:
        needs = "，".join(f"{spec.title}需要{spec.block.key}" for spec in families.FAMILIES)
        diags.add(Diagnostic(result.first_input, None, (), f"没有找到文档信息：{needs}"))
    if files and not pending and any(spec.uses_projects for spec in declared) and not diags.errors:
        diags.add(Diagnostic(result.first_input, None, ("projects",), "没有评价对象（projects）"))
    for spec in declared:
        spec.run_checks(result)
    return result


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}
