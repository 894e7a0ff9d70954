"""What the CSC measures share: the month rules they apply.

Their contract parameters are read with :mod:`csskpi.plugin.kit`'s ``*_parameter`` helpers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from csskpi.plugin import BusinessCalendar, Counts, Period, deadline_counts, ratio

__all__ = [
    "abandoned",
    "abandoned_counts",
    "business_day_deadline_counts",
    "in_period",
    "month_share",
]


def _within(frame: pl.DataFrame, column: str, start: dt.date, end: dt.date) -> pl.Expr:
    """``start <= column < end`` for a Date or naive Datetime column of ``frame`` (dates as midnights); null: False."""
    low: dt.date = start
    high: dt.date = end
    if isinstance(frame.schema[column], pl.Datetime):
        low, high = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    return ((pl.col(column) >= low) & (pl.col(column) < high)).fill_null(False)


def in_period(frame: pl.DataFrame, column: str, period: Period) -> pl.Expr:
    """Whether ``column`` (a Date or naive Datetime of ``frame``) falls in ``period``; null never does.

    The same as ``measure_kit.in_month``, as two comparisons with the month's bounds: about ten times faster
    than taking every value's year and month, which matters when a measure scans a year of calls each month.
    """
    return _within(frame, column, period.first_day, period.next().first_day)


def month_share(frame: pl.DataFrame, period: Period, month_by: str, passing: pl.Expr) -> Counts:
    """Of the rows whose ``month_by`` falls in ``period``, those meeting ``passing`` (a null never passes)."""
    return ratio(frame.filter(in_period(frame, month_by, period)), passing)


def abandoned() -> pl.Expr:
    """An abandoned call (docs/measures.md): ``abandoned_at`` set and ``answered_at`` empty.

    A call both answered and abandoned is therefore not abandoned (and is listed as a finding).
    """
    return pl.col("abandoned_at").is_not_null() & pl.col("answered_at").is_null()


def abandoned_counts(calls: pl.DataFrame, period: Period, queues: pl.Expr) -> Counts:
    """Abandoned calls of the calls offered in ``period`` to the queues ``queues`` selects."""
    offered = calls.filter(in_period(calls, "offered_at", period) & queues.fill_null(False))
    return ratio(offered, abandoned())


def _as_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return expr.dt.date() if isinstance(dtype, pl.Datetime) else expr


def _earliest_start(calendar: BusinessCalendar, first_day: dt.date, business_days: int) -> dt.date:
    """The earliest start whose deadline ``business_days`` business days on can fall on or after ``first_day``.

    A start on or before the business day ``business_days + 1`` before ``first_day`` (counted back from its day 0)
    has its deadline on a business day before ``first_day``; deadlines never run backwards as the start moves on.
    """
    try:
        return calendar.add_business_days(first_day, -(business_days + 1)) + dt.timedelta(days=1)
    except ValueError:  # outside the calendar's years: a margin wide enough for weekends and bank holidays
        return first_day - dt.timedelta(days=2 * business_days + 14)


def business_day_deadline_counts(
    frame: pl.DataFrame,
    period: Period,
    calendar: BusinessCalendar,
    *,
    month_by: str,
    start: str,
    business_days: int | pl.Expr,
    longest: int,
    completed: str,
    also: pl.Expr | None = None,
    where: pl.Expr | None = None,
) -> Counts:
    """"Completed within N business days of ``start``" under the backlog rule (``measure_kit.deadline_counts``).

    The population is the rows ``where`` selects (all by default). The deadline is the date ``business_days`` (a
    number, or a column of numbers at most ``longest``) business days after the day of ``start`` (day 0; a start
    on a non-business day counts from the next business day). A record passes when the day of ``completed`` is on
    or before it, and ``also`` holds (if given). It counts in the month of ``month_by``, or, if still open at the
    end of its deadline's month, as a failure there. Timestamps are compared by their day.
    """
    # Only the rows of this month, or whose deadline may fall in it, can count: cutting first keeps the work small.
    earliest = _earliest_start(calendar, period.first_day, longest)
    window = in_period(frame, month_by, period) | _within(frame, start, earliest, period.next().first_day)
    frame = frame.filter(window)
    if where is not None:  # after the window: a string test on a year of rows costs more than the whole month
        frame = frame.filter(where.fill_null(False))
    start_day = _as_date(pl.col(start), frame.schema[start])
    done_day = _as_date(pl.col(completed), frame.schema[completed])
    # Computed once, as columns: deadline_counts refers to the deadline three times.
    frame = frame.select(
        pl.col(month_by).alias("__month_by"),
        calendar.add_business_days_expr(start_day, business_days).alias("__deadline"),
        done_day.alias("__done"),
        (pl.lit(True) if also is None else also.fill_null(False)).alias("__also"),
    )
    deadline, done = pl.col("__deadline"), pl.col("__done")
    met = (done <= deadline) & pl.col("__also")
    return deadline_counts(frame, period, month_by=pl.col("__month_by"), deadline=deadline, completed=done, met=met)
