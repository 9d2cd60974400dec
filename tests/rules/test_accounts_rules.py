"""The final-accounts arithmetic that 情况说明 and the tables print (docgen.rules.accounts):
year-on-year changes, shares, 公开04表 balances, 公开07/08表 totals and 公开10表 figures, on
the seed department's published figures (samples/shangdang-gov-office-2023) and on edge cases."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from docgen.input import load_dataset
from docgen.models.accounts import GovernmentFundLine, StateCapitalLine, Statistics
from docgen.rules.accounts import (
    Computed,
    compute,
    fund_line_total,
    fund_lines_total,
    function_tables,
    share,
    statistics_figures,
    year_on_year,
)

from conftest import SAMPLES

SAMPLE = SAMPLES / "shangdang-gov-office-2023"


@pytest.fixture(scope="module")
def sample():
    data = load_dataset([SAMPLE])
    return data, compute(data.accounts, data.self_evaluations, data.grade_bands)


def test_year_on_year_of_the_published_totals(sample):
    data, c = sample
    prior = data.explanations.prior_year
    # “收入总计1,654.78万元 … 增加500.00万元，增长43.30%”
    yoy = year_on_year(c.summary.grand_income, prior.income_total)
    assert (c.summary.grand_income, prior.income_total) == (D("1654.78"), D("1154.78"))
    assert (yoy.difference, yoy.amount, yoy.rate, yoy.increased, yoy.unchanged) == (
        D("500.00"), D("500.00"), D("43.30"), True, False)
    # 住房保障支出: 45.74 against 47.26, printed “减少1.52万元，下降3.22%”
    housing = c.functions.by_code("general_budget")["221"].get("total")
    yoy = year_on_year(housing, prior.categories["221"])
    assert housing == D("45.74")
    assert (yoy.difference, yoy.amount, yoy.rate, yoy.increased) == (D("-1.52"), D("1.52"), D("3.22"), False)


def test_year_on_year_edges():
    assert year_on_year(D("10"), None) is None  # no prior figure: nothing to say
    same = year_on_year(D("10.00"), D("10"))
    assert same.unchanged and not same.increased and same.rate == D("0.00")
    from_zero = year_on_year(D("284.40"), D("0"))
    assert from_zero.amount == D("284.40") and from_zero.rate is None  # no 增长率 from nothing
    assert year_on_year(D("2.675"), D("1")).rate == D("167.50")


def test_shares_of_the_published_structure(sample):
    _, c = sample
    whole = c.functions.total("general_budget").get("total")
    by_code = c.functions.by_code("general_budget")
    # “一般公共服务支出(类)1,098.45万元，占比66.38%”, “社会保障和就业支出(类)203.20万元，占比12.28%”
    assert share(by_code["201"].get("total"), whole) == D("66.38")
    assert share(by_code["208"].get("total"), whole) == D("12.28")
    assert share(by_code["210"].get("total"), whole) == D("1.39")
    assert share(None, whole) == D("0") and share(D("5"), D("0")) == D("0") and share(D("5"), None) == D("0")


def test_statistics_figures_of_the_sample(sample):
    data, c = sample
    figures = statistics_figures(data.accounts)
    assert c.statistics == figures
    assert figures.procurement_total == D("4.16")  # 货物 only; 工程、服务 blank
    assert figures.operating_costs_total == D("49.25")
    assert figures.vehicles_total == 0 and len(figures.vehicles) == 8 and figures.vehicles[1] == ("主要负责人用车", 0)


def test_statistics_figures_add_every_part(sample):
    data, _ = sample
    statistics = Statistics.model_validate({
        "procurement": {"goods": "1.10", "works": "2.20", "services": "0.05"},
        "operating_costs": {"administrative": "40.00", "civil_service_managed": "9.25"},
        "vehicles": {"principal": 1, "law_enforcement": 3, "other": 2},
    })
    accounts = data.accounts.model_copy(update={"statistics": statistics})
    figures = statistics_figures(accounts)
    assert figures.procurement_total == D("3.35") and figures.operating_costs_total == D("49.25")
    assert figures.vehicles_total == 6
    assert dict(figures.vehicles)["执法执勤用车"] == 3 and dict(figures.vehicles)["机要通信用车"] == 0


def test_fund_line_totals():
    lines = [GovernmentFundLine(code="2296002", name="用于社会福利的彩票公益金支出", basic=D("1.50"), project=D("2.25")),
             GovernmentFundLine(code="2080101", name="行政运行", project=D("0.30"))]
    assert [fund_line_total(line) for line in lines] == [D("3.75"), D("0.30")]
    assert fund_lines_total(lines) == D("4.05")
    assert fund_lines_total([StateCapitalLine(code="2230101", name="x", basic=D("7"))]) == D("7")
    assert fund_lines_total([]) == D("0")


def test_fiscal_balances_are_the_three_funds_together(sample):
    data, c = sample
    assert isinstance(c, Computed)
    # the seed prints no 年初/年末财政拨款结转和结余: both zero, and 收入总计 is 本年收入
    assert (c.fiscal.opening_total, c.fiscal.closing_total) == (D("0"), D("0"))
    assert c.fiscal.grand_income == c.fiscal.income_total + c.fiscal.opening_total == D("1654.78")


def test_fiscal_balances_add_the_funds_that_have_one(sample):
    from docgen.models.accounts import FundSplit
    from docgen.rules.accounts import fiscal_summary

    data, c = sample
    balances = {"opening_balance": FundSplit(general_budget=D("12.30"), government_fund=D("0.70")),
                "closing_balance": FundSplit(general_budget=D("5.05"), state_capital=D("1.00"))}
    # without the typed 总计 lines, 总计 are computed from the balances
    entered = data.accounts.fiscal_summary.model_copy(update={**balances, "grand_income": None,
                                                               "grand_expenditure": None})
    figures, _ = fiscal_summary(data.accounts.model_copy(update={"fiscal_summary": entered}), c.functions)
    assert (figures.opening_total, figures.closing_total) == (D("13.00"), D("6.05"))
    assert figures.grand_income == D("1654.78") + D("13.00")
    assert figures.grand_expenditure["total"] == figures.expenditure_total["total"] + D("6.05")
    # typed 总计 (the sample's 1,654.78) print as typed; the difference is reported
    entered = data.accounts.fiscal_summary.model_copy(update=balances)
    figures, findings = fiscal_summary(data.accounts.model_copy(update={"fiscal_summary": entered}), c.functions)
    assert figures.grand_income == figures.grand_expenditure["total"] == D("1654.78")
    assert {f.loc for f in findings} >= {("fiscal_summary", "grand_income"), ("fiscal_summary", "grand_expenditure", "total")}


def test_typed_figures_are_the_printed_ones(sample):
    """What the department typed (the published figure) is what the tables and sentences use;
    the lines above a typed one sum it as printed (issue 14, defect 6)."""
    data, c = sample
    assert c.functions.total("expenditure").get("basic") == D("622.19")  # typed 合计, the rows give 622.18
    assert c.functions.total("general_budget").get("basic") == D("622.19")
    row_301 = next(r for r in c.economic.rows if r.code == "301")
    assert row_301.amount == D("544.94")  # typed 类 line, its 款 lines give 544.92
    assert (c.economic.personnel, c.economic.public) == (D("572.93"), D("49.25"))
    untyped = data.accounts.model_copy(update={"printed_totals": type(data.accounts.printed_totals)()})
    tables, _ = function_tables(untyped)
    assert tables.total("expenditure").get("basic") == D("622.18")  # nothing typed: computed
