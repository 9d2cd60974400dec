"""The packet file (``packet.yaml``): which documents ``docgen build`` produces from which data.

A packet is what a finance office publishes for one year: e.g. a result sheet for every
project, the ranked report, the results summary, the detail table. Paths are relative to
the packet file; they are resolved and checked by :mod:`docgen.build.spec`, not here (no I/O).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from docgen import families
from docgen.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS
from docgen.models.layout import TableColumn
from docgen.models.report import ChartKind
from docgen.models.values import DateValue, output_name_problem

#: The name of a folder's packet file: the loader never reads it as data.
PACKET_FILE_NAMES = ("packet.yaml", "packet.yml")
DEFAULT_COMBINED = "packet.pdf"


class OutputFormat(str, Enum):
    DOCX = "docx"
    PDF = "pdf"


class PdfVariant(str, Enum):
    """``pdf_variant``: the PDF standard each document's PDF follows (WeasyPrint writes it)."""

    PDF_A_2B = "pdf/a-2b"  # archival (ISO 19005-2, level B): fonts embedded, XMP metadata, sRGB output intent
    PDF_A_3B = "pdf/a-3b"  # the same, attachments allowed (ISO 19005-3)
    PDF_UA_1 = "pdf/ua-1"  # accessible (ISO 14289-1): tagged structure, document language, title shown


_FORMAT_NAMES = [f.value for f in OutputFormat]
#: What an editor's schema check accepts: every spelling the validators below normalise.
_INPUTS_SCHEMA = {"anyOf": [{"type": "array", "items": {"type": "string"}, "minItems": 1}, {"type": "string"}]}
_DOCUMENTS_SCHEMA = {"anyOf": [{"type": "array", "items": {"enum": families.names()}},
                               {"const": "all"}, {"type": "null"}]}
_FORMATS_SCHEMA = {"anyOf": [{"type": "array", "items": {"enum": _FORMAT_NAMES}, "minItems": 1},
                             {"enum": [*_FORMAT_NAMES, "all"]}]}
_CHART_NAMES = [c.value for c in ChartKind]
_CHARTS_SCHEMA = {"anyOf": [{"type": "array", "items": {"enum": _CHART_NAMES}}, {"enum": _CHART_NAMES}]}
_COMBINED_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^[^/\\.][^/\\]*\.[pP][dD][fF]$"},
                              {"type": "boolean"}, {"type": "null"}]}


class Limits(BaseModel):
    """``limits:`` of packet.yaml (:class:`docgen.limits.RenderLimits`, whose defaults it shows)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="生成限制")

    seconds: float = Field(DEFAULT_SECONDS, ge=0, le=86400, title="每份文档的时间上限（秒）", description="0表示不限")
    memory_mb: int = Field(DEFAULT_MEMORY_MB, ge=0, le=1024 * 1024, title="每份文档的内存上限（MB）",
                           description="0表示不限")


def _as_list(value: Any) -> Any:
    """``docx`` → ``[docx]``: a single name may be written without a list."""
    return [value] if isinstance(value, str) else value


class Packet(BaseModel):
    """``packet.yaml``: the documents of one publication, built by ``docgen build``."""

    model_config = ConfigDict(extra="forbid", title="公开包")

    title: str = Field(title="公开包标题", description="合并PDF目录页的标题", min_length=1)
    date: DateValue | None = Field(
        None, title="发布日期",
        description="写入DOCX和PDF的文档日期；不写时用环境变量SOURCE_DATE_EPOCH，再没有则不写日期")
    inputs: Annotated[list[str], WithJsonSchema(_INPUTS_SCHEMA)] = Field(default_factory=lambda: ["."], title="输入",
                              description="数据文件或目录，相对于packet.yaml", min_length=1)
    documents: Annotated[list[str] | None, WithJsonSchema(_DOCUMENTS_SCHEMA)] = Field(
        None, title="文档类型",
        description="例如[result-sheet, detail-table]；all或不写：数据中声明的全部类型")
    formats: Annotated[list[OutputFormat], WithJsonSchema(_FORMATS_SCHEMA)] = Field(
        default_factory=lambda: [OutputFormat.DOCX, OutputFormat.PDF], title="输出格式",
        description="docx、pdf，或all（两种都要）", min_length=1)
    templates: str | None = Field(None, title="模板目录", description="相对于packet.yaml；不写时用内置模板")
    allow_errors: bool = Field(
        False, title="有错误时生成草稿",
        description="数据有错误时，内容完整的文档仍生成并标注“草稿”（同docgen render --allow-errors）")
    duplex: bool = Field(
        True, title="双面打印",
        description="合并PDF按双面打印编排：每份文档从右页（奇数页码）开始，需要时前面加空白页；false：不加空白页")
    limits: Limits = Field(
        default_factory=Limits, title="生成限制",
        description="每份文档生成的时间和内存上限，超过时该文档报错、其他文档照常生成")
    columns: dict[str, list[TableColumn]] | None = Field(
        None, title="表格的列",
        description="按文档类型声明表格各列（summary-report、results-summary、detail-table），"
                    "数据中没有声明columns时使用，格式同数据块中的columns")
    pdf_variant: PdfVariant | None = Field(
        None, title="PDF标准",
        description="每份文档的PDF遵循的标准：pdf/a-2b（长期归档，PDF/A-2b）、pdf/a-3b、pdf/ua-1（无障碍）；"
                    "不写时为普通PDF。合并PDF不随之改变")
    charts: Annotated[list[ChartKind], WithJsonSchema(_CHARTS_SCHEMA)] = Field(
        default_factory=list, title="图表",
        description="绩效评价情况报告（summary-report）和结果情况说明（results-summary）中印出的图表：grades"
                    "（评价等级分布）、scores（评价得分分布），例如[grades, scores]；不写时不印图表。"
                    "图表的位置在数据块的chart中声明")
    combined: Annotated[str | None, WithJsonSchema(_COMBINED_SCHEMA)] = Field(
        DEFAULT_COMBINED, title="合并PDF",
        description="含目录和书签的整包PDF的文件名；false表示不生成")

    @field_validator("inputs", mode="before")
    @classmethod
    def _inputs(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, value: Any) -> Any:
        if value is None or value == "all" or value == ["all"]:
            return None
        return _as_list(value)

    @field_validator("formats", mode="before")
    @classmethod
    def _formats(cls, value: Any) -> Any:
        if value == "all" or value == ["all"]:
            return [OutputFormat.DOCX, OutputFormat.PDF]
        return _as_list(value)

    @field_validator("formats")
    @classmethod
    def _unique_formats(cls, value: list[OutputFormat]) -> list[OutputFormat]:
        return list(dict.fromkeys(value))

    @field_validator("charts", mode="before")
    @classmethod
    def _charts(cls, value: Any) -> Any:
        return [] if value is None else _as_list(value)

    @field_validator("charts")
    @classmethod
    def _unique_charts(cls, value: list[ChartKind]) -> list[ChartKind]:
        return list(dict.fromkeys(value))

    @field_validator("combined", mode="before")
    @classmethod
    def _combined(cls, value: Any) -> Any:
        if value is False or value is None:
            return None
        if value is True:
            return DEFAULT_COMBINED
        if isinstance(value, str):
            name = value.strip()
            if not name.lower().endswith(".pdf") or len(name) < 5 or "/" in name or "\\" in name or name[0] == ".":
                raise PydanticCustomError(
                    "packet_combined", "合并PDF的文件名应以.pdf结尾、不含目录，实际为“{value}”", {"value": value[:60]})
            problem = output_name_problem(name[:-4])
            if problem:
                raise PydanticCustomError("packet_combined", "合并PDF的" + problem)
            return name
        return value
