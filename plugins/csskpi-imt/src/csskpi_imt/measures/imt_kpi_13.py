"""IMT_KPI_13 — % of user activities within monitored applications that meet the required response timescales.

Formula (docs/measures.md): of the month's ``app_response`` samples (``measured_at``), the % with
``response_ms <= required_ms``.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, ratio

from ..kit import between, month_bounds


def compute(inputs: MeasureInput) -> Counts:
    month = inputs.data["app_response"].filter(between("measured_at", *month_bounds(inputs.period)))
    return ratio(month, pl.col("response_ms") <= pl.col("required_ms"), unit="samples")


MEASURE = Measure(
    name="IMT_KPI_13",
    columns={"app_response": ("measured_at", "response_ms", "required_ms")},
    compute=compute,
    description="% of monitored user activities responding within their required time",
    unit="samples",
)
