from datetime import date
from decimal import Decimal as D

import pytest

from docgen.models import Grade, GradeBands
from docgen.rules import (
    chinese_numeral,
    format_amount,
    format_date,
    format_decimal,
    format_percent,
    grade_for,
    number_label,
    percentage,
    round_half_up,
)


@pytest.mark.parametrize(
    "score, grade",
    [
        ("0", Grade.POOR),
        ("59.99", Grade.POOR),
        ("60", Grade.FAIR),
        ("60.00", Grade.FAIR),
        ("79.99", Grade.FAIR),
        ("80", Grade.GOOD),
        ("80.00", Grade.GOOD),
        ("89.99", Grade.GOOD),
        ("90", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("100", Grade.EXCELLENT),
    ],
)
def test_default_grade_bands(score, grade):
    assert grade_for(D(score)) is grade


def test_grade_follows_the_published_two_decimal_score():
    # 89.995 is printed 90.00, so the sheet must not say 良 next to 90.00.
    assert grade_for(D("89.995")) is Grade.EXCELLENT
    assert grade_for(D("89.994")) is Grade.GOOD


def test_grade_bands_are_configuration():
    bands = GradeBands.model_validate({"优": 85, "良": 75, "中": 60})
    assert grade_for(D("85"), bands) is Grade.EXCELLENT
    assert grade_for(D("84.99"), bands) is Grade.GOOD
    assert grade_for(D("74.99"), bands) is Grade.FAIR


def test_grade_bands_must_descend():
    with pytest.raises(ValueError, match="中 < 良 < 优"):
        GradeBands.model_validate({"优": 80, "良": 85, "中": 60})


@pytest.mark.parametrize(
    "value, places, expected",
    [
        ("2.675", 2, "2.68"),  # binary float would give 2.67
        ("0.125", 2, "0.13"),  # banker's rounding would give 0.12
        ("0.135", 2, "0.14"),
        ("-1.005", 2, "-1.01"),
        ("66.375", 2, "66.38"),
        ("12.5", 0, "13"),
        ("13.5", 0, "14"),
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(D(value), places) == D(expected)
    assert str(round_half_up(D(value), places)) == expected


def test_round_half_up_refuses_float():
    with pytest.raises(TypeError):
        round_half_up(2.675)  # type: ignore[arg-type]


def test_percentage():
    assert percentage(D("1"), D("3")) == D("33.33")
    assert percentage(D("2"), D("3")) == D("66.67")
    assert percentage(D("1"), D("0")) is None


def test_amount_and_number_formatting():
    assert format_amount(D("13954.785")) == "13,954.79"
    assert format_amount(D("40206.26")) == "40,206.26"
    assert format_amount(D("0")) == "0.00"
    assert format_amount(D("-1234567.891")) == "-1,234,567.89"
    assert format_amount(D("999.995")) == "1,000.00"
    assert format_amount(None) == ""
    assert format_decimal(D("80.06")) == "80.06"
    assert format_decimal(D("97.5")) == "97.50"
    assert format_percent(D("66.375")) == "66.38%"


def test_dates_without_leading_zeros():
    assert format_date(date(2024, 12, 31)) == "2024年12月31日"
    assert format_date(date(2024, 1, 5)) == "2024年1月5日"


@pytest.mark.parametrize(
    "n, text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
                (99, "九十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十"), (123, "一百二十三")],
)
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_number_labels():
    assert number_label(3) == "3."
    assert number_label(3, "（1）") == "（3）"
    assert number_label(3, "（一）") == "（三）"
    assert number_label(12, "一、") == "十二、"


def test_places_for_shows_every_figure_of_a_column_exactly():
    from decimal import Decimal as D

    from docgen.rules.formatting import places_for

    assert places_for([D("50.5"), D("39.586"), None]) == 3
    assert places_for([D("120"), D("0"), D("98.4")]) == 2  # at least two decimals
    assert places_for([D("1E+2")]) == 2 and places_for([]) == 2
