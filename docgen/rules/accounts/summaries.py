"""The two summary tables: 收入支出决算总表 (公开01表) and 财政拨款收入支出决算总表 (公开04表)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.diagnostics import Finding
from docgen.models.accounts import Accounts
from docgen.rules.accounts.common import CATEGORIES, ZERO, agree, check_entered, compare, shown, total
from docgen.rules.accounts.functions import FunctionTables


FUNDS = ("general_budget", "government_fund", "state_capital")
INCOME_ITEMS = [("general_budget", "一般公共预算财政拨款收入"), ("government_fund", "政府性基金预算财政拨款收入"),
                ("state_capital", "国有资本经营预算财政拨款收入"), ("superior", "上级补助收入"),
                ("business", "事业收入"), ("operating", "经营收入"), ("affiliated", "附属单位上缴收入"),
                ("other", "其他收入")]


@dataclass(frozen=True)
class AccountsSummaryFigures:
    """收入支出决算总表 (公开01表) as printed: typed figures as typed, the others computed."""

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
    """财政拨款收入支出决算总表 (公开04表) as printed: typed figures as typed, the others computed."""

    income: dict[str, Decimal | None]
    income_total: Decimal
    opening_balance: dict[str, Decimal | None]
    grand_income: Decimal
    categories: list[tuple[str, str, dict[str, Decimal | None]]]
    expenditure_total: dict[str, Decimal]
    closing_balance: dict[str, Decimal | None]
    grand_expenditure: dict[str, Decimal]
    opening_total: Decimal  # 年初财政拨款结转和结余, the three funds together
    closing_total: Decimal  # 年末财政拨款结转和结余, the three funds together


def fund_line_total(line) -> Decimal:
    """A line of 公开07表 or 公开08表: 基本支出 + 项目支出 (absent parts count 0)."""
    return total([line.basic, line.project])


def fund_lines_total(lines) -> Decimal:
    """What 公开07表 or 公开08表 spent: the sum of its lines' totals (as the sentence of
    情况说明 states it)."""
    return total(fund_line_total(line) for line in lines)


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
    """公开01表: what is not typed comes from 公开02/03表 and the identities; what is typed prints
    as typed and is checked against them."""
    s = accounts.summary
    findings: list[Finding] = []
    income_02 = tables.total("income")
    computed_income = {key: getattr(s.income, key) for key in FUNDS}
    for key in ("superior", "business", "operating", "affiliated", "other"):
        findings += check_entered(("summary", "income", key), f"收入支出决算总表{dict(INCOME_ITEMS)[key]}",
                                   getattr(s.income, key), income_02.get(key))
        computed_income[key] = shown(getattr(s.income, key), income_02.get(key) or None)
    fiscal = total(computed_income[k] for k in FUNDS)
    findings += agree(("summary", "income"), "收入支出决算总表财政拨款收入（三项之和）", fiscal,
                      "公开02表“财政拨款收入”合计", income_02.get("fiscal"), 3)
    income_total = total(computed_income.values())
    findings += check_entered(("summary", "income_total"), "本年收入合计", s.income_total, income_total, 8)
    income_total = shown(s.income_total, income_total)
    grand_income = income_total + (s.unused_non_fiscal_balance or ZERO) + (s.opening_balance or ZERO)
    findings += check_entered(("summary", "grand_income"), "收入总计", s.grand_income, grand_income, 3)
    grand_income = shown(s.grand_income, grand_income)
    by_code = {r.code: r for r in tables.categories("expenditure")}
    categories = [(code, name, shown(s.expenditure_categories.get(code),
                                     by_code[code].get("total") if code in by_code else None))
                  for code, name in CATEGORIES.items()]
    for code, printed in s.expenditure_categories.items():
        computed = by_code[code].get("total") if code in by_code else ZERO
        findings += compare(("summary", "expenditure_categories", code), f"收入支出决算总表{CATEGORIES.get(code, code)}",
                            printed, computed, 1)
    expenditure_total = tables.total("expenditure").get("total")
    findings += check_entered(("summary", "expenditure_total"), "本年支出合计", s.expenditure_total, expenditure_total,
                               len(by_code))
    expenditure_total = shown(s.expenditure_total, expenditure_total)
    grand_expenditure = expenditure_total + (s.surplus_distribution or ZERO) + (s.closing_balance or ZERO)
    findings += check_entered(("summary", "grand_expenditure"), "支出总计", s.grand_expenditure, grand_expenditure, 3)
    grand_expenditure = shown(s.grand_expenditure, grand_expenditure)
    findings += agree(("summary",), "收入总计", grand_income, "支出总计", grand_expenditure, 2)
    return AccountsSummaryFigures(
        income=[(label, computed_income[key]) for key, label in INCOME_ITEMS],
        income_total=income_total, unused_non_fiscal_balance=s.unused_non_fiscal_balance,
        opening_balance=s.opening_balance, grand_income=grand_income, categories=categories,
        expenditure_total=expenditure_total, surplus_distribution=s.surplus_distribution,
        closing_balance=s.closing_balance, grand_expenditure=grand_expenditure,
    ), findings


def fiscal_summary(accounts: Accounts, tables: FunctionTables) -> tuple[FiscalSummaryFigures, list[Finding]]:
    """公开04表: computed from 公开05/07/08表 and the balances; typed figures print as typed."""
    f = accounts.fiscal_summary
    findings: list[Finding] = []
    income = {k: getattr(f.income, k) for k in FUNDS}
    for k in FUNDS:
        findings += check_entered(("fiscal_summary", "income", k), "财政拨款收入支出决算总表本年收入（与公开01表）",
                                   getattr(accounts.summary.income, k), income[k] or ZERO)
    income_total = total(income.values())
    findings += check_entered(("fiscal_summary", "income_total"), "财政拨款本年收入合计", f.income_total, income_total, 3)
    income_total = shown(f.income_total, income_total)
    opening = {k: getattr(f.opening_balance, k) for k in FUNDS}
    grand_income = income_total + total(opening.values())
    findings += check_entered(("fiscal_summary", "grand_income"), "财政拨款收入总计", f.grand_income, grand_income, 4)
    grand_income = shown(f.grand_income, grand_income)
    general = {r.code: r.get("total") for r in tables.categories("general_budget")}
    funds = _by_category(accounts.government_fund, ("basic", "project"))
    capital = _by_category(accounts.state_capital, ("basic", "project"))
    categories = []
    for code, name in CATEGORIES.items():
        cols = {"general_budget": general.get(code), "government_fund": funds.get(code), "state_capital": capital.get(code)}
        cols["total"] = total(cols.values()) if any(v is not None for v in cols.values()) else None
        printed = f.expenditure_categories.get(code)
        if printed is not None:
            for k in ("total", *FUNDS):
                findings += check_entered(("fiscal_summary", "expenditure_categories", code, k),
                                           f"财政拨款收入支出决算总表{name}", getattr(printed, k), cols[k] or ZERO)
            cols = {k: shown(getattr(printed, k), v) for k, v in cols.items()}
        categories.append((code, name, cols))
    expenditure_total = {k: total(c[2][k] for c in categories) for k in ("total", *FUNDS)}
    if f.expenditure_total is not None:
        for k in ("total", *FUNDS):
            findings += check_entered(("fiscal_summary", "expenditure_total", k), "财政拨款本年支出合计",
                                       getattr(f.expenditure_total, k), expenditure_total[k], len(general))
        expenditure_total = {k: shown(getattr(f.expenditure_total, k), v) for k, v in expenditure_total.items()}
    closing = {k: getattr(f.closing_balance, k) for k in FUNDS}
    grand_expenditure = {k: expenditure_total[k] + (closing.get(k) or ZERO) for k in FUNDS}
    grand_expenditure["total"] = total(grand_expenditure.values())
    if f.grand_expenditure is not None:
        for k in ("total", *FUNDS):
            findings += check_entered(("fiscal_summary", "grand_expenditure", k), "财政拨款支出总计",
                                       getattr(f.grand_expenditure, k), grand_expenditure[k], 3)
        grand_expenditure = {k: shown(getattr(f.grand_expenditure, k), v) for k, v in grand_expenditure.items()}
    findings += agree(("fiscal_summary",), "财政拨款收入总计", grand_income, "财政拨款支出总计",
                      grand_expenditure["total"], 2)
    return FiscalSummaryFigures(income, income_total, opening, grand_income, categories, expenditure_total,
                                closing, grand_expenditure, opening_total=total(opening.values()),
                                closing_total=total(closing.values())), findings
