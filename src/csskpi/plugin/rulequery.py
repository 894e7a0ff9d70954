"""The query behind every rule measure: a :class:`~csskpi.plugin.rules.RecordRule` as a lazy polars query.

:func:`records` turns a rule into one lazy query over every month asked for: a row per record that counts in one
of them, with the month it counts in (:data:`~csskpi.plugin.rules.COUNTED_IN`, a
:attr:`Period.index <csskpi.model.period.Period.index>`), whether it passes, its weight and group — the month and
backlog rule of the contract, in one place. :func:`aggregate` groups it by month; :func:`counts_by_month` turns
that into :class:`Counts`. The evidence of a KPI-month is the same query filtered to that month. Both the per-month
``compute`` a rule measure gets (:func:`rule_compute`) and the pipeline's one run over every month use these, so
they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.plugin.rules import (
    COMPLETED,
    COUNTED_IN,
    DEADLINE,
    GROUP,
    PASSES,
    STILL_OPEN,
    WEIGHT,
    RecordRule,
    RuleContext,
    RuleFunction,
)

if TYPE_CHECKING:
    from csskpi.plugin.types import MeasureInput

__all__ = ["aggregate", "counts_by_month", "month_counts", "pence", "records", "rule_compute"]


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


def _between(expr: pl.Expr, low: dt.date, high: dt.date) -> pl.Expr:
    # Against date literals a Date and a Datetime compare alike (a datetime against midnight).
    return ((expr >= low) & (expr < high)).fill_null(False)


def records(rule: RecordRule, frame: pl.LazyFrame, months: Sequence[Period], *, extra: Iterable[pl.Expr] = ()) -> pl.LazyFrame:
    """Every record of ``frame`` that counts in one of ``months`` under ``rule``, with its month and verdict.

    Adds :data:`COUNTED_IN`, :data:`PASSES`, :data:`STILL_OPEN`, :data:`WEIGHT` and :data:`GROUP` (and, with a
    deadline, :data:`DEADLINE` and :data:`COMPLETED`; ``extra`` expressions too, for the evidence). Records outside
    the population, or counting in no month asked for, are not there.

    The order of the work is the speed: cheap comparisons on plain columns first (the months asked for, the
    lookback, the completion), then the population, and only then the deadline — worked out once per record, as a
    column that ``passes`` and ``reason`` may refer to.
    """
    indexes = sorted({p.index for p in months})
    if not indexes:
        return frame.head(0).select(_empty_columns(rule))
    first, last = Period.from_index(indexes[0]), Period.from_index(indexes[-1])
    low, high = first.first_day, last.next().first_day
    month = rule.month
    wanted = candidates(rule, months)
    if wanted is not None:
        frame = frame.filter(wanted)
    if rule.snapshot:
        own = _month_index(month)
        frame = frame.filter((month == month.max().over(own)).fill_null(False))
    if rule.population is not None:
        frame = frame.filter(rule.population.fill_null(False))
    if rule.deadline is not None:
        completed = pl.lit(None, dtype=pl.Date) if rule.completed is None else rule.completed
        frame = frame.with_columns(rule.deadline.alias(DEADLINE), completed.alias(COMPLETED))
        if not rule.applies_backlog:  # the month may be the deadline: known only now
            frame = frame.filter(_between(month, low, high))
    verdict = rule.verdict
    if rule.applies_backlog:
        deadline, completed = pl.col(DEADLINE).cast(pl.Date), pl.col(COMPLETED).cast(pl.Date)
        still_open = (completed.is_null() | (completed > deadline.dt.month_end())).fill_null(True)
        counted_in = pl.when(still_open).then(_month_index(deadline)).otherwise(_month_index(month.cast(pl.Date)))
        verdict = ~still_open & verdict
    else:
        still_open = pl.lit(False)
        counted_in = _month_index(month)
    weight = pl.lit(1, dtype=pl.Int64) if rule.weight is None else rule.weight
    group = pl.lit(None, dtype=pl.Null) if rule.group is None else rule.group
    return frame.with_columns(
        still_open.alias(STILL_OPEN),
        counted_in.alias(COUNTED_IN),
        verdict.alias(PASSES),
        weight.alias(WEIGHT),
        group.alias(GROUP),
        *extra,
    ).filter(pl.col(COUNTED_IN).is_in(indexes).fill_null(False))


def candidates(rule: RecordRule, months: Sequence[Period]) -> pl.Expr | None:
    """The cheap test, on plain columns, that every record counting in one of ``months`` under ``rule`` passes (and
    most others fail): its own month is asked for, or it starts within the lookback of them, or — under the backlog
    rule — it was still open at the first month's start. None when no such test exists (every record may count).

    :func:`records` filters by it first; the loader reads and checks only the records some rule's test keeps.
    """
    indexes = sorted({p.index for p in months})
    if not indexes:
        return pl.lit(False)
    first, last = Period.from_index(indexes[0]), Period.from_index(indexes[-1])
    low, high = first.first_day, last.next().first_day
    month = rule.month
    tests: list[pl.Expr] = []
    if rule.lookback is not None and rule.start is not None:
        # Only records of the months asked for, or starting within the lookback of them, can count there (a
        # deadline is never before its start). Without the backlog rule the month may be the deadline itself:
        # then only the start bounds it.
        earliest = low - rule.lookback if isinstance(rule.lookback, dt.timedelta) else rule.lookback(low)
        window = _between(rule.start, earliest, high)
        tests.append(window | _between(month, low, high) if rule.applies_backlog else window)
    if rule.applies_backlog:
        assert rule.completed is not None
        # A record counted in its deadline's month was still open at that month's end: not completed, or
        # completed after it, so on or after the first month asked for.
        tests.append(_between(month, low, high) | rule.completed.is_null() | (rule.completed >= low).fill_null(False))
    elif rule.deadline is None:
        tests.append(_between(month, low, high))
    if not tests:
        return None
    return pl.all_horizontal(tests) if len(tests) > 1 else tests[0]


def _empty_columns(rule: RecordRule) -> list[pl.Expr]:
    return [
        pl.lit(False).alias(STILL_OPEN), pl.lit(0, dtype=pl.Int32).alias(COUNTED_IN), pl.lit(False).alias(PASSES),
        pl.lit(1, dtype=pl.Int64).alias(WEIGHT), pl.lit(None).alias(GROUP),
    ]


def aggregate(rule: RecordRule, rows: pl.LazyFrame) -> pl.LazyFrame:
    """``rows`` (from :func:`records`) grouped by month: ``population`` and ``passing`` (units or weight)."""
    passing = pl.col(PASSES)
    if rule.group is not None:
        units = rows.group_by(COUNTED_IN, GROUP).agg(passing.all().alias(PASSES), pl.len().alias("__n"))
        return units.group_by(COUNTED_IN).agg(
            population=pl.len().cast(pl.Int64), passing=pl.col(PASSES).cast(pl.Int64).sum()
        )
    weight = pl.col(WEIGHT)
    return rows.group_by(COUNTED_IN).agg(population=weight.sum(), passing=weight.filter(passing).sum())


def _amount(value: object, unit: str) -> int:
    if unit == "pence" or isinstance(value, Decimal):
        return pence(value)
    if value is None:
        return 0
    if not isinstance(value, int):
        raise TypeError(f"a sum of weights must be a whole number or money, not {value!r}")
    return value


def pence(value: object) -> int:
    """A sum of money in pounds (Decimal or int, at most 2 decimals) as whole pence; None (an empty sum) is 0.
    A float is refused: money is exact or it is wrong."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be a Decimal, not {value!r}")
    scaled = Decimal(value).scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is not a whole number of pence")
    return int(scaled)


def counts_by_month(rule: RecordRule, grouped: pl.DataFrame, months: Sequence[Period], unit: str) -> dict[Period, Counts]:
    """The counts of each of ``months`` from :func:`aggregate`'s result (a month with no record: empty)."""
    found = {int(r[COUNTED_IN]): r for r in grouped.iter_rows(named=True)}
    out: dict[Period, Counts] = {}
    for period in months:
        row = found.get(period.index)
        population = 0 if row is None else _amount(row["population"], unit)
        passing = 0 if row is None else _amount(row["passing"], unit)
        if rule.kind == "count":
            out[period] = Counts(population - passing)
        else:
            out[period] = Counts(passing, population, unit)
    return out


def month_counts(rule: RecordRule, frame: pl.DataFrame, period: Period, unit: str = "records") -> Counts:
    """The counts of ``rule`` over the records of ``frame`` in ``period``."""
    grouped = aggregate(rule, records(rule, frame.lazy(), [period])).collect(engine="in-memory")
    return counts_by_month(rule, grouped, [period], unit)[period]


def rule_compute(name: str, function: RuleFunction, unit: str) -> Callable[[MeasureInput], Counts]:
    """A ``compute`` for a rule measure: the rule over one month of ``inputs``, through the same query."""

    def compute(inputs: MeasureInput) -> Counts:
        rule = function(RuleContext.of(name, inputs))
        return month_counts(rule, inputs.data[rule.dataset], inputs.period, unit)

    # Named as the rule's own module's function, so that a traceback or a registry listing points at the measure.
    compute.__name__ = compute.__qualname__ = f"compute_{name}"
    compute.__module__ = getattr(function, "__module__", __name__)
    return compute
