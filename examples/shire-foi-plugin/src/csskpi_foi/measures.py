"""FOI_KPI_01: % of FOI requests answered within 20 business days of receipt (the statutory limit), month by
the day answered; a request still unanswered at the end of the month its deadline fell in counts once, as a
failure, in that month.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import (
    Column,
    ColumnKind,
    DatasetSpec,
    Measure,
    RecordRule,
    RuleContext,
    count_parameter,
    within_business_days,
)

FOI_REQUESTS = DatasetSpec(
    "foi_requests",
    (
        Column("request_id", ColumnKind.STR),
        Column("received_on", ColumnKind.DATE),
        Column("answered_on", ColumnKind.DATE, nullable=True),
    ),
    id_column="request_id",
    ordered=(("received_on", "answered_on"),),
)


def answered_in_time(ctx: RuleContext) -> RecordRule:
    """The record-level rule: the core applies the month and the backlog rule, and lists the evidence."""
    days = count_parameter(ctx, "FOI_KPI_01", "business_days", 20, unit="days")
    return within_business_days(
        ctx, dataset="foi_requests", id="request_id", month="answered_on", start="received_on",
        completed="answered_on", business_days=pl.lit(days), longest=days, words=("answered", "receipt"),
    )


FOI_KPI_01 = Measure.from_rule(
    "FOI_KPI_01", {"foi_requests": ("request_id", "received_on", "answered_on")}, answered_in_time,
    description="% of FOI requests answered within 20 business days",
)
