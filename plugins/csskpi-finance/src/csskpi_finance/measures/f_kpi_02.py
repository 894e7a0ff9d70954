"""F_KPI_02: % of payment runs executed to agreed schedule (as agreed one business day in advance).

Formula (docs/measures.md): of the ``payment_runs`` scheduled in the month (month by ``scheduled_on``), the % with
``executed_on`` equal to ``scheduled_on``. A run executed on another day (earlier or later) or not at all fails,
in its scheduled month: the deadline falls in the month the run belongs to, so the backlog rule changes nothing.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

NAME = "F_KPI_02"


def rule(ctx: RuleContext) -> RecordRule:
    executed, scheduled = pl.col("executed_on"), pl.col("scheduled_on")
    return RecordRule(
        dataset="payment_runs",
        id="run_id",
        month=scheduled,
        passes=executed == scheduled,
        deadline=scheduled,
        completed=executed,
        backlog=False,  # the deadline is the run's own day: it falls in the month the run counts in
        reason=text(
            "scheduled {}; executed {}",
            scheduled.dt.strftime("%Y-%m-%d"),
            executed.dt.strftime("%Y-%m-%d").fill_null("not executed"),
        ),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"payment_runs": ("run_id", "scheduled_on", "executed_on")},
    rule,
    description="% of the month's payment runs (by scheduled_on) executed on their scheduled day",
    unit="records",
)

#: The per-month computation (the rule over one month), as before.
compute = MEASURE.compute
