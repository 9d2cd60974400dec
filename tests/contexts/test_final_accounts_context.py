"""The final-accounts context tree carries every number its templates print, layout spans
included, so no template does arithmetic (samples/shangdang-gov-office-2023)."""

from __future__ import annotations

import re

from docgen.contexts.final_accounts import build_final_accounts
from docgen.input import load_dataset
from docgen.render.environment import TemplateSet

from conftest import SAMPLES

DATA = load_dataset([SAMPLES / "shangdang-gov-office-2023"])


def _context():
    return build_final_accounts(DATA.department, DATA.accounts, DATA.explanations, DATA.self_evaluations,
                                DATA.grade_bands)


def test_funding_span_covers_the_header_rows_and_every_funding_row():
    forms = _context().forms
    assert len(forms) == 12
    # every form of the seed has one source (市县区财政资金): 2 header rows + 资金总额 + 1
    assert [f.funding_span for f in forms] == [4] * 12
    assert all(f.funding_span == len(f.funding) + 2 for f in forms)
    assert forms[0].funding[0][0] == "资金总额：" and len(forms[0].funding) == 2


def test_templates_compute_nothing():
    arithmetic = re.compile(r"{[{%][^}%]*(\|\s*length\s*[-+*/]|\bsum\b|\d\s*[-+*/]\s*\w|\w\s*[-+*/]\s*\d)[^}%]*[}%]}")
    for name in ("final-accounts.html", "final-accounts-tables.html"):
        source = TemplateSet.default().path(name).read_text(encoding="utf-8")
        assert not arithmetic.findall(source), name


def test_funding_span_is_the_rowspan_in_the_html():
    from docgen.render.pdf import PdfRenderer

    html = PdfRenderer().html("final-accounts", {"accounts": _context(), "draft": False})
    spans = re.findall(r'rowspan="(\d+)">项目资金预算安排及执行进度', html)
    assert spans == ["4"] * 12
