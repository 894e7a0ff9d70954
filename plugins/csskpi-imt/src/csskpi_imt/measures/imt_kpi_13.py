"""IMT_KPI_13 — % of user activities within monitored applications that meet the required response timescales.

Formula (docs/measures.md): of the month's ``app_response`` samples (``measured_at``), the % with
``response_ms <= required_ms``.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text


def rule(ctx: RuleContext) -> RecordRule:
    took, required = pl.col("response_ms"), pl.col("required_ms")
    return RecordRule(
        dataset="app_response", id="sample_id", month=pl.col("measured_at"), passes=took <= required,
        reason=text("{} {}: {} ms; required {} ms", pl.col("application"), pl.col("activity"), took, required),
    )


MEASURE = Measure.from_rule(
    "IMT_KPI_13",
    {"app_response": ("sample_id", "application", "activity", "measured_at", "response_ms", "required_ms")},
    rule,
    description="% of monitored user activities responding within their required time",
    unit="samples",
)
compute = MEASURE.compute
