"""PM_KPI_01: % of Payroll Recipients paid on the Payment Date per month.

docs/measures.md: payroll_payments (payment_id, recipient_id, payment_date, paid_date), month by payment_date:
"% of distinct recipients all of whose payments that month were paid on or before payment_date".

A recipient with several payments in the month passes only if every one of them was paid on or before its own
payment_date; a payment not paid yet (empty paid_date) fails. The unit is recipients.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, in_month

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    payments = inputs.data["payroll_payments"]
    late = (pl.col("paid_date") <= pl.col("payment_date")).fill_null(False).not_()
    # The recipients paid in the month, less those with at least one payment late or unpaid.
    counted = (
        payments.lazy()
        .filter(in_month(pl.col("payment_date"), inputs.period))
        .select(recipients=pl.col("recipient_id").n_unique(), failing=pl.col("recipient_id").filter(late).n_unique())
        .collect()
    )
    recipients, failing = int(counted["recipients"][0]), int(counted["failing"][0])
    return Counts(recipients - failing, recipients, "recipients")


MEASURE = Measure(
    name="PM_KPI_01",
    columns={"payroll_payments": ("recipient_id", "payment_date", "paid_date")},
    compute=compute,
    description="% of distinct payroll recipients all of whose payments that month were paid on or before payment_date",
    unit="recipients",
)
