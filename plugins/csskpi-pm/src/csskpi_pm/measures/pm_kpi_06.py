"""PM_KPI_06: Number of People Mgt. Records assessed in Spot Checks to contain errors omissions or inaccuracies.

docs/measures.md: spot_checks (record_id, checked_on, has_error), month by checked_on: "count of checked records with
has_error". A count KPI (lower is better): the distinct records checked in the month and found in error, so a
record found in error twice in one month counts once. No records checked gives 0.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    # A count of records: each record found in error in the month's checks counts once, however often checked.
    return RecordRule(
        dataset="spot_checks", id="record_id", month=pl.col("checked_on"), kind="count",
        population=pl.col("has_error"), group=pl.col("record_id"),
        reason=text("checked {}: error found", pl.col("checked_on").dt.strftime("%Y-%m-%d")),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_06",
    {"spot_checks": ("record_id", "checked_on", "has_error")},
    rule,
    description="Number of People Management records found in the month's spot checks to contain errors",
)
compute = MEASURE.compute
