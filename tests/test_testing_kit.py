"""``csskpi.testing.synth_statuses``: the helper plugins' synthetic-data tests classify KPI-months with."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import csskpi
from csskpi import Column, ColumnKind, Counts, DatasetSpec, InputError, Measure, MeasureInput, Period, Status
from csskpi.plugin.kit import in_month, ratio
from csskpi.testing import synth_statuses

CONTRACT = """
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
direction = "higher"
points = 10
end = "2017-02"
measure = "answered"
targets = [{ from = "2017-01", tsl = 90, msl = 80 }]
"""

CALLS = DatasetSpec(
    "calls",
    (Column("call_id", ColumnKind.STR), Column("offered_on", ColumnKind.DATE), Column("answered", ColumnKind.BOOL)),
)


def _answered(inputs: MeasureInput) -> Counts:
    assert inputs.calendar is not None and "core_support_hours" in inputs.clocks
    return ratio(inputs.data["calls"].filter(in_month(pl.col("offered_on"), inputs.period)), pl.col("answered"))


ANSWERED = Measure("answered", {"calls": ("offered_on", "answered")}, _answered)


def _calls(*months: tuple[int, int]) -> pl.DataFrame:
    """Ten calls in January (nine answered), then ``answered`` of ten in each later month given."""
    rows = [(f"c1-{i}", dt.date(2017, 1, 5), i < 9) for i in range(10)]
    rows += [(f"c{m}-{i}", dt.date(2017, m, 5), i < n) for m, n in months for i in range(10)]
    return pl.DataFrame(rows, schema=["call_id", "offered_on", "answered"], orient="row")


def test_classifies_each_month_the_kpi_using_the_measure_is_in_force() -> None:
    contract = csskpi.parse_contract(CONTRACT)
    frames = {"calls": _calls((2, 7), (3, 10))}
    found = synth_statuses(
        contract, [ANSWERED], frames, Period.range(Period(2017, 1), Period(2017, 3)), {"calls": CALLS}
    )
    # 90% meets the TSL; 70% misses the MSL; March is after the KPI ends, so skipped.
    assert found == {("X_KPI_01", Period(2017, 1)): Status.GREEN, ("X_KPI_01", Period(2017, 2)): Status.RED}


def test_data_not_available_and_bad_frames_fail() -> None:
    contract = csskpi.parse_contract(CONTRACT)
    with pytest.raises(AssertionError, match="X_KPI_01 2017-02: data not available"):
        synth_statuses(contract, [ANSWERED], {"calls": _calls()}, [Period(2017, 2)])
    bad = _calls().drop("answered")  # a declared column missing
    with pytest.raises(InputError):
        synth_statuses(contract, [ANSWERED], {"calls": bad}, [Period(2017, 1)], {"calls": CALLS})
