"""What several IMT measures share: parameters with their defaults, the clocks, the month window, deadlines under
the backlog rule, outage time.

Everything is vectorised (polars, and numpy's business-day functions for the working-hours clock); nothing here
loops over rows. A measure is called once per month with the whole dataset, so each first narrows the dataset
to the records that can count in the month with cheap comparisons, then does the costly work on those.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import polars as pl
from csskpi.plugin import (
    CORE_SUPPORT_HOURS,
    SERVICE_DESK_HOURS,
    BusinessCalendar,
    ContractError,
    Counts,
    MeasureInput,
    Period,
    Problem,
    WorkingHours,
    calendar_of,
    deadline_counts,
)

__all__ = [
    "DEFAULT_CLOCKS",
    "param",
    "names",
    "clock",
    "hours_us",
    "deadlines",
    "DEADLINE",
    "with_deadline",
    "month_bounds",
    "instant",
    "between",
    "backlog_counts",
    "touching_month",
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

#: The column :func:`with_deadline` adds.
DEADLINE = "__deadline__"


def param(inputs: MeasureInput, name: str, default: Any) -> Any:
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


def clock(inputs: MeasureInput, default: str) -> WorkingHours:
    """The business-hours clock the measure's ``clock`` parameter names (``default`` if it names none).

    The contract's clocks come in ``inputs.clocks``; a standard clock missing there falls back to csskpi's
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


def with_deadline(frame: pl.DataFrame, start: str, amount_us: pl.Series | int, working: WorkingHours) -> pl.DataFrame:
    """``frame`` with column :data:`DEADLINE`: ``amount_us`` microseconds of ``working`` time after ``start``."""
    return frame.with_columns(deadlines(frame[start], amount_us, working).alias(DEADLINE))


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
    """:func:`csskpi.plugin.kit.deadline_counts` (the backlog rule) over columns of ``frame``, made cheap.

    A record whose ``month_by`` is in the month and that was completed on or before its deadline counts once,
    as passing, in this month under the rule (it was not open at the end of its deadline's month). Those, nearly
    every record, are counted with two comparisons; the rule itself decides every other record. (The core
    helper costs about a microsecond a row, recomputing each row's month several times.)
    """
    month = between(month_by, *_bounds(period, frame.schema[month_by]))
    on_time = month & (pl.col(completed) <= pl.col(deadline)).fill_null(False)
    flags = frame.select(on_time.alias("on_time"))["on_time"]
    quick = int(flags.sum())
    others = frame.filter(~flags)
    if others.is_empty():
        return Counts(quick, quick, unit)
    done, due = pl.col(completed), pl.col(deadline)
    rest = deadline_counts(others, period, month_by=pl.col(month_by), deadline=due, completed=done)
    return Counts(quick + rest.passing, quick + (rest.population or 0), unit)


def _bounds(period: Period, dtype: pl.DataType) -> tuple[dt.date, dt.date]:
    if dtype == pl.Date:
        return period.first_day, period.next().first_day
    return month_bounds(period)


def month_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The month as the instants ``[start, end)``: its first midnight and the next month's."""
    following = period.next()
    return dt.datetime(period.year, period.month, 1), dt.datetime(following.year, following.month, 1)


def touching_month(frame: pl.DataFrame, period: Period, opened: str, completed: str) -> pl.DataFrame:
    """The records that can count in ``period`` under any deadline rule: opened before the month ends and not
    completed before it starts (still open, or completed in or after it).

    A record counts in the month it is completed in, or in the month its deadline falls in; both are at or after
    its opening, and a record counted in its deadline's month is completed after that month or never. So this
    pre-filter loses nothing, and the deadline of every record (the costly part) is worked out for about one
    month of records, not for the whole dataset.
    """
    start, end = month_bounds(period)
    done = pl.col(completed)
    return frame.filter((pl.col(opened) < instant(end)) & (done.is_null() | (done >= instant(start))))


def incidents_of(incidents: pl.DataFrame, priority: str | Iterable[str], vip: bool | None) -> pl.DataFrame:
    """Incidents of ``priority`` (one or several), VIP or not as ``vip`` says (``None``: either)."""
    wanted = [p.upper() for p in names(priority)]
    condition = pl.col("priority").is_in(wanted)
    if vip is not None:
        condition &= pl.col("vip") == bool(vip)
    return incidents.filter(condition)


def unresolved_by_deadline(inputs: MeasureInput, *, priority: str, vip: bool | None, resolution_hours: float) -> Counts:
    """IMT_KPI_02/03/04: incidents not resolved by their resolution deadline, counted in the deadline's month.

    The deadline is ``resolution_hours`` of the clock (Core Support Hours) after ``opened_at``; an incident fails
    if it was resolved after the deadline or is still open, and it counts in the month its deadline falls in.
    Resolved exactly at the deadline is in time.
    """
    priority = param(inputs, "priority", priority)
    vip = param(inputs, "vip", vip)
    amount = hours_us(param(inputs, "resolution_hours", resolution_hours))
    working = clock(inputs, "core_support_hours")
    frame = incidents_of(
        touching_month(inputs.data["incidents"], inputs.period, "opened_at", "resolved_at"), priority, vip
    )
    start, end = month_bounds(inputs.period)
    deadline, resolved = pl.col(DEADLINE), pl.col("resolved_at")
    late = between(DEADLINE, start, end) & (resolved.is_null() | (resolved > deadline)).fill_null(False)
    return Counts(int(with_deadline(frame, "opened_at", amount, working).select(late.sum()).item() or 0))


def opened_in_month(inputs: MeasureInput, *, priority: str) -> Counts:
    """IMT_KPI_05/06: incidents of ``priority`` (VIP or not, unless a ``vip`` parameter says) opened in the month."""
    month = inputs.data["incidents"].filter(between("opened_at", *month_bounds(inputs.period)))
    return Counts(incidents_of(month, param(inputs, "priority", priority), param(inputs, "vip", None)).height)


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
