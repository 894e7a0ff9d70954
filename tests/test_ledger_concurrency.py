"""Crash safety and concurrent writers, with real processes, on SQLite and PostgreSQL.

- A writer process killed with SIGKILL in the middle of a large restatement (24 months of results, points and
  credits): it stops itself inside its transaction after writing half the months, says so, and is killed.
  Afterwards the ledger opens, every committed version is intact and the partial one is absent.
- Several processes, released at one signal on a ledger that does not exist yet, each create it (the schema
  migration races) and append N versions of the same two months (the first publication races too): all N×k
  versions are there, numbered 1..N×k with no gap or duplicate, each writer's in its own order, and the two
  months' versions line up (each write of both months was one transaction).

The processes are forked from the test (``multiprocessing``'s fork context): separate OS processes with their own
database connections, without paying for a new interpreter each. Nothing here measures time: the waits are only
guards against a hung child.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy import event

import csskpi
from csskpi import Status
from csskpi.ledger import Ledger, LedgerError
from csskpi.model.period import Period

from . import test_ledger_support as support
from .test_ledger_support import (
    build_evaluation,
    create_pg_schema,
    credit_run,
    drop_pg_schema,
    months,
    postgres_schema_url,
    postgres_url,
)

backend = support.backend  # the fixture, for this module's tests

GUARD = 120  # seconds: only a guard against a child that hangs, never an assertion about speed

if sys.platform != "linux":  # pragma: no cover
    pytest.skip("these tests fork processes and send SIGKILL (Linux)", allow_module_level=True)

FORK = multiprocessing.get_context("fork")


def _target(backend: str, tmp_path: Path, request: pytest.FixtureRequest, **query: str) -> str:
    if backend == "sqlite":
        return str(tmp_path / "ledger.db")
    postgres_url()
    schema = create_pg_schema()
    request.addfinalizer(lambda: drop_pg_schema(schema))
    return postgres_schema_url(schema, **query)


def _child(work: Any, report: Any, *args: Any) -> None:
    """Run ``work`` in the child, reporting ("error", traceback) if it fails."""
    try:
        work(report, *args)
    except BaseException:
        report.put(("error", traceback.format_exc()))
        raise


def _get(report: Any, procs: list[Any]) -> tuple[str, Any]:
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        try:
            item: tuple[str, Any] = report.get(timeout=0.5)
            return item
        except queue.Empty:  # check the children are alive
            if all(p.exitcode is not None for p in procs):
                break
    pytest.fail("a child process stopped or hung without reporting")


# -- kill -9 in the middle of a write ----------------------------------------------------------------------

def _killed_writer(report: Any, target: str, evaluation: csskpi.Evaluation, run: Any, stop_after: int) -> None:
    ledger = Ledger.open(target, create=False)
    written = 0

    @event.listens_for(ledger.engine, "after_cursor_execute")
    def pause_mid_write(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        nonlocal written
        if statement.lstrip().upper().startswith("INSERT INTO AREA_CREDITS"):
            written += 1  # one month's version, results, points and credits are written (not committed)
            if written == stop_after:
                report.put(("paused", written))
                time.sleep(GUARD)

    ledger.restate(evaluation, run, reason="this restatement never commits", recorded_by="killed writer")
    report.put(("committed", None))


TABLES = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits")


def _snapshot(ledger: Ledger) -> dict[str, list[Any]]:
    """Every row of every table of the ledger."""
    with ledger.engine.connect() as conn:
        return {t: [tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


_LARGE: dict[int, tuple[list[csskpi.Evaluation], list[Any]]] = {}


def _large(contract: csskpi.Contract) -> tuple[list[csskpi.Evaluation], list[Any]]:
    """Three versions of 24 months, with their credit runs (built once for both backends)."""
    if id(contract) not in _LARGE:
        evaluations = [build_evaluation(contract, months("2016-04", "2018-03"), variant=v) for v in range(3)]
        _LARGE[id(contract)] = (evaluations, [credit_run(ev) for ev in evaluations])
    return _LARGE[id(contract)]


def test_kill_9_mid_write_loses_nothing_committed(backend: str, tmp_path: Path, request: pytest.FixtureRequest, contract: csskpi.Contract) -> None:
    target = _target(backend, tmp_path, request, application_name="csskpi-killed-writer")
    periods = months("2016-04", "2018-03")
    evaluations, runs = _large(contract)
    with Ledger.open(target) as ledger:
        ledger.publish(evaluations[0], runs[0], recorded_by="A. Analyst")
        ledger.restate(evaluations[1], runs[1], reason="addendum", recorded_by="B. Board")
        sample = [periods[0], periods[11], periods[12], periods[-1]]  # either side of where the write stops
        committed = {p: (ledger.month(p, version=1), ledger.month(p, version=2)) for p in sample}
        before = _snapshot(ledger)

    report = FORK.Queue()
    proc = FORK.Process(target=_child, args=(_killed_writer, report, target, evaluations[2], runs[2], 12))
    proc.start()
    try:
        kind, detail = _get(report, [proc])
        assert kind == "paused", detail
        # The write is really in flight: half the restatement is in the database, uncommitted.
        if backend == "sqlite":
            assert Path(target + "-journal").exists()
        else:
            engine = sa.create_engine(postgres_url(), poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                states = conn.execute(sa.text(
                    "SELECT state FROM pg_stat_activity WHERE application_name = 'csskpi-killed-writer'")).scalars().all()
            assert "idle in transaction" in states
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(GUARD)
    finally:
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == -signal.SIGKILL

    with Ledger.open(target, create=False) as ledger:
        assert _snapshot(ledger) == before  # every committed row intact, no row of the partial version
        for p in periods:
            assert [v.version for v in ledger.history(p)] == [1, 2]
        for p in sample:
            assert ledger.month(p, as_at="first") == committed[p][0]
            assert ledger.month(p) == committed[p][1]
        # The next version is 3 for every month: nothing of the killed write took a number.
        versions = ledger.restate(evaluations[2], runs[2], reason="after the crash", recorded_by="C")
        assert {v.version for v in versions} == {3} and len(versions) == len(periods)


# -- concurrent writers ------------------------------------------------------------------------------------

def _writer(report: Any, target: str, me: int, evaluations: list[csskpi.Evaluation], ready: Any, go: Any) -> None:
    ready.release()
    if not go.wait(GUARD):
        raise RuntimeError("never released")
    ledger = Ledger.open(target)  # the ledger does not exist yet: every writer races to create it
    for i, ev in enumerate(evaluations):
        reason, who = f"writer {me} #{i}", f"writer-{me}"
        try:
            if i:
                raise LedgerError("restate")
            ledger.publish(ev, reason=reason, recorded_by=who)  # only one writer's publication can succeed
        except LedgerError:
            ledger.restate(ev, reason=reason, recorded_by=who)
    ledger.close()
    report.put(("done", me))


@pytest.mark.parametrize("writers,count", [(3, 8)])
def test_concurrent_writers_never_lose_or_duplicate_a_version(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, contract: csskpi.Contract, writers: int, count: int
) -> None:
    target = _target(backend, tmp_path, request)
    pair = months("2017-08", "2017-09")
    work = {me: [build_evaluation(contract, pair, variant=me * count + i) for i in range(count)] for me in range(writers)}
    report, ready, go = FORK.Queue(), FORK.Semaphore(0), FORK.Event()
    procs = [FORK.Process(target=_child, args=(_writer, report, target, me, work[me], ready, go)) for me in range(writers)]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            assert ready.acquire(timeout=GUARD)
        go.set()  # all at once
        done = sorted(_get(report, procs) for _ in procs)
        for p in procs:
            p.join(GUARD)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    assert done == [("done", me) for me in range(writers)], done
    assert [p.exitcode for p in procs] == [0] * writers

    total = writers * count
    with Ledger.open(target, create=False) as ledger:
        aug, sep = ledger.history("2017-08"), ledger.history("2017-09")
        assert [v.version for v in sep] == list(range(1, total + 1))
        assert [v.version for v in aug] == list(range(1, total + 1))
        assert sorted(v.reason for v in sep) == sorted(f"writer {me} #{i}" for me in range(writers) for i in range(count))
        for me in range(writers):  # each writer's versions are in the order it wrote them
            assert [v.reason for v in sep if v.recorded_by == f"writer-{me}"] == [f"writer {me} #{i}" for i in range(count)]
        # Each write of the two months was one transaction: version N is the same write in both months.
        assert [(v.reason, v.kind) for v in aug] == [(v.reason, v.kind) for v in sep]
        assert [v.kind for v in sep] == ["publish"] + ["restate"] * (total - 1)
        # One chain, however the writers interleaved: every write followed the head before it.
        verified = ledger.verify()
        assert verified.ok and verified.versions == 2 * total, verified.problems
        # And each version holds exactly what its writer wrote.
        for v in sep:
            me, i = (int(x) for x in v.reason.removeprefix("writer ").split(" #"))
            expected = [(r.reference, r.status, r.value) for r in work[me][i].results if r.period == Period(2017, 9)]
            assert [(r.kpi, r.status, r.value) for r in ledger.month("2017-09", version=v.version).results] == expected


# -- kill -9 in the middle of the chain --------------------------------------------------------------------

def _killed_mid_chain(report: Any, target: str, evaluation: csskpi.Evaluation, run: Any, stop_after: int) -> None:
    ledger = Ledger.open(target, create=False)
    chained = 0

    @event.listens_for(ledger.engine, "after_cursor_execute")
    def pause_mid_chain(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        nonlocal chained
        if statement.lstrip().upper().startswith("INSERT INTO CHAIN"):
            chained += 1  # this many months' versions are written and chained (not committed)
            if chained == stop_after:
                report.put(("paused", chained))
                time.sleep(GUARD)

    ledger.restate(evaluation, run, reason="this restatement never commits", recorded_by="killed writer")
    report.put(("committed", None))


def test_a_writer_killed_mid_chain_leaves_a_chain_that_verifies(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, contract: csskpi.Contract
) -> None:
    target = _target(backend, tmp_path, request)
    periods = months("2016-04", "2018-03")
    evaluations, runs = _large(contract)
    with Ledger.open(target) as ledger:
        ledger.publish(evaluations[0], runs[0], recorded_by="A. Analyst")
        ledger.restate(evaluations[1], runs[1], reason="addendum", recorded_by="B. Board")
        head = ledger.head()
        before = _snapshot(ledger)
        with ledger.engine.connect() as conn:
            chain_before = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM chain ORDER BY seq"))]

    report = FORK.Queue()
    proc = FORK.Process(target=_child, args=(_killed_mid_chain, report, target, evaluations[2], runs[2], 7))
    proc.start()
    try:
        kind, detail = _get(report, [proc])
        assert kind == "paused" and detail == 7, detail
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(GUARD)
    finally:
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == -signal.SIGKILL

    with Ledger.open(target, create=False) as ledger:
        # Nothing committed is lost, nothing uncommitted is there, and the chain ends where it ended.
        assert _snapshot(ledger) == before
        with ledger.engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(sa.text("SELECT * FROM chain ORDER BY seq"))] == chain_before
        result = ledger.verify(expect_head=head)
        assert result.ok and result.head == head and result.versions == 2 * len(periods), result.problems
        # The next write follows the same head, and the chain still verifies against the head published before.
        written = ledger.restate(evaluations[2], runs[2], reason="after the crash", recorded_by="C")
        assert {v.version for v in written} == {3} and len(written) == len(periods)
        assert ledger.verify(expect_head=head).ok and ledger.verify(expect_head=written.head).ok


# -- decide racing restate -------------------------------------------------------------------------------

def _restater(report: Any, target: str, contract: csskpi.Contract, measurements: list[Any], ready: Any, go: Any) -> None:
    ready.release()
    if not go.wait(GUARD):
        raise RuntimeError("never released")
    with Ledger.open(target, create=False) as ledger:
        for i, ms in enumerate(measurements):
            def build(held: Any, ms: Any = ms) -> tuple[csskpi.Evaluation, None]:
                return csskpi.evaluate(contract, ms, held, missing="dna"), None  # the decisions held, under the lock

            ledger.write("restate", contract, build, reason=f"restatement {i}", recorded_by="restater")
    report.put(("done", "restater"))


def _decider(report: Any, target: str, decisions: list[Any], contract_name: str, ready: Any, go: Any) -> None:
    ready.release()
    if not go.wait(GUARD):
        raise RuntimeError("never released")
    with Ledger.open(target, create=False) as ledger:
        for d in decisions:
            ledger.record_decisions(d, recorded_by="decider", contract=contract_name)
    report.put(("done", "decider"))


def test_a_decision_recorded_before_a_version_is_in_force_in_it(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, contract: csskpi.Contract
) -> None:
    """Each version records the decisions in force when it was written, read under the write lock: every decision
    chained before the version, and none chained after — however a `decide` and a `restate` interleave."""
    from csskpi.model.decisions import Decisions, Mitigation

    from .test_ledger_support import build_measurements, figure

    target = _target(backend, tmp_path, request)
    sept = months("2017-09", "2017-09")
    kpis = [k.reference for k in contract.kpis_in_force(sept[0])[:8]]
    with Ledger.open(target) as ledger:
        ledger.publish(build_evaluation(contract, sept), recorded_by="A")
    # The eight KPIs fail in every variant: a mitigation relieves a failing month only (a GREEN one is refused).
    red = {k.reference: figure(k.step_at(sept[0]), Status.RED) for k in contract.kpis_in_force(sept[0])[:8]}
    measurements = [
        [attrs.evolve(m, value=red[m.kpi]) if m.kpi in red else m for m in build_measurements(contract, sept, variant=v)]
        for v in range(1, 9)
    ]
    # Decision i mitigates KPI i in September: a version shows KPI i BLUE exactly when it saw decision i.
    decisions = [Decisions((Mitigation(kpi, "2017-09", "2017-09", reason=f"decision {i}", decided_by="Board"),))
                 for i, kpi in enumerate(kpis)]
    report, ready, go = FORK.Queue(), FORK.Semaphore(0), FORK.Event()
    procs = [FORK.Process(target=_child, args=(_restater, report, target, contract, measurements, ready, go)),
             FORK.Process(target=_child, args=(_decider, report, target, decisions, contract.name, ready, go))]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            assert ready.acquire(timeout=GUARD)
        go.set()
        done = sorted(_get(report, procs) for _ in procs)
        for p in procs:
            p.join(GUARD)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
    assert done == [("done", "decider"), ("done", "restater")], done

    with Ledger.open(target, create=False) as ledger, ledger.engine.connect() as conn:
        assert ledger.verify().ok
        chained = {(r.entry, r.ref_id): r.seq for r in conn.execute(sa.text("SELECT seq, entry, ref_id FROM chain"))}
        decided = [(chained[("batch", r.batch_id)], r.id) for r in conn.execute(sa.text("SELECT id, batch_id FROM decisions"))]
        versions = conn.execute(sa.text("SELECT id, decisions FROM month_versions WHERE version > 1")).all()
        assert len(versions) == 8 and len(decided) == 8
        reasons = {int(r.id): r.reason for r in conn.execute(sa.text("SELECT id, reason FROM decisions"))}
        for vid, ids in versions:
            held = json.loads(ids) if isinstance(ids, str) else ids
            seq = chained[("version", vid)]
            before = sorted(d for s, d in decided if s < seq)
            assert sorted(held) == before  # recorded as in force: exactly those chained before it
            # ...and the figures are those of exactly those decisions: none missed, none from the future.
            reason = conn.execute(sa.text("SELECT reason FROM month_versions WHERE id = :v"), {"v": vid}).scalar_one()
            ms = measurements[int(reason.split()[-1])]
            seen = Decisions(tuple(m for d in before for m in decisions[int(reasons[d].split()[-1])].mitigations))
            expected = [(r.reference, r.status.value) for r in csskpi.evaluate(contract, ms, seen, missing="dna").results]
            stored = [tuple(r) for r in conn.execute(sa.text(
                "SELECT kpi, status FROM results WHERE version_id = :v ORDER BY id"), {"v": vid})]
            assert stored == expected
