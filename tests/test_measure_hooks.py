"""The measure hooks at the plugin-manager level: declaring datasets and measures, and who computes what."""

from __future__ import annotations

import pytest

import csskpi
from csskpi import Column, ColumnKind, Counts, DatasetSpec, Measure, MeasureInput, Period, hookimpl
from csskpi.plugin.registry import collect

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

    @hookimpl
    def csskpi_compute_measure(self, measure: str, inputs: MeasureInput) -> Counts | None:
        return _abandoned(inputs) if measure == "X_KPI_01" else None


class OtherPlugin:
    @hookimpl
    def csskpi_compute_measure(self, measure: str, inputs: MeasureInput) -> Counts | None:
        return Counts(7) if measure == "Y_KPI_01" else None


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


def test_csskpi_compute_measure_first_result_wins() -> None:
    pl = pytest.importorskip("polars")
    pm = _pm(CallsPlugin(), OtherPlugin())
    frame = pl.DataFrame({"call_id": ["a", "b", "c", "d"], "abandoned": [True, False, False, True]})
    inputs = MeasureInput(Period(2017, 5), {"calls": frame})
    assert pm.hook.csskpi_compute_measure(measure="X_KPI_01", inputs=inputs) == Counts(2, 4)  # type: ignore[attr-defined]
    assert pm.hook.csskpi_compute_measure(measure="Y_KPI_01", inputs=inputs) == Counts(7)  # type: ignore[attr-defined]
    assert pm.hook.csskpi_compute_measure(measure="Z_KPI_01", inputs=inputs) is None  # type: ignore[attr-defined]


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
