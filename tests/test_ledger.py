"""The results ledger's Python API, on SQLite and PostgreSQL: publish, restate, show a month as first published,
as at a time or as now, its history and what changed; measurements and decisions; append-only in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

import csskpi
from csskpi.engine.records import result_record
from csskpi.ledger import AppendOnlyError, Ledger, LedgerError, MonthView
from csskpi.model.decisions import Decisions, Escalation, Mitigation, Suspension
from csskpi.model.period import Period
from csskpi.model.result import Status

from . import test_ledger_support as support
from .test_ledger_support import build_evaluation, build_measurements, credit_run, months

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests

UTC = dt.UTC
T1 = dt.datetime(2017, 11, 10, 9, 0, tzinfo=UTC)
T2 = dt.datetime(2017, 12, 5, 14, 30, tzinfo=UTC)
T3 = dt.datetime(2018, 1, 20, 11, 15, tzinfo=UTC)


@pytest.fixture
def ledger(ledger_target: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_target) as opened:
        yield opened


def _escalated(kpi: str, period: str, settled: dt.date | None = None) -> Decisions:
    return Decisions(escalations=(Escalation(kpi, period, reason="supplier disputes the clock", raised_on=dt.date(2017, 10, 20),
                                             settled_on=settled, outcome="figure stands" if settled else ""),))


def test_publish_stores_results_points_and_credits_exactly(ledger: Ledger, contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-08", "2017-09"))
    run = credit_run(ev)
    versions = ledger.publish(ev, run, recorded_by="A. Analyst", at=T1)
    assert [(str(v.period), v.version, v.kind) for v in versions] == [("2017-08", 1, "publish"), ("2017-09", 1, "publish")]
    assert ledger.periods() == (Period(2017, 8), Period(2017, 9))
    view = ledger.month("2017-09")
    assert isinstance(view, MonthView)
    assert view.version.version == 1 and view.latest == 1 and view.version.recorded_by == "A. Analyst"
    assert view.version.recorded_at == T1
    expected = [r for r in ev.results if r.period == Period(2017, 9)]
    assert [r.kpi for r in view.results] == [r.reference for r in expected]
    assert [r.record for r in view.results] == [result_record(r) for r in expected]
    for stored, r in zip(view.results, expected, strict=True):
        assert stored.status is r.status and stored.value == r.value and stored.area == r.area
    points = {k.kpi: k.points for k in run.kpis if k.period == Period(2017, 9)}
    assert {k.kpi: k.points for k in view.kpis} == points
    credits = {a.area: a.credit for a in run.areas if a.period == Period(2017, 9)}
    assert {a.area: a.credit for a in view.areas} == credits
    from csskpi.engine import records as render

    if hasattr(render, "kpi_points_record"):  # the records are kept exactly as `csskpi credits` renders them
        assert [k.record for k in view.kpis] == [render.kpi_points_record(k) for k in run.kpis if k.period == Period(2017, 9)]
        assert [a.record for a in view.areas] == [render.area_credit_record(a) for a in run.areas if a.period == Period(2017, 9)]
    assert view.total_credit == run.total(Period(2017, 9))
    assert view.as_record()["total_credit"] == f"{run.total(Period(2017, 9)):f}"


def test_values_are_kept_as_exact_text(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = Period(2017, 9)
    kpi = contract.kpis_in_force(p)[0]
    m = csskpi.Measurement(kpi.reference, p, Decimal("99.950"))
    ev = csskpi.evaluate(contract, [m])
    ledger.publish(ev, recorded_by="A. Analyst")
    stored = ledger.month(p).result(kpi.reference)
    assert stored.value == ev.results[0].value and str(stored.value) == str(ev.results[0].value)


def test_publishing_a_published_month_is_refused_and_writes_nothing(ledger: Ledger, contract: csskpi.Contract) -> None:
    ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A. Analyst")
    with pytest.raises(LedgerError, match="2017-09 is already published .*restate it with a reason"):
        ledger.publish(build_evaluation(contract, months("2017-08", "2017-10")), recorded_by="A. Analyst")
    # One transaction: the two months not yet published were not published either.
    assert ledger.periods() == (Period(2017, 9),)
    with pytest.raises(LedgerError, match="2017-08 has not been published"):
        ledger.month("2017-08")


def test_restate_needs_a_reason_a_name_and_a_published_month(ledger: Ledger, contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-09", "2017-09"))
    with pytest.raises(LedgerError, match="has not been published: publish it before restating"):
        ledger.restate(ev, reason="correction", recorded_by="B")
    ledger.publish(ev, recorded_by="A")
    with pytest.raises(LedgerError, match="needs a reason"):
        ledger.restate(ev, reason="  ", recorded_by="B")
    if ledger.engine.dialect.name == "sqlite":
        with pytest.raises(LedgerError, match="say who is recording"):
            ledger.restate(ev, reason="correction", recorded_by="")
    assert [v.version for v in ledger.history("2017-09")] == [1]


def test_restatement_history_first_as_at_and_now(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = months("2017-09", "2017-09")
    kpi = contract.kpis_in_force(p[0])[4].reference
    v1 = build_evaluation(contract, p, decisions=_escalated(kpi, "2017-09"))
    ledger.publish(v1, credit_run(v1), recorded_by="A. Analyst", at=T1)
    # The escalation is settled: the same figures, no longer provisional.
    v2 = build_evaluation(contract, p, decisions=_escalated(kpi, "2017-09", settled=dt.date(2017, 12, 1)))
    ledger.restate(v2, credit_run(v2), reason="escalation settled", recorded_by="B. Board", at=T2)
    # An addendum corrects figures: another variant of the month.
    v3 = build_evaluation(contract, p, variant=1, decisions=_escalated(kpi, "2017-09", settled=dt.date(2017, 12, 1)))
    ledger.restate(v3, credit_run(v3), reason="addendum: June's 29 is 30", recorded_by="C. Clerk", at=T3)

    history = ledger.history("2017-09")
    assert [(h.version, h.kind, h.reason, h.recorded_by, h.recorded_at) for h in history] == [
        (1, "publish", "first publication", "A. Analyst", T1),
        (2, "restate", "escalation settled", "B. Board", T2),
        (3, "restate", "addendum: June's 29 is 30", "C. Clerk", T3),
    ]
    assert ledger.month("2017-09").version.version == 3
    first = ledger.month("2017-09", as_at="first")
    assert first.version.version == 1 and first.latest == 3
    assert first.result(kpi).provisional is True
    assert [r.record for r in first.results] == [result_record(r) for r in v1.results]
    between = ledger.month("2017-09", as_at=dt.datetime(2017, 12, 20, tzinfo=UTC))
    assert between.version.version == 2 and between.result(kpi).provisional is False
    assert ledger.month("2017-09", as_at=T2).version.version == 2  # at the very moment: included
    assert ledger.month("2017-09", as_at=dt.date(2017, 12, 5)).version.version == 2  # a date: its end
    assert ledger.month("2017-09", as_at="2017-12-05").version.version == 2
    assert ledger.month("2017-09", as_at="2017-12-05T14:29:59").version.version == 1  # naive: UTC
    assert ledger.month("2017-09", as_at=dt.datetime(2030, 1, 1, tzinfo=UTC)).version.version == 3
    assert ledger.month("2017-09", version=2).version.reason == "escalation settled"
    with pytest.raises(LedgerError, match="was not yet published at 2017-11-01 .*first published 2017-11-10 09:00:00"):
        ledger.month("2017-09", as_at=dt.datetime(2017, 11, 1, tzinfo=UTC))
    with pytest.raises(LedgerError, match="no version 4 of 2017-09"):
        ledger.month("2017-09", version=4)
    with pytest.raises(LedgerError, match="'as at' must be"):
        ledger.month("2017-09", as_at="last tuesday")


def test_changes_between_versions(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = months("2017-09", "2017-09")
    a = build_evaluation(contract, p)
    b = build_evaluation(contract, p, variant=1)
    ledger.publish(a, credit_run(a), recorded_by="A")
    ledger.restate(b, credit_run(b), reason="addendum", recorded_by="B")
    changes = ledger.changes("2017-09", 1, 2)
    old = {r.reference: r for r in a.results}
    new = {r.reference: r for r in b.results}
    differing = [k for k in new if (old[k].status, old[k].value) != (new[k].status, new[k].value)]
    assert differing and [c.kpi for c in changes.kpis] == differing
    pts_a = {k.kpi: k.points for k in credit_run(a).kpis}
    pts_b = {k.kpi: k.points for k in credit_run(b).kpis}
    for c in changes.kpis:
        assert (c.old_status, c.new_status) == (old[c.kpi].status, new[c.kpi].status)
        assert (c.old_value, c.new_value) == (old[c.kpi].value, new[c.kpi].value)
        assert (c.old_points, c.new_points) == (pts_a[c.kpi], pts_b[c.kpi])
    cred_a = {x.area: x.credit for x in credit_run(a).areas}
    cred_b = {x.area: x.credit for x in credit_run(b).areas}
    assert {c.area: (c.old_credit, c.new_credit) for c in changes.areas} == {
        area: (cred_a[area], cred_b[area]) for area in cred_a if cred_a[area] != cred_b[area]
    }
    record = changes.as_record()
    assert record["from_version"] == 1 and record["to_version"] == 2 and len(record["kpis"]) == len(differing)
    assert not ledger.changes("2017-09", 2, 2)
    # Back again: version 3 equals version 1, and the changes 2 -> 3 undo those of 1 -> 2.
    ledger.restate(a, credit_run(a), reason="addendum withdrawn", recorded_by="C")
    back = ledger.changes("2017-09", 2, 3)
    assert [(c.kpi, c.old_status, c.new_status) for c in back.kpis] == [(c.kpi, c.new_status, c.old_status) for c in changes.kpis]
    assert not ledger.changes("2017-09", 1, 3)


def test_restating_part_of_a_month_is_refused(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = Period(2017, 9)
    ledger.publish(build_evaluation(contract, [p]), recorded_by="A")
    one = [m for m in build_measurements(contract, [p], variant=1)][:1]
    with pytest.raises(LedgerError, match=r"would drop \d+ KPI\(s\) of its version 1"):
        ledger.restate(csskpi.evaluate(contract, one), reason="one figure corrected", recorded_by="B")
    assert len(ledger.history(p)) == 1


def test_a_restatement_cannot_be_backdated_before_the_version_it_follows(ledger: Ledger, contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-09", "2017-09"))
    ledger.publish(ev, recorded_by="A", at=T2)
    with pytest.raises(LedgerError, match="cannot be restated as at 2017-11-10.*recorded later"):
        ledger.restate(ev, reason="r", recorded_by="B", at=T1)


def test_a_credit_run_for_other_months_is_refused(ledger: Ledger, contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-08", "2017-09"))
    only_sept = build_evaluation(contract, months("2017-09", "2017-09"))
    with pytest.raises(LedgerError, match="a month the evaluation does not have"):
        ledger.publish(only_sept, credit_run(ev), recorded_by="A")
    with pytest.raises(LedgerError, match="nothing to publish"):
        ledger.publish(csskpi.evaluate(contract, []), recorded_by="A")
    assert ledger.periods() == ()


def test_measurements_as_reported_and_recomputed(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = Period(2017, 9)
    kpi = contract.kpis_in_force(p)[0].reference
    reported = csskpi.Measurement(kpi, p, Decimal("99.950"), csskpi.Source("reported", "m.csv", 7))
    recomputed = csskpi.Measurement(kpi, p, Decimal("99.94"), csskpi.Source("recomputed"), numerator=4997, denominator=5000)
    received = dt.datetime(2017, 10, 5, 8, 0, tzinfo=UTC)
    b1 = ledger.record_measurements([reported], recorded_by="A. Analyst", received_at=received, source="m.csv")
    b2 = ledger.record_measurements([recomputed, csskpi.Measurement(kpi, "2017-10", None)], recorded_by="Data team", origin="recomputed")
    assert (b1.count, b2.count, b1.kind) == (1, 2, "measurements") and b2.id > b1.id
    got = ledger.measurements(p, kpi)
    assert [(m.origin, m.value, str(m.value), m.source, m.numerator, m.denominator, m.recorded_by) for m in got] == [
        ("reported", Decimal("99.950"), "99.950", "m.csv:7", None, None, "A. Analyst"),
        ("recomputed", Decimal("99.94"), "99.94", "recomputed", 4997, 5000, "Data team"),
    ]
    assert got[0].received_at == received
    assert [m.value for m in ledger.measurements("2017-10")] == [None]
    assert len(ledger.measurements()) == 3


def test_decisions_with_settlement_and_who_and_when(ledger: Ledger, contract: csskpi.Contract) -> None:
    # A KPI that failed in 2017-09 (a month that met TSL cannot be mitigated).
    kpi = next(r.reference for r in build_evaluation(contract, [Period(2017, 9)]) if r.earned is not Status.GREEN)
    mitigation = Mitigation(kpi, "2017-09", "2017-10", reason="system migration", impact="late payments",
                            path_to_green="backlog cleared by November", decided_by="Contract board", decided_on=dt.date(2017, 11, 2))
    suspension = Suspension(("PM", "IMT"), "2017-09", "2017-09", reason="PPN 02/20", reference="PPN 02/20")
    decided = Decisions((mitigation,), (suspension,)) + _escalated(kpi, "2017-09")
    batch = ledger.record_decisions(decided, recorded_by="A. Analyst", at=T1)
    assert batch.count == 3
    again = ledger.record_decisions(decided, recorded_by="A. Analyst")
    assert again.count == 0  # the same decisions are not recorded twice
    ledger.record_decisions(_escalated(kpi, "2017-09", settled=dt.date(2017, 12, 1)), recorded_by="B. Board", at=T2)
    recorded = ledger.decisions()
    assert [(d.kind, d.recorded_by, d.recorded_at) for d in recorded] == [
        ("mitigation", "A. Analyst", T1), ("suspension", "A. Analyst", T1), ("escalation", "A. Analyst", T1),
        ("escalation", "B. Board", T2),
    ]
    assert recorded[0].record["path_to_green"] == "backlog cleared by November"
    assert recorded[0].record["decided_by"] == "Contract board" and recorded[0].record["decided_on"] == "2017-11-02"
    assert recorded[1].areas == ("PM", "IMT") and recorded[3].settled_on == dt.date(2017, 12, 1)
    current = ledger.current_decisions()
    assert [(m.kpi, m.start, m.end, m.reason, m.path_to_green) for m in current.mitigations] == [
        (kpi, Period(2017, 9), Period(2017, 10), "system migration", "backlog cleared by November")
    ]
    assert current.suspensions[0].areas == ("PM", "IMT")
    # The settlement stands over the open escalation it settles.
    assert [(e.kpi, e.settled_on, e.outcome) for e in current.escalations] == [(kpi, dt.date(2017, 12, 1), "figure stands")]
    ev = build_evaluation(contract, [Period(2017, 9)], decisions=current)
    assert ev.result(kpi, "2017-09").status is Status.BLUE and not ev.result(kpi, "2017-09").provisional


def test_publish_records_measurements_and_decisions_in_the_same_transaction(ledger: Ledger, contract: csskpi.Contract) -> None:
    p = Period(2017, 9)
    ms = build_measurements(contract, [p])
    decisions = _escalated(ms[0].kpi, "2017-09")
    ev = csskpi.evaluate(contract, ms, decisions)
    ledger.publish(ev, recorded_by="A", measurements=ms, decisions=decisions, source="m.csv")
    assert len(ledger.measurements(p)) == len(ms) and len(ledger.decisions()) == 1
    with pytest.raises(LedgerError, match="already published"):
        ledger.publish(ev, recorded_by="A", measurements=ms, decisions=_escalated(ms[1].kpi, "2017-09"))
    # The refused publication recorded neither its measurements nor its decisions.
    assert len(ledger.measurements(p)) == len(ms) and len(ledger.decisions()) == 1


TABLES = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits")


def test_the_database_refuses_updates_and_deletes(ledger: Ledger, contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-09", "2017-09"))
    ledger.publish(ev, credit_run(ev), recorded_by="A", measurements=build_measurements(contract, [Period(2017, 9)]),
                   decisions=_escalated(ev.results[0].reference, "2017-09"))
    before = ledger.month("2017-09")
    for table in TABLES:
        for statement in (f"UPDATE {table} SET id = id + 1000", f"DELETE FROM {table}"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
                conn.execute(sa.text(statement))
    if ledger.engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE results"))
    with ledger.engine.connect() as conn:
        for table in TABLES:
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() > 0
    assert ledger.month("2017-09") == before


def test_append_only_errors_are_ledger_errors(ledger: Ledger, contract: csskpi.Contract) -> None:
    from csskpi.ledger.engine import translate

    ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A")
    try:
        with ledger.engine.begin() as conn:
            conn.execute(sa.text("UPDATE results SET status = 'green'"))
    except sa.exc.DBAPIError as exc:
        error = translate(exc, "changing a result")
    assert isinstance(error, AppendOnlyError) and isinstance(error, csskpi.CsskpiError)
    assert "append-only" in str(error)


def test_open_refuses_what_is_not_a_ledger(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError, match="there is no ledger at .*csskpi ledger init"):
        Ledger.open(tmp_path / "absent.db", create=False)
    with pytest.raises(LedgerError, match="the folder .* does not exist"):
        Ledger.open(tmp_path / "no" / "such" / "folder.db")
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just words " * 100)
    with pytest.raises(LedgerError, match="cannot open the ledger at .*notes.txt"):
        Ledger.open(text)
    other = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{other}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id integer)"))
    engine.dispose()
    with pytest.raises(LedgerError, match="not a csskpi ledger: it has tables \\(invoices\\)"):
        Ledger.open(other)
    with pytest.raises(LedgerError, match="an SQLite file or a PostgreSQL database, not 'mysql'"):
        Ledger.open("mysql://user@host/db")
    with pytest.raises(LedgerError, match="is a folder"):
        Ledger.open(tmp_path)


def test_a_lost_race_for_a_version_number_is_retried(ledger: Ledger, contract: csskpi.Contract) -> None:
    """Should two writers ever take the same version number (one writing without the lock), the unique
    constraint refuses the second and its whole transaction is retried."""
    from csskpi.ledger import schema
    from csskpi.ledger.engine import run_write

    ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A")
    attempts: list[int] = []

    def work(conn: sa.Connection) -> int:
        version = 1 if not attempts else 2  # the first attempt collides with the published version 1
        attempts.append(version)
        conn.execute(schema.month_versions.insert().values(
            period="2017-09", version=version, kind="publish" if version == 1 else "restate", contract=contract.name,
            reason="race", recorded_by="B", recorded_at=T3, missing=[],
        ))
        return version

    assert run_write(ledger.engine, [Period(2017, 9).index], work, where="test") == 2
    assert attempts == [1, 2]
    assert [v.version for v in ledger.history("2017-09")] == [1, 2]
