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

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, within_business_days

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    # Each transaction's own target: no bound on it is known, so every transaction gets its deadline worked out.
    return within_business_days(
        ctx, dataset="pm_transactions", id="transaction_id", month="completed_at", start="received_at",
        completed="completed_at", business_days=pl.col("target_business_days"), longest=None,
        words=("completed", "receipt"),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_11",
    {"pm_transactions": ("transaction_id", "received_at", "completed_at", "target_business_days")},
    rule,
    description="% of PM transactions completed within their type's target business days (backlog rule)",
)
compute = MEASURE.compute
