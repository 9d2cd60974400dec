"""部门决算公开: the ten tables (公开01–10表) as rows of cells, from the computed figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

from docgen.models.accounts import Accounts, Department
from docgen.rules import Numbering, number_label
from docgen.rules.accounts import (
    FUNDS, VEHICLE_KINDS, AccountsSummaryFigures, Computed, EconomicTable, FiscalSummaryFigures,
    StatisticsFigures, fund_line_total, three_public_totals
)
from docgen.contexts.final_accounts.cells import Cell, amount, num


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
    # 行次 17, as the published table numbers it (after 15 其他用车; 16 is not printed)
    rows.append([Cell("（二）单价100万元（含）以上设备（不含车辆）"), Cell("17"),
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
