"""PM_KPI_02: % of errors in Payments (caused by Service Provider) identified and resolved per month.

docs/measures.md: payment_errors (error_id, caused_by (provider/other), identified_on, resolved_on), month by
identified_on: "% of provider-caused errors resolved within the same month".

The population is the errors caused by the provider (parameter ``caused_by``, default ``provider``) identified in
the month; an error passes if resolved_on is in the same month (on or before the month's last day). The deadline
is the end of the month of identification, so the backlog rule changes nothing: an error still open at the end of
that month fails in that month.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, in_month, ratio

from ..kit import parameter

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    cause = str(parameter(inputs, "caused_by", "provider"))
    errors = inputs.data["payment_errors"].filter(
        (pl.col("caused_by") == cause) & in_month(pl.col("identified_on"), inputs.period)
    )
    return ratio(errors, pl.col("resolved_on") <= pl.col("identified_on").dt.month_end())


MEASURE = Measure(
    name="PM_KPI_02",
    columns={"payment_errors": ("caused_by", "identified_on", "resolved_on")},
    compute=compute,
    description="% of provider-caused payment errors identified in the month that were resolved within that month",
)
