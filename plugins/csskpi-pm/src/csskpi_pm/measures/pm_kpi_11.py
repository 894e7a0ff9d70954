"""PM_KPI_11: % of People Management transaction activity completed within the relevant required timescale /
target service level as detailed in the PM_KPI_11 Service Level Agreement.

docs/measures.md: pm_transactions (transaction_id, type, received_at, completed_at, target_business_days), month by
completed_at: "% completed within their type's target".

A transaction is met if completed on or before the date ``target_business_days`` business days after the day it
was received (that day being day 0; received on a weekend or bank holiday, day 0 is the next business day).
Timescales are in whole business days, so the dates of received_at and completed_at are compared, not their
times. The backlog rule applies: a transaction still open at the end of its deadline's month counts once, as a
failure, in that month.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import within_business_days

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    return within_business_days(
        inputs.data["pm_transactions"],
        inputs,
        start="received_at",
        business_days="target_business_days",
        completed="completed_at",
    )


MEASURE = Measure(
    name="PM_KPI_11",
    columns={"pm_transactions": ("received_at", "completed_at", "target_business_days")},
    compute=compute,
    description="% of PM transactions completed within their type's target business days (backlog rule)",
)
