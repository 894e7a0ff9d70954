"""Checking a plugin's synthetic data against the contract: :func:`synth_statuses` (part of :mod:`csskpi.testing`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.engine.rules import classify
from csskpi.model.contract import Contract
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.measure import contract_clocks
from csskpi.plugin.types import DatasetSpec, Measure, MeasureInput

__all__ = ["synth_statuses"]


def synth_statuses(
    contract: Contract,
    measures: Iterable[Measure],
    frames: Mapping[str, pl.DataFrame],
    periods: Iterable[Period],
    specs: Mapping[str, DatasetSpec] | None = None,
) -> dict[tuple[str, Period], Status]:
    """The status of every KPI-month that ``measures`` compute from synthetic ``frames``, for a synth test.

    With ``specs`` (dataset name to :class:`~csskpi.plugin.types.DatasetSpec`), each frame is first loaded and
    checked with :func:`csskpi.data.load.load_dataset` (a fault raises :class:`~csskpi.InputError`). Each
    measure is computed, with the contract's measure parameters, the England and Wales calendar and the
    contract's clocks, for each of ``periods`` in which a KPI using it is in force (other months are
    skipped), and its value classified against that KPI's target step. Keys are ``(kpi reference, period)``.
    Data not available (no counts or an empty population) fails with an ``AssertionError``: synthetic data
    must give every measure a figure.
    """
    loaded = dict(frames)
    if specs is not None:
        loaded = {name: load_dataset(specs[name], frame).frame for name, frame in frames.items()}
    params = contract.parameters
    clocks = contract_clocks(contract, ENGLAND_AND_WALES)
    measures = list(measures)
    result: dict[tuple[str, Period], Status] = {}
    for period in periods:
        for measure in measures:
            for kpi in contract.kpis:
                step = kpi.step_at(period) if kpi.measure == measure.name else None
                if step is None:
                    continue
                data = {d: loaded[d] for d in measure.datasets}
                inputs = MeasureInput(
                    period, data, params.measures.get(measure.name, {}), ENGLAND_AND_WALES, clocks, measure=measure.name
                )
                counts = measure.compute(inputs)
                value = Measurement.from_counts(kpi.reference, period, counts, decimals=params.decimals).value
                assert value is not None, f"{kpi.reference} {period}: data not available from synthetic data"
                result[kpi.reference, period] = classify(value, step)
    return result
