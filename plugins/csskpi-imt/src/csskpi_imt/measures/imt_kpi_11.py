"""IMT_KPI_11 — % of project milestones achieved each month.

Formula (docs/measures.md): of the milestones due in the month (``due_on``)::

    100 * (met + exception) / (all - excluded)

An ``exception`` is a milestone missed for an agreed reason outside the supplier's control; ``excluded``
milestones are left out of the population.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, ratio

from ..kit import between


def compute(inputs: MeasureInput) -> Counts:
    outcome = pl.col("outcome")
    due = between("due_on", inputs.period.first_day, inputs.period.next().first_day)
    month = inputs.data["milestones"].filter(due & (outcome != "excluded"))
    return ratio(month, outcome.is_in(["met", "exception"]), unit="milestones")


MEASURE = Measure(
    name="IMT_KPI_11",
    columns={"milestones": ("due_on", "outcome")},
    compute=compute,
    description="% of project milestones due in the month met or excepted, of those not excluded",
    unit="milestones",
)
