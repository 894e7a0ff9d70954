"""F_KPI_03: % of debt due to the council more than 30 days old (lower is better).

Formula (docs/measures.md): in the month's snapshot of ``debtors`` — its rows with the latest ``snapshot_on`` in the
month — leaving out the categories of the parameter ``excluded_categories`` (*assumed*: ``acf_assessment_income``,
``health_authority``; matched exactly), the % of the ``outstanding`` value on debts more than ``days_past_due``
(*assumed*: 30) days past ``due_on``: ``snapshot_on - due_on > 30`` calendar days. Values are summed exactly and
counted in whole pence; credit or zero balances (``outstanding`` <= 0) are not debt due and are left out.
The counts' ``passing`` is the aged value.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter, names_parameter, text

from ..datasets import EXCLUDED_CATEGORIES

NAME = "F_KPI_03"


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "days_past_due", 30, unit="days")
    excluded = names_parameter(ctx, NAME, "excluded_categories", EXCLUDED_CATEGORIES)
    age = (pl.col("snapshot_on") - pl.col("due_on")).dt.total_days()
    return RecordRule(
        dataset="debtors",
        id="debt_id",
        month=pl.col("snapshot_on"),
        snapshot=True,
        population=~pl.col("category").is_in(list(excluded)) & (pl.col("outstanding") > 0),
        passes=age > days,  # the counts' passing is the aged value: lower is better
        weight=pl.col("outstanding"),
        elapsed=age,
        reason=text(
            "{} days after due_on at the snapshot: {} {} days", age,
            pl.when(age > days).then(pl.lit("more than")).otherwise(pl.lit("not more than")), pl.lit(days),
        ),
        counts_failures=True,
    )


MEASURE = Measure.from_rule(
    NAME,
    {"debtors": ("debt_id", "snapshot_on", "due_on", "outstanding", "category")},
    rule,
    description="% of the outstanding value (in pence) of the month's latest debtors snapshot more than "
    "days_past_due days past due_on, excluding excluded_categories",
    unit="pence",
)

#: The per-month computation (the rule over one month), as before.
compute = MEASURE.compute
