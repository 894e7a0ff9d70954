"""A measure as a record-level rule: polars expressions over one dataset saying which records count, in which
month, and whether each passes. The core applies the month and backlog rule of ``MEASURES.md`` once, here.

A plugin author writes a function of a :class:`RuleContext` (the measure's contract parameters, the business
calendar, the clocks) returning a :class:`RecordRule`, and makes it a measure with
:meth:`Measure.from_rule <csskpi.plugin.types.Measure.from_rule>`::

    def rule(ctx: RuleContext) -> RecordRule:
        days = count_parameter(ctx, "CSC_KPI_09", "business_days", 20, unit="days")
        return RecordRule(
            dataset="carers_assessments", id="assessment_id", month=pl.col("completed_on"),
            start=pl.col("referred_on"), deadline=ctx.calendar.add_business_days_expr("referred_on", days),
            completed=pl.col("completed_on"), passes=within & pl.col("accurate"), lookback=business_days_lookback(days),
        )

:func:`records` turns a rule into one lazy query over every month asked for: a row per record that counts in one
of them, with the month it counts in (``__counted_in``, a :attr:`Period.index <csskpi.model.period.Period.index>`),
whether it passes, its weight and group. :func:`counts_by_month` groups it by month into :class:`Counts`; the
evidence of a KPI-month is the same query filtered to that month. Both the per-month ``compute`` a rule measure
gets and the pipeline's one-query-per-dataset run use these, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs
import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar, WorkingHours
from csskpi.model.measurement import Counts
from csskpi.model.period import Period

if TYPE_CHECKING:
    from csskpi.plugin.types import MeasureInput

__all__ = [
    "COUNTED_IN",
    "GROUP",
    "PASSES",
    "STILL_OPEN",
    "WEIGHT",
    "RecordRule",
    "RuleContext",
    "RuleFunction",
    "business_days_lookback",
    "counts_by_month",
    "month_counts",
    "pence",
    "records",
    "rule_compute",
    "said",
    "survey_rule",
    "text",
    "within_business_days",
]

#: The columns :func:`records` adds to each record.
COUNTED_IN = "__counted_in"  # the month it counts in, as Period.index
PASSES = "__passes"  # whether it passes (in a count KPI: False when counted)
STILL_OPEN = "__still_open"  # counted in its deadline's month under the backlog rule
WEIGHT = "__weight"
GROUP = "__group"


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class RuleContext:
    """What a rule is built from: its measure's name and contract parameters, the business calendar, the clocks.

    The parameter readers of :mod:`csskpi.plugin.kit` (``count_parameter(ctx, ...)``) accept it as they accept a
    :class:`~csskpi.plugin.types.MeasureInput`.
    """

    measure: str
    parameters: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)
    calendar: BusinessCalendar = ENGLAND_AND_WALES
    clocks: Mapping[str, WorkingHours] = attrs.field(factory=dict, converter=_frozen)

    @classmethod
    def of(cls, measure: str, inputs: MeasureInput) -> RuleContext:
        calendar = inputs.calendar if inputs.calendar is not None else ENGLAND_AND_WALES
        return cls(measure, inputs.parameters, calendar, inputs.clocks)


def _expr(value: pl.Expr | str | None) -> pl.Expr | None:
    return pl.col(value) if isinstance(value, str) else value


def _required(value: pl.Expr | str) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


Lookback = dt.timedelta | Callable[[dt.date], dt.date]


def _check_lookback(instance: RecordRule, attribute: attrs.Attribute[Lookback | None], value: Lookback | None) -> None:
    if isinstance(value, dt.timedelta) and value < dt.timedelta(0):
        raise ValueError(f"'lookback' must not be negative, not {value}")


@attrs.frozen
class RecordRule:
    """A measure as polars expressions over the records of one ``dataset``.

    - ``id``: the id column, named in the evidence.
    - ``month``: a Date or Datetime expression; a record counts in its month (a null month: in none).
    - ``population``: which records are in the population (all when None; null is not).
    - ``passes``: whether a record passes (null does not). With a deadline and no ``passes``: completed on or
      before the deadline. In a ``count`` KPI a record in the population that does not pass is counted; with no
      ``passes`` every record in the population is counted.
    - ``start``, ``deadline``, ``completed``: with ``backlog`` (the default) the core applies the backlog rule: a
      record still open at the end of its deadline's month (``completed`` null or later) counts there, as a
      failure, instead of in its own month. Without ``backlog`` they are shown in the evidence only.
    - ``lookback``: how long before a month a record counting in it may ``start`` (from the longest deadline; a
      month that is itself a deadline must then never be before the start nor later than the lookback): a
      span, or a function from a month's first day to the earliest start that can count in it. Only records
      starting within it, or whose own month is asked for, get a deadline worked out. None: every record does
      (always correct, slower when deadlines are costly).
    - ``weight``: what a record weighs (money in pounds, a Decimal, is counted in whole pence); 1 when None.
    - ``snapshot``: keep only the records of the latest ``month`` value within each month (month-end snapshots).
    - ``group``: count groups (recipients) rather than records; a group passes when all its records pass.
    - ``counts_failures``: the counts' ``passing`` is the records that fail (abandoned calls, avoidable
      contacts, aged debt: a lower figure is better); their evidence says ``fail``.
    - ``elapsed``: the working time elapsed, as a number or text, for the evidence; ``reason``: a text per
      record saying why it passes or fails, in words.
    """

    dataset: str
    id: str
    month: pl.Expr = attrs.field(converter=_required)
    population: pl.Expr | None = attrs.field(default=None, converter=_expr)
    passes: pl.Expr | None = attrs.field(default=None, converter=_expr)
    kind: Literal["ratio", "count"] = "ratio"
    start: pl.Expr | None = attrs.field(default=None, converter=_expr)
    deadline: pl.Expr | None = attrs.field(default=None, converter=_expr)
    completed: pl.Expr | None = attrs.field(default=None, converter=_expr)
    backlog: bool = True
    lookback: Lookback | None = attrs.field(default=None, validator=_check_lookback, eq=False)
    weight: pl.Expr | None = attrs.field(default=None, converter=_expr)
    snapshot: bool = False
    group: pl.Expr | None = attrs.field(default=None, converter=_expr)
    elapsed: pl.Expr | None = attrs.field(default=None, converter=_expr)
    reason: pl.Expr | None = attrs.field(default=None, converter=_expr)
    counts_failures: bool = False

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("ratio", "count"):
            raise ValueError(f"'kind' must be 'ratio' or 'count', not {self.kind!r}")
        if self.backlog and self.deadline is not None and self.completed is None:
            raise ValueError("'completed' must be given with a 'deadline' under the backlog rule")
        if self.lookback is not None and self.start is None:
            raise ValueError("'lookback' needs a 'start': it bounds how long before a month a record may start")
        if self.counts_failures and (self.kind == "count" or self.group is not None):
            raise ValueError("'counts_failures' is for a ratio of records: a count KPI always counts failures")
        if self.snapshot and self.applies_backlog:
            raise ValueError("a 'snapshot' rule counts each snapshot in its own month: it cannot have a backlog deadline")

    @property
    def applies_backlog(self) -> bool:
        return self.backlog and self.deadline is not None

    @property
    def verdict(self) -> pl.Expr:
        """Whether each record passes, before the backlog rule (null: it does not)."""
        if self.passes is not None:
            return self.passes.fill_null(False)
        if self.kind == "count":
            return pl.lit(False)
        if self.deadline is not None and self.completed is not None:
            return (self.completed <= self.deadline).fill_null(False)
        raise ValueError("a ratio rule needs 'passes' (or a 'deadline' and 'completed')")


RuleFunction = Callable[[RuleContext], RecordRule]


def business_days_lookback(n: int, calendar: BusinessCalendar = ENGLAND_AND_WALES) -> Callable[[dt.date], dt.date]:
    """A lookback of ``n`` business days of ``calendar``: the earliest start whose deadline ``n`` business days on
    can fall on or after a month's first day.

    A start on or before the business day ``n + 1`` before the first day (counted back from its day 0) has its
    deadline on a business day before it; deadlines never run backwards as the start moves on.
    """

    def earliest(first_day: dt.date) -> dt.date:
        try:
            return calendar.add_business_days(first_day, -(max(n, 0) + 1)) + dt.timedelta(days=1)
        except ValueError:  # outside the calendar's years: a margin wide enough for weekends and bank holidays
            return first_day - dt.timedelta(days=2 * max(n, 0) + 14)

    return earliest


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


def _between(expr: pl.Expr, low: dt.date, high: dt.date) -> pl.Expr:
    # Against date literals a Date and a Datetime compare alike (a datetime against midnight).
    return ((expr >= low) & (expr < high)).fill_null(False)


def records(rule: RecordRule, frame: pl.LazyFrame, months: Sequence[Period], *, extra: Iterable[pl.Expr] = ()) -> pl.LazyFrame:
    """Every record of ``frame`` that counts in one of ``months`` under ``rule``, with its month and verdict.

    Adds :data:`COUNTED_IN`, :data:`PASSES`, :data:`STILL_OPEN`, :data:`WEIGHT` and :data:`GROUP` (``extra``
    expressions too, for the evidence). Records outside the population, or counting in no month asked for, are
    not there.
    """
    indexes = sorted({p.index for p in months})
    if not indexes:
        return frame.head(0).select(_empty_columns(rule))
    first, last = Period.from_index(indexes[0]), Period.from_index(indexes[-1])
    low, high = first.first_day, last.next().first_day
    month = rule.month
    if rule.lookback is not None and rule.start is not None:
        # Cheap comparisons first: only records of the months asked for, or starting within the lookback of
        # them, can count there (a deadline is never before its start), and only they get a deadline. (Without
        # the backlog rule the month may be the deadline itself: then only the start bounds it.)
        earliest = low - rule.lookback if isinstance(rule.lookback, dt.timedelta) else rule.lookback(low)
        window = _between(rule.start, earliest, high)
        frame = frame.filter(window | _between(month, low, high) if rule.applies_backlog else window)
    if not rule.applies_backlog:
        frame = frame.filter(_between(month, low, high))
    if rule.snapshot:
        own = _month_index(month)
        frame = frame.filter((month == month.max().over(own)).fill_null(False))
    if rule.population is not None:
        frame = frame.filter(rule.population.fill_null(False))
    verdict = rule.verdict
    if rule.applies_backlog:
        assert rule.deadline is not None and rule.completed is not None
        deadline, completed = rule.deadline.cast(pl.Date), rule.completed.cast(pl.Date)
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
    grouped = aggregate(rule, records(rule, frame.lazy(), [period])).collect()
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


def survey_rule(kind: str) -> RecordRule:
    """The rule of a survey KPI: of the month's responses (by ``responded_on``) of ``kind`` in the core's
    ``surveys`` dataset, those rated good or better (``good``, ``very good``, 4 or 5)."""
    from csskpi.data.surveys import good_or_better

    rating = pl.col("rating")
    return RecordRule(
        dataset="surveys",
        id="response_id",
        month=pl.col("responded_on"),
        population=pl.col("kind") == kind,
        passes=good_or_better(rating),
        reason=text("rated {}", rating.cast(pl.String).fill_null("(no rating)")),
    )


def text(template: str, *values: pl.Expr) -> pl.Expr:
    """A reason in words: ``template`` with each ``{}`` replaced by the next of ``values`` (as text; a null value
    is written ``?``). The same as ``pl.format``, which some polars versions cannot run on a filtered frame."""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"{template!r} has {len(pieces) - 1} placeholders for {len(values)} values")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, [*values, None], strict=True):
        if piece:
            parts.append(pl.lit(piece))
        if value is not None:
            parts.append(value.cast(pl.String).fill_null(pl.lit("?")))
    return pl.concat_str(parts) if parts else pl.lit("")


def said(column: str, yes: str, no: str, missing: str = "not recorded") -> pl.Expr:
    """A boolean column in words, for a reason."""
    flag = pl.col(column)
    return pl.when(flag.is_null()).then(pl.lit(missing)).when(flag).then(pl.lit(yes)).otherwise(pl.lit(no))


def within_business_days(
    ctx: RuleContext,
    *,
    dataset: str,
    id: str,
    month: str,
    start: str,
    completed: str,
    business_days: pl.Expr,
    longest: int | None,
    population: pl.Expr | None = None,
    also: pl.Expr | None = None,
    also_words: tuple[str, str] = ("accurate", "not accurate"),
    words: tuple[str, str] = ("completed", "start"),
) -> RecordRule:
    """"``completed`` within N business days of ``start``", month by ``month``, under the backlog rule.

    The deadline is the day ``business_days`` (a number per record, at most ``longest``; None when no bound is
    known, and every record then gets a deadline worked out) business days after the
    day of ``start`` (day 0; a start on a non-business day counts from the next business day); a record passes
    when the day of ``completed`` is on or before it and ``also`` holds (null does not). Timestamps count by
    their day. ``words`` name the completion and the start in the reasons ("responded 3 business days after
    receipt; timescale 2").
    """
    start_day, done_day = pl.col(start).cast(pl.Date), pl.col(completed).cast(pl.Date)
    deadline = ctx.calendar.add_business_days_expr(start_day, business_days)
    elapsed = ctx.calendar.business_day_count_expr(start_day, done_day)
    passes = (done_day <= deadline).fill_null(False)
    done, since = words
    reason = (
        pl.when(done_day.is_null())
        .then(text("not {}; deadline {}", pl.lit(done), deadline.dt.strftime("%Y-%m-%d")))
        .otherwise(text("{} {} {} after {}; timescale {}", pl.lit(done), elapsed,
                        pl.when(elapsed == 1).then(pl.lit("business day")).otherwise(pl.lit("business days")),
                        pl.lit(since), business_days))
    )
    if also is not None:
        passes = passes & also.fill_null(False)
        yes, no = also_words
        reason = text("{}; {}", reason, pl.when(also.fill_null(False)).then(pl.lit(yes)).otherwise(pl.lit(no)))
    return RecordRule(
        dataset=dataset,
        id=id,
        month=pl.col(month),
        population=population,
        start=pl.col(start),
        deadline=deadline,
        completed=pl.col(completed),
        passes=passes,
        lookback=None if longest is None else business_days_lookback(longest, ctx.calendar),
        elapsed=elapsed,
        reason=reason,
    )
