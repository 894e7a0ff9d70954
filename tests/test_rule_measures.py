"""Measures as record-level rules: the same counts as before, KPI by KPI, on two synthetic years.

``tests/data/synth_counts.csv`` holds every measure's counts for every month of two synthetic years (seed 11:
2017-18 as generated; seed 12: 2020 with several measures degraded, so that deadlines are missed and backlogs
counted), recorded from the measures as they were before they became rules. Each measure's per-month ``compute``
and the compiled one-query run of :func:`csskpi.pipeline.measure.measure` must both give exactly those counts.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import polars as pl
import pytest

import csskpi
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.pipeline.measure import contract_clocks, load_data, measure
from csskpi.plugin.rules import RecordRule, RuleContext, business_days_lookback
from csskpi.plugin.types import Measure, MeasureInput

from .synthetic_years import YEARS, raw_frames
from .synthetic_years import registry as _registry

GOLDEN = Path(__file__).parent / "data" / "synth_counts.csv"


@cache
def _frames(seed: int) -> dict[str, pl.DataFrame]:
    return load_data(None, _registry(), frames=raw_frames(seed)).frames()


def _golden() -> dict[tuple[int, Period, str], Counts]:
    with GOLDEN.open(newline="") as f:
        return {
            (int(r["seed"]), Period.parse(r["period"]), r["measure"]): Counts(
                int(r["passing"]), int(r["population"]) if r["population"] else None, r["unit"]
            )
            for r in csv.DictReader(f)
        }


@pytest.mark.parametrize("seed", sorted(YEARS))
def test_every_measure_computes_the_recorded_counts(seed: int, contract: csskpi.Contract) -> None:
    registry, frames = _registry(), _frames(seed)
    golden = {k: v for k, v in _golden().items() if k[0] == seed}
    assert len(golden) == 12 * len(registry.measures)
    wrong = []
    for (_, period, name), expected in sorted(golden.items()):
        spec = registry.measures[name]
        inputs = MeasureInput(period, {d: frames[d] for d in spec.datasets}, contract.parameters.measures.get(name, {}),
                              ENGLAND_AND_WALES, contract_clocks(contract))
        got = spec.compute(inputs)
        if got != expected:
            wrong.append(f"{name} {period}: {got} != {expected}")
    assert wrong == []


@pytest.mark.parametrize("seed", sorted(YEARS))
def test_the_compiled_run_gives_the_recorded_counts(seed: int, contract: csskpi.Contract) -> None:
    registry = _registry()
    start, end, _ = YEARS[seed]
    run = measure(contract, load_data(None, registry, frames=_frames(seed)), Period.range(start, end), registry)
    golden = _golden()
    checked = 0
    for m in run.measurements:
        kpi = contract.kpi(m.kpi)
        expected = golden[(seed, m.period, kpi.measure)]
        assert (m.numerator, m.denominator) == (expected.passing, expected.population), f"{m.kpi} {m.period}"
        checked += 1
    assert checked > 12 * 30


def test_any_one_month_of_the_compiled_run_matches_the_whole(contract: csskpi.Contract) -> None:
    registry = _registry()
    data = load_data(None, registry, frames=_frames(12))
    whole = {(m.kpi, m.period): (m.numerator, m.denominator) for m in measure(contract, data, Period.range(Period(2020, 1), Period(2020, 12)), registry).measurements}
    for month in (Period(2020, 1), Period(2020, 7), Period(2020, 12)):
        alone = measure(contract, data, [month], registry).measurements
        assert {(m.kpi, m.period): (m.numerator, m.denominator) for m in alone} == {k: v for k, v in whole.items() if k[1] == month}


# A hand-worked backlog: deadline 2 business days after receipt (Fri 2017-09-29 -> Tue 2017-10-03).
_CONTACTS = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e", "f"],
        "received_on": [dt.date(2017, 9, 29), dt.date(2017, 9, 29), dt.date(2017, 9, 29), dt.date(2017, 9, 4),
                        dt.date(2017, 9, 4), None],
        "done_on": [dt.date(2017, 10, 3), dt.date(2017, 10, 4), None, dt.date(2017, 9, 5), dt.date(2017, 11, 1),
                    dt.date(2017, 9, 5)],
    }
)


def _rule(ctx: RuleContext) -> RecordRule:
    return RecordRule(
        dataset="contacts", id="id", month=pl.col("received_on"), start=pl.col("received_on"),
        deadline=ctx.calendar.add_business_days_expr("received_on", 2), completed=pl.col("done_on"),
        lookback=business_days_lookback(2, ctx.calendar),
    )


_MEASURE = Measure.from_rule("X", {"contacts": ("id", "received_on", "done_on")}, _rule)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        # September: a (on time), b (late, closed in its deadline's month), d (on time), e (open at the end of
        # its deadline's month, September: a failure); not c (its deadline is in October) nor f (no receipt).
        (Period(2017, 9), Counts(2, 4)),
        # October: c, still open at the end of its deadline's month (e's deadline, Wed 2017-09-06, fell in
        # September and it was open at September's end: it failed there, once).
        (Period(2017, 10), Counts(0, 1)),
        (Period(2017, 11), Counts(0, 0)),
    ],
)
def test_the_backlog_rule_by_hand(month: Period, expected: Counts) -> None:
    inputs = MeasureInput(month, {"contacts": _CONTACTS}, {}, ENGLAND_AND_WALES)
    assert _MEASURE.compute(inputs) == expected


def test_a_record_open_at_its_deadline_months_end_counts_there_once() -> None:
    # e: received 2017-09-04, deadline 2017-09-06, done 2017-11-01: a failure in September only.
    inputs = MeasureInput(Period(2017, 9), {"contacts": _CONTACTS.filter(pl.col("id") == "e")}, {}, ENGLAND_AND_WALES)
    assert _MEASURE.compute(inputs) == Counts(0, 1)
    for later in (Period(2017, 10), Period(2017, 11)):
        assert _MEASURE.compute(attrs_evolve(inputs, later)) == Counts(0, 0)


def attrs_evolve(inputs: MeasureInput, period: Period) -> MeasureInput:
    return MeasureInput(period, inputs.data, inputs.parameters, inputs.calendar)


def test_a_rule_is_checked_when_built() -> None:
    with pytest.raises(ValueError, match="'completed' must be given"):
        RecordRule(dataset="d", id="id", month="m", deadline=pl.col("x"))
    with pytest.raises(ValueError, match="'lookback' needs a 'start'"):
        RecordRule(dataset="d", id="id", month="m", passes="p", lookback=dt.timedelta(days=3))
    with pytest.raises(ValueError, match="'kind' must be"):
        RecordRule(dataset="d", id="id", month="m", passes="p", kind="share")  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", sorted(YEARS))
def test_evidence_adds_up_to_the_counts_in_every_kpi_month(seed: int, contract: csskpi.Contract) -> None:
    from csskpi.pipeline.evidence import kpi_evidence

    registry = _registry()
    start, end, _ = YEARS[seed]
    run = measure(contract, load_data(None, registry, frames=_frames(seed)), Period.range(start, end), registry)
    checked = 0
    for m in run.measurements:
        spec = registry.measures[contract.kpi(m.kpi).measure]
        if spec.rule is None and spec.evidence is None:
            continue
        found = kpi_evidence(contract, _frames(seed), m.kpi, m.period, registry.measures)
        assert (found.counts.passing, found.counts.population) == (m.numerator, m.denominator), f"{m.kpi} {m.period}"
        assert found.value == m.value
        assert set(found.records["verdict"].unique()) <= {"pass", "fail", "counted"}
        assert found.records["counted_in"].unique().to_list() in ([], [str(m.period)])
        checked += 1
    assert checked >= 100
