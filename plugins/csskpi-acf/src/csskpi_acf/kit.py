"""What several ACF measures share: the business-day deadline rule with the backlog rule, month-end snapshots,
money in pence, and the rule ACF_KPI_03 and 04 share. Their contract parameters are read with
:mod:`csskpi.plugin.kit`'s ``*_parameter`` helpers.

Everything is vectorised: a measure never loops over rows in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import polars as pl
from csskpi.plugin import Counts, MeasureInput, Period, calendar_of, choice_parameter, count_parameter

from .datasets import CARE

__all__ = [
    "assessment_counts",
    "business_day_deadline_counts",
    "deadline_rule_counts",
    "known",
    "latest_snapshot",
    "month_counts",
    "month_mask",
    "pence",
]


def known(values: pl.Series) -> pl.Series:
    """A boolean Series with null read as False (without a polars query when there is no null)."""
    return values.fill_null(False) if values.null_count() else values


def month_mask(frame: pl.DataFrame, column: str, period: Period) -> pl.Series:
    """Whether each row's ``column`` (Date or Datetime) falls in ``period``; null is in no month.

    The same rule as ``csskpi.plugin.kit.in_month``, as a comparison with the month's bounds: it is the one pass
    over a whole multi-month dataset that every measure makes, and a bounds check is far cheaper than taking each
    date's year and month.
    """
    values = frame[column]
    if values.dtype == pl.Date:
        mask = (values >= period.first_day) & (values <= period.last_day)
    elif isinstance(values.dtype, pl.Datetime):
        first = dt.datetime.combine(period.first_day, dt.time())
        after = dt.datetime.combine(period.next().first_day, dt.time())
        mask = (values >= first) & (values < after)
    else:
        raise TypeError(f"column {column!r} holds {values.dtype}, not dates or timestamps")
    return known(mask)


def month_counts(frame: pl.DataFrame, column: str, period: Period, passing: pl.Series, *, unit: str = "records") -> Counts:
    """Of the rows whose ``column`` falls in ``period``, those where ``passing`` (a boolean per row) is true; null
    is not."""
    rows = month_mask(frame, column, period)
    return Counts(int((rows & known(passing)).sum()), int(rows.sum()), unit)


def deadline_rule_counts(period: Period, *, done: pl.Series, deadline: pl.Series, met: pl.Series) -> Counts:
    """The backlog rule of ``csskpi.plugin.kit.deadline_counts`` (month by ``done``), on Date Series.

    The same rule, written with the month's bounds rather than month numbers: a record done in the month counts
    there unless its deadline fell in an earlier month (then it was open at that month's end, and counted there);
    a record whose deadline fell in the month and that was not done by the month's end counts there, as a failure.
    Series arithmetic rather than a polars query: on polars 2 the core helper costs several milliseconds a call
    whatever the size of the frame (query planning), more than the rest of a month's measure.
    """
    first, last = period.first_day, period.last_day
    done_in_month = known((done >= first) & (done <= last))
    ordinary = done_in_month & known(deadline >= first)
    open_at_month_end = known(done.is_null() | (done > last))
    backlog = open_at_month_end & known((deadline >= first) & (deadline <= last))
    passing = ordinary & known(met)
    return Counts(int(passing.sum()), int((ordinary | backlog).sum()))


def business_day_deadline_counts(
    frame: pl.DataFrame,
    inputs: MeasureInput,
    *,
    start: str,
    done: str,
    business_days: int,
    where: pl.Series | None = None,
    also: str | None = None,
) -> Counts:
    """Counts of "``done`` within ``business_days`` business days of ``start``" (and the boolean column ``also``
    true; null is not), month by ``done``, under the backlog rule, over the rows where ``where`` is true (all rows
    if None). ``start`` and ``done`` are Date columns.

    The deadline is ``calendar.add_business_days_expr(start, business_days)``: the day of ``start`` is day 0 (a
    start on a weekend or bank holiday rolls forward to the next business day). Only the rows that can count in the
    month are given a deadline: those done in the month, and those not done by its end that started by then (a
    deadline is never before its start). A row done before the month counts in no later month.
    """
    period: Period = inputs.period
    end = period.last_day
    done_values, start_values = frame[done], frame[start]
    open_after = (done_values.is_null() | (done_values > end)) & (start_values <= end)
    candidates = month_mask(frame, done, period) | known(open_after)
    if where is not None:
        candidates = candidates & known(where)
    starts = start_values.filter(candidates)
    dones = done_values.filter(candidates)
    deadline = starts.to_frame().select(calendar_of(inputs).add_business_days_expr(pl.col(start), business_days))
    deadlines = deadline.to_series()
    met = known(dones <= deadlines)
    if also is not None:
        met = met & known(frame[also].filter(candidates))
    return deadline_rule_counts(period, done=dones, deadline=deadlines, met=met)


def latest_snapshot(frame: pl.DataFrame, period: Period, columns: Sequence[str], column: str = "snapshot_on") -> pl.DataFrame:
    """``columns`` of the rows of the latest snapshot (``column``) taken within ``period``; empty if none was."""
    dates = frame[column]
    latest = dates.filter(month_mask(frame, column, period)).max()
    rows = known(dates == latest) if latest is not None else dates.is_null() & dates.is_not_null()
    return pl.DataFrame([frame[c].filter(rows) for c in columns])


def pence(value: object) -> int:
    """A sum of money in pounds (a Decimal or int, at most 2 decimals) as whole pence; None (an empty sum) is 0.

    A float is refused: money is exact or it is wrong.
    """
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be a Decimal, not {value!r}")
    scaled = Decimal(value).scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is not a whole number of pence")
    return int(scaled)


def assessment_counts(inputs: MeasureInput, kpi: str, default_care: str) -> Counts:
    """ACF_KPI_03 and 04: % of the ``care`` assessments (new and change of circumstance alike) completed within
    ``business_days`` (default 15) business days of referral; month by ``completed_on``, with the backlog rule."""
    care = choice_parameter(inputs, kpi, "care", default_care, CARE)
    days = count_parameter(inputs, kpi, "business_days", 15, unit="days")
    assessments = inputs.data["financial_assessments"]
    return business_day_deadline_counts(
        assessments, inputs, start="referred_on", done="completed_on", business_days=days,
        where=assessments["care"] == care,
    )
