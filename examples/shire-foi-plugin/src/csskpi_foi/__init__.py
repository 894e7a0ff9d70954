"""A council's own KPI, added at a contract extension: Freedom of Information requests answered in time.

FOI_KPI_01: % of FOI requests answered within 20 business days of receipt (the statutory limit), month by
the day answered; a request still unanswered at the end of the month its deadline fell in counts once, as a
failure, in that month.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import polars as pl

import csskpi
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.plugin.kit import deadline_counts

FOI_REQUESTS = csskpi.DatasetSpec(
    "foi_requests",
    (
        csskpi.Column("request_id", csskpi.ColumnKind.STR),
        csskpi.Column("received_on", csskpi.ColumnKind.DATE),
        csskpi.Column("answered_on", csskpi.ColumnKind.DATE, nullable=True),
    ),
    id_column="request_id",
    ordered=(("received_on", "answered_on"),),
)


def answered_in_time(inputs: csskpi.MeasureInput) -> csskpi.Counts:
    calendar = inputs.calendar or ENGLAND_AND_WALES
    days = int(inputs.parameters.get("business_days", 20))
    deadline = calendar.add_business_days_expr(pl.col("received_on"), days)
    return deadline_counts(
        inputs.data["foi_requests"], inputs.period,
        month_by=pl.col("answered_on"), deadline=deadline, completed=pl.col("answered_on"),
    )


FOI_KPI_01 = csskpi.Measure(
    "FOI_KPI_01", {"foi_requests": ("received_on", "answered_on")}, answered_in_time,
    description="% of FOI requests answered within 20 business days",
)


@csskpi.hookimpl
def csskpi_contracts() -> list[csskpi.ContractSource]:
    return [csskpi.ContractSource("shire-foi", Path(str(files("csskpi_foi") / "shire-foi.toml")), "Shire CC, FOI service")]


@csskpi.hookimpl
def csskpi_datasets() -> list[csskpi.DatasetSpec]:
    return [FOI_REQUESTS]


@csskpi.hookimpl
def csskpi_measures() -> list[csskpi.Measure]:
    return [FOI_KPI_01]


@csskpi.hookimpl
def csskpi_compute_measure(measure: str, inputs: csskpi.MeasureInput) -> csskpi.Counts | None:
    return FOI_KPI_01.compute(inputs) if measure == FOI_KPI_01.name else None
