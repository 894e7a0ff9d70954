"""CSC_KPI_09: % of carers assessments (reviews and new) completed accurately and within 20 business days.

Formula (docs/measures.md): of the ``carers_assessments`` completed in the month (month by ``completed_on``), the %
with ``accurate`` true and ``completed_on`` on or before the date ``business_days`` (*assumed* parameter: 20)
business days after ``referred_on`` (day 0). Backlog rule: an assessment still open at the end of the month in
which its deadline fell counts once, as a failure, in the deadline's month. A completed assessment with no
accuracy recorded counts as not accurate.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, calendar_of, count_parameter

from ..kit import business_day_deadline_counts

NAME = "CSC_KPI_09"


def compute(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, NAME, "business_days", 20, unit="days")
    return business_day_deadline_counts(
        inputs.data["carers_assessments"],
        inputs.period,
        calendar_of(inputs),
        month_by="completed_on",
        start="referred_on",
        business_days=days,
        longest=days,
        completed="completed_on",
        also=pl.col("accurate"),
    )


MEASURE = Measure(
    name=NAME,
    columns={"carers_assessments": ("referred_on", "completed_on", "accurate")},
    compute=compute,
    description="% of the month's carers assessments (by completed_on) completed accurately within 20 business "
    "days of referral (parameter business_days), backlog rule",
    unit="records",
)
