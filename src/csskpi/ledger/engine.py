"""Where a ledger lives, and how it is written safely: the database URL, the engine, and write transactions.

A ledger is an SQLite file (a path; the default, nothing to set up) or a PostgreSQL database (an SQLAlchemy URL
such as ``postgresql+psycopg://user@host/db``). Every write is one transaction that first takes the ledger's
write lock, so concurrent writers queue instead of racing:

- SQLite: ``BEGIN IMMEDIATE`` (one writer at a time for the whole file; others wait, up to a busy timeout);
- PostgreSQL: one transaction-scoped advisory lock (``pg_advisory_xact_lock``) for the whole ledger: every write
  appends to the one hash chain (:mod:`.chain`), whose next entry must follow the head it read.

Version numbers are also unique per contract and month in the schema, and chain positions unique; should two
writers ever collide anyway (another tool writing without the lock), the loser's transaction is rolled back and
retried whole.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc

from csskpi.ledger.errors import AppendOnlyError, LedgerBusyError, LedgerError

__all__ = ["LOCK_NAMESPACE", "create_engine", "display", "make_url", "read_connection", "run_write", "write_transaction"]

T = TypeVar("T")

#: The first key of the ledger's PostgreSQL advisory lock ("csskpi" in spirit); the second is the ledger's.
LOCK_NAMESPACE = 0x637373
_WRITE_LOCK = -2
SQLITE_BUSY_SECONDS = 60.0
RETRIES = 8


def make_url(target: str | Path | sa.URL) -> sa.URL:
    """An SQLAlchemy URL for a path or URL. ``postgresql://`` means the psycopg (3) driver."""
    if isinstance(target, sa.URL):
        url = target
    elif isinstance(target, Path) or "://" not in str(target):
        text = str(target)
        if not text.strip():
            raise LedgerError("give the ledger as a file path or a database URL")
        return sa.URL.create("sqlite", database=str(Path(text).expanduser().absolute()))
    else:
        try:
            url = sa.make_url(str(target))
        except exc.ArgumentError as e:
            raise LedgerError(f"not a database URL: {target!r} ({e})") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(f"a ledger is an SQLite file or a PostgreSQL database, not {backend!r} ({display(url)})")
    return url


def display(url: sa.URL) -> str:
    """The URL as it may be shown: a file's path, or the URL without its password."""
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def create_engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy (below) issue BEGIN itself, rather than the sqlite3 module's implicit one.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            write = conn.get_execution_options().get("ledger_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except ImportError as e:  # SQLAlchemy imports the driver here: without the extra, say how to get it
        raise LedgerError(
            f"a PostgreSQL ledger ({display(url)}) needs the PostgreSQL driver, which is not installed "
            f"({e.name or e}): install csskpi with its postgres extra, pip install 'csskpi[postgres]'"
        ) from None


@contextmanager
def read_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in one read transaction (a consistent view), rolled back at the end."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def write_transaction(engine: sa.Engine, months: Iterable[int] = (), *, schema: bool = False) -> Iterator[sa.Connection]:
    """One write transaction holding the ledger's write lock: committed if the block ends normally, rolled back
    if it raises (or if the process dies: the database never sees a COMMIT)."""
    with engine.connect() as conn:
        conn.execution_options(ledger_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # One lock for every write (schema upgrades too): the chain has one head. ``months`` is kept
                # for callers; the lock no longer depends on it.
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_NAMESPACE, _WRITE_LOCK)))
            yield conn


def _retryable(error: exc.DBAPIError) -> bool:
    text = str(error.orig).lower()
    if "rows of month_versions cannot be replaced" in text or "rows of chain cannot be replaced" in text:
        return True  # SQLite's guard against INSERT over an existing key: the same collision, seen earlier
    if isinstance(error, exc.IntegrityError):
        return any(name in text for name in ("uq_month_versions_contract_period_version", "chain_pkey", "uq_chain_entry_ref")) or (
            "unique" in text and ("month_versions" in text or "chain.seq" in text)
        )
    code = getattr(error.orig, "sqlstate", None)
    # Serialization failures and deadlocks (PostgreSQL). SQLite's "database is locked" is not retried: the busy
    # timeout has already waited for the other writers.
    return code in ("40001", "40P01") or "deadlock detected" in text


def translate(error: exc.DBAPIError, where: str) -> LedgerError:
    """A database error as a LedgerError with a plain message."""
    text = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    if "append-only" in text:
        start = text.find("the csskpi ledger")
        return AppendOnlyError(text[start:] if start >= 0 else text)
    if "database is locked" in text.lower():
        return LedgerBusyError(f"{where}: the ledger stayed locked by other writers; try again")
    return LedgerError(f"{where}: {text}")


def run_write(engine: sa.Engine, months: Iterable[int], work: Callable[[sa.Connection], T], *, where: str) -> T:
    """Run ``work`` in a write transaction, retrying the whole transaction if it lost a race."""
    months = list(months)
    for attempt in range(RETRIES):
        try:
            with write_transaction(engine, months) as conn:
                return work(conn)
        except exc.DBAPIError as error:
            if attempt + 1 < RETRIES and _retryable(error):
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
                continue
            raise translate(error, where) from None
    raise LedgerBusyError(f"{where}: gave up after {RETRIES} attempts")  # pragma: no cover - loop returns or raises
