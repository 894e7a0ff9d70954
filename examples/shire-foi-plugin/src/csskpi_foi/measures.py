"""FOI_KPI_01: % of FOI requests answered within 20 business days of receipt (the statutory limit), month by
the day answered; a request still unanswered at the end of the month its deadline fell in counts once, as a
failure, in that month.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import (
    Column,
    ColumnKind,
    Counts,
    DatasetSpec,
    Measure,
    MeasureInput,
    calendar_of,
    count_parameter,
    deadline_counts,
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


def answered_in_time(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, inputs.measure, "business_days", 20, unit="days")
    deadline = calendar_of(inputs).add_business_days_expr(pl.col("received_on"), days)
    return deadline_counts(
        inputs.data["foi_requests"], inputs.period,
        month_by=pl.col("answered_on"), deadline=deadline, completed=pl.col("answered_on"),
    )


FOI_KPI_01 = Measure(
    "FOI_KPI_01", {"foi_requests": ("received_on", "answered_on")}, answered_in_time,
    description="% of FOI requests answered within 20 business days",
)
