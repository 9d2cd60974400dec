"""部门决算公开: a department's final accounts, the inputs of its 情况说明, its 自评表.

Users enter the 项 (7-digit) lines of the 功能分类 tables; 款, 类 and 合计 lines are
computed. When a user enters one of them too (or any other total marked 公布数), the entered
figure is the published one: the documents print it as entered, and docgen.rules.accounts
checks it against the computed one (尾数 differences are warnings). Every other figure the
disclosure prints is either entered here once or derived in docgen.rules.accounts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from docgen.models.project import TextList
from docgen.models.values import Count, DecimalValue, IntValue, NonNegativeDecimal, Unit

#: An amount that may be below zero: a 结转和结余 or 结余分配 (a deficit), a 支出 line reduced
#: by money recovered from earlier years (冲减), a year-on-year base.
Money = DecimalValue
#: An amount that cannot is a NonNegativeDecimal: income, a 合计/总计, “三公”经费, procurement,
#: a budget or its execution.

_FUNCTION_CODE = re.compile(r"^\d{3}(\d{2}(\d{2})?)?$")
_ECONOMIC_CODE = re.compile(r"^\d{3}(\d{2})?$")


def _code(pattern: re.Pattern, what: str):
    def check(value: object) -> str:
        text = str(value).strip()
        if not pattern.match(text):
            raise PydanticCustomError("code_format", f"{what}应为{{digits}}位数字，实际为“{{value}}”",
                                      {"digits": "3、5或7" if pattern is _FUNCTION_CODE else "3或5", "value": text})
        return text
    return check


def _describe(schema: dict, cls: type) -> None:
    """What an editor shows for each figure of the disclosure: which table or part it belongs
    to (the class's ``where``), what kind of value it is and how it is written, with an
    example. A field's own description, where it has one, is kept."""
    import typing

    for name, prop in schema.get("properties", {}).items():
        if "description" in prop:
            continue
        info = cls.model_fields[name]
        title = info.title or name
        hint = info.annotation
        args = typing.get_args(hint)
        kinds = {a for a in (hint, *args) if a is not type(None)}
        origin = typing.get_origin(hint)
        text = repr(hint)
        if origin is dict or dict in kinds:
            how = "按类写，键为功能分类“类”的名称，例如 `一般公共服务支出: 123.45`"
        elif origin is list or "list[" in text:
            how = "每项以“- ”开头"
        elif hint is bool:
            how = "true或false"
        elif "Decimal" in text:
            how = f"金额{cls.unit_note}，例如 `1234.56`；可写千分位（1,234.56）和全角数字"
        elif "int" in text:
            how = "整数，例如 `3`"
        elif "str" in text:
            how = "照印的文字"
        else:
            how = "见其中各项"
        prop["description"] = f"{cls.where}的“{title}”：{how}" if cls.where else f"“{title}”：{how}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, json_schema_extra=_describe)
    #: the table or part of the disclosure the fields belong to (in each field's description)
    where: ClassVar[str] = ""
    unit_note: ClassVar[str] = "（单位见accounts的unit，默认万元）"


class IncomeColumns(_Strict):
    """收入决算表 (公开02表) columns."""

    where = "收入决算表（公开02表）"

    total: NonNegativeDecimal | None = Field(None, title="本年收入合计")
    fiscal: NonNegativeDecimal | None = Field(None, title="财政拨款收入")
    superior: NonNegativeDecimal | None = Field(None, title="上级补助收入")
    business: NonNegativeDecimal | None = Field(None, title="事业收入")
    operating: NonNegativeDecimal | None = Field(None, title="经营收入")
    affiliated: NonNegativeDecimal | None = Field(None, title="附属单位上缴收入")
    other: NonNegativeDecimal | None = Field(None, title="其他收入")


class ExpenditureColumns(_Strict):
    """支出决算表 (公开03表) columns."""

    where = "支出决算表（公开03表）"

    total: NonNegativeDecimal | None = Field(None, title="本年支出合计")
    basic: Money | None = Field(None, title="基本支出")
    project: Money | None = Field(None, title="项目支出")
    remit: Money | None = Field(None, title="上缴上级支出")
    operating: Money | None = Field(None, title="经营支出")
    subsidy: Money | None = Field(None, title="对附属单位补助支出")


class BudgetColumns(_Strict):
    """一般公共预算财政拨款支出决算表 (公开05表) and 国有资本经营预算 (公开08表) columns."""

    where = "一般公共预算财政拨款支出决算表（公开05表）"

    total: NonNegativeDecimal | None = Field(None, title="小计")
    basic: Money | None = Field(None, title="基本支出")
    project: Money | None = Field(None, title="项目支出")


class FunctionLine(_Strict):
    """A 功能分类科目 line: 类 (201), 款 (20103) or 项 (2010301)."""

    where = "功能分类科目的一行（项为7位代码，类、款由docgen合计）"

    code: Annotated[str, Field(title="科目代码")]
    name: str = Field(title="科目名称", min_length=1)
    income: IncomeColumns | None = Field(None, title="收入决算表")
    expenditure: ExpenditureColumns | None = Field(None, title="支出决算表")
    general_budget: BudgetColumns | None = Field(None, title="一般公共预算财政拨款支出决算表")

    _check_code = field_validator("code", mode="before")(_code(_FUNCTION_CODE, "功能分类科目代码"))

    @property
    def level(self) -> int:
        """1 类, 2 款, 3 项."""
        return {3: 1, 5: 2, 7: 3}[len(self.code)]


class PrintedTotals(_Strict):
    """合计行: 照印的公布数，与计算的合计核对."""

    where = "合计行（公布数，照印并与计算的合计核对）"

    income: IncomeColumns | None = Field(None, title="收入决算表合计行")
    expenditure: ExpenditureColumns | None = Field(None, title="支出决算表合计行")
    general_budget: BudgetColumns | None = Field(None, title="一般公共预算财政拨款支出决算表合计行")


class FundSplit(_Strict):
    """财政拨款 by fund: 一般公共预算 / 政府性基金预算 / 国有资本经营预算."""

    where = "财政拨款收入支出决算总表（公开04表）"

    general_budget: NonNegativeDecimal | None = Field(None, title="一般公共预算财政拨款")
    government_fund: NonNegativeDecimal | None = Field(None, title="政府性基金预算财政拨款")
    state_capital: NonNegativeDecimal | None = Field(None, title="国有资本经营预算财政拨款")


class FundColumns(FundSplit):
    total: NonNegativeDecimal | None = Field(None, title="合计")


class SummaryIncome(FundSplit):
    superior: NonNegativeDecimal | None = Field(None, title="上级补助收入")
    business: NonNegativeDecimal | None = Field(None, title="事业收入")
    operating: NonNegativeDecimal | None = Field(None, title="经营收入")
    affiliated: NonNegativeDecimal | None = Field(None, title="附属单位上缴收入")
    other: NonNegativeDecimal | None = Field(None, title="其他收入")


class AccountsSummary(_Strict):
    """收入支出决算总表 (公开01表): entered figures and the printed totals to check."""

    where = "收入支出决算总表（公开01表）"

    income: SummaryIncome = Field(default_factory=SummaryIncome, title="本年收入")
    income_total: NonNegativeDecimal | None = Field(None, title="本年收入合计（公布数）")
    unused_non_fiscal_balance: Money | None = Field(None, title="使用非财政拨款结余和专用结余")
    opening_balance: Money | None = Field(None, title="年初结转和结余")
    grand_income: NonNegativeDecimal | None = Field(None, title="收入总计（公布数）")
    expenditure_categories: dict[str, Money] = Field(default_factory=dict, title="各类支出（公布数）")
    expenditure_total: NonNegativeDecimal | None = Field(None, title="本年支出合计（公布数）")
    surplus_distribution: Money | None = Field(None, title="结余分配")
    closing_balance: Money | None = Field(None, title="年末结转和结余")
    grand_expenditure: NonNegativeDecimal | None = Field(None, title="支出总计（公布数）")


class FiscalSummary(_Strict):
    """财政拨款收入支出决算总表 (公开04表)."""

    where = "财政拨款收入支出决算总表（公开04表）"

    income: FundSplit = Field(default_factory=FundSplit, title="本年收入")
    income_total: NonNegativeDecimal | None = Field(None, title="本年收入合计（公布数）")
    opening_balance: FundSplit = Field(default_factory=FundSplit, title="年初财政拨款结转和结余")
    grand_income: NonNegativeDecimal | None = Field(None, title="收入总计（公布数）")
    expenditure_categories: dict[str, FundColumns] = Field(default_factory=dict, title="各类支出（公布数）")
    expenditure_total: FundColumns | None = Field(None, title="本年支出合计（公布数）")
    closing_balance: FundSplit = Field(default_factory=FundSplit, title="年末财政拨款结转和结余")
    grand_expenditure: FundColumns | None = Field(None, title="支出总计（公布数）")


class EconomicLine(_Strict):
    """经济分类科目 line of 公开06表: 301 (类) or 30101 (款)."""

    where = "一般公共预算财政拨款基本支出决算表（公开06表）的一行"

    code: str = Field(title="经济分类科目代码")
    name: str = Field(title="科目名称", min_length=1)
    amount: Money | None = Field(None, title="决算数")
    not_applicable: bool = Field(False, title="不适用（印“———”）")

    _check_code = field_validator("code", mode="before")(_code(_ECONOMIC_CODE, "经济分类科目代码"))


class EconomicPrinted(_Strict):
    """公开06表的人员经费、公用经费合计（公布数）."""

    where = "一般公共预算财政拨款基本支出决算表（公开06表）"

    personnel: NonNegativeDecimal | None = Field(None, title="人员经费合计（公布数）")
    public: NonNegativeDecimal | None = Field(None, title="公用经费合计（公布数）")


class GovernmentFundLine(_Strict):
    """政府性基金预算财政拨款收入支出决算表 (公开07表) line."""

    where = "政府性基金预算财政拨款收入支出决算表（公开07表）的一行"

    code: str = Field(title="科目代码")
    name: str = Field(title="科目名称")
    opening: Money | None = Field(None, title="年初结转和结余")
    income: Money | None = Field(None, title="本年收入")
    basic: Money | None = Field(None, title="基本支出")
    project: Money | None = Field(None, title="项目支出")
    closing: Money | None = Field(None, title="年末结转和结余")

    _check_code = field_validator("code", mode="before")(_code(_FUNCTION_CODE, "功能分类科目代码"))


class StateCapitalLine(_Strict):
    """国有资本经营预算财政拨款支出决算表 (公开08表) line."""

    where = "国有资本经营预算财政拨款支出决算表（公开08表）的一行"

    code: str = Field(title="科目代码")
    name: str = Field(title="科目名称")
    basic: Money | None = Field(None, title="基本支出")
    project: Money | None = Field(None, title="项目支出")

    _check_code = field_validator("code", mode="before")(_code(_FUNCTION_CODE, "功能分类科目代码"))


class ThreePublicItems(_Strict):
    """“三公”经费 items."""

    where = "“三公”经费（公开09表）"

    overseas: NonNegativeDecimal | None = Field(None, title="因公出国（境）费")
    vehicle_purchase: NonNegativeDecimal | None = Field(None, title="公务用车购置费")
    vehicle_operation: NonNegativeDecimal | None = Field(None, title="公务用车运行维护费")
    reception: NonNegativeDecimal | None = Field(None, title="公务接待费")


class ThreePublic(_Strict):
    """“三公”经费支出决算表 (公开09表)."""

    where = "“三公”经费支出决算表（公开09表）"

    budget: ThreePublicItems = Field(default_factory=ThreePublicItems, title="预算数")
    actual: ThreePublicItems = Field(default_factory=ThreePublicItems, title="决算数")


class Procurement(_Strict):
    """公开10表: 政府采购."""

    where = "相关信息统计表（公开10表）政府采购"

    total: NonNegativeDecimal | None = Field(None, title="合计（公布数）")
    goods: NonNegativeDecimal | None = Field(None, title="货物")
    works: NonNegativeDecimal | None = Field(None, title="工程")
    services: NonNegativeDecimal | None = Field(None, title="服务")


class OperatingCosts(_Strict):
    """公开10表: 机关运行经费."""

    where = "相关信息统计表（公开10表）机关运行经费"

    administrative: NonNegativeDecimal | None = Field(None, title="行政单位")
    civil_service_managed: NonNegativeDecimal | None = Field(None, title="参照公务员法管理事业单位")


class Vehicles(_Strict):
    """公开10表: 车辆数."""

    where = "相关信息统计表（公开10表）车辆数"

    total: Count | None = Field(None, title="车辆数合计（公布数）")
    vice_ministerial: Count | None = Field(None, title="副部（省）级及以上领导用车")
    principal: Count | None = Field(None, title="主要负责人用车")
    confidential: Count | None = Field(None, title="机要通信用车")
    emergency: Count | None = Field(None, title="应急保障用车")
    law_enforcement: Count | None = Field(None, title="执法执勤用车")
    special: Count | None = Field(None, title="特种专业技术用车")
    retired_service: Count | None = Field(None, title="离退休干部服务用车")
    other: Count | None = Field(None, title="其他用车")


class Statistics(_Strict):
    """部门决算公开相关信息统计表 (公开10表)."""

    where = "相关信息统计表（公开10表）"

    procurement: Procurement = Field(default_factory=Procurement, title="政府采购情况")
    operating_costs: OperatingCosts = Field(default_factory=OperatingCosts, title="机关运行经费")
    vehicles: Vehicles = Field(default_factory=Vehicles, title="车辆")
    large_equipment: Count | None = Field(None, title="单价100万元（含）以上设备（不含车辆）")


class Accounts(_Strict):
    """第二部分: the ten tables' data."""

    where = "部门决算表"

    unit: Unit = Field(Unit.WAN, title="金额单位")
    functions: list[FunctionLine] = Field(default_factory=list, title="功能分类科目（公开02、03、05表）")
    printed_totals: PrintedTotals = Field(default_factory=PrintedTotals, title="合计行（公布数）")
    summary: AccountsSummary = Field(default_factory=AccountsSummary, title="收入支出决算总表")
    fiscal_summary: FiscalSummary = Field(default_factory=FiscalSummary, title="财政拨款收入支出决算总表")
    economic: list[EconomicLine] = Field(default_factory=list, title="基本支出经济分类（公开06表）")
    economic_printed: EconomicPrinted = Field(default_factory=EconomicPrinted, title="人员经费、公用经费合计（公布数）")
    government_fund: list[GovernmentFundLine] = Field(default_factory=list, title="政府性基金（公开07表）")
    state_capital: list[StateCapitalLine] = Field(default_factory=list, title="国有资本经营（公开08表）")
    three_public: ThreePublic = Field(default_factory=ThreePublic, title="“三公”经费（公开09表）")
    statistics: Statistics = Field(default_factory=Statistics, title="相关信息统计表（公开10表）")


class Department(_Strict):
    """第一部分 概况 and 第四部分 名词解释."""

    where = "第一部分 部门概况"

    name: str = Field(title="部门（单位）名称", min_length=1)
    year: IntValue = Field(title="决算年度", ge=1949, le=2200)
    duties: TextList = Field(default_factory=list, title="部门职责")
    organisation: TextList = Field(default_factory=list, title="机构设置情况")
    glossary: TextList = Field(default_factory=list, title="名词解释")


class PriorYear(_Strict):
    """上年决算数 (情况说明的同比)."""

    where = "情况说明（上年决算数，用于计算增减）"

    income_total: Money | None = Field(None, title="上年收入总计")
    expenditure_total: Money | None = Field(None, title="上年支出总计")
    fiscal_income_total: Money | None = Field(None, title="上年财政拨款收入总计")
    fiscal_expenditure_total: Money | None = Field(None, title="上年财政拨款支出总计")
    general_budget_expenditure: Money | None = Field(None, title="上年一般公共预算财政拨款支出")
    categories: dict[str, Money] = Field(default_factory=dict, title="上年各类决算数")
    operating_costs: NonNegativeDecimal | None = Field(None, title="上年机关运行经费")
    three_public: ThreePublicItems = Field(default_factory=ThreePublicItems, title="上年“三公”经费决算数")


class AnnualBudget(_Strict):
    """年初预算数 (情况说明)."""

    where = "情况说明（年初预算数，用于计算完成预算的比例）"

    general_budget_total: Money | None = Field(None, title="一般公共预算财政拨款支出年初预算")
    categories: dict[str, Money] = Field(default_factory=dict, title="各类年初预算")


class CategoryReason(_Strict):
    """一类支出的用途和增减原因."""

    where = "情况说明中该类支出"

    use: str | None = Field(None, title="主要用于")
    reason: str | None = Field(None, title="增减主要原因")


class Reasons(_Strict):
    """部门说明的原因和用途 (情况说明)."""

    where = "情况说明"

    totals: str | None = Field(None, title="收支总计增减原因")
    fiscal_totals: str | None = Field(None, title="财政拨款收支增减原因")
    general_budget: str | None = Field(None, title="一般公共预算财政拨款支出增减原因")
    categories: dict[str, CategoryReason] = Field(default_factory=dict, title="各类支出用途和增减原因")
    operating_costs: str | None = Field(None, title="机关运行经费增减原因")
    government_fund: str | None = Field(None, title="政府性基金情况说明")
    state_capital: str | None = Field(None, title="国有资本经营情况说明")


class Reception(_Strict):
    """公务接待: 国内或国（境）外."""

    where = "情况说明（公务接待）"

    amount: NonNegativeDecimal | None = Field(None, title="接待费")
    batches: Count | None = Field(None, title="接待批次")
    people: Count | None = Field(None, title="接待人次")
    use: str | None = Field(None, title="主要用于")
    foreign_affairs: "Reception | None" = Field(None, title="其中：外事接待")


class ThreePublicItemNote(_Strict):
    """“三公”经费一项的说明."""

    where = "情况说明（“三公”经费）"

    reason: str | None = Field(None, title="与上年相比增减原因")
    use: str | None = Field(None, title="主要用于")
    groups: Count | None = Field(None, title="出国团组数")
    people: Count | None = Field(None, title="人次")
    vehicles: Count | None = Field(None, title="车辆数")
    batches: Count | None = Field(None, title="接待批次")
    domestic: Reception | None = Field(None, title="国内接待")
    abroad: Reception | None = Field(None, title="国（境）外接待")


class ThreePublicNotes(_Strict):
    """“三公”经费四项的说明."""

    where = "情况说明（“三公”经费）"

    overseas: ThreePublicItemNote = Field(default_factory=ThreePublicItemNote, title="因公出国（境）费")
    vehicle_purchase: ThreePublicItemNote = Field(default_factory=ThreePublicItemNote, title="公务用车购置费")
    vehicle_operation: ThreePublicItemNote = Field(default_factory=ThreePublicItemNote, title="公务用车运行维护费")
    reception: ThreePublicItemNote = Field(default_factory=ThreePublicItemNote, title="公务接待费")


class ProcurementNote(_Strict):
    """政府采购说明."""

    where = "情况说明（政府采购）"

    sme_contracts: NonNegativeDecimal | None = Field(None, title="授予中小企业合同金额")
    small_micro_contracts: NonNegativeDecimal | None = Field(None, title="授予小微企业合同金额")


class PerformanceCount(_Strict):
    """部门评价的项目数和金额."""

    where = "情况说明（预算绩效管理）部门评价"

    count: Count = Field(0, title="项目个数")
    amount: NonNegativeDecimal = Field(Decimal(0), title="涉及资金")


class PerformancePrinted(_Strict):
    """绩效自评的公布数."""

    where = "情况说明（预算绩效管理）公布数"

    projects: Count | None = Field(None, title="自评项目个数")
    amount: NonNegativeDecimal | None = Field(None, title="自评涉及资金")
    share: NonNegativeDecimal | None = Field(None, title="占一般公共预算项目支出的比例（%）")
    excellent: Count | None = Field(None, title="评价等级为“优”的个数")
    good: Count | None = Field(None, title="评价等级为“良”的个数")
    fair: Count | None = Field(None, title="评价等级为“中”的个数")
    poor: Count | None = Field(None, title="评价等级为“差”的个数")


class PerformanceNote(_Strict):
    """预算绩效管理工作开展情况."""

    where = "情况说明（预算绩效管理）"

    measures: str | None = Field(None, title="对“中”“差”项目的改进管理措施")
    department_evaluations: PerformanceCount = Field(default_factory=PerformanceCount, title="部门评价")
    printed: PerformancePrinted = Field(default_factory=PerformancePrinted, title="公布数（照印，并与自评表核对）")


class Explanations(_Strict):
    """第三部分 情况说明: what the tables do not hold. The sentences are generated."""

    where = "第三部分 情况说明"

    prior_year: PriorYear = Field(default_factory=PriorYear, title="上年决算数")
    annual_budget: AnnualBudget = Field(default_factory=AnnualBudget, title="年初预算数")
    reasons: Reasons = Field(default_factory=Reasons, title="部门说明的原因和用途")
    three_public: ThreePublicNotes = Field(default_factory=ThreePublicNotes, title="“三公”经费说明")
    procurement: ProcurementNote = Field(default_factory=ProcurementNote, title="政府采购说明")
    other_vehicles_note: str | None = Field(None, title="其他用车说明")
    performance: PerformanceNote = Field(default_factory=PerformanceNote, title="预算绩效管理工作开展情况")
    other_matters: str | None = Field(None, title="其他需要说明的事项")


class FundingLine(_Strict):
    """自评表 funding row (项目资金): 年初预算数, 全年预算数, 全年执行数 and what follows from them."""

    where = "自评表项目资金的一行"
    unit_note = "（万元）"

    source: str = Field(title="资金来源")
    declared: NonNegativeDecimal | None = Field(None, title="目标申报数")
    budgeted: NonNegativeDecimal | None = Field(None, title="预算编制数")
    annual_budget: NonNegativeDecimal = Field(title="全年预算数")
    executed: NonNegativeDecimal = Field(title="全年执行数")
    balance: Money | None = Field(None, title="资金结（转）余（公布数）")
    rate: NonNegativeDecimal | None = Field(None, title="执行率%（公布数）")
    score: NonNegativeDecimal | None = Field(None, title="得分（公布数）")


class FundingTotals(_Strict):
    """自评表资金总额行（公布数）."""

    where = "自评表资金总额行（公布数）"
    unit_note = "（万元）"

    declared: NonNegativeDecimal | None = Field(None, title="目标申报数合计")
    budgeted: NonNegativeDecimal | None = Field(None, title="预算编制数合计")
    annual_budget: NonNegativeDecimal | None = Field(None, title="全年预算数合计")
    executed: NonNegativeDecimal | None = Field(None, title="全年执行数合计")
    balance: NonNegativeDecimal | None = Field(None, title="资金结（转）余合计")
    rate: NonNegativeDecimal | None = Field(None, title="执行率%")
    score: NonNegativeDecimal | None = Field(None, title="得分")


class Indicator(_Strict):
    """自评表的一个绩效指标."""

    where = "自评表绩效指标"
    unit_note = ""

    level1: str = Field(title="一级指标")
    level2: str = Field(title="二级指标")
    name: str = Field(title="三级指标")
    initial: str | None = Field(None, title="年初指标值")
    adjusted: str | None = Field(None, title="调整后指标值")
    actual: str | None = Field(None, title="实际完成值")
    weight: NonNegativeDecimal = Field(title="分值")
    score: NonNegativeDecimal | None = Field(None, title="得分")
    deviation: str | None = Field(None, title="偏差原因分析及改进措施")


class AnalysisRow(_Strict):
    """自评表项目绩效分析的一行."""

    where = "自评表项目绩效分析"

    group: str | None = Field(None, title="分组")
    label: str = Field(title="项目")
    text: str = Field(title="内容")


class SelfEvaluation(_Strict):
    """项目支出绩效自评表."""

    where = "项目支出绩效自评表"
    unit_note = "（万元）"

    project: str = Field(title="项目名称", min_length=1)
    year: IntValue = Field(title="年度")
    department: str = Field(title="主管部门及代码")
    budget_unit: str = Field(title="预算单位")
    funding: list[FundingLine] = Field(title="项目资金", min_length=1)
    printed_total_row: FundingTotals | None = Field(None, title="资金总额行（公布数）")
    budget_weight: NonNegativeDecimal = Field(Decimal(10), title="预算执行率分值")
    annual_goal: str = Field("", title="年度目标")
    actual_result: str = Field("", title="实际完成情况")
    indicators: list[Indicator] = Field(default_factory=list, title="绩效指标")
    printed_total: NonNegativeDecimal | None = Field(None, title="总分（公布数）")
    printed_grade: str | None = Field(None, title="等级（公布）")
    analysis: list[AnalysisRow] = Field(default_factory=list, title="项目绩效分析")
    next_steps: str | None = Field(None, title="下一步改进措施及管理建议")
