"""IMT_KPI_10 — % of CMDB Changes applied within 14 Core Support Hours of the move or change.

Formula (docs/measures.md): of the CMDB changes applied in the month, the % applied within ``within_hours`` (14) of
Core Support Hours after ``changed_at``; under the backlog rule, a change still not applied at the end of the
month its deadline fell in counts once, as a failure, in that month instead.
Parameters: ``within_hours`` (14), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import DEADLINE, backlog_counts, clock, hours_us, param, touching_month, with_deadline


def compute(inputs: MeasureInput) -> Counts:
    working = clock(inputs, "core_support_hours")
    amount = hours_us(param(inputs, "within_hours", 14))
    frame = touching_month(inputs.data["cmdb_changes"], inputs.period, "changed_at", "applied_at")
    frame = with_deadline(frame, "changed_at", amount, working)
    return backlog_counts(
        frame, inputs.period, month_by="applied_at", deadline=DEADLINE, completed="applied_at", unit="changes"
    )


MEASURE = Measure(
    name="IMT_KPI_10",
    columns={"cmdb_changes": ("changed_at", "applied_at")},
    compute=compute,
    description="% of CMDB changes applied within 14 Core Support Hours of the move or change (backlog rule)",
    unit="changes",
)
