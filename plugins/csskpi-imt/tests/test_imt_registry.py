"""The plugin declares exactly the IMT KPIs of the bundled contract (plus IMT_KPI_14) and is found by csskpi."""

from __future__ import annotations

import csskpi
import pytest
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.testing.imports import modules_loaded

from csskpi_imt import plugin
from csskpi_imt.datasets import DATASETS
from csskpi_imt.measures import MEASURES


def test_measure_names_are_the_contracts_imt_kpis_plus_kpi_14() -> None:
    in_contract = {k.reference for k in csskpi.load_contract().kpis if k.area == "IMT"}
    assert {m.name for m in MEASURES} == in_contract | {"IMT_KPI_14"}
    assert len(MEASURES) == len({m.name for m in MEASURES})


def test_every_measure_uses_only_declared_columns() -> None:
    # The core's registry refuses a measure that reads a column its dataset does not declare.
    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    for m in MEASURES:
        assert registry.measures[m.name] is m
        for dataset, columns in m.columns.items():
            declared = {c.name for c in registry.datasets[dataset].columns}
            assert set(columns) <= declared


def test_entry_point_registers_the_plugin() -> None:
    pm = csskpi.get_plugin_manager()
    registry = MeasureRegistry.from_plugins(pm)
    ours = [info for info in registry.plugins() if "IMT_KPI_01" in info.kpis]
    assert len(ours) == 1
    assert set(ours[0].kpis) == {m.name for m in MEASURES}
    assert set(ours[0].datasets) == {d.name for d in DATASETS}
    assert ours[0].version == "0.1.0"


def test_there_is_no_compute_hook_to_dispatch() -> None:
    assert not hasattr(plugin, "csskpi_compute_measure")  # the core calls each Measure.compute directly


def test_importing_the_plugin_module_loads_nothing_heavy() -> None:
    # csskpi imports the entry-point module for every command that asks the plugins anything.
    loaded = modules_loaded("import csskpi_imt.plugin")
    assert not {"polars", "numpy", "holidays"} & loaded
    assert not {m for m in loaded if m.startswith("csskpi_imt.")} - {"csskpi_imt.plugin"}


def test_every_measure_module_documents_its_formula() -> None:
    for m in MEASURES:
        module = __import__(m.compute.__module__, fromlist=["MEASURE"])
        assert module.__doc__ and m.name in module.__doc__
        assert "Formula" in module.__doc__
        assert m.description


@pytest.mark.parametrize("name", [m.name for m in MEASURES])
def test_measure_parameters_in_the_contract_are_read(name: str) -> None:
    # Every parameter the bundled contract gives an IMT measure is one the measure knows.
    known = {
        "IMT_KPI_01": {"service", "clock"},
        "IMT_KPI_02": {"priority", "vip", "resolution_hours", "clock"},
        "IMT_KPI_03": {"priority", "vip", "resolution_hours", "clock"},
        "IMT_KPI_04": {"priority", "vip", "resolution_hours", "clock"},
        "IMT_KPI_05": {"priority", "vip"},
        "IMT_KPI_06": {"priority", "vip"},
        "IMT_KPI_07": {"platinum_applications", "clock"},
        "IMT_KPI_09": {"clock"},
        "IMT_KPI_10": {"within_hours", "clock"},
        "IMT_KPI_11": set(),
        "IMT_KPI_12": {"kind"},
        "IMT_KPI_13": set(),
        "IMT_KPI_14": {"os", "within_days"},
    }[name]
    given = set(csskpi.load_contract().parameters.measures.get(name, {}))
    assert given <= known
