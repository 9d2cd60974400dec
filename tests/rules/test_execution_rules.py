"""预算执行: 预算执行率 of one project and of a batch, the placeholders' values, and the checks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from docgen.diagnostics import Severity
from docgen.models import Amount, EvaluatedProject
from docgen.rules.execution import (
    check_execution,
    check_execution_placeholders,
    execution_rate,
    execution_totals,
    execution_values,
    overall_execution_rate,
    rate_places,
)
from docgen.rules.summary import summary_values


def A(text: str) -> Amount:
    return Amount.model_validate(text)


def project(budget=None, executed=None, rate=None, name="项目甲") -> EvaluatedProject:
    return EvaluatedProject(name=name, budget=budget, executed=executed, execution_rate=rate)


@pytest.mark.parametrize("budget, executed, rate", [
    ("200万元", "180.5万元", D("90.25")),
    ("200万元", "180.58万元", D("90.29")),
    ("800元", "721元", D("90.13")),        # 90.125: half up (banker's rounding gives 90.12)
    ("800元", "720.92元", D("90.12")),     # 90.115 → 90.12
    ("3元", "2元", D("66.67")),
    ("3元", "1元", D("33.33")),
    ("200万元", "1805000元", D("90.25")),  # units differ: compared in 元
    ("1亿元", "9999.995万元", D("100.00")),  # 99.99995 → 100.00
    ("100万元", "0元", D("0.00")),
    ("100万元", "120万元", D("120.00")),
])
def test_execution_rate_is_half_up_to_two_decimals(budget, executed, rate):
    result = execution_rate(A(budget), A(executed))
    assert isinstance(result, D) and result == rate and str(result) == str(rate)


def test_execution_rate_is_none_without_a_budget():
    assert execution_rate(None, A("10万元")) is None
    assert execution_rate(A("0万元"), A("10万元")) is None
    assert execution_rate(A("10万元"), None) is None


def test_overall_rate_is_from_the_sums_not_an_average_of_rates():
    projects = [project("100万元", "50万元"), project("300万元", "300万元")]  # 50% and 100%
    assert overall_execution_rate(projects) == D("87.50")  # 350 / 400, not 75


def test_overall_rate_leaves_out_projects_without_both_amounts():
    projects = [project("800元", "721元"), project("500元"), project(executed="99元"), project(),
                project(rate="50%")]
    assert overall_execution_rate(projects) == D("90.13")  # 721 / 800 = 90.125, half up
    totals = execution_totals(projects)
    assert (totals.budget, totals.executed, totals.projects) == (D("0.08"), D("0.0721"), 1)  # 万元, exact


def test_overall_rate_counts_a_zero_budget_and_is_none_when_nothing_to_divide():
    assert overall_execution_rate([project("0元", "10元"), project("90元", "80元")]) == D("100.00")
    assert overall_execution_rate([project("0元", "10元")]) is None
    assert overall_execution_rate([project("10元"), project(executed="10元")]) is None
    assert overall_execution_rate([]) is None


def test_placeholder_values_are_the_sums_in_the_unit_and_the_rate():
    projects = [project("200万元", "180.58万元"), project("1000000元", "950000元"), project("7万元")]
    assert execution_values(projects) == {"预算数": "300.00", "执行数": "275.58", "预算执行率": "91.86%"}
    # the exact sums, rounded half up where printed: 0.005万元 + 0.005万元 is 0.01 (not 0.01 + 0.01)
    assert execution_values([project("50元", "40元"), project("50元", "40元")]) == {
        "预算数": "0.01", "执行数": "0.01", "预算执行率": "80.00%"}
    assert execution_values([project("0元", "1元")]) == {"预算数": "0.00", "执行数": "0.00"}
    assert execution_values([project("1元")]) == {}
    values = summary_values(projects, [None] * 3, projects[0].budget.unit)
    assert (values["预算数"], values["执行数"], values["预算执行率"]) == ("300.00", "275.58", "91.86%")


def test_entered_rate_keeps_its_digits():
    assert str(project(rate="90.30%").execution_rate) == "90.30"
    assert str(project(rate="９０．３％").execution_rate) == "90.3"
    assert project(rate=90).execution_rate == D(90)
    assert [rate_places(D(x)) for x in ("90.3", "90.30", "90", "0.9029")] == [1, 2, 0, 4]
    assert project(rate="90.29%").model_dump(mode="json")["execution_rate"] == "90.29%"


# --- check_execution


def test_a_wrong_rate_is_an_error_with_both_values():
    (finding,) = check_execution(project("200万元", "180.48万元", "90.3%"))  # 90.24%
    assert finding.loc == ("execution_rate",) and finding.severity is Severity.ERROR
    assert finding.message == ("预算执行率90.3%与执行数180.48万元÷预算数200万元=90.24%不符：按所写精度（1位小数）"
                               "四舍五入应为90.2%，相差超过0.05个百分点")


def test_a_rate_entered_as_a_fraction_gets_a_hint():
    (finding,) = check_execution(project("200万元", "180.58万元", "0.9029"))
    assert finding.severity is Severity.ERROR
    assert "预算执行率0.9029%" in finding.message and "90.2900%" in finding.message
    assert finding.message.endswith("如填写的是小数，请写成百分数“90.29%”")


@pytest.mark.parametrize("executed", ["180.5万元", "180.6万元", "180.69999万元"])  # 90.25, 90.30, 90.349995
def test_a_rate_within_its_precision_passes(executed):
    assert check_execution(project("200万元", executed, "90.3%")) == []


@pytest.mark.parametrize("rate, executed", [
    ("90.3%", "180.7万元"),   # 90.35 is 90.4 half up; exactly 0.05 off
    ("90.2%", "180.5万元"),   # 90.25 printed 90.2 (round half even, or cut off)
])
def test_a_rate_half_a_unit_off_the_other_way_is_a_warning(rate, executed):
    (finding,) = check_execution(project("200万元", executed, rate))
    assert finding.severity is Severity.WARNING and finding.loc == ("execution_rate",)


@pytest.mark.parametrize("executed", ["180.49998万元", "180.70002万元"])  # 90.24999, 90.35001
def test_a_rate_just_beyond_its_precision_is_an_error(executed):
    (finding,) = check_execution(project("200万元", executed, "90.3%"))
    assert finding.severity is Severity.ERROR and finding.loc == ("execution_rate",)
    assert "预算执行率90.3%" in finding.message and "相差超过0.05个百分点" in finding.message


def test_two_decimals_at_the_half():
    assert check_execution(project("200万元", "180.57万元", "90.29%")) == []  # 90.285 → 90.29
    (finding,) = check_execution(project("200万元", "180.57万元", "90.28%"))
    assert finding.severity is Severity.WARNING


def test_the_tie_warning_says_what_half_up_gives():
    (finding,) = check_execution(project("200万元", "180.5万元", "90.2%"))
    assert finding.message == ("预算执行率90.2%：执行数180.5万元÷预算数200万元=90.25%，恰好相差半个末位，"
                               "保留1位小数按四舍五入应为90.3%")


@pytest.mark.parametrize("executed, severity", [
    ("179万元", None),                  # 89.5 → 90
    ("180.9998万元", None),             # 90.4999 → 90
    ("181万元", Severity.WARNING),      # 90.5 → 91: exactly 0.5 off
    ("181.02万元", Severity.ERROR),     # 90.51
    ("178.98万元", Severity.ERROR),     # 89.49
])
def test_a_whole_number_rate_has_a_tolerance_of_half_a_percent(executed, severity):
    findings = check_execution(project("200万元", executed, "90"))
    assert [f.severity for f in findings] == ([severity] if severity else [])


def test_missing_amounts_are_warnings():
    (only_executed,) = check_execution(project(executed="10万元"))
    (only_budget,) = check_execution(project("10万元"))
    (unchecked,) = check_execution(project("10万元", rate="90%"))
    for finding, loc in ((only_executed, "executed"), (only_budget, "budget"), (unchecked, "execution_rate")):
        assert finding.loc == (loc,) and finding.severity is Severity.WARNING
        assert "不计入{预算数}、{执行数}和{预算执行率}" in finding.message
    assert "没有预算数（budget）" in only_executed.message and "没有执行数（executed）" in unchecked.message
    assert check_execution(project()) == []
    assert check_execution(project("200万元", "180万元")) == []


def test_zero_budget_and_overspending_are_warnings():
    (zero,) = check_execution(project("0万元", "5万元", "10%"))
    assert zero.loc == ("budget",) and zero.severity is Severity.WARNING and "预算数为0" in zero.message
    (over,) = check_execution(project("200万元", "210万元", "105%"))
    assert over.loc == ("executed",) and over.severity is Severity.WARNING
    assert over.message == "执行数210万元大于预算数200万元（预算执行率105.00%），请核对是否填反"


# --- the placeholders in a narrative


def test_quoting_the_rate_without_any_budget_is_an_error():
    (finding,) = check_execution_placeholders("预算执行率{预算执行率}。", [project(), project("1万元")], ("paragraphs", 0))
    assert finding.severity is Severity.ERROR and finding.loc == ("paragraphs", 0)
    assert finding.message.startswith("正文引用了{预算执行率}，但没有评价对象同时填写预算数（budget）和执行数（executed）")
    (zero,) = check_execution_placeholders("{预算数}万元，{预算执行率}", [project("0元", "0元")])
    assert zero.severity is Severity.ERROR and "预算数合计为0" in zero.message and "{预算数}" not in zero.message


def test_quoting_the_rate_when_some_projects_lack_amounts_is_a_warning():
    projects = [project("100元", "90元"), project("100元")]
    (finding,) = check_execution_placeholders("执行率{预算执行率}", projects)
    assert finding.severity is Severity.WARNING
    assert finding.message == "{预算执行率}只按同时填写预算数和执行数的1个评价对象计算（共2个），其余1个不计入"
    assert check_execution_placeholders("执行率{预算执行率}", projects[:1]) == []
    assert check_execution_placeholders("共{评价数}个", []) == []
