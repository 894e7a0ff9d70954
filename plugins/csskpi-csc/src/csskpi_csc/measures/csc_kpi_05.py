"""CSC_KPI_05: % of contacts (email, web, letter) responded to within timescale per month.

Formula (docs/measures.md): of the ``contacts`` whose ``channel`` has a timescale in the parameter
``timescale_business_days`` (*assumed*: email 2, web 2, letter 10 business days), the % with the day of
``responded_at`` on or before the date that many business days after the day of ``received_at`` (day 0; a contact
received on a weekend or bank holiday counts from the next business day; one received after office hours on a
business day still has that day as day 0: the timescale is in days, not hours). Month by ``received_at``, under the
backlog rule: a contact still unanswered at the end of the month in which its deadline fell counts once, as a
failure, in the deadline's month. Contacts of other channels are not in the population.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, days_by_name_parameter

from ..datasets import TIMESCALE_BUSINESS_DAYS
from ..kit import within_business_days

NAME = "CSC_KPI_05"


def rule(ctx: RuleContext) -> RecordRule:
    timescales = days_by_name_parameter(ctx, NAME, "timescale_business_days", TIMESCALE_BUSINESS_DAYS)
    days = pl.col("channel").replace_strict(timescales, default=None, return_dtype=pl.Int64)
    return within_business_days(
        ctx,
        dataset="contacts",
        id="contact_id",
        month="received_at",
        start="received_at",
        completed="responded_at",
        business_days=days,
        longest=max(timescales.values()),
        population=pl.col("channel").is_in(list(timescales)),
        words=("responded", "receipt"),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"contacts": ("contact_id", "received_at", "channel", "responded_at")},
    rule,
    description="% of the month's email/web/letter contacts (by received_at) responded to within their channel's "
    "timescale in business days (parameter timescale_business_days), backlog rule",
    unit="records",
)
compute = MEASURE.compute
