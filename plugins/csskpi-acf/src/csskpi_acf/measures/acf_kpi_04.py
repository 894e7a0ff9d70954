"""ACF_KPI_04 — "% of new and change of circumstance financial assessments for residential care completed within
15 Business Days of referral from the Council".

docs/measures.md: ``financial_assessments`` (care=residential), month by ``completed_on``: as ACF_KPI_03 — % with
``completed_on <= referred_on + 15 business days`` (the referral day is day 0), backlog rule for assessments still
open past their deadline.

Parameters (``[parameters.measures.ACF_KPI_04]``): ``care`` (default ``residential``), ``business_days``
(default 15).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import assessment_rule

NAME = "ACF_KPI_04"


def rule(ctx: RuleContext) -> RecordRule:
    return assessment_rule(ctx, NAME, "residential")


MEASURE = Measure.from_rule(
    NAME,
    {"financial_assessments": ("assessment_id", "care", "referred_on", "completed_on")},
    rule,
    description="% of residential financial assessments completed within 15 business days of referral",
    unit="records",
)
compute = MEASURE.compute
