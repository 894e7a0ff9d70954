"""The results ledger: an append-only record of what was measured, decided and published, month by month.

>>> ledger = Ledger.open("results.db")                       # or "postgresql+psycopg://user@host/db"
>>> ledger.publish(evaluation, credit_run, recorded_by="A. Analyst")        # version 1 of each month
>>> ledger.restate(evaluation2, credit_run2, reason="escalation settled", recorded_by="B. Board")
>>> ledger.month("2017-09", as_at="first")                  # or a date/datetime, or None for now
>>> ledger.changes("2017-09", 1, 2)

Each publish or restate is one transaction, under the ledger's write lock (see :mod:`.engine`): all its months
are written, or none. Nothing is ever updated or deleted; a restatement adds the next version of each month it
changes, with its reason, who and when, and the contract terms it was computed under. Every write is chained
(:mod:`.chain`): :meth:`Ledger.head` is a digest covering the whole record, :meth:`Ledger.verify` proves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import exc

from csskpi.engine.reconcile import PublishedRow
from csskpi.engine.rules import Evaluation
from csskpi.ledger import chain, guards, reading, summaries, writing
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
from csskpi.ledger.migrate import HEAD, current_revision, revision_problems, upgrade
from csskpi.ledger.summaries import PublishedHistory, PublishedRecording
from csskpi.ledger.values import (
    Batch,
    MonthChanges,
    MonthView,
    RecordedDecision,
    RecordedMeasurement,
    Verification,
    VersionInfo,
    Written,
)
from csskpi.ledger.verifying import verify_ledger
from csskpi.model.contract import Contract
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


def _refuse(where: str, problems: list[str], what: str) -> None:
    if problems:
        raise LedgerError(f"refusing the ledger at {where}: {what}: " + "; ".join(problems)
                          + " (`csskpi ledger verify` checks the whole record)")


class Ledger:
    """A results ledger in an SQLite file or a PostgreSQL database. Open it with :meth:`open`."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    # -- opening -----------------------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path | sa.URL, *, create: bool = True, check: bool = True) -> Ledger:
        """Open the ledger at a file path or database URL, upgrading its schema to this csskpi's if it is older.

        A new SQLite file (or an empty PostgreSQL database) becomes a ledger when ``create`` is true; otherwise
        a ledger that does not exist yet is a :class:`LedgerError`. A ledger whose revision was set back, or that
        lost (or had altered) one of its append-only triggers, is refused — unless ``check`` is false, which opens
        it as it is, without upgrading it, for :meth:`verify` to say everything that is wrong.
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
                if check:
                    _refuse(where, revision_problems(conn, revision), "its schema revision does not add up")
            if check and revision != HEAD:
                with write_transaction(engine, schema=True) as conn:
                    if current_revision(conn) != HEAD:  # another process may have upgraded it meanwhile
                        upgrade(conn, HEAD)
            if check:
                with read_connection(engine) as conn:
                    _refuse(where, guards.problems(conn), "it has lost its append-only guards")
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
        contract: str | None = None,
    ) -> Batch:
        """Record figures as received. ``origin`` is "reported" (the supplier's) or "recomputed" (from raw data);
        by default each measurement's own source kind. ``received_at`` defaults to now. ``contract``: the
        contract's name (None: not tied to one)."""
        items = list(measurements)

        def work(conn: sa.Connection) -> Batch:
            who = writing.author(conn, recorded_by)
            return writing.insert_measurements(conn, items, who, origin, received_at, source, _now(), contract)

        return run_write(self._engine, (), work, where="recording measurements")

    def record_decisions(
        self, decisions: Decisions, *, recorded_by: str, at: dt.datetime | None = None, source: str = "", contract: str | None = None
    ) -> Batch:
        """Record the council's decisions (mitigations, suspensions, escalations and their settlements) for a
        contract (None: for every contract). Decisions the ledger already holds are not recorded again
        (``Batch.count`` is the number of new ones): the check is made under the write lock."""
        when = reading.utc(at) if at is not None else None

        def work(conn: sa.Connection) -> Batch:
            who = writing.author(conn, recorded_by)
            return writing.insert_decisions(conn, decisions, who, source, when or _now(), contract)

        return run_write(self._engine, (), work, where="recording decisions")

    def record_published(
        self, rows: Iterable[PublishedRow], *, recorded_by: str, contract: str, at: dt.datetime | None = None
    ) -> PublishedRecording:
        """Record the council's published summaries (:func:`csskpi.read_published`; each needs its
        ``published_on``) for a contract, by name. A figure already held with the same counts is left alone
        (``unchanged``); one held with other counts is refused — the record is never overwritten — and then
        nothing is recorded. See :mod:`.summaries`."""
        items, moment = list(rows), reading.utc(at) if at is not None else None

        def work(conn: sa.Connection) -> PublishedRecording:
            return summaries.record(conn, items, contract, writing.author(conn, recorded_by), moment or _now())

        return run_write(self._engine, (), work, where="recording published figures")

    def published_history(self, period: PeriodLike, *, area: str | None = None, contract: str | None = None) -> PublishedHistory:
        """A month's figures as the council published them (of one area, if given), oldest first by date of
        publication, each saying which counts it restates. Empty if none are recorded."""
        with self._read() as conn:
            return summaries.history(conn, summaries.resolve_contract(conn, contract), _period(period), area)

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
    ) -> Written:
        """Publish each month of the evaluation as its version 1 (an error if any is already published).

        ``credit_run`` (:func:`csskpi.engine.credits.compute_credits`) adds the points and credits. ``measurements`` and
        ``decisions``, when given, are recorded in the same transaction. ``at`` backdates the publication
        (default: now). The contract's terms are kept with each version."""
        return self.write("publish", evaluation.contract, lambda _held: (evaluation, credit_run), reason=reason,
                          recorded_by=recorded_by, at=at, measurements=measurements, decisions=decisions, source=source)

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
    ) -> Written:
        """Add the next version of each month of the evaluation whose figures changed (each must be published
        already), with the reason (required). Months whose figures are those of their latest version get no new
        version (``Written.unchanged``). A restatement covers the whole month: every KPI of the version it follows
        must be in it."""
        return self.write("restate", evaluation.contract, lambda _held: (evaluation, credit_run), reason=reason,
                          recorded_by=recorded_by, at=at, measurements=measurements, decisions=decisions, source=source)

    def write(
        self,
        kind: str,
        contract: Contract,
        build: Callable[[Decisions], tuple[Evaluation, Any | None]],
        *,
        reason: str,
        recorded_by: str,
        at: dt.datetime | None = None,
        measurements: Iterable[Measurement] | None = None,
        decisions: Decisions | None = None,
        source: str = "",
    ) -> Written:
        """Publish (``kind="publish"``) or restate months computed *inside* the write transaction:
        ``build(decisions)`` gets the decisions the ledger holds for the contract (after recording ``decisions``)
        and returns the evaluation and credit run to write. So a decision recorded meanwhile by another writer
        is either in the figures or recorded after them — never lost between a read and a write."""
        if kind not in ("publish", "restate"):
            raise LedgerError(f"kind must be 'publish' or 'restate', not {kind!r}")
        why = (reason or "").strip()
        if kind == "restate" and not why:
            raise LedgerError("a restatement needs a reason (reason=..., --reason TEXT): say why the figures change")
        items = None if measurements is None else list(measurements)
        moment = reading.utc(at) if at is not None else None

        def work(conn: sa.Connection) -> Written:
            return writing.write_months(conn, kind, contract, build, why=why, recorded_by=recorded_by, moment=moment,
                                        now=moment or _now(), measurements=items, decisions=decisions, source=source)

        return run_write(self._engine, (), work, where=f"{kind} {contract.name}")

    # -- the record's integrity --------------------------------------------------------------------------

    def to_polars(self) -> Any:
        """The current figures as a polars DataFrame: every published month as it stands now, a row per KPI."""
        from csskpi.frames import ledger_frame

        return ledger_frame(self)

    def to_pandas(self) -> Any:
        """The current figures as a pandas DataFrame (pandas must be installed)."""
        from csskpi.model.tabular import to_pandas

        return to_pandas(self.to_polars())

    def head(self) -> str:
        """The digest of the newest entry of the ledger's hash chain: publish it, and anyone can later prove the
        record unchanged with :meth:`verify` (``expect_head``)."""
        with self._read() as conn:
            return chain.head(conn)[1]

    def contracts(self) -> tuple[str, ...]:
        """The names of the contracts the ledger holds versions of."""
        with self._read() as conn:
            return reading.contracts(conn)

    def verify(self, *, expect_head: str | None = None, contract: str | None = None) -> Verification:
        """Check the whole record: the database's guards (triggers) and revision, then every row against the hash
        chain, and the head against ``expect_head`` (a digest published earlier: the head then, which must be an
        entry of the chain now — the ledger may have grown since). ``contract``, if given, must be in the ledger."""
        if expect_head is not None and not chain.is_digest(expect_head.strip().lower()):
            raise LedgerError(f"not a digest: {expect_head!r} (a digest is 64 hexadecimal digits, as `ledger show` prints)")
        try:
            with self._read() as conn:
                return verify_ledger(conn, expect_head, contract)
        except exc.DBAPIError as e:
            raise translate(e, f"cannot verify the ledger at {self.location}") from None

    # -- reading -----------------------------------------------------------------------------------------

    def month(
        self, period: PeriodLike, as_at: dt.datetime | dt.date | str | None = None, *, version: int | None = None,
        contract: str | None = None,
    ) -> MonthView:
        """A month as it stands now (default), as first published (``as_at="first"``), as it stood at a date or
        time (a date means the end of that day, UTC; a naive datetime is UTC), or a given ``version``.
        ``contract``: the contract's name (needed only when the ledger holds several)."""
        p = _period(period)
        with self._read() as conn:
            name = reading.resolve_contract(conn, contract)
            return reading.load_month(conn, reading.version_row(conn, name, p, as_at=as_at, version=version))

    def history(self, period: PeriodLike, *, contract: str | None = None) -> tuple[VersionInfo, ...]:
        """Every version of a month, oldest first: who published or restated it, when, why, under which terms."""
        with self._read() as conn:
            return reading.history(conn, reading.resolve_contract(conn, contract), _period(period))

    def changes(self, period: PeriodLike, from_version: int, to_version: int, *, contract: str | None = None) -> MonthChanges:
        """What changed in a month between two versions: per KPI the old and new status, value and points; per
        service area the old and new points and credit. Unchanged KPIs and areas are left out."""
        p = _period(period)
        with self._read() as conn:
            name = reading.resolve_contract(conn, contract)
            old = reading.load_month(conn, reading.version_row(conn, name, p, version=from_version))
            new = reading.load_month(conn, reading.version_row(conn, name, p, version=to_version))
        return reading.changes(old, new)

    def periods(self, *, contract: str | None = None) -> tuple[Period, ...]:
        """The months published in the ledger (of one contract, if named)."""
        with self._read() as conn:
            return reading.periods(conn, contract)

    def measurements(self, period: PeriodLike | None = None, kpi: str | None = None) -> tuple[RecordedMeasurement, ...]:
        """The figures recorded, in the order received (optionally of one month and/or KPI)."""
        with self._read() as conn:
            return reading.recorded_measurements(conn, None if period is None else _period(period), kpi)

    def decisions(self, *, contract: str | None = None) -> tuple[RecordedDecision, ...]:
        """Every decision recorded, in order, with who recorded it and when (with ``contract``: those for it
        and those recorded for every contract)."""
        with self._read() as conn:
            return reading.recorded_decisions(conn, contract)

    def current_decisions(self, *, contract: str | None = None) -> Decisions:
        """The decisions recorded, as one :class:`~csskpi.Decisions` to evaluate with: duplicates counted once,
        and a settled escalation standing over the open one it settles."""
        return reading.decisions_from_records(self.decisions(contract=contract))
