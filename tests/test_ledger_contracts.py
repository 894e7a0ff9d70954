"""Several contracts in one ledger, the terms behind each version, restating only what changed, decisions read
inside the write, the views for reporting tools, and a ledger of the previous revision upgraded in place — on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
import tomli_w

import csskpi
from csskpi.files.contract import parse_contract
from csskpi.files.contract_dump import dump_contract
from csskpi.ledger import Ledger, LedgerError
from csskpi.ledger.terms import terms_of
from csskpi.model.decisions import Decisions, Mitigation
from csskpi.model.period import Period
from csskpi.model.result import Status

from . import test_ledger_support as support
from .test_ledger_support import build_evaluation, build_measurements, credit_run, months

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests

UTC = dt.UTC


@pytest.fixture
def ledger(ledger_target: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_target) as opened:
        yield opened


def edited(contract: csskpi.Contract, change: Any) -> csskpi.Contract:
    """The contract with its file's data changed by ``change(data)``."""
    data = tomllib.loads(dump_contract(contract))
    change(data)
    return parse_contract(tomli_w.dumps(data))


def renamed(contract: csskpi.Contract, name: str) -> csskpi.Contract:
    return edited(contract, lambda d: d["contract"].update(name=name))


def tsl_1(kpi: str) -> Any:
    """The issue's forgery: a file of the same name whose ``kpi``'s TSL is 1 (and MSL 0)."""

    def change(data: dict[str, Any]) -> None:
        for k in data["kpis"]:
            if k["reference"] == kpi:
                for step in k["targets"]:
                    step.update(tsl=1, msl=0)

    return change


def test_two_contracts_in_one_ledger(ledger: Ledger, contract: csskpi.Contract) -> None:
    other = renamed(contract, "shared-service")
    p = months("2017-09", "2017-09")
    a, b = build_evaluation(contract, p), build_evaluation(other, p, variant=2)
    ledger.publish(a, credit_run(a), recorded_by="A")
    ledger.publish(b, credit_run(b), recorded_by="B")  # the same month of another contract: not "already published"
    assert ledger.contracts() == ("lincolnshire-css", "shared-service")
    with pytest.raises(LedgerError, match=r"holds several contracts \(lincolnshire-css, shared-service\): say which"):
        ledger.month("2017-09")
    mine, theirs = ledger.month("2017-09", contract=contract.name), ledger.month("2017-09", contract="shared-service")
    assert mine.version.contract == contract.name and theirs.version.contract == "shared-service"
    assert [r.value for r in mine.results] == [r.value for r in a.results]
    assert [r.value for r in theirs.results] == [r.value for r in b.results]
    assert mine.version.terms_digest != theirs.version.terms_digest
    b2 = build_evaluation(other, p, variant=3)
    (info,) = ledger.restate(b2, credit_run(b2), reason="addendum", recorded_by="B")
    assert (info.contract, info.version) == ("shared-service", 2)
    assert [v.version for v in ledger.history("2017-09", contract=contract.name)] == [1]
    assert ledger.changes("2017-09", 1, 2, contract="shared-service")
    assert ledger.periods(contract="shared-service") == (Period(2017, 9),)
    with pytest.raises(LedgerError, match="holds no contract named 'nope' \\(it holds: lincolnshire-css, shared-service\\)"):
        ledger.history("2017-09", contract="nope")
    result = ledger.verify(contract="shared-service")
    assert result.ok and result.versions == 3


def test_decisions_belong_to_their_contract(ledger: Ledger, contract: csskpi.Contract) -> None:
    other = renamed(contract, "shared-service")
    kpi = contract.kpis_in_force(Period(2017, 9))[0].reference
    mitigation = Decisions((Mitigation(kpi, "2017-09", "2017-09", reason="migration", decided_by="Board"),))
    ledger.record_decisions(mitigation, recorded_by="A", contract="shared-service")
    assert ledger.current_decisions(contract="shared-service").mitigations
    assert not ledger.current_decisions(contract=contract.name).mitigations
    # The same decision for the other contract is new there, not "already held".
    assert ledger.record_decisions(mitigation, recorded_by="A", contract=contract.name).count == 1
    assert ledger.record_decisions(mitigation, recorded_by="A", contract=contract.name).count == 0
    assert other.name == "shared-service"


def test_each_version_keeps_its_terms_and_a_restatement_says_what_changed(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = months("2017-09", "2017-09")
    ev = build_evaluation(contract, p)
    (first,) = ledger.publish(ev, credit_run(ev), recorded_by="A")
    terms = terms_of(contract)
    assert first.terms_digest == terms.digest and first.changes == terms.changes and len(terms.changes) > 0
    with ledger.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT terms FROM contract_terms WHERE digest = :d"), {"d": terms.digest}).scalar_one()
    assert parse_contract(stored) == contract  # the terms read back to the contract
    # A failing KPI where higher is better, whose figure is at least 1: under a TSL of 1 it passes.
    changed_later = {t.kpi for ch in contract.changes for t in ch.targets}
    failing = next(r for r in ev.results if r.status in (Status.AMBER, Status.RED) and r.kpi.direction.value == "higher"
                   and r.value is not None and r.value >= 1 and r.reference not in changed_later)
    kpi = failing.reference
    old_step = contract.kpi(kpi).step_at(Period(2017, 9))
    assert old_step is not None
    forged = edited(contract, tsl_1(kpi))
    assert forged.name == contract.name
    again = csskpi.evaluate(forged, build_measurements(contract, p), missing="dna")
    assert again.result(kpi, "2017-09").status is Status.GREEN
    with pytest.raises(LedgerError, match="needs a reason"):
        ledger.restate(again, credit_run(again), reason="", recorded_by="B")
    written = ledger.restate(again, credit_run(again), reason="contract file replaced", recorded_by="B")
    (second,) = written
    assert second.terms_digest == terms_of(forged).digest != first.terms_digest
    notes = written.terms_changes[Period(2017, 9)]
    was = (f"TSL {old_step.tsl_comparison.value} {old_step.tsl.normalize():f}, "
           f"MSL {old_step.msl_comparison.value} {old_step.msl.normalize():f}")
    assert f"{kpi} targets: {was} → TSL {old_step.tsl_comparison.value} 1, MSL {old_step.msl_comparison.value} 0" in notes, notes
    history = ledger.history("2017-09")
    assert [h.terms_digest for h in history] == [first.terms_digest, second.terms_digest]
    assert ledger.changes("2017-09", 1, 2).terms_changed
    # One row per distinct terms, however many versions use them.
    ev2 = build_evaluation(contract, months("2017-10", "2017-11"))
    ledger.publish(ev2, credit_run(ev2), recorded_by="A")
    with ledger.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM contract_terms")).scalar() == 2


def test_a_restatement_writes_only_the_months_that_changed(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = months("2017-07", "2017-09")
    a = build_evaluation(contract, p)
    ledger.publish(a, credit_run(a), recorded_by="A")
    head = ledger.head()
    same = ledger.restate(a, credit_run(a), reason="re-run", recorded_by="B")
    assert tuple(same) == () and same.unchanged == tuple(p) and same.head == head == ledger.head()
    b = build_evaluation(contract, p, variant=1)
    # September corrected (a month's watch-rule warnings look back, never forward: July and August stand).
    mixed_ms = [m for m in build_measurements(contract, p) if m.period != Period(2017, 9)]
    mixed_ms += [m for m in build_measurements(contract, p, variant=1) if m.period == Period(2017, 9)]
    mixed = csskpi.evaluate(contract, mixed_ms, missing="dna")
    written = ledger.restate(mixed, credit_run(mixed), reason="September corrected", recorded_by="B")
    assert [str(v.period) for v in written] == ["2017-09"] and written.unchanged == (Period(2017, 7), Period(2017, 8))
    assert [v.version for v in ledger.history("2017-07")] == [1]
    assert ledger.month("2017-09").version.version == 2
    assert b.results  # the variant is a real restatement
    assert ledger.verify(expect_head=head).ok


def test_decisions_are_read_inside_the_write(ledger: Ledger, contract: csskpi.Contract) -> None:
    """``Ledger.write`` hands the evaluation the decisions held *under the write lock*, including those recorded
    in the same call; the version records which decisions were in force."""
    p = months("2017-09", "2017-09")
    ms = build_measurements(contract, p)
    failing = next(r for r in csskpi.evaluate(contract, ms, missing="dna").results if r.status in (Status.AMBER, Status.RED))
    mitigation = Decisions((Mitigation(failing.reference, "2017-09", "2017-09", reason="agreed", decided_by="Board"),))
    seen: list[Decisions] = []

    def build(held: Decisions) -> tuple[csskpi.Evaluation, Any]:
        seen.append(held)
        ev = csskpi.evaluate(contract, ms, held, missing="dna")
        return ev, credit_run(ev)

    written = ledger.write("publish", contract, build, reason="first publication", recorded_by="A", decisions=mitigation)
    assert len(seen[0].mitigations) == 1
    assert ledger.month("2017-09").result(failing.reference).status is Status.BLUE
    with ledger.engine.connect() as conn:
        ids = conn.execute(sa.text("SELECT decisions FROM month_versions WHERE id = (SELECT max(id) FROM month_versions)")).scalar()
        held = conn.execute(sa.text("SELECT id FROM decisions")).scalars().all()
    assert support_loads(ids) == list(held) and len(held) == 1
    assert written.head == ledger.head()


def support_loads(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_the_views_give_the_current_figures_as_numbers(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = months("2017-09", "2017-09")
    a, b = build_evaluation(contract, p), build_evaluation(contract, p, variant=1)
    ledger.publish(a, credit_run(a), recorded_by="A")
    ledger.restate(b, credit_run(b), reason="addendum", recorded_by="B")
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT kpi, version, status, value, value_text FROM current_results "
                                    "WHERE contract = :c AND period = '2017-09' ORDER BY kpi"), {"c": contract.name}).all()
        credits = conn.execute(sa.text("SELECT area, credit FROM current_credits ORDER BY area")).all()
        total = conn.execute(sa.text("SELECT sum(credit) FROM current_credits")).scalar()
    expected = {r.reference: r for r in b.results}
    assert len(rows) == len(expected) and {r.version for r in rows} == {2}
    for kpi, _version, status, value, text in rows:
        assert status == expected[kpi].status.value and text == (None if expected[kpi].value is None else f"{expected[kpi].value:f}")
        if value is not None:
            assert isinstance(value, (int, float, Decimal)) and not isinstance(value, str)  # a number, not text
            assert Decimal(str(value)) == expected[kpi].value
    run = credit_run(b)
    assert {a: Decimal(str(c)) for a, c in credits} == {x.area: x.credit for x in run.areas}
    assert Decimal(str(total)).quantize(Decimal("0.01")) == run.total(Period(2017, 9))
