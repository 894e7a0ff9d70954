"""CSC_KPI_09: % of carers assessments (reviews and new) completed accurately and within 20 business days.

Formula (docs/measures.md): of the ``carers_assessments`` completed in the month (month by ``completed_on``), the %
with ``accurate`` true and ``completed_on`` on or before the date ``business_days`` (*assumed* parameter: 20)
business days after ``referred_on`` (day 0). Backlog rule: an assessment still open at the end of the month in
which its deadline fell counts once, as a failure, in the deadline's month. A completed assessment with no
accuracy recorded counts as not accurate.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter

from ..kit import within_business_days

NAME = "CSC_KPI_09"


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "business_days", 20, unit="days")
    return within_business_days(
        ctx,
        dataset="carers_assessments",
        id="assessment_id",
        month="completed_on",
        start="referred_on",
        completed="completed_on",
        business_days=pl.lit(days, dtype=pl.Int64),
        longest=days,
        also=pl.col("accurate"),
        words=("completed", "referral"),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"carers_assessments": ("assessment_id", "referred_on", "completed_on", "accurate")},
    rule,
    description="% of the month's carers assessments (by completed_on) completed accurately within 20 business "
    "days of referral (parameter business_days), backlog rule",
    unit="records",
)
compute = MEASURE.compute
