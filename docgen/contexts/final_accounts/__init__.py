"""部门决算公开: cover, 目录, 概况, the ten tables, generated 情况说明, 名词解释, 自评表.

Every figure comes from :mod:`docgen.rules.accounts`; every sentence of 情况说明 is built
here from those figures and the department's own reasons, so text and tables agree.

One module a part: :mod:`.cells` (figures as printed), :mod:`.tables` (公开01–10表),
:mod:`.explanations` (情况说明), :mod:`.forms` (自评表); this module assembles the document
and holds the family's hooks (:mod:`docgen.families`)."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.contexts.common import Heading, Paragraph, numbered
from docgen.models import GradeBands
from docgen.models.accounts import Accounts, Department, Explanations, SelfEvaluation
from docgen.rules import Numbering
from docgen.rules.accounts import compute
from docgen.contexts.final_accounts.cells import Cell, change
from docgen.contexts.final_accounts.tables import AccountTable, build_tables
from docgen.contexts.final_accounts.explanations import build_explanations
from docgen.contexts.final_accounts.forms import SelfEvaluationForm, build_form

__all__ = ["AccountTable", "Cell", "FinalAccounts", "SelfEvaluationForm", "build_final_accounts", "change", "check",
           "documents"]


@dataclass(frozen=True)
class FinalAccounts:
    department: str
    year: int
    cover_title: str
    duties: list[Paragraph]
    organisation: list[str]
    tables: list[AccountTable]
    explanations: list[Heading]
    glossary: list[Paragraph]
    forms: list[SelfEvaluationForm]


def build_final_accounts(department: Department, accounts: Accounts, explanations: Explanations,
                         forms: list[SelfEvaluation], bands: GradeBands | None = None) -> FinalAccounts:
    computed = compute(accounts, forms, bands)
    return FinalAccounts(
        department=department.name, year=department.year, cover_title=f"{department.year}年度部门决算公开",
        duties=numbered(department.duties, Numbering.ARABIC_PAREN), organisation=list(department.organisation),
        tables=build_tables(department, accounts, computed),
        explanations=build_explanations(department, accounts, explanations, computed),
        glossary=numbered(department.glossary, Numbering.CHINESE_COMMA),
        forms=[build_form(f, fig) for f, fig in zip(forms, computed.forms)],
    )


# --- family hooks (docgen.families): the data set's documents and checks


def documents(data) -> list:
    from docgen.families import Document

    return [Document("final-accounts", {"accounts": build_final_accounts(
        data.department, data.accounts, data.explanations, data.self_evaluations or [], data.grade_bands)})]


def check(data) -> None:
    """部门决算: every identity and 自评表 check, located in the file that holds the block."""
    from docgen.models.accounts import Explanations
    from docgen.rules.accounts import check_explanations, compute

    if data.accounts is None:
        data.report_missing_block("accounts", "部门决算公开需要“accounts”（十张决算表的数据）")
        return
    data.explanations = data.explanations or Explanations()
    computed = compute(data.accounts, data.self_evaluations or [], data.grade_bands)
    data.report_findings("accounts", computed.findings["accounts"])
    if data.self_evaluations:
        data.report_findings("self_evaluations", computed.findings["self_evaluations"])
    if "explanations" in data.origins:
        data.report_findings("explanations", check_explanations(data.explanations, computed))
