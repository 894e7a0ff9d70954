"""What several People Management measures share: parameters with their defaults, and the "within N business
days" rule under the backlog rule (on :func:`csskpi.plugin.kit.calendar_of`'s calendar)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
from csskpi.plugin import Counts, MeasureInput, Period, calendar_of, deadline_counts, survey_counts

__all__ = ["parameter", "within_business_days", "survey_measure"]


def parameter(inputs: MeasureInput, name: str, default: Any) -> Any:
    """The measure's contract parameter ``name``, or ``default`` (its value in ``docs/measures.md``) if not given."""
    value = inputs.parameters.get(name)
    return default if value is None else value


def within_business_days(
    frame: pl.DataFrame,
    inputs: MeasureInput,
    *,
    start: str,
    business_days: int | str,
    completed: str,
) -> Counts:
    """Counts of records completed within ``business_days`` of ``start``, in the month of ``completed``.

    ``start`` and ``completed`` name Date or Datetime columns (a timestamp counts by its date); ``business_days``
    is a number or the name of an integer column. The deadline is ``business_days`` business days after the day of
    ``start`` (that day being day 0, rolled forward to a business day); a record is met if completed on or before
    its deadline. The backlog rule applies (:func:`csskpi.plugin.kit.deadline_counts`): a record still open at the
    end of its deadline's month counts once, as a failure, in that month.
    """
    period = inputs.period
    days = pl.col(business_days) if isinstance(business_days, str) else pl.lit(business_days, dtype=pl.Int64)
    timestamps = {name: isinstance(frame.schema[name], pl.Datetime) for name in (start, completed)}
    # Only records started by the month's end and not completed before its start can count in it (a deadline is
    # never before its start, unless the number of days is negative): select them with plain comparisons before
    # any calendar arithmetic, and compute each column once (deadline_counts uses its expressions several times).
    started = _before_end_of(pl.col(start), period, timestamps[start])
    not_done_before = pl.col(completed).is_null() | ~_before_start_of(pl.col(completed), period, timestamps[completed])
    prepared = (
        frame.lazy()
        .filter((started | (days < 0)).fill_null(True) & not_done_before)
        .select(
            _start=_as_date(pl.col(start), timestamps[start]),
            _completed=_as_date(pl.col(completed), timestamps[completed]),
            _days=days,
        )
        .collect()  # before the deadline: lazily, polars would work it out for every row of the dataset
        .with_columns(_deadline=calendar_of(inputs).add_business_days_expr(pl.col("_start"), pl.col("_days")))
    )
    return deadline_counts(
        prepared, period, month_by=pl.col("_completed"), deadline=pl.col("_deadline"), completed=pl.col("_completed")
    )


def _as_date(expr: pl.Expr, timestamps: bool) -> pl.Expr:
    return expr.dt.date() if timestamps else expr


def _before_start_of(expr: pl.Expr, period: Period, timestamps: bool) -> pl.Expr:
    bound = dt.datetime.combine(period.first_day, dt.time()) if timestamps else period.first_day
    return expr < bound


def _before_end_of(expr: pl.Expr, period: Period, timestamps: bool) -> pl.Expr:
    return _before_start_of(expr, period.next(), timestamps)


def survey_measure(default_kind: str) -> Callable[[MeasureInput], Counts]:
    """A measure's ``compute`` for a survey KPI: % of the month's responses of its kind rated good or better.

    The kind is the measure's parameter ``kind`` (default ``default_kind``, as ``docs/measures.md`` names it).
    """

    def compute(inputs: MeasureInput) -> Counts:
        return survey_counts(inputs.data["surveys"], str(parameter(inputs, "kind", default_kind)), inputs.period)

    compute.__name__ = f"compute_{default_kind}"
    return compute
