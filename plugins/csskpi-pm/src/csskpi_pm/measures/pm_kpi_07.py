"""PM_KPI_07: % of recruitments via electronic vacancy form taking 40 Business Days or less from Authorisation to
Appointment to Post.

docs/measures.md: recruitments (vacancy_id, via_e_form, authorised_on, appointed_on), month by appointed_on: "% of
e-form recruitments with appointed_on within 40 business days of authorised_on".

Only e-form vacancies count. The deadline is ``business_days`` (contract parameter, default 40) business days
after authorised_on, the day of authorisation being day 0. The backlog rule applies: a vacancy still open (no
appointment, or appointed in a later month) at the end of the month in which its deadline fell counts once, as a
failure, in that month — not in the month of its late appointment.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import parameter, within_business_days

__all__ = ["MEASURE", "compute"]


def compute(inputs: MeasureInput) -> Counts:
    days = int(parameter(inputs, "business_days", 40))
    vacancies = inputs.data["recruitments"].filter(pl.col("via_e_form"))
    return within_business_days(vacancies, inputs, start="authorised_on", business_days=days, completed="appointed_on")


MEASURE = Measure(
    name="PM_KPI_07",
    columns={"recruitments": ("via_e_form", "authorised_on", "appointed_on")},
    compute=compute,
    description="% of e-form recruitments appointed within 40 business days of authorisation (backlog rule)",
)
