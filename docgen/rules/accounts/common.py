"""What every table of the final accounts shares: the 类 codes, sums, and comparing a printed
figure with the computed one (尾数 tolerance)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from docgen.diagnostics import Finding, Severity
from docgen.rules.formatting import format_amount
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


def shown(entered, computed):
    """The figure to print: the one the user typed (the published, official figure) when there is
    one, else the computed one. A typed figure is checked against the computed one (尾数 warning
    or error), never replaced by it."""
    return computed if entered is None else entered


def check_entered(loc, what, entered: Decimal | None, computed: Decimal | None, parts: int = 1) -> list[Finding]:
    """Typed figures are checked, absent ones are simply computed."""
    if entered is None:
        return []
    return compare(loc, what, entered, computed or ZERO, parts)
