"""部门决算公开: cover, 目录, 概况, the ten tables, generated 情况说明, 名词解释, 自评表.

Every figure comes from :mod:`docgen.rules.accounts`; every sentence of 情况说明 is built
here from those figures and the department's own reasons, so text and tables agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from docgen.contexts.common import Heading, Paragraph, numbered
from docgen.models import GradeBands
from docgen.models.accounts import Accounts, Department, Explanations, SelfEvaluation
from docgen.rules import Numbering, format_amount, format_decimal, number_label
from docgen.rules.summary import merge_spans
from docgen.rules.accounts import (
    FUNDS,
    THREE_PUBLIC,
    VEHICLE_KINDS,
    ZERO,
    AccountsSummaryFigures,
    Computed,
    EconomicTable,
    FiscalSummaryFigures,
    SelfEvaluationFigures,
    StatisticsFigures,
    compute,
    fund_line_total,
    fund_lines_total,
    performance_facts,
    share,
    three_public_totals,
    year_on_year,
)


def amount(value: Decimal | None) -> str:
    """Table cells: thousands separators, two decimals, empty when there is no figure."""
    return "" if value is None or value == 0 else format_amount(value)


def wan(value: Decimal | None) -> str:
    """Amounts in sentences: ``1,654.78万元`` (zero prints 0.00)."""
    return f"{format_amount(value or ZERO)}万元"


def pct(part: Decimal | None, whole: Decimal | None) -> str:
    """占比 with two decimals, half up; 0.00% when the whole is zero."""
    return f"{format_decimal(share(part, whole))}%"


def change(current: Decimal, prior: Decimal | None, noun: str = "") -> str:
    """``增加500.00万元，增长43.30%`` / ``减少1.52万元，下降3.22%`` / ``与上年持平``."""
    yoy = year_on_year(current, prior)
    if yoy is None:
        return ""
    if yoy.unchanged:
        return f"{noun}与上年持平"
    verb, trend = ("增加", "增长") if yoy.increased else ("减少", "下降")
    text = f"{noun}{verb}{wan(yoy.amount)}"
    if yoy.rate is not None:
        text += f"，{trend}{format_decimal(yoy.rate)}%"
    return text


def reason(text: str | None) -> str:
    return f"主要原因是{text}。" if text else ""


# --------------------------------------------------------------------------- document tree


@dataclass(frozen=True)
class Cell:
    text: str
    strong: bool = False
    numeric: bool = False  # right-aligned figure


def num(value: Decimal | None, strong: bool = False) -> Cell:
    return Cell(amount(value), strong, True)


@dataclass(frozen=True)
class AccountTable:
    """One of 公开01表…公开10表: the header is layout (in the templates), the body is data."""

    key: str  # t01 … t10: which header layout
    number: str  # 公开01表
    title: str
    unit_line: str
    rows: list[list[Cell]]
    note: str
    empty: bool
    landscape: bool = False


@dataclass(frozen=True)
class IndicatorRow:
    level1: str
    level1_span: int  # rows the 一级指标 cell covers; 0 = covered by the cell above
    level2: str
    level2_span: int
    name: str
    initial: str
    adjusted: str
    actual: str
    weight: str
    score: str
    deviation: str


@dataclass(frozen=True)
class AnalysisRowView:
    group: str
    group_span: int
    label: str
    text: str
    grouped: bool  # the form uses a middle column (group) for this row


@dataclass(frozen=True)
class SelfEvaluationForm:
    title: str
    year_line: str
    project: str
    department: str
    budget_unit: str
    funding: list[list[str]]  # 资金总额 row first: label, 目标申报数, 预算编制数, 全年预算数, 全年执行数, 结余, 执行率, 得分
    funding_span: int  # rows the 项目资金预算安排及执行进度 cell covers (two header rows + funding)
    annual_goal: str
    actual_result: str
    indicators: list[IndicatorRow]
    indicators_span: int
    total_score: str
    grade: str
    analysis: list[AnalysisRowView]
    analysis_span: int
    next_steps: str


@dataclass(frozen=True)
class FinalAccounts:
    department: str
    year: int
    cover_title: str
    duties: list[Paragraph]
    organisation: list[str]
    tables: list[AccountTable]
    explanations: list[Heading]
    glossary: list[Paragraph]
    forms: list[SelfEvaluationForm]


# --------------------------------------------------------------------------- the ten tables

NOTES = {
    "t01": "注：本表反映部门本年度的总收支和年末结转结余情况。本套报表金额单位转换时可能存在尾数误差。",
    "t02": "注：本表反映部门本年度取得的各项收入情况。",
    "t03": "注：本表反映部门本年度各项支出情况。",
    "t04": "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。",
    "t05": "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "t06": "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "t07": "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "t08": "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
    "t09": "注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。",
    "t10": "注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。",
}
TITLES = {
    "t01": "收入支出决算总表", "t02": "收入决算表", "t03": "支出决算表", "t04": "财政拨款收入支出决算总表",
    "t05": "一般公共预算财政拨款支出决算表", "t06": "一般公共预算财政拨款基本支出决算明细表",
    "t07": "政府性基金预算财政拨款收入支出决算表", "t08": "国有资本经营预算财政拨款支出决算表",
    "t09": "财政拨款“三公”经费支出决算表", "t10": "部门决算公开相关信息统计表",
}


def _code_rows(rows, columns) -> list[list[Cell]]:
    out = []
    for r in rows:
        strong = r.level <= 1
        out.append([Cell(r.code, strong), Cell(r.name, strong)] + [num(r.get(c), strong) for c in columns])
    return out


def _t01(s: AccountsSummaryFigures) -> list[list[Cell]]:
    roman = [number_label(i, Numbering.CHINESE_COMMA) for i in range(1, 27)]
    rows = []
    income = s.income + [("", None)] * (26 - len(s.income))
    for i in range(26):
        label, value = income[i]
        code, name, spent = s.categories[i]
        left = f"{roman[i]}{label}" if label else ""
        rows.append([Cell(left), Cell(str(i + 1)), num(value),
                     Cell(f"{roman[i]}{name}"), Cell(str(32 + i)), num(spent)])
    rows.append([Cell("本年收入合计", True), Cell("27"), num(s.income_total, True),
                 Cell("本年支出合计", True), Cell("58"), num(s.expenditure_total, True)])
    rows.append([Cell("使用非财政拨款结余和专用结余"), Cell("28"), num(s.unused_non_fiscal_balance),
                 Cell("结余分配"), Cell("59"), num(s.surplus_distribution)])
    rows.append([Cell("年初结转和结余"), Cell("29"), num(s.opening_balance),
                 Cell("年末结转和结余"), Cell("60"), num(s.closing_balance)])
    rows.append([Cell(""), Cell("30"), Cell(""), Cell(""), Cell("61"), Cell("")])
    rows.append([Cell("总计", True), Cell("31"), num(s.grand_income, True),
                 Cell("总计", True), Cell("62"), num(s.grand_expenditure, True)])
    return rows


def _t04(f: FiscalSummaryFigures) -> list[list[Cell]]:
    roman = [number_label(i, Numbering.CHINESE_COMMA) for i in range(1, 27)]
    income_labels = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    rows = []
    for i in range(26):
        left = (f"{roman[i]}{income_labels[i]}", f.income[FUNDS[i]]) if i < 3 else ("", None)
        code, name, cols = f.categories[i]
        rows.append([Cell(left[0]), Cell(str(i + 1)), num(left[1]), Cell(f"{roman[i]}{name}"),
                     Cell(str(33 + i))] + [num(cols[k]) for k in ("total", *FUNDS)])
    et = f.expenditure_total
    rows.append([Cell("本年收入合计", True), Cell("27"), num(f.income_total, True), Cell("本年支出合计", True),
                 Cell("59")] + [num(et[k], True) for k in ("total", *FUNDS)])
    rows.append([Cell("年初财政拨款结转和结余"), Cell("28"), num(f.opening_total),
                 Cell("年末财政拨款结转和结余"), Cell("60"), num(f.closing_total)]
                + [num(f.closing_balance[k]) for k in FUNDS])
    for j, (k, label) in enumerate(zip(FUNDS, income_labels)):
        rows.append([Cell(label), Cell(str(29 + j)), num(f.opening_balance[k]), Cell(""), Cell(str(61 + j)),
                     Cell(""), Cell(""), Cell(""), Cell("")])
    ge = f.grand_expenditure
    rows.append([Cell("总计", True), Cell("32"), num(f.grand_income, True), Cell("总计", True), Cell("64")]
                + [num(ge[k], True) for k in ("total", *FUNDS)])
    return rows


def _t06(e: EconomicTable) -> list[list[Cell]]:
    def cells(row):
        if row is None:
            return [Cell(""), Cell(""), Cell("")]
        value = "———" if row.not_applicable else amount(row.amount)
        strong = len(row.code) == 3
        return [Cell(row.code, strong), Cell(row.name, strong), Cell(value, strong, True)]

    personnel = [r for r in e.rows if r.personnel]
    public = [r for r in e.rows if not r.personnel]
    height = max(len(personnel), math.ceil(len(public) / 3)) if e.rows else 0
    columns = [personnel] + [public[i * height:(i + 1) * height] for i in range(3)]
    rows = []
    for i in range(height):
        row = []
        for column in columns:
            row += cells(column[i] if i < len(column) else None)
        rows.append(row)
    rows.append([Cell("人员经费合计", True), Cell(""), num(e.personnel, True),
                 Cell("公用经费合计", True)] + [Cell("")] * 7 + [num(e.public, True)])
    return rows


def _t10(accounts: Accounts, figures: StatisticsFigures) -> list[list[Cell]]:
    st = accounts.statistics
    p = st.procurement
    rows = [[Cell("一、政府采购情况", True), Cell(""), Cell("")],
            [Cell("合计"), Cell("1"), num(figures.procurement_total)],
            [Cell("货物"), Cell("2"), num(p.goods)], [Cell("工程"), Cell("3"), num(p.works)],
            [Cell("服务"), Cell("4"), num(p.services)],
            [Cell("二、机关运行经费", True), Cell(""), Cell("")],
            [Cell("（一）行政单位"), Cell("5"), num(st.operating_costs.administrative)],
            [Cell("（二）参照公务员法管理事业单位"), Cell("6"), num(st.operating_costs.civil_service_managed)],
            [Cell("三、国有资产占用情况", True), Cell(""), Cell("")]]
    vehicles = figures.vehicles_total
    rows.append([Cell("（一）车辆数合计（辆）"), Cell("7"), Cell(str(vehicles) if vehicles else "")])
    for i, (k, label) in enumerate(VEHICLE_KINDS, start=1):
        v = getattr(st.vehicles, k)
        rows.append([Cell(f"{i}.{label}"), Cell(str(7 + i)), Cell(str(v) if v else "")])
    rows.append([Cell("（二）单价100万元（含）以上设备（不含车辆）"), Cell("16"),
                 Cell(str(st.large_equipment) if st.large_equipment else "")])
    return rows


def build_tables(department: Department, accounts: Accounts, c: Computed) -> list[AccountTable]:
    unit = f"金额单位：{accounts.unit.value}"
    f = c.functions
    three = accounts.three_public
    budget, actual = three_public_totals(three.budget), three_public_totals(three.actual)
    keys = ("total", "overseas", "vehicles", "vehicle_purchase", "vehicle_operation", "reception")
    t09_row = [[num(budget[k]) for k in keys] + [num(actual[k]) for k in keys]]
    gf_rows = [[Cell(l.code), Cell(l.name), num(l.opening), num(l.income),
                num(fund_line_total(l)), num(l.basic), num(l.project),
                num(l.closing)] for l in accounts.government_fund]
    sc_rows = [[Cell(l.code), Cell(l.name), num(fund_line_total(l)), num(l.basic),
                num(l.project)] for l in accounts.state_capital]
    specs = [
        ("t01", _t01(c.summary), False, False),
        ("t02", _code_rows(f.rows["income"], ("total", "fiscal", "superior", "business", "operating", "affiliated", "other")), False, True),
        ("t03", _code_rows(f.rows["expenditure"], ("total", "basic", "project", "remit", "operating", "subsidy")), False, True),
        ("t04", _t04(c.fiscal), False, True),
        ("t05", _code_rows(f.rows["general_budget"], ("total", "basic", "project")), False, False),
        ("t06", _t06(c.economic), not accounts.economic, True),
        ("t07", gf_rows, not gf_rows, True),
        ("t08", sc_rows, not sc_rows, False),
        ("t09", t09_row, actual["total"] == 0 and budget["total"] == 0, True),
        ("t10", _t10(accounts, c.statistics), False, False),
    ]
    return [AccountTable(key, f"公开{key[1:]}表", TITLES[key], unit, rows, NOTES[key], empty, landscape)
            for key, rows, empty, landscape in specs]


# --------------------------------------------------------------------------- 第三部分 情况说明


def build_explanations(department: Department, accounts: Accounts, ex: Explanations, c: Computed) -> list[Heading]:
    y = department.year
    s, fis, f = c.summary, c.fiscal, c.functions
    py, r = ex.prior_year, ex.reasons
    sections = []

    def section(n, title, paragraphs, subsections=()):
        sections.append(Heading(number_label(n, Numbering.CHINESE_COMMA), title, list(paragraphs), list(subsections)))

    def compare_totals(what_in, cur_in, prior_in, what_out, cur_out, prior_out):
        parts = [p for p in (change(cur_in, prior_in, what_in), change(cur_out, prior_out, what_out)) if p]
        return f"与上年相比，{'，'.join(parts)}。" if parts else ""

    section(1, "收入支出决算总体情况说明", [
        f"{y}年度收入总计{wan(s.grand_income)}，支出总计{wan(s.grand_expenditure)}。"
        + compare_totals("收入总计", s.grand_income, py.income_total, "支出总计", s.grand_expenditure, py.expenditure_total)
        + reason(r.totals)])

    income = f.total("income")
    items = [("财政拨款收入", income.get("fiscal")), ("上级补助收入", income.get("superior")),
             ("事业收入", income.get("business")), ("经营收入", income.get("operating")),
             ("附属单位上缴收入", income.get("affiliated")), ("其他收入", income.get("other"))]
    section(2, "收入决算情况说明", [f"{y}年度收入合计{wan(income.get('total'))}，其中："]
            + _listing(items, income.get("total")))

    spent = f.total("expenditure")
    items = [("基本支出", spent.get("basic")), ("项目支出", spent.get("project")), ("上缴上级支出", spent.get("remit")),
             ("经营支出", spent.get("operating")), ("对附属单位补助支出", spent.get("subsidy"))]
    section(3, "支出决算情况说明", [f"{y}年度支出合计{wan(spent.get('total'))}，其中："] + _listing(items, spent.get("total")))

    section(4, "财政拨款收支决算总体情况说明", [
        f"{y}年度财政拨款收入总计{wan(fis.grand_income)}，支出总计{wan(fis.grand_expenditure['total'])}。"
        + compare_totals("财政拨款收入总计", fis.grand_income, py.fiscal_income_total,
                         "财政拨款支出总计", fis.grand_expenditure["total"], py.fiscal_expenditure_total)
        + reason(r.fiscal_totals)])

    general = f.total("general_budget")
    gb_total = general.get("total")
    cats = f.categories("general_budget")
    budget = ex.annual_budget
    overall = (f"{y}年一般公共预算财政拨款决算支出{wan(gb_total)}，占本年支出合计的{pct(gb_total, spent.get('total'))}。"
               + (f"与上年相比，{change(gb_total, py.general_budget_expenditure, '一般公共预算财政拨款支出')}。"
                  if py.general_budget_expenditure is not None else "") + reason(r.general_budget))
    structure = [f"{y}年度一般公共预算财政拨款支出{wan(gb_total)}，主要用于以下方面："] + _listing(
        [(f"{row.name}(类)", row.get("total")) for row in cats], gb_total)
    detail = f"{y}年度一般公共预算财政拨款支出年初预算{wan(budget.general_budget_total)}，支出决算{wan(gb_total)}"
    if budget.general_budget_total:
        detail += f"，完成年初预算的{pct(gb_total, budget.general_budget_total)}"
    clauses = []
    for row in cats:
        planned = budget.categories.get(row.code)
        text = f"{row.name}年初预算{wan(planned)}，支出决算{wan(row.get('total'))}"
        if planned:
            text += f"，完成年初预算的{pct(row.get('total'), planned)}"
        note = r.categories.get(row.code)
        if note and note.use:
            text += f"，用于{note.use}"
        prior = py.categories.get(row.code)
        if prior is not None:
            shown = f"较{y - 1}年决算{wan(prior)}" if prior else f"较{y - 1}年决算"
            text += f"，{shown}{change(row.get('total'), prior)}"
        if note and note.reason:
            text += f"，主要原因是{note.reason}"
        clauses.append(text)
    section(5, "一般公共预算财政拨款支出决算情况说明", [], [
        Heading("（一）", "一般公共预算财政拨款支出决算总体情况", [overall]),
        Heading("（二）", "一般公共预算财政拨款支出决算结构情况", structure),
        Heading("（三）", "一般公共预算财政拨款支出决算具体情况", [detail + "。其中：", "；".join(clauses) + "。"]),
    ])

    e = c.economic
    personnel = [row for row in e.rows if row.personnel and len(row.code) == 5 and row.amount]
    public = [row for row in e.rows if not row.personnel and len(row.code) == 5 and row.amount]
    section(6, "一般公共预算财政拨款基本支出决算情况说明", [
        f"{y}年度财政拨款基本支出{wan(general.get('basic'))}，其中：",
        f"人员经费{wan(e.personnel)}" + (f"，主要包括{'、'.join(f'{x.name}{wan(x.amount)}' for x in personnel)}" if personnel else "") + "；",
        f"公用经费{wan(e.public)}" + (f"，主要包括{'、'.join(f'{x.name}{wan(x.amount)}' for x in public)}" if public else "") + "。",
    ])

    section(7, "政府性基金预算财政拨款收支决算情况说明",
            [_fund_sentence(y, accounts.government_fund, "政府性基金预算财政拨款支出",
                            r.government_fund or "本年度无此项收支。")])
    section(8, "国有资本经营预算财政拨款支出决算情况说明",
            [_fund_sentence(y, accounts.state_capital, "国有资本经营预算财政拨款支出",
                            r.state_capital or "本年度无此项支出。")])
    section(9, "财政拨款“三公”经费支出决算情况说明", [], _three_public(y, accounts, ex))

    st = accounts.statistics
    running = c.statistics.operating_costs_total
    p = st.procurement
    procured = c.statistics.procurement_total
    vehicles = c.statistics.vehicles
    vehicle_text = "、".join(f"{label}{n}辆" for label, n in vehicles[:-1]) + f"，{vehicles[-1][0]}{vehicles[-1][1]}辆"
    if ex.other_vehicles_note:
        vehicle_text += f"，其他用车主要是{ex.other_vehicles_note}"
    running_text = f"{y}年机关运行经费支出{wan(running)}"
    if py.operating_costs is not None:
        running_text += f"，比{y - 1}年{change(running, py.operating_costs)}"
    running_text += f"，{reason(r.operating_costs)}" if r.operating_costs else "。"
    facts = performance_facts(c)
    perf = ex.performance
    project_total = spent.get("project")
    performance = (
        f"根据预算绩效管理要求，一是组织对{y}年度年初预算安排的所有项目资金全面开展了绩效自评，涉及二级项目"
        f"{facts['projects']}个，资金{wan(facts['amount'])}，占项目支出总额的{pct(facts['amount'], project_total)}，"
        f"其中一般公共预算项目支出{wan(facts['amount'])}、政府性基金预算项目支出{wan(ZERO)}、"
        f"国有资金经营预算项目支出{wan(ZERO)}、社会保险基金预算项目支出{wan(ZERO)}。自评结果为："
        f"{facts['excellent']}个项目自评等级为“优”，{facts['good']}个项目自评等级为“良”，{facts['fair']}个项目自评等级为“中”，"
        f"{facts['poor']}个项目自评等级为“差”。"
        + (f"对于自评结果为“中”和“差”的项目，采取的改进管理措施为{perf.measures}（涉密项目除外）。" if perf.measures else "")
        + f"二是组织对{perf.department_evaluations.count}个项目开展了部门评价，涉及资金{wan(perf.department_evaluations.amount)}"
          f"（涉密项目除外）。")
    section(10, "其他重要事项情况说明", [], [
        Heading("（一）", "机关运行经费支出情况说明", [running_text]),
        Heading("（二）", "政府采购情况说明", [
            f"{y}年度政府采购支出总额{wan(procured)}，其中：政府采购货物支出{wan(p.goods)}、政府采购工程支出{wan(p.works)}、"
            f"政府采购服务支出{wan(p.services)}。政府采购授予中小企业合同金额{wan(ex.procurement.sme_contracts)}，"
            f"占政府采购支出总额的{pct(ex.procurement.sme_contracts, procured)}。其中：授予小微企业合同金额"
            f"{wan(ex.procurement.small_micro_contracts)}，占政府采购支出总额的{pct(ex.procurement.small_micro_contracts, procured)}。"]),
        Heading("（三）", "国有资产占用情况说明", [
            f"截至{y}年12月31日，本部门（单位）共有车辆{c.statistics.vehicles_total}辆。其中：{vehicle_text}；"
            f"单价100万元（含）以上设备（不含车辆）{st.large_equipment or 0}台（套）。"]),
        Heading("（四）", "预算绩效情况说明", [], [
            Heading("1、", "预算绩效管理工作开展情况", [performance, "附件：二级项目绩效自评表"]),
            Heading("2、", "其他需要说明的事项", [ex.other_matters or "无。"]),
        ]),
    ])
    return sections


def _fund_sentence(year: int, lines, noun: str, when_empty: str) -> str:
    """公开07/08表 in words: what was spent, or the department's “本年度无此项支出”."""
    if not lines:
        return when_empty
    return f"{year}年度{noun}{wan(fund_lines_total(lines))}。"


def _listing(items: list[tuple[str, Decimal | None]], whole: Decimal | None) -> list[str]:
    """``财政拨款收入1,654.78万元，占比100.00%；`` … the last one ending in ``。``."""
    lines = [f"{label}{wan(value)}，占比{pct(value, whole)}" for label, value in items]
    return [line + ("。" if i == len(lines) - 1 else "；") for i, line in enumerate(lines)]


def _three_public(y: int, accounts: Accounts, ex: Explanations) -> list[Heading]:
    budget = three_public_totals(accounts.three_public.budget)
    actual = three_public_totals(accounts.three_public.actual)
    prior = three_public_totals(ex.prior_year.three_public)

    def rate(a, b):
        return pct(a, b) if b else "0%"

    def versus(now, before):
        if now == before:
            return "与上年相同"
        return change(now, before, "较上年")

    overall = (f"{y}年度“三公”经费财政拨款支出全年预算{wan(budget['total'])}，支出决算{wan(actual['total'])}，"
               f"完成全年预算的{rate(actual['total'], budget['total'])}，"
               + ("与上年“三公”经费财政拨款支出决算相同" if actual["total"] == prior["total"]
                  else change(actual["total"], prior["total"], "较上年")) + "。其中：")
    notes = ex.three_public
    lines = []
    for i, (k, label) in enumerate(THREE_PUBLIC):
        note = getattr(notes, k)
        text = f"{label}支出{wan(actual[k])}，完成全年预算的{rate(actual[k], budget[k])}，{versus(actual[k], prior[k])}"
        if note.reason:
            text += f"，主要原因是：{note.reason}"
        lines.append(text + ("。" if i == len(THREE_PUBLIC) - 1 else "；"))
    o, vp, vo, rc = notes.overseas, notes.vehicle_purchase, notes.vehicle_operation, notes.reception
    details = [
        f"1、因公出国（境）费支出{wan(actual['overseas'])}，出国团组共{o.groups or 0}个，{o.people or 0}人次。"
        + (f"主要用于：{o.use}。" if o.use else ""),
        f"2、公务用车购置支出{wan(actual['vehicle_purchase'])}，使用财政拨款共购置公务用车{vp.vehicles or 0}辆"
        + (f"，主要用于{vp.use}。" if vp.use else "。"),
        f"3、公务用车运行维护费支出{wan(actual['vehicle_operation'])}，使用财政拨款负担的公务用车保有量共{vo.vehicles or 0}辆车"
        + (f"，主要用于：{vo.use}。" if vo.use else "。"),
        _reception(actual["reception"], rc),
    ]
    return [Heading("（一）", "“三公”经费财政拨款支出决算总体情况说明", [overall] + lines),
            Heading("（二）", "“三公”经费财政拨款支出决算具体情况说明", details)]


def _reception(spent: Decimal, rc) -> str:
    d, a = rc.domestic, rc.abroad
    text = f"4、公务接待费支出{wan(spent)}，共接待{rc.batches or 0}批次，{rc.people or 0}人次。"
    if d:
        text += f"国内接待费{wan(d.amount)}，共接待{d.batches or 0}批次，{d.people or 0}人次"
        if d.foreign_affairs:
            fa = d.foreign_affairs
            text += f"，其中外事接待费{wan(fa.amount)}，共接待{fa.batches or 0}批次，{fa.people or 0}人次"
        text += f"，主要是接待{d.use}；" if d.use else "；"
    if a:
        text += f"国（境）外接待费{wan(a.amount)}，共接待国（境）外{a.batches or 0}批次，{a.people or 0}人次"
        text += f"，主要是{a.use}。" if a.use else "。"
    return text


# --------------------------------------------------------------------------- 自评表


def exact(value: Decimal | None) -> str:
    """An amount at the precision it was entered (39.586 stays 39.586), at least two decimals."""
    if value is None:
        return ""
    return format_amount(value, max(2, -value.normalize().as_tuple().exponent))


def build_form(form: SelfEvaluation, fig: SelfEvaluationFigures) -> SelfEvaluationForm:
    def funding_row(label, r):
        return [label, exact(r.declared), exact(r.budgeted), exact(r.annual_budget), exact(r.executed),
                exact(r.balance), format_decimal(r.rate) if r.rate is not None else "",
                format_decimal(r.score) if r.score is not None else ""]

    level1 = merge_spans([i.level1 for i in form.indicators])
    level2 = merge_spans([(i.level1, i.level2) for i in form.indicators])
    indicators = [IndicatorRow(i.level1, s1, i.level2, s2, i.name, i.initial or "", i.adjusted or "", i.actual or "",
                               format_decimal(i.weight, 0 if i.weight == i.weight.to_integral() else 2),
                               "" if i.score is None else str(i.score), i.deviation or "")
                  for i, s1, s2 in zip(form.indicators, level1, level2)]
    groups = merge_spans([a.group or f"\0{n}" for n, a in enumerate(form.analysis)])
    analysis = [AnalysisRowView(a.group or "", span if a.group else 1, a.label, a.text, bool(a.group))
                for a, span in zip(form.analysis, groups)]
    funding = [funding_row("资金总额：", fig.total_row)] + [funding_row(r.source, r) for r in fig.rows]
    return SelfEvaluationForm(
        title=f"{form.project}项目支出绩效自评表", year_line=f"（{form.year}年度）", project=form.project,
        department=form.department, budget_unit=form.budget_unit,
        funding=funding, funding_span=len(funding) + 2,  # the two header rows, then the funding rows
        annual_goal=form.annual_goal, actual_result=form.actual_result,
        indicators=indicators, indicators_span=len(indicators) + 1,
        total_score=format_decimal(fig.total_score), grade=fig.grade.value,
        analysis=analysis, analysis_span=len(analysis), next_steps=form.next_steps or "",
    )


def build_final_accounts(department: Department, accounts: Accounts, explanations: Explanations,
                         forms: list[SelfEvaluation], bands: GradeBands | None = None) -> FinalAccounts:
    computed = compute(accounts, forms, bands)
    return FinalAccounts(
        department=department.name, year=department.year, cover_title=f"{department.year}年度部门决算公开",
        duties=numbered(department.duties, Numbering.ARABIC_PAREN), organisation=list(department.organisation),
        tables=build_tables(department, accounts, computed),
        explanations=build_explanations(department, accounts, explanations, computed),
        glossary=numbered(department.glossary, Numbering.CHINESE_COMMA),
        forms=[build_form(f, fig) for f, fig in zip(forms, computed.forms)],
    )


# --- family hooks (docgen.families): the data set's documents and checks


def documents(data) -> list:
    from docgen.families import Document

    return [Document("final-accounts", {"accounts": build_final_accounts(
        data.department, data.accounts, data.explanations, data.self_evaluations or [], data.grade_bands)})]


def check(data) -> None:
    """部门决算: every identity and 自评表 check, located in the file that holds the block."""
    from docgen.models.accounts import Explanations
    from docgen.rules.accounts import check_explanations, compute

    if data.accounts is None:
        data.report_missing_block("accounts", "部门决算公开需要“accounts”（十张决算表的数据）")
        return
    data.explanations = data.explanations or Explanations()
    computed = compute(data.accounts, data.self_evaluations or [], data.grade_bands)
    data.report_findings("accounts", computed.findings["accounts"])
    if data.self_evaluations:
        data.report_findings("self_evaluations", computed.findings["self_evaluations"])
    if "explanations" in data.origins:
        data.report_findings("explanations", check_explanations(data.explanations, computed))
