"""ACF_KPI_04 — "% of new and change of circumstance financial assessments for residential care completed within
15 Business Days of referral from the Council".

docs/measures.md: ``financial_assessments`` (care=residential), month by ``completed_on``: as ACF_KPI_03 — % with
``completed_on <= referred_on + 15 business days`` (the referral day is day 0), backlog rule for assessments still
open past their deadline.

Parameters (``[parameters.measures.ACF_KPI_04]``): ``care`` (default ``residential``), ``business_days``
(default 15).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import assessment_counts

NAME = "ACF_KPI_04"


def compute(inputs: MeasureInput) -> Counts:
    return assessment_counts(inputs, NAME, "residential")


MEASURE = Measure(
    name=NAME,
    columns={"financial_assessments": ("care", "referred_on", "completed_on")},
    compute=compute,
    description="% of residential financial assessments completed within 15 business days of referral",
    unit="records",
)
