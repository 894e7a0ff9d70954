"""Raw records that read but cannot be trusted as written: wall-clock times the UK clock never showed or showed
twice, and a header written with another delimiter. Used by the loader (:mod:`csskpi.data.load`)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

import polars as pl

from csskpi.data.checks import Locator
from csskpi.data.spec import ColumnKind, DatasetSpec
from csskpi.errors import Problem

__all__ = ["check_local_times", "repeated_hour", "delimiter_hint"]

_UK = "Europe/London"


def _near_change(stamps: pl.Series) -> pl.Series:
    """The rows that can be in an hour the UK clock skips or repeats: since 1996, 01:00-01:59 on the last Sunday of
    March or October; before 1996 the rules changed often, so every earlier time. Only these few go through the
    time-zone arithmetic, which costs ~50x more than matching each time's hour against the changes'."""
    present = stamps.drop_nulls()
    if present.is_empty():
        return pl.Series([False] * len(stamps), dtype=pl.Boolean)
    first, last = max(present.min().year, _RULES_SINCE), max(present.max().year, _RULES_SINCE)  # type: ignore[union-attr]
    hours = [_hour(dt.datetime(year, month, _last_sunday(year, month), 1)) for year in range(first, last + 1)
             for month in (3, 10)]
    hour = stamps.dt.cast_time_unit("us").cast(pl.Int64) // _HOUR_US
    return (hour.is_in(hours) | (stamps < dt.datetime(_RULES_SINCE, 1, 1))).fill_null(False)


_RULES_SINCE = 1996  # the UK has changed its clocks at 01:00 UTC on the last Sundays of March and October since
_HOUR_US = 3_600_000_000
_EPOCH = dt.datetime(1970, 1, 1)


def _hour(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(hours=1)


def _last_sunday(year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return last - (dt.date(year, month, last).weekday() + 1) % 7


def check_local_times(typed: pl.DataFrame, spec: DatasetSpec, where: Locator) -> list[Problem]:
    """Timestamps that do not exist on a UK wall clock: the hour lost when the clocks go forward in spring
    (e.g. 2017-03-26 01:30). Such a time is a mistake of the system that wrote it, and any duration from it
    would be an hour out: refused. (The hour repeated in autumn exists twice; the loader reports it as a finding.)"""
    problems: list[Problem] = []
    for name, stamps, near, few in _near_changes(typed, spec):
        gone = near.filter(_gone(few))
        if len(gone):
            def messages(indexes: list[int], stamps: pl.Series = stamps) -> list[str]:
                return [f"{value:%Y-%m-%dT%H:%M} does not exist in UK local time (the clocks went forward an hour "
                        "at 01:00 that day): give the time the clock showed"
                        for value in stamps.gather(indexes).to_list()]

            problems.extend(where.capped(name, gone, messages))
    return problems


def repeated_hour(typed: pl.DataFrame, spec: DatasetSpec) -> list[tuple[str, int, int, str]]:
    """For each datetime column with times in the hour the clocks repeat in autumn (01:00-01:59 on the last
    Sunday of October happens twice): ``(column, first row index, count, example)``."""
    found = []
    for name, stamps, near, few in _near_changes(typed, spec):
        either = few.dt.replace_time_zone(_UK, ambiguous="null", non_existent="null").is_null()
        twice = near.filter(either & ~_gone(few))
        if len(twice):
            found.append((name, int(twice[0]), len(twice), f"{stamps[int(twice[0])]:%Y-%m-%dT%H:%M}"))
    return found


def _near_changes(typed: pl.DataFrame, spec: DatasetSpec) -> Iterator[tuple[str, pl.Series, pl.Series, pl.Series]]:
    """For each timestamp column with rows near a change of the clocks: its name, its timestamps, those rows'
    indexes and their timestamps."""
    for column in spec.columns:
        if column.kind is not ColumnKind.DATETIME or column.name not in typed.columns:
            continue
        stamps = typed[column.name]
        if not isinstance(stamps.dtype, pl.Datetime):
            continue
        near = _near_change(stamps).arg_true()
        if not near.is_empty():
            yield column.name, stamps, near, stamps.gather(near)


def _gone(few: pl.Series) -> pl.Series:
    """Whether each time is in the hour the clocks skip in spring (it never showed on a UK wall clock)."""
    return few.dt.replace_time_zone(_UK, ambiguous="earliest", non_existent="null").is_null()


_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def delimiter_hint(found: list[str]) -> str:
    """``; the header looks semicolon-separated: ...`` when the columns found are one name holding another
    delimiter (a CSV saved with ';' by a spreadsheet in a continental locale); otherwise empty."""
    if len(found) != 1:
        return ""
    for delimiter, name in _DELIMITERS.items():
        if delimiter in found[0]:
            return f"; the header looks {name}-separated: csskpi reads comma-separated CSV"
    return ""
