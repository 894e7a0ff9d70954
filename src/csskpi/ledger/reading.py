"""Reading the ledger: which version of a month to show, the month's figures in that version, its history,
what changed between two versions, and the decisions and measurements recorded.

Every function takes an open connection; rows are never changed once written, so a version read here is the
version as it was written, whatever happens later.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from csskpi.ledger import schema as t
from csskpi.ledger.errors import LedgerError
from csskpi.ledger.values import (
    AreaChange,
    KPIChange,
    MonthChanges,
    MonthView,
    RecordedDecision,
    RecordedMeasurement,
    StoredCredit,
    StoredPoints,
    StoredResult,
    VersionInfo,
)
from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation, Suspension, merge_decisions
from csskpi.model.measurement import Source
from csskpi.model.period import Period
from csskpi.model.result import Status

__all__ = [
    "as_at_moment",
    "changes",
    "contracts",
    "decisions_from_records",
    "history",
    "latest_row",
    "load_month",
    "loads",
    "merge_decisions",
    "periods",
    "recorded_decisions",
    "recorded_measurements",
    "resolve_contract",
    "unrecorded",
    "utc",
    "version_row",
]

AsAt = dt.datetime | dt.date | str | None


def utc(value: dt.datetime) -> dt.datetime:
    """A datetime in UTC; a naive one is taken to be UTC already (as the ledger stores them)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def as_at_moment(as_at: dt.datetime | dt.date | str) -> dt.datetime:
    """The moment an "as at" means: a datetime as given (UTC if naive); a date, the end of that day (UTC)."""
    if isinstance(as_at, str):
        text = as_at.strip()
        try:
            as_at = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            raise LedgerError(f"'as at' must be 'first', a date YYYY-MM-DD or a date and time (ISO 8601), not {text!r}") from None
    if isinstance(as_at, dt.datetime):
        return utc(as_at)
    end = dt.datetime.combine(as_at, dt.time.max)
    return end.replace(tzinfo=dt.UTC)


def _digest_of(conn: sa.Connection, vid: int) -> str | None:
    c = t.chain
    value = conn.execute(sa.select(c.c.digest).where(c.c.entry == "version", c.c.ref_id == vid)).scalar()
    return None if value is None else str(value)


def _info(row: Any, digest: str | None = None) -> VersionInfo:
    changes = loads(row.changes) if row.changes is not None else []
    return VersionInfo(
        Period.parse(row.period), row.version, row.kind, row.reason, row.recorded_by, utc(row.recorded_at), row.contract,
        terms_digest=row.terms_digest, db_user=row.db_user, digest=digest, changes=tuple(changes),
    )


def contracts(conn: sa.Connection) -> tuple[str, ...]:
    """The contracts the ledger holds versions of, by name."""
    return tuple(sorted(str(c) for c in conn.execute(sa.select(t.month_versions.c.contract).distinct()).scalars()))


def resolve_contract(conn: sa.Connection, contract: str | None, *, held: Sequence[str] | None = None) -> str:
    """The contract meant: the one named (which the ledger must hold), or the only one the ledger holds.
    ``held``: the contracts to choose among (default: those the ledger holds versions of)."""
    held = tuple(contracts(conn) if held is None else held)
    if contract is not None:
        if contract not in held:
            shown = ", ".join(held) if held else "none yet"
            raise LedgerError(f"this ledger holds no contract named {contract!r} (it holds: {shown})")
        return contract
    if not held:
        raise LedgerError("nothing has been published in this ledger yet")
    if len(held) > 1:
        raise LedgerError(f"this ledger holds several contracts ({', '.join(held)}): say which (--contract NAME)")
    return held[0]


def latest_row(conn: sa.Connection, contract: str, period: Period) -> Any:
    """The newest ``month_versions`` row of a contract's month, or None."""
    mv = t.month_versions
    return conn.execute(
        sa.select(mv).where(mv.c.contract == contract, mv.c.period == str(period)).order_by(mv.c.version.desc()).limit(1)
    ).first()


def _latest(conn: sa.Connection, contract: str, period: Period) -> int | None:
    mv = t.month_versions
    value = conn.execute(sa.select(sa.func.max(mv.c.version)).where(mv.c.contract == contract, mv.c.period == str(period))).scalar()
    return None if value is None else int(value)


def version_row(conn: sa.Connection, contract: str, period: Period, *, as_at: AsAt = None, version: int | None = None) -> Any:
    """The ``month_versions`` row to show: a given version, the first (``as_at="first"``), the newest recorded
    at or before a moment, or the newest."""
    mv = t.month_versions
    query = sa.select(mv).where(mv.c.contract == contract, mv.c.period == str(period))
    latest = _latest(conn, contract, period)
    if latest is None:
        raise LedgerError(f"{period} has not been published in this ledger")
    if version is not None:
        query = query.where(mv.c.version == version)
        what = f"no version {version} of {period} (versions 1 to {latest})"
    elif isinstance(as_at, str) and as_at.strip().lower() == "first":
        query = query.where(mv.c.version == 1)
        what = f"{period} has no first version"
    elif as_at is not None:
        moment = as_at_moment(as_at)
        query = query.where(mv.c.recorded_at <= moment).order_by(mv.c.version.desc()).limit(1)
        first = conn.execute(sa.select(mv.c.recorded_at).where(
            mv.c.contract == contract, mv.c.period == str(period), mv.c.version == 1)).scalar()
        shown = f"{utc(first):%Y-%m-%d %H:%M:%S} UTC" if first is not None else "later"
        what = f"{period} was not yet published at {moment:%Y-%m-%d %H:%M:%S} UTC (first published {shown})"
    else:
        query = query.where(mv.c.version == latest)
        what = f"{period} has no version {latest}"
    row = conn.execute(query).first()
    if row is None:
        raise LedgerError(what)
    return row


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def loads(record: Any) -> Any:
    return json.loads(record) if isinstance(record, str) else record  # some drivers give JSON back as text


def _dumps(record: Any) -> str:
    return json.dumps(loads(record), ensure_ascii=False)


def load_month(conn: sa.Connection, row: Any) -> MonthView:
    vid = row.id
    results = tuple(
        StoredResult(r.kpi, r.area, Status(r.status), _dec(r.value), bool(loads(r.record).get("provisional")), _dumps(r.record))
        for r in conn.execute(sa.select(t.results).where(t.results.c.version_id == vid).order_by(t.results.c.id))
    )
    kpis = tuple(
        StoredPoints(k.kpi, k.area, Status(k.status), Decimal(k.points), Decimal(k.multiplier), _dumps(k.record))
        for k in conn.execute(sa.select(t.kpi_points).where(t.kpi_points.c.version_id == vid).order_by(t.kpi_points.c.id))
    )
    areas = tuple(
        StoredCredit(a.area, Decimal(a.points), Decimal(a.credit), _dec(a.cap), _dumps(a.record))
        for a in conn.execute(sa.select(t.area_credits).where(t.area_credits.c.version_id == vid).order_by(t.area_credits.c.id))
    )
    latest = _latest(conn, row.contract, Period.parse(row.period)) or row.version
    warnings = row.warnings if row.warnings is not None else []
    return MonthView(_info(row, _digest_of(conn, vid)), latest, results, kpis, areas, _dumps(warnings), _dumps(row.missing))


def history(conn: sa.Connection, contract: str, period: Period) -> tuple[VersionInfo, ...]:
    mv, c = t.month_versions, t.chain
    query = (sa.select(mv, c.c.digest.label("chain_digest"))
             .join(c, sa.and_(c.c.entry == "version", c.c.ref_id == mv.c.id), isouter=True)
             .where(mv.c.contract == contract, mv.c.period == str(period)).order_by(mv.c.version))
    rows = conn.execute(query).all()
    if not rows:
        raise LedgerError(f"{period} has not been published in this ledger")
    return tuple(_info(r, r.chain_digest) for r in rows)


def periods(conn: sa.Connection, contract: str | None = None) -> tuple[Period, ...]:
    query = sa.select(t.month_versions.c.period).distinct()
    if contract is not None:
        query = query.where(t.month_versions.c.contract == contract)
    rows = conn.execute(query).scalars().all()
    return tuple(sorted(Period.parse(p) for p in rows))


def changes(old: MonthView, new: MonthView) -> MonthChanges:
    kpi_changes: list[KPIChange] = []
    old_results = {r.kpi: r for r in old.results}
    new_results = {r.kpi: r for r in new.results}
    old_points = {k.kpi: k.points for k in old.kpis}
    new_points = {k.kpi: k.points for k in new.kpis}
    order = [r.kpi for r in new.results] + [k for k in old_results if k not in new_results]
    for kpi in order:
        o, n = old_results.get(kpi), new_results.get(kpi)
        change = KPIChange(
            kpi, (n or o).area if (n or o) else "",  # type: ignore[union-attr]
            o.status if o else None, n.status if n else None,
            o.value if o else None, n.value if n else None,
            old_points.get(kpi), new_points.get(kpi),
            o.provisional if o else None, n.provisional if n else None,
        )
        before = (change.old_status, change.old_value, change.old_points, change.old_provisional)
        if before != (change.new_status, change.new_value, change.new_points, change.new_provisional):
            kpi_changes.append(change)
    area_changes: list[AreaChange] = []
    old_areas = {a.area: a for a in old.areas}
    new_areas = {a.area: a for a in new.areas}
    for area in [a.area for a in new.areas] + [a for a in old_areas if a not in new_areas]:
        oa, na = old_areas.get(area), new_areas.get(area)
        ac = AreaChange(area, oa.points if oa else None, na.points if na else None, oa.credit if oa else None, na.credit if na else None)
        if (ac.old_points, ac.old_credit) != (ac.new_points, ac.new_credit):
            area_changes.append(ac)
    def messages(view: MonthView) -> list[str]:
        return [str(w.get("message", w)) for w in view.warnings]

    said, says = messages(old), messages(new)
    return MonthChanges(old.version, new.version, tuple(kpi_changes), tuple(area_changes),
                        tuple(m for m in said if m not in says), tuple(m for m in says if m not in said))


def recorded_measurements(conn: sa.Connection, period: Period | None = None, kpi: str | None = None) -> tuple[RecordedMeasurement, ...]:
    m, b = t.measurements, t.batches
    query = sa.select(m, b.c.recorded_by).join(b, m.c.batch_id == b.c.id).order_by(m.c.id)
    if period is not None:
        query = query.where(m.c.period == str(period))
    if kpi is not None:
        query = query.where(m.c.kpi == kpi)
    return tuple(
        RecordedMeasurement(
            r.kpi, Period.parse(r.period), _dec(r.value), r.origin, r.source, utc(r.received_at), r.numerator,
            r.denominator, r.recorded_by, r.batch_id,
        )
        for r in conn.execute(query)
    )


def recorded_decisions(conn: sa.Connection, contract: str | None = None) -> tuple[RecordedDecision, ...]:
    """The decisions recorded, in order; with ``contract``, those recorded for it or for every contract."""
    d, b = t.decisions, t.batches
    query = sa.select(d, b.c.recorded_by, b.c.recorded_at).join(b, d.c.batch_id == b.c.id).order_by(d.c.id)
    if contract is not None:
        query = query.where(sa.or_(b.c.contract == contract, b.c.contract.is_(None)))
    return tuple(
        RecordedDecision(
            r.kind, r.kpi, tuple(r.areas.split(",")) if r.areas else (), Period.parse(r.period_from),
            Period.parse(r.period_to), r.reason, r.settled_on, r.recorded_by, utc(r.recorded_at), r.batch_id,
            _dumps(r.record), int(r.id),
        )
        for r in conn.execute(query)
    )


def _date(value: Any) -> dt.date | None:
    return None if not value else dt.date.fromisoformat(str(value))


def decisions_from_records(records: Sequence[RecordedDecision]) -> Decisions:
    """The decisions recorded, as :class:`~csskpi.Decisions` (merged as :func:`merge_decisions` does)."""
    mitigations, suspensions, escalations = [], [], []
    for rec in records:
        data = rec.record
        source = Source("ledger", f"decision batch {rec.batch}")
        if rec.kind == "mitigation":
            mitigations.append(Mitigation(
                data["kpi"], data["start"], data["end"], data.get("reason", ""), data.get("impact", ""),
                data.get("path_to_green", ""), data.get("decided_by", ""), _date(data.get("decided_on")), source,
            ))
        elif rec.kind == "suspension":
            suspensions.append(Suspension(tuple(data["areas"]), data["start"], data["end"], data.get("reason", ""),
                                          data.get("reference", ""), source))
        else:
            escalations.append(Escalation(
                data["kpi"], data["period"], EscalationKind(data.get("kind", "escalated")),
                data.get("reason", ""), _date(data.get("raised_on")), _date(data.get("settled_on")), data.get("outcome", ""), source,
            ))
    return merge_decisions(Decisions(tuple(mitigations), tuple(suspensions), tuple(escalations)))



def unrecorded(recorded: Sequence[RecordedDecision], incoming: Decisions) -> Decisions:
    """The decisions of ``incoming`` that the ledger does not hold yet (same content, whatever the source), so that
    giving the same decisions again records nothing twice."""
    from csskpi.ledger.records import jsonable

    def content(kind: str, data: dict[str, Any]) -> str:
        return json.dumps([kind, {k: v for k, v in data.items() if k not in ("source", "decision")}], sort_keys=True)

    held = {content(r.kind, r.record) for r in recorded}

    def keep(kind: str, items: Sequence[Mitigation | Suspension | Escalation]) -> tuple[Any, ...]:
        return tuple(i for i in items if content(kind, jsonable(i)) not in held)

    return Decisions(
        keep("mitigation", incoming.mitigations), keep("suspension", incoming.suspensions), keep("escalation", incoming.escalations)
    )
