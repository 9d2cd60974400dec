"""The family registry (文档类型): every document family docgen renders, declared once.

Everything else derives from :data:`FAMILIES`: the CLI's choices (:func:`family_enum`), the
data file's blocks (:func:`docgen.input.data_file_model`), the loader's checks, the schema and
skeleton kinds (:data:`FILE_KINDS`), the template linter, the workers' warm-up and the test
fixtures.

Adding a family means one :class:`FamilySpec` line here, its model (the block it reads), its
context module (a document tree type, ``documents(data)`` and optionally ``check(data)``), its
templates ``<name>.html`` and ``<name>.docx``, and its tests. Nothing else lists families.

Specs name their Python objects as ``"module:attribute"`` strings, resolved on first use, so
that reading the registry imports neither pydantic nor the renderers (a build with nothing to
do stays fast).
"""

from __future__ import annotations

import enum
import functools
import importlib
from dataclasses import dataclass
from typing import Any, Callable


def resolve(reference: str) -> Any:
    """``"docgen.contexts.result_sheet:ResultSheet"`` → the object."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Block:
    """A top-level key of a data file (``publisher:``, ``accounts:``) and the model it holds."""

    key: str
    model: str  # "module:Class" of the pydantic model (``list[...]`` when ``many``)
    title: str  # the field's title in the JSON schema and in messages
    many: bool = False  # a list of ``model``
    description: str = ""  # what an editor shows for the key (Chinese, with what it makes)

    def annotation(self) -> Any:
        model = resolve(self.model)
        return list[model] if self.many else model


@dataclass(frozen=True)
class FamilySpec:
    """One document family: what declares it in the data, what its templates receive and how
    the data turns into its documents.

    ``documents`` is ``"module:function"`` of ``(DataSet) -> list[Document]`` (one document
    per result sheet, one per data set for a summary); ``check`` of ``(DataSet) -> None``,
    which reports the family's consistency findings through the data set. Templates are
    ``<name>.html`` and ``<name>.docx`` of the template set; their document tree is the
    variable ``root`` of type ``context``.
    """

    name: str  # the CLI's and the packet's name, and the templates' file stem
    title: str  # 中文名称
    block: Block  # the block whose presence declares the family
    root: str  # the template variable holding the document tree
    context: str  # "module:Class" of the document tree
    documents: str  # "module:function": DataSet → list[Document]
    file_kind: str  # the ``docgen init`` / ``docgen schema`` kind that holds the block
    check: str | None = None  # "module:function": DataSet → None (reports findings)
    supporting: tuple[Block, ...] = ()  # blocks that feed the family without declaring it
    uses_projects: bool = True  # reads ``projects:`` (a data set without any is an error)
    #: where the block declares its table's columns (a dotted path in the block), if it has a
    #: table whose layout is data (issue 15); packet.yaml's ``columns:`` fills it in
    columns: str | None = None
    #: "module:function" of ``(LoadedProject, DataSet) -> Document``, for a family with one
    #: document per project made from that project and the data set's blocks alone: a build
    #: then keeps each document's slice by its project and those blocks (issue 16), and only
    #: the documents of changed projects are made again
    document_each: str | None = None
    #: "module:function" of ``(LoadedProject, DataSet) -> list[Finding]``: the family's
    #: checks of one project (kept by the loader's cache with the project, as ``document_each``)
    check_each: str | None = None

    @property
    def member(self) -> str:
        """The enum member name: ``result-sheet`` → ``RESULT_SHEET``."""
        return self.name.upper().replace("-", "_")

    def plan(self, data) -> list:
        return resolve(self.documents)(data)

    def run_checks(self, data) -> None:
        """The family's checks of the whole data set (``check_each`` runs in the loader)."""
        if self.check:
            resolve(self.check)(data)

    def check_one(self, project, data) -> list:
        return resolve(self.check_each)(project, data) if self.check_each else []

    def document_of(self, project, data):
        return resolve(self.document_each)(project, data)

    def context_type(self) -> type:
        return resolve(self.context)


#: ``docgen init`` / ``docgen schema`` kinds of data file: name → title. Each holds the blocks of
#: the families that name it, their supporting blocks, ``grade_bands`` and (when a family uses
#: them) ``projects``. ``project`` and ``packet`` are kinds of their own (one project, a packet).
FILE_KINDS: dict[str, str] = {
    "batch": "评价对象清单（结果表：发布机关和评价对象列表）",
    "report": "汇总文档（公文报告、结果情况说明、明细表）",
    "accounts": "部门决算公开",
}

FAMILIES: list[FamilySpec] = [
    FamilySpec("result-sheet", "重大政策和重点项目预算绩效评价结果",
               Block("publisher", "docgen.models.project:Publisher", "发布机关（结果表）",
                     description="结果表页首的地区和标题，一批结果表共用；写了它，每个评价对象生成一张结果表"),
               "sheet", "docgen.contexts.result_sheet:ResultSheet", "docgen.contexts.result_sheet:documents",
               "batch", document_each="docgen.contexts.result_sheet:document",
               check_each="docgen.contexts.result_sheet:check_one"),
    FamilySpec("summary-report", "财政支出绩效评价情况报告（公文）",
               Block("report", "docgen.models.report:OfficialReport", "绩效评价情况报告（公文）",
                     description="财政局的绩效评价情况报告：红头、发文字号、正文各部分和按得分排名的得分表（GB/T 9704）"),
               "report", "docgen.contexts.summary_report:SummaryReport", "docgen.contexts.summary_report:documents",
               "report", check="docgen.contexts.summary_report:check", columns="score_table.columns"),
    FamilySpec("results-summary", "绩效评价结果情况说明及汇总表",
               Block("results_summary", "docgen.models.report:ResultsSummary", "绩效评价结果情况说明及汇总表",
                     description="结果情况说明（可用占位符{评价数}等）及附件汇总表，汇总本数据集的全部评价对象"),
               "summary", "docgen.contexts.results_summary:ResultsSummaryDoc",
               "docgen.contexts.results_summary:documents", "report",
               check="docgen.contexts.results_summary:check", columns="columns"),
    FamilySpec("detail-table", "财政支出重点绩效评价项目明细表",
               Block("detail_table", "docgen.models.report:DetailTable", "重点绩效评价项目明细表",
                     description="重点绩效评价项目的明细表：每个评价对象一行，含主要问题和整改建议"),
               "table", "docgen.contexts.detail_table:DetailTableDoc", "docgen.contexts.detail_table:documents",
               "report", check="docgen.contexts.detail_table:check", columns="columns"),
    FamilySpec("final-accounts", "部门决算公开",
               Block("department", "docgen.models.accounts:Department", "部门概况（部门决算公开）",
                     description="部门决算公开的第一部分：部门名称、职能、机构设置；写了它即生成部门决算公开"),
               "accounts", "docgen.contexts.final_accounts:FinalAccounts",
               "docgen.contexts.final_accounts:documents", "accounts",
               check="docgen.contexts.final_accounts:check",
               supporting=(Block("accounts", "docgen.models.accounts:Accounts", "部门决算表",
                                 description="部门决算公开的公开01至10表（金额单位见unit）"),
                           Block("explanations", "docgen.models.accounts:Explanations", "情况说明所需数据",
                                 description="部门决算情况说明中需要的数字和文字（上年数、原因说明等）"),
                           Block("self_evaluations", "docgen.models.accounts:SelfEvaluation", "项目支出绩效自评表",
                                 many=True, description="附件：每个项目一张自评表（资金、年度目标、绩效指标），每项以“- ”开头")),
               uses_projects=False),
]

#: Variables every template receives besides its document tree.
COMMON_CONTEXT: dict[str, type] = {"draft": bool}


def names() -> list[str]:
    return [spec.name for spec in FAMILIES]


def get(name: str) -> FamilySpec:
    """The spec of ``name``; KeyError for a family that is not registered."""
    for spec in FAMILIES:
        if spec.name == name:
            return spec
    raise KeyError(name)


def by_block() -> dict[str, FamilySpec]:
    """Declaring block key → family."""
    return {spec.block.key: spec for spec in FAMILIES}


def supporting_blocks() -> list[Block]:
    return [block for spec in FAMILIES for block in spec.supporting]


def register(spec: FamilySpec) -> Callable[[], None]:
    """Add a family at run time (tests, extensions); returns the function that removes it."""
    if spec.name in names():
        raise ValueError(f"family {spec.name!r} is registered already")
    FAMILIES.append(spec)
    _caches_clear()

    def unregister() -> None:
        FAMILIES.remove(spec)
        _caches_clear()

    return unregister


_CACHED: list[Any] = []


def cached(function):
    """A function of the registry's content, recomputed after :func:`register`."""
    wrapped = functools.lru_cache(maxsize=None)(function)
    _CACHED.append(wrapped)
    return wrapped


def _caches_clear() -> None:
    for function in _CACHED:
        function.cache_clear()


@cached
def family_enum() -> type[enum.Enum]:
    """``Family``: the registered families as a ``str`` enum (typer shows its values as choices)."""
    return enum.Enum("Family", {spec.member: spec.name for spec in FAMILIES}, type=str, module=__name__)


@dataclass
class Document:
    """One document to produce: its file stem and the variables its templates receive."""

    stem: str
    context: dict
