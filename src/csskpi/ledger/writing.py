"""Writing the ledger inside a write transaction: batches of measurements and decisions, and months' versions,
each appended to the hash chain (:mod:`.chain`) as it is written.

Every function takes the connection of a transaction that holds the ledger's write lock (see :mod:`.engine`), so
what it reads — the latest version of a month, the decisions in force, the chain's head — cannot change before
it commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from csskpi.engine.rules import Evaluation
from csskpi.errors import Problem
from csskpi.ledger import chain, reading
from csskpi.ledger import schema as t
from csskpi.ledger.errors import LedgerError
from csskpi.ledger.records import MonthPayload, decision_rows, measurement_row, month_payloads
from csskpi.ledger.terms import Terms, contract_of, terms_changes, terms_of
from csskpi.ledger.values import Batch, VersionInfo, Written
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions
from csskpi.model.measurement import Measurement

__all__ = ["author", "ensure_terms", "insert_decisions", "insert_measurements", "next_version", "unchanged", "write_version"]


def author(conn: sa.Connection, recorded_by: str) -> str:
    """Who is writing: the name given, or on PostgreSQL the database user when no name is given."""
    who = (recorded_by or "").strip()
    if not who and conn.dialect.name == "postgresql":
        who = str(conn.execute(sa.text("SELECT session_user")).scalar())
    if not who:
        raise LedgerError("say who is recording this (recorded_by, --by NAME): the ledger keeps who did what")
    return who


def _batch(conn: sa.Connection, kind: str, who: str, at: dt.datetime, source: str, contract: str | None) -> int:
    result = conn.execute(t.batches.insert().values(kind=kind, recorded_by=who, recorded_at=at, source=source, note="",
                                                    contract=contract))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def insert_measurements(
    conn: sa.Connection, items: list[Measurement], who: str, origin: str | None, received_at: dt.datetime | None,
    source: str, now: dt.datetime, contract: str | None,
) -> Batch:
    received = reading.utc(received_at) if received_at is not None else now
    batch = _batch(conn, "measurements", who, now, source, contract)
    rows = [{"batch_id": batch, **measurement_row(m, origin, received)} for m in items]
    if rows:
        conn.execute(t.measurements.insert(), rows)
    chain.append(conn, "batch", batch)
    return Batch(batch, "measurements", who, now, source, len(rows), contract)


def insert_decisions(conn: sa.Connection, decisions: Decisions, who: str, source: str, now: dt.datetime, contract: str | None) -> Batch:
    # A decision the ledger already holds for this contract (the same content, from any file) is not recorded twice.
    fresh = reading.unrecorded(reading.recorded_decisions(conn, contract), decisions)
    batch = _batch(conn, "decisions", who, now, source, contract)
    rows = [{"batch_id": batch, **row} for row in decision_rows(fresh)]
    if rows:
        conn.execute(t.decisions.insert(), rows)
    chain.append(conn, "batch", batch)
    return Batch(batch, "decisions", who, now, source, len(rows), contract)


def ensure_terms(conn: sa.Connection, terms: Terms) -> None:
    """Store the terms once (deduplicated by digest)."""
    held = conn.execute(sa.select(t.contract_terms.c.digest).where(t.contract_terms.c.digest == terms.digest)).first()
    if held is None:
        conn.execute(t.contract_terms.insert().values(digest=terms.digest, contract=terms.contract, terms=terms.text))


def next_version(
    conn: sa.Connection, kind: str, payload: MonthPayload, now: dt.datetime, backdated: bool, problems: list[Problem]
) -> tuple[int, dt.datetime, Any]:
    """The version number the payload's month gets, when it is recorded, and the latest row it follows (or None)."""
    latest = reading.latest_row(conn, payload.contract, payload.period)
    period = str(payload.period)
    if latest is None:
        if kind == "restate":
            problems.append(Problem(f"{period} of {payload.contract} has not been published: publish it before restating it"))
        return 1, now, None
    last_at = reading.utc(latest.recorded_at)
    if kind == "publish":
        problems.append(Problem(
            f"{period} is already published (version {latest.version}, {last_at:%Y-%m-%d %H:%M} UTC): "
            "to change its figures, restate it with a reason"
        ))
    if backdated and now < last_at:
        problems.append(Problem(f"{period} cannot be restated as at {now.isoformat()}: its version {latest.version} "
                                f"was recorded later, at {last_at.isoformat()}"))
    before = set(conn.execute(sa.select(t.results.c.kpi).where(t.results.c.version_id == latest.id)).scalars())
    dropped = sorted(before - payload.kpi_references)
    if kind == "restate" and dropped:
        shown = ", ".join(dropped[:8]) + (f" and {len(dropped) - 8} more" if len(dropped) > 8 else "")
        problems.append(Problem(
            f"restating {period} would drop {len(dropped)} KPI(s) of its version {latest.version} ({shown}): "
            "a restatement covers the whole month, so give every KPI's figure (or --missing dna)"
        ))
    # A version is never recorded before the one it follows (another machine's clock may run ahead).
    return int(latest.version) + 1, max(now, last_at), latest


def _same(a: Any, b: Any) -> bool:
    return json.dumps(reading.loads(a), sort_keys=True) == json.dumps(reading.loads(b), sort_keys=True)


def unchanged(conn: sa.Connection, payload: MonthPayload, latest: Any) -> bool:
    """Whether the month's figures (results, points, credits, warnings, missing) are those of its latest version."""
    vid = latest.id

    def records(table: sa.Table) -> list[Any]:
        return [reading.loads(r) for r in conn.execute(sa.select(table.c.record).where(table.c.version_id == vid).order_by(table.c.id)).scalars()]

    return (
        _same(records(t.results), list(payload.results))
        and _same(records(t.kpi_points), [k["record"] for k in payload.kpis])
        and _same(records(t.area_credits), [a["record"] for a in payload.areas])
        and _same(latest.warnings if latest.warnings is not None else [], list(payload.warnings))
        and _same(latest.missing, list(payload.missing))
    )


def terms_notes(conn: sa.Connection, old_digest: str | None, contract: Contract, payload: MonthPayload) -> tuple[str, ...]:
    """What changed, for the month's KPIs, between the terms its latest version was computed under and ``contract``."""
    if old_digest is None:
        return ("the terms it was published under were not kept (written before this csskpi kept them)",)
    text = conn.execute(sa.select(t.contract_terms.c.terms).where(t.contract_terms.c.digest == old_digest)).scalar()
    old = contract_of(str(text)) if text is not None else None
    return tuple(terms_changes(old, contract, payload.period, sorted(payload.kpi_references)) or [
        "the contract's terms differ, but not the targets or points of this month's KPIs"
    ])


def decisions_in_force(conn: sa.Connection, contract: str) -> list[int]:
    """The ids of the decisions recorded for the contract (or for every contract), as a version records them."""
    d, b = t.decisions, t.batches
    query = sa.select(d.c.id).join(b, d.c.batch_id == b.c.id).where(sa.or_(b.c.contract == contract, b.c.contract.is_(None)))
    return [int(i) for i in conn.execute(query.order_by(d.c.id)).scalars()]


def write_version(
    conn: sa.Connection, kind: str, p: MonthPayload, version: int, reason: str, who: str, when: dt.datetime,
    terms: Terms | None, decision_ids: list[int],
) -> VersionInfo:
    period = str(p.period)
    result = conn.execute(t.month_versions.insert().values(
        period=period, version=version, kind=kind, contract=p.contract, reason=reason, recorded_by=who,
        recorded_at=when, missing=list(p.missing), warnings=list(p.warnings),
        terms_digest=None if terms is None else terms.digest, changes=None if terms is None else list(terms.changes),
        decisions=decision_ids,
    ))
    vid = int(result.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(t.results.insert(), [
        {"version_id": vid, "period": period, "kpi": r["kpi"], "area": r["area"], "status": r["status"],
         "value": r["value"], "record": r}
        for r in p.results
    ])
    if p.kpis:
        conn.execute(t.kpi_points.insert(), [
            {"version_id": vid, "period": period, **k["columns"], "record": k["record"]} for k in p.kpis
        ])
    if p.areas:
        conn.execute(t.area_credits.insert(), [
            {"version_id": vid, "period": period, **a["columns"], "record": a["record"]} for a in p.areas
        ])
    digest = chain.append(conn, "version", vid)
    db_user = conn.execute(sa.select(t.month_versions.c.db_user).where(t.month_versions.c.id == vid)).scalar()
    return VersionInfo(p.period, version, kind, reason, who, when, p.contract,
                       terms_digest=None if terms is None else terms.digest, db_user=db_user, digest=digest,
                       changes=() if terms is None else terms.changes)


def write_months(
    conn: sa.Connection,
    kind: str,
    contract: Contract,
    build: Callable[[Decisions], tuple[Evaluation, Any | None]],
    *,
    why: str,
    recorded_by: str,
    moment: dt.datetime | None,
    now: dt.datetime,
    measurements: list[Measurement] | None,
    decisions: Decisions | None,
    source: str,
) -> Written:
    """One publish or restatement, inside the write transaction (see :meth:`csskpi.ledger.Ledger.write`): record
    ``measurements`` and ``decisions``, build the figures from the decisions then held, and write the next version
    of each month they change. ``now`` is taken under the lock, so versions' times follow their numbers; ``moment``
    is the time the caller gave, if any."""
    terms = terms_of(contract)
    who = author(conn, recorded_by)
    if measurements is not None:
        insert_measurements(conn, measurements, who, None, None, source, now, contract.name)
    if decisions is not None:
        insert_decisions(conn, decisions, who, source, now, contract.name)
    held = reading.decisions_from_records(reading.recorded_decisions(conn, contract.name))
    evaluation, credit_run = build(held)
    if evaluation.contract.name != contract.name:
        raise LedgerError(f"the evaluation is of contract {evaluation.contract.name!r}, not {contract.name!r}")
    problems: list[Problem] = []
    plan, same, term_notes = [], [], {}
    for payload in month_payloads(evaluation, credit_run):
        version, when, latest = next_version(conn, kind, payload, now, moment is not None, problems)
        if kind == "restate" and latest is not None and not problems:
            if unchanged(conn, payload, latest):
                same.append(payload.period)
                continue
            if latest.terms_digest != terms.digest:
                term_notes[payload.period] = terms_notes(conn, latest.terms_digest, contract, payload)
        plan.append((payload, version, when))
    if problems:
        raise LedgerError(problems)
    if plan:
        ensure_terms(conn, terms)
    ids = decisions_in_force(conn, contract.name)
    written = tuple(write_version(conn, kind, p, v, why, who, w, terms, ids) for p, v, w in plan)
    return Written(written, tuple(same), term_notes, chain.head(conn)[1])
