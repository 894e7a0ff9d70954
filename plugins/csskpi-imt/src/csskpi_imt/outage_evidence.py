"""The evidence behind IMT_KPI_01 and IMT_KPI_07: the outages that cost service hours in the month.

Availability is not a share of records, so these measures aggregate their own way (:func:`common.outage_counts`)
and list their evidence themselves, in the core's evidence columns: one row per outage that overlaps the month,
its weight the seconds of service hours it took beyond the outages before it (overlaps count once) and its verdict
``fail`` (``pass`` if it took none), and one row ``available`` with the seconds that remained, verdict ``pass``.
The weights add up exactly to the counts: the seconds lost are rounded up once, for all outages together, as the
counts do, and each outage's weight is its share of that rounding (the running total rounded up, less the one
before it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import polars as pl
from csskpi.plugin import MeasureInput, Period, WorkingHours

from .kit import _micros, _readings, clock, instant, month_bounds, names, normalised, param

__all__ = ["outage_evidence", "evidence_of"]

_US_PER_SECOND = 1_000_000
_STAMP = "%Y-%m-%dT%H:%M:%S"


def outage_evidence(outages: pl.DataFrame, services: Iterable[str], period: Period, working: WorkingHours,
                    dataset: str = "outages") -> pl.DataFrame:
    """The evidence table of the availability of ``services`` in ``period`` (see the module's docstring)."""
    wanted = sorted(set(names(services)))
    start, end = month_bounds(period)
    month_us = working.elapsed(start, end) // dt.timedelta(microseconds=1)
    population = (month_us // _US_PER_SECOND) * len(wanted)
    first, last = instant(start), instant(end)
    began, ended = pl.col("started_at"), pl.col("ended_at").fill_null(last)
    clipped = (
        outages.filter((began < last) & (ended > first) & normalised("service").is_in(wanted))
        .select(
            pl.col("outage_id").cast(pl.String).alias("id"),
            normalised("service").alias("service"),
            pl.col("started_at"),
            pl.col("ended_at"),
            s=pl.max_horizontal(began, first),
            e=pl.min_horizontal(ended, last),
        )
        .with_columns(rank=pl.col("service").rank("dense").cast(pl.Int64))
        .sort("rank", "s", "id")
    )
    weights: list[int] = []
    if clipped.height:
        # As outage_counts: each service apart by its own offset, a running maximum of the ends so far.
        shift = clipped["rank"].to_numpy() * np.int64(2**52)
        opened = _readings(_micros(clipped["s"]), working)[0] + shift
        closed = _readings(_micros(clipped["e"]), working)[0] + shift
        reach = np.concatenate(([np.iinfo(np.int64).min], np.maximum.accumulate(closed)[:-1]))
        added = np.clip(closed - np.maximum(opened, reach), 0, None)
        running = np.cumsum(added)
        rounded = -(-running // _US_PER_SECOND)  # whole seconds, rounded up, as the counts round the total
        lost_so_far = np.minimum(rounded, population)  # never more than the month's hours
        weights = np.diff(np.concatenate(([0], lost_so_far))).astype(np.int64).tolist()
    lost = sum(weights)
    rows = clipped.with_columns(weight=pl.Series(weights, dtype=pl.Int64)).select(
        "id",
        pl.lit(dataset).alias("dataset"),
        pl.lit(str(period)).alias("counted_in"),
        pl.lit("own month").alias("why"),
        pl.col("started_at").dt.strftime(_STAMP).alias("start"),
        pl.lit(None, dtype=pl.String).alias("deadline"),
        pl.col("ended_at").dt.strftime(_STAMP).alias("completed"),
        pl.col("weight").cast(pl.String).alias("elapsed"),
        # An outage that took no service hours (out of hours, or within an earlier one) cost nothing: it passes.
        pl.when(pl.col("weight") > 0).then(pl.lit("fail")).otherwise(pl.lit("pass")).alias("verdict"),
        pl.concat_str(pl.lit("outage of "), pl.col("service"), pl.lit(": "), pl.col("weight").cast(pl.String),
                      pl.lit(" seconds of service hours lost in the month, beyond earlier outages")).alias("reason"),
        pl.col("weight").cast(pl.String).alias("weight"),
        pl.lit(None, dtype=pl.String).alias("group"),
    )
    available = pl.DataFrame(
        {"id": ["available"], "dataset": [dataset], "counted_in": [str(period)], "why": ["own month"],
         "start": [start.strftime(_STAMP)], "deadline": [None], "completed": [end.strftime(_STAMP)],
         "elapsed": [str(population - lost)], "verdict": ["pass"],
         "reason": [f"{population - lost} of {population} seconds of service hours of {', '.join(wanted)} available"],
         "weight": [str(population - lost)], "group": [None]},
        schema=dict.fromkeys(rows.columns, pl.String),
    )
    return pl.concat([rows, available]) if population else rows.head(0)


def evidence_of(
    services_parameter: str, default: Iterable[str] | str, clock_name: str
) -> Callable[[MeasureInput], pl.DataFrame]:
    """A measure's ``evidence``: :func:`outage_evidence` of its services and clock for the month of ``inputs``."""

    def evidence(inputs: MeasureInput) -> pl.DataFrame:
        services = param(inputs, services_parameter, default)
        return outage_evidence(inputs.data["outages"], [services] if isinstance(services, str) else services,
                               inputs.period, clock(inputs, clock_name))

    return evidence
