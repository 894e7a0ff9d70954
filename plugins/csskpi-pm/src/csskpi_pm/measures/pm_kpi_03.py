"""PM_KPI_03: % of Payment Deductions paid within Third Party Payment Date per month.

docs/measures.md: third_party_deductions (deduction_id, due_on, paid_on), month by due_on: "% paid on or before
due_on". A deduction not paid yet (empty paid_on) fails. The deadline is due_on itself, in the month counted, so
the backlog rule changes nothing.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    due, paid = pl.col("due_on"), pl.col("paid_on")
    return RecordRule(
        dataset="third_party_deductions", id="deduction_id", month=due, passes=paid <= due,
        deadline=due, completed=paid, backlog=False,  # counted in its due month, whenever paid
        reason=text("paid {}; due {}", paid.dt.strftime("%Y-%m-%d").fill_null("not yet"), due.dt.strftime("%Y-%m-%d")),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_03",
    {"third_party_deductions": ("deduction_id", "due_on", "paid_on")},
    rule,
    description="% of third-party payroll deductions due in the month paid on or before their due date",
)
compute = MEASURE.compute
