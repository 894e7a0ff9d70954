"""CSC_KPI_06: % first contact resolution rate.

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % with
``first_contact_resolved`` true.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import month_share

NAME = "CSC_KPI_06"


def compute(inputs: MeasureInput) -> Counts:
    return month_share(inputs.data["contacts"], inputs.period, "received_at", pl.col("first_contact_resolved"))


MEASURE = Measure(
    name=NAME,
    columns={"contacts": ("received_at", "first_contact_resolved")},
    compute=compute,
    description="% of the month's contacts (by received_at) resolved at first contact",
    unit="records",
)
