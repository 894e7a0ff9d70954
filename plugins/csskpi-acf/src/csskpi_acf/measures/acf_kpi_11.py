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

import datetime as dt

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter

from ..kit import text

NAME = "ACF_KPI_11"


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "days", 28, unit="days")
    referred, completed = pl.col("referred_on"), pl.col("completed_on")
    deadline = referred + pl.duration(days=days)
    return RecordRule(
        dataset="financial_assessments", id="assessment_id", month=completed, start=referred, deadline=deadline,
        completed=completed, lookback=dt.timedelta(days=days),
        elapsed=(completed - referred).dt.total_days(),
        reason=text("completed {} days after referral; {} days allowed",
                    (completed - referred).dt.total_days().cast(pl.String).fill_null("(not yet)"), pl.lit(days)),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"financial_assessments": ("assessment_id", "referred_on", "completed_on")},
    rule,
    description="% of financial assessments completed within 28 days of referral",
    unit="records",
)
compute = MEASURE.compute
