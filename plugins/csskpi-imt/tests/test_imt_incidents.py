"""IMT_KPI_02-06: incidents late against their resolution deadline (in the deadline's month) and incidents opened."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from csskpi.data.calendars import ENGLAND_AND_WALES, WorkingHours
from csskpi.data.load import load_dataset
from csskpi.model.period import Period
from csskpi.plugin.types import MeasureInput

from csskpi_imt.datasets import INCIDENTS
from csskpi_imt.measures import MEASURES

MARCH, APRIL, MAY = Period(2017, 3), Period(2017, 4), Period(2017, 5)

BY_NAME = {m.name: m for m in MEASURES}


def T(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def incidents(*rows: tuple[str, bool, str, str | None]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "incident_id": [f"INC{i}" for i in range(len(rows))],
            "priority": [r[0] for r in rows],
            "vip": [r[1] for r in rows],
            "opened_at": [T(r[2]) for r in rows],
            "resolved_at": [T(r[3]) for r in rows],
        },
        schema={
            "incident_id": pl.String,
            "priority": pl.String,
            "vip": pl.Boolean,
            "opened_at": pl.Datetime("us"),
            "resolved_at": pl.Datetime("us"),
        },
    )
    return load_dataset(INCIDENTS, frame).frame


def count(name: str, frame: pl.DataFrame, period: Period, clocks: dict | None = None, **parameters: object) -> int:
    counts = BY_NAME[name].compute(
        MeasureInput(period, {"incidents": frame}, parameters, ENGLAND_AND_WALES, clocks or {})
    )
    assert counts.is_count
    return counts.passing


def test_p1_deadline_runs_over_good_friday_the_weekend_and_easter_monday() -> None:
    # Opened Thursday 13 April 16:00: 2 hours that day, then nothing until Tuesday 18 April; deadline 10:00.
    on_time = incidents(("P1", False, "2017-04-13T16:00", "2017-04-18T10:00"))
    late = incidents(("P1", False, "2017-04-13T16:00", "2017-04-18T10:00:01"))
    assert count("IMT_KPI_02", on_time, APRIL) == 0
    assert count("IMT_KPI_02", late, APRIL) == 1


def test_a_late_incident_counts_in_its_deadlines_month_once() -> None:
    # Opened Friday 28 April 16:00; Monday 1 May is a bank holiday: the deadline is Tuesday 2 May 10:00.
    still_open = incidents(("P1", False, "2017-04-28T16:00", None))
    assert [count("IMT_KPI_02", still_open, p) for p in (APRIL, MAY, Period(2017, 6))] == [0, 1, 0]
    resolved_late = incidents(("P1", False, "2017-04-28T16:00", "2017-05-02T11:00"))
    assert [count("IMT_KPI_02", resolved_late, p) for p in (APRIL, MAY)] == [0, 1]
    resolved_in_time = incidents(("P1", False, "2017-04-28T16:00", "2017-05-02T09:59"))
    assert [count("IMT_KPI_02", resolved_in_time, p) for p in (APRIL, MAY)] == [0, 0]
    # Opened in March, due and late in April: April's failure, even though resolved in May.
    from_march = incidents(("P1", False, "2017-03-31T17:00", "2017-05-03T09:00"))
    assert [count("IMT_KPI_02", from_march, p) for p in (MARCH, APRIL, MAY)] == [0, 1, 0]


def test_deadline_at_closing_time_and_clock_starting_at_the_weekend() -> None:
    # 4 hours from 14:00 is 18:00 that day: resolved at 08:00 the next morning is late.
    assert count("IMT_KPI_02", incidents(("P1", False, "2017-05-03T14:00", "2017-05-03T18:00")), MAY) == 0
    assert count("IMT_KPI_02", incidents(("P1", False, "2017-05-03T14:00", "2017-05-04T08:00")), MAY) == 1
    # Opened on Saturday 6 May: the clock starts on Monday at 08:00, so the deadline is 12:00.
    assert count("IMT_KPI_02", incidents(("P1", False, "2017-05-06T10:00", "2017-05-08T12:00")), MAY) == 0
    assert count("IMT_KPI_02", incidents(("P1", False, "2017-05-06T10:00", "2017-05-08T12:01")), MAY) == 1


def test_p2_deadline_over_the_spring_bank_holiday() -> None:
    # Opened Friday 26 May 14:00: 4 hours Friday, Monday 29 May a bank holiday, 4 hours Tuesday: 12:00.
    assert count("IMT_KPI_03", incidents(("P2", False, "2017-05-26T14:00", "2017-05-30T12:00")), MAY) == 0
    assert count("IMT_KPI_03", incidents(("P2", True, "2017-05-26T14:00", "2017-05-30T12:01")), MAY) == 1


def test_vip_and_priority_select_the_kpi() -> None:
    frame = incidents(
        ("P1", False, "2017-05-02T09:00", None),  # late non-VIP P1
        ("P1", True, "2017-05-02T09:00", None),  # late VIP P1
        ("P1", True, "2017-05-02T09:00", "2017-05-02T17:00"),  # late VIP P1 (deadline 13:00)
        ("P2", True, "2017-05-02T09:00", "2017-05-03T09:00"),  # late P2, VIP (deadline 17:00)
        ("P2", False, "2017-05-02T09:00", "2017-05-02T16:00"),  # P2 in time
        ("P3", False, "2017-05-02T09:00", None),
        ("P4", True, "2017-05-02T09:00", None),
    )
    assert count("IMT_KPI_02", frame, MAY) == 1
    assert count("IMT_KPI_04", frame, MAY) == 2
    assert count("IMT_KPI_03", frame, MAY) == 1
    assert count("IMT_KPI_05", frame, MAY) == 3
    assert count("IMT_KPI_06", frame, MAY) == 2
    # The contract's parameters may change what each counts.
    assert count("IMT_KPI_03", frame, MAY, vip=False) == 0
    assert count("IMT_KPI_02", frame, MAY, priority="P2") == 1  # non-VIP P2 at 16:00 against 4 hours: 13:00
    assert count("IMT_KPI_02", frame, MAY, priority="P4") == 0  # the only P4 is a VIP's
    assert count("IMT_KPI_02", frame, MAY, resolution_hours=9) == 1  # still open
    assert count("IMT_KPI_04", frame, MAY, resolution_hours=8) == 1  # resolved at 17:00, on time
    assert count("IMT_KPI_05", frame, MAY, vip=True) == 2


def test_resolution_hours_count_on_the_named_clock() -> None:
    frame = incidents(("P1", False, "2017-05-02T07:00", "2017-05-02T11:30"))
    assert count("IMT_KPI_02", frame, MAY) == 0  # 08:00 + 4 hours = 12:00
    early = WorkingHours(dt.time(7), dt.time(19))
    assert count("IMT_KPI_02", frame, MAY, clocks={"core_support_hours": early}) == 1  # 07:00 + 4 = 11:00


def test_opened_counts_by_opened_at_month_edges() -> None:
    frame = incidents(
        ("P1", False, "2017-04-30T23:59:59", "2017-05-02T09:00"),
        ("P1", True, "2017-05-01T00:00", None),  # bank holiday, still counts as reported in May
        ("P1", False, "2017-05-31T23:59:59", None),
        ("P2", False, "2017-06-01T00:00", None),
        ("P2", False, "2017-05-14T12:00", "2017-05-15T12:00"),  # Sunday
    )
    assert [count("IMT_KPI_05", frame, p) for p in (APRIL, MAY)] == [1, 2]
    assert [count("IMT_KPI_06", frame, p) for p in (MAY, Period(2017, 6))] == [1, 1]


@pytest.mark.parametrize("name", ["IMT_KPI_02", "IMT_KPI_03", "IMT_KPI_04", "IMT_KPI_05", "IMT_KPI_06"])
def test_no_incidents_is_zero(name: str) -> None:
    assert count(name, incidents(), MAY) == 0
