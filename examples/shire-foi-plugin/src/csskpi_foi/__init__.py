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
from csskpi.plugin.kit import count_parameter
from csskpi.plugin.rules import RecordRule, RuleContext, within_business_days

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


def answered_in_time(ctx: RuleContext) -> RecordRule:
    """The record-level rule: the core applies the month and the backlog rule, and lists the evidence."""
    days = count_parameter(ctx, "FOI_KPI_01", "business_days", 20, unit="days")
    return within_business_days(
        ctx, dataset="foi_requests", id="request_id", month="answered_on", start="received_on",
        completed="answered_on", business_days=pl.lit(days), longest=days, words=("answered", "receipt"),
    )


FOI_KPI_01 = csskpi.Measure.from_rule(
    "FOI_KPI_01", {"foi_requests": ("request_id", "received_on", "answered_on")}, answered_in_time,
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
