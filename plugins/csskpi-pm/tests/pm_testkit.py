"""Helpers for the People Management plugin's tests: typed frames built by hand, and measure inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from csskpi.model.period import Period
from csskpi.plugin.types import MeasureInput

from csskpi_pm.datasets import DATASETS

_DTYPES = {
    "str": pl.String,
    "enum": pl.String,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "date": pl.Date,
    "datetime": pl.Datetime("us"),
}
SPECS = {spec.name: spec for spec in DATASETS}


def schema(dataset: str) -> dict[str, pl.DataType]:
    if dataset == "surveys":
        return {"kind": pl.String, "response_id": pl.String, "responded_on": pl.Date, "rating": pl.String}
    return {c.name: _DTYPES[c.kind.value] for c in SPECS[dataset].columns}


def frame(dataset: str, rows: Sequence[Sequence[Any]]) -> pl.DataFrame:
    """A typed frame of ``dataset`` from rows given in declared column order (as the loader would type it)."""
    return pl.DataFrame([tuple(r) for r in rows], schema=schema(dataset), orient="row")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def inputs(period: Period | str, data: Mapping[str, pl.DataFrame], **parameters: Any) -> MeasureInput:
    period = period if isinstance(period, Period) else Period.parse(period)
    return MeasureInput(period, dict(data), parameters)
