"""IMT_KPI_09 — % Achievement of Service Request Fulfilment within Service Request Fulfilment Time.

Formula (docs/measures.md): of the service requests fulfilled in the month, the % fulfilled within their
``target_hours`` of Core Support Hours after ``opened_at``; under the backlog rule, a request still open at the
end of the month its deadline fell in counts once, as a failure, in that month instead.
A zero or negative ``target_hours`` is taken as 0 hours (the deadline is when the clock starts; a finding says so).
Parameters: ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import DEADLINE, backlog_counts, clock, touching_month, with_deadline

_US_PER_HOUR = 3_600_000_000


def compute(inputs: MeasureInput) -> Counts:
    working = clock(inputs, "core_support_hours")
    frame = touching_month(inputs.data["service_requests"], inputs.period, "opened_at", "fulfilled_at")
    # Decimal(38, 2) hours are whole hundredths of an hour: exact microseconds, never through float.
    amount = (frame["target_hours"] * 100).cast(pl.Int64).clip(lower_bound=0) * (_US_PER_HOUR // 100)
    frame = with_deadline(frame, "opened_at", amount, working)
    return backlog_counts(
        frame, inputs.period, month_by="fulfilled_at", deadline=DEADLINE, completed="fulfilled_at", unit="requests"
    )


MEASURE = Measure(
    name="IMT_KPI_09",
    columns={"service_requests": ("opened_at", "fulfilled_at", "target_hours")},
    compute=compute,
    description="% of service requests fulfilled within their target Core Support Hours (backlog rule)",
    unit="requests",
)
