"""The csskpi hooks of the Shire FOI plugin. csskpi imports this module whenever it asks its plugins anything,
so it stays cheap: the measure (and polars) is imported only when csskpi asks for measures."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from csskpi.plugin import ContractSource, DatasetSpec, Measure, hookimpl


@hookimpl
def csskpi_contracts() -> list[ContractSource]:
    return [ContractSource("shire-foi", Path(str(files("csskpi_foi") / "shire-foi.toml")), "Shire CC, FOI service")]


@hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    from .measures import FOI_REQUESTS

    return [FOI_REQUESTS]


@hookimpl
def csskpi_measures() -> list[Measure]:
    from .measures import FOI_KPI_01

    return [FOI_KPI_01]
