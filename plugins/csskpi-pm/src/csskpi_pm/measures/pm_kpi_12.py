"""PM_KPI_12: % of users in any month who score the PM My Helpdesk as good or very good.

docs/measures.md: surveys (kind=pm_my_helpdesk; response_id, kind, responded_on, rating), month by responded_on:
"% good or better" (good or very good, 4 or 5). The kind is the parameter ``kind`` (default ``pm_my_helpdesk``).
The unit is responses.
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, survey_rule

from ..kit import parameter

__all__ = ["MEASURE", "KIND", "compute"]

KIND = "pm_my_helpdesk"


def rule(ctx: RuleContext) -> RecordRule:
    return survey_rule(str(parameter(ctx, "kind", KIND)))


MEASURE = Measure.from_rule(
    "PM_KPI_12",
    {"surveys": ("response_id", "kind", "responded_on", "rating")},
    rule,
    description="% of PM My Helpdesk survey responses in the month rated good or very good",
    unit="responses",
)
compute = MEASURE.compute
