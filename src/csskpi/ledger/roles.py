"""PostgreSQL roles for a ledger: one that can only read it, one that can only add to it.

``csskpi ledger init --roles`` creates (or brings up to date) two group roles, NOLOGIN, to be granted to users:

- ``PREFIX_reader``: SELECT on every table and view of the ledger's schema (reporting tools, auditors);
- ``PREFIX_writer``: SELECT and INSERT (and the sequences the inserts use), and nothing else — no UPDATE, DELETE
  or TRUNCATE, so even without the triggers such a user cannot change what is written. Neither may alter the
  schema (only its owner may, and the owner runs ``ledger init``).

The author of each version and batch is then the database user (``db_user``, filled by the database itself).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa

from csskpi.ledger.engine import write_transaction
from csskpi.ledger.errors import LedgerError

if TYPE_CHECKING:
    from csskpi.ledger.ledger import Ledger

__all__ = ["create_roles"]

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")


def create_roles(ledger: Ledger, prefix: str = "csskpi_ledger") -> tuple[str, str]:
    """Create (if need be) and grant the reader and writer roles; their names."""
    if ledger.engine.dialect.name != "postgresql":
        raise LedgerError("--roles is for a PostgreSQL ledger: an SQLite ledger's access is its file's permissions")
    if not _NAME.fullmatch(prefix):
        raise LedgerError(f"'role prefix' must be lower-case letters, digits and underscores (a-z, 0-9, _), not {prefix!r}")
    reader, writer = f"{prefix}_reader", f"{prefix}_writer"
    with write_transaction(ledger.engine, schema=True) as conn:
        schema = str(conn.execute(sa.text("SELECT current_schema()")).scalar())
        quoted = '"' + schema.replace('"', '""') + '"'
        existing = set(conn.execute(sa.text("SELECT rolname FROM pg_roles WHERE rolname IN (:r, :w)"), {"r": reader, "w": writer}).scalars())
        for role in (reader, writer):
            if role not in existing:
                conn.execute(sa.text(f"CREATE ROLE {role} NOLOGIN"))
            conn.execute(sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted} FROM {role}"))
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {quoted} TO {role}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {quoted} TO {role}"))
        conn.execute(sa.text(f"GRANT INSERT ON ALL TABLES IN SCHEMA {quoted} TO {writer}"))
        conn.execute(sa.text(f"REVOKE INSERT ON alembic_version FROM {writer}"))
        conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} TO {writer}"))
    return reader, writer
