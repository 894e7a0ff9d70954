"""What several ACF measures share, as record-level rules on the core's one month and backlog rule
(:mod:`csskpi.plugin.rules`): month-end snapshots, "within N business days", and the rule ACF_KPI_03 and 04 share.
Their contract parameters are read with :mod:`csskpi.plugin.kit`'s ``*_parameter`` helpers.

:func:`month_mask` and :func:`business_day_deadline_counts` are kept for callers of the plugin's earlier helpers;
they are the core's rules applied to a frame.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import (
    Counts,
    MeasureInput,
    Period,
    RecordRule,
    RuleContext,
    choice_parameter,
    count_parameter,
    in_month,
    month_counts,
    pence,
    said,
    text,
    within_business_days,
)

from .datasets import CARE

__all__ = [
    "known",
    "month_mask",
    "business_day_deadline_counts",
    "within",
    "snapshot_rule",
    "pence",
    "assessment_rule",
    "said",
    "text",
]



def known(values: pl.Series) -> pl.Series:
    """A boolean Series with null read as False."""
    return values.fill_null(False) if values.null_count() else values


def month_mask(frame: pl.DataFrame, column: str, period: Period) -> pl.Series:
    """Whether each row's ``column`` (Date or Datetime) falls in ``period``; null is in no month (the core's
    :func:`~csskpi.plugin.kit.in_month`)."""
    return frame.select(in_month(pl.col(column), period).alias("in"))["in"]


def within(
    ctx: RuleContext, dataset: str, id: str, *, start: str, done: str, business_days: int,
    population: pl.Expr | None = None, also: str | None = None,
) -> RecordRule:
    """"``done`` within ``business_days`` business days of ``start``" (and ``also`` true; null is not), month by
    ``done``, under the backlog rule; over the records ``population`` selects (all if None)."""
    return within_business_days(
        ctx, dataset=dataset, id=id, month=done, start=start, completed=done,
        business_days=pl.lit(business_days, dtype=pl.Int64), longest=business_days, population=population,
        also=None if also is None else pl.col(also), also_words=("actioned correctly", "not actioned correctly"),
        words=(done.removesuffix("_on").replace("_", " "), start.removesuffix("_on").replace("_", " ")),
    )


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
    """The counts of :func:`within` over ``frame`` (the rows where ``where`` is true) in ``inputs.period``."""
    if where is not None:
        frame = frame.filter(known(where))
    rule = within(RuleContext.of("ACF", inputs), "frame", start, start=start, done=done, business_days=business_days,
                  also=also)
    return month_counts(rule, frame, inputs.period)


def snapshot_rule(dataset: str, id: str, *, population: pl.Expr, passes: pl.Expr, reason: pl.Expr,
                  weight: pl.Expr | None = None, counts_failures: bool = False) -> RecordRule:
    """Of the rows of the latest ``snapshot_on`` within the month, those in ``population`` where ``passes``."""
    return RecordRule(
        dataset=dataset, id=id, month=pl.col("snapshot_on"), snapshot=True, population=population, passes=passes,
        weight=weight, reason=reason, counts_failures=counts_failures,
    )


def assessment_rule(ctx: RuleContext, kpi: str, default_care: str) -> RecordRule:
    """ACF_KPI_03 and 04: % of the ``care`` assessments (new and change of circumstance alike) completed within
    ``business_days`` (default 15) business days of referral; month by ``completed_on``, with the backlog rule."""
    care = choice_parameter(ctx, kpi, "care", default_care, CARE)
    days = count_parameter(ctx, kpi, "business_days", 15, unit="days")
    return within(ctx, "financial_assessments", "assessment_id", start="referred_on", done="completed_on",
                  business_days=days, population=pl.col("care") == care)
