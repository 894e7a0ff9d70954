"""ACF_KPI_03 — "% of new and change of circumstance financial assessments for non-res care completed within 15
Business Days of referral from the Council".

docs/measures.md: ``financial_assessments`` (care=non_residential; assessment_id, care, kind, referred_on,
completed_on), month by ``completed_on``: % completed within 15 business days of referral, i.e. ``completed_on <=
referred_on + 15 business days`` (the referral day is day 0). Both kinds (new, change) count. An assessment still
open at the end of the month in which its deadline fell counts once, as a failure, in that month (backlog rule).

Parameters (``[parameters.measures.ACF_KPI_03]``): ``care`` (default ``non_residential``), ``business_days``
(default 15).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import assessment_counts

NAME = "ACF_KPI_03"


def compute(inputs: MeasureInput) -> Counts:
    return assessment_counts(inputs, NAME, "non_residential")


MEASURE = Measure(
    name=NAME,
    columns={"financial_assessments": ("care", "referred_on", "completed_on")},
    compute=compute,
    description="% of non-residential financial assessments completed within 15 business days of referral",
    unit="records",
)
