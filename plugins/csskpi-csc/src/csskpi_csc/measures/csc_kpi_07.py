"""CSC_KPI_07: % of customers rating their experience of contact as good or better per month.

Formula (docs/measures.md): of the ``surveys`` responses of kind ``csc_customer`` in the month (month by
``responded_on``), the % rated good or very good (4 or 5). ``surveys`` is the core's shared dataset.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput, survey_counts

NAME = "CSC_KPI_07"
SURVEY_KIND = "csc_customer"


def compute(inputs: MeasureInput) -> Counts:
    return survey_counts(inputs.data["surveys"], SURVEY_KIND, inputs.period)


MEASURE = Measure(
    name=NAME,
    columns={"surveys": ("kind", "responded_on", "rating")},
    compute=compute,
    description="% of the month's csc_customer survey responses (by responded_on) rated good or better",
    unit="responses",
)
