"""Helpers shared by the ACF plugin's tests: typed frames through the real loader, and running one measure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from csskpi import Counts, MeasureInput, Period
from csskpi.data.load import load_dataset
from csskpi.data.surveys import SURVEYS

from csskpi_acf.datasets import DATASETS
from csskpi_acf.measures import MEASURES

SPECS = {spec.name: spec for spec in DATASETS} | {SURVEYS.name: SURVEYS}
BY_NAME = {m.name: m for m in MEASURES}
D = dt.date
T = dt.datetime


def frame(dataset: str, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """A typed frame of ``dataset``: the rows (dicts) as text cells, loaded and checked by ``load_dataset``."""
    spec = SPECS[dataset]
    columns = [c.name for c in spec.columns]
    text = {c: [_cell(r.get(c)) for r in rows] for c in columns}
    raw = pl.DataFrame(text, schema={c: pl.String for c in columns})
    return load_dataset(spec, raw).frame


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | Decimal | int | str):
        return str(value)
    raise TypeError(value)


def run(measure: str, period: Period, data: Mapping[str, pl.DataFrame], **parameters: Any) -> Counts:
    """Compute ``measure`` for ``period``."""
    return BY_NAME[measure].compute(MeasureInput(period, data, parameters, measure=measure))


MAY, APRIL, JUNE, JULY = Period(2017, 5), Period(2017, 4), Period(2017, 6), Period(2017, 7)
