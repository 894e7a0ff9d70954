"""What a measure plugin declares: the raw datasets it reads and the measures it computes from them.

A :class:`DatasetSpec` is the interface of one raw dataset (``docs/measures.md``): its columns, their types, its
id column and the order its timestamps must keep. A :class:`Measure` names the KPI measure it computes, the
datasets and columns it needs and the function that turns one month of them into :class:`~csskpi.Counts`.
Plugin authors import them, with everything else they need, from :mod:`csskpi.plugin`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from csskpi.data.spec import Column, ColumnKind, DatasetSpec
from csskpi.model.measurement import Counts
from csskpi.model.period import Period

if TYPE_CHECKING:
    import polars as pl

    from csskpi.data.calendars import BusinessCalendar, WorkingHours
    from csskpi.plugin.rules import RuleFunction

__all__ = [
    "ColumnKind",
    "Column",
    "DatasetSpec",
    "Measure",
    "MeasureInput",
    "Appendix",
    "AppendixInput",
    "AppendixTable",
    "SynthRequest",
    "SynthFrame",
]


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _str_frozenset(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _rows(value: Iterable[Iterable[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in value)


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _columns(value: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in value.items()})


@attrs.frozen
class MeasureInput:
    """What a measure is given for one month: which measure, the month, its datasets, its contract parameters,
    the calendar.

    ``measure`` is the name of the measure being computed (set by the core; empty when a test calls a compute
    function directly), so that one function can serve several measures and name the one at fault. ``data``
    maps each dataset the measure declared to the whole loaded dataset (every month); the measure selects its
    month by the rule of ``docs/measures.md``. ``parameters`` are the measure's own contract parameters
    (``[parameters.measures.<name>]``); ``clocks`` the contract's business-hours clocks by name
    (``core_support_hours``, ``service_desk_hours``).
    """

    period: Period
    data: Mapping[str, pl.DataFrame] = attrs.field(converter=_frozen)
    parameters: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)
    calendar: BusinessCalendar | None = None
    clocks: Mapping[str, WorkingHours] = attrs.field(factory=dict, converter=_frozen)
    measure: str = attrs.field(default="", kw_only=True)


@attrs.frozen
class Measure:
    """A measure: ``name`` is the KPI measure it computes (a KPI's ``measure``, by default its reference).

    ``columns`` maps each dataset the measure reads to the columns it uses. ``compute`` receives a
    :class:`MeasureInput` and returns :class:`Counts`: the core calls it directly, once per KPI-month, when every
    dataset the measure reads is present. A measure built with :meth:`from_rule` also has its ``rule``
    (:mod:`csskpi.plugin.rules`): the core then computes it with every other rule in one query over all the months
    asked for, and lists the records behind each figure. A measure that is not a ratio of records may give
    ``evidence``: its records behind a month's figure (``csskpi.pipeline.evidence`` says the columns).
    """

    name: str
    columns: Mapping[str, tuple[str, ...]] = attrs.field(converter=_columns)
    compute: Callable[[MeasureInput], Counts] = attrs.field(eq=False)
    description: str = ""
    unit: str = "records"
    rule: RuleFunction | None = attrs.field(default=None, eq=False)
    evidence: Callable[[MeasureInput], pl.DataFrame] | None = attrs.field(default=None, eq=False)

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(self.columns)

    @classmethod
    def from_rule(
        cls, name: str, columns: Mapping[str, Iterable[str]], rule: RuleFunction, *, description: str = "",
        unit: str = "records",
    ) -> Measure:
        """A measure whose ``compute`` is its record-level ``rule`` (a function of a
        :class:`~csskpi.plugin.rules.RuleContext` returning a :class:`~csskpi.plugin.rules.RecordRule`)."""
        from csskpi.plugin.rulequery import rule_compute

        return cls(name, columns, rule_compute(name, rule, unit), description, unit, rule)


@attrs.frozen
class AppendixInput:
    """What an appendix is given: the months it covers, the date it is "as at", its datasets, the calendar."""

    start: Period
    end: Period
    as_at: dt.date
    data: Mapping[str, pl.DataFrame] = attrs.field(converter=_frozen)
    calendar: BusinessCalendar | None = None


@attrs.frozen
class AppendixTable:
    """A table for people: column headings and rows of plain values (str, int, Decimal or None)."""

    title: str
    columns: tuple[str, ...] = attrs.field(converter=_str_tuple)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=_rows)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)


@attrs.frozen
class Appendix:
    """An extra table a plugin builds from raw data (e.g. payroll contacts received, resolved, outstanding).

    ``in_report`` says the scrutiny report shows it whenever its datasets are there (the core never names a
    plugin's appendix); any appendix can be built on its own (``csskpi appendix NAME``).
    """

    name: str
    title: str
    columns: Mapping[str, tuple[str, ...]] = attrs.field(converter=_columns)
    build: Callable[[AppendixInput], AppendixTable] = attrs.field(eq=False)
    in_report: bool = False  # shown in the scrutiny report whenever its datasets are there

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(self.columns)


@attrs.frozen
class SynthRequest:
    """What synthetic data to generate: months ``start`` to ``end``, ``scale`` (1.0: a county council's month),
    ``seed``, and the measures to ``degrade`` (generated so that they fall below MSL)."""

    start: Period
    end: Period
    scale: float = 1.0
    seed: int = 0
    degrade: frozenset[str] = attrs.field(default=frozenset(), converter=_str_frozenset)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"'end' ({self.end}) must not be before 'start' ({self.start})")
        # Generators reach a year either side of the months asked for (history, late closures).
        if self.start < Period(1901, 1) or self.end > Period(2998, 12):
            raise ValueError(f"'start' and 'end' must be within 1901-01 to 2998-12, not {self.start} to {self.end}")
        if not 0 < self.scale <= 100:
            raise ValueError(f"'scale' must be above 0 and at most 100, not {self.scale}")

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(Period.range(self.start, self.end))


@attrs.frozen
class SynthFrame:
    """Synthetic rows of one dataset. Several frames of one dataset (one per plugin) are concatenated."""

    dataset: str
    frame: pl.DataFrame = attrs.field(eq=False)
