"""Two synthetic years the measure tests share (scale 0.05): seed 11, 2017-18 as generated; seed 12, 2020 with
several measures degraded so that deadlines are missed and backlogs counted."""

from __future__ import annotations

from functools import cache

import polars as pl

import csskpi
from csskpi.model.period import Period
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.pipeline.synth import synthesize

DEGRADED = ("CSC_KPI_05", "F_KPI_01", "ACF_KPI_05", "PM_KPI_07", "IMT_KPI_09", "PM_KPI_11", "ACF_KPI_08")
YEARS = {11: (Period(2017, 4), Period(2018, 3), ()), 12: (Period(2020, 1), Period(2020, 12), DEGRADED)}


@cache
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins()


@cache
def raw_frames(seed: int) -> dict[str, pl.DataFrame]:
    """The year's datasets as synthesized (not yet loaded)."""
    start, end, degrade = YEARS[seed]
    return synthesize(csskpi.SynthRequest(start, end, 0.05, seed, frozenset(degrade)), registry())
