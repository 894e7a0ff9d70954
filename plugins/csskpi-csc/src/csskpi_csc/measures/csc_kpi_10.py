"""CSC_KPI_10: % of LRSP calls that are abandoned calls (lower is better).

Formula (docs/measures.md): of the ``calls`` offered in the month (month by ``offered_at``) to the queue of the
parameter ``queue`` (*assumed*: ``lrsp``, matched exactly), the % abandoned: ``abandoned_at`` set and
``answered_at`` empty. The counts' ``passing`` is the abandoned calls.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, text_parameter

from ..datasets import LRSP_QUEUE
from ..kit import abandoned_counts

NAME = "CSC_KPI_10"


def compute(inputs: MeasureInput) -> Counts:
    queue = text_parameter(inputs, NAME, "queue", LRSP_QUEUE)
    return abandoned_counts(inputs.data["calls"], inputs.period, pl.col("queue") == queue)


MEASURE = Measure(
    name=NAME,
    columns={"calls": ("queue", "offered_at", "answered_at", "abandoned_at")},
    compute=compute,
    description="% of the month's calls (by offered_at) offered to the LRSP queue (parameter queue) that were abandoned",
    unit="records",
)
