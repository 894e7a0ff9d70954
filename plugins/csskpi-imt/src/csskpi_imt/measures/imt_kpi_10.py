"""IMT_KPI_10 — % of CMDB Changes applied within 14 Core Support Hours of the move or change.

Formula (docs/measures.md): of the CMDB changes applied in the month, the % applied within ``within_hours`` (14) of
Core Support Hours after ``changed_at``; under the backlog rule, a change still not applied at the end of the
month its deadline fell in counts once, as a failure, in that month instead.
Parameters: ``within_hours`` (14), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import DEADLINE, Measure, RecordRule, RuleContext, text

from ..kit import clock, deadline_of, hours_us, param, working_lookback


def rule(ctx: RuleContext) -> RecordRule:
    working = clock(ctx, "core_support_hours")
    amount = hours_us(param(ctx, "within_hours", 14))
    deadline, applied = deadline_of("changed_at", amount, working), pl.col("applied_at")
    stamp = "%Y-%m-%dT%H:%M:%S"
    return RecordRule(
        dataset="cmdb_changes", id="change_id", month=applied, start=pl.col("changed_at"), deadline=deadline,
        completed=applied, lookback=working_lookback(amount, working),
        elapsed=working.elapsed_expr("changed_at", "applied_at").dt.total_seconds() / 3600,
        reason=text("deadline {}; applied {}", pl.col(DEADLINE).dt.strftime(stamp), applied.dt.strftime(stamp).fill_null("not yet")),
    )


MEASURE = Measure.from_rule(
    "IMT_KPI_10",
    {"cmdb_changes": ("change_id", "changed_at", "applied_at")},
    rule,
    description="% of CMDB changes applied within 14 Core Support Hours of the move or change (backlog rule)",
    unit="changes",
)
compute = MEASURE.compute
