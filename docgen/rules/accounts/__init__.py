"""Final accounts (部门决算): code trees, totals, identities, year-on-year changes and 自评表
arithmetic.

Pure functions over :mod:`docgen.models.accounts`. Every figure the disclosure prints (in the
tables and in the sentences of 情况说明) is decided here once; what the user also typed
(款/类 lines, 合计 rows, printed totals) is checked against it: a difference within the 尾数
tolerance (0.01 per summed figure) is a warning, anything larger an error. A typed figure is
the published one: the documents print it as typed (:func:`shown`), and the figures above it sum it
as printed; only what nobody typed is computed for print.

One module per table group: :mod:`.common` (类 codes, sums, comparing), :mod:`.functions`
(公开02/03/05表), :mod:`.economic` (公开06表), :mod:`.summaries` (公开01/04表, 07/08表 totals),
:mod:`.statistics` (公开09/10表), :mod:`.self_evaluation` (自评表), :mod:`.changes` (同比, 占比)
and :mod:`.compute` (all at once). Everything is importable from this package.
"""

from docgen.rules.accounts.changes import YearOnYear, share, year_on_year
from docgen.rules.accounts.common import CATEGORIES, ZERO, agree, compare, shown, total
from docgen.rules.accounts.compute import (
    Computed,
    check_explanations,
    compute,
    performance_facts,
    printed_performance_facts,
)
from docgen.rules.accounts.economic import PERSONNEL_CODES, EconomicRow, EconomicTable, economic_table
from docgen.rules.accounts.functions import (
    TABLE_COLUMNS,
    TABLE_NAMES,
    CodeRow,
    FunctionTables,
    check_overlap,
    function_tables,
)
from docgen.rules.accounts.self_evaluation import (
    FundingFigures,
    SelfEvaluationFigures,
    check_self_evaluation,
    funding_figures,
    self_evaluation_figures,
    shown_funding,
)
from docgen.rules.accounts.statistics import (
    THREE_PUBLIC,
    VEHICLE_KINDS,
    StatisticsFigures,
    check_statistics,
    statistics_figures,
    three_public_totals,
)
from docgen.rules.accounts.summaries import (
    FUNDS,
    INCOME_ITEMS,
    AccountsSummaryFigures,
    FiscalSummaryFigures,
    accounts_summary,
    fiscal_summary,
    fund_line_total,
    fund_lines_total,
)

__all__ = [
    "CATEGORIES", "FUNDS", "INCOME_ITEMS", "PERSONNEL_CODES", "TABLE_COLUMNS", "TABLE_NAMES", "THREE_PUBLIC",
    "VEHICLE_KINDS", "ZERO", "AccountsSummaryFigures", "CodeRow", "Computed", "EconomicRow", "EconomicTable",
    "FiscalSummaryFigures", "FunctionTables", "FundingFigures", "SelfEvaluationFigures", "StatisticsFigures",
    "YearOnYear", "accounts_summary", "agree", "check_explanations", "check_overlap", "check_self_evaluation",
    "check_statistics", "compare", "compute", "economic_table", "fiscal_summary", "fund_line_total",
    "fund_lines_total", "function_tables", "funding_figures", "performance_facts", "printed_performance_facts",
    "self_evaluation_figures", "share", "shown", "shown_funding", "statistics_figures", "three_public_totals", "total",
    "year_on_year",
]
