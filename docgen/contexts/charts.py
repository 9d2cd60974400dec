"""Charts of the summaries (图表): the grade distribution and the score histogram as document
tree nodes, every figure counted by the same rules as the tables and the narrative.

A :class:`Chart` is format-neutral and pre-formatted: its labels are the Chinese the document
prints, its counts are ints; the renderers draw it (:mod:`docgen.render.charts`: SVG in the
PDF, a PNG at print resolution in the DOCX). Which charts a document gets is packet.yaml's
``charts:`` (:attr:`docgen.input.DataSet.charts`); where they go, the data block's ``chart:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen.models import ChartKind, EvaluatedProject, GradeBands
from docgen.rules import effective_grade
from docgen.rules.summary import UNRATED, grade_counts, score_band_counts, unrated_count

#: Projects are counted in 个 (the narrative's {评价数}个).
COUNT_LABEL = "项目数（个）"


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per category, its count printed above it."""

    kind: str  # ChartKind value: "grades" or "scores"
    number: str  # 图1, 图2…: the figure's number in its document
    title: str  # 评价等级分布, 评价得分分布
    categories: list[str]  # the bars' labels, in order: 优 良 中 差 (未评价); 60分以下 … 90～100
    counts: list[int]  # projects per category
    category_label: str  # the axis under the bars: 评价等级, 评价得分（分）
    count_label: str  # what the counts count: 项目数（个）
    #: the chart in words, the alternative text of its picture: ``评价等级分布：优3个、良13个、…``
    description: str
    #: a sentence under the chart, or "": the projects a score histogram leaves out
    note: str = ""


def _chart(kind: ChartKind, number: str, title: str, categories: list[str], counts: list[int],
           category_label: str, note: str = "", unit: str = "") -> Chart:
    """A chart; ``unit`` follows a category in the description where it does not say it
    (``60～69.99分11个``, so that the figures do not run together)."""
    description = f"{title}：" + "、".join(f"{c}{'' if unit in c else unit}{n}个" for c, n in zip(categories, counts))
    return Chart(kind.value, number, title, categories, counts, category_label, COUNT_LABEL, description, note)


def grade_chart(projects: Sequence[EvaluatedProject], bands: GradeBands | None, number: str) -> Chart:
    """评价等级分布: projects per grade (:func:`~docgen.rules.summary.grade_counts`, as the table's
    评价等级 column and {等级分布} count them), every grade shown (zeros too), 未评价 when any
    project has neither a score nor a grade."""
    grades = [effective_grade(p, bands) for p in projects]
    counts = grade_counts(grades)
    categories = [g.value for g in counts]
    values = list(counts.values())
    unrated = unrated_count(grades)
    if unrated:
        categories.append(UNRATED)
        values.append(unrated)
    return _chart(ChartKind.GRADES, number, "评价等级分布", categories, values, "评价等级")


def score_chart(projects: Sequence[EvaluatedProject], bands: GradeBands | None, number: str) -> Chart:
    """评价得分分布: projects per score band (:func:`~docgen.rules.summary.score_band_counts`);
    a note says how many projects have no published score and are not in it."""
    found = score_band_counts(projects, bands)
    note = f"注：另有{found.unscored}个评价对象无公开的评价得分，未计入本图。" if found.unscored else ""
    return _chart(ChartKind.SCORES, number, "评价得分分布", list(found.counts), list(found.counts.values()),
                  "评价得分（分）", note, unit="分")


_BUILDERS = {ChartKind.GRADES: grade_chart, ChartKind.SCORES: score_chart}


def build_charts(kinds: Sequence[ChartKind], projects: Sequence[EvaluatedProject],
                 bands: GradeBands | None = None) -> list[Chart]:
    """The charts ``kinds`` names, in its order, numbered 图1, 图2…; none for none."""
    return [_BUILDERS[ChartKind(kind)](projects, bands, f"图{i}") for i, kind in enumerate(kinds, start=1)]
