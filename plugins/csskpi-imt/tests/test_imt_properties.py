"""Properties of the IMT measures: row order and splitting never matter, counts are consistent, and the plugin's
fast numpy clock agrees with the core's WorkingHours exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from csskpi.data.calendars import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES, BusinessCalendar, WorkingHours
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.plugin.kit import deadline_counts
from csskpi.plugin.types import MeasureInput
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi_imt.kit import backlog_counts, deadlines, outage_counts
from csskpi_imt.measures import MEASURES

PERIODS = (Period(2017, 4), Period(2017, 5), Period(2017, 6))
_BASE = dt.datetime(2017, 3, 25)
_SPAN = int((dt.datetime(2017, 6, 12) - _BASE).total_seconds())
# Instants on the edges: month ends, opening and closing times, Easter and the May bank holidays, weekends.
EDGES = [
    dt.datetime.fromisoformat(t)
    for t in (
        "2017-03-31T17:59:59",
        "2017-03-31T18:00",
        "2017-04-01T00:00",
        "2017-04-13T16:00",
        "2017-04-13T18:00",
        "2017-04-14T10:00",
        "2017-04-17T08:00",
        "2017-04-18T08:00",
        "2017-04-28T16:00",
        "2017-04-30T23:59:59",
        "2017-05-01T00:00",
        "2017-05-01T09:00",
        "2017-05-02T08:00",
        "2017-05-06T12:00",
        "2017-05-26T14:00",
        "2017-05-29T12:00",
        "2017-05-30T07:59:59",
        "2017-05-31T18:00",
        "2017-06-01T00:00",
        "2017-06-01T08:00",
    )
]
instants = st.one_of(st.sampled_from(EDGES), st.integers(0, _SPAN).map(lambda s: _BASE + dt.timedelta(seconds=s)))
delays = st.one_of(st.just(0), st.integers(0, 8 * 24 * 3600), st.integers(0, 45 * 24 * 3600))
dates = st.integers(0, 80).map(lambda d: dt.date(2017, 3, 20) + dt.timedelta(d))


def _later(start: dt.datetime, seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else start + dt.timedelta(seconds=seconds)


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    opened = draw(instants)
    return {
        "incident_id": "",
        "priority": draw(st.sampled_from(["P1", "P2", "P3", "P4"])),
        "vip": draw(st.booleans()),
        "opened_at": opened,
        "resolved_at": _later(opened, draw(st.none() | delays)),
    }


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    opened = draw(instants)
    hours = draw(st.sampled_from(["0", "0.25", "4", "7.5", "8", "16", "40"]))
    return {
        "request_id": "",
        "opened_at": opened,
        "fulfilled_at": _later(opened, draw(st.none() | delays)),
        "target_hours": Decimal(hours),
    }


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    changed = draw(instants)
    return {"change_id": "", "changed_at": changed, "applied_at": _later(changed, draw(st.none() | delays))}


@st.composite
def outages(draw: st.DrawFn) -> dict[str, Any]:
    started = draw(instants)
    service = draw(st.sampled_from(["service_desk", "mosaic", "Email", "intranet", "printing"]))
    return {
        "outage_id": "",
        "service": service,
        "started_at": started,
        "ended_at": _later(started, draw(st.none() | delays)),
    }


@st.composite
def milestones(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "milestone_id": "",
        "project": "p",
        "due_on": draw(dates),
        "outcome": draw(st.sampled_from(["met", "exception", "fail", "excluded"])),
    }


@st.composite
def samples(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "sample_id": "",
        "application": "mosaic",
        "activity": "login",
        "measured_at": draw(instants),
        "response_ms": draw(st.integers(0, 6000)),
        "required_ms": draw(st.sampled_from([2000, 3000, 5000])),
    }


@st.composite
def devices(draw: st.DrawFn) -> dict[str, Any]:
    released = draw(dates)
    patched = draw(st.none() | st.integers(0, 45))
    return {
        "device_id": "",
        "os": draw(st.sampled_from(["windows", "Windows", "macos"])),
        "update_released_on": released,
        "patched_on": None if patched is None else released + dt.timedelta(patched),
    }


@st.composite
def responses(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "kind": draw(st.sampled_from(["it_incident", "csc_customer"])),
        "response_id": "",
        "responded_on": draw(dates),
        "rating": draw(st.sampled_from(["very poor", "poor", "fair", "good", "very good", "1", "4", "5"])),
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "incidents": {
        "incident_id": pl.String,
        "priority": pl.String,
        "vip": pl.Boolean,
        "opened_at": pl.Datetime("us"),
        "resolved_at": pl.Datetime("us"),
    },
    "service_requests": {
        "request_id": pl.String,
        "opened_at": pl.Datetime("us"),
        "fulfilled_at": pl.Datetime("us"),
        "target_hours": pl.Decimal(38, 2),
    },
    "cmdb_changes": {"change_id": pl.String, "changed_at": pl.Datetime("us"), "applied_at": pl.Datetime("us")},
    "outages": {
        "outage_id": pl.String,
        "service": pl.String,
        "started_at": pl.Datetime("us"),
        "ended_at": pl.Datetime("us"),
    },
    "milestones": {"milestone_id": pl.String, "project": pl.String, "due_on": pl.Date, "outcome": pl.String},
    "app_response": {
        "sample_id": pl.String,
        "application": pl.String,
        "activity": pl.String,
        "measured_at": pl.Datetime("us"),
        "response_ms": pl.Int64,
        "required_ms": pl.Int64,
    },
    "patching": {"device_id": pl.String, "os": pl.String, "update_released_on": pl.Date, "patched_on": pl.Date},
    "surveys": {"kind": pl.String, "response_id": pl.String, "responded_on": pl.Date, "rating": pl.String},
}
ROWS = {
    "incidents": incidents(),
    "service_requests": requests(),
    "cmdb_changes": changes(),
    "outages": outages(),
    "milestones": milestones(),
    "app_response": samples(),
    "patching": devices(),
    "surveys": responses(),
}


def frame_of(dataset: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    id_column = next(iter(SCHEMAS[dataset])) if dataset != "surveys" else "response_id"
    rows = [{**r, id_column: f"X{i}"} for i, r in enumerate(rows)]
    return pl.DataFrame(rows, schema=SCHEMAS[dataset], orient="row")


def compute(measure: Any, period: Period, frame: pl.DataFrame) -> Counts:
    (dataset,) = measure.datasets
    return measure.compute(MeasureInput(period, {dataset: frame}, {}, ENGLAND_AND_WALES))


AVAILABILITY = {"IMT_KPI_01", "IMT_KPI_07"}


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.name)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_order_and_splitting_never_change_a_measure(measure: Any, data: st.DataObject) -> None:
    (dataset,) = measure.datasets
    rows = data.draw(st.lists(ROWS[dataset], max_size=12), label="rows")
    period = data.draw(st.sampled_from(PERIODS), label="period")
    cut = data.draw(st.integers(0, len(rows)), label="cut")
    whole = frame_of(dataset, rows)
    counts = compute(measure, period, whole)
    if counts.population is not None:
        assert 0 <= counts.passing <= counts.population
    shuffled = whole.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 2**16), label="seed"))
    assert compute(measure, period, shuffled) == counts
    first, second = whole[:cut], whole[cut:]
    assert compute(measure, period, pl.concat([second, first])) == counts
    a, b = compute(measure, period, first), compute(measure, period, second)
    if measure.name in AVAILABILITY:
        # Outages overlap across the parts: lost time is at most the sum of the parts' and at least each part's.
        lost = counts.population - counts.passing
        assert max(a.population - a.passing, b.population - b.passing) <= lost
        assert lost <= (a.population - a.passing) + (b.population - b.passing)
    else:
        assert a + b == counts  # every record counts in at most one month, on its own


@pytest.mark.parametrize(
    "working",
    [
        CORE_SUPPORT_HOURS,
        WorkingHours(dt.time(9, 30), dt.time(17, 15)),
        WorkingHours(dt.time(0), dt.time(23, 59, 59)),
        WorkingHours(calendar=BusinessCalendar(2016, 2018, closures=(dt.date(2017, 5, 2), dt.date(2017, 12, 27)))),
        WorkingHours(calendar=BusinessCalendar(week_mask=(True, True, True, True, True, True, False))),
    ],
    ids=["core", "short-day", "all-day", "closures", "saturdays"],
)
@settings(max_examples=8, deadline=None)
@given(starts=st.lists(st.none() | instants, min_size=1, max_size=30), data=st.data())
def test_numpy_deadlines_are_the_cores(
    working: WorkingHours, starts: list[dt.datetime | None], data: st.DataObject
) -> None:
    amounts = data.draw(
        st.lists(
            st.none() | st.integers(-3, 60 * 3600).map(lambda s: s * 1_000_000),
            min_size=len(starts),
            max_size=len(starts),
        )
    )
    frame = pl.DataFrame({"start": starts, "amount": amounts}, schema={"start": pl.Datetime("us"), "amount": pl.Int64})
    expected = frame.select(working.deadline_expr("start", frame["amount"].cast(pl.Duration("us")))).to_series()
    ours = deadlines(frame["start"], frame["amount"], working)
    assert ours.to_list() == expected.to_list()
    fixed = data.draw(st.integers(-3, 30 * 3600 * 1_000_000))
    expected = frame.select(working.deadline_expr("start", dt.timedelta(microseconds=fixed))).to_series()
    assert deadlines(frame["start"], fixed, working).to_list() == expected.to_list()


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(outages(), max_size=10), period=st.sampled_from(PERIODS))
def test_outage_time_is_the_union_of_outages_in_working_time(rows: list[dict[str, Any]], period: Period) -> None:
    # Brute force with the core's scalar clock: merge each service's outages (clipped to the month), then add up.
    start, end = dt.datetime(period.year, period.month, 1), dt.datetime(period.next().year, period.next().month, 1)
    services = ["service_desk", "email", "mosaic"]
    lost = 0
    for service in services:
        spans = sorted(
            (max(r["started_at"], start), min(r["ended_at"] or end, end))
            for r in rows
            if r["service"].lower() == service
            and r["started_at"] < end
            and (r["ended_at"] is None or r["ended_at"] > start)
        )
        merged: list[list[dt.datetime]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        lost += sum(CORE_SUPPORT_HOURS.elapsed(s, e) // dt.timedelta(seconds=1) for s, e in merged)
    month = CORE_SUPPORT_HOURS.elapsed(start, end) // dt.timedelta(seconds=1)
    counts = outage_counts(frame_of("outages", rows), services, period, CORE_SUPPORT_HOURS)
    assert counts == Counts(3 * month - lost, 3 * month, "seconds")


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(changes(), max_size=15), period=st.sampled_from(PERIODS), hours=st.sampled_from([0, 1, 14, 80]))
def test_backlog_counts_are_the_cores_deadline_counts(rows: list[dict[str, Any]], period: Period, hours: int) -> None:
    frame = frame_of("cmdb_changes", rows).with_columns(due=CORE_SUPPORT_HOURS.deadline_expr("changed_at", hours))
    applied = pl.col("applied_at")
    expected = deadline_counts(frame, period, month_by=applied, deadline=pl.col("due"), completed=applied)
    ours = backlog_counts(frame, period, month_by="applied_at", deadline="due", completed="applied_at", unit="records")
    assert ours == expected
