"""Abatement points, service credits and watch rules: worked examples and properties."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi import Decisions, Measurement, Mitigation, Period, Status, Suspension
from csskpi.cli import main
from csskpi.engine.credits import compute_credits
from csskpi.engine.points import abatement_points
from csskpi.engine.regimes import CreditRegime
from csskpi.files.charges import read_charges
from csskpi.model.terms import BluePolicy, Charges, ChargeStep, PointsRules
from csskpi.plugin.registry import credit_regime
from csskpi.testing import contracts, histories, measurements

CONTRACT = """
format = 1
[contract]
name = "ladder"
start = 2017-01-01
end = 2019-12-31

[parameters.credits]
regime = "share_of_cap"
cap_percent = "10"

[[parameters.charges]]
area = "X"
from = "2017-01"
monthly_charge = "10000.00"

[[areas]]
code = "X"
name = "Example"

[[kpis]]
reference = "X_KPI_01"
area = "X"
unit = "percent"
direction = "higher"
points = 20
targets = [{ from = "2017-01", tsl = 90, msl = 80 }]

[[kpis]]
reference = "X_KPI_02"
area = "X"
unit = "percent"
direction = "higher"
points = 30
targets = [{ from = "2017-01", tsl = 90, msl = 80 }]
"""

AMBER, RED, GREEN = "85", "70", "95"


def _contract(**parameters: object) -> csskpi.Contract:
    """The contract above with ``parameters`` tables replaced, read as a contract file is (terms checked at load)."""
    data = tomllib.loads(CONTRACT)
    data["parameters"].update(parameters)
    return csskpi.parse_contract(tomli_w.dumps(data))


def _evaluate(contract: csskpi.Contract, values: list[str | None], decisions: Decisions = Decisions(), kpi: str = "X_KPI_01") -> csskpi.Evaluation:
    rows = [Measurement(kpi, Period(2017, 1) + i, None if v is None else Decimal(v)) for i, v in enumerate(values)]
    return csskpi.evaluate(contract, rows, decisions)


def _points(evaluation: csskpi.Evaluation, rules: PointsRules = PointsRules()) -> list[Decimal]:
    return [k.points for k in abatement_points(evaluation.results, rules)]


def test_ladder_amber_amber_amber_amber_red_green_red() -> None:
    ev = _evaluate(_contract(), [AMBER, AMBER, AMBER, AMBER, RED, GREEN, RED])
    run = abatement_points(ev.results)
    assert [k.points for k in run] == [Decimal(x) for x in ("10", "15", "20", "20", "40", "0", "20")]
    assert [k.multiplier for k in run] == [Decimal(x) for x in ("1", "1.5", "2", "2", "2", "1", "1")]
    assert run[2].reason == "AMBER: 20 points × 50% × 2.0 (3rd consecutive failing month)"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(BluePolicy.END, ["10", "0", "10"]), (BluePolicy.PAUSE, ["10", "0", "15"]), (BluePolicy.COUNT, ["10", "0", "20"])],
)
def test_blue_month_in_a_run_under_each_policy(policy: BluePolicy, expected: list[str]) -> None:
    mitigation = Mitigation("X_KPI_01", Period(2017, 2), Period(2017, 2), reason="outside the supplier's control")
    ev = _evaluate(_contract(), [AMBER, RED, AMBER], Decisions(mitigations=(mitigation,)))
    assert [r.status for r in ev] == [Status.AMBER, Status.BLUE, Status.AMBER]
    assert _points(ev, PointsRules(blue=policy)) == [Decimal(x) for x in expected]


def test_blue_policy_is_a_contract_parameter() -> None:
    contract = _contract(points={"blue_policy": "count"})
    mitigation = Mitigation("X_KPI_01", Period(2017, 2), Period(2017, 2))
    run = compute_credits(_evaluate(contract, [AMBER, RED, AMBER], Decisions(mitigations=(mitigation,))))
    assert [k.points for k in run.kpis] == [Decimal("10"), Decimal("0"), Decimal("20")]
    with pytest.raises(csskpi.ContractError, match="parameters.points") as caught:
        _contract(points={"blue_policy": "sometimes"})  # refused when the contract is loaded, not at credits
    assert caught.value.problems[0].line is not None


def test_data_not_available_attracts_full_points() -> None:
    (k,) = abatement_points(_evaluate(_contract(), [None]).results)
    assert k.data_not_available and k.points == 20 and k.reason.startswith("data not available")


def test_a_gap_in_the_months_breaks_the_run() -> None:
    contract = _contract()
    rows = [Measurement("X_KPI_01", Period(2017, 1), Decimal(AMBER)), Measurement("X_KPI_01", Period(2017, 3), Decimal(AMBER))]
    assert _points(csskpi.evaluate(contract, rows)) == [Decimal(10), Decimal(10)]


def test_share_of_cap_and_an_area_over_its_allocation_hits_the_cap_exactly() -> None:
    contract = _contract()
    run = compute_credits(_evaluate(contract, [RED, GREEN]))
    first = run.areas[0]
    # 20 of the 50 points allocated (both KPIs in force, one with no row), cap 10% of £10,000.
    assert (first.points, first.allocated, first.cap, first.credit) == (Decimal(20), 50, Decimal("1000.00"), Decimal("400.00"))
    rows = [Measurement(ref, Period(2017, 1) + i, Decimal(RED)) for ref in ("X_KPI_01", "X_KPI_02") for i in range(3)]
    over = compute_credits(csskpi.evaluate(contract, rows))
    third = over.areas[2]
    assert third.points == 100 > third.allocated and third.credit == third.cap == Decimal("1000.00") and third.capped


@pytest.mark.parametrize(
    ("credits", "expected"),
    [
        ({"regime": "per_point", "amount_per_point": "12.50"}, "250.00"),  # 20 points × £12.50
        ({"regime": "percent_of_charge_per_point", "percent_per_point": "0.1"}, "200.00"),  # 0.1% × 10,000 × 20
        ({"regime": "percent_per_point_below_target", "percent_per_point": "0.5"}, "1000.00"),  # 20 points below: 0.5% × 20 × 10,000 = 1,000 = cap
        ({"regime": "percent_per_point_below_target", "percent_per_point": "0.25"}, "500.00"),
    ],
)
def test_other_credit_regimes(credits: dict[str, str], expected: str) -> None:
    contract = _contract(credits={"cap_percent": "10", **credits})
    run = compute_credits(_evaluate(contract, [RED]))  # 70 against TSL 90: 20 points below target, 20 abatement points
    assert run.areas[0].credit == Decimal(expected) and run.areas[0].regime == credits["regime"]


def test_unknown_regime_and_missing_parameter() -> None:
    bespoke = _contract(credits={"regime": "bespoke"})  # a plugin's regime: known only when plugins are asked
    with pytest.raises(csskpi.ContractError, match="'bespoke' is not built in"):
        compute_credits(_evaluate(bespoke, [RED]))
    with pytest.raises(csskpi.ContractError, match="no credit regime 'bespoke'"):
        credit_regime(bespoke)
    with pytest.raises(csskpi.ContractError, match="amount_per_point"):
        _contract(credits={"regime": "per_point"})
    with pytest.raises(csskpi.ContractError, match="amount_per_pont"):
        _contract(credits={"regime": "per_point", "amount_per_pont": "1"})


def test_csskpi_credit_regimes_from_a_plugin() -> None:
    class Flat:
        @csskpi.hookimpl
        def csskpi_credit_regimes(self) -> list[CreditRegime]:
            return [CreditRegime("flat", "£99.999 per failing month", lambda i: Decimal("99.999") if i.points else Decimal(0))]

    pm = csskpi.get_plugin_manager(load_entry_points=False, extra=[Flat()])
    contract = _contract(credits={"regime": "flat"})
    run = compute_credits(_evaluate(contract, [RED, GREEN]), regime=credit_regime(contract, pm))
    assert [a.credit for a in run.areas] == [Decimal("100.00"), Decimal("0.00")]  # rounded to pence half-up, once


def test_charges_file(tmp_path: Path) -> None:
    path = tmp_path / "charges.csv"
    path.write_text("area,from,monthly_charge\nX,2017-01,5000\nX,2017-03,8000.50\n", encoding="utf-8")
    charges = read_charges(path)
    assert charges.at("X", Period(2017, 2)) == 5000 and charges.at("X", Period(2017, 4)) == Decimal("8000.50")
    run = compute_credits(_evaluate(_contract(), [RED, RED, RED]), charges)
    assert [a.cap for a in run.areas] == [Decimal("500.00"), Decimal("500.00"), Decimal("800.05")]
    path.write_text("area,from,monthly_charge\nX,2017-13,5000\nX,2017-03,lots\n", encoding="utf-8")
    with pytest.raises(csskpi.InputError) as info:
        read_charges(path)
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "from"), (3, "monthly_charge")]
    with pytest.raises(csskpi.InputError, match="no monthly charge for X in 2017-01"):
        compute_credits(_evaluate(_contract(), [RED]), Charges((ChargeStep("X", Period(2018, 1), "1"),)))


def test_watch_rules_fire_with_their_months() -> None:
    contract = _contract(watch=[
        {"name": "red x3", "rule": "consecutive", "statuses": ["red"], "months": 3},
        {"name": "3 of 9", "rule": "failures_in_window", "count": 3, "window": 9},
        {"name": "points", "rule": "points_in_window", "points": 60, "window": 3},
        {"name": "cap", "rule": "credit_at_cap"},
    ])
    run = compute_credits(_evaluate(contract, [RED, RED, GREEN, RED, RED, RED, GREEN, AMBER]))
    by_rule: dict[str, list[csskpi.engine.watch.WatchWarning]] = {}
    for w in run.warnings:
        by_rule.setdefault(w.rule, []).append(w)
    assert [[str(p) for p in w.months] for w in by_rule["red x3"]] == [["2017-04", "2017-05", "2017-06"]]
    assert [str(w.months[-1]) for w in by_rule["3 of 9"]] == ["2017-04", "2017-05", "2017-06", "2017-08"]
    # points by month: 20, 30, 0, 20, 30, 40, 0, 10; three-month sums reach 60 to June (90) and July (70)
    assert [str(w.months[-1]) for w in by_rule["points"]] == ["2017-06", "2017-07"]
    assert "cap" not in by_rule
    with pytest.raises(csskpi.ContractError, match="unknown rule 'vibes'"):
        _contract(watch=[{"rule": "vibes"}])
    with pytest.raises(csskpi.ContractError, match="'window' must be a whole number"):
        _contract(watch=[{"rule": "failures_in_window", "window": 0}])


def test_credits_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credits", "--example", "dec-2017", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    k = next(x for x in doc["kpis"] if x["kpi"] == "CSC_KPI_04" and x["period"] == "2017-07")
    assert (k["status"], k["points"], k["multiplier"]) == ("red", "80.00", "2")
    area = next(a for a in doc["areas"] if a["area"] == "CSC" and a["period"] == "2017-05")
    assert set(area) >= {"period", "area", "points", "credit", "cap"} and area["cap"] == "23000.00"
    assert any(w["rule"] == "same KPI red 3 months running" for w in doc["warnings"])


def test_credits_command_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credits", "--example", "dec-2017", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "RED: 40 points × 100% × 2.0 (3rd consecutive failing month)" in out and "Total" in out


# --- properties ------------------------------------------------------------------------------------------------

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with_charges(contract: csskpi.Contract, policy: str) -> csskpi.Contract:
    charges = Charges(tuple(ChargeStep(a, contract.calendar.first_period, "1000.00") for a in contract.area_codes))
    terms = attrs.evolve(contract.parameters, charges=charges, points=PointsRules(blue=policy))
    return attrs.evolve(contract, parameters=terms)


def _better(value: Decimal | None, kpi: csskpi.KPI, by: Decimal) -> Decimal:
    if value is None:
        return kpi.schedule.steps[0].tsl
    better = value + by if kpi.direction is csskpi.Direction.HIGHER else value - by
    # Still a figure the KPI's unit allows (a percentage 0 to 100, a count not negative).
    return min(max(better, Decimal(0)), Decimal(100)) if kpi.unit is csskpi.Unit.PERCENT else max(better, Decimal(0))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[csskpi.Contract, list[Measurement]]:
    contract = _with_charges(draw(contracts(max_kpis=4, max_months=18)), draw(st.sampled_from(["end", "pause", "count"])))
    return contract, draw(measurements(contract, max_periods=6))


def _by_key(run: csskpi.engine.credits.CreditRun) -> tuple[dict[tuple[str, Period], Decimal], dict[tuple[str, Period], Decimal]]:
    return {(k.kpi, k.period): k.points for k in run.kpis}, {(a.area, a.period): a.credit for a in run.areas}


@PROPS
@given(scenarios())
def test_points_and_credits_never_negative_and_credit_never_above_cap(scenario: tuple[csskpi.Contract, list[Measurement]]) -> None:
    contract, rows = scenario
    run = compute_credits(csskpi.evaluate(contract, rows), watch=False)
    assert all(k.points >= 0 for k in run.kpis)
    assert all(Decimal(0) <= a.credit <= a.cap for a in run.areas)


@PROPS
@given(scenarios(), st.data())
def test_improving_a_value_never_raises_any_points(scenario: tuple[csskpi.Contract, list[Measurement]], data: st.DataObject) -> None:
    contract, rows = scenario
    if not rows:
        return
    i = data.draw(st.integers(0, len(rows) - 1))
    by = data.draw(st.sampled_from([Decimal("0.01"), Decimal("1"), Decimal("50")]))
    better = rows[:i] + [attrs.evolve(rows[i], value=_better(rows[i].value, contract.kpi(rows[i].kpi), by))] + rows[i + 1:]
    before, credit_before = _by_key(compute_credits(csskpi.evaluate(contract, rows), watch=False))
    after, credit_after = _by_key(compute_credits(csskpi.evaluate(contract, better), watch=False))
    assert all(after[key] <= before[key] for key in before)
    assert all(credit_after[key] <= credit_before[key] for key in credit_before)


@PROPS
@given(scenarios(), st.data())
def test_mitigation_and_suspension_never_raise_points_or_credits(scenario: tuple[csskpi.Contract, list[Measurement]], data: st.DataObject) -> None:
    contract, rows = scenario
    if not rows:
        return
    m = data.draw(st.sampled_from(rows))
    relief = data.draw(st.sampled_from([
        Decisions(mitigations=(Mitigation(m.kpi, m.period, m.period),)),
        Decisions(suspensions=(Suspension((contract.kpi(m.kpi).area,), m.period, m.period + 1),)),
    ]))
    if relief.mitigations and csskpi.judge(contract, m).earned is Status.GREEN:
        with pytest.raises(csskpi.InputError, match="a month whose figure met TSL"):
            csskpi.evaluate(contract, rows, relief)  # a mitigation of a month that met TSL is refused
        return
    before, credit_before = _by_key(compute_credits(csskpi.evaluate(contract, rows), watch=False))
    after, credit_after = _by_key(compute_credits(csskpi.evaluate(contract, rows, relief), watch=False))
    assert all(after[key] <= before[key] for key in before)
    assert all(credit_after[key] <= credit_before[key] for key in credit_before)


@PROPS
@given(scenarios(), st.data())
def test_a_months_points_depend_only_on_the_history_up_to_it(scenario: tuple[csskpi.Contract, list[Measurement]], data: st.DataObject) -> None:
    contract, rows = scenario
    if not rows:
        return
    cut = data.draw(st.sampled_from(sorted({m.period for m in rows})))
    full, _ = _by_key(compute_credits(csskpi.evaluate(contract, rows), watch=False))
    early, _ = _by_key(compute_credits(csskpi.evaluate(contract, [m for m in rows if m.period <= cut]), watch=False))
    assert early == {key: v for key, v in full.items() if key[1] <= cut}


@PROPS
@given(st.data())
def test_the_ladder_over_a_history(data: st.DataObject) -> None:
    contract = _with_charges(data.draw(contracts(max_kpis=2, max_months=24)), "end")
    rows = data.draw(histories(contract))
    run = abatement_points(csskpi.evaluate(contract, rows).results)
    for k in run:
        # A failing month's multiplier is the ladder's at its place in the run; its points never exceed 2x its base.
        assert (k.run == 0) == (not k.status.failing)
        assert k.points <= 2 * k.base and (k.run < 3 or k.multiplier == 2)
    runs = [k.run for k in run]
    assert all(b in (0, a + 1) for a, b in zip(runs, runs[1:], strict=False))  # consecutive months: +1 or reset
