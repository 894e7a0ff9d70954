"""ACF_KPI_09 — "% of Adult Care Finance Users rating their experience of contact with the Council as Good or
better per month".

docs/measures.md: ``surveys`` (kind=acf_user; response_id, kind, responded_on, rating), month by ``responded_on``:
% of the month's responses rated good or better (``good``, ``very good``, 4 or 5).

Parameters (``[parameters.measures.ACF_KPI_09]``): ``kind`` (default ``acf_user``; not in the bundled contract).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, survey_rule, text_parameter

NAME = "ACF_KPI_09"
KIND = "acf_user"


def rule(ctx: RuleContext) -> RecordRule:
    return survey_rule(text_parameter(ctx, NAME, "kind", KIND))


MEASURE = Measure.from_rule(
    NAME,
    {"surveys": ("response_id", "kind", "responded_on", "rating")},
    rule,
    description="% of Adult Care Finance users rating their contact good or better",
    unit="responses",
)
compute = MEASURE.compute
