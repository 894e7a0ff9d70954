"""ACF_KPI_06 — "% of Adult Care Income due which is more than 28 days old" (lower is better).

docs/measures.md: ``acf_income`` month-end snapshot (invoice_id, snapshot_on, due_on, outstanding), month by
``snapshot_on``: % of outstanding VALUE more than 28 days past ``due_on``, i.e. ``100 * sum(outstanding where
snapshot_on - due_on > 28 days) / sum(outstanding)``, over the rows of the latest ``snapshot_on`` within the month,
exact in pence (``passing`` is the aged value, ``population`` the whole outstanding value).

Zero and negative balances (credits) are left out of both sums: a credit is not income due, and netting it would
let the percentage leave 0..100 (the dataset's findings list them).

Parameters (``[parameters.measures.ACF_KPI_06]``): ``days_past_due`` (default 28).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter

from ..kit import snapshot_rule, text

NAME = "ACF_KPI_06"
DAYS_PAST_DUE = 28


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "days_past_due", DAYS_PAST_DUE, unit="days")
    age = (pl.col("snapshot_on") - pl.col("due_on")).dt.total_days()
    aged = pl.when(age > days).then(pl.lit("more than")).otherwise(pl.lit("not more than"))
    return snapshot_rule(
        "acf_income", "invoice_id",
        population=pl.col("outstanding") > 0,
        passes=age > days,  # the counts' passing is the aged value: lower is better
        weight=pl.col("outstanding"),
        reason=text("{} days after due_on at the snapshot: {} {} days", age, aged, pl.lit(days)),
        counts_failures=True,
    )


MEASURE = Measure.from_rule(
    NAME,
    {"acf_income": ("invoice_id", "snapshot_on", "due_on", "outstanding")},
    rule,
    description="% of outstanding adult care income (by value) more than 28 days past due, at month end",
    unit="pence",
)
compute = MEASURE.compute
