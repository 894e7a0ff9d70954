"""Raw records that read but cannot be trusted as written: wall-clock times the UK clock never showed or showed
twice, and a header written with another delimiter. Used by the loader (:mod:`csskpi.data.load`)."""

from __future__ import annotations

import polars as pl

from csskpi.data.checks import Locator
from csskpi.data.spec import ColumnKind, DatasetSpec
from csskpi.errors import Problem

__all__ = ["check_local_times", "repeated_hour", "delimiter_hint"]

_UK = "Europe/London"


def check_local_times(typed: pl.DataFrame, spec: DatasetSpec, where: Locator) -> list[Problem]:
    """Timestamps that do not exist on a UK wall clock: the hour lost when the clocks go forward in spring
    (e.g. 2017-03-26 01:30). Such a time is a mistake of the system that wrote it, and any duration from it
    would be an hour out: refused. (The hour repeated in autumn exists twice; the loader reports it as a finding.)"""
    problems: list[Problem] = []
    for column in spec.columns:
        if column.kind is not ColumnKind.DATETIME or column.name not in typed.columns:
            continue
        stamps = typed[column.name]
        if not isinstance(stamps.dtype, pl.Datetime):
            continue
        wall = stamps.dt.replace_time_zone(_UK, ambiguous="earliest", non_existent="null")
        gone = stamps.is_not_null() & wall.is_null()
        if gone.any():
            def messages(indexes: list[int], stamps: pl.Series = stamps) -> list[str]:
                return [f"{value:%Y-%m-%dT%H:%M} does not exist in UK local time (the clocks went forward an hour "
                        "at 01:00 that day): give the time the clock showed"
                        for value in stamps.gather(indexes).to_list()]

            problems.extend(where.capped(column.name, gone.arg_true(), messages))
    return problems


def repeated_hour(typed: pl.DataFrame, spec: DatasetSpec) -> list[tuple[str, int, int, str]]:
    """For each datetime column with times in the hour the clocks repeat in autumn (01:00-01:59 on the last
    Sunday of October happens twice): ``(column, first row index, count, example)``."""
    found = []
    for column in spec.columns:
        if column.kind is not ColumnKind.DATETIME or column.name not in typed.columns:
            continue
        stamps = typed[column.name]
        if not isinstance(stamps.dtype, pl.Datetime):
            continue
        either = stamps.dt.replace_time_zone(_UK, ambiguous="null", non_existent="null").is_null()
        gone = stamps.dt.replace_time_zone(_UK, ambiguous="earliest", non_existent="null").is_null()
        twice = (stamps.is_not_null() & either & ~gone).arg_true()
        if len(twice):
            found.append((column.name, int(twice[0]), len(twice), f"{stamps[int(twice[0])]:%Y-%m-%dT%H:%M}"))
    return found


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
