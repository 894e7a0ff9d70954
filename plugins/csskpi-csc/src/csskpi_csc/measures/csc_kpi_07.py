"""CSC_KPI_07: % of customers rating their experience of contact as good or better per month.

Formula (docs/measures.md): of the ``surveys`` responses of kind ``csc_customer`` in the month (month by
``responded_on``), the % rated good or very good (4 or 5). ``surveys`` is the core's shared dataset.
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, survey_rule

NAME = "CSC_KPI_07"
SURVEY_KIND = "csc_customer"


def rule(ctx: RuleContext) -> RecordRule:
    return survey_rule(SURVEY_KIND)


MEASURE = Measure.from_rule(
    NAME,
    {"surveys": ("response_id", "kind", "responded_on", "rating")},
    rule,
    description="% of the month's csc_customer survey responses (by responded_on) rated good or better",
    unit="responses",
)
compute = MEASURE.compute
