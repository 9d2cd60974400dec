"""Year-on-year changes and shares, as 情况说明 states them (增加/减少 … 增长/下降 …%, 占比 …%)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.rules.accounts.common import ZERO
from docgen.rules.numbers import percentage


@dataclass(frozen=True)
class YearOnYear:
    """This year's figure against last year's."""

    difference: Decimal  # current − prior (negative: a decrease)
    amount: Decimal  # |difference|
    rate: Decimal | None  # |difference| ÷ prior, % with two decimals half up; None when prior is 0

    @property
    def unchanged(self) -> bool:
        return self.difference == 0

    @property
    def increased(self) -> bool:
        return self.difference > 0


def year_on_year(current: Decimal, prior: Decimal | None) -> YearOnYear | None:
    """The change from ``prior`` to ``current``; None when there is no prior figure.
    ``year_on_year(Decimal("1654.78"), Decimal("1154.78"))`` → difference 500.00, rate 43.30."""
    if prior is None:
        return None
    difference = current - prior
    amount = abs(difference)
    return YearOnYear(difference, amount, percentage(amount, prior) if prior else None)


def share(part: Decimal | None, whole: Decimal | None) -> Decimal:
    """占比 in %, two decimals half up: ``part ÷ whole``; 0 when the whole is zero or absent
    (a missing part counts as 0)."""
    return percentage(part or ZERO, whole) if whole else ZERO
