"""The measure hooks at the plugin-manager level: declaring datasets and measures, and how a measure is computed."""

from __future__ import annotations

import pytest

import csskpi
from csskpi import Column, ColumnKind, Counts, DatasetSpec, Measure, MeasureInput, Period, hookimpl
from csskpi.plugin.registry import collect

TINY = """
format = 1
[contract]
name = "tiny"
start = 2017-01-01
end = 2018-12-31
[[areas]]
code = "X"
name = "Calls"
[[kpis]]
reference = "X_KPI_01"
area = "X"
unit = "percent"
direction = "lower"
points = 10
targets = [{ from = "2017-01", tsl = 7, msl = 10 }]
[[kpis]]
reference = "X_KPI_02"
area = "X"
unit = "percent"
direction = "lower"
points = 10
targets = [{ from = "2017-01", tsl = 7, msl = 10 }]
"""

CALLS = DatasetSpec("calls", (Column("call_id", ColumnKind.STR), Column("abandoned", ColumnKind.BOOL)), id_column="call_id")


def _abandoned(inputs: MeasureInput) -> Counts:
    frame = inputs.data["calls"]
    return Counts(int(frame["abandoned"].sum()), frame.height)


class CallsPlugin:
    @hookimpl
    def csskpi_datasets(self) -> list[DatasetSpec]:
        return [CALLS]

    @hookimpl
    def csskpi_measures(self) -> list[Measure]:
        return [Measure("X_KPI_01", {"calls": ("abandoned",)}, _abandoned)]


def _pm(*plugins: object) -> object:
    return csskpi.get_plugin_manager(load_entry_points=False, extra=plugins)


def test_csskpi_datasets_and_measures_are_collected() -> None:
    pm = _pm(CallsPlugin())
    datasets = collect(pm, "csskpi_datasets", lambda d: d.name, "dataset")  # type: ignore[arg-type]
    assert datasets["calls"] == CALLS and "surveys" in datasets  # surveys: shared, declared by the core
    measures = collect(pm, "csskpi_measures", lambda m: m.name, "measure")  # type: ignore[arg-type]
    assert measures["X_KPI_01"].datasets == ("calls",)


def test_csskpi_measures_claimed_twice_names_both() -> None:
    pm = csskpi.get_plugin_manager(load_entry_points=False)
    pm.register(CallsPlugin(), name="first")
    pm.register(CallsPlugin(), name="second")
    with pytest.raises(csskpi.PluginError, match="'X_KPI_01' is declared by both 'first' and 'second'"):
        collect(pm, "csskpi_measures", lambda m: m.name, "measure")
    with pytest.raises(csskpi.PluginError, match="dataset 'calls'"):
        collect(pm, "csskpi_datasets", lambda d: d.name, "dataset")


def test_a_measure_is_computed_by_calling_it_with_its_name_in_the_input() -> None:
    """No hook computes measures: the core calls Measure.compute directly, and the input names the measure."""
    pl = pytest.importorskip("polars")
    from csskpi.pipeline.measure import load_data, measure

    seen: list[str] = []

    def shared(inputs: MeasureInput) -> Counts:  # one function serving two measures
        seen.append(inputs.measure)
        frame = inputs.data["calls"]
        return Counts(int(frame["abandoned"].sum()), frame.height)

    class TwoMeasures:
        @hookimpl
        def csskpi_datasets(self) -> list[DatasetSpec]:
            return [CALLS]

        @hookimpl
        def csskpi_measures(self) -> list[Measure]:
            return [Measure("X_KPI_01", {"calls": ("abandoned",)}, shared),
                    Measure("X_KPI_02", {"calls": ("abandoned",)}, shared)]

    assert "csskpi_compute_measure" not in dir(csskpi.get_plugin_manager(load_entry_points=False).hook)
    registry = csskpi.Registry.from_plugins(_pm(TwoMeasures()))  # type: ignore[arg-type]
    contract = csskpi.parse_contract(TINY)
    frame = pl.DataFrame({"call_id": ["a", "b", "c", "d"], "abandoned": [True, False, False, True]})
    run = measure(contract, load_data(None, registry, frames={"calls": frame}), [Period(2017, 5)], registry)
    assert [(m.kpi, m.numerator, m.denominator) for m in run.measurements] == [("X_KPI_01", 2, 4), ("X_KPI_02", 2, 4)]
    assert seen == ["X_KPI_01", "X_KPI_02"]


def test_counts_turn_into_exact_values() -> None:
    m = csskpi.Measurement.from_counts("X_KPI_01", Period(2017, 5), Counts(2, 3))
    assert str(m.value) == "66.67" and (m.numerator, m.denominator) == (2, 3)
    assert csskpi.Measurement.from_counts("X_KPI_01", Period(2017, 5), Counts(0, 0)).value is None  # empty: dna
    assert str(csskpi.Measurement.from_counts("X_KPI_01", Period(2017, 5), Counts(4)).value) == "4.00"
    with pytest.raises(ValueError, match="'passing'"):
        Counts(5, 4)


def test_dataset_spec_validates_at_the_boundary() -> None:
    with pytest.raises(ValueError, match="refers to column 'nope'"):
        DatasetSpec("calls", (Column("call_id", ColumnKind.STR),), id_column="nope")
    with pytest.raises(ValueError, match="'values'"):
        Column("priority", ColumnKind.ENUM)
