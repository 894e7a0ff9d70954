"""The rule measures of a run compiled together: one lazy query per KPI measure over every month asked for,
all collected at once.

Each rule measure (:meth:`Measure.from_rule <csskpi.plugin.types.Measure.from_rule>`) becomes
:func:`csskpi.plugin.rules.records` grouped by the month each record counts in, over its dataset's frame; the
queries of every measure are collected with one :func:`polars.collect_all`, which reads each shared frame once
and runs the queries side by side. Whatever the number of months, a measure is planned and run once, not once a
month. The counts are those of the measure's own per-month ``compute`` (the same query, one month at a time).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from csskpi.data.calendars import BusinessCalendar, WorkingHours
from csskpi.errors import PluginError, Problem
from csskpi.model.contract import Contract
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.plugin.rulequery import aggregate, counts_by_month, records
from csskpi.plugin.rules import RecordRule, RuleContext
from csskpi.plugin.types import Measure

__all__ = ["rule_counts", "rule_months", "rule_of"]


def rule_of(measure: Measure, contract: Contract, calendar: BusinessCalendar, clocks: Mapping[str, WorkingHours]) -> RecordRule:
    """The record-level rule of a rule measure under ``contract``'s parameters for it."""
    if measure.rule is None:
        raise ValueError(f"measure {measure.name!r} is not a rule measure")
    return measure.rule(RuleContext(measure.name, contract.parameters.measures.get(measure.name, {}), calendar, clocks))


def rule_months(
    contract: Contract, periods: Iterable[Period], measures: Mapping[str, Measure], frames: Mapping[str, object]
) -> dict[str, list[Period]]:
    """For each rule measure, the months of ``periods`` (within the contract) in which a KPI in force uses it and
    its dataset is there: the months it must be computed for."""
    wanted: dict[str, list[Period]] = {}
    for period in periods:
        if not contract.calendar.contains(period):
            continue
        for kpi in contract.kpis_in_force(period):
            spec = measures.get(kpi.measure)
            if spec is None or spec.rule is None or any(d not in frames for d in spec.datasets):
                continue
            months = wanted.setdefault(spec.name, [])
            if period not in months:
                months.append(period)
    return wanted


def rule_counts(
    contract: Contract,
    frames: Mapping[str, pl.DataFrame],
    wanted: Mapping[str, Sequence[Period]],
    measures: Mapping[str, Measure],
    calendar: BusinessCalendar,
    clocks: Mapping[str, WorkingHours],
) -> dict[tuple[str, Period], Counts]:
    """The counts of each rule measure in each of its ``wanted`` months, by (measure, month)."""
    planned: list[tuple[Measure, RecordRule, Sequence[Period]]] = []
    queries: list[pl.LazyFrame] = []
    for name, months in wanted.items():
        measure = measures[name]
        rule = rule_of(measure, contract, calendar, clocks)
        if rule.dataset not in measure.datasets:
            raise PluginError(Problem(f"its rule reads dataset {rule.dataset!r}, which the measure does not declare",
                                      kpi=name, field="dataset"))
        planned.append((measure, rule, months))
        queries.append(aggregate(rule, records(rule, frames[rule.dataset].lazy(), months)))
    out: dict[tuple[str, Period], Counts] = {}
    # The frames are in memory already: polars' in-memory engine runs these small plans faster than streaming.
    results = pl.collect_all(queries, engine="in-memory")
    for (measure, rule, months), grouped in zip(planned, results, strict=True):
        for period, counts in counts_by_month(rule, grouped, months, measure.unit).items():
            out[(measure.name, period)] = counts
    return out
