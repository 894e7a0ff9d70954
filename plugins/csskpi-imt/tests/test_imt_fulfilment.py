"""IMT_KPI_09, IMT_KPI_10 and IMT_KPI_14: completion within a deadline, month of completion, backlog rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.plugin.types import MeasureInput

from csskpi_imt.datasets import CMDB_CHANGES, PATCHING, SERVICE_REQUESTS
from csskpi_imt.measures import imt_kpi_09, imt_kpi_10, imt_kpi_14

APRIL, MAY, JUNE = Period(2017, 4), Period(2017, 5), Period(2017, 6)


def T(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def D(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def requests(*rows: tuple[str, str | None, str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "request_id": [f"SR{i}" for i in range(len(rows))],
            "opened_at": [T(r[0]) for r in rows],
            "fulfilled_at": [T(r[1]) for r in rows],
            "target_hours": [Decimal(r[2]) for r in rows],
        },
        schema={
            "request_id": pl.String,
            "opened_at": pl.Datetime("us"),
            "fulfilled_at": pl.Datetime("us"),
            "target_hours": pl.Decimal(38, 2),
        },
    )
    return load_dataset(SERVICE_REQUESTS, frame).frame


def changes(*rows: tuple[str, str | None]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "change_id": [f"C{i}" for i in range(len(rows))],
            "changed_at": [T(r[0]) for r in rows],
            "applied_at": [T(r[1]) for r in rows],
        },
        schema={"change_id": pl.String, "changed_at": pl.Datetime("us"), "applied_at": pl.Datetime("us")},
    )
    return load_dataset(CMDB_CHANGES, frame).frame


def devices(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "device_id": [f"PC{i}" for i in range(len(rows))],
            "os": [r[0] for r in rows],
            "update_released_on": [D(r[1]) for r in rows],
            "patched_on": [D(r[2]) for r in rows],
        },
        schema={"device_id": pl.String, "os": pl.String, "update_released_on": pl.Date, "patched_on": pl.Date},
    )
    return load_dataset(PATCHING, frame).frame


def kpi_09(frame: pl.DataFrame, period: Period) -> Counts:
    return imt_kpi_09.compute(MeasureInput(period, {"service_requests": frame}, {}, ENGLAND_AND_WALES))


def kpi_10(frame: pl.DataFrame, period: Period, **parameters: object) -> Counts:
    return imt_kpi_10.compute(MeasureInput(period, {"cmdb_changes": frame}, parameters))


def kpi_14(frame: pl.DataFrame, period: Period, **parameters: object) -> Counts:
    return imt_kpi_14.compute(MeasureInput(period, {"patching": frame}, parameters))


# --- IMT_KPI_09 -----------------------------------------------------------------------------------------------


def test_requests_within_target_hours_by_month_fulfilled() -> None:
    frame = requests(
        ("2017-05-02T09:00", "2017-05-02T17:00", "8"),  # deadline 17:00: on time
        ("2017-05-02T09:00", "2017-05-02T17:00:01", "8"),  # a second late
        ("2017-05-03T08:00", "2017-05-03T15:30", "7.5"),  # decimal hours: 15:30 on the dot
        ("2017-05-03T08:00", "2017-05-03T15:31", "7.50"),
        # Friday 26 May 10:00 + 16 hours: 8 on Friday, spring bank holiday Monday, 8 on Tuesday: 16:00 on 30 May.
        ("2017-05-26T10:00", "2017-05-30T16:00", "16"),
        ("2017-05-26T10:00", "2017-05-31T08:30", "16"),
    )
    assert kpi_09(frame, MAY) == Counts(3, 6, "requests")


def test_requests_backlog_rule() -> None:
    frame = requests(
        ("2017-05-31T10:00", None, "4"),  # due 14:00 on 31 May, still open: May's failure
        ("2017-05-31T10:00", "2017-06-01T09:00", "4"),  # due in May, fulfilled in June: May's failure only
        ("2017-04-27T10:00", "2017-05-02T09:00", "8"),  # due 28 April, fulfilled in May: April's failure only
        # Friday 28 April 14:00 + 8 hours: Monday 1 May is a bank holiday, so due Tuesday 2 May 12:00.
        ("2017-04-28T14:00", "2017-05-02T11:00", "8"),  # May, on time
        ("2017-04-28T14:00", "2017-05-03T09:00", "8"),  # May, late
        ("2017-05-31T17:00", "2017-06-01T09:00", "8"),  # due in June, fulfilled in June: June, on time
        ("2017-05-31T17:00", None, "80"),  # due mid-June, still open: June's failure
    )
    assert kpi_09(frame, APRIL) == Counts(0, 1, "requests")
    assert kpi_09(frame, MAY) == Counts(1, 4, "requests")
    assert kpi_09(frame, JUNE) == Counts(1, 2, "requests")
    assert kpi_09(frame, Period(2017, 7)) == Counts(0, 0, "requests")


def test_zero_target_hours_is_due_when_the_clock_starts() -> None:
    frame = requests(("2017-05-06T10:00", "2017-05-08T08:00", "0"), ("2017-05-06T10:00", "2017-05-08T08:01", "0"))
    assert kpi_09(frame, MAY) == Counts(1, 2, "requests")


# --- IMT_KPI_10 -----------------------------------------------------------------------------------------------


def test_cmdb_changes_within_14_core_support_hours_over_easter() -> None:
    # Thursday 13 April 12:00: 6 hours that day, Good Friday, the weekend, Easter Monday, 8 hours on Tuesday 18th.
    frame = changes(
        ("2017-04-13T12:00", "2017-04-18T16:00"),
        ("2017-04-13T12:00", "2017-04-18T16:00:01"),
        ("2017-04-13T12:00", "2017-04-14T10:00"),  # applied on Good Friday: fine
    )
    assert kpi_10(frame, APRIL) == Counts(2, 3, "changes")
    assert kpi_10(frame, APRIL, within_hours=28) == Counts(3, 3, "changes")
    assert kpi_10(frame, APRIL, within_hours=0.5) == Counts(0, 3, "changes")  # due Thursday 12:30


def test_cmdb_backlog_rule() -> None:
    frame = changes(
        ("2017-05-30T12:00", None),  # due 31 May 16:00: May's failure
        ("2017-05-30T12:00", "2017-06-05T09:00"),  # May's failure, not June's
        ("2017-05-31T12:00", "2017-06-01T09:00"),  # due 1 June: June on time
    )
    assert kpi_10(frame, MAY) == Counts(0, 2, "changes")
    assert kpi_10(frame, JUNE) == Counts(1, 1, "changes")


# --- IMT_KPI_14 -----------------------------------------------------------------------------------------------


def test_windows_devices_patched_within_21_days_by_due_month() -> None:
    frame = devices(
        ("windows", "2017-05-09", "2017-05-30"),  # due 30 May: on the day
        ("windows", "2017-05-09", "2017-05-31"),  # a day late
        ("Windows", "2017-05-09", "2017-05-10"),
        ("windows", "2017-05-09", None),  # still unpatched: May's failure
        ("windows", "2017-05-09", "2017-06-02"),  # patched in June: May's failure, not June's
        ("macos", "2017-05-09", None),  # not Windows
        ("windows", "2017-05-12", "2017-06-01"),  # due 2 June: June, on time
        ("windows", "2017-04-11", "2017-04-20"),  # due 2 May: May, on time
    )
    assert kpi_14(frame, MAY) == Counts(3, 6, "devices")
    assert kpi_14(frame, JUNE) == Counts(1, 1, "devices")
    assert kpi_14(frame, APRIL) == Counts(0, 0, "devices")
    assert kpi_14(frame, MAY, os=["windows", "macos"]) == Counts(3, 7, "devices")
    # 9 May + 22 days = 31 May (the 31 May patch is now on time); 11 April + 22 = 3 May; 12 May + 22 = 3 June.
    assert kpi_14(frame, MAY, within_days=22) == Counts(4, 6, "devices")
