"""ACF_KPI_10 — "% of the total Adult Care Service Users in any month in receipt of a chargeable service who have
an up to date and accurate financial assessment in place".

docs/measures.md: ``acf_service_users`` month-end snapshot (service_user_id, snapshot_on, chargeable,
assessment_up_to_date), month by ``snapshot_on``: ``100 * (chargeable users with assessment_up_to_date) /
(chargeable users)``, over the rows of the latest ``snapshot_on`` within the month. An empty
``assessment_up_to_date`` is not up to date.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import said, snapshot_rule

NAME = "ACF_KPI_10"


def rule(ctx: RuleContext) -> RecordRule:
    return snapshot_rule(
        "acf_service_users", "service_user_id",
        population=pl.col("chargeable"),
        passes=pl.col("assessment_up_to_date"),
        reason=said("assessment_up_to_date", "assessment up to date", "assessment not up to date"),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"acf_service_users": ("service_user_id", "snapshot_on", "chargeable", "assessment_up_to_date")},
    rule,
    description="% of chargeable service users with an up-to-date financial assessment, at month end",
    unit="records",
)
compute = MEASURE.compute
