"""IMT_KPI_09 — % Achievement of Service Request Fulfilment within Service Request Fulfilment Time.

Formula (docs/measures.md): of the service requests fulfilled in the month, the % fulfilled within their
``target_hours`` of Core Support Hours after ``opened_at``; under the backlog rule, a request still open at the
end of the month its deadline fell in counts once, as a failure, in that month instead.
A zero or negative ``target_hours`` is taken as 0 hours (the deadline is when the clock starts; a finding says so).
Parameters: ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import DEADLINE, Measure, RecordRule, RuleContext, text

from ..kit import clock, deadline_of

_US_PER_HOUR = 3_600_000_000


def rule(ctx: RuleContext) -> RecordRule:
    working = clock(ctx, "core_support_hours")
    # Decimal(38, 2) hours are whole hundredths of an hour: exact microseconds, never through float.
    amount = (pl.col("target_hours") * 100).cast(pl.Int64).clip(lower_bound=0) * (_US_PER_HOUR // 100)
    deadline, fulfilled = deadline_of("opened_at", amount, working), pl.col("fulfilled_at")
    stamp = "%Y-%m-%dT%H:%M:%S"
    # Each request has its own target: no bound on it is known, so every request gets its deadline worked out.
    return RecordRule(
        dataset="service_requests", id="request_id", month=fulfilled, start=pl.col("opened_at"), deadline=deadline,
        completed=fulfilled,
        reason=text("target {} hours; deadline {}; fulfilled {}", pl.col("target_hours"), pl.col(DEADLINE).dt.strftime(stamp),
                    fulfilled.dt.strftime(stamp).fill_null("not yet")),
    )


MEASURE = Measure.from_rule(
    "IMT_KPI_09",
    {"service_requests": ("request_id", "opened_at", "fulfilled_at", "target_hours")},
    rule,
    description="% of service requests fulfilled within their target Core Support Hours (backlog rule)",
    unit="requests",
)
compute = MEASURE.compute
