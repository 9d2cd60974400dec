"""功能分类 tables (公开02表, 公开03表, 公开05表): 款, 类 and 合计 computed from the lowest
entered lines, and what was typed checked against them (and printed as typed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from docgen.diagnostics import Finding
from docgen.models.accounts import Accounts, BudgetColumns, ExpenditureColumns, FunctionLine, IncomeColumns
from docgen.rules.accounts.common import CATEGORIES, ZERO, check_entered, shown, total
from docgen.rules.formatting import format_amount

#: Columns of the three 功能分类 tables; the first of each is the row total.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "income": ("total", "fiscal", "superior", "business", "operating", "affiliated", "other"),
    "expenditure": ("total", "basic", "project", "remit", "operating", "subsidy"),
    "general_budget": ("total", "basic", "project"),
}
TABLE_NAMES = {"income": "收入决算表（公开02表）", "expenditure": "支出决算表（公开03表）",
               "general_budget": "一般公共预算财政拨款支出决算表（公开05表）"}


@dataclass(frozen=True)
class CodeRow:
    """A computed line of a 功能分类 table: 合计 (code ""), 类, 款 or 项."""

    code: str
    name: str
    level: int  # 0 合计, 1 类, 2 款, 3 项
    values: dict[str, Decimal]

    def get(self, column: str) -> Decimal:
        return self.values.get(column, ZERO)


@dataclass
class FunctionTables:
    """Tables 02, 03 and 05 as printed: typed figures as typed, the others computed."""

    rows: dict[str, list[CodeRow]] = field(default_factory=dict)  # table → rows (合计 first)

    def total(self, table: str) -> CodeRow:
        return self.rows[table][0]

    def by_code(self, table: str) -> dict[str, CodeRow]:
        return {r.code: r for r in self.rows[table]}

    def categories(self, table: str) -> list[CodeRow]:
        return [r for r in self.rows[table] if r.level == 1]


def _entered(line: FunctionLine, table: str) -> dict[str, Decimal | None]:
    block = getattr(line, table)
    return {} if block is None else {c: getattr(block, c) for c in TABLE_COLUMNS[table]}


def function_tables(accounts: Accounts) -> tuple[FunctionTables, list[Finding]]:
    """Compute 款/类/合计 from the lines below them and check what was typed.

    A line (or 合计) the user typed prints as typed, and the lines above it sum it as printed;
    only the figures nobody typed are computed for print."""
    findings: list[Finding] = []
    lines = accounts.functions
    index = {}
    for i, line in enumerate(lines):
        if line.code in index:
            findings.append(Finding(("functions", i, "code"), f"科目代码{line.code}重复（第{index[line.code] + 1}项已有）"))
        else:
            index[line.code] = i
    for i, line in enumerate(lines):
        parents = [line.code[:3]] + ([line.code[:5]] if line.level == 3 else [])
        for parent in parents:
            if parent not in index:
                level = "类" if len(parent) == 3 else "款"
                findings.append(Finding(("functions", i, "code"),
                                        f"科目{line.code}缺少所属{level}（{parent}）的名称行"))
        if line.level == 1:
            standard = CATEGORIES.get(line.code)
            if standard is None:
                findings.append(Finding(("functions", i, "code"), f"{line.code}不是支出功能分类的类级科目"))
            elif standard != line.name:
                findings.append(Finding(("functions", i, "name"),
                                        f"类级科目{line.code}的名称应为“{standard}”，实际为“{line.name}”"))

    tables = FunctionTables()
    order = sorted(lines, key=lambda l: l.code)
    codes = {l.code for l in lines}
    parent_of = {l.code: next((l.code[:n] for n in (5, 3) if n < len(l.code) and l.code[:n] in codes), None)
                 for l in lines}
    for table, columns in TABLE_COLUMNS.items():
        parts = columns[1:]
        values: dict[str, dict[str, Decimal]] = {}
        # deepest first: a line with children is the sum of its children
        for line in sorted(order, key=lambda l: -l.level):
            # a line's children: the lines whose nearest entered ancestor it is (a 项 whose 款 line
            # is missing still counts in its 类; the missing line itself is reported above)
            children = [values[c.code] for c in order if parent_of[c.code] == line.code and c.code in values]
            entered = _entered(line, table)
            if children:
                computed = {c: total(ch[c] for ch in children) for c in parts}
                for c in parts:
                    findings += check_entered(("functions", index[line.code], table, c),
                                               f"{TABLE_NAMES[table]}{line.code}{_title(table, c)}",
                                               entered.get(c), computed[c], len(children))
            elif any(entered.get(c) is not None for c in columns):
                computed = {c: entered.get(c) or ZERO for c in parts}
            else:
                continue
            # what the table prints: the typed figure where there is one (the published figure)
            printed = {c: shown(entered.get(c), computed[c]) for c in parts}
            row_total = total(printed.values())
            findings += check_entered(("functions", index[line.code], table, "total"),
                                       f"{TABLE_NAMES[table]}{line.code}{_title(table, 'total')}",
                                       entered.get("total"), row_total, len(parts))
            values[line.code] = {"total": shown(entered.get("total"), row_total), **printed}
        rows = [CodeRow(l.code, l.name, l.level, values[l.code]) for l in order if l.code in values]
        grand = {c: total(r.values[c] for r in rows if r.level == 1) for c in columns}
        typed = getattr(accounts.printed_totals, table)
        if typed is not None:
            for c in columns:
                findings += check_entered(("printed_totals", table, c), f"{TABLE_NAMES[table]}合计{_title(table, c)}",
                                           getattr(typed, c), grand[c], sum(1 for r in rows if r.level == 1))
            grand = {c: shown(getattr(typed, c), grand[c]) for c in columns}
        rows.insert(0, CodeRow("", "合计", 0, grand))
        tables.rows[table] = rows
    return tables, findings


TABLE_MODELS = {"income": IncomeColumns, "expenditure": ExpenditureColumns, "general_budget": BudgetColumns}


def _title(table: str, column: str) -> str:
    return f"“{TABLE_MODELS[table].model_fields[column].title}”"


def check_overlap(tables: FunctionTables, only_general_budget: bool, accounts: Accounts) -> list[Finding]:
    """公开05表 is the 一般公共预算 part of 公开03表: never larger, and equal when that is all there is.

    Only the lowest lines are compared: 款, 类 and 合计 are their sums in both tables.
    """
    findings = []
    index = {line.code: i for i, line in enumerate(accounts.functions)}
    expenditure = tables.by_code("expenditure")
    codes = [r.code for r in tables.rows["general_budget"] if r.code]
    for row in tables.rows["general_budget"]:
        if not row.code or any(c != row.code and c.startswith(row.code) for c in codes):
            continue
        loc = ("functions", index[row.code], "general_budget")
        other = expenditure.get(row.code)
        if other is None:
            findings.append(Finding(loc, f"公开05表有科目{row.code}，公开03表没有"))
            continue
        for c, label in (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")):
            a, b = row.get(c), other.get(c)
            if a > b or (only_general_budget and a != b):
                findings.append(Finding(loc, f"公开05表科目{row.code}“{label}”{format_amount(a)}与公开03表"
                                             f"{format_amount(b)}不一致"))
    return findings
