"""What several IMT measures share: parameters with their defaults, the clocks, working-hours deadlines, the
rules of the incident counts, outage time.

The month and backlog rules are the core's (:mod:`csskpi.plugin.rules`); what stays here is the IMT's own
arithmetic: working-hours deadlines with numpy's business-day functions (the same instants as the core's
``WorkingHours.deadline_expr``, about ten times faster), and outage seconds within service hours, which is not a
ratio of records and aggregates its own way.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import polars as pl
from csskpi.plugin import (
    COMPLETED,
    CORE_SUPPORT_HOURS,
    DEADLINE,
    SERVICE_DESK_HOURS,
    BusinessCalendar,
    ContractError,
    Counts,
    MeasureContext,
    MeasureInput,
    Period,
    Problem,
    RecordRule,
    RuleContext,
    WorkingHours,
    business_days_lookback,
    calendar_of,
    month_counts,
    text,
)

__all__ = [
    "DEFAULT_CLOCKS",
    "param",
    "names",
    "clock",
    "hours_us",
    "deadlines",
    "deadline_of",
    "month_bounds",
    "instant",
    "between",
    "backlog_counts",
    "normalised",
    "incidents_of",
    "unresolved_by_deadline",
    "opened_in_month",
    "outage_counts",
]

DEFAULT_CLOCKS: Mapping[str, WorkingHours] = {
    "core_support_hours": CORE_SUPPORT_HOURS,
    "service_desk_hours": SERVICE_DESK_HOURS,
}

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3_600 * _US_PER_SECOND
_US_PER_DAY = 24 * _US_PER_HOUR

_EPOCH = dt.datetime(1970, 1, 1)

def param(inputs: MeasureContext, name: str, default: Any) -> Any:
    """The measure's contract parameter ``name``, or ``default`` (docs/measures.md's value) if the contract omits it."""
    value = inputs.parameters.get(name)
    return default if value is None else value


def names(value: str | Iterable[str]) -> list[str]:
    """A parameter that is one name or a list of names, as a list of normalised names (stripped, lowercase)."""
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip().lower() for v in items]


def normalised(column: str) -> pl.Expr:
    """A text column compared by name: stripped and lowercase (``Mosaic `` is ``mosaic``)."""
    return pl.col(column).str.strip_chars().str.to_lowercase()


def clock(inputs: MeasureInput | RuleContext, default: str) -> WorkingHours:
    """The business-hours clock the measure's ``clock`` parameter names (``default`` if it names none).

    The contract's clocks come in ``inputs.clocks`` (a rule's context, or a measure's input); a standard clock missing there falls back to csskpi's
    default hours on ``inputs.calendar``. A clock the contract does not define is a contract error.
    """
    name = str(param(inputs, "clock", default))
    found = inputs.clocks.get(name)
    if found is not None:
        return found
    base = DEFAULT_CLOCKS.get(name)
    if base is None:
        known = ", ".join(sorted(set(inputs.clocks) | set(DEFAULT_CLOCKS)))
        raise ContractError(
            Problem(f"names clock {name!r}, which the contract does not define (known: {known})", field="clock")
        )
    calendar = calendar_of(inputs)
    return base if calendar is base.calendar else attrs.evolve(base, calendar=calendar)


def hours_us(hours: Any) -> int:
    """A parameter's number of hours (int, float, Decimal or numeric text) as exact microseconds."""
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal | Fraction | str):
        raise ContractError(Problem(f"must be a number of hours, not {hours!r}", field="hours"))
    amount = round(Fraction(Decimal(hours) if isinstance(hours, str) else hours) * _US_PER_HOUR)
    if amount < 0:
        raise ContractError(Problem(f"must not be negative, not {hours!r}", field="hours"))
    return amount


@functools.lru_cache(maxsize=16)
def _busdays(calendar: BusinessCalendar) -> np.busdaycalendar:
    return np.busdaycalendar(
        weekmask=[int(flag) for flag in calendar.week_mask], holidays=np.array(calendar.holidays, dtype="datetime64[D]")
    )


def _opening_us(working: WorkingHours) -> int:
    t = working.open
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _readings(t: np.ndarray, working: WorkingHours) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clock reading (working microseconds since the calendar's start) of each instant ``t`` (microseconds
    since 1970), with its day and that day's business-day number: the core's ``WorkingHours`` arithmetic."""
    calendar, length = working.calendar, working.day_length // dt.timedelta(microseconds=1)
    busdays = _busdays(calendar)
    day_number = np.floor_divide(t, _US_PER_DAY)
    day = day_number.astype("datetime64[D]")
    number = np.busday_count(np.datetime64(calendar.start, "D"), day, busdaycal=busdays).astype(np.int64)
    into = np.clip(t - day_number * _US_PER_DAY - _opening_us(working), 0, length)
    return number * length + np.where(np.is_busday(day, busdaycal=busdays), into, 0), day, number


def _micros(stamps: pl.Series) -> np.ndarray:
    return stamps.cast(pl.Datetime("us")).cast(pl.Int64).fill_null(0).to_numpy()


def deadlines(starts: pl.Series, amount_us: pl.Series | int, working: WorkingHours) -> pl.Series:
    """``working.deadline_expr(starts, amount)`` computed with numpy's business-day functions: the same instants.

    The core's vectorised deadline costs about 2 microseconds a row (its polars business-day steps), too slow for
    a month of service requests measured many times over; numpy's ``busday_count``/``busday_offset`` on the same
    calendar (its ``week_mask`` and ``holidays``) do the same arithmetic on business-day numbers about ten times
    faster. ``amount_us`` is microseconds of working time, one for all rows or one per row; a negative or null
    amount, or a null start, gives a null deadline (as the core). The tests check it against the core's
    :meth:`~csskpi.data.calendars.WorkingHours.deadline_expr`.
    """
    length = working.day_length // dt.timedelta(microseconds=1)
    missing = starts.is_null()
    amount: np.ndarray[Any, Any] | np.int64
    if isinstance(amount_us, pl.Series):
        missing = missing | amount_us.is_null() | (amount_us < 0).fill_null(False)
        amount = amount_us.fill_null(0).cast(pl.Int64).clip(lower_bound=0).to_numpy()
    else:
        missing = missing | (amount_us < 0)
        amount = np.int64(max(amount_us, 0))
    clock_at, day, number = _readings(_micros(starts), working)
    target = clock_at + amount
    # At a positive amount the earliest instant with the reading: a deadline at closing time stays there.
    index = np.floor_divide(target - (amount > 0), length)
    # Step from each start's own day (business day `number`, rolled forward): numpy's step costs its length.
    date = np.busday_offset(day, index - number, roll="forward", busdaycal=_busdays(working.calendar))
    instant = date.astype(np.int64) * _US_PER_DAY + _opening_us(working) + (target - index * length)
    result = pl.Series(starts.name, instant, dtype=pl.Int64).cast(pl.Datetime("us"))
    return result.set(missing, None) if missing.any() else result


def deadline_of(start: str, amount_us: pl.Expr | int, working: WorkingHours) -> pl.Expr:
    """:func:`deadlines` as an expression: ``amount_us`` microseconds of ``working`` time after ``start`` (each
    row's own, so that it may run on any slice of the rows)."""
    amount = amount_us if isinstance(amount_us, pl.Expr) else pl.lit(amount_us, dtype=pl.Int64)
    return pl.struct(pl.col(start).alias("s"), amount.alias("a")).map_batches(
        lambda both: deadlines(both.struct.field("s"), both.struct.field("a"), working),
        return_dtype=pl.Datetime("us"),
    )


def instant(value: dt.date | dt.datetime) -> pl.Expr:
    """A date or a naive timestamp as a literal. (polars builds a datetime literal through a Series, at about
    half a millisecond each, more than a month's comparison costs; from an integer it is almost free.)"""
    if isinstance(value, dt.datetime):
        micros = (value - _EPOCH) // dt.timedelta(microseconds=1)
        return pl.lit(micros, dtype=pl.Int64).cast(pl.Datetime("us"))
    return pl.lit(value)


def between(column: str, low: dt.date | dt.datetime, high: dt.date | dt.datetime) -> pl.Expr:
    """``low <= column < high``: cheaper than extracting each row's month (null is never between)."""
    return ((pl.col(column) >= instant(low)) & (pl.col(column) < instant(high))).fill_null(False)


def backlog_counts(
    frame: pl.DataFrame, period: Period, *, month_by: str, deadline: str, completed: str, unit: str
) -> Counts:
    """The core's backlog rule (:mod:`csskpi.plugin.rules`) over columns of ``frame``: a record counts in the
    month of ``month_by``, passing if ``completed`` by ``deadline``, unless still open at the end of its
    deadline's month (then there, as a failure)."""
    rule = RecordRule(dataset="frame", id=month_by, month=pl.col(month_by), deadline=pl.col(deadline),
                      completed=pl.col(completed))
    return month_counts(rule, frame, period, unit)


def _bounds(period: Period, dtype: pl.DataType) -> tuple[dt.date, dt.date]:
    if dtype == pl.Date:
        return period.first_day, period.next().first_day
    return month_bounds(period)


def month_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The month as the instants ``[start, end)``: its first midnight and the next month's."""
    following = period.next()
    return dt.datetime(period.year, period.month, 1), dt.datetime(following.year, following.month, 1)


def incidents_of(priority: str | Iterable[str], vip: bool | None) -> pl.Expr:
    """Incidents of ``priority`` (one or several), VIP or not as ``vip`` says (``None``: either)."""
    wanted = [p.upper() for p in names(priority)]
    condition = pl.col("priority").cast(pl.String).is_in(wanted)
    if vip is not None:
        condition &= pl.col("vip") == bool(vip)
    return condition


def working_lookback(amount_us: int, working: WorkingHours) -> Callable[[dt.date], dt.date]:
    """The lookback of a deadline ``amount_us`` of ``working`` time on: whole working days, and one more."""
    length = working.day_length // dt.timedelta(microseconds=1)
    return business_days_lookback(-(-amount_us // max(length, 1)) + 1, working.calendar)


def unresolved_by_deadline(ctx: RuleContext, *, priority: str, vip: bool | None, resolution_hours: float) -> RecordRule:
    """IMT_KPI_02/03/04: incidents not resolved by their resolution deadline, counted in the deadline's month.

    The deadline is ``resolution_hours`` of the clock (Core Support Hours) after ``opened_at``; an incident fails
    if it was resolved after the deadline or is still open, and it counts in the month its deadline falls in.
    Resolved exactly at the deadline is in time.
    """
    priority = param(ctx, "priority", priority)
    vip = param(ctx, "vip", vip)
    amount = hours_us(param(ctx, "resolution_hours", resolution_hours))
    working = clock(ctx, "core_support_hours")
    # The deadline is worked out once per incident, as the core's column DEADLINE: the month and verdict use it.
    deadline, resolved = pl.col(DEADLINE), pl.col(COMPLETED)
    stamp = "%Y-%m-%dT%H:%M:%S"
    return RecordRule(
        dataset="incidents", id="incident_id", month=deadline, kind="count", population=incidents_of(priority, vip),
        passes=resolved <= deadline, start=pl.col("opened_at"), deadline=deadline_of("opened_at", amount, working),
        completed=pl.col("resolved_at"),
        backlog=False,  # counted in its deadline's month, whenever resolved
        lookback=working_lookback(amount, working),
        reason=text("priority {}; deadline {}; resolved {}", pl.col("priority"), deadline.dt.strftime(stamp),
                    resolved.dt.strftime(stamp).fill_null("not yet")),
    )


def opened_in_month(ctx: RuleContext, *, priority: str) -> RecordRule:
    """IMT_KPI_05/06: incidents of ``priority`` (VIP or not, unless a ``vip`` parameter says) opened in the month."""
    return RecordRule(
        dataset="incidents", id="incident_id", month=pl.col("opened_at"), kind="count",
        population=incidents_of(param(ctx, "priority", priority), param(ctx, "vip", None)),
        reason=text("priority {}; opened {}", pl.col("priority"), pl.col("opened_at").dt.strftime("%Y-%m-%dT%H:%M:%S")),
    )


def outage_counts(outages: pl.DataFrame, services: Iterable[str], period: Period, working: WorkingHours) -> Counts:
    """Seconds of ``working`` time in ``period`` during which each of ``services`` was available, of all of them.

    The population is the month's working time (whole seconds) times the number of distinct services; the
    outage of each service is the union of its outages, clipped to the month (an ongoing outage, with no end,
    lasts to the month's end), so overlapping outages count once. The working time lost to the union is exact in
    microseconds; a part of a second lost counts as a whole second lost, so availability is never overstated.
    """
    wanted = sorted(set(names(services)))
    start, end = month_bounds(period)
    month_us = working.elapsed(start, end) // dt.timedelta(microseconds=1)
    population = (month_us // _US_PER_SECOND) * len(wanted)
    if population == 0:
        return Counts(0, 0, "seconds")
    first, last = instant(start), instant(end)
    began, ended = pl.col("started_at"), pl.col("ended_at").fill_null(last)
    clipped = (
        outages.filter((began < last) & (ended > first) & normalised("service").is_in(wanted))
        .select(
            service=normalised("service").rank("dense").cast(pl.Int64),
            s=pl.max_horizontal(began, first),
            e=pl.min_horizontal(ended, last),
        )
        .sort("service", "s")
    )
    if clipped.is_empty():
        return Counts(population, population, "seconds")
    # Working time is a monotone clock, so the working time of a union of outages is the length of the union of
    # their clock intervals. Shifting each service by its own large offset keeps services apart, and one running
    # maximum of the ends so far gives what each outage adds beyond the earlier ones (nothing counted twice).
    shift = clipped["service"].to_numpy() * np.int64(2**52)
    opened = _readings(_micros(clipped["s"]), working)[0] + shift
    closed = _readings(_micros(clipped["e"]), working)[0] + shift
    reach = np.concatenate(([np.iinfo(np.int64).min], np.maximum.accumulate(closed)[:-1]))
    lost_us = int(np.clip(closed - np.maximum(opened, reach), 0, None).sum())
    lost = -(-lost_us // _US_PER_SECOND)  # whole seconds, rounded up
    return Counts(population - min(lost, population), population, "seconds")
