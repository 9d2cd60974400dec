"""Slips in a project's lists that YAML takes without complaint and that would print wrong:
each is told as a warning at its field, with the fix (:func:`list_slips`).

* ``-概况一`` (no space after the dash): YAML reads the lines as one text, "-概况一 -概况二";
  it is split at the dashes, and the space is suggested.
* hand-numbered items ("1.问题一") in a list docgen numbers itself would print "1.1.问题一":
  the typed number is taken off.
* a list written as one text that holds several numbered items or lines prints as one item:
  said, with how to write a list.

(A project without 主要问题 or 整改要求 is the result sheet's check: ``rules.checks``.)
"""

from __future__ import annotations

import re

from docgen.diagnostics import Finding, Severity
from docgen.rules.formatting import chinese_numeral

#: the lists whose items docgen numbers (1. 2. …, （一）…)
NUMBERED = ("problems", "rectification", "suggestions")
#: every list of texts a project has
LISTS = ("implementing_units", "overview", "implementation", *NUMBERED)

#: a number typed at the start of an item: 1. 1、 1．（1） (1) (一) 一、 ①
_TYPED_NUMBER = re.compile(r"^\s*(?:(?P<arabic>\d{1,2})\s*[.．、](?!\d)|[（(]\s*(?P<paren>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
                           r"|(?P<chinese>[一二三四五六七八九十]{1,3})\s*、|(?P<circled>[①-⑳]))\s*")
#: a dash that begins an item but lacks its space: "-概况一" (not "-5%")
_DASH_ITEM = re.compile(r"(?:^|\s)-(?=[^\s\d.-])")


def _is_place(match: re.Match, place: int) -> bool:
    """The number typed in ``match`` is ``place``: in digits, circled, or in Chinese numerals
    as docgen writes them itself (:func:`docgen.rules.formatting.chinese_numeral`)."""
    digits = match.group("arabic") or match.group("paren")
    if digits and digits.isdigit():
        return int(digits) == place
    if match.group("circled"):
        return ord(match.group("circled")) - ord("①") + 1 == place
    return (match.group("paren") or match.group("chinese")) == chinese_numeral(place)


def strip_typed_numbers(items: list[str]) -> tuple[list[str], list[str]]:
    """The items without the numbers typed in front of them, and those numbers: only when
    there are two items or more and each begins with its place (1 on the first, 2 on the
    second…). One item that begins "1. …2. …" is one cell of numbered points, as published
    tables print it; a text beginning with a figure ("3、5号楼") keeps it."""
    matches = [_TYPED_NUMBER.match(item) for item in items]
    if len(items) < 2 or not all(m and _is_place(m, place) and item[m.end():].strip()
                                 for place, (m, item) in enumerate(zip(matches, items), start=1)):
        return items, []
    return [item[m.end():] for m, item in zip(matches, items)], [m.group().strip() for m in matches]


def list_slips(raw: dict, values: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[Finding]]:
    """What to print instead of ``values`` (each list field as read) and the warnings; ``raw``
    is the project as written (a list written as one text is a ``str`` there)."""
    changes: dict[str, list[str]] = {}
    findings: list[Finding] = []
    for field in LISTS:
        written = raw.get(field)
        items = values.get(field) or []
        if isinstance(written, str) and _DASH_ITEM.match(written.strip()):
            items = [part.strip() for part in _DASH_ITEM.split(written.strip()) if part.strip()]
            changes[field] = items
            findings.append(Finding((field,), f"“-”后面缺少空格，这几行被读成了一段文字；已按“-”分成{len(items)}项。"
                                              f"请在每个“-”后加一个空格（写成“- {items[0][:10]}”）", Severity.WARNING))
        elif isinstance(written, str) and field in NUMBERED and _several(written):
            findings.append(Finding((field,), "写成了一段文字，将作为一项印出；如有多项，请每项单独一行并以“- ”开头",
                                    Severity.WARNING))
            continue  # its numbers belong to the items it was meant to be: left as written
        if field in NUMBERED and items:
            stripped, typed = strip_typed_numbers(items)
            if typed:
                changes[field] = stripped
                shown = "”“".join(typed[:3]) + ("”…" if len(typed) > 3 else "”")
                findings.append(Finding((field,), f"各项会自动编号，已去掉手写的编号“{shown}，"
                                                  "以免印成“1.1.”；请在数据中删去这些编号", Severity.WARNING))
    return changes, findings


def _several(text: str) -> bool:
    """A text that holds several items: lines, or two numbers typed as items ("1.甲 2.乙")."""
    if "\n" in text.strip():
        return True
    starts = re.findall(r"(?:^|[\s；;。])(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)", text)
    return len(starts) >= 2
