"""ACF_KPI_03 — "% of new and change of circumstance financial assessments for non-res care completed within 15
Business Days of referral from the Council".

docs/measures.md: ``financial_assessments`` (care=non_residential; assessment_id, care, kind, referred_on,
completed_on), month by ``completed_on``: % completed within 15 business days of referral, i.e. ``completed_on <=
referred_on + 15 business days`` (the referral day is day 0). Both kinds (new, change) count. An assessment still
open at the end of the month in which its deadline fell counts once, as a failure, in that month (backlog rule).

Parameters (``[parameters.measures.ACF_KPI_03]``): ``care`` (default ``non_residential``), ``business_days``
(default 15).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import assessment_rule

NAME = "ACF_KPI_03"


def rule(ctx: RuleContext) -> RecordRule:
    return assessment_rule(ctx, NAME, "non_residential")


MEASURE = Measure.from_rule(
    NAME,
    {"financial_assessments": ("assessment_id", "care", "referred_on", "completed_on")},
    rule,
    description="% of non-residential financial assessments completed within 15 business days of referral",
    unit="records",
)
compute = MEASURE.compute
