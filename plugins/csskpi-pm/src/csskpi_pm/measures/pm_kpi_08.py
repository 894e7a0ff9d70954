"""PM_KPI_08: % of managers rating their experience of contact as Good or better per month.

docs/measures.md: surveys (kind=pm_manager_contact; response_id, kind, responded_on, rating), month by responded_on:
"% good or better" (good or very good, 4 or 5). The kind is the parameter ``kind`` (default
``pm_manager_contact``). The unit is responses.
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, survey_rule

from ..kit import parameter

__all__ = ["MEASURE", "KIND", "compute"]

KIND = "pm_manager_contact"


def rule(ctx: RuleContext) -> RecordRule:
    return survey_rule(str(parameter(ctx, "kind", KIND)))


MEASURE = Measure.from_rule(
    "PM_KPI_08",
    {"surveys": ("response_id", "kind", "responded_on", "rating")},
    rule,
    description="% of managers' contact survey responses in the month rated good or better",
    unit="responses",
)
compute = MEASURE.compute
