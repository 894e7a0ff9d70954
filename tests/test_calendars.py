"""Business days and business-hours clocks: worked examples by hand, properties, and vectorised == scalar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi.data.calendars import (
    CORE_SUPPORT_HOURS,
    ENGLAND_AND_WALES,
    SERVICE_DESK_HOURS,
    BusinessCalendar,
    WorkingHours,
    plain_deadline,
    plain_elapsed,
)

D = dt.date
T = dt.datetime
H = dt.timedelta
CAL = ENGLAND_AND_WALES
CLOCK = CORE_SUPPORT_HOURS

# The first use builds the holiday tables; no example should be timed against that.
settings.register_profile("calendars", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("calendars")


# --- business days, by hand ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2017, 4, 13), True),  # Thursday before Easter
        (D(2017, 4, 14), False),  # Good Friday
        (D(2017, 4, 15), False),  # Saturday
        (D(2017, 4, 16), False),  # Easter Sunday
        (D(2017, 4, 17), False),  # Easter Monday
        (D(2017, 4, 18), True),
        (D(2017, 5, 1), False),  # early May bank holiday
        (D(2017, 5, 29), False),  # spring bank holiday
        (D(2017, 12, 25), False),
        (D(2017, 12, 26), False),
        (D(2017, 12, 27), True),
        (D(2018, 1, 1), False),
        (D(2020, 5, 4), True),  # the usual early May Monday, moved in 2020 ...
        (D(2020, 5, 8), False),  # ... to VE Day
        (D(2020, 12, 28), False),  # substitute for Boxing Day on a Saturday
        (D(2021, 12, 27), False),  # substitutes for Christmas and Boxing Day at a weekend
        (D(2021, 12, 28), False),
        (D(2022, 9, 19), False),  # state funeral
        (D(2017, 10, 31), True),
    ],
)
def test_is_business_day(day: dt.date, expected: bool) -> None:
    assert CAL.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2017, 4, 13), 0, D(2017, 4, 13)),
        (D(2017, 4, 13), 1, D(2017, 4, 18)),  # over Good Friday, the weekend and Easter Monday
        (D(2017, 4, 13), 2, D(2017, 4, 19)),
        (D(2017, 4, 15), 0, D(2017, 4, 18)),  # a Saturday: day 0 is the next business day
        (D(2017, 4, 15), 1, D(2017, 4, 19)),
        (D(2017, 4, 14), 1, D(2017, 4, 19)),  # received on Good Friday
        (D(2017, 4, 28), 1, D(2017, 5, 2)),  # early May bank holiday
        (D(2017, 5, 26), 1, D(2017, 5, 30)),  # spring bank holiday
        (D(2017, 12, 22), 1, D(2017, 12, 27)),  # Christmas and Boxing Day
        (D(2017, 12, 1), 20, D(2018, 1, 3)),  # 18 December days after the 1st, then 2 and 3 January
        (D(2020, 5, 7), 1, D(2020, 5, 11)),  # VE Day 2020
        (D(2020, 5, 1), 1, D(2020, 5, 4)),  # 4 May 2020 was an ordinary Monday
        (D(2017, 10, 31), 1, D(2017, 11, 1)),  # month edge
        (D(2017, 10, 27), 1, D(2017, 10, 30)),  # weekend (and clock change)
        (D(2017, 4, 18), -1, D(2017, 4, 13)),
        (D(2017, 4, 15), -1, D(2017, 4, 13)),  # back from day 0, the Tuesday
    ],
)
def test_add_business_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert CAL.add_business_days(start, n) == expected
    assert CAL.business_days_between(start, expected) == n


def test_business_days_between() -> None:
    assert CAL.business_days_between(D(2017, 4, 13), D(2017, 4, 18)) == 1
    assert CAL.business_days_between(D(2017, 4, 18), D(2017, 4, 13)) == -1
    assert CAL.business_days_between(D(2017, 4, 14), D(2017, 4, 18)) == 0
    assert CAL.business_days_between(D(2017, 12, 1), D(2018, 1, 1)) == 19
    # April 2017: 20 weekdays less Good Friday and Easter Monday.
    assert CAL.business_days_between(D(2017, 4, 1), D(2017, 5, 1)) == 18


def test_closures_and_week_mask() -> None:
    closed = BusinessCalendar(closures=[D(2017, 4, 18), D(2017, 4, 18)])
    assert closed.closures == (D(2017, 4, 18),)
    assert closed.add_business_days(D(2017, 4, 13), 1) == D(2017, 4, 19)
    assert D(2017, 4, 18) in closed.holidays and D(2017, 4, 18) not in CAL.holidays
    saturdays = BusinessCalendar(week_mask=(True,) * 6 + (False,))
    assert saturdays.add_business_days(D(2017, 4, 13), 1) == D(2017, 4, 15)
    assert D(2020, 12, 26) in saturdays.holidays and D(2020, 12, 26) not in CAL.holidays
    assert BusinessCalendar() == CAL


def test_calendar_refuses_what_it_cannot_know() -> None:
    with pytest.raises(ValueError, match="outside"):
        CAL.is_business_day(D(2009, 12, 31))
    with pytest.raises(ValueError, match="outside"):
        CAL.add_business_days(D(2040, 12, 31), 5)
    with pytest.raises(TypeError):
        CAL.is_business_day(T(2017, 4, 13, 12))
    with pytest.raises(ValueError):
        BusinessCalendar(first_year=2020, last_year=2019)
    with pytest.raises(ValueError):
        BusinessCalendar(week_mask=(False,) * 7)
    with pytest.raises(TypeError):
        BusinessCalendar(closures=[T(2017, 4, 18)])


# --- business hours, by hand ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (T(2017, 4, 13, 14), 4, T(2017, 4, 13, 18)),  # ends at closing time, stays there
        (T(2017, 4, 13, 16), 4, T(2017, 4, 18, 10)),  # Good Friday, weekend, Easter Monday
        (T(2017, 4, 14, 10), 1, T(2017, 4, 18, 9)),  # opened on Good Friday
        (T(2017, 4, 28, 12), 8, T(2017, 5, 2, 10)),  # early May bank holiday
        (T(2017, 5, 26, 17), 4, T(2017, 5, 30, 11)),  # spring bank holiday
        (T(2017, 12, 22, 15), 8, T(2017, 12, 27, 13)),  # Christmas and Boxing Day
        (T(2020, 5, 7, 17, 30), 4, T(2020, 5, 11, 11, 30)),  # VE Day 2020
        (T(2017, 10, 31, 16), 4, T(2017, 11, 1, 10)),  # month edge
        (T(2017, 6, 16, 17), 2, T(2017, 6, 19, 9)),  # weekend
        (T(2017, 6, 17, 10), 1, T(2017, 6, 19, 9)),  # opened on a Saturday
        (T(2017, 6, 19, 6), 1, T(2017, 6, 19, 9)),  # before opening
        (T(2017, 6, 15, 19), 1, T(2017, 6, 16, 9)),  # after closing
        (T(2017, 6, 15, 18), 10, T(2017, 6, 16, 18)),  # opened at closing time
        (T(2017, 10, 27, 16), 4, T(2017, 10, 30, 10)),  # clocks go back on Sunday 29 October
        (T(2018, 3, 23, 16), 4, T(2018, 3, 26, 10)),  # clocks go forward on Sunday 25 March
        (T(2017, 6, 15, 12), 14, T(2017, 6, 16, 16)),  # a CMDB change's 14 hours
        (T(2017, 6, 15, 12, 0, 0, 1), 6, T(2017, 6, 16, 8, 0, 0, 1)),  # a microsecond spills over
    ],
)
def test_deadline(start: dt.datetime, hours: int, expected: dt.datetime) -> None:
    assert CLOCK.deadline(start, hours) == expected
    assert CLOCK.elapsed(start, expected) == H(hours=hours)


def test_deadline_across_clock_changes_is_wall_clock() -> None:
    # Working hours on the wall clock; the real time between spans 66 wall hours plus or minus the changed hour.
    assert plain_elapsed(T(2017, 10, 27, 16), T(2017, 10, 30, 10)) == H(hours=67)
    assert plain_elapsed(T(2018, 3, 23, 16), T(2018, 3, 26, 10)) == H(hours=65)
    assert plain_deadline(T(2017, 10, 28, 12), 24) == T(2017, 10, 29, 11)
    assert plain_deadline(T(2018, 3, 24, 12), 24) == T(2018, 3, 25, 13)
    assert plain_deadline(T(2017, 6, 15, 12), H(minutes=90)) == T(2017, 6, 15, 13, 30)


@pytest.mark.parametrize("hours", [1.5, Decimal("1.5"), Fraction(3, 2), H(minutes=90)])
def test_hours_may_be_any_number_or_a_timedelta(hours: float | Decimal | Fraction | dt.timedelta) -> None:
    assert CLOCK.deadline(T(2017, 6, 15, 17), hours) == T(2017, 6, 16, 8, 30)


def test_zero_hours_is_where_the_clock_starts() -> None:
    assert CLOCK.deadline(T(2017, 4, 13, 12), 0) == T(2017, 4, 13, 12)
    assert CLOCK.deadline(T(2017, 4, 13, 18), 0) == T(2017, 4, 18, 8)
    assert CLOCK.clock_start(T(2017, 4, 13, 7)) == T(2017, 4, 13, 8)
    assert CLOCK.clock_start(T(2017, 4, 13, 17, 59)) == T(2017, 4, 13, 17, 59)
    assert CLOCK.clock_start(T(2017, 4, 16, 12)) == T(2017, 4, 18, 8)


def test_elapsed() -> None:
    assert CLOCK.elapsed(T(2017, 4, 13, 17), T(2017, 4, 18, 9)) == H(hours=2)
    assert CLOCK.elapsed(T(2017, 4, 18, 9), T(2017, 4, 13, 17)) == H(hours=-2)
    assert CLOCK.elapsed(T(2017, 4, 14, 9), T(2017, 4, 17, 17)) == H(0)  # all Easter
    assert CLOCK.elapsed(T(2017, 6, 15, 6), T(2017, 6, 15, 20)) == H(hours=10)
    # A month's Service Desk Hours: business days x 10 hours.
    assert SERVICE_DESK_HOURS.elapsed(T(2017, 4, 1), T(2017, 5, 1)) == H(hours=180)
    assert SERVICE_DESK_HOURS.elapsed(T(2017, 10, 1), T(2017, 11, 1)) == H(hours=220)
    assert SERVICE_DESK_HOURS.elapsed(T(2017, 12, 1), T(2018, 1, 1)) == H(hours=190)


def test_other_opening_hours() -> None:
    clock = WorkingHours(open=dt.time(9), close=dt.time(17, 30))
    assert clock.day_length == H(hours=8, minutes=30)
    assert clock.deadline(T(2017, 4, 13, 15), 4) == T(2017, 4, 18, 10, 30)
    assert clock.deadline(T(2017, 4, 13, 13, 30), 4) == T(2017, 4, 13, 17, 30)
    with pytest.raises(ValueError):
        WorkingHours(open=dt.time(18), close=dt.time(8))


def test_clock_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="naive"):
        CLOCK.elapsed(T(2017, 4, 13, 12, tzinfo=dt.UTC), T(2017, 4, 13, 13))
    with pytest.raises(ValueError, match="negative"):
        CLOCK.deadline(T(2017, 4, 13, 12), -1)
    with pytest.raises(TypeError):
        CLOCK.deadline(T(2017, 4, 13, 12), True)


def test_vectorised_nulls_and_column_hours() -> None:
    frame = pl.DataFrame(
        {
            "opened": [T(2017, 4, 13, 16), T(2017, 4, 13, 14), None, T(2017, 4, 15, 14), T(2017, 6, 15, 12)],
            "closed": [T(2017, 4, 18, 9), None, T(2017, 4, 18, 9), T(2017, 4, 18, 9), T(2017, 6, 15, 12)],
            "hours": [4.0, 4.0, 1.0, 0.0, -1.0],
        },
        schema={"opened": pl.Datetime("us"), "closed": pl.Datetime("us"), "hours": pl.Float64},
    )
    out = frame.select(
        elapsed=CLOCK.elapsed_expr("opened", "closed"),
        deadline=CLOCK.deadline_expr(pl.col("opened"), pl.col("hours")),
        by_series=CLOCK.deadline_expr("opened", pl.Series([H(hours=4)] * 5)),
    )
    assert out["elapsed"].to_list() == [H(hours=3), None, None, H(hours=1), H(0)]
    assert out["deadline"].to_list() == [T(2017, 4, 18, 10), T(2017, 4, 13, 18), None, T(2017, 4, 18, 8), None]
    assert out["by_series"].to_list()[:2] == [T(2017, 4, 18, 10), T(2017, 4, 13, 18)]
    # Unaliased, results are named as polars would name them: elapsed like `end - start`, the others like their start.
    assert frame.select(CLOCK.elapsed_expr("opened", "closed"), CLOCK.deadline_expr("opened", 4)).columns == [
        "closed",
        "opened",
    ]


# --- properties -------------------------------------------------------------------------------------------------

_EDGES = [dt.time(0), dt.time(7, 59, 59), dt.time(8), dt.time(8, 0, 0, 1), dt.time(12), dt.time(17, 59, 59, 999999),
          dt.time(18), dt.time(23, 59, 59)]
_DAYS = st.dates(D(2015, 1, 1), D(2024, 12, 31))
instants = st.one_of(
    st.datetimes(T(2015, 1, 1), T(2024, 12, 31, 23, 59, 59)),
    st.builds(T.combine, _DAYS, st.sampled_from(_EDGES)),
)
working_hours = st.one_of(
    st.integers(0, 120).map(lambda h: H(hours=h)),
    st.timedeltas(H(0), H(hours=300)),
    st.sampled_from([H(hours=4), H(hours=8), H(hours=10), H(hours=14), H(hours=20)]),
)


@given(instants, working_hours)
def test_deadline_properties(start: dt.datetime, hours: dt.timedelta) -> None:
    due = CLOCK.deadline(start, hours)
    assert CLOCK.elapsed(start, due) == hours
    assert CLOCK.elapsed(CLOCK.clock_start(start), due) == hours
    # Business hours are a part of real time, so the deadline is never earlier than in plain hours.
    assert due >= plain_deadline(start, hours)
    assert plain_elapsed(start, due) >= hours
    assert due >= start
    if hours:
        # The earliest such instant, and always on a business day, after opening and no later than closing.
        assert CLOCK.elapsed(start, due - H(microseconds=1)) < hours
        assert CAL.is_business_day(due.date()) and dt.time(8) < due.time() <= dt.time(18)


@given(instants, instants, instants)
def test_elapsed_is_monotone_and_additive(a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    low, high = sorted([b, c])
    assert CLOCK.elapsed(a, low) <= CLOCK.elapsed(a, high)
    assert CLOCK.elapsed(a, b) + CLOCK.elapsed(b, c) == CLOCK.elapsed(a, c)
    assert H(0) <= CLOCK.elapsed(low, high) <= plain_elapsed(low, high) + H(hours=1)


@given(_DAYS, st.integers(-60, 60), _DAYS)
def test_add_business_days_properties(day: dt.date, n: int, other: dt.date) -> None:
    later = CAL.add_business_days(day, n)
    assert CAL.is_business_day(later)
    assert CAL.business_days_between(day, later) == n
    if n >= 0:
        assert later >= day
        assert (other <= later) == (CAL.business_days_between(day, other) <= n)


def _column(values: list[dt.datetime | None]) -> pl.Series:
    return pl.Series(values, dtype=pl.Datetime("us"))


@settings(max_examples=20)
@given(
    st.lists(st.one_of(instants, st.none()), min_size=1, max_size=300),
    st.data(),
)
def test_vectorised_clock_equals_scalar(starts: list[dt.datetime | None], data: st.DataObject) -> None:
    ends = data.draw(st.lists(st.one_of(instants, st.none()), min_size=len(starts), max_size=len(starts)))
    hours = data.draw(st.lists(st.integers(0, 60).map(lambda q: q / 4), min_size=len(starts), max_size=len(starts)))
    fixed = data.draw(working_hours)
    frame = pl.DataFrame({"start": _column(starts), "end": _column(ends), "hours": hours})
    out = frame.select(
        elapsed=CLOCK.elapsed_expr("start", "end"),
        deadline=CLOCK.deadline_expr("start", fixed),
        by_row=CLOCK.deadline_expr("start", pl.col("hours")),
        clock_start=CLOCK.clock_start_expr("start"),
    )
    for i, (s, e, h) in enumerate(zip(starts, ends, hours, strict=True)):
        row = out.row(i, named=True)
        assert row["elapsed"] == (None if s is None or e is None else CLOCK.elapsed(s, e))
        assert row["deadline"] == (None if s is None else CLOCK.deadline(s, fixed))
        assert row["by_row"] == (None if s is None else CLOCK.deadline(s, h))
        assert row["clock_start"] == (None if s is None else CLOCK.clock_start(s))


@settings(max_examples=20)
@given(st.lists(st.one_of(_DAYS, st.none()), min_size=1, max_size=300), st.integers(-40, 40), st.data())
def test_vectorised_calendar_equals_scalar(days: list[dt.date | None], n: int, data: st.DataObject) -> None:
    others = data.draw(st.lists(_DAYS, min_size=len(days), max_size=len(days)))
    steps = data.draw(st.lists(st.integers(0, 40), min_size=len(days), max_size=len(days)))
    frame = pl.DataFrame({"day": pl.Series(days, dtype=pl.Date), "other": others, "step": steps})
    out = frame.select(
        added=CAL.add_business_days_expr("day", n),
        stepped=CAL.add_business_days_expr(pl.col("day"), pl.col("step")),
        between=CAL.business_day_count_expr("day", "other"),
        business=CAL.is_business_day_expr("day"),
    )
    for i, (d, o, k) in enumerate(zip(days, others, steps, strict=True)):
        row = out.row(i, named=True)
        if d is None:
            assert row == {"added": None, "stepped": None, "between": None, "business": None}
            continue
        assert row["added"] == CAL.add_business_days(d, n)
        assert row["stepped"] == CAL.add_business_days(d, k)
        assert row["between"] == CAL.business_days_between(d, o)
        assert row["business"] == CAL.is_business_day(d)
