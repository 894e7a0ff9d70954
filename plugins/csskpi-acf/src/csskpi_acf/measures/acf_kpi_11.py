"""ACF_KPI_11 — "% of financial assessments (new and change of circumstance, residential and non-residential)
completed within 28 days of referral".

The replacement of ACF_KPI_03/04 after their 2020 review: the new Charging Policy (April 2020) sets 28 days as the
realistic standard for processing a financial assessment (October 2020 OSMB report). In the bundled contract it
comes into force with the second extension, October 2020 (assumed). Month by ``completed_on``; the deadline is
``referred_on`` + ``days`` calendar days (default 28); an assessment still open at the end of its deadline's month
counts once, as a failure, in that month (backlog rule). It follows the rules of ACF_KPI_03/04 (``docs/measures.md``:
``financial_assessments``, month by ``completed_on``), over both kinds of care.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, count_parameter, deadline_counts

NAME = "ACF_KPI_11"


def compute(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, NAME, "days", 28, unit="days")
    return deadline_counts(
        inputs.data["financial_assessments"], inputs.period,
        month_by=pl.col("completed_on"),
        deadline=pl.col("referred_on") + pl.duration(days=days),
        completed=pl.col("completed_on"),
    )


MEASURE = Measure(
    name=NAME,
    columns={"financial_assessments": ("referred_on", "completed_on")},
    compute=compute,
    description="% of financial assessments completed within 28 days of referral",
    unit="records",
)
