"""Computed values quoted in user-written narrative: ``共评价{评价数}个项目``.

Only ``{名称}`` with a known name is replaced, by plain string substitution: narrative
text is never evaluated as a template, and anything else in it is printed as written.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from docgen.diagnostics import Finding

#: ``{名称}``, or ``{名称:限定}`` for a group's figure (``{评价数:第一批}``, :mod:`docgen.rules.groups`)
PLACEHOLDER = re.compile(r"\{([\w\u4e00-\u9fff]+(?::[^{}:\s]+)?)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders; unknown ones stay as written (see :func:`check`)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def names_in(text: str) -> list[str]:
    """The names a text quotes: ``"共{评价数}个，优{优数}个"`` → ``["评价数", "优数"]``."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def check(text: str, names: list[str], loc: tuple, known: Collection[str] = ()) -> list[Finding]:
    """An unknown ``{名称}`` is almost always a typo: report it with the names on offer.
    ``known`` are names that are not on offer here but not unknown either (a check of their
    own says why they cannot be used)."""
    return [
        Finding(loc, f"未知的占位符“{{{m.group(1)}}}”；可用：{'、'.join('{' + n + '}' for n in names)}")
        for m in PLACEHOLDER.finditer(text)
        if ":" not in m.group(1) and m.group(1) not in names and m.group(1) not in known
    ]
