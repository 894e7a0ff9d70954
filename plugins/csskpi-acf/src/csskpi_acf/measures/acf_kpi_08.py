"""ACF_KPI_08 — "% of court protection and appointeeship cases that have been actioned correctly and commenced
within 5 Business Days of referral".

docs/measures.md: ``court_protection`` (case_id, referred_on, commenced_on, actioned_correctly), month by
``commenced_on``: % with ``actioned_correctly`` and ``commenced_on <= referred_on + 5 business days`` (the referral
day is day 0). A case not commenced by the end of the month in which its deadline fell counts once, as a failure,
in that month (backlog rule). An empty ``actioned_correctly`` is not "actioned correctly".

Parameters (``[parameters.measures.ACF_KPI_08]``): ``business_days`` (default 5).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter

from ..kit import within

NAME = "ACF_KPI_08"
BUSINESS_DAYS = 5


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "business_days", BUSINESS_DAYS, unit="days")
    return within(ctx, "court_protection", "case_id", start="referred_on", done="commenced_on", business_days=days,
                  also="actioned_correctly")


MEASURE = Measure.from_rule(
    NAME,
    {"court_protection": ("case_id", "referred_on", "commenced_on", "actioned_correctly")},
    rule,
    description="% of court protection and appointeeship cases actioned correctly and commenced within 5 business days",
    unit="records",
)
compute = MEASURE.compute
