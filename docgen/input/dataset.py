"""A data set: every YAML file under the inputs read into the registered families' blocks
and the evaluated projects, with every problem found (:func:`load_dataset`)."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from docgen.diagnostics import Diagnostic, Diagnostics, Finding, Severity
from docgen.input.custom import typed_fields
from docgen.input.messages import _type_word, add_findings, validate_model
from docgen.input.yaml import EMPTY_FILE, SourceFile, line_of, read_yaml, shown_path, yaml_files
from docgen.models import GRADE_SYNONYMS, EvaluatedProject, GradeBands
from docgen.models.layout import CustomField
from docgen.rules import check_project
from docgen.rules.interpret import score_and_grade_in


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
    fields["custom_fields"] = (list[CustomField] | None, Field(None, title="自定义字段",
                                                               description="评价对象可填写的其他字段"))
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
    custom_fields: list[CustomField] = field(default_factory=list)
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
    return (isinstance(data, dict) and any(k in data for k in (*keys, "grade_bands", "custom_fields", "projects"))
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
    files = yaml_files(paths, diags)
    if not files:
        diags.add(Diagnostic(", ".join(map(str, paths)), None, (), "没有找到YAML文件（.yaml或.yml）"))
    stems: dict[str, LoadedProject] = {}
    pending: list[tuple[SourceFile, tuple, Any, str]] = []
    block_keys = [b.key for b in data_blocks()] + ["grade_bands", "custom_fields"]

    for path in files:
        shown = shown_path(path)
        data = read_yaml(path, shown, diags)
        if data is None:
            # an empty file holds nothing to render; a file that failed to parse may hold anything
            result.unreadable |= diags.items[-1].message != EMPTY_FILE
            continue
        source = SourceFile(path, shown, data)
        if source.report_placeholders(diags):
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
        if project.fields or any(f.required for f in result.custom_fields):
            typed, problems = typed_fields(project.fields, result.custom_fields)
            project = project.model_copy(update={"fields": typed})
            notes += problems
        add_findings(source, prefix, notes + check_project(project, bands), diags)
        stem = project.id or default_stem
        loaded = LoadedProject(project, source.shown, line_of(source.data, prefix), stem, Origin(source, prefix))
        if stem.casefold() in stems:  # Windows and macOS do not tell A.pdf from a.pdf
            other = stems[stem.casefold()]
            same = (f"与{other.source}:{other.line}重复" if other.output_stem == stem else
                    f"与{other.source}:{other.line}的“{other.output_stem}”重复（不区分大小写）")
            diags.add(source.diagnostic(prefix + ("id",) if project.id else prefix,
                      f"输出文件名“{stem}”{same}，请填写不同的id"))
            continue
        stems[stem.casefold()] = loaded
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
