"""Building blocks for measure plugins: the month rules of ``MEASURES.md`` as polars expressions.

Every measure selects its month and counts; these helpers keep the rules that many measures share — the month
of a column, the backlog rule for records with a deadline, surveys rated good or better — in one place, exact
and vectorised.
"""

from __future__ import annotations

import polars as pl

from .measurement import Counts
from .period import Period

__all__ = ["month_index", "in_month", "ratio", "count", "deadline_counts", "survey_counts"]


def month_index(expr: pl.Expr) -> pl.Expr:
    """The month of a Date or Datetime column as :attr:`Period.index` (consecutive months, consecutive numbers)."""
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


def in_month(expr: pl.Expr, period: Period) -> pl.Expr:
    """Whether a Date or Datetime falls in ``period`` (null is never in a month)."""
    # A half-open range against date literals works for Date and Datetime alike (polars compares a Datetime with
    # a date at midnight) and is many times faster than computing month numbers or casting every value.
    return ((expr >= period.first_day) & (expr < period.next().first_day)).fill_null(False)


def ratio(frame: pl.DataFrame, passing: pl.Expr, *, unit: str = "records") -> Counts:
    """``passing`` rows of all the rows of ``frame`` (already the month's population)."""
    passed = frame.select(passing.fill_null(False).cast(pl.Int64).sum()).item()
    return Counts(int(passed or 0), frame.height, unit)


def count(frame: pl.DataFrame, condition: pl.Expr) -> Counts:
    """A count KPI: the rows meeting ``condition``."""
    return Counts(int(frame.select(condition.fill_null(False).cast(pl.Int64).sum()).item() or 0))


def deadline_counts(
    frame: pl.DataFrame,
    period: Period,
    *,
    month_by: pl.Expr,
    deadline: pl.Expr,
    completed: pl.Expr,
    met: pl.Expr | None = None,
) -> Counts:
    """Counts for records with a deadline, under the backlog rule of ``MEASURES.md``.

    A record counts once: in the month of ``month_by``, passing when ``met`` (by default: completed on or before
    the deadline) — unless it was still open at the end of the month in which its deadline fell (``completed``
    null, or in a later month); then it counts, as a failure, in the deadline's month instead. A backlog cannot
    hide a failure, and nothing counts twice.
    """
    met = (completed <= deadline) if met is None else met
    # One select, then Series arithmetic: polars plans a single compound expression far more slowly.
    cols = frame.select(
        month_by=month_by.cast(pl.Date), deadline=deadline.cast(pl.Date), completed=completed.cast(pl.Date), met=met
    )
    first, last = period.first_day, period.last_day
    still_open = (cols["completed"].is_null() | (cols["completed"] > cols["deadline"].dt.month_end())).fill_null(True)
    backlog = still_open & cols["deadline"].is_between(first, last).fill_null(False)
    ordinary = ~still_open & cols["month_by"].is_between(first, last).fill_null(False)
    population = int((backlog | ordinary).sum())
    passing = int((ordinary & cols["met"].fill_null(False)).sum())
    return Counts(passing, population)


def survey_counts(surveys: pl.DataFrame, kind: str, period: Period) -> Counts:
    """% of the month's responses to survey ``kind`` rated good or better (``good``, ``very good``, 4 or 5)."""
    from .datasets_common import good_or_better

    month = surveys.filter((pl.col("kind") == kind) & in_month(pl.col("responded_on"), period))
    return ratio(month, good_or_better(pl.col("rating")), unit="responses")
