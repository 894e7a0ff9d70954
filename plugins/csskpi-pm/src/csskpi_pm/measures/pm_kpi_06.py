"""PM_KPI_06: Number of People Mgt. Records assessed in Spot Checks to contain errors omissions or inaccuracies.

docs/measures.md: spot_checks (record_id, checked_on, has_error), month by checked_on: "count of checked records with
has_error". A count KPI (lower is better): the distinct records checked in the month and found in error, so a
record found in error twice in one month counts once. No records checked gives 0.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, in_month

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    checks = inputs.data["spot_checks"]
    found = checks.filter(pl.col("has_error") & in_month(pl.col("checked_on"), inputs.period))
    return Counts(found["record_id"].n_unique())


MEASURE = Measure(
    name="PM_KPI_06",
    columns={"spot_checks": ("record_id", "checked_on", "has_error")},
    compute=compute,
    description="Number of People Management records found in the month's spot checks to contain errors",
)
