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
from csskpi.plugin import Counts, Measure, MeasureInput, count_parameter, in_month, names_parameter

from ..datasets import EXCLUDED_CATEGORIES
from ..kit import pence

NAME = "F_KPI_03"


def compute(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, NAME, "days_past_due", 30, unit="days")
    excluded = names_parameter(inputs, NAME, "excluded_categories", EXCLUDED_CATEGORIES)
    month = inputs.data["debtors"].filter(in_month(pl.col("snapshot_on"), inputs.period))
    snapshot = month.filter(
        (pl.col("snapshot_on") == pl.col("snapshot_on").max())
        & ~pl.col("category").is_in(list(excluded))
        & (pl.col("outstanding") > 0)
    )
    aged = (pl.col("snapshot_on") - pl.col("due_on")).dt.total_days() > days
    sums = snapshot.select(
        total=pl.col("outstanding").sum(),
        aged=pl.col("outstanding").filter(aged).sum(),
    )
    return Counts(pence(sums["aged"][0]), pence(sums["total"][0]), "pence")


MEASURE = Measure(
    name=NAME,
    columns={"debtors": ("snapshot_on", "due_on", "outstanding", "category")},
    compute=compute,
    description="% of the outstanding value (in pence) of the month's latest debtors snapshot more than "
    "days_past_due days past due_on, excluding excluded_categories",
    unit="pence",
)
