"""PM_KPI_02: % of errors in Payments (caused by Service Provider) identified and resolved per month.

docs/measures.md: payment_errors (error_id, caused_by (provider/other), identified_on, resolved_on), month by
identified_on: "% of provider-caused errors resolved within the same month".

The population is the errors caused by the provider (parameter ``caused_by``, default ``provider``) identified in
the month; an error passes if resolved_on is in the same month (on or before the month's last day). The deadline
is the end of the month of identification, so the backlog rule changes nothing: an error still open at the end of
that month fails in that month.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

from ..kit import parameter

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    cause = str(parameter(ctx, "caused_by", "provider"))
    identified, resolved = pl.col("identified_on"), pl.col("resolved_on")
    return RecordRule(
        dataset="payment_errors", id="error_id", month=identified, population=pl.col("caused_by") == cause,
        passes=resolved <= identified.dt.month_end(),
        reason=text("identified {}; resolved {}", identified.dt.strftime("%Y-%m-%d"),
                    resolved.dt.strftime("%Y-%m-%d").fill_null("not yet")),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_02",
    {"payment_errors": ("error_id", "caused_by", "identified_on", "resolved_on")},
    rule,
    description="% of provider-caused payment errors identified in the month that were resolved within that month",
)
compute = MEASURE.compute
