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
from csskpi.plugin import Measure, RecordRule, RuleContext, within_business_days

from ..kit import parameter

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    days = int(parameter(ctx, "business_days", 40))
    return within_business_days(
        ctx, dataset="recruitments", id="vacancy_id", month="appointed_on", start="authorised_on",
        completed="appointed_on", business_days=pl.lit(days, dtype=pl.Int64), longest=days if days >= 0 else None,
        population=pl.col("via_e_form"), words=("appointed", "authorisation"),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_07",
    {"recruitments": ("vacancy_id", "via_e_form", "authorised_on", "appointed_on")},
    rule,
    description="% of e-form recruitments appointed within 40 business days of authorisation (backlog rule)",
)
compute = MEASURE.compute
