"""Properties of the rules, checked with the strategies of :mod:`csskpi.testing` (hypothesis)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi import (
    Comparison,
    Contract,
    Counts,
    Decisions,
    Direction,
    Measurement,
    Period,
    Status,
    TargetSchedule,
    TargetStep,
    classify,
    dump_contract,
    evaluate,
    judge,
    parse_contract,
    parse_measurements,
    round_half_up,
    summarise,
    write_measurements,
)
from csskpi import testing as cst
from csskpi.model.targets import schedule_problems

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=150, deadline=None)

BUNDLED = csskpi.load_contract("lincolnshire-css")
BUNDLED_STEPS = [step for kpi in BUNDLED.kpis for step in kpi.schedule.steps]
HUNDREDTH = Decimal("0.01")
NON_STRICT = (Comparison.GE, Comparison.LE)


def better(step: TargetStep, value: Decimal, by: Decimal) -> Decimal:
    """``value`` moved ``by`` (>= 0) in the direction the step says is better."""
    return value + by if step.direction is Direction.HIGHER else value - by


def near_levels(step: TargetStep) -> st.SearchStrategy[Decimal]:
    """Two-decimal values within 3.00 of the step's TSL or MSL (where the rules can go wrong)."""
    return st.tuples(st.sampled_from([step.tsl, step.msl]), st.integers(-300, 300)).map(
        lambda t: t[0] + Decimal(t[1]).scaleb(-2)
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Contract, list[Measurement], Decisions]:
    """A contract, measurements of it, and decisions about the months measured."""
    contract = draw(cst.contracts())
    rows = draw(cst.measurements(contract))
    decisions = draw(cst.decisions(contract, periods={m.period for m in rows}, measurements=rows))
    return contract, rows, decisions


def key(m: Measurement | csskpi.Result) -> tuple[str, Period]:
    return (m.kpi if isinstance(m, Measurement) else m.reference, m.period)


# --- classification -----------------------------------------------------------------------------------------


@FAST
@given(st.data(), st.one_of(cst.target_steps(), st.sampled_from(BUNDLED_STEPS)))
def test_a_better_value_never_gives_a_worse_status(data: st.DataObject, step: TargetStep) -> None:
    value = data.draw(near_levels(step), label="value")
    by = data.draw(st.integers(0, 500).map(lambda n: Decimal(n).scaleb(-2)), label="by")
    assert classify(better(step, value, by), step).severity <= classify(value, step).severity


@QUICK
@given(st.one_of(cst.target_steps(), st.sampled_from(BUNDLED_STEPS)))
def test_levels_are_met_exactly_as_the_comparison_says(step: TargetStep) -> None:
    # On the TSL: GREEN for >= and <=, not GREEN for > and <.
    assert (classify(step.tsl, step) is Status.GREEN) is (step.tsl_comparison in NON_STRICT)
    # A hundredth better than the TSL is GREEN; a hundredth worse than the MSL is RED.
    assert classify(better(step, step.tsl, HUNDREDTH), step) is Status.GREEN
    assert classify(better(step, step.msl, -HUNDREDTH), step) is Status.RED
    if step.msl != step.tsl:
        # On the MSL (distinct from the TSL): AMBER for >= and <=, RED for > and <.
        expected = Status.AMBER if step.msl_comparison in NON_STRICT else Status.RED
        assert classify(step.msl, step) is expected
        # Strictly between the levels: AMBER.
        assert classify(better(step, step.msl, HUNDREDTH / 100), step) is Status.AMBER


@FAST
@given(scenarios())
def test_the_value_judged_is_the_figure_rounded_as_the_contract_says(scenario: tuple[Contract, list[Measurement], Decisions]) -> None:
    contract, rows, _ = scenario
    places = contract.parameters.decimals
    for m in rows:
        r = judge(contract, m)
        if m.value is None:
            assert r.value is None and r.data_not_available and r.earned is Status.RED
        else:
            assert r.value == m.value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            assert r.earned is classify(r.value, r.step) and not r.data_not_available  # type: ignore[arg-type]


# --- evaluate: one result, one status, the step in force -----------------------------------------------------


@FAST
@given(scenarios(), st.sampled_from(["warn", "dna"]))
def test_exactly_one_result_and_one_status_per_kpi_month(
    scenario: tuple[Contract, list[Measurement], Decisions], missing: str
) -> None:
    contract, rows, decisions = scenario
    ev = evaluate(contract, rows, decisions, missing=missing)  # type: ignore[arg-type]
    given_keys = {key(m) for m in rows}
    in_force = {(k.reference, p) for p in {m.period for m in rows} for k in contract.kpis_in_force(p)}
    counts = Counter(key(r) for r in ev)
    assert set(counts.values()) <= {1}
    assert set(counts) == (given_keys if missing == "warn" else in_force)
    assert {(a.kpi, a.period) for a in ev.missing} == in_force - given_keys
    for r in ev:
        assert isinstance(r.status, Status)
        assert r.status in (r.earned, Status.BLUE)
        assert r.earned is not Status.BLUE
        if key(r) not in given_keys:  # judged as data not available
            assert r.value is None and r.earned is Status.RED


@FAST
@given(scenarios())
def test_the_step_applied_is_the_step_in_force(scenario: tuple[Contract, list[Measurement], Decisions]) -> None:
    contract, rows, decisions = scenario
    for r in evaluate(contract, rows, decisions, missing="dna"):
        assert r.step is not None
        assert r.step == r.kpi.schedule.step_at(r.period) == r.kpi.step_at(r.period)
        assert r.step.covers(r.period)
        assert r.step.start <= r.period and (r.step.end is None or r.period <= r.step.end)


@FAST
@given(st.data())
def test_schedule_steps_cover_each_month_once(data: st.DataObject) -> None:
    start = data.draw(cst.periods(Period(2010, 1), Period(2020, 12)), label="start")
    months = data.draw(st.integers(0, 36), label="months")
    end = start + (months - 1) if months else None
    schedule = data.draw(cst.target_schedules(start, end, max_steps=5), label="schedule")
    assert schedule_problems(schedule.steps) == []
    assert schedule.step_at(start.previous()) is None
    last = end if end is not None else start + 72
    if end is not None:
        assert schedule.step_at(end + 1) is None
    for period in Period.range(start, last):
        covering = [s for s in schedule.steps if s.covers(period)]
        assert len(covering) == 1 and schedule.step_at(period) == covering[0]


# --- decisions ------------------------------------------------------------------------------------------------


@FAST
@given(scenarios())
def test_a_mitigation_or_suspension_never_makes_a_result_worse(scenario: tuple[Contract, list[Measurement], Decisions]) -> None:
    contract, rows, decisions = scenario
    for m in rows:
        plain, relieved = judge(contract, m), judge(contract, m, decisions)
        assert relieved.earned is plain.earned and relieved.value == plain.value
        assert relieved.status.severity <= plain.status.severity
        kpi = contract.kpi(m.kpi)
        if decisions.mitigations_for(m.kpi, m.period):
            assert relieved.status is Status.BLUE and not relieved.data_not_available
        elif decisions.suspensions_for(kpi.area, m.period):
            # GREEN stays GREEN; AMBER and RED become BLUE.
            assert relieved.status is (Status.GREEN if plain.status is Status.GREEN else Status.BLUE)
        else:
            assert relieved.status is plain.status


@FAST
@given(st.data())
def test_a_mitigation_of_a_failing_month_always_gives_blue(data: st.DataObject) -> None:
    contract = data.draw(cst.contracts(), label="contract")
    rows = data.draw(cst.measurements(contract), label="rows")
    if not rows:
        return
    m = data.draw(st.sampled_from(rows), label="row")
    around = data.draw(st.integers(0, 2), label="around")
    mitigation = csskpi.Mitigation(m.kpi, m.period - around, m.period + around, reason="agreed")
    if judge(contract, m).earned is Status.GREEN:  # a month that met TSL cannot be mitigated
        with pytest.raises(csskpi.InputError, match="a month whose figure met TSL"):
            judge(contract, m, Decisions(mitigations=(mitigation,)))
    else:
        assert judge(contract, m, Decisions(mitigations=(mitigation,))).status is Status.BLUE
    area = contract.kpi(m.kpi).area
    suspended = judge(contract, m, Decisions(suspensions=(csskpi.Suspension((area,), m.period, m.period),)))
    assert suspended.status is (Status.GREEN if judge(contract, m).status is Status.GREEN else Status.BLUE)


@FAST
@given(scenarios())
def test_escalations_make_results_provisional_until_settled_and_never_change_status(
    scenario: tuple[Contract, list[Measurement], Decisions],
) -> None:
    contract, rows, decisions = scenario
    without = attrs.evolve(decisions, escalations=())
    settled = attrs.evolve(
        decisions, escalations=tuple(attrs.evolve(e, settled_on=e.settled_on or dt.date(2030, 1, 1)) for e in decisions.escalations)
    )
    for m in rows:
        r = judge(contract, m, decisions)
        assert r.provisional is any(not e.settled for e in decisions.escalations_for(m.kpi, m.period))
        for other in (judge(contract, m, without), judge(contract, m, settled)):
            assert (other.status, other.earned, other.value) == (r.status, r.earned, r.value)
            assert not other.provisional


@FAST
@given(scenarios())
def test_the_order_of_decisions_never_changes_a_status(scenario: tuple[Contract, list[Measurement], Decisions]) -> None:
    contract, rows, decisions = scenario
    reversed_ = Decisions(*(tuple(reversed(group)) for group in (decisions.mitigations, decisions.suspensions, decisions.escalations)))
    for a, b in zip(evaluate(contract, rows, decisions), evaluate(contract, rows, reversed_), strict=True):
        assert (a.status, a.earned, a.provisional, a.value) == (b.status, b.earned, b.provisional, b.value)


# --- order of rows ----------------------------------------------------------------------------------------------


@FAST
@given(st.data(), st.sampled_from(["warn", "dna"]))
def test_the_order_of_measurement_rows_never_matters(data: st.DataObject, missing: str) -> None:
    contract, rows, decisions = data.draw(scenarios(), label="scenario")
    permuted = data.draw(st.permutations(rows), label="permuted")
    a = evaluate(contract, rows, decisions, missing=missing)  # type: ignore[arg-type]
    b = evaluate(contract, permuted, decisions, missing=missing)  # type: ignore[arg-type]
    assert sorted(a.results, key=key) == sorted(b.results, key=key)
    assert a.results == b.results  # documented: catalogue order within each month, whatever the rows' order
    assert a.missing == b.missing
    assert summarise(a) == summarise(b)


# --- files ------------------------------------------------------------------------------------------------------


@FAST
@given(cst.contracts())
def test_contract_file_round_trip(contract: Contract) -> None:
    text = dump_contract(contract)
    again = parse_contract(text)
    assert again == contract
    assert dump_contract(again) == text


def test_bundled_contract_file_round_trip() -> None:
    text = dump_contract(BUNDLED)
    assert parse_contract(text) == BUNDLED
    assert dump_contract(parse_contract(text)) == text


@FAST
@given(scenarios(), st.text(max_size=30))
def test_measurements_file_round_trip(scenario: tuple[Contract, list[Measurement], Decisions], comment: str) -> None:
    contract, rows, decisions = scenario
    stream = io.StringIO()
    write_measurements(rows, stream, decisions=decisions, comment=comment)
    read = parse_measurements(stream.getvalue(), contract=contract)
    assert [(m.kpi, m.period, m.value) for m in read.measurements] == [(m.kpi, m.period, m.value) for m in rows]
    mitigated = {key(m) for m in rows if decisions.mitigations_for(m.kpi, m.period)}
    assert {(x.kpi, x.start) for x in read.decisions.mitigations} == mitigated
    escalated = {
        key(m) for m in rows if key(m) not in mitigated and m.value is not None and decisions.escalations_for(m.kpi, m.period)
    }
    assert {(e.kpi, e.period) for e in read.decisions.escalations} == escalated
    # What the file keeps of the decisions (mitigations, escalations) judges every row the same.
    kept = Decisions(decisions.mitigations, (), decisions.escalations)
    assert [r.status for r in evaluate(contract, read.measurements, read.decisions)] == [
        r.status for r in evaluate(contract, rows, kept)
    ]


# --- rounding and counts ------------------------------------------------------------------------------------------


def exact_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 200
        return Decimal(value.numerator) / Decimal(value.denominator)


representable = st.builds(
    lambda n, a, b: Fraction(n, 2**a * 5**b), st.integers(0, 10**7), st.integers(0, 8), st.integers(0, 8)
)
any_fraction = st.builds(Fraction, st.integers(0, 10**7), st.integers(1, 10**4))


signed = st.builds(lambda f, negative: -f if negative else f, st.one_of(representable, any_fraction), st.booleans())


@QUICK
@given(signed, st.integers(0, 4))
@example(Fraction(1, 8), 2)
@example(Fraction(-1, 8), 2)  # a tie below zero goes away from zero, as Decimal's ROUND_HALF_UP: -0.13
def test_round_half_up_of_a_fraction_is_decimal_half_up(value: Fraction, places: int) -> None:
    expected = exact_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert round_half_up(value, places) == expected
    assert round_half_up(value, places).as_tuple().exponent == -places
    if value.denominator == 2 ** _twos(value.denominator) * 5 ** _fives(value.denominator):  # exactly a Decimal
        assert round_half_up(value, places) == round_half_up(exact_decimal(value), places)


def _twos(n: int) -> int:
    return (n & -n).bit_length() - 1


def _fives(n: int) -> int:
    count = 0
    while n % 5 == 0:
        n, count = n // 5, count + 1
    return count


@st.composite
def percentage_counts(draw: st.DrawFn) -> Counts:
    population = draw(st.integers(0, 10**6))
    return Counts(draw(st.integers(0, population)), population)


@QUICK
@given(percentage_counts(), percentage_counts(), st.integers(0, 3))
def test_counts_give_a_percentage_from_0_to_100(a: Counts, b: Counts, places: int) -> None:
    for counts in (a, b, a + b):
        exact = counts.exact()
        if counts.population == 0:
            assert exact is None
            assert Measurement.from_counts("X", Period(2017, 9), counts).value is None
            continue
        assert exact is not None and 0 <= exact <= 100
        value = Measurement.from_counts("X", Period(2017, 9), counts, decimals=places).value
        assert value is not None and 0 <= value <= 100 and value == round_half_up(exact, places)
    # Pooled counts give a percentage between the two.
    pooled, ea, eb = (a + b).exact(), a.exact(), b.exact()
    if pooled is not None and ea is not None and eb is not None:
        assert min(ea, eb) <= pooled <= max(ea, eb)


# --- schedules reject overlaps and gaps -------------------------------------------------------------------------


@FAST
@given(st.data())
def test_a_schedule_rejects_an_overlap_or_a_gap(data: st.DataObject) -> None:
    end = data.draw(st.sampled_from([None, Period(2018, 3)]), label="end")
    schedule = data.draw(cst.target_schedules(Period(2015, 4), end, max_steps=5, min_steps=2), label="schedule")
    steps = list(schedule.steps)
    assert schedule_problems(steps) == []
    i = data.draw(st.integers(0, len(steps) - 2), label="boundary")
    before, after = steps[i], steps[i + 1]
    assert before.end is not None
    length_before = before.end - before.start + 1
    length_after = 10**6 if after.end is None else after.end - after.start + 1
    assert isinstance(length_before, int) and isinstance(length_after, int)
    room = max(length_before, length_after) - 1  # how far a boundary can move without emptying a step
    kind = data.draw(st.sampled_from(["overlap", "gap"] if room else ["overlap"]), label="kind")
    k = data.draw(st.integers(1, 3 if kind == "overlap" else min(3, room)), label="months")
    move_end = data.draw(st.booleans(), label="move end") if kind == "overlap" else length_before > k
    if kind == "overlap":
        perturbed = (attrs.evolve(before, end=before.end + k), after) if move_end else (before, attrs.evolve(after, start=after.start - k))
    else:
        perturbed = (attrs.evolve(before, end=before.end - k), after) if move_end else (before, attrs.evolve(after, start=after.start + k))
    steps[i : i + 2] = perturbed
    problems = schedule_problems(steps)
    assert any(p.startswith(f"{'steps overlap' if kind == 'overlap' else 'gap between steps'}") for p in problems), problems
    with pytest.raises(ValueError):
        TargetSchedule(tuple(steps))


@FAST
@given(cst.target_schedules(Period(2015, 4), None, max_steps=5, min_steps=2), st.data())
def test_a_schedule_rejects_an_open_step_before_another_or_mixed_directions(schedule: TargetSchedule, data: st.DataObject) -> None:
    steps = list(schedule.steps)
    i = data.draw(st.integers(0, len(steps) - 2), label="step")
    opened = steps.copy()
    opened[i] = attrs.evolve(steps[i], end=None)
    assert any("has no end" in p for p in schedule_problems(opened))
    j = data.draw(st.integers(0, len(steps) - 1), label="flipped")
    other = Direction.LOWER if schedule.direction is Direction.HIGHER else Direction.HIGHER
    step = steps[j]
    flipped = steps.copy()
    flipped[j] = TargetStep(step.start, step.end, step.msl, step.tsl, other.default_comparison, other.default_comparison)
    assert any("disagree" in p for p in schedule_problems(flipped))
    with pytest.raises(ValueError):
        TargetSchedule(tuple(flipped))


def test_csskpi_does_not_import_the_strategies() -> None:
    import subprocess
    import sys

    code = "import sys, csskpi; sys.exit(int('csskpi.testing' in sys.modules or 'hypothesis' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
