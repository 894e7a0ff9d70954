"""CSC_KPI_03: % avoidable contact rate per month (lower is better).

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % with
``avoidable`` true. The counts' ``passing`` is the avoidable contacts: the figure is their share.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import month_share

NAME = "CSC_KPI_03"


def compute(inputs: MeasureInput) -> Counts:
    return month_share(inputs.data["contacts"], inputs.period, "received_at", pl.col("avoidable"))


MEASURE = Measure(
    name=NAME,
    columns={"contacts": ("received_at", "avoidable")},
    compute=compute,
    description="% of the month's contacts (by received_at) that were avoidable",
    unit="records",
)
