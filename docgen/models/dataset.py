"""What one input file may hold: document blocks and/or a list of evaluated projects."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from docgen.models.accounts import Accounts, Department, Explanations, SelfEvaluation
from docgen.models.project import EvaluatedProject, GradeBands, Publisher
from docgen.models.report import DetailTable, OfficialReport, ResultsSummary

#: The document blocks of a data set, each at most once: key → (model, the family it declares).
BLOCKS = {
    "publisher": "result-sheet",
    "report": "summary-report",
    "results_summary": "results-summary",
    "detail_table": "detail-table",
    "department": "final-accounts",
}

#: Blocks that configure or feed a family without declaring one, each at most once.
SUPPORTING_BLOCKS = ("grade_bands", "accounts", "explanations", "self_evaluations")


class DataFile(BaseModel):
    """A YAML file with document blocks and/or ``projects:``; a folder of them is a data set."""

    model_config = ConfigDict(extra="forbid", title="数据文件")

    publisher: Publisher | None = Field(None, title="发布机关（结果表）")
    report: OfficialReport | None = Field(None, title="绩效评价情况报告（公文）")
    results_summary: ResultsSummary | None = Field(None, title="绩效评价结果情况说明及汇总表")
    detail_table: DetailTable | None = Field(None, title="重点绩效评价项目明细表")
    department: Department | None = Field(None, title="部门概况（部门决算公开）")
    accounts: Accounts | None = Field(None, title="部门决算表")
    explanations: Explanations | None = Field(None, title="情况说明所需数据")
    self_evaluations: list[SelfEvaluation] | None = Field(None, title="项目支出绩效自评表")
    grade_bands: GradeBands | None = Field(None, title="评价等级分档", description="不写时用财预〔2020〕10号的默认分档")
    projects: list[EvaluatedProject] = Field(default_factory=list, title="评价对象")
