"""The Finance plugin as csskpi sees it: its measures are the contract's Finance KPIs, found through the entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import csskpi_finance
import polars as pl
from csskpi_finance import plugin
from csskpi_finance.measures import MEASURES

import csskpi
from csskpi import Counts, MeasureInput, Period


def test_finance_measures_are_the_contracts_finance_kpis() -> None:
    in_contract = [k.reference for k in csskpi.load_contract().kpis if k.area == "F"]
    assert sorted(m.name for m in MEASURES) == sorted(in_contract)


def test_finance_measure_columns_are_declared() -> None:
    declared = {spec.name: {c.name for c in spec.columns} for spec in csskpi_finance.DATASETS}
    for measure in MEASURES:
        for dataset, columns in measure.columns.items():
            assert set(columns) <= declared[dataset], measure.name


def test_finance_parameters_named_in_the_contract_are_the_ones_read() -> None:
    params = csskpi.load_contract().parameters.measures
    assert set(params["F_KPI_03"]) == {"days_past_due", "excluded_categories"}
    assert "F_KPI_01" not in params and "F_KPI_02" not in params


def test_finance_compute_hook_dispatches_by_name() -> None:
    runs = pl.DataFrame({"run_id": ["r"], "scheduled_on": [dt.date(2017, 5, 2)], "executed_on": [dt.date(2017, 5, 2)]})
    inputs = MeasureInput(Period(2017, 5), {"payment_runs": runs})
    assert plugin.csskpi_compute_measure(measure="F_KPI_02", inputs=inputs) == Counts(1, 1)
    assert plugin.csskpi_compute_measure(measure="CSC_KPI_04", inputs=inputs) is None


def test_finance_entry_point_registers_the_plugin() -> None:
    pm = csskpi.get_plugin_manager()
    assert pm.get_plugin("finance") is not None  # the entry point's name
    names = {m.name for impl in pm.hook.csskpi_measures.get_hookimpls() if impl.plugin_name == "finance"
             for m in impl.function()}
    assert names == {"F_KPI_01", "F_KPI_02", "F_KPI_03"}


def test_finance_through_the_core_pipeline(tmp_path: Path) -> None:
    from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
    from csskpi.pipeline.synth import synthesize, write_data
    from csskpi.plugin.types import SynthRequest

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    frames = synthesize(SynthRequest(Period(2017, 5), Period(2017, 6), 0.05, 11), registry)
    write_data(frames, tmp_path)
    data = load_data(tmp_path, registry)
    run = measure(csskpi.load_contract(), data, [Period(2017, 6)], registry)
    ours = {m.kpi: m for m in run.measurements if m.kpi.startswith("F_")}
    assert set(ours) == {"F_KPI_01", "F_KPI_02", "F_KPI_03"}
    assert all(m.value is not None and m.denominator for m in ours.values())
