"""IMT_KPI_12 — % of users who score the IT Service as Good or above for IT Incident handling.

Formula (docs/measures.md): of the month's ``surveys`` responses (``responded_on``) of kind ``it_incident``, the %
rated good or better (good, very good, 4 or 5).
Parameters: ``kind`` (``it_incident``; not in the bundled contract, docs/measures.md's value).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, survey_rule

from ..kit import param


def rule(ctx: RuleContext) -> RecordRule:
    return survey_rule(str(param(ctx, "kind", "it_incident")))


MEASURE = Measure.from_rule(
    "IMT_KPI_12",
    {"surveys": ("response_id", "kind", "responded_on", "rating")},
    rule,
    description="% of IT incident survey responses rated good or better",
    unit="responses",
)
compute = MEASURE.compute
