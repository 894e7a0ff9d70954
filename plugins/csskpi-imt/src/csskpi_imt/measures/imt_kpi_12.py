"""IMT_KPI_12 — % of users who score the IT Service as Good or above for IT Incident handling.

Formula (docs/measures.md): of the month's ``surveys`` responses (``responded_on``) of kind ``it_incident``, the %
rated good or better (good, very good, 4 or 5).
Parameters: ``kind`` (``it_incident``; not in the bundled contract, docs/measures.md's value).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput, survey_counts

from ..kit import param


def compute(inputs: MeasureInput) -> Counts:
    return survey_counts(inputs.data["surveys"], str(param(inputs, "kind", "it_incident")), inputs.period)


MEASURE = Measure(
    name="IMT_KPI_12",
    columns={"surveys": ("kind", "responded_on", "rating")},
    compute=compute,
    description="% of IT incident survey responses rated good or better",
    unit="responses",
)
