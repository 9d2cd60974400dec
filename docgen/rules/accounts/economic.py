"""经济分类 (公开06表): 人员经费 and 公用经费 of 基本支出."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.diagnostics import Finding
from docgen.models.accounts import Accounts
from docgen.rules.accounts.common import ZERO, check_entered, agree, shown, total

#: 经济分类 类 codes counted as 人员经费; every other 类 of 基本支出 is 公用经费.
PERSONNEL_CODES = ("301", "303")


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
                computed = total(c.amount for c in children)
                findings += check_entered(("economic", i, "amount"), f"公开06表{line.code}{line.name}",
                                           line.amount, computed, len(children))
                sums[line.code] = shown(line.amount, computed)  # a typed 类 line prints as typed
            else:
                sums[line.code] = line.amount or ZERO
        elif line.code[:3] not in items:
            findings.append(Finding(("economic", i, "code"), f"经济分类{line.code}缺少所属类（{line.code[:3]}）的名称行"))
    rows = [EconomicRow(l.code, l.name, sums.get(l.code, l.amount) if len(l.code) == 3 else l.amount,
                        l.not_applicable, l.code[:3] in PERSONNEL_CODES) for l in lines]
    # 人员经费 and 公用经费 sum the 类 lines as printed; typed 合计 print as typed
    personnel = total(v for k, v in sums.items() if k in PERSONNEL_CODES)
    public = total(v for k, v in sums.items() if k not in PERSONNEL_CODES)
    printed = accounts.economic_printed
    findings += check_entered(("economic_printed", "personnel"), "人员经费合计", printed.personnel, personnel,
                               sum(1 for k in sums if k in PERSONNEL_CODES))
    findings += check_entered(("economic_printed", "public"), "公用经费合计", printed.public, public,
                               sum(1 for k in sums if k not in PERSONNEL_CODES))
    personnel, public = shown(printed.personnel, personnel), shown(printed.public, public)
    if lines:
        findings += agree(("economic",), "公开06表人员经费与公用经费之和", personnel + public,
                          "公开05表基本支出", basic_expenditure, 2)
    return EconomicTable(rows, personnel, public), findings
