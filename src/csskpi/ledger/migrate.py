"""Versioned schema migrations (Alembic), run by the ledger itself: no ``alembic.ini`` needed.

The migration scripts ship inside the package (``csskpi/ledger/migrations/versions``). Opening a ledger reads
its revision from the ``alembic_version`` table and, when it is older than :data:`HEAD`, upgrades it inside one
write transaction — under the same lock as any other write, so two processes opening an old ledger at once
upgrade it once. Alembic itself is imported only when there is something to upgrade.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from csskpi.ledger.errors import LedgerError

__all__ = [
    "HEAD",
    "MIGRATIONS",
    "REVISIONS",
    "alembic_config",
    "current_revision",
    "downgrade",
    "revision_problems",
    "upgrade",
]

#: The newest revision this csskpi knows, and every revision in order (checked against the scripts by the tests).
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def current_revision(conn: sa.Connection) -> str | None:
    """The ledger's revision, or None for an empty database. A database with other tables but no revision is
    not a ledger: :class:`LedgerError`."""
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    if "alembic_version" not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:5])
            raise LedgerError(f"this database is not a csskpi ledger: it has tables ({shown}) but no ledger revision")
        return None
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) != 1:
        raise LedgerError(f"this ledger's revision table holds {len(rows)} revisions, not one: it is damaged")
    revision = str(rows[0])
    if revision not in REVISIONS:
        raise LedgerError(
            f"this ledger is at revision {revision}, which this csskpi does not know (newest known: {HEAD}): "
            "it was written by a newer csskpi; upgrade csskpi to use it"
        )
    return revision


#: Tables that first appear at a revision: a ledger holding them but claiming an older revision was rolled back.
_INTRODUCED = {"0003": ("chain", "contract_terms", "ledger_revisions"), "0004": ("published_figures",)}


def revision_problems(conn: sa.Connection, revision: str | None) -> list[str]:
    """What contradicts the ledger's recorded revision: tables of a later revision, or a later revision recorded
    as applied in ``ledger_revisions`` (``alembic_version`` was set back), or a missing record of revisions."""
    if revision is None:
        return []
    tables = set(sa.inspect(conn).get_table_names())
    at = REVISIONS.index(revision)
    out: list[str] = []
    for introduced, names in _INTRODUCED.items():
        present = [n for n in names if n in tables]
        if REVISIONS.index(introduced) > at and present:
            out.append(f"the ledger says it is at revision {revision}, but it has the tables of revision {introduced} "
                       f"({', '.join(present)}): its revision was set back")
    if "ledger_revisions" in tables:
        applied = {str(r) for r in conn.execute(sa.text("SELECT revision FROM ledger_revisions")).scalars()}
        later = sorted((r for r in applied if r in REVISIONS and REVISIONS.index(r) > at), key=REVISIONS.index)
        if later and not out:
            out.append(f"the ledger says it is at revision {revision}, but revision {later[-1]} was applied to it: "
                       "its revision was set back")
        if at >= REVISIONS.index("0003") and revision not in applied:
            out.append(f"the ledger says it is at revision {revision}, but its record of revisions applied does not have it")
    elif at >= REVISIONS.index("0003"):
        out.append(f"the ledger says it is at revision {revision}, but its record of revisions applied (ledger_revisions) is gone")
    return out


def alembic_config(conn: sa.Connection | None = None):  # type: ignore[no-untyped-def]
    """An Alembic configuration for the packaged scripts, set to run on ``conn``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: sa.Connection, revision: str = HEAD) -> None:
    """Upgrade the database on ``conn`` (in the caller's transaction) to ``revision``."""
    from alembic import command

    if revision not in REVISIONS:
        raise LedgerError(f"no ledger revision {revision!r} (known: {', '.join(REVISIONS)})")
    command.upgrade(alembic_config(conn), revision)


def downgrade(conn: sa.Connection, revision: str) -> None:
    """Downgrade to ``revision`` ("base" for an empty database) — for developers and tests, never automatic."""
    from alembic import command

    command.downgrade(alembic_config(conn), revision)
