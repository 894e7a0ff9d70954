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
from csskpi.plugin.rulequery import aggregate, candidates, counts_by_month, records
from csskpi.plugin.rules import RecordRule, RuleContext
from csskpi.plugin.types import Measure

__all__ = ["rule_counts", "rule_months", "rule_of", "rows_needed"]


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


def rows_needed(
    contract: Contract,
    periods: Iterable[Period],
    measures: Mapping[str, Measure],
    calendar: BusinessCalendar,
    clocks: Mapping[str, WorkingHours],
    datasets: Iterable[str],
) -> dict[str, pl.Expr | None]:
    """For each of ``datasets`` some KPI in force in ``periods`` needs: the test a record must pass to be read for
    them (the rules' :func:`~csskpi.plugin.rulequery.candidates`, any of them), or None to read every record (a
    measure that is not a rule, or a rule that cannot be bounded, reads it)."""
    present = {name: True for name in datasets}
    periods = list(periods)
    tests: dict[str, list[pl.Expr] | None] = {}

    def read_all(name: str) -> None:
        tests[name] = None

    for period in periods:
        for kpi in contract.kpis_in_force(period) if contract.calendar.contains(period) else ():
            measure = measures.get(kpi.measure)
            for name in measure.datasets if measure is not None and measure.rule is None else ():
                read_all(name)
    for name, months in rule_months(contract, periods, measures, present).items():
        measure = measures[name]
        rule = rule_of(measure, contract, calendar, clocks)
        for other in measure.datasets:
            if other != rule.dataset:
                read_all(other)
        test = candidates(rule, months)
        if test is None or rule.snapshot:  # snapshots whole: the folder check looks for one dated after its month
            read_all(rule.dataset)
        else:
            found = tests.setdefault(rule.dataset, [])
            if found is not None:  # None: another measure reads every record of it already
                found.append(test)
    return {name: None if found is None else pl.any_horizontal(found) for name, found in tests.items() if name in present}
