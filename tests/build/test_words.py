"""Titles cut into words (docgen.rules.words) without paying jieba's dictionary load where it
is not needed: a title that fits on a line is not cut, a build keeps the titles it cut and
hands them to the next one, and jieba's cut runs over a copy of its dictionary read entry by
entry — the same words in every case."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from docgen.build import build_packet
from docgen.rules import words

from conftest import SAMPLES


def _texts() -> list[str]:
    """Every line of the samples' data: titles, names, long paragraphs, numbers and Latin."""
    lines = [line.strip() for path in sorted(SAMPLES.glob("*/*.yaml")) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines + ["", " ", "a b\tc", "（修订）（修订）", "2024年度 ABC-123 测试。\n换行"]


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """This process without cuts or tokenizer, its dictionary copy kept in ``tmp_path``."""
    monkeypatch.setenv("DOCGEN_WORDS_CACHE", str(tmp_path / "words"))
    monkeypatch.setattr(words, "_known", {})
    monkeypatch.setattr(words, "_given", set())
    monkeypatch.setattr(words, "_new", {})
    tokenizer = words._jieba
    tokenizer.cache_clear()
    yield tmp_path / "words"
    tokenizer.cache_clear()


def test_the_copy_of_the_dictionary_cuts_as_jieba_does(fresh):
    import jieba

    first = words._jieba()  # no copy yet: jieba's dictionary loaded, and copied
    assert first is jieba and len(list(fresh.glob("jieba-*.sqlite"))) == 1
    words._jieba.cache_clear()
    copy = words._jieba()
    assert isinstance(copy, jieba.Tokenizer) and isinstance(copy.FREQ, words._Frequencies)
    texts = _texts()
    assert [copy.lcut(t, HMM=False) for t in texts] == [jieba.lcut(t, HMM=False) for t in texts]


def test_an_unreadable_copy_is_left_for_the_dictionary_itself(fresh):
    import jieba

    words._jieba()
    [copy] = fresh.glob("jieba-*.sqlite")
    copy.write_bytes(b"not a database")
    words._jieba.cache_clear()
    assert words._jieba() is jieba  # and copied again
    words._jieba.cache_clear()
    assert isinstance(words._jieba().FREQ, words._Frequencies)
    assert words.words("长治市上党区2022年度财政支出") == tuple(jieba.lcut("长治市上党区2022年度财政支出", HMM=False))


def test_a_title_that_fits_is_one_line_as_its_words_would_make_it():
    from docgen.rules.formatting import text_width

    for text in ("长治市上党区2022年度财政支出重点绩效评价结果情况说明", "短标题", "", "2024年度 ABC"):
        for width in (5, 19, 40):
            if sum(text_width(w) for w in words.words(text)) <= width:
                assert words.title_lines(text, width) == (text,)


def _two_sheets(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("publisher.yaml", "01-housing.yaml", "02-emergency.yaml"):
        shutil.copy(SAMPLES / "jiyuan-2023" / name, data / name)
    (data / "packet.yaml").write_text("title: 测试\nformats: [pdf, docx]\ncombined: 合并.pdf\n", encoding="utf-8")
    return data / "packet.yaml"


def test_titles_cut_before_are_not_cut_again(tmp_path, monkeypatch, fresh):
    """The titles a build cuts into words are kept in its state: a rebuild after a change that
    leaves the titles as they were does not load jieba at all (nor does a title that fits on a
    line)."""
    packet, out = _two_sheets(tmp_path), tmp_path / "out"
    assert build_packet(packet, out, jobs=1).exit_code == 0
    store = json.loads((out / ".docgen" / "words.json").read_text(encoding="utf-8"))
    assert store["words"] and all("".join(v) == k for k, v in store["words"].items())

    monkeypatch.setattr(words, "_known", {})
    monkeypatch.setattr(words, "_given", set())
    loads = []

    def no_jieba(copy=True):
        loads.append(1)
        raise AssertionError("jieba loaded")

    monkeypatch.setattr(words, "_jieba", no_jieba)
    sheet = packet.parent / "02-emergency.yaml"
    sheet.write_text(re.sub(r"(?m)^score: .*$", "score: 80.2", sheet.read_text(encoding="utf-8")), encoding="utf-8")
    again = build_packet(packet, out, jobs=1)
    assert again.exit_code == 0 and "02-emergency.pdf" in again.built and loads == []
    assert words.title_lines("短标题", 19) == ("短标题",) and loads == []
