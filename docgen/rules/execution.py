"""预算执行: 预算数 (``budget``), 执行数 (``executed``) and 预算执行率 (``execution_rate``) of the
evaluated projects — the per-project check and the overall figures narratives quote as
``{预算数}``, ``{执行数}`` and ``{预算执行率}``.

A rate is 执行数 ÷ 预算数 × 100 in percent. Amounts are compared in 元 (exact: a unit is a power
of ten), quotients are taken with :data:`PRECISION` significant digits, far more than any
figure here has, so that rounding half up never rounds an already rounded quotient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from docgen.diagnostics import Finding, Severity
from docgen.models import Amount, EvaluatedProject, Unit
from docgen.rules import placeholders
from docgen.rules.formatting import format_decimal, format_percent
from docgen.rules.numbers import percentage, round_half_up

#: 预算执行率 is printed with two decimals (``90.29%``).
RATE_PLACES = 2
#: Significant digits of the quotients (amounts below 10**15 with a few decimals need ~20).
PRECISION = 60

#: The placeholders of this module, in the order :data:`docgen.rules.summary.PLACEHOLDER_NAMES` lists them.
EXECUTION_PLACEHOLDERS = ["预算数", "执行数", "预算执行率"]

#: How the excluded projects are described in messages.
_NOT_COUNTED = "不计入{预算数}、{执行数}和{预算执行率}"


def _exact_rate(budget: Amount, executed: Amount, places: int = RATE_PLACES) -> Decimal | None:
    """执行数 ÷ 预算数 × 100 to :data:`PRECISION` digits more than the ``places`` it will be rounded
    to, unrounded; None when the budget is zero."""
    whole = budget.in_unit(Unit.YUAN)
    if whole == 0:
        return None
    with localcontext(prec=PRECISION + places):
        return executed.in_unit(Unit.YUAN) * 100 / whole


def execution_rate(budget: Amount | None, executed: Amount | None) -> Decimal | None:
    """预算执行率 in percent, half up to two decimals: 执行数 ÷ 预算数 × 100.

    ``180.5万元`` of ``200万元`` → ``Decimal("90.25")``; ``1万元`` of ``3万元`` → ``33.33``; ``2元``
    of ``3元`` → ``66.67``. Units may differ (``1805000元`` of ``200万元`` is 90.25). None when
    either amount is missing or the budget is zero."""
    if budget is None or executed is None:
        return None
    with localcontext(prec=PRECISION):
        return percentage(executed.in_unit(Unit.YUAN), budget.in_unit(Unit.YUAN), RATE_PLACES)


def has_both(project) -> bool:
    """The project states both 预算数 and 执行数 (those are the projects the totals count)."""
    return getattr(project, "budget", None) is not None and getattr(project, "executed", None) is not None


@dataclass(frozen=True)
class ExecutionTotals:
    """Σ预算数 and Σ执行数 (exact, in ``unit``) over the projects that state both."""

    budget: Decimal
    executed: Decimal
    unit: Unit
    projects: int  # how many projects the sums count


def execution_totals(projects: Sequence, unit: Unit = Unit.WAN) -> ExecutionTotals | None:
    """The sums behind ``{预算数}`` and ``{执行数}``: every project that states both 预算数 and 执行数,
    in ``unit``, exact (rounded only where printed). A project with only one of them is left
    out of both sums, so that the printed 执行数 ÷ 预算数 is the printed 预算执行率. None when
    no project states both."""
    counted = [p for p in projects if has_both(p)]
    if not counted:
        return None
    with localcontext(prec=PRECISION):
        budget = sum((p.budget.in_unit(unit) for p in counted), Decimal(0))
        executed = sum((p.executed.in_unit(unit) for p in counted), Decimal(0))
    return ExecutionTotals(budget, executed, unit, len(counted))


def overall_execution_rate(projects: Sequence) -> Decimal | None:
    """预算执行率 of a batch, in percent, half up to two decimals: Σ执行数 ÷ Σ预算数 × 100 over the
    projects that state both 预算数 and 执行数 (:func:`execution_totals`), from the exact sums
    (not from the sums as printed, nor an average of the projects' rates).

    Excluded: projects without 预算数 or without 执行数 (they are in neither sum; the loader warns
    about each), and the rates users entered (they are checked, never summed). A project with a
    zero 预算数 is counted (its 执行数 still raises the rate). None when no project states both,
    or when their 预算数 add up to zero."""
    totals = execution_totals(projects, Unit.YUAN)
    if totals is None:
        return None
    with localcontext(prec=PRECISION):
        return percentage(totals.executed, totals.budget, RATE_PLACES)


def execution_values(projects: Sequence, unit: Unit = Unit.WAN) -> dict[str, str]:
    """``{预算数}`` and ``{执行数}`` (the sums in ``unit``, two decimals half up, no separators,
    like ``{总金额}``) and ``{预算执行率}`` (``90.29%``), as far as they can be computed: none when
    no project states both amounts, no ``{预算执行率}`` when their 预算数 add up to zero. What a
    narrative quotes and cannot be computed is an error (:func:`check_execution_placeholders`)."""
    totals = execution_totals(projects, unit)
    if totals is None:
        return {}
    values = {"预算数": format_decimal(totals.budget), "执行数": format_decimal(totals.executed)}
    rate = overall_execution_rate(projects)
    if rate is not None:
        values["预算执行率"] = format_percent(rate, RATE_PLACES)
    return values


def check_execution_placeholders(text: str, projects: Sequence, loc: tuple = ()) -> list[Finding]:
    """A narrative quoting ``{预算数}``, ``{执行数}`` or ``{预算执行率}``:

    * an ERROR when the value cannot be computed — no project states both 预算数 and 执行数, or
      (for the rate) their 预算数 add up to zero: the document would print the ``{名称}`` itself;
    * a WARNING when some projects are left out of the sums (they state only one of the two):
      the sentence speaks of fewer projects than {评价数}.
    """
    quoted = [n for n in dict.fromkeys(placeholders.names_in(text)) if n in EXECUTION_PLACEHOLDERS]
    if not quoted:
        return []
    available = execution_values(projects)
    missing = [n for n in quoted if n not in available]
    shown = "、".join(f"{{{n}}}" for n in missing)
    if missing and not available:
        return [Finding(loc, f"正文引用了{shown}，但没有评价对象同时填写预算数（budget）和执行数（executed），"
                             f"无法计算；请在评价对象中填写这两项，或删去{shown}")]
    if missing:
        return [Finding(loc, f"正文引用了{shown}，但同时填写预算数和执行数的评价对象预算数合计为0，"
                             f"无法计算预算执行率")]
    counted = sum(1 for p in projects if has_both(p))
    if counted < len(projects):
        names = "、".join(f"{{{n}}}" for n in quoted)
        return [Finding(loc, f"{names}只按同时填写预算数和执行数的{counted}个评价对象计算（共{len(projects)}个），"
                             f"其余{len(projects) - counted}个不计入", Severity.WARNING)]
    return []


def _as_entered(amount: Amount) -> str:
    """The amount as the user wrote it (digits kept, never exponent notation): ``180.50万元``."""
    return f"{amount.value:f}{amount.unit.value}"


def rate_places(rate: Decimal) -> int:
    """Decimals the rate was written with: ``90.3`` → 1, ``90.30`` → 2, ``90`` → 0."""
    return max(0, -rate.as_tuple().exponent)


def check_execution(project: EvaluatedProject) -> list[Finding]:
    """预算数, 执行数 and an entered 预算执行率 of one project.

    An entered rate is printed as entered, so it must be what 执行数 ÷ 预算数 rounds to, half
    up, at the precision it was written with (``90.3%``: one decimal, the quotient in
    [90.25, 90.35)). Otherwise:

    * ERROR (at ``execution_rate``) when it differs from the quotient by more than half a unit
      of its last digit (``90.3%``: ±0.05), with both values;
    * WARNING when it differs by exactly half a unit (the quotient 90.25 written ``90.2%``: a
      round-half-even or truncated result; 四舍五入 gives ``90.3%``).

    WARNINGs too: 执行数 without 预算数 or the reverse (the rate cannot be computed, the project
    is left out of the totals), an entered rate without both amounts (it cannot be checked), a
    zero 预算数, and 执行数 above 预算数 (a rate over 100%, often the two swapped).
    """
    budget, executed, entered = project.budget, project.executed, project.execution_rate
    findings: list[Finding] = []
    if budget is None or executed is None:
        if entered is not None:
            lacking = "、".join(w for w, a in (("预算数（budget）", budget), ("执行数（executed）", executed)) if a is None)
            findings.append(Finding(("execution_rate",), f"填写了预算执行率{entered:f}%，但没有{lacking}，无法核对；"
                                                          f"该项目{_NOT_COUNTED}", Severity.WARNING))
        elif executed is not None:
            findings.append(Finding(("executed",), f"填写了执行数{_as_entered(executed)}，但没有预算数（budget），"
                                                   f"无法计算预算执行率；该项目{_NOT_COUNTED}", Severity.WARNING))
        elif budget is not None:
            findings.append(Finding(("budget",), f"填写了预算数{_as_entered(budget)}，但没有执行数（executed），"
                                                 f"无法计算预算执行率；该项目{_NOT_COUNTED}", Severity.WARNING))
        return findings
    exact = _exact_rate(budget, executed, max(RATE_PLACES, rate_places(entered) if entered is not None else 0))
    if exact is None:
        unchecked = f"，填写的预算执行率{entered:f}%无法核对" if entered is not None else ""
        return [Finding(("budget",), f"预算数为0，无法计算预算执行率{unchecked}；执行数{_as_entered(executed)}"
                                     f"仍计入{{执行数}}和{{预算执行率}}", Severity.WARNING)]
    computed = round_half_up(exact, RATE_PLACES)
    if exact > 100:
        findings.append(Finding(("executed",), f"执行数{_as_entered(executed)}大于预算数{_as_entered(budget)}"
                                               f"（预算执行率{format_percent(computed)}），请核对是否填反",
                                Severity.WARNING))
    if entered is not None:
        findings += _check_entered_rate(entered, exact, budget, executed)
    return findings


def _check_entered_rate(entered: Decimal, exact: Decimal, budget: Amount, executed: Amount) -> list[Finding]:
    places = rate_places(entered)
    with localcontext(prec=PRECISION + places):  # however many decimals were written
        expected = round_half_up(exact, places)
        if expected == entered:
            return []
        half = Decimal("0.5").scaleb(-places)
        shown = round_half_up(exact, max(places, RATE_PLACES))
        exactly_half = abs(entered - exact) == half
        as_fraction = round_half_up(exact / 100, places) == entered  # 0.9029 for 90.29%
        as_percent = round_half_up(exact, max(places - 2, 0))
    quotient = f"执行数{_as_entered(executed)}÷预算数{_as_entered(budget)}={shown:f}%"  # rounded above
    precision = f"{places}位小数" if places else "整数"
    if exactly_half:
        return [Finding(("execution_rate",), f"预算执行率{entered:f}%：{quotient}，恰好相差半个末位，"
                                             f"保留{precision}按四舍五入应为{expected:f}%", Severity.WARNING)]
    hint = f"；如填写的是小数，请写成百分数“{as_percent:f}%”" if as_fraction else ""
    return [Finding(("execution_rate",), f"预算执行率{entered:f}%与{quotient}不符：按所写精度（{precision}）"
                                         f"四舍五入应为{expected:f}%，相差超过{half:f}个百分点{hint}")]
