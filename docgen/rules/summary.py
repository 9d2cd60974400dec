"""Summaries of a batch of evaluated projects: ranks, groups, merge spans, counts, totals."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from docgen.diagnostics import Finding, Severity
from docgen.models import Grade, GradeBands, Ordering
from docgen.rules.formatting import format_amount, format_decimal
from docgen.rules.grades import published_score
from docgen.rules import placeholders
from docgen.rules.execution import EXECUTION_PLACEHOLDERS, execution_values
from docgen.rules.numbers import round_half_up

T = TypeVar("T")

#: 尾数误差: a published total may differ from the sum of its printed rows by this much per row.
ROUNDING_TOLERANCE_PER_ROW = Decimal("0.01")


def rank_by_score(items: Sequence[T], score: Callable[[T], Decimal | None]) -> list[tuple[T, int | None]]:
    """Rank highest score first; equal (printed) scores share a rank: 1, 1, 3.

    Ties keep their input order. Items without a score follow, unranked (None).
    """
    scored = [i for i in items if score(i) is not None]
    ordered = sorted(scored, key=lambda i: published_score(score(i)), reverse=True)  # stable
    ranked: list[tuple[T, int | None]] = []
    for position, item in enumerate(ordered, start=1):
        same_as_previous = ranked and published_score(score(ranked[-1][0])) == published_score(score(item))
        ranked.append((item, ranked[-1][1] if same_as_previous else position))
    return ranked + [(i, None) for i in items if score(i) is None]


GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR)


def fill_down(values: Sequence[str | None]) -> list[str]:
    """An empty cell continues the value above it (the 评价机构 column of a 汇总表)."""
    out, last = [], ""
    for v in values:
        last = v if v else last
        out.append(last)
    return out


def group_by_grade_then_key(items: Sequence[T], grade: Callable[[T], Grade | None],
                            key: Callable[[T], str]) -> list[T]:
    """优 rows first, then 良, 中, 差, ungraded last; within a grade, rows with the same key
    (e.g. 评价机构) are consecutive, groups in order of first appearance, rows in input order."""
    out: list[T] = []
    for g in (*GRADE_ORDER, None):
        rows = [i for i in items if grade(i) is g]
        keys = list(dict.fromkeys(key(i) for i in rows))
        for k in keys:
            out.extend(i for i in rows if key(i) == k)
    return out


def merge_spans(keys: Sequence[Hashable]) -> list[int]:
    """Vertical merge of equal consecutive cells: the first row of a run gets the run's length,
    the rows it covers get 0. ``["A", "A", "B"]`` → ``[2, 0, 1]``."""
    spans = [0] * len(keys)
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            spans[start] = i - start
            start = i
    return spans


#: What a summary prints for a project with neither a score nor a grade (评分等级 cell, counts).
UNRATED = "未评价"


def grade_counts(grades: Sequence[Grade | None]) -> dict[Grade, int]:
    """How many of each grade, in the order 优, 良, 中, 差 (zeros included)."""
    return {g: sum(1 for x in grades if x is g) for g in GRADE_ORDER}


def unrated_count(grades: Sequence[Grade | None]) -> int:
    """Projects with neither a score nor a grade (their grade is None)."""
    return sum(1 for g in grades if g is None)


def grade_count_line(counts: dict[Grade, int], unrated: int = 0) -> str:
    """``优3个、良13个、中2个`` as official prose writes it (grades with none are left out), then
    ``未评价1个`` if any."""
    parts = [f"{g.value}{n}个" for g, n in counts.items() if n]
    if unrated:
        parts.append(f"{UNRATED}{unrated}个")
    return "、".join(parts)


#: The score histogram's bands begin every ten points from 60 (财预〔2020〕10号 writes the lowest
#: band “60分以下”); :func:`score_band_counts` adds the grade bands' lowest scores.
SCORE_BAND_STEPS = (Decimal(60), Decimal(70), Decimal(80), Decimal(90))
#: The hundredth below a band's next edge: scores are published with two decimals.
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class BandCounts:
    """得分分布: projects per score band, and those whose score is not counted."""

    counts: dict[str, int]  # band label (``60分以下``, ``60～69.99``, …, ``90～100``) → projects, lowest first
    unscored: int  # no score, or a score the original did not publish (未公开)


def _edge(value: Decimal) -> str:
    """``Decimal("60.00")`` → ``60``, ``85.5`` → ``85.5``."""
    return f"{value.normalize():f}"


def score_band_counts(projects: Sequence, bands: GradeBands | None = None) -> BandCounts:
    """评价得分分布: how many projects' published scores fall in each band (the score histogram).

    The bands begin at 60, 70, 80 and 90 and at each grade band's lowest score (so with the
    default bands, 财预〔2020〕10号, they are 60分以下, 60～69.99, 70～79.99, 80～89.99, 90～100;
    with 优 from 85 there is an 80～84.99 and an 85～89.99), so that no band spans two grades.
    A score counts as printed (two decimals, half up, as :func:`~docgen.rules.grades.grade_for`
    reads it): 89.995 is 90.00, in 90～100. A band's upper label is the hundredth below the next
    band's edge. Bands with no project are kept (zero). Projects without a score (a grade only,
    unrated) or whose score is marked 未公开 (``unpublished``) are not in any band: they are
    counted in ``unscored``."""
    bands = bands or GradeBands()
    edges = sorted({*SCORE_BAND_STEPS, *(low for _, low in bands.lower_bounds() if 0 < low <= 100)})
    labels = [f"{_edge(edges[0])}分以下"]
    labels += [f"{_edge(low)}～{_edge(high - _HUNDREDTH)}" for low, high in zip(edges, edges[1:])]
    labels.append("100" if edges[-1] == 100 else f"{_edge(edges[-1])}～100")  # 优 from 100: the top band is 100 alone
    counts = dict.fromkeys(labels, 0)
    unscored = 0
    for p in projects:
        if p.score is None or "score" in p.unpublished:
            unscored += 1
            continue
        shown = published_score(p.score)
        band = sum(1 for e in edges if shown >= e)  # 0: below the lowest edge
        counts[labels[band]] += 1
    return BandCounts(counts, unscored)


def total_of_printed(values: Sequence[Decimal | None], places: int = 2) -> Decimal:
    """合计 as readers can check it: the sum of the rows as printed (rounded half up)."""
    return sum((round_half_up(v, places) for v in values if v is not None), Decimal(0))


def check_published_total(published: Decimal, computed: Decimal, rows: int,
                          loc: tuple = ("published_total",), unit: str = "") -> list[Finding]:
    """A stated total against the computed one: within 0.01 per row is 尾数误差 (a warning)."""
    difference = published - computed
    if difference == 0:
        return []
    tolerance = ROUNDING_TOLERANCE_PER_ROW * max(rows, 1)
    text = (f"公布的合计{format_amount(published)}{unit}与各行相加{format_amount(computed)}{unit}"
            f"相差{format_amount(abs(difference))}{unit}")
    if abs(difference) <= tolerance:
        return [Finding(loc, f"{text}，在尾数误差范围内（{rows}行×0.01）", Severity.WARNING)]
    return [Finding(loc, f"{text}，超出尾数误差（{rows}行×0.01={format_amount(tolerance)}）")]


#: Names a narrative may quote as ``{名称}``; each is computed from the rows. The last three are
#: the budget execution's (:mod:`docgen.rules.execution`).
PLACEHOLDER_NAMES = ["评价数", "优数", "良数", "中数", "差数", "未评价数", "等级分布", "单位数", "总金额", "金额",
                     *EXECUTION_PLACEHOLDERS]

#: The count placeholders that together make up {评价数}: one per grade, and the unrated.
COUNT_PLACEHOLDERS = {"优数": Grade.EXCELLENT, "良数": Grade.GOOD, "中数": Grade.FAIR, "差数": Grade.POOR,
                      "未评价数": None}


def amounts_in(projects: Sequence, unit) -> list[Decimal | None]:
    """Each project's 项目支出 in ``unit`` (exact; rounding happens where it is printed)."""
    return [p.expenditure.in_unit(unit) if p.expenditure else None for p in projects]


def summary_values(projects: Sequence, grades: Sequence[Grade | None], unit) -> dict[str, str]:
    """The computed values behind the placeholders, as printed. A value that cannot be computed
    (``{总金额}`` without any 项目支出; ``{预算数}``, ``{执行数}``, ``{预算执行率}`` without a project
    that states both 预算数 and 执行数, see :func:`~docgen.rules.execution.execution_values`) is
    left out: its placeholder would print as written, and the checks report it as an error."""
    counts = grade_counts(grades)
    unrated = unrated_count(grades)
    values = {
        "评价数": str(len(projects)),
        "优数": str(counts[Grade.EXCELLENT]),
        "良数": str(counts[Grade.GOOD]),
        "中数": str(counts[Grade.FAIR]),
        "差数": str(counts[Grade.POOR]),
        "未评价数": str(unrated),
        "等级分布": grade_count_line(counts, unrated),
        "单位数": str(len({d for p in projects if (d := getattr(p, "department", None))})),
    }
    amounts = amounts_in(projects, unit)
    if any(a is not None for a in amounts):
        values["总金额"] = values["金额"] = format_decimal(total_of_printed(amounts))
    values.update(execution_values(projects, unit))
    return values


def check_counts_add_up(text: str, grades: Sequence[Grade | None], loc: tuple = ()) -> list[Finding]:
    """A sentence that quotes {评价数} and counts by grade must account for every project: when
    the quoted counts do not add up to {评价数} (a grade left out, or projects without a score or
    grade), say which placeholders are missing (a warning: the sentence is the user's)."""
    quoted = set(placeholders.names_in(text))
    counted = quoted & COUNT_PLACEHOLDERS.keys()
    if "评价数" not in quoted or not counted or "等级分布" in quoted:
        return []
    counts = {name: sum(1 for g in grades if g is grade) for name, grade in COUNT_PLACEHOLDERS.items()}
    total = sum(counts[name] for name in counted)
    if total == len(grades):
        return []
    missing = [name for name, n in counts.items() if n and name not in counted]
    what = "、".join(f"{_count_label(COUNT_PLACEHOLDERS[name])}的{counts[name]}个" for name in missing)
    hint = "、".join(f"{{{name}}}" for name in missing)
    example = "，例如“未评价的{未评价数}个”" if "未评价数" in missing else ""
    return [Finding(loc, f"正文中各等级个数之和{total}与评价数{len(grades)}不符，未写出{what}；"
                         f"请在句中加上{hint}{example}", Severity.WARNING)]


def _count_label(grade: Grade | None) -> str:
    return "没有评分和等级" if grade is None else f"评价等级为“{grade.value}”"


def order_rows(items: Sequence[T], ordering, score: Callable[[T], Decimal | None],
               grade: Callable[[T], Grade | None], key: Callable[[T], str]) -> list[tuple[T, int | None]]:
    """Rows in the summary's chosen order, with ranks when ranked (None otherwise).

    ``ordering`` is :class:`~docgen.models.Ordering`: rank by score, group by grade then
    key (评价机构), or keep the input order. One code path for every summary family.
    """
    if ordering is Ordering.RANK:
        return rank_by_score(items, score)
    if ordering is Ordering.GRADE_AGENCY:
        return [(i, None) for i in group_by_grade_then_key(items, grade, key)]
    return [(i, None) for i in items]
