"""F_KPI_01: % of undisputed invoices paid in accordance with vendor terms.

Formula (docs/measures.md): of the ``invoices`` not ``disputed``, the % with ``paid_on`` on or before ``due_on``.
Month by ``paid_on``, under the backlog rule: an undisputed invoice still unpaid at the end of the month in which
it fell due (``paid_on`` empty, or in a later month) counts once, as a failure, in its due month — and not again
when it is paid. Disputed invoices are not in the population. ``due_on`` is taken as given: a due date on a weekend
or bank holiday is not moved (the vendor's terms say when payment is due; pay the business day before).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

NAME = "F_KPI_01"


def _day(column: str, missing: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%d").fill_null(missing)


def rule(ctx: RuleContext) -> RecordRule:
    paid, due = pl.col("paid_on"), pl.col("due_on")
    return RecordRule(
        dataset="invoices",
        id="invoice_id",
        month=paid,
        population=~pl.col("disputed"),
        start=pl.col("received_on"),
        deadline=due,
        completed=paid,
        passes=paid <= due,
        reason=text("paid {}; due {}", _day("paid_on", "not paid"), _day("due_on", "?")),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"invoices": ("invoice_id", "received_on", "due_on", "paid_on", "disputed")},
    rule,
    description="% of the month's undisputed invoices (by paid_on) paid on or before due_on; an invoice unpaid "
    "at the end of its due month fails in that month (backlog rule)",
    unit="records",
)

#: The per-month computation (the rule over one month), as before.
compute = MEASURE.compute
