"""Building blocks for measure plugins: the month rules of ``docs/measures.md`` as polars expressions, and the reading
of a measure's contract parameters.

Every measure selects its month and counts; these helpers keep the rules that many measures share — the month
of a column, the backlog rule for records with a deadline, surveys rated good or better — in one place, exact
and vectorised.

A measure's parameters come from ``[parameters.measures.<MEASURE>]`` of the contract (:attr:`MeasureInput.parameters
<csskpi.plugin.types.MeasureInput.parameters>`): a missing one takes the default (its value in ``docs/measures.md``), a
malformed one is a :class:`~csskpi.errors.ContractError` whose field is ``parameters.measures.<MEASURE>.<name>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar
from csskpi.errors import ContractError, Problem
from csskpi.model.measurement import Counts
from csskpi.model.period import Period

__all__ = [
    "MeasureContext",
    "month_index",
    "in_month",
    "ratio",
    "count",
    "deadline_counts",
    "survey_counts",
    "calendar_of",
    "count_parameter",
    "text_parameter",
    "choice_parameter",
    "names_parameter",
    "days_by_name_parameter",
]


class MeasureContext(Protocol):
    """What the parameter readers need: a :class:`MeasureInput` or a rule's
    :class:`~csskpi.plugin.rules.RuleContext`."""

    @property
    def parameters(self) -> Mapping[str, Any]: ...

    @property
    def calendar(self) -> BusinessCalendar | None: ...


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
    """Counts for records with a deadline, under the backlog rule of ``docs/measures.md``.

    A record counts once: in the month of ``month_by``, passing when ``met`` (by default: completed on or before
    the deadline) — unless it was still open at the end of the month in which its deadline fell (``completed``
    null, or in a later month); then it counts, as a failure, in the deadline's month instead. A backlog cannot
    hide a failure, and nothing counts twice. The rule is the core's one implementation,
    :class:`~csskpi.plugin.rules.RecordRule`, applied to ``frame``.
    """
    from csskpi.plugin.rulequery import month_counts
    from csskpi.plugin.rules import RecordRule

    rule = RecordRule(dataset="frame", id=frame.columns[0] if frame.columns else "", month=month_by,
                      deadline=deadline, completed=completed, passes=met)
    return month_counts(rule, frame, period)


def survey_counts(surveys: pl.DataFrame, kind: str, period: Period) -> Counts:
    """% of the month's responses to survey ``kind`` rated good or better (``good``, ``very good``, 4 or 5): the
    core's :func:`~csskpi.plugin.rules.survey_rule` applied to ``surveys``."""
    from csskpi.plugin.rulequery import month_counts
    from csskpi.plugin.rules import survey_rule

    return month_counts(survey_rule(kind), surveys, period, "responses")


def calendar_of(inputs: MeasureContext) -> BusinessCalendar:
    """The contract's business calendar (``inputs.calendar``), or England and Wales' when none is given."""
    return inputs.calendar if inputs.calendar is not None else ENGLAND_AND_WALES


def _bad(measure: str, name: str, what: str, value: object) -> ContractError:
    """The error for parameter ``name`` of ``measure``: it "must be ``what``, not ``value``"."""
    return ContractError(
        Problem(f"must be {what}, not {value!r}", field=f"parameters.measures.{measure}.{name}", kpi=measure)
    )


def count_parameter(inputs: MeasureContext, measure: str, name: str, default: int, *, unit: str | None = None) -> int:
    """Parameter ``name`` of ``measure`` as a whole number, 0 or more (``default`` when the contract omits it).

    ``unit`` (``"days"``, say) only words the error: "must be a whole number of days, 0 or more". A bool is not a
    number here, and neither is a float or a text, whatever it holds.
    """
    value: object = inputs.parameters.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        what = f"a whole number of {unit}, 0 or more" if unit else "a whole number, 0 or more"
        raise _bad(measure, name, what, value)
    return value


def text_parameter(inputs: MeasureContext, measure: str, name: str, default: str) -> str:
    """Parameter ``name`` of ``measure`` as a non-empty text (``default`` when the contract omits it)."""
    value: object = inputs.parameters.get(name, default)
    if not isinstance(value, str) or not value:
        raise _bad(measure, name, "a non-empty text", value)
    return value


def choice_parameter(
    inputs: MeasureContext, measure: str, name: str, default: str, allowed: Sequence[str]
) -> str:
    """Parameter ``name`` of ``measure`` as one of ``allowed`` (an enumeration's values; ``default`` when the
    contract omits it). Matched exactly: case and spaces count."""
    value = text_parameter(inputs, measure, name, default)
    if value not in allowed:
        raise _bad(measure, name, f"one of {', '.join(allowed)}", value)
    return value


def names_parameter(inputs: MeasureContext, measure: str, name: str, default: Iterable[str]) -> tuple[str, ...]:
    """Parameter ``name`` of ``measure`` as a list of names (channels, queues, categories), in the contract's order
    (``default`` when the contract omits it). A single text is not a list; an empty list is."""
    value: object = inputs.parameters.get(name, tuple(default))
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _bad(measure, name, "a list of names", value)
    names = tuple(value)
    if not all(isinstance(v, str) for v in names):
        raise _bad(measure, name, "a list of names", value)
    return names


def days_by_name_parameter(
    inputs: MeasureContext, measure: str, name: str, default: Mapping[str, int]
) -> dict[str, int]:
    """Parameter ``name`` of ``measure`` as a non-empty table of whole numbers of days (0 or more) by name
    (``{ email = 2, web = 2, letter = 10 }``; ``default`` when the contract omits it)."""
    value: object = inputs.parameters.get(name, default)
    what = "a table of whole numbers of days (0 or more) by name"
    if not isinstance(value, Mapping) or not value:
        raise _bad(measure, name, what, value)
    for key, days in value.items():
        if not isinstance(key, str) or isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise _bad(measure, name, what, value)
    return dict(value)
