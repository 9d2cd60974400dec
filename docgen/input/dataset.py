"""A data set: every YAML file under the inputs read into the registered families' blocks
and the evaluated projects, with every problem found (:func:`load_dataset`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from docgen.diagnostics import Diagnostic, Diagnostics, Finding, Severity
from docgen.input.custom import typed_fields
from docgen.input.messages import add_findings, validate_model
from docgen.input.records import ItemRead, decode, read_source
from docgen.input.slips import LISTS, list_slips
from docgen.input.yaml import SourceFile, shown_path, yaml_files
from docgen.models import GRADE_SYNONYMS, EvaluatedProject, GradeBands
from docgen.models.layout import CustomField
from docgen.rules import check_project
from docgen.rules.interpret import score_and_grade_in

if TYPE_CHECKING:
    from docgen.input.cache import InputCache


class LoadedProject:
    """A validated project with where it came from. A project whose file came from the
    loader's cache is validated again only when its model is first asked for (``project``):
    a build that changes one of 20,000 files looks at one model."""

    def __init__(self, project: EvaluatedProject | None, source: str, line: int | None, output_stem: str,
                 origin: "Origin | None" = None, identity: tuple | None = None, load=None):
        self._project = project
        self.source = source
        self.line = line
        self.output_stem = output_stem
        self.origin = origin  # the file and field path it was read from
        #: (content hash of its file, position in the file) when the loader's cache is used
        self.identity = identity
        self._load = load

    @property
    def project(self) -> EvaluatedProject:
        if self._project is None:
            self._project = self._load()
        return self._project

    @project.setter
    def project(self, value: EvaluatedProject) -> None:
        self._project = value

    def __repr__(self) -> str:
        return f"LoadedProject({self.output_stem!r}, {self.source}:{self.line})"


@dataclass
class Origin:
    """Where a block was written, so that later findings about it can name file and line."""

    source: SourceFile
    prefix: tuple


#: The fields of ``DataFile`` besides the blocks.
_EVERY_FILE = frozenset({"grade_bands", "custom_fields", "projects"})


@functools.lru_cache(maxsize=None)
def _data_file_model(registry: tuple) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for block in registry:
        fields[block.key] = (block.annotation() | None, Field(None, title=block.title,
                                                              description=block.description or None))
    fields["grade_bands"] = (GradeBands | None, Field(None, title="评价等级分档",
                                                       description="不写时用财预〔2020〕10号的默认分档"))
    fields["custom_fields"] = (list[CustomField] | None, Field(None, title="自定义字段",
                                                               description="评价对象可填写的其他字段"))
    fields["projects"] = (list[EvaluatedProject], Field(default_factory=list, title="评价对象",
                                                        description="评价对象列表，每项以“- ”开头；也可每个项目一个文件"))
    return create_model("DataFile", __config__=ConfigDict(extra="forbid", title="数据文件"), **fields)


def data_blocks() -> list:
    """Every block a data file may hold, in the registry's order: each family's declaring
    block followed by its supporting blocks (:mod:`docgen.families`)."""
    from docgen import families

    return [b for spec in families.FAMILIES for b in (spec.block, *spec.supporting)]


def data_file_model(keys: Iterable[str] | None = None) -> type[BaseModel]:
    """``DataFile``: a YAML file with document blocks and/or ``projects:``; a folder of them is
    a data set. Its fields are the registered families' blocks, ``grade_bands`` and ``projects``.

    ``keys``: the keys one file holds. When each is a field, the model has only those blocks
    (and the fields every file may hold), and validates that file as the whole model does:
    a file of the publisher's block then does not import and build the final accounts'
    models (~40 ms of a build that reads two files). A file with any other key gets the
    whole model: its message suggests the field meant."""
    blocks = tuple(data_blocks())
    if keys is not None:
        wanted = set(keys)
        if wanted <= {b.key for b in blocks} | _EVERY_FILE:
            return _data_file_model(tuple(b for b in blocks if b.key in wanted))
    return _data_file_model(blocks)


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
    #: the charts packet.yaml's ``charts:`` switches on (:class:`~docgen.models.ChartKind`, in
    #: its order), for the families that print them; none when the data is read without a packet
    charts: tuple = ()

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

    def shared_key(self) -> str:
        """A hash of everything but the projects (blocks, grade bands, custom fields): with a
        project's own data, all that a per-project document is made from."""
        from pydantic_core import to_json

        return hash_parts("blocks", to_json({k: v for k, v in sorted(self.blocks.items()) if v is not None}),
                          self.grade_bands.model_dump_json(), to_json(self.custom_fields))

    def report_findings(self, block: str, findings: list[Finding]) -> None:
        origin = self.origins[block]
        add_findings(origin.source, origin.prefix + (block,), findings, self.diagnostics)

    def report_project_findings(self, project: LoadedProject, findings: list[Finding]) -> None:
        if project.origin is not None:
            add_findings(project.origin.source, project.origin.prefix, findings, self.diagnostics)

    def report_missing_block(self, block: str, message: str) -> None:
        self.diagnostics.add(Diagnostic(self.first_input, None, (block,), message))


def _interpret(project: EvaluatedProject, raw: Any) -> tuple[EvaluatedProject, list[Finding]]:
    """Normalise what the user wrote in a looser form; each interpretation is a warning."""
    findings: list[Finding] = []
    if isinstance(raw, dict):
        changes, findings = list_slips(raw, {f: getattr(project, f) for f in LISTS})
        if changes:
            project = project.model_copy(update=changes)
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


#: From this many files the loader's cache is read all at once, not file by file.
BULK_FROM = 32


def load_dataset(paths: list[Path], cache: "InputCache | None" = None) -> DataSet:
    """Read every YAML file under ``paths`` into one data set; all problems are collected.

    With ``cache`` (a build's, :mod:`docgen.input.cache`) a file whose bytes are unchanged is
    not parsed again: its own diagnostics are replayed from the cache with their lines, its
    projects are validated again only when asked for, and what the rules found in a project
    is reused while the data set's shared parts (grade bands, custom fields) are unchanged."""
    from docgen import families

    result = DataSet(first_input=shown_path(paths[0]) if paths else "")
    diags = result.diagnostics
    files = yaml_files(paths, diags)
    if cache is not None and len(files) > BULK_FROM:
        cache.read_in_bulk()
    if not files:
        diags.add(Diagnostic(", ".join(map(str, paths)), None, (), "没有找到YAML文件（.yaml或.yml）"))
    pending: list[tuple[SourceFile, ItemRead, tuple | None]] = []
    block_keys = [b.key for b in data_blocks()] + ["grade_bands", "custom_fields"]

    for path in files:
        read, source, sha = read_source(path, shown_path(path), cache, _check_blocks, _check_item)
        diags.extend(read.diagnostics)
        result.unreadable |= read.unreadable
        if read.blocks_raw is not None:
            blocks = read.blocks if read.blocks is not None else \
                data_file_model(read.blocks_raw).model_validate(read.blocks_raw)
            for block in block_keys:
                value = getattr(blocks, block, None)
                if value is None:
                    continue
                if block in result.origins:
                    first = result.origins[block].source
                    diags.add(source.diagnostic((block,), f"“{block}”只能写一份，{first.shown}中已有"))
                    continue
                setattr(result, block, value)
                result.origins[block] = Origin(source, ())
        pending += [(source, item, (sha, pos) if sha else None)
                    for pos, item in enumerate(read.items) if item.stem is not None]

    declared = [families.get(name) for name in result.families]
    each = [spec for spec in declared if spec.check_each]
    shared = _shared_checks_key(result, each) if cache is not None else ""
    stems: dict[str, LoadedProject] = {}
    for source, item, identity in pending:
        loaded = LoadedProject(item.project, source.shown, item.line, item.stem, Origin(source, item.prefix),
                               identity, _loader(cache, source, item.prefix, identity, result.custom_fields))
        key = hash_parts("findings", *identity, shared) if identity else None
        found = cache.derived(key) if key else None
        if found is None:
            untyped = item.project if item.project is not None else _untyped(cache, source, item.prefix, identity)
            loaded.project, problems = _typed(untyped, result.custom_fields)
            findings = problems + check_project(loaded.project, result.grade_bands)
            for spec in each:
                findings += spec.check_one(loaded, result)
            if key:
                cache.derive(key, [[list(f.loc), f.message, f.severity.name] for f in findings])
        else:
            findings = [Finding(tuple(loc), message, Severity[severity]) for loc, message, severity in found]
        add_findings(source, item.prefix, findings, diags)
        stem = loaded.output_stem
        if stem.casefold() in stems:  # Windows and macOS do not tell A.pdf from a.pdf
            other = stems[stem.casefold()]
            same = (f"与{other.source}:{other.line}重复" if other.output_stem == stem else
                    f"与{other.source}:{other.line}的“{other.output_stem}”重复（不区分大小写）")
            diags.add(source.diagnostic(item.prefix + ("id",) if item.has_id else item.prefix,
                      f"输出文件名“{stem}”{same}，请填写不同的id"))
            continue
        stems[stem.casefold()] = loaded
        result.projects.append(loaded)

    if files and not declared and not result.unreadable:
        needs = "，".join(f"{spec.title}需要{spec.block.key}" for spec in families.FAMILIES)
        diags.add(Diagnostic(result.first_input, None, (), f"没有找到文档信息：{needs}"))
    if files and not pending and any(spec.uses_projects for spec in declared) and not diags.errors:
        diags.add(Diagnostic(result.first_input, None, ("projects",), "没有评价对象（projects）"))
    for spec in declared:
        spec.run_checks(result)
    return result


def _check_blocks(source: SourceFile, data: dict, diags: Diagnostics) -> Any:
    return validate_model(data_file_model(data if isinstance(data, dict) else None), source, data, (), diags)


def _check_item(source: SourceFile, prefix: tuple, item: Any, diags: Diagnostics) -> EvaluatedProject | None:
    """One project of a file validated, its looser forms interpreted (each a warning)."""
    project = validate_model(EvaluatedProject, source, item, prefix, diags)
    if project is None:
        return None
    project, notes = _interpret(project, item)
    add_findings(source, prefix, notes, diags)
    return project


def _untyped(cache, source: SourceFile, prefix: tuple, identity: tuple) -> EvaluatedProject:
    """A cached project validated again from its data as written (it validated before)."""
    raw = decode(cache.item(*identity))
    project = validate_model(EvaluatedProject, source, raw, prefix)
    if project is None:  # the cache no longer fits the models: never for one docgen version
        raise ValueError(f"{source.shown}: 缓存的数据无法读入，请用 --force 重新生成")
    return _interpret(project, raw)[0]


def _typed(project: EvaluatedProject, declared: list[CustomField]) -> tuple[EvaluatedProject, list[Finding]]:
    """The project with its custom fields converted by their declarations, and what is wrong."""
    if project.fields or any(f.required for f in declared):
        typed, problems = typed_fields(project.fields, declared)
        return project.model_copy(update={"fields": typed}), problems
    return project, []


def _loader(cache, source: SourceFile, prefix: tuple, identity: tuple | None, declared: list[CustomField]):
    if identity is None:
        return None
    return lambda: _typed(_untyped(cache, source, prefix, identity), declared)[0]


def _shared_checks_key(data: DataSet, each: list) -> str:
    """What the rules' findings about one project depend on besides the project itself."""
    return hash_parts("shared", data.grade_bands.model_dump_json(),
                      *[f.model_dump_json() for f in data.custom_fields], *[spec.name for spec in each])


def hash_parts(*parts: Any) -> str:
    import hashlib

    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()
