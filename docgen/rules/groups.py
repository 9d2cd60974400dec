"""Narrative figures per group (分组统计): ``{评价数:第一批}``, ``{金额:政策评价}``,
``{优数:批次=第二批}`` — the same figures as the whole batch's placeholders, over the projects
of one group. A group is a value of the 评价对象类型 (项目, 政策, 部门整体) or of a declared
custom field of type 文本 or 选项 (批次, 评价类型…); ``{名称:值}`` names the value alone when
only one field has it, ``{名称:字段=值}`` names the field too.

And the published figures a narrative typed by hand declares (``published:``), checked against
the rows: counts exactly, amounts within 尾数误差, rates at their printed precision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from docgen.diagnostics import Finding, Severity
from docgen.models.layout import CustomField, FieldType
from docgen.models.values import Unit, to_decimal
from docgen.rules.formatting import format_amount
from docgen.rules.summary import amounts_in, check_published_total, total_of_printed

#: What a group's value is read from: 评价对象类型 and custom fields of these types.
GROUPABLE = (FieldType.TEXT, FieldType.CHOICE)
OBJECT_TYPE = "评价对象类型"
#: Placeholders that count projects (compared exactly when published).
COUNTS = ("评价数", "优数", "良数", "中数", "差数", "未评价数", "单位数")
AMOUNTS = ("总金额", "金额", "预算数", "执行数")
RATES = ("预算执行率",)


def group_of(project: Any, field: str) -> str | None:
    if field == OBJECT_TYPE:
        return project.object_type.value
    value = (project.fields or {}).get(field)
    return None if value is None else str(value)


def groups(projects: Sequence[Any], custom: Sequence[CustomField]) -> dict[str, list[str]]:
    """Each groupable field with the values the projects give it, in order of appearance."""
    fields = [OBJECT_TYPE] + [f.key for f in custom if f.type in GROUPABLE]
    out = {}
    for field in fields:
        values = list(dict.fromkeys(v for p in projects if (v := group_of(p, field)) is not None))
        if values:
            out[field] = values
    return out


def qualifiers(projects: Sequence[Any], custom: Sequence[CustomField]) -> dict[str, tuple[str, str]]:
    """Every qualifier a placeholder may carry → (field, value): ``字段=值`` always, the bare
    value where no other field has the same value."""
    found = groups(projects, custom)
    out: dict[str, tuple[str, str]] = {}
    owners: dict[str, list[str]] = {}
    for field, values in found.items():
        for value in values:
            out[f"{field}={value}"] = (field, value)
            owners.setdefault(value, []).append(field)
    for value, fields in owners.items():
        if len(fields) == 1:
            out[value] = (fields[0], value)
    return out


def grouped_values(projects: Sequence[Any], custom: Sequence[CustomField],
                   values_of: Callable[[Sequence[Any]], dict[str, str]]) -> dict[str, str]:
    """``{名称:限定}`` for every name ``values_of`` computes and every qualifier."""
    out = {}
    for qualifier, (field, value) in qualifiers(projects, custom).items():
        members = [p for p in projects if group_of(p, field) == value]
        for name, text in values_of(members).items():
            out[f"{name}:{qualifier}"] = text
    return out


def unit_count(projects: Sequence[Any]) -> int:
    """{单位数}: the distinct 主管部门或单位 the projects name (涉及部门单位)."""
    return len({p.department for p in projects if p.department})


def split(key: str) -> tuple[str, str | None]:
    name, _, qualifier = key.partition(":")
    return name, qualifier or None


def check_qualified(names_quoted: Sequence[str], names: Sequence[str], available: dict[str, tuple[str, str]],
                    loc: tuple) -> list[Finding]:
    """A qualified placeholder must name a known figure and a group the projects have."""
    findings = []
    for key in names_quoted:
        name, qualifier = split(key)
        if qualifier is None:
            continue
        if name not in names:
            findings.append(Finding(loc, f"未知的占位符“{{{key}}}”：没有“{name}”；可用：{'、'.join(names)}"))
        elif qualifier not in available:
            offered = "、".join(q for q in available if "=" not in q) or "（评价对象没有可分组的字段）"
            ambiguous = [q for q in available if q.endswith(f"={qualifier}")]
            hint = f"；“{qualifier}”不止一个字段有，请写成{'或'.join('{' + name + ':' + q + '}' for q in ambiguous)}" \
                if ambiguous else f"；可用的分组：{offered}"
            findings.append(Finding(loc, f"占位符“{{{key}}}”中的分组“{qualifier}”不存在{hint}"))
    return findings


def check_published(published: dict[str, Any], values: dict[str, str], projects: Sequence[Any],
                    available: dict[str, tuple[str, str]], unit: Unit = Unit.WAN,
                    loc: tuple = ("published",)) -> list[Finding]:
    """Figures a narrative states in its own words, each checked against the rows: a count must
    be equal; an amount (in ``unit`` unless it says 元/万元/亿元) within 0.01 a row of the rows'
    printed sum (a warning within it, an error beyond); a rate equal at its printed precision."""
    from docgen.models.values import Amount
    from docgen.rules.execution import execution_totals, rate_places
    from docgen.rules.numbers import round_half_up

    findings = []
    for key, stated in published.items():
        here = loc + (key,)
        name, qualifier = split(str(key))
        members = projects
        if qualifier is not None:
            if qualifier not in available:
                findings += [Finding(here, f.message) for f in check_qualified([str(key)], [name], available, here)]
                continue
            field, value = available[qualifier]
            members = [p for p in projects if group_of(p, field) == value]
        where = f"（{qualifier}）" if qualifier else ""
        try:
            if name in COUNTS:
                computed = int(values[key]) if key in values else None
                if computed is None:
                    raise KeyError(key)
                if int(to_decimal(stated)) != computed or to_decimal(stated) != int(to_decimal(stated)):
                    findings.append(Finding(here, f"公布的{name}{where}为{stated}，按各行计算为{computed}"))
            elif name in AMOUNTS:
                amount = stated if isinstance(stated, Amount) else (
                    Amount.model_validate(stated) if isinstance(stated, str) and stated.strip().endswith("元")
                    else Amount(value=to_decimal(stated), unit=unit))
                if name in ("总金额", "金额"):
                    shown = amounts_in(members, amount.unit)
                else:
                    totals = execution_totals(members, amount.unit)
                    if totals is None:
                        raise KeyError(key)
                    shown = [totals.budget if name == "预算数" else totals.executed]
                rows = sum(1 for a in shown if a is not None)
                if not rows:
                    continue  # a total published without rows is taken as published (nothing to check)
                field = {"预算数": "budget", "执行数": "executed"}.get(name, "expenditure")
                hidden = sum(1 for p in members if field in p.unpublished)
                if hidden:  # the total may hold rows the original did not publish: it is only a floor
                    computed = total_of_printed(shown)
                    if amount.value < computed:
                        findings.append(Finding(here, f"公布的{name}{where}{format_amount(amount.value)}{amount.unit.value}"
                                                      f"小于已公开各行之和{format_amount(computed)}{amount.unit.value}"))
                    else:
                        findings.append(Finding(here, f"{hidden}行的{name}未公开，公布的{name}{where}无法逐行核对"
                                                      f"（已公开各行之和{format_amount(computed)}{amount.unit.value}）",
                                                Severity.WARNING))
                    continue
                findings += [Finding(here, f.message.replace("公布的合计", f"公布的{name}{where}"), f.severity)
                             for f in check_published_total(amount.value, total_of_printed(shown), rows, here,
                                                            amount.unit.value)]
            elif name in RATES:
                rate = to_decimal(str(stated).strip().removesuffix("%"))
                totals = execution_totals(members)
                if totals is None or not totals.budget:
                    raise KeyError(key)
                places = rate_places(rate)
                exact = totals.executed / totals.budget * 100
                if round_half_up(exact, places) != rate:
                    findings.append(Finding(here, f"公布的{name}{where}为{stated}%，按执行数÷预算数计算为"
                                                  f"{round_half_up(exact, places)}%（{format_amount(exact, 4)}%）"))
            else:
                findings.append(Finding(here, f"“{name}”不能核对；可核对：{'、'.join(COUNTS + AMOUNTS + RATES)}"))
        except KeyError:
            findings.append(Finding(here, f"无法计算{name}{where}（评价对象中没有所需的数据），不能核对",
                                    Severity.WARNING))
        except ValueError as exc:
            findings.append(Finding(here, f"应为数字或金额，实际为“{stated}”（{exc}）"))
    return findings


def published_amount(published: dict[str, Any] | None, unit: Unit = Unit.WAN) -> Decimal | None:
    """The total amount a narrative publishes (``总金额`` or ``金额``) in ``unit``: printed for
    {总金额} where no row has an amount (“涉及资金7300万元” without per-row figures)."""
    from docgen.models.values import Amount

    for key in ("总金额", "金额"):
        stated = (published or {}).get(key)
        if stated is None:
            continue
        amount = Amount.model_validate(stated) if isinstance(stated, str) and stated.strip().endswith("元") \
            else Amount(value=to_decimal(stated), unit=unit)
        return amount.in_unit(unit)
    return None


def narrative_values(projects: Sequence[Any], grade: Callable[[Any], Any], unit: Unit,
                     custom: Sequence[CustomField] = (), published: dict[str, Any] | None = None) -> dict[str, str]:
    """Every placeholder's value as printed: the batch's (:func:`summary_values`), each group's
    (``{评价数:第一批}``), and {总金额} from ``published`` where no row has an amount."""
    from docgen.rules.formatting import format_decimal
    from docgen.rules.summary import summary_values

    def values_of(members: Sequence[Any]) -> dict[str, str]:
        return summary_values(members, [grade(p) for p in members], unit)

    values = values_of(projects)
    if "总金额" not in values:
        stated = published_amount(published, unit)
        if stated is not None:
            values["总金额"] = values["金额"] = format_decimal(stated)
    values.update(grouped_values(projects, custom, values_of))
    return values
