"""Titles wrap only between words, in lines of like length (GB/T 9704 §7.3.1)."""

from docgen.rules.words import title_lines, words


def test_words_cover_the_text():
    text = "长治市上党区2022年度财政支出重点绩效评价结果情况说明"
    assert "".join(words(text)) == text and "绩效评价" in words(text)


def test_a_long_title_breaks_between_words_into_even_lines():
    assert title_lines("长治市上党区2022年度财政支出重点绩效评价结果情况说明", 19) == (
        "长治市上党区2022年度财政支出", "重点绩效评价结果情况说明")
    lines = title_lines("朔州经济开发区关于2024年度72个项目(部门整体)重点绩效评价情况的报告", 19)
    assert lines == ("朔州经济开发区关于2024年度72个项目", "(部门整体)重点绩效评价情况的报告")
    assert title_lines("短标题", 19) == ("短标题",)
