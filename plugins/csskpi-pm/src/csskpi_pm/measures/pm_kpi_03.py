"""PM_KPI_03: % of Payment Deductions paid within Third Party Payment Date per month.

docs/measures.md: third_party_deductions (deduction_id, due_on, paid_on), month by due_on: "% paid on or before
due_on". A deduction not paid yet (empty paid_on) fails. The deadline is due_on itself, in the month counted, so
the backlog rule changes nothing.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, in_month, ratio

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    deductions = inputs.data["third_party_deductions"].filter(in_month(pl.col("due_on"), inputs.period))
    return ratio(deductions, pl.col("paid_on") <= pl.col("due_on"))


MEASURE = Measure(
    name="PM_KPI_03",
    columns={"third_party_deductions": ("due_on", "paid_on")},
    compute=compute,
    description="% of third-party payroll deductions due in the month paid on or before their due date",
)
