"""PM_KPI_01: % of Payroll Recipients paid on the Payment Date per month.

docs/measures.md: payroll_payments (payment_id, recipient_id, payment_date, paid_date), month by payment_date:
"% of distinct recipients all of whose payments that month were paid on or before payment_date".

A recipient with several payments in the month passes only if every one of them was paid on or before its own
payment_date; a payment not paid yet (empty paid_date) fails. The unit is recipients.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    paid, due = pl.col("paid_date"), pl.col("payment_date")
    return RecordRule(
        dataset="payroll_payments", id="payment_id", month=due, group=pl.col("recipient_id"),
        passes=paid <= due,  # a recipient passes when every payment of theirs in the month does
        reason=text("recipient {}; paid {}; payment date {}", pl.col("recipient_id"),
                    paid.dt.strftime("%Y-%m-%d").fill_null("not yet"), due.dt.strftime("%Y-%m-%d")),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_01",
    {"payroll_payments": ("payment_id", "recipient_id", "payment_date", "paid_date")},
    rule,
    description="% of distinct payroll recipients all of whose payments that month were paid on or before payment_date",
    unit="recipients",
)
compute = MEASURE.compute
