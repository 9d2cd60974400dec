from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from docgen.models import Amount, EvaluatedProject, Grade, Unit, normalise_number_text

BASE = {"name": "项目", "implementing_units": "单位", "evaluation_year": 2023, "overview": ["概况"]}


@pytest.mark.parametrize(
    "text, expected",
    [("1,234.56", "1234.56"), ("１２３４．５６", "1234.56"), ("１，２３４．５６", "1234.56"),
     (" 80.06 ", "80.06"), ("1,234,567", "1234567")],
)
def test_number_text_is_normalised(text, expected):
    assert normalise_number_text(text) == expected


@pytest.mark.parametrize("text", ["1,23.4", "12a", "", "1.2.3"])
def test_bad_number_text_is_refused(text):
    with pytest.raises(ValueError):
        normalise_number_text(text)


@pytest.mark.parametrize(
    "raw, value, unit",
    [("120万元", "120", Unit.WAN), ("1,234.56 元", "1234.56", Unit.YUAN), ("３.５亿元", "3.5", Unit.YI),
     ({"value": "6354.80", "unit": "万元"}, "6354.80", Unit.WAN)],
)
def test_amounts_with_units(raw, value, unit):
    amount = Amount.model_validate(raw)
    assert amount.value == D(value) and amount.unit is unit


def test_amount_without_unit_is_an_error():
    with pytest.raises(ValidationError, match="金额需注明单位"):
        Amount.model_validate(120)


def test_amount_conversion_is_exact():
    assert Amount.model_validate("16000万元").in_unit(Unit.YI) == D("1.6")
    assert Amount.model_validate("1.5万元").in_unit(Unit.YUAN) == D("15000")


def test_project_accepts_synonyms_and_single_values():
    p = EvaluatedProject.model_validate({**BASE, "score": "８５.５", "grade": "良好", "problems": "一个问题"})
    assert p.score == D("85.5") and p.grade is Grade.GOOD
    assert p.implementing_units == ["单位"] and p.problems == ["一个问题"]
    assert EvaluatedProject.model_validate({**BASE, "grade": "优秀"}).grade is Grade.EXCELLENT


@pytest.mark.parametrize("score", ["108.5", "-1", "100.01"])
def test_score_out_of_range(score):
    with pytest.raises(ValidationError, match=f"评分应在0到100之间，实际为{score}"):
        EvaluatedProject.model_validate({**BASE, "score": score})


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError):
        EvaluatedProject.model_validate({**BASE, "scroe": 80})
