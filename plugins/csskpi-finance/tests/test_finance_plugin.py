"""The Finance plugin as csskpi sees it: its measures are the contract's Finance KPIs, found through the entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import csskpi
import polars as pl
from csskpi import Counts, MeasureInput, Period
from csskpi.testing.imports import modules_loaded

from csskpi_finance import plugin
from csskpi_finance.datasets import DATASETS
from csskpi_finance.measures import MEASURES


def test_finance_measures_are_the_contracts_finance_kpis() -> None:
    in_contract = [k.reference for k in csskpi.load_contract().kpis if k.area == "F"]
    assert sorted(m.name for m in MEASURES) == sorted(in_contract)


def test_finance_measure_columns_are_declared() -> None:
    declared = {spec.name: {c.name for c in spec.columns} for spec in DATASETS}
    for measure in MEASURES:
        for dataset, columns in measure.columns.items():
            assert set(columns) <= declared[dataset], measure.name


def test_finance_parameters_named_in_the_contract_are_the_ones_read() -> None:
    params = csskpi.load_contract().parameters.measures
    assert set(params["F_KPI_03"]) == {"days_past_due", "excluded_categories"}
    assert "F_KPI_01" not in params and "F_KPI_02" not in params


def test_finance_the_core_computes_a_measure_by_calling_it() -> None:
    runs = pl.DataFrame({"run_id": ["r"], "scheduled_on": [dt.date(2017, 5, 2)], "executed_on": [dt.date(2017, 5, 2)]})
    inputs = MeasureInput(Period(2017, 5), {"payment_runs": runs}, measure="F_KPI_02")
    by_name = {m.name: m for m in plugin.csskpi_measures()}
    assert by_name["F_KPI_02"].compute(inputs) == Counts(1, 1)
    assert not hasattr(plugin, "csskpi_compute_measure")  # one way to compute a measure: no dispatcher


def test_importing_the_plugin_module_loads_nothing_heavy() -> None:
    # csskpi imports the entry-point module for every command that asks the plugins anything.
    loaded = modules_loaded("import csskpi_finance.plugin")
    assert not {"polars", "numpy", "holidays"} & loaded
    assert not {m for m in loaded if m.startswith("csskpi_finance.")} - {"csskpi_finance.plugin"}


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
