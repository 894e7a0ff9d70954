"""The CSC plugin as csskpi sees it: its measures are the contract's CSC KPIs, found through the entry point."""

from __future__ import annotations

import datetime as dt

import csskpi
import polars as pl
from csskpi import Counts, MeasureInput, Period
from csskpi.testing.imports import modules_loaded

from csskpi_csc import plugin
from csskpi_csc.datasets import DATASETS
from csskpi_csc.measures import MEASURES


def test_csc_measures_are_the_contracts_csc_kpis() -> None:
    in_contract = [k.reference for k in csskpi.load_contract().kpis if k.area == "CSC"]
    assert sorted(m.name for m in MEASURES) == sorted(in_contract)
    assert len({m.name for m in MEASURES}) == len(MEASURES)


def test_csc_measure_columns_are_declared() -> None:
    declared = {spec.name: {c.name for c in spec.columns} for spec in DATASETS}
    declared["surveys"] = {"kind", "response_id", "responded_on", "rating"}
    for measure in MEASURES:
        for dataset, columns in measure.columns.items():
            assert set(columns) <= declared[dataset], measure.name


def test_csc_parameters_named_in_the_contract_are_the_ones_read() -> None:
    params = csskpi.load_contract().parameters.measures
    assert set(params["CSC_KPI_01"]) == {"digital_channels"}
    assert set(params["CSC_KPI_04"]) == {"excluded_queues"}
    assert set(params["CSC_KPI_05"]) == {"timescale_business_days"}
    assert set(params["CSC_KPI_09"]) == {"business_days"}
    assert set(params["CSC_KPI_10"]) == {"queue"}


def test_csc_the_core_computes_a_measure_by_calling_it() -> None:
    frame = pl.DataFrame(
        {"call_id": ["a"], "queue": ["lrsp"], "offered_at": [dt.datetime(2017, 5, 2, 9)],
         "answered_at": [None], "abandoned_at": [dt.datetime(2017, 5, 2, 9, 1)]},
        schema_overrides={"answered_at": pl.Datetime("us"), "offered_at": pl.Datetime("us"),
                          "abandoned_at": pl.Datetime("us")},
    )
    inputs = MeasureInput(Period(2017, 5), {"calls": frame}, measure="CSC_KPI_10")
    by_name = {m.name: m for m in plugin.csskpi_measures()}
    assert by_name["CSC_KPI_10"].compute(inputs) == Counts(1, 1)
    assert not hasattr(plugin, "csskpi_compute_measure")  # one way to compute a measure: no dispatcher


def test_importing_the_plugin_module_loads_nothing_heavy() -> None:
    # csskpi imports the entry-point module for every command that asks the plugins anything.
    loaded = modules_loaded("import csskpi_csc.plugin")
    assert not {"polars", "numpy", "holidays"} & loaded
    assert not {m for m in loaded if m.startswith("csskpi_csc.")} - {"csskpi_csc.plugin"}


def test_csc_entry_point_registers_the_plugin() -> None:
    pm = csskpi.get_plugin_manager()
    assert pm.get_plugin("csc") is not None  # the entry point's name
    names = {m.name for impl in pm.hook.csskpi_measures.get_hookimpls() if impl.plugin_name == "csc"
             for m in impl.function()}
    assert names == {m.name for m in MEASURES}
    datasets = {d.name for impl in pm.hook.csskpi_datasets.get_hookimpls() if impl.plugin_name == "csc"
                for d in impl.function()}
    assert datasets == {"contacts", "calls", "carers_assessments"}


def test_csc_plugin_alone_with_the_core_registers_cleanly() -> None:
    pm = csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin])
    from csskpi.pipeline.measure import MeasureRegistry

    registry = MeasureRegistry.from_plugins(pm)
    assert {m.name for m in MEASURES} <= set(registry.measures)
    assert {"contacts", "calls", "carers_assessments", "surveys"} <= set(registry.datasets)


def test_csc_through_the_core_pipeline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
    from csskpi.pipeline.synth import synthesize, write_data
    from csskpi.plugin.types import SynthRequest

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    frames = synthesize(SynthRequest(Period(2017, 5), Period(2017, 5), 0.02, 11), registry)
    write_data(frames, tmp_path)
    data = load_data(tmp_path, registry)
    run = measure(csskpi.load_contract(), data, [Period(2017, 5)], registry)
    ours = {m.kpi: m for m in run.measurements if m.kpi.startswith("CSC_")}
    assert set(ours) == {m.name for m in MEASURES}
    assert all(m.value is not None and m.denominator for m in ours.values())
