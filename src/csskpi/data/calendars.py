"""Business days and business-hours clocks: the time every KPI deadline is counted in.

The contract counts time two ways (``docs/measures.md``, general rules):

* **business days**, Monday to Friday less the bank holidays of England and Wales, for targets such as "within 20
  business days of referral": :class:`BusinessCalendar`;
* **working time** on a business-hours clock, Core Support Hours and Service Desk Hours (08:00-18:00 on business
  days unless the contract says otherwise), for incident deadlines, request targets and service availability:
  :class:`WorkingHours`.

Each operation comes as a scalar method (one record, and the reference the tests check against) and as a
vectorised ``*_expr`` method over whole polars columns. The vectorised forms are pure polars expressions, with no
Python per row, and agree exactly with the scalar ones.

Timestamps are naive local UK time (the Europe/London wall clock), as the raw data gives them. The business-hours
clock reads the wall clock as it is: clocks change at 01:00-02:00 on a Sunday, outside any working hours, so a
working hour is always a real hour and nothing is converted through UTC. Only :func:`plain_elapsed` and
:func:`plain_deadline` count real hours, and they do account for the clock changes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias
from zoneinfo import ZoneInfo

import attrs
import holidays as _holidays
import polars as pl

__all__ = [
    "BusinessCalendar",
    "WorkingHours",
    "ENGLAND_AND_WALES",
    "CORE_SUPPORT_HOURS",
    "SERVICE_DESK_HOURS",
    "LONDON",
    "Hours",
    "ColumnLike",
    "plain_elapsed",
    "plain_deadline",
]

LONDON = ZoneInfo("Europe/London")

Hours: TypeAlias = int | float | Decimal | Fraction | dt.timedelta
"""A working-time amount: a number of hours, or a timedelta."""

ColumnLike: TypeAlias = pl.Expr | pl.Series | str
"""A column for the vectorised forms: an expression, a Series, or a column name."""

_US_PER_HOUR = 3_600_000_000
_MON_TO_FRI = (True, True, True, True, True, False, False)
# Microseconds are the unit of Python's datetime and polars' default Datetime: every conversion stays exact.
_DATETIME_US = pl.Datetime("us")


@functools.cache
def _bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    # Wales shares England's bank holidays; the package lists substitute days and one-off days (2020 VE Day move,
    # 2022 jubilee and state funeral, 2023 coronation) as holidays in their own right.
    return frozenset(_holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)))


def _date_tuple(values: Iterable[dt.date]) -> tuple[dt.date, ...]:
    dates = tuple(values)
    for d in dates:
        if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
            raise TypeError(f"closures must be dates, not {d!r}")
    return tuple(sorted(set(dates)))


def _flags(values: Iterable[bool]) -> tuple[bool, ...]:
    return tuple(bool(v) for v in values)


def _check_date(d: dt.date) -> None:
    # A datetime is a date, but comparing one with the date tables would raise or silently drop its time.
    if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
        raise TypeError(f"expected a date, not {d!r}")


def _check_naive(t: dt.datetime) -> None:
    if not isinstance(t, dt.datetime):
        raise TypeError(f"expected a datetime, not {t!r}")
    if t.tzinfo is not None:
        raise ValueError(f"timestamps are naive Europe/London wall-clock times, not {t!r}")


def _time_us(t: dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _hours_us(hours: Hours) -> int:
    """Microseconds in ``hours``; a number is hours, rounded to the microsecond."""
    if isinstance(hours, dt.timedelta):
        return hours // dt.timedelta(microseconds=1)
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal | Fraction):
        raise TypeError(f"hours must be a number or a timedelta, not {hours!r}")
    # Fraction keeps Decimal and float inputs exact until the one rounding.
    return round(Fraction(hours) * _US_PER_HOUR)


def _expr(column: ColumnLike | dt.date) -> pl.Expr:
    if isinstance(column, str):
        return pl.col(column)
    if isinstance(column, pl.Expr):
        return column
    return pl.lit(column)


@attrs.frozen
class BusinessCalendar:
    """Business days: the days of ``week_mask`` (Monday-Friday) less the bank holidays of England and Wales and the
    extra ``closures``, over the years ``first_year``-``last_year``.

    Holidays are known only within those years. The scalar methods raise :class:`ValueError` for a date outside
    them rather than guess; the vectorised ones cannot check and treat such dates as if they had no holidays.

    "Within N business days of X" is ``completed <= add_business_days(X, N)``, or equivalently
    ``business_days_between(X, completed) <= N``.
    """

    first_year: int = 2010
    last_year: int = 2040
    closures: tuple[dt.date, ...] = attrs.field(default=(), converter=_date_tuple)
    week_mask: tuple[bool, ...] = attrs.field(default=_MON_TO_FRI, converter=_flags)

    def __attrs_post_init__(self) -> None:
        if not 1900 <= self.first_year <= self.last_year <= 2999:
            raise ValueError(f"years must run forwards within 1900-2999, not {self.first_year}-{self.last_year}")
        if len(self.week_mask) != 7 or not any(self.week_mask):
            raise ValueError(f"week_mask must be 7 flags, Monday first, at least one true, not {self.week_mask!r}")

    @property
    def start(self) -> dt.date:
        """The first date the calendar knows."""
        return dt.date(self.first_year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last date the calendar knows."""
        return dt.date(self.last_year, 12, 31)

    @functools.cached_property
    def holidays(self) -> tuple[dt.date, ...]:
        """The sorted dates that would be business days but for a bank holiday or closure.

        A bank holiday on a Saturday is left out: it changes nothing, and its substitute Monday is listed.
        """
        dates = _bank_holidays(self.first_year, self.last_year) | set(self.closures)
        return tuple(sorted(d for d in dates if self.start <= d <= self.end and self.week_mask[d.weekday()]))

    @functools.cached_property
    def _days(self) -> tuple[dt.date, ...]:
        # Every business day in range, sorted: a date's index in it is its business-day number, so counting and
        # stepping are both a bisection.
        off = set(self.holidays)
        span = (self.end - self.start).days + 1
        days = (self.start + dt.timedelta(n) for n in range(span))
        return tuple(d for d in days if self.week_mask[d.weekday()] and d not in off)

    def _index(self, d: dt.date) -> int:
        """The number of business days from :attr:`start` up to but excluding ``d``."""
        _check_date(d)
        if not self.start <= d <= self.end:
            raise ValueError(f"{d} is outside the calendar's years {self.first_year}-{self.last_year}")
        return bisect.bisect_left(self._days, d)

    def _nth(self, index: int) -> dt.date:
        if not 0 <= index < len(self._days):
            raise ValueError(f"the result is outside the calendar's years {self.first_year}-{self.last_year}")
        return self._days[index]

    def is_business_day(self, d: dt.date) -> bool:
        i = self._index(d)
        return i < len(self._days) and self._days[i] == d

    def add_business_days(self, d: dt.date, n: int) -> dt.date:
        """The date ``n`` business days after ``d``, the day of ``d`` being day 0.

        If ``d`` is not a business day, day 0 is the next business day (a request received on a Saturday is
        treated as received on Monday), as polars' ``roll="forward"``. ``n`` may be negative: it then counts back
        from that day 0.
        """
        return self._nth(self._index(d) + n)

    def business_days_between(self, a: dt.date, b: dt.date) -> int:
        """The number of business days ``d`` with ``a <= d < b``; if ``b < a``, minus the number with ``b <= d < a``.

        So ``add_business_days(a, n)`` is ``n`` business days from ``a``, for any ``n``; and for ``n >= 0``,
        ``b <= add_business_days(a, n)`` exactly when ``business_days_between(a, b) <= n``. (For ``b < a`` this
        differs from ``polars.business_day_count``, which counts ``b < d <= a`` then.)
        """
        return self._index(b) - self._index(a)

    def is_business_day_expr(self, column: ColumnLike) -> pl.Expr:
        """Vectorised :meth:`is_business_day` over a Date column."""
        return _expr(column).dt.is_business_day(week_mask=self.week_mask, holidays=self.holidays)

    def add_business_days_expr(self, column: ColumnLike, n: int | pl.Expr) -> pl.Expr:
        """Vectorised :meth:`add_business_days`: a Date column (a Datetime column keeps its time); ``n`` may be a
        column."""
        return _expr(column).dt.add_business_days(n, week_mask=self.week_mask, holidays=self.holidays, roll="forward")

    def business_day_count_expr(self, start: ColumnLike | dt.date, end: ColumnLike | dt.date) -> pl.Expr:
        """Vectorised :meth:`business_days_between` (Int32); either side may be a fixed date."""
        a, b = _expr(start), _expr(end)
        # polars counts a backward span as (end, start], which is not the forward count negated: turn the span
        # round so that the count stays a difference of business-day numbers.
        return pl.when(b >= a).then(self._count(a, b)).otherwise(-self._count(b, a))

    def _count(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        return pl.business_day_count(start, end, week_mask=self.week_mask, holidays=self.holidays)


ENGLAND_AND_WALES = BusinessCalendar()
"""Monday-Friday less the bank holidays of England and Wales, 2010-2040."""


def _check_hours(instance: WorkingHours, attribute: attrs.Attribute[dt.time], value: dt.time) -> None:
    if not isinstance(value, dt.time) or value.tzinfo is not None:
        raise TypeError(f"'{attribute.name}' must be a naive datetime.time, not {value!r}")


@attrs.frozen
class WorkingHours:
    """A business-hours clock: it runs from ``open`` to ``close`` (wall clock) on the business days of ``calendar``.

    Working time is counted in microseconds, so everything is exact; durations come back as ``timedelta`` (scalar)
    or ``Duration("us")`` (vectorised). Timestamps are naive Europe/London wall-clock times; the vectorised forms
    expect naive Datetime columns (convert an aware one with ``.dt.convert_time_zone("Europe/London")`` then
    ``.dt.replace_time_zone(None)``). Nulls propagate: a null start, end or number of hours gives null.

    Examples: ``CORE_SUPPORT_HOURS.deadline(opened_at, 4)`` is a P1 incident's resolution deadline;
    ``SERVICE_DESK_HOURS.elapsed(month_start, next_month_start)`` is a month's Service Desk Hours.
    """

    open: dt.time = attrs.field(default=dt.time(8), validator=_check_hours)
    close: dt.time = attrs.field(default=dt.time(18), validator=_check_hours)
    calendar: BusinessCalendar = attrs.field(default=ENGLAND_AND_WALES)

    def __attrs_post_init__(self) -> None:
        if not self.open < self.close:
            raise ValueError(f"'open' ({self.open}) must be before 'close' ({self.close})")

    @property
    def day_length(self) -> dt.timedelta:
        """The working time in one business day."""
        return dt.timedelta(microseconds=self._length)

    @property
    def _open(self) -> int:
        return _time_us(self.open)

    @property
    def _length(self) -> int:
        return _time_us(self.close) - _time_us(self.open)

    # The clock is one number: the working time (microseconds) from the calendar's start to an instant. Elapsed
    # time is a difference of clock readings, and a deadline inverts the clock, so both scalar and vectorised
    # forms are the same arithmetic on business-day numbers.

    def _clock(self, t: dt.datetime) -> int:
        _check_naive(t)
        day = t.date()
        before = self.calendar._index(day) * self._length
        if not self.calendar.is_business_day(day):
            return before
        return before + min(max(_time_us(t.time()) - self._open, 0), self._length)

    def _instant(self, clock: int, earliest: bool) -> dt.datetime:
        # The clock stands still from a close to the next opening: `earliest` picks the close (a deadline), not
        # the opening (where a clock starts). Floor division keeps the remainder in (0, length] or [0, length).
        day = (clock - int(earliest)) // self._length
        into = clock - day * self._length
        return dt.datetime.combine(self.calendar._nth(day), self.open) + dt.timedelta(microseconds=into)

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time from ``start`` to ``end``: negative if ``end`` is before ``start``, so that
        ``elapsed(a, b) + elapsed(b, c) == elapsed(a, c)``."""
        return dt.timedelta(microseconds=self._clock(end) - self._clock(start))

    def clock_start(self, t: dt.datetime) -> dt.datetime:
        """When a clock started at ``t`` starts running: ``t`` itself within working hours (``open <= time <
        close`` on a business day), otherwise the next opening."""
        return self._instant(self._clock(t), earliest=False)

    def deadline(self, start: dt.datetime, hours: Hours) -> dt.datetime:
        """The earliest instant by which ``hours`` of working time have elapsed since ``start``.

        A start outside working hours starts the clock at the next opening. A deadline that falls exactly at
        closing time stays there: 4 working hours from 14:00 is 18:00 that day, not 08:00 the next business day
        (nothing could be done between them). ``hours == 0`` gives :meth:`clock_start`; negative hours raise.
        """
        amount = _hours_us(hours)
        if amount < 0:
            raise ValueError(f"hours must not be negative, not {hours!r}")
        return self._instant(self._clock(start) + amount, earliest=amount > 0)

    def _clock_expr(self, column: ColumnLike) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        """The clock reading of each row, with its date and that date's business-day number."""
        ts = _expr(column).cast(_DATETIME_US)
        day = ts.dt.date()
        cal = self.calendar
        number = cal.business_day_count_expr(cal.start, day).cast(pl.Int64)
        time_of_day = (ts - day.cast(_DATETIME_US)).dt.total_microseconds()
        within = (time_of_day - self._open).clip(0, self._length)
        clock = number * self._length + pl.when(cal.is_business_day_expr(day)).then(within).otherwise(0)
        return clock, day, number

    def _instant_expr(self, clock: pl.Expr, earliest: pl.Expr | int, day: pl.Expr, number: pl.Expr) -> pl.Expr:
        target = (clock - earliest) // self._length
        into = clock - target * self._length
        # Step from the start's own date (business day `number`, once rolled forward), not from the calendar's
        # start: polars' add_business_days takes time in proportion to the step.
        date = self.calendar.add_business_days_expr(day, target - number)
        return date.cast(_DATETIME_US) + (into + self._open).cast(pl.Duration("us"))

    def _hours_expr(self, hours: Hours | pl.Expr | pl.Series) -> pl.Expr:
        if isinstance(hours, pl.Series) and hours.dtype == pl.Duration:
            return pl.lit(hours).cast(pl.Duration("us")).dt.total_microseconds()
        if isinstance(hours, pl.Expr | pl.Series):
            # Numbers of hours, rounded to the microsecond (half away from zero; the scalar form rounds half to
            # even, which differs only on exact half-microseconds).
            return (_expr(hours).cast(pl.Float64) * _US_PER_HOUR).round(0).cast(pl.Int64)
        return pl.lit(_hours_us(hours), dtype=pl.Int64)

    def elapsed_expr(self, start: ColumnLike, end: ColumnLike) -> pl.Expr:
        """Vectorised :meth:`elapsed`: a ``Duration("us")`` column named like ``end`` (as ``end - start`` would
        be); null where either side is null (a null end is a record still open)."""
        return (self._clock_expr(end)[0] - self._clock_expr(start)[0]).cast(pl.Duration("us")).name.keep()

    def clock_start_expr(self, column: ColumnLike) -> pl.Expr:
        """Vectorised :meth:`clock_start`: a ``Datetime("us")`` column."""
        clock, day, number = self._clock_expr(column)
        return self._instant_expr(clock, 0, day, number)

    def deadline_expr(self, start: ColumnLike, hours: Hours | pl.Expr | pl.Series) -> pl.Expr:
        """Vectorised :meth:`deadline`: a ``Datetime("us")`` column.

        ``hours`` is one amount for every row, or a column of numbers of hours (a Series may also be a Duration);
        a negative or null number of hours gives null.
        """
        amount = self._hours_expr(hours)
        clock, day, number = self._clock_expr(start)
        deadline = self._instant_expr(clock + amount, (amount > 0).cast(pl.Int64), day, number)
        return pl.when(amount >= 0).then(deadline)


CORE_SUPPORT_HOURS = WorkingHours()
"""Core Support Hours: 08:00-18:00 on business days (*assumed*; the contract may set other times)."""

SERVICE_DESK_HOURS = WorkingHours()
"""Service Desk Hours: 08:00-18:00 on business days (*assumed*; the contract may set other times)."""


def _utc(t: dt.datetime) -> dt.datetime:
    _check_naive(t)
    # fold=0 reads a repeated autumn wall time as the first (BST) one, and a skipped spring time as GMT.
    return t.replace(tzinfo=LONDON).astimezone(dt.UTC)


def plain_elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The real time between two wall-clock times: 23 or 25 hours across a clock-change night."""
    return _utc(end) - _utc(start)


def plain_deadline(start: dt.datetime, hours: Hours) -> dt.datetime:
    """The wall-clock time ``hours`` of real time after ``start``, across clock changes."""
    later = _utc(start) + dt.timedelta(microseconds=_hours_us(hours))
    return later.astimezone(LONDON).replace(tzinfo=None)
