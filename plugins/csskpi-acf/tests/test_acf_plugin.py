"""The ACF plugin as csskpi sees it: its entry point, its registry entries, its hooks, its findings, and a run of
the core's measure step on its synthetic data."""

from __future__ import annotations

import sys
from decimal import Decimal
from importlib.metadata import entry_points

import csskpi
import pytest
from csskpi import Counts, MeasureInput, Period
from csskpi.data.load import load_dataset
from csskpi.plugin.types import SynthFrame, SynthRequest
from csskpi.testing.imports import modules_loaded

from acf_test_support import D, T, frame
from csskpi_acf import plugin
from csskpi_acf.datasets import DATASETS
from csskpi_acf.measures import MEASURES

OURS = {m.name for m in MEASURES}


def _bundled_contract() -> csskpi.Contract:
    # ACF_KPI_11 is in no published record: the bundled contract gains it only with the illustrative
    # second-extension change notice that ships with csskpi's examples.
    from pathlib import Path

    notice = Path(csskpi.__file__).parent / "builtin" / "examples" / "illustrative" / "second-extension.toml"
    return csskpi.load_contract("lincolnshire-css", csskpi.get_plugin_manager(load_entry_points=False), changes=[notice])


def test_measures_are_the_acf_kpis_in_force_in_the_bundled_contract() -> None:
    contract = _bundled_contract()
    assert OURS == {k.reference for k in contract.kpis if k.area == "ACF"}
    assert len(MEASURES) == len(OURS)
    for measure in MEASURES:  # one module per KPI, its docstring quoting the KPI and its formula
        module = sys.modules[measure.compute.__module__]
        assert module.__name__.endswith(measure.name.lower())
        assert module.__doc__.startswith(f"{measure.name} — ") and "docs/measures.md" in module.__doc__
        assert set(measure.datasets) <= {d.name for d in DATASETS} | {"surveys"}


def test_measures_declare_only_columns_their_datasets_have() -> None:
    from acf_test_support import SPECS

    for measure in MEASURES:
        for dataset, columns in measure.columns.items():
            assert set(columns) <= {c.name for c in SPECS[dataset].columns}, (measure.name, dataset)


def test_entry_point_names_the_plugin_module() -> None:
    (ep,) = [ep for ep in entry_points(group="csskpi") if ep.name == "acf"]
    assert ep.value == "csskpi_acf.plugin"
    assert ep.load() is plugin


def test_the_plugin_manager_finds_the_plugin_through_its_entry_point() -> None:
    pm = csskpi.get_plugin_manager()
    declared = [{m.name for m in impl.function()} for impl in pm.hook.csskpi_measures.get_hookimpls()]
    assert any(OURS <= names for names in declared)


def test_the_core_registry_takes_the_plugin() -> None:
    from csskpi.pipeline.measure import MeasureRegistry

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    assert OURS <= set(registry.measures)
    assert {d.name for d in DATASETS} <= set(registry.datasets)


def test_the_core_computes_a_measure_by_calling_it() -> None:
    from csskpi.pipeline.measure import MeasureRegistry

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    contacts = frame("acf_contacts", [{"contact_id": "c", "received_at": T(2017, 5, 2, 9), "first_contact_resolved": True}])
    inputs = MeasureInput(Period(2017, 5), {"acf_contacts": contacts}, measure="ACF_KPI_01")
    assert registry.measures["ACF_KPI_01"].compute(inputs) == Counts(1, 1)
    assert "ACF_KPI_02" not in registry.measures  # retired: nobody's measure
    assert not hasattr(plugin, "csskpi_compute_measure")  # one way to compute a measure: no dispatcher


def test_importing_the_plugin_module_loads_nothing_heavy() -> None:
    # csskpi imports the entry-point module for every command that asks the plugins anything.
    loaded = modules_loaded("import csskpi_acf.plugin")
    assert not {"polars", "numpy", "holidays"} & loaded
    assert not {m for m in loaded if m.startswith("csskpi_acf.")} - {"csskpi_acf.plugin"}


def test_synthesize_hook_returns_synth_frames() -> None:
    frames = plugin.csskpi_synthesize(SynthRequest(Period(2017, 5), Period(2017, 5), 0.01, 0))
    assert all(isinstance(f, SynthFrame) for f in frames)
    assert {f.dataset for f in frames} == {d.name for d in DATASETS} | {"surveys"}


def test_findings_list_odd_records_without_dropping_them() -> None:
    from acf_test_support import SPECS

    def findings(dataset: str, rows: list[dict]) -> list[str]:
        typed = frame(dataset, rows)
        loaded = load_dataset(SPECS[dataset], typed)
        assert loaded.frame.height == len(rows)
        return [f"{f.column}: {f.message} x{f.count}" for f in loaded.findings]

    income = findings("acf_income", [
        {"invoice_id": "I1", "snapshot_on": D(2017, 5, 31), "due_on": D(2017, 5, 1), "outstanding": Decimal("1.00")},
        {"invoice_id": "I1", "snapshot_on": D(2017, 5, 31), "due_on": D(2017, 5, 1), "outstanding": Decimal("-1.00")},
        {"invoice_id": "I1", "snapshot_on": D(2017, 4, 28), "due_on": D(2017, 4, 1), "outstanding": Decimal(0)},
    ])
    assert any("more than once in one snapshot" in f and f.endswith("x2") for f in income)
    assert any(f.startswith("outstanding: zero or negative") and f.endswith("x2") for f in income)
    assessments = findings("financial_assessments", [
        {"assessment_id": "A", "care": "residential", "kind": "new", "referred_on": D(2017, 4, 15),
         "completed_on": D(2017, 5, 29)},
    ])
    assert assessments == [
        "referred_on: referred (the clock starts on the next business day) on a weekend or bank holiday x1",
        "completed_on: completed on a weekend or bank holiday x1",
    ]
    court = findings("court_protection", [
        {"case_id": "P1", "referred_on": D(2017, 5, 2), "commenced_on": None, "actioned_correctly": True},
        {"case_id": "P2", "referred_on": D(2017, 5, 2), "commenced_on": D(2017, 5, 3), "actioned_correctly": None},
    ])
    assert len(court) == 2
    users = findings("acf_service_users", [
        {"service_user_id": "U", "snapshot_on": D(2017, 5, 31), "chargeable": True, "assessment_up_to_date": None},
    ])
    assert users == [
        ("assessment_up_to_date: chargeable service user with no assessment_up_to_date: counted as not up to date x1")
    ]
    assert findings("legal_charges", [{"case_id": "L", "due_on": D(2017, 5, 2), "submitted_on": D(2017, 4, 14)}])
    assert findings("direct_payments", [
        {"service_user_id": "S", "referred_on": D(2017, 5, 2), "first_paid_on": D(2017, 5, 3)}]) == []


def test_loader_rejects_what_the_specs_forbid() -> None:
    with pytest.raises(csskpi.InputError, match="negative duration"):
        frame("financial_assessments", [{"assessment_id": "A", "care": "residential", "kind": "new",
                                         "referred_on": D(2017, 5, 2), "completed_on": D(2017, 5, 1)}])
    with pytest.raises(csskpi.InputError, match="unknown value 'nursing'"):
        frame("financial_assessments", [{"assessment_id": "A", "care": "nursing", "kind": "new",
                                         "referred_on": D(2017, 5, 2), "completed_on": None}])
    with pytest.raises(csskpi.InputError, match="duplicate id"):
        frame("direct_payments", [{"service_user_id": "S", "referred_on": D(2017, 5, 2), "first_paid_on": None}] * 2)


def test_the_core_measure_step_on_synthetic_data(tmp_path) -> None:
    """End to end through the core: synthesize, write CSV, load with findings, measure every ACF KPI in force."""
    from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
    from csskpi.pipeline.synth import synthesize, write_data

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    periods = list(Period.range(Period(2017, 4), Period(2017, 9)))
    frames = synthesize(SynthRequest(periods[0], periods[-1], 1.0, 1), registry)
    write_data(frames, tmp_path)
    data = load_data(tmp_path, registry)
    assert data.findings == ()
    contract = _bundled_contract()
    run = measure(contract, data, periods, registry)
    ours = [m for m in run.measurements if m.kpi in OURS]
    assert len(ours) == sum(len(contract.kpis_in_force(p, "ACF")) for p in periods)
    assert all(m.value is not None for m in ours)
    # Speed is measured in benchmarks/bench_measure.py, never asserted here.
