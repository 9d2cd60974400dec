"""The summary documents' own data: the 财政局 report, the results summary, the detail table.

The rows of all three are :class:`~docgen.models.project.EvaluatedProject`; these blocks hold
what the user writes around them (metadata and narrative), never a computed figure.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from docgen.models.layout import TableColumn
from docgen.models.project import TextList
from docgen.models.values import Amount, DateValue, IntValue, Unit


class Ordering(str, Enum):
    """Row order of a summary table (排序方式)."""

    RANK = "rank"  # 按得分从高到低排名，同分同名次
    GRADE_AGENCY = "grade-agency"  # 按等级（优、良、中、差）再按评价机构分组
    INPUT = "input"  # 保持输入顺序


class ChartKind(str, Enum):
    """A chart of the summaries (图表), switched on by packet.yaml's ``charts:``."""

    GRADES = "grades"  # 评价等级分布：各等级的项目数
    SCORES = "scores"  # 评价得分分布：各得分区间的项目数


class ReportChart(BaseModel):
    """Where the report prints its charts (the packet's ``charts:`` says which)."""

    model_config = ConfigDict(extra="forbid", title="图表位置")

    after_section: IntValue | None = Field(
        None, title="图表位于第几部分之后", ge=1,
        description="正文第几部分（sections的第几项）之后印图表，例如 `2`；与得分表在同一部分之后时印在得分表之后；"
                    "不写时紧接得分表")


class SummaryChart(BaseModel):
    """Where the results summary prints its charts (the packet's ``charts:`` says which)."""

    model_config = ConfigDict(extra="forbid", title="图表位置")

    after_paragraph: IntValue | None = Field(
        None, title="图表位于第几段之后", ge=1,
        description="情况说明第几段（paragraphs的第几项）之后印图表，例如 `1`；不写时在最后一段之后")


class DocumentNumber(BaseModel):
    """发文字号: ``朔开财预绩〔2024〕15号`` (year in 〔〕, no leading zeros)."""

    model_config = ConfigDict(extra="forbid", title="发文字号")

    prefix: str = Field(title="机关代字", description="例如“朔开财预绩”", min_length=1)
    year: IntValue = Field(title="年份", ge=1949, le=2200, description="发文字号中的年份，例如 `2024`，印作〔2024〕")
    serial: IntValue = Field(title="发文顺序号", ge=1, description="例如 `3`，印作“3号”（不编虚位）")

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


class TextSection(BaseModel):
    """A numbered section of a narrative: ``一、评价方式`` with paragraphs and （一） subsections."""

    model_config = ConfigDict(extra="forbid", title="正文部分")

    heading: str = Field(title="标题", description="不含“一、”“（一）”编号，编号自动生成", min_length=1)
    paragraphs: TextList = Field(default_factory=list, title="段落",
                                 description="每段一项，以“- ”开头；可用占位符，如{评价数}")
    subsections: list["TextSection"] = Field(default_factory=list, title="下级标题",
                                             description="同样写heading和paragraphs；编号（一）（二）自动生成")


class ScoreTable(BaseModel):
    """Where and how the ranked score table appears in the report."""

    model_config = ConfigDict(extra="forbid", title="得分表")

    title: str = Field(title="表题", min_length=1, description="得分表上方的表题，例如“2024年度绩效评价得分情况”")
    after_section: IntValue = Field(1, title="表格位于第几部分之后", ge=1,
                                    description="正文第几部分（sections的第几项）之后印得分表，例如 `2`")
    order: Ordering = Field(Ordering.RANK, title="排序方式", description="rank、grade-agency 或 input")
    columns: list[TableColumn] | None = Field(
        None, title="得分表的列", description="不写时用默认格式（排名、项目名称、中介机构评分、评价等级）")


class OfficialReport(BaseModel):
    """财政局文件: a summary report laid out per GB/T 9704-2012."""

    model_config = ConfigDict(extra="forbid", title="绩效评价情况报告（公文）")

    issuer_mark: str = Field(title="发文机关标志", description="例如“朔州经济开发区财政局文件”", min_length=1)
    document_number: DocumentNumber = Field(title="发文字号", description="机关代字、年份和顺序号，印作“朔开财预绩〔2024〕3号”")
    title: str = Field(title="标题", description="可用占位符，如{评价数}", min_length=1)
    addressee: str = Field(title="主送机关", min_length=1, description="例如“开发区管委会：”（冒号可不写）")
    preamble: TextList = Field(default_factory=list, title="开头段落", description="正文第一个标题之前的段落，每段一项")
    sections: list[TextSection] = Field(default_factory=list, title="正文各部分",
                                        description="每部分写heading（不写编号）和paragraphs；编号“一、”自动生成")
    score_table: ScoreTable = Field(title="得分表", description="按得分排名的表格：表题及位于第几部分之后")
    chart: ReportChart = Field(
        default_factory=ReportChart, title="图表位置",
        description="公开包（packet.yaml）用charts打开图表时，图表印在哪里，例如“after_section: 2”；不写时紧接得分表")
    signature: str = Field(title="署名（发文机关）", min_length=1, description="例如“朔州经济开发区财政局”")
    date: DateValue = Field(title="成文日期", description="例如 `2024-03-31` 或“2024年3月31日”，印作“2024年3月31日”")
    published: dict[str, Any] | None = Field(
        None, title="正文中手写的数字", description="正文直接写出的个数、金额和比率，与各行核对，例如"
        "“评价数:第一批: 3”“金额: 7300万元”“预算执行率: 90.29%”；不写时正文可用占位符")


class ResultsSummary(BaseModel):
    """绩效评价情况说明 with its attachment, the 汇总表."""

    model_config = ConfigDict(extra="forbid", title="绩效评价结果情况说明")

    title: str = Field(title="标题", min_length=1, description="例如“长治市上党区2022年度财政支出重点绩效评价结果情况说明”")
    paragraphs: TextList = Field(default_factory=list, title="正文段落", description="可用占位符，如{评价数}")
    attachment_title: str | None = Field(None, title="附件名称",
                                         description="例如“XX县2023年重点绩效评价项目结果汇总表”；印附件时必填")
    order: Ordering = Field(Ordering.GRADE_AGENCY, title="排序方式",
                            description="grade-agency：按等级、再按评价机构（默认）；rank：按得分排名；input：按填写顺序")
    published_total: Amount | None = Field(None, title="公布的项目支出合计", description="填写后与计算合计核对")
    published: dict[str, Any] | None = Field(
        None, title="正文中手写的数字", description="正文直接写出的个数、金额和比率，与各行核对，例如"
        "“评价数:第一批: 3”“金额: 7300万元”“预算执行率: 90.29%”；不写时正文可用占位符")
    attachment_table: bool = Field(True, title="印出附件汇总表", description="false：只印情况说明，不附汇总表")
    columns: list[TableColumn] | None = Field(
        None, title="汇总表的列", description="不写时用默认格式（序号、二级项目名称、单位、项目支出、评分结果、评分等级、评价机构）")
    chart: SummaryChart = Field(
        default_factory=SummaryChart, title="图表位置",
        description="公开包（packet.yaml）用charts打开图表时，图表印在哪里，例如“after_paragraph: 1”；不写时在最后一段之后")
    signature: str | None = Field(None, title="署名", description="情况说明末尾的署名，例如“上党区财政局”")
    date: DateValue | None = Field(None, title="日期", description="署名下的日期，例如 `2023-06-30`")


class DetailTable(BaseModel):
    """财政支出重点绩效评价项目明细表: one landscape table."""

    model_config = ConfigDict(extra="forbid", title="重点绩效评价项目明细表")

    title: str = Field(title="表题", min_length=1, description="例如“2022年度财政支出重点绩效评价项目明细表”")
    unit: Unit = Field(Unit.YUAN, title="金额单位", description="表中金额列的单位：元、万元或亿元")
    order: Ordering = Field(Ordering.INPUT, title="排序方式",
                            description="input：按填写顺序（默认）；rank：按得分排名；grade-agency：按等级和评价机构")
    columns: list[TableColumn] | None = Field(
        None, title="明细表的列", description="不写时用默认格式（序号、单位名称、项目名称、项目实施单位、项目实施情况、"
        "评价结果、项目存在的问题、建议和改进措施、备注）")
