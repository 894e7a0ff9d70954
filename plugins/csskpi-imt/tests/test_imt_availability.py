"""IMT_KPI_01 and IMT_KPI_07: working time with no outage, overlapping outages counted once."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from csskpi.data.calendars import ENGLAND_AND_WALES, WorkingHours
from csskpi.data.load import load_dataset
from csskpi.errors import ContractError
from csskpi.model.measurement import Counts, Measurement
from csskpi.model.period import Period
from csskpi.plugin.types import MeasureInput

from csskpi_imt.datasets import OUTAGES
from csskpi_imt.measures import imt_kpi_01, imt_kpi_07

MAY, APRIL, JUNE = Period(2017, 5), Period(2017, 4), Period(2017, 6)
HOUR = 3600
# May 2017: 23 weekdays less the early May (1st) and spring (29th) bank holidays: 21 days of 10 hours.
MAY_SECONDS = 21 * 10 * HOUR
# April 2017: 20 weekdays less Good Friday (14th) and Easter Monday (17th).
APRIL_SECONDS = 18 * 10 * HOUR


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def outages(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "outage_id": [f"O{i}" for i in range(len(rows))],
            "service": [r[0] for r in rows],
            "started_at": [T(r[1]) for r in rows],
            "ended_at": [None if r[2] is None else T(r[2]) for r in rows],
        },
        schema={
            "outage_id": pl.String,
            "service": pl.String,
            "started_at": pl.Datetime("us"),
            "ended_at": pl.Datetime("us"),
        },
    )
    return load_dataset(OUTAGES, frame).frame


def kpi_01(frame: pl.DataFrame, period: Period = MAY, **parameters: object) -> Counts:
    return imt_kpi_01.compute(MeasureInput(period, {"outages": frame}, parameters))


def kpi_07(frame: pl.DataFrame, period: Period = MAY, clocks: dict | None = None, **parameters: object) -> Counts:
    return imt_kpi_07.compute(MeasureInput(period, {"outages": frame}, parameters, ENGLAND_AND_WALES, clocks or {}))


def test_no_outage_is_full_availability_over_the_months_service_desk_hours() -> None:
    assert kpi_01(outages()) == Counts(MAY_SECONDS, MAY_SECONDS, "seconds")
    assert kpi_01(outages(), APRIL) == Counts(APRIL_SECONDS, APRIL_SECONDS, "seconds")


def test_overlapping_outages_count_once_and_only_working_time_counts() -> None:
    frame = outages(
        ("service_desk", "2017-05-02T09:00", "2017-05-02T10:00"),
        ("service_desk", "2017-05-02T09:30", "2017-05-02T10:30"),  # overlaps: 09:00-10:30 in all
        ("service_desk", "2017-05-02T09:45", "2017-05-02T09:50"),  # inside the others
        ("service_desk", "2017-05-29T10:00", "2017-05-29T12:00"),  # spring bank holiday: no service hours
        ("service_desk", "2017-05-06T10:00", "2017-05-06T12:00"),  # Saturday
        ("service_desk", "2017-05-03T18:30", "2017-05-04T07:30"),  # overnight
        ("service_desk", "2017-05-31T17:00", "2017-06-01T09:00"),  # an hour in May, an hour in June
        ("email", "2017-05-10T09:00", "2017-05-10T17:00"),  # another service
    )
    lost = 90 * 60 + HOUR
    assert kpi_01(frame) == Counts(MAY_SECONDS - lost, MAY_SECONDS, "seconds")
    value = Measurement.from_counts("IMT_KPI_01", MAY, kpi_01(frame)).value
    assert str(value) == "98.81"  # 100 * (756000 - 9000) / 756000


def test_bank_holidays_and_weekend_inside_an_outage_cost_nothing() -> None:
    # Thursday 13 April 17:00 to Tuesday 18 April 09:00: Good Friday, the weekend and Easter Monday in between.
    frame = outages(("service_desk", "2017-04-13T17:00", "2017-04-18T09:00"))
    assert kpi_01(frame, APRIL) == Counts(APRIL_SECONDS - 2 * HOUR, APRIL_SECONDS, "seconds")


def test_an_outage_across_months_counts_in_each_for_its_own_part() -> None:
    frame = outages(("service_desk", "2017-05-31T17:00", "2017-06-01T09:00"))
    may, june = kpi_01(frame, MAY), kpi_01(frame, JUNE)
    assert may.population - may.passing == HOUR
    assert june.population - june.passing == HOUR
    assert june.population == 22 * 10 * HOUR  # June 2017: 22 weekdays, no bank holiday


def test_an_ongoing_outage_lasts_to_the_end_of_every_month_measured() -> None:
    frame = outages(("service_desk", "2017-05-31T16:00", None))
    assert kpi_01(frame).passing == MAY_SECONDS - 2 * HOUR
    june = kpi_01(frame, JUNE)
    assert june.passing == 0 and june.population == 22 * 10 * HOUR
    assert kpi_01(frame, APRIL) == Counts(APRIL_SECONDS, APRIL_SECONDS, "seconds")


def test_a_fraction_of_a_second_lost_counts_as_a_whole_second() -> None:
    frame = pl.DataFrame(
        {
            "outage_id": ["a"],
            "service": ["service_desk"],
            "started_at": [dt.datetime(2017, 5, 2, 9, 0, 0, 250_000)],
            "ended_at": [dt.datetime(2017, 5, 2, 9, 0, 1)],
        }
    )
    assert kpi_01(frame).passing == MAY_SECONDS - 1


def test_service_and_clock_parameters() -> None:
    frame = outages(
        ("Service_Desk ", "2017-05-02T09:00", "2017-05-02T10:00"), ("phones", "2017-05-03T09:00", "2017-05-03T10:00")
    )
    assert kpi_01(frame).passing == MAY_SECONDS - HOUR  # matched stripped and case-insensitively
    assert kpi_01(frame, service="phones").passing == MAY_SECONDS - HOUR
    late_desk = WorkingHours(dt.time(9, 30), dt.time(17))
    counts = imt_kpi_01.compute(
        MeasureInput(MAY, {"outages": frame}, {}, ENGLAND_AND_WALES, {"service_desk_hours": late_desk})
    )
    assert counts == Counts(21 * 15 * 30 * 60 - 30 * 60, 21 * 15 * 30 * 60, "seconds")


def test_unknown_clock_is_a_contract_error() -> None:
    with pytest.raises(ContractError, match="night_shift"):
        kpi_01(outages(), clock="night_shift")


def test_platinum_applications_each_have_the_months_agreed_hours() -> None:
    frame = outages(
        ("mosaic", "2017-05-02T10:00", "2017-05-02T11:00"),
        ("Mosaic", "2017-05-02T10:30", "2017-05-02T11:30"),  # the same application, overlapping: 1.5 hours
        ("email", "2017-05-03T14:00", "2017-05-03T16:00"),
        ("email", "2017-05-03T15:00", "2017-05-03T15:30"),
        ("mosaic", "2017-05-03T14:00", "2017-05-03T16:00"),  # same time as email, another application: counts
        ("intranet", "2017-05-04T09:00", "2017-05-04T18:00"),  # not platinum here
        ("service_desk", "2017-05-04T09:00", "2017-05-04T18:00"),
    )
    counts = kpi_07(frame, platinum_applications=["mosaic", "email"])
    assert counts == Counts(2 * MAY_SECONDS - int(5.5 * HOUR), 2 * MAY_SECONDS, "seconds")
    # By default the bundled contract's six platinum applications, the intranet among them.
    default = kpi_07(frame)
    assert default.population == 6 * MAY_SECONDS
    assert default.population - default.passing == int(5.5 * HOUR) + 9 * HOUR


def test_platinum_agreed_hours_follow_the_named_clock() -> None:
    frame = outages(("mosaic", "2017-05-02T07:00", "2017-05-02T12:00"))
    extended = WorkingHours(dt.time(7), dt.time(19))
    counts = kpi_07(frame, clocks={"core_support_hours": extended}, platinum_applications=["mosaic"])
    assert counts == Counts(21 * 12 * HOUR - 5 * HOUR, 21 * 12 * HOUR, "seconds")
    counts = kpi_07(
        frame, clocks={"extended_hours": extended}, platinum_applications=["mosaic"], clock="extended_hours"
    )
    assert counts == Counts(21 * 12 * HOUR - 5 * HOUR, 21 * 12 * HOUR, "seconds")
    assert kpi_07(frame, platinum_applications=["mosaic"]).passing == MAY_SECONDS - 4 * HOUR


def test_no_platinum_applications_is_an_empty_population() -> None:
    assert kpi_07(outages(), platinum_applications=[]) == Counts(0, 0, "seconds")
