"""F_KPI_02: % of payment runs executed to agreed schedule (as agreed one business day in advance).

Formula (docs/measures.md): of the ``payment_runs`` scheduled in the month (month by ``scheduled_on``), the % with
``executed_on`` equal to ``scheduled_on``. A run executed on another day (earlier or later) or not at all fails,
in its scheduled month: the deadline falls in the month the run belongs to, so the backlog rule changes nothing.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, in_month, ratio

NAME = "F_KPI_02"


def compute(inputs: MeasureInput) -> Counts:
    runs = inputs.data["payment_runs"]
    scheduled = runs.filter(in_month(pl.col("scheduled_on"), inputs.period))
    return ratio(scheduled, pl.col("executed_on") == pl.col("scheduled_on"))


MEASURE = Measure(
    name=NAME,
    columns={"payment_runs": ("scheduled_on", "executed_on")},
    compute=compute,
    description="% of the month's payment runs (by scheduled_on) executed on their scheduled day",
    unit="records",
)
