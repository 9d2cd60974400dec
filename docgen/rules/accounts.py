"""Final accounts (部门决算): code trees, totals, identities and 自评表 arithmetic.

Pure functions over :mod:`docgen.models.accounts`. Every table figure the disclosure prints
is computed here once; what the user also typed (款/类 lines, 合计 rows, printed totals) is
checked against it: a difference within the 尾数 tolerance (0.01 per summed figure) is a
warning, anything larger an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.diagnostics import Finding, Severity
from docgen.models import Grade, GradeBands
from docgen.models.accounts import (
    Accounts,
    BudgetColumns,
    ExpenditureColumns,
    Explanations,
    FunctionLine,
    IncomeColumns,
    SelfEvaluation,
)
from docgen.rules.numbers import percentage
from docgen.rules.summary import grade_counts
from docgen.rules.formatting import format_amount
from docgen.rules.grades import grade_for
from docgen.rules.numbers import round_half_up
from docgen.rules.summary import ROUNDING_TOLERANCE_PER_ROW

ZERO = Decimal(0)

#: 支出功能分类 类 codes and names, in the order of the 收入支出决算总表 (二十六类).
CATEGORIES: dict[str, str] = {
    "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出",
    "205": "教育支出", "206": "科学技术支出", "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出", "210": "卫生健康支出", "211": "节能环保支出",
    "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出",
    "215": "资源勘探工业信息等支出", "216": "商业服务业等支出", "217": "金融支出",
    "219": "援助其他地区支出", "220": "自然资源海洋气象等支出", "221": "住房保障支出",
    "222": "粮油物资储备支出", "223": "国有资本经营预算支出", "224": "灾害防治及应急管理支出",
    "229": "其他支出", "231": "债务还本支出", "232": "债务付息支出", "234": "抗疫特别国债安排的支出",
}

#: Columns of the three 功能分类 tables; the first of each is the row total.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "income": ("total", "fiscal", "superior", "business", "operating", "affiliated", "other"),
    "expenditure": ("total", "basic", "project", "remit", "operating", "subsidy"),
    "general_budget": ("total", "basic", "project"),
}
TABLE_NAMES = {"income": "收入决算表（公开02表）", "expenditure": "支出决算表（公开03表）",
               "general_budget": "一般公共预算财政拨款支出决算表（公开05表）"}

#: 经济分类 类 codes counted as 人员经费; every other 类 of 基本支出 is 公用经费.
PERSONNEL_CODES = ("301", "303")


def total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def compare(loc: tuple, what: str, printed: Decimal | None, computed: Decimal, parts: int) -> list[Finding]:
    """A printed figure against the computed one; 尾数 tolerance is 0.01 per summed figure."""
    printed = ZERO if printed is None else printed
    difference = printed - computed
    if difference == 0:
        return []
    tolerance = ROUNDING_TOLERANCE_PER_ROW * max(parts, 1)
    text = f"{what}：填报{format_amount(printed)}，计算为{format_amount(computed)}，相差{format_amount(abs(difference))}"
    if abs(difference) <= tolerance:
        return [Finding(loc, f"{text}（尾数误差）", Severity.WARNING)]
    return [Finding(loc, text)]


def agree(loc: tuple, what_a: str, a: Decimal, what_b: str, b: Decimal, parts: int) -> list[Finding]:
    """Two computed figures that must be equal (an identity between tables)."""
    difference = a - b
    if difference == 0:
        return []
    text = f"{what_a}{format_amount(a)}与{what_b}{format_amount(b)}不一致，相差{format_amount(abs(difference))}"
    if abs(difference) <= ROUNDING_TOLERANCE_PER_ROW * max(parts, 1):
        return [Finding(loc, f"{text}（尾数误差）", Severity.WARNING)]
    return [Finding(loc, text)]


# --------------------------------------------------------------------------- 功能分类 tables


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
    """Tables 02, 03 and 05 computed from the entered lines."""

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
    """Compute 款/类/合计 from the lowest entered lines of each table and check what was typed."""
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
                    findings += _check_entered(("functions", index[line.code], table, c),
                                               f"{TABLE_NAMES[table]}{line.code}{_title(table, c)}",
                                               entered.get(c), computed[c], len(children))
            elif any(entered.get(c) is not None for c in columns):
                computed = {c: entered.get(c) or ZERO for c in parts}
            else:
                continue
            row_total = total(computed.values())
            findings += _check_entered(("functions", index[line.code], table, "total"),
                                       f"{TABLE_NAMES[table]}{line.code}{_title(table, 'total')}",
                                       entered.get("total"), row_total, len(parts))
            values[line.code] = {"total": row_total, **computed}
        rows = [CodeRow(l.code, l.name, l.level, values[l.code]) for l in order if l.code in values]
        grand = {c: total(r.values[c] for r in rows if r.level == 1) for c in columns}
        rows.insert(0, CodeRow("", "合计", 0, grand))
        printed = getattr(accounts.printed_totals, table)
        if printed is not None:
            for c in columns:
                findings += _check_entered(("printed_totals", table, c), f"{TABLE_NAMES[table]}合计{_title(table, c)}",
                                           getattr(printed, c), grand[c], sum(1 for r in rows if r.level == 1))
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


# --------------------------------------------------------------------------- 经济分类 (公开06表)


@dataclass(frozen=True)
class EconomicRow:
    code: str
    name: str
    amount: Decimal | None
    not_applicable: bool
    personnel: bool


@dataclass
class EconomicTable:
    rows: list[EconomicRow]
    personnel: Decimal
    public: Decimal


def economic_table(accounts: Accounts, basic_expenditure: Decimal) -> tuple[EconomicTable, list[Finding]]:
    """人员经费 (301, 303) and 公用经费 (the rest) from the 款 lines; 类 lines are their sums."""
    findings: list[Finding] = []
    lines = accounts.economic
    items = {l.code: l for l in lines}
    sums: dict[str, Decimal] = {}
    for i, line in enumerate(lines):
        if len(line.code) == 3:
            children = [c for c in lines if len(c.code) == 5 and c.code.startswith(line.code)]
            if children:
                sums[line.code] = total(c.amount for c in children)
                findings += _check_entered(("economic", i, "amount"), f"公开06表{line.code}{line.name}",
                                           line.amount, sums[line.code], len(children))
            else:
                sums[line.code] = line.amount or ZERO
        elif line.code[:3] not in items:
            findings.append(Finding(("economic", i, "code"), f"经济分类{line.code}缺少所属类（{line.code[:3]}）的名称行"))
    rows = [EconomicRow(l.code, l.name, sums.get(l.code, l.amount) if len(l.code) == 3 else l.amount,
                        l.not_applicable, l.code[:3] in PERSONNEL_CODES) for l in lines]
    personnel = total(v for k, v in sums.items() if k in PERSONNEL_CODES)
    public = total(v for k, v in sums.items() if k not in PERSONNEL_CODES)
    printed = accounts.economic_printed
    findings += _check_entered(("economic_printed", "personnel"), "人员经费合计", printed.personnel, personnel,
                               sum(1 for k in sums if k in PERSONNEL_CODES))
    findings += _check_entered(("economic_printed", "public"), "公用经费合计", printed.public, public,
                               sum(1 for k in sums if k not in PERSONNEL_CODES))
    if lines:
        findings += agree(("economic",), "公开06表人员经费与公用经费之和", personnel + public,
                          "公开05表基本支出", basic_expenditure, 2)
    return EconomicTable(rows, personnel, public), findings


# --------------------------------------------------------------------------- 自评表


@dataclass(frozen=True)
class FundingFigures:
    """One funding row of a 自评表, every derived figure computed."""

    source: str
    declared: Decimal | None
    budgeted: Decimal | None
    annual_budget: Decimal
    executed: Decimal
    balance: Decimal
    rate: Decimal | None  # 执行率 %, two decimals
    score: Decimal | None  # 预算执行率得分, two decimals


def funding_figures(source: str, declared, budgeted, annual_budget: Decimal, executed: Decimal,
                    weight: Decimal) -> FundingFigures:
    """资金结余 = 全年预算数 − 全年执行数; 执行率 = 执行数 ÷ 全年预算数; 得分 = 分值 × 执行率 (≤ 分值)."""
    ratio = executed / annual_budget if annual_budget else None
    return FundingFigures(
        source, declared, budgeted, annual_budget, executed,
        balance=annual_budget - executed,
        rate=round_half_up(ratio * 100, 2) if ratio is not None else None,
        score=round_half_up(min(weight, weight * ratio), 2) if ratio is not None else None,
    )


@dataclass(frozen=True)
class SelfEvaluationFigures:
    rows: list[FundingFigures]
    total_row: FundingFigures
    indicator_score: Decimal
    total_score: Decimal
    grade: Grade


def self_evaluation_figures(form: SelfEvaluation, bands: GradeBands | None = None) -> SelfEvaluationFigures:
    rows = [funding_figures(f.source, f.declared, f.budgeted, f.annual_budget, f.executed, form.budget_weight)
            for f in form.funding]

    def opt_total(attr):
        values = [getattr(r, attr) for r in rows]
        return None if all(v is None for v in values) else total(values)

    total_row = funding_figures("资金总额", opt_total("declared"), opt_total("budgeted"),
                                total(r.annual_budget for r in rows), total(r.executed for r in rows),
                                form.budget_weight)
    indicator_score = total(i.score for i in form.indicators)
    total_score = (total_row.score or ZERO) + indicator_score
    return SelfEvaluationFigures(rows, total_row, indicator_score, total_score, grade_for(total_score, bands))


def check_self_evaluation(form: SelfEvaluation, figures: SelfEvaluationFigures) -> list[Finding]:
    """执行率, 结余, 得分 follow from the funding lines; 得分 ≤ 分值; weights add to 100; 总分 and grade."""
    findings: list[Finding] = []
    for i, (entered, row) in enumerate(zip(form.funding, figures.rows)):
        findings += _check_funding(("funding", i), entered, row)
    if form.printed_total_row is not None:
        findings += _check_funding(("printed_total_row",), form.printed_total_row, figures.total_row)
    for i, ind in enumerate(form.indicators):
        if ind.score is not None and ind.score > ind.weight:
            findings.append(Finding(("indicators", i, "score"),
                                    f"指标“{ind.name}”得分{ind.score}超过分值{ind.weight}"))
    weights = form.budget_weight + total(i.weight for i in form.indicators)
    if weights != 100:
        findings.append(Finding(("indicators",), f"分值合计应为100（预算执行率{form.budget_weight}＋各指标），实际为{weights}"))
    if form.printed_total is not None:
        findings += compare(("printed_total",), "总分（预算执行率得分＋各指标得分）", form.printed_total,
                            round_half_up(figures.total_score, 2), 1)
    if form.printed_grade and form.printed_grade.strip() != figures.grade.value:
        findings.append(Finding(("printed_grade",), f"等级填报为“{form.printed_grade}”，按计算的总分"
                                f"{figures.total_score:.2f}应为“{figures.grade.value}”"))
    return findings


def _check_funding(loc: tuple, entered, row: FundingFigures) -> list[Finding]:
    findings = []
    checks = [("balance", "资金结（转）余", row.balance), ("rate", "执行率", row.rate), ("score", "得分", row.score)]
    for attr, what, computed in checks:
        printed = getattr(entered, attr)
        if printed is None or computed is None:
            continue
        # compare at the printed precision: 98.4 printed for 98.40 is the same figure
        places = max(-printed.as_tuple().exponent, 0)
        if round_half_up(computed, places) != printed:
            findings += compare(loc + (attr,), f"{row.source}{what}", printed, computed, 1)
    return findings


# --------------------------------------------------------------------------- 公开01表, 公开04表


FUNDS = ("general_budget", "government_fund", "state_capital")
INCOME_ITEMS = [("general_budget", "一般公共预算财政拨款收入"), ("government_fund", "政府性基金预算财政拨款收入"),
                ("state_capital", "国有资本经营预算财政拨款收入"), ("superior", "上级补助收入"),
                ("business", "事业收入"), ("operating", "经营收入"), ("affiliated", "附属单位上缴收入"),
                ("other", "其他收入")]


@dataclass(frozen=True)
class AccountsSummaryFigures:
    """收入支出决算总表 (公开01表), computed."""

    income: list[tuple[str, Decimal | None]]
    income_total: Decimal
    unused_non_fiscal_balance: Decimal | None
    opening_balance: Decimal | None
    grand_income: Decimal
    categories: list[tuple[str, str, Decimal | None]]  # every standard 类, amount from 公开03表
    expenditure_total: Decimal
    surplus_distribution: Decimal | None
    closing_balance: Decimal | None
    grand_expenditure: Decimal


@dataclass(frozen=True)
class FiscalSummaryFigures:
    """财政拨款收入支出决算总表 (公开04表), computed."""

    income: dict[str, Decimal | None]
    income_total: Decimal
    opening_balance: dict[str, Decimal | None]
    grand_income: Decimal
    categories: list[tuple[str, str, dict[str, Decimal | None]]]
    expenditure_total: dict[str, Decimal]
    closing_balance: dict[str, Decimal | None]
    grand_expenditure: dict[str, Decimal]


def _by_category(lines, columns) -> dict[str, Decimal]:
    """Σ of the lowest lines of 公开07/08表 by 类 (a line with children is not counted again)."""
    codes = {l.code for l in lines}
    out: dict[str, Decimal] = {}
    for l in lines:
        if any(c != l.code and c.startswith(l.code) for c in codes):
            continue
        out[l.code[:3]] = out.get(l.code[:3], ZERO) + total(getattr(l, c) for c in columns)
    return out


def accounts_summary(accounts: Accounts, tables: FunctionTables) -> tuple[AccountsSummaryFigures, list[Finding]]:
    s = accounts.summary
    findings: list[Finding] = []
    income_02 = tables.total("income")
    computed_income = {key: getattr(s.income, key) for key in FUNDS}
    for key in ("superior", "business", "operating", "affiliated", "other"):
        computed_income[key] = income_02.get(key) or None
        findings += _check_entered(("summary", "income", key), f"收入支出决算总表{dict(INCOME_ITEMS)[key]}",
                                   getattr(s.income, key), income_02.get(key))
    fiscal = total(computed_income[k] for k in FUNDS)
    findings += agree(("summary", "income"), "收入支出决算总表财政拨款收入（三项之和）", fiscal,
                      "公开02表“财政拨款收入”合计", income_02.get("fiscal"), 3)
    income_total = total(computed_income.values())
    findings += _check_entered(("summary", "income_total"), "本年收入合计", s.income_total, income_total, 8)
    grand_income = income_total + (s.unused_non_fiscal_balance or ZERO) + (s.opening_balance or ZERO)
    findings += _check_entered(("summary", "grand_income"), "收入总计", s.grand_income, grand_income, 3)
    by_code = {r.code: r for r in tables.categories("expenditure")}
    categories = [(code, name, by_code[code].get("total") if code in by_code else None)
                  for code, name in CATEGORIES.items()]
    for code, printed in s.expenditure_categories.items():
        computed = by_code[code].get("total") if code in by_code else ZERO
        findings += compare(("summary", "expenditure_categories", code), f"收入支出决算总表{CATEGORIES.get(code, code)}",
                            printed, computed, 1)
    expenditure_total = tables.total("expenditure").get("total")
    findings += _check_entered(("summary", "expenditure_total"), "本年支出合计", s.expenditure_total, expenditure_total,
                               len(by_code))
    grand_expenditure = expenditure_total + (s.surplus_distribution or ZERO) + (s.closing_balance or ZERO)
    findings += _check_entered(("summary", "grand_expenditure"), "支出总计", s.grand_expenditure, grand_expenditure, 3)
    findings += agree(("summary",), "收入总计", grand_income, "支出总计", grand_expenditure, 2)
    return AccountsSummaryFigures(
        income=[(label, computed_income[key]) for key, label in INCOME_ITEMS],
        income_total=income_total, unused_non_fiscal_balance=s.unused_non_fiscal_balance,
        opening_balance=s.opening_balance, grand_income=grand_income, categories=categories,
        expenditure_total=expenditure_total, surplus_distribution=s.surplus_distribution,
        closing_balance=s.closing_balance, grand_expenditure=grand_expenditure,
    ), findings


def fiscal_summary(accounts: Accounts, tables: FunctionTables) -> tuple[FiscalSummaryFigures, list[Finding]]:
    f = accounts.fiscal_summary
    findings: list[Finding] = []
    income = {k: getattr(f.income, k) for k in FUNDS}
    for k in FUNDS:
        findings += _check_entered(("fiscal_summary", "income", k), "财政拨款收入支出决算总表本年收入（与公开01表）",
                                   getattr(accounts.summary.income, k), income[k] or ZERO)
    income_total = total(income.values())
    findings += _check_entered(("fiscal_summary", "income_total"), "财政拨款本年收入合计", f.income_total, income_total, 3)
    opening = {k: getattr(f.opening_balance, k) for k in FUNDS}
    grand_income = income_total + total(opening.values())
    findings += _check_entered(("fiscal_summary", "grand_income"), "财政拨款收入总计", f.grand_income, grand_income, 4)
    general = {r.code: r.get("total") for r in tables.categories("general_budget")}
    funds = _by_category(accounts.government_fund, ("basic", "project"))
    capital = _by_category(accounts.state_capital, ("basic", "project"))
    categories = []
    for code, name in CATEGORIES.items():
        cols = {"general_budget": general.get(code), "government_fund": funds.get(code), "state_capital": capital.get(code)}
        cols["total"] = total(cols.values()) if any(v is not None for v in cols.values()) else None
        categories.append((code, name, cols))
        printed = f.expenditure_categories.get(code)
        if printed is not None:
            for k in ("total", *FUNDS):
                findings += _check_entered(("fiscal_summary", "expenditure_categories", code, k),
                                           f"财政拨款收入支出决算总表{name}", getattr(printed, k), cols[k] or ZERO)
    expenditure_total = {k: total(c[2][k] for c in categories) for k in ("total", *FUNDS)}
    if f.expenditure_total is not None:
        for k in ("total", *FUNDS):
            findings += _check_entered(("fiscal_summary", "expenditure_total", k), "财政拨款本年支出合计",
                                       getattr(f.expenditure_total, k), expenditure_total[k], len(general))
    closing = {k: getattr(f.closing_balance, k) for k in FUNDS}
    grand_expenditure = {k: expenditure_total[k] + (closing.get(k) or ZERO) for k in FUNDS}
    grand_expenditure["total"] = total(grand_expenditure.values())
    if f.grand_expenditure is not None:
        for k in ("total", *FUNDS):
            findings += _check_entered(("fiscal_summary", "grand_expenditure", k), "财政拨款支出总计",
                                       getattr(f.grand_expenditure, k), grand_expenditure[k], 3)
    findings += agree(("fiscal_summary",), "财政拨款收入总计", grand_income, "财政拨款支出总计",
                      grand_expenditure["total"], 2)
    return FiscalSummaryFigures(income, income_total, opening, grand_income, categories, expenditure_total,
                                closing, grand_expenditure), findings


def _check_entered(loc, what, entered: Decimal | None, computed: Decimal | None, parts: int = 1) -> list[Finding]:
    """Typed figures are checked, absent ones are simply computed."""
    if entered is None:
        return []
    return compare(loc, what, entered, computed or ZERO, parts)


# --------------------------------------------------------------------------- 公开09表, 公开10表

THREE_PUBLIC = [("overseas", "因公出国（境）费"), ("vehicle_purchase", "公务用车购置费"),
                ("vehicle_operation", "公务用车运行维护费"), ("reception", "公务接待费")]


def three_public_totals(items) -> dict[str, Decimal]:
    values = {k: getattr(items, k) or ZERO for k, _ in THREE_PUBLIC}
    values["vehicles"] = values["vehicle_purchase"] + values["vehicle_operation"]
    values["total"] = values["overseas"] + values["vehicles"] + values["reception"]
    return values


VEHICLE_KINDS = [("vice_ministerial", "副部（省）级及以上领导用车"), ("principal", "主要负责人用车"),
                 ("confidential", "机要通信用车"), ("emergency", "应急保障用车"), ("law_enforcement", "执法执勤用车"),
                 ("special", "特种专业技术用车"), ("retired_service", "离退休干部服务用车"), ("other", "其他用车")]


def check_statistics(accounts: Accounts) -> list[Finding]:
    st = accounts.statistics
    findings = []
    p = st.procurement
    findings += _check_entered(("statistics", "procurement", "total"), "政府采购合计", p.total,
                               total([p.goods, p.works, p.services]), 3)
    vehicles = sum(getattr(st.vehicles, k) or 0 for k, _ in VEHICLE_KINDS)
    if st.vehicles.total is not None and st.vehicles.total != vehicles:
        findings.append(Finding(("statistics", "vehicles", "total"), f"车辆数合计填报{st.vehicles.total}辆，各类相加为{vehicles}辆"))
    return findings


# --------------------------------------------------------------------------- everything at once


@dataclass
class Computed:
    """Everything derived from the data once, shared by the tables and the sentences."""

    functions: FunctionTables
    summary: AccountsSummaryFigures
    fiscal: FiscalSummaryFigures
    economic: EconomicTable
    forms: list[SelfEvaluationFigures]
    findings: dict[str, list[Finding]]


def compute(accounts: Accounts, forms: list[SelfEvaluation], bands: GradeBands | None = None) -> Computed:
    """All figures and all findings, located relative to their block."""
    functions, f_functions = function_tables(accounts)
    only_general = not accounts.government_fund and not accounts.state_capital and all(
        functions.total("income").get(c) == 0 for c in ("superior", "business", "operating", "affiliated", "other"))
    f_functions += check_overlap(functions, only_general, accounts)
    summary, f_summary = accounts_summary(accounts, functions)
    fiscal, f_fiscal = fiscal_summary(accounts, functions)
    economic, f_economic = economic_table(accounts, functions.total("general_budget").get("basic"))
    figures = [self_evaluation_figures(f, bands) for f in forms]
    form_findings = []
    for i, (form, fig) in enumerate(zip(forms, figures)):
        form_findings += [Finding((i,) + x.loc, f"《{form.project}》{x.message}", x.severity)
                          for x in check_self_evaluation(form, fig)]
    return Computed(functions, summary, fiscal, economic, figures, {
        "accounts": f_functions + f_summary + f_fiscal + f_economic + check_statistics(accounts),
        "self_evaluations": form_findings,
    })


def check_explanations(explanations: Explanations, computed: Computed) -> list[Finding]:
    """The figures the department typed for 情况说明: the 年初预算 total against its categories,
    and the counts printed in 预算绩效管理工作开展情况 against the 自评表."""
    printed = explanations.performance.printed
    facts = performance_facts(computed)
    findings = []
    pairs = [("projects", "自评项目个数", facts["projects"]), ("excellent", "自评等级为“优”的项目数", facts["excellent"]),
             ("good", "自评等级为“良”的项目数", facts["good"]), ("fair", "自评等级为“中”的项目数", facts["fair"]),
             ("poor", "自评等级为“差”的项目数", facts["poor"])]
    for key, what, value in pairs:
        if getattr(printed, key) is not None and getattr(printed, key) != value:
            findings.append(Finding(("performance", "printed", key),
                                    f"{what}：填报{getattr(printed, key)}，按各自评表计算为{value}"))
    budget = explanations.annual_budget
    if budget.general_budget_total is not None and budget.categories:
        findings += compare(("annual_budget", "general_budget_total"), "一般公共预算财政拨款支出年初预算（各类之和）",
                            budget.general_budget_total, total(budget.categories.values()), len(budget.categories))
    if printed.amount is not None and printed.amount != round_half_up(facts["amount"], 2):
        findings.append(Finding(("performance", "printed", "amount"),
                                f"自评资金：填报{format_amount(printed.amount)}万元，各自评表全年执行数合计为{format_amount(facts['amount'])}万元"))
    share = percentage(facts["amount"], computed.functions.total("expenditure").get("project"))
    if printed.share is not None and share is not None and printed.share != share:
        findings.append(Finding(("performance", "printed", "share"),
                                f"占项目支出总额比例：填报{printed.share}%，计算为{share}%"))
    return findings


def performance_facts(computed: Computed) -> dict:
    counts = grade_counts([f.grade for f in computed.forms])
    # 涉及资金: what the self-evaluated projects spent (全年执行数), as the disclosures print it
    return {"projects": len(computed.forms), "amount": total(f.total_row.executed for f in computed.forms),
            "excellent": counts[Grade.EXCELLENT], "good": counts[Grade.GOOD],
            "fair": counts[Grade.FAIR], "poor": counts[Grade.POOR]}


