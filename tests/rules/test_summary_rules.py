"""Ranking, grouping, merge spans, counts and totals of summary tables."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

from docgen.diagnostics import Severity
from docgen.models import EvaluatedProject, Grade, GradeBands, Ordering
from docgen.rules.interpret import score_and_grade_in
from docgen.rules.placeholders import check, fill
from docgen.rules.summary import (
    check_counts_add_up,
    check_published_total,
    fill_down,
    grade_count_line,
    grade_counts,
    group_by_grade_then_key,
    merge_spans,
    order_rows,
    rank_by_score,
    score_band_counts,
    summary_values,
    total_of_printed,
)


def test_ties_share_a_rank_and_the_next_rank_skips():
    items = [("a", D("94")), ("b", D("97.50")), ("c", D("97.5")), ("d", D("90")), ("e", D("90.00"))]
    ranked = rank_by_score(items, lambda i: i[1])
    assert [(i[0], r) for i, r in ranked] == [("b", 1), ("c", 1), ("a", 3), ("d", 4), ("e", 4)]


def test_out_of_order_source_row_is_simply_ranked():
    # like seed 002's row 72 (86.70 listed after lower scores)
    scores = ["97.50", "97.50", "94.00", "80.10", "75.00", "86.70"]
    ranked = rank_by_score(list(enumerate(scores)), lambda i: D(i[1]))
    assert [i[1] for i, _ in ranked] == ["97.50", "97.50", "94.00", "86.70", "80.10", "75.00"]
    assert [r for _, r in ranked] == [1, 1, 3, 4, 5, 6]


def test_ties_use_the_printed_score():
    ranked = rank_by_score([D("90.004"), D("90.001"), D("89.995")], lambda s: s)
    assert [r for _, r in ranked] == [1, 1, 1]  # all print as 90.00


def test_unscored_rows_follow_unranked():
    ranked = rank_by_score([("x", None), ("y", D("80"))], lambda i: i[1])
    assert [(i[0], r) for i, r in ranked] == [("y", 1), ("x", None)]


def test_fill_down_agency():
    assert fill_down(["甲", "", None, "乙", ""]) == ["甲", "甲", "甲", "乙", "乙"]


def test_group_by_grade_then_agency():
    rows = [("r1", Grade.GOOD, "甲"), ("r2", Grade.EXCELLENT, "乙"), ("r3", Grade.GOOD, "乙"),
            ("r4", Grade.GOOD, "甲"), ("r5", Grade.EXCELLENT, "甲"), ("r6", Grade.POOR, "甲"),
            ("r7", Grade.EXCELLENT, "乙"), ("r8", Grade.FAIR, "乙")]
    grouped = group_by_grade_then_key(rows, lambda r: r[1], lambda r: r[2])
    assert [r[0] for r in grouped] == ["r2", "r7", "r5", "r1", "r4", "r3", "r8", "r6"]
    spans = merge_spans([(r[1], r[2]) for r in grouped])
    assert spans == [2, 0, 1, 2, 0, 1, 1, 1]


def test_merge_spans():
    assert merge_spans([]) == []
    assert merge_spans(["A"]) == [1]
    assert merge_spans(["A", "A", "B", "B", "B", "A"]) == [2, 0, 3, 0, 0, 1]


def test_order_rows_is_one_code_path_for_every_ordering():
    rows = [("a", D("80"), Grade.GOOD, "乙"), ("b", D("95"), Grade.EXCELLENT, "甲")]
    args = (lambda r: r[1], lambda r: r[2], lambda r: r[3])
    assert [(r[0], k) for r, k in order_rows(rows, Ordering.RANK, *args)] == [("b", 1), ("a", 2)]
    assert [r[0] for r, _ in order_rows(rows, Ordering.GRADE_AGENCY, *args)] == ["b", "a"]
    assert [(r[0], k) for r, k in order_rows(rows, Ordering.INPUT, *args)] == [("a", None), ("b", None)]


def test_grade_counts_and_line():
    counts = grade_counts([Grade.GOOD, Grade.EXCELLENT, Grade.GOOD, None, Grade.FAIR])
    assert counts == {Grade.EXCELLENT: 1, Grade.GOOD: 2, Grade.FAIR: 1, Grade.POOR: 0}
    assert grade_count_line(counts) == "优1个、良2个、中1个"
    assert grade_count_line(counts, unrated=1) == "优1个、良2个、中1个、未评价1个"


def test_unrated_projects_count_in_the_placeholders():
    grades = [Grade.GOOD, Grade.EXCELLENT, None, Grade.POOR]
    values = summary_values([SimpleNamespace(expenditure=None)] * 4, grades, None)
    assert (values["评价数"], values["优数"], values["良数"], values["差数"], values["未评价数"]) == ("4", "1", "1", "1", "1")
    assert values["等级分布"] == "优1个、良1个、差1个、未评价1个"


def test_a_sentence_whose_counts_do_not_add_up_is_a_warning():
    grades = [Grade.GOOD, Grade.EXCELLENT, None, Grade.POOR, Grade.POOR]
    full = "评价{评价数}个，优{优数}个，良{良数}个，中{中数}个，差{差数}个，未评价的{未评价数}个。"
    assert check_counts_add_up(full, grades) == []
    assert check_counts_add_up("共{评价数}个：{等级分布}。", grades) == []  # 等级分布 lists every count
    assert check_counts_add_up("优{优数}个。", grades) == []  # no total quoted: nothing to add up to
    (finding,) = check_counts_add_up("评价{评价数}个，优{优数}个，良{良数}个。", grades, ("paragraphs", 0))
    assert finding.loc == ("paragraphs", 0) and finding.severity is Severity.WARNING
    assert finding.message == ("正文中各等级个数之和2与评价数5不符，未写出评价等级为“差”的2个、没有评分和等级的1个；"
                               "请在句中加上{差数}、{未评价数}，例如“未评价的{未评价数}个”")


def test_total_is_the_sum_of_printed_rows():
    assert total_of_printed([D("1.005"), D("2.005"), None]) == D("3.02")  # 1.01 + 2.01


def test_published_total_tolerance():
    assert check_published_total(D("100.00"), D("100.00"), 3) == []
    (warning,) = check_published_total(D("100.03"), D("100.00"), 3, unit="万元")
    assert warning.severity is Severity.WARNING and "尾数误差" in warning.message
    (error,) = check_published_total(D("100.04"), D("100.00"), 3, unit="万元")
    assert error.severity is Severity.ERROR
    assert error.message == "公布的合计100.04万元与各行相加100.00万元相差0.04万元，超出尾数误差（3行×0.01=0.03）"


def test_placeholders_are_substitution_not_templates():
    values = {"评价数": "18", "总金额": "40206.26"}
    assert fill("评价{评价数}个，金额{总金额}万元", values) == "评价18个，金额40206.26万元"
    assert fill("{{ x }} {未知} {评价数 }", values) == "{{ x }} {未知} {评价数 }"
    (finding,) = check("共{评价个数}个", ["评价数"], ("title",))
    assert finding.message == "未知的占位符“{评价个数}”；可用：{评价数}"


def test_score_and_grade_read_from_text():
    text = "长治市上党区2022年水利发展资金项目第三方绩效评价得分89.51分。评级为“良”。具体评分结果见下表。"
    assert score_and_grade_in(text) == (D("89.51"), Grade.GOOD)
    assert score_and_grade_in("未实施") == (None, None)
    assert score_and_grade_in("部门整体支出绩效评价综合得分88.68分，评价等级属于“良”。") == (D("88.68"), Grade.GOOD)
    assert score_and_grade_in("第三方绩效评价综合得15.00分，评价结论为“差”[根据") == (D("15.00"), Grade.POOR)
    assert score_and_grade_in("项目可能不能按照项目计划时间完成建设内容") == (None, None)
    assert score_and_grade_in("绩效等级为“优秀”") == (None, Grade.EXCELLENT)


def _scored(*scores) -> list[EvaluatedProject]:
    return [EvaluatedProject(name=f"项目{i}", score=s) for i, s in enumerate(scores)]


def test_score_bands_count_each_published_score_once_at_the_boundaries():
    found = score_band_counts(_scored("59.99", "60", "69.99", "70", "79.99", "80", "89.99", "90", "100", "0"))
    assert found.counts == {"60分以下": 2, "60～69.99": 2, "70～79.99": 2, "80～89.99": 2, "90～100": 2}
    assert found.unscored == 0
    assert sum(found.counts.values()) == 10


def test_score_bands_read_the_score_as_printed():
    """89.995 prints 90.00 and is 优: it is in 90～100, as its grade says; 59.994 prints 59.99."""
    found = score_band_counts(_scored("89.995", "89.994", "59.994", "59.995"))
    assert found.counts == {"60分以下": 1, "60～69.99": 1, "70～79.99": 0, "80～89.99": 1, "90～100": 1}


def test_scores_not_published_or_missing_are_left_out_and_counted_apart():
    projects = [
        *_scored("95", "85"),
        EvaluatedProject(name="未公开得分", score="未公开", grade="良"),  # score: 未公开
        EvaluatedProject(name="标为未公开", score="75", unpublished=["score"]),  # printed 未公开
        EvaluatedProject(name="只有等级", grade="优"),
        EvaluatedProject(name="未评价"),
    ]
    found = score_band_counts(projects)
    assert found.counts == {"60分以下": 0, "60～69.99": 0, "70～79.99": 0, "80～89.99": 1, "90～100": 1}
    assert found.unscored == 4


def test_score_bands_split_at_the_grade_bands_so_that_none_spans_two_grades():
    bands = GradeBands(**{"优": 85, "良": 75, "中": 60})
    found = score_band_counts(_scored("74.99", "75", "84.99", "85", "89.99", "90"), bands)
    assert list(found.counts) == ["60分以下", "60～69.99", "70～74.99", "75～79.99", "80～84.99", "85～89.99",
                                  "90～100"]
    assert list(found.counts.values()) == [0, 0, 1, 1, 1, 2, 1]
    low = score_band_counts(_scored("49.99", "50", "85.5"), GradeBands(**{"优": 95, "良": "85.5", "中": 50}))
    assert list(low.counts) == ["50分以下", "50～59.99", "60～69.99", "70～79.99", "80～85.49", "85.5～89.99",
                                "90～94.99", "95～100"]
    assert list(low.counts.values()) == [1, 1, 0, 0, 0, 1, 0, 0]
