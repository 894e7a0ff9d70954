"""A measure as a record-level rule: polars expressions over one dataset saying which records count, in which
month, and whether each passes. The core applies the month and backlog rule of ``docs/measures.md`` once, here.

A plugin author writes a function of a :class:`RuleContext` (the measure's contract parameters, the business
calendar, the clocks) returning a :class:`RecordRule`, and makes it a measure with
:meth:`Measure.from_rule <csskpi.plugin.types.Measure.from_rule>`::

    def rule(ctx: RuleContext) -> RecordRule:
        days = count_parameter(ctx, "CSC_KPI_09", "business_days", 20, unit="days")
        return RecordRule(
            dataset="carers_assessments", id="assessment_id", month=pl.col("completed_on"),
            start=pl.col("referred_on"), deadline=ctx.calendar.add_business_days_expr("referred_on", days),
            completed=pl.col("completed_on"),
            passes=(pl.col(COMPLETED) <= pl.col(DEADLINE)) & pl.col("accurate"),  # the deadline, worked out once
            lookback=business_days_lookback(days, ctx.calendar),
        )

(:func:`within_business_days` writes that rule, with its reasons in words.)

:mod:`csskpi.plugin.rulequery` turns a rule into one lazy query over every month asked for and groups it by
month into :class:`~csskpi.Counts`; the evidence of a KPI-month is the same query filtered to that month. Both the
per-month ``compute`` a rule measure gets and the pipeline's one-query-per-dataset run use it, so they cannot
disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs
import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar, WorkingHours

if TYPE_CHECKING:
    from csskpi.plugin.types import MeasureInput

__all__ = [
    "COMPLETED",
    "COUNTED_IN",
    "DEADLINE",
    "GROUP",
    "PASSES",
    "STILL_OPEN",
    "WEIGHT",
    "RecordRule",
    "RuleContext",
    "RuleFunction",
    "business_days_lookback",
    "said",
    "survey_rule",
    "text",
    "within_business_days",
]

#: The columns :func:`csskpi.plugin.rulequery.records` adds to each record.
COUNTED_IN = "__counted_in"  # the month it counts in, as Period.index
PASSES = "__passes"  # whether it passes (in a count KPI: False when counted)
STILL_OPEN = "__still_open"  # counted in its deadline's month under the backlog rule
WEIGHT = "__weight"
GROUP = "__group"
DEADLINE = "__deadline"  # a rule's deadline, worked out once: ``passes``, ``month`` and ``reason`` may use it
COMPLETED = "__completed"


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
        if self.snapshot and self.deadline is not None:
            raise ValueError("a 'snapshot' rule counts each snapshot in its own month: it cannot have a deadline")

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
            return (pl.col(COMPLETED) <= pl.col(DEADLINE)).fill_null(False)
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
    # The deadline is worked out once per record, as the column DEADLINE: the verdict and the reason refer to it.
    passes = (pl.col(COMPLETED).cast(pl.Date) <= pl.col(DEADLINE)).fill_null(False)
    done, since = words
    reason = (
        pl.when(done_day.is_null())
        .then(text("not {}; deadline {}", pl.lit(done), pl.col(DEADLINE).dt.strftime("%Y-%m-%d")))
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
