"""The results ledger: an append-only record of what was measured, decided and published, month by month.

>>> ledger = Ledger.open("results.db")                       # or "postgresql+psycopg://user@host/db"
>>> ledger.publish(evaluation, credit_run, recorded_by="A. Analyst")        # version 1 of each month
>>> ledger.restate(evaluation2, credit_run2, reason="escalation settled", recorded_by="B. Board")
>>> ledger.month("2017-09", as_at="first")                  # or a date/datetime, or None for now
>>> ledger.changes("2017-09", 1, 2)

Each publish or restate is one transaction, under the ledger's write lock (see :mod:`.engine`): all its months
are written, or none. Nothing is ever updated or deleted; a restatement adds the next version of each month it
covers, with its reason, who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import exc

from csskpi.engine.rules import Evaluation
from csskpi.errors import Problem
from csskpi.ledger import reading
from csskpi.ledger import schema as t
from csskpi.ledger.engine import (
    create_engine,
    display,
    make_url,
    read_connection,
    run_write,
    translate,
    write_transaction,
)
from csskpi.ledger.errors import LedgerError
from csskpi.ledger.migrate import HEAD, current_revision, upgrade
from csskpi.ledger.records import MonthPayload, decision_rows, measurement_row, month_payloads
from csskpi.ledger.values import Batch, MonthChanges, MonthView, RecordedDecision, RecordedMeasurement, VersionInfo
from csskpi.model.decisions import Decisions
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period

__all__ = ["Ledger"]

PeriodLike = Period | str


def _period(value: PeriodLike) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except ValueError as e:
        raise LedgerError(str(e)) from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _who(recorded_by: str) -> str:
    who = (recorded_by or "").strip()
    if not who:
        raise LedgerError("say who is recording this (recorded_by, --by NAME): the ledger keeps who did what")
    return who


class Ledger:
    """A results ledger in an SQLite file or a PostgreSQL database. Open it with :meth:`open`."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    # -- opening -----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path | sa.URL, *, create: bool = True) -> Ledger:
        """Open the ledger at a file path or database URL, upgrading its schema to this csskpi's if it is older.

        A new SQLite file (or an empty PostgreSQL database) becomes a ledger when ``create`` is true; otherwise
        a ledger that does not exist yet is a :class:`LedgerError`.
        """
        url = make_url(target)
        where = display(url)
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "")
            if not path.exists():
                if not create:
                    raise LedgerError(f"there is no ledger at {where}: create one with `csskpi ledger init {where}`")
                if not path.parent.is_dir():
                    raise LedgerError(f"cannot create a ledger at {where}: the folder {path.parent} does not exist")
            elif path.is_dir():
                raise LedgerError(f"{where} is a folder, not a ledger file")
        engine = create_engine(url)
        try:
            with read_connection(engine) as conn:
                revision = current_revision(conn)
            if revision is None and not create:
                raise LedgerError(f"{where} is not a ledger yet: create one with `csskpi ledger init {where}`")
            if revision != HEAD:
                with write_transaction(engine, schema=True) as conn:
                    if current_revision(conn) != HEAD:  # another process may have upgraded it meanwhile
                        upgrade(conn, HEAD)
        except exc.DBAPIError as e:
            engine.dispose()
            raise translate(e, f"cannot open the ledger at {where}") from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    @property
    def location(self) -> str:
        """The ledger's file path, or its URL without the password."""
        return display(self._engine.url)

    @property
    def revision(self) -> str | None:
        with self._read() as conn:
            return current_revision(conn)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.location!r})"

    def _read(self) -> Any:
        return read_connection(self._engine)

    # -- recording measurements and decisions ------------------------------------------------------------

    def record_measurements(
        self,
        measurements: Iterable[Measurement],
        *,
        recorded_by: str,
        origin: str | None = None,
        received_at: dt.datetime | None = None,
        source: str = "",
    ) -> Batch:
        """Record figures as received. ``origin`` is "reported" (the supplier's) or "recomputed" (from raw data);
        by default each measurement's own source kind. ``received_at`` defaults to now."""
        who = _who(recorded_by)
        items = list(measurements)
        return run_write(
            self._engine, (), lambda conn: self._insert_measurements(conn, items, who, origin, received_at, source, _now()),
            where="recording measurements",
        )

    def record_decisions(self, decisions: Decisions, *, recorded_by: str, at: dt.datetime | None = None, source: str = "") -> Batch:
        """Record the council's decisions (mitigations, suspensions, escalations and their settlements). Decisions
        the ledger already holds are not recorded again (``Batch.count`` is the number of new ones)."""
        who = _who(recorded_by)
        when = reading.utc(at) if at is not None else None
        return run_write(
            self._engine, (), lambda conn: self._insert_decisions(conn, decisions, who, source, when or _now()),
            where="recording decisions",
        )

    def _batch(self, conn: sa.Connection, kind: str, who: str, at: dt.datetime, source: str, note: str = "") -> int:
        result = conn.execute(t.batches.insert().values(kind=kind, recorded_by=who, recorded_at=at, source=source, note=note))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def _insert_measurements(
        self, conn: sa.Connection, items: list[Measurement], who: str, origin: str | None,
        received_at: dt.datetime | None, source: str, now: dt.datetime,
    ) -> Batch:
        received = reading.utc(received_at) if received_at is not None else now
        batch = self._batch(conn, "measurements", who, now, source)
        rows = [{"batch_id": batch, **measurement_row(m, origin, received)} for m in items]
        if rows:
            conn.execute(t.measurements.insert(), rows)
        return Batch(batch, "measurements", who, now, source, len(rows))

    def _insert_decisions(self, conn: sa.Connection, decisions: Decisions, who: str, source: str, now: dt.datetime) -> Batch:
        # A decision the ledger already holds (the same content, from any file) is not recorded twice.
        fresh = reading.unrecorded(reading.recorded_decisions(conn), decisions)
        batch = self._batch(conn, "decisions", who, now, source)
        rows = [{"batch_id": batch, **row} for row in decision_rows(fresh)]
        if rows:
            conn.execute(t.decisions.insert(), rows)
        return Batch(batch, "decisions", who, now, source, len(rows))

    # -- publishing and restating ------------------------------------------------------------------------

    def publish(
        self,
        evaluation: Evaluation,
        credit_run: Any | None = None,
        *,
        recorded_by: str,
        reason: str = "first publication",
        at: dt.datetime | None = None,
        measurements: Iterable[Measurement] | None = None,
        decisions: Decisions | None = None,
        source: str = "",
    ) -> tuple[VersionInfo, ...]:
        """Publish each month of the evaluation as its version 1 (an error if any is already published).

        ``credit_run`` (:func:`csskpi.engine.credits.compute_credits`) adds the points and credits. ``measurements`` and
        ``decisions``, when given, are recorded in the same transaction. ``at`` backdates the publication
        (default: now)."""
        return self._append("publish", evaluation, credit_run, reason, recorded_by, at, measurements, decisions, source)

    def restate(
        self,
        evaluation: Evaluation,
        credit_run: Any | None = None,
        *,
        reason: str,
        recorded_by: str,
        at: dt.datetime | None = None,
        measurements: Iterable[Measurement] | None = None,
        decisions: Decisions | None = None,
        source: str = "",
    ) -> tuple[VersionInfo, ...]:
        """Add the next version of each month of the evaluation (each must be published already), with the reason
        (required): an escalation settled, an addendum's correction. A restatement covers the whole month: every
        KPI of the version it follows must be in it."""
        return self._append("restate", evaluation, credit_run, reason, recorded_by, at, measurements, decisions, source)

    def _append(
        self, kind: str, evaluation: Evaluation, credit_run: Any | None, reason: str, recorded_by: str,
        at: dt.datetime | None, measurements: Iterable[Measurement] | None, decisions: Decisions | None, source: str,
    ) -> tuple[VersionInfo, ...]:
        who = _who(recorded_by)
        why = (reason or "").strip()
        if kind == "restate" and not why:
            raise LedgerError("a restatement needs a reason (reason=..., --reason TEXT): say why the figures change")
        payloads = month_payloads(evaluation, credit_run)
        items = None if measurements is None else list(measurements)
        moment = reading.utc(at) if at is not None else None

        def work(conn: sa.Connection) -> tuple[VersionInfo, ...]:
            now = moment or _now()  # taken under the lock, so versions' times follow their numbers
            if items is not None:
                self._insert_measurements(conn, items, who, None, None, source, now)
            if decisions is not None:
                self._insert_decisions(conn, decisions, who, source, now)
            problems: list[Problem] = []
            plan: list[tuple[MonthPayload, int, dt.datetime]] = []
            for payload in payloads:
                version, when = self._next_version(conn, kind, payload, now, moment is not None, problems)
                plan.append((payload, version, when))
            if problems:
                raise LedgerError(problems)
            return tuple(self._write_version(conn, kind, payload, version, why, who, when) for payload, version, when in plan)

        return run_write(self._engine, (p.period.index for p in payloads), work, where=f"{kind} {_months(payloads)}")

    def _next_version(
        self, conn: sa.Connection, kind: str, payload: MonthPayload, now: dt.datetime, backdated: bool, problems: list[Problem]
    ) -> tuple[int, dt.datetime]:
        mv = t.month_versions
        period = str(payload.period)
        latest = conn.execute(
            sa.select(mv.c.id, mv.c.version, mv.c.recorded_at).where(mv.c.period == period).order_by(mv.c.version.desc()).limit(1)
        ).first()
        if latest is None:
            if kind == "restate":
                problems.append(Problem(f"{period} has not been published: publish it before restating it"))
            return 1, now
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
        return int(latest.version) + 1, max(now, last_at)

    def _write_version(
        self, conn: sa.Connection, kind: str, p: MonthPayload, version: int, reason: str, who: str, when: dt.datetime
    ) -> VersionInfo:
        period = str(p.period)
        result = conn.execute(t.month_versions.insert().values(
            period=period, version=version, kind=kind, contract=p.contract, reason=reason, recorded_by=who,
            recorded_at=when, missing=list(p.missing), warnings=list(p.warnings),
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
        return VersionInfo(p.period, version, kind, reason, who, when, p.contract)

    # -- reading -----------------------------------------------------------------------------------------

    def month(
        self, period: PeriodLike, as_at: dt.datetime | dt.date | str | None = None, *, version: int | None = None
    ) -> MonthView:
        """A month as it stands now (default), as first published (``as_at="first"``), as it stood at a date or
        time (a date means the end of that day, UTC; a naive datetime is UTC), or a given ``version``."""
        p = _period(period)
        with self._read() as conn:
            return reading.load_month(conn, reading.version_row(conn, p, as_at=as_at, version=version))

    def history(self, period: PeriodLike) -> tuple[VersionInfo, ...]:
        """Every version of a month, oldest first: who published or restated it, when and why."""
        with self._read() as conn:
            return reading.history(conn, _period(period))

    def changes(self, period: PeriodLike, from_version: int, to_version: int) -> MonthChanges:
        """What changed in a month between two versions: per KPI the old and new status, value and points; per
        service area the old and new points and credit. Unchanged KPIs and areas are left out."""
        p = _period(period)
        with self._read() as conn:
            old = reading.load_month(conn, reading.version_row(conn, p, version=from_version))
            new = reading.load_month(conn, reading.version_row(conn, p, version=to_version))
        return reading.changes(old, new)

    def periods(self) -> tuple[Period, ...]:
        """The months published in the ledger."""
        with self._read() as conn:
            return reading.periods(conn)

    def measurements(self, period: PeriodLike | None = None, kpi: str | None = None) -> tuple[RecordedMeasurement, ...]:
        """The figures recorded, in the order received (optionally of one month and/or KPI)."""
        with self._read() as conn:
            return reading.recorded_measurements(conn, None if period is None else _period(period), kpi)

    def decisions(self) -> tuple[RecordedDecision, ...]:
        """Every decision recorded, in order, with who recorded it and when."""
        with self._read() as conn:
            return reading.recorded_decisions(conn)

    def current_decisions(self) -> Decisions:
        """The decisions recorded, as one :class:`~csskpi.Decisions` to evaluate with: duplicates counted once,
        and a settled escalation standing over the open one it settles."""
        return reading.decisions_from_records(self.decisions())


def _months(payloads: list[MonthPayload]) -> str:
    periods = [str(p.period) for p in payloads]
    return periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
