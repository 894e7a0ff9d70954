"""The database's own guards over the ledger — append-only triggers — and the check that they are all there.

Every table refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE). On SQLite a third trigger refuses an INSERT
over an existing key, which closes ``INSERT OR REPLACE`` (it deletes and re-inserts a row without firing the
delete trigger). On PostgreSQL the triggers are enabled ``ALWAYS``, so that ``session_replication_role = replica``
does not get past them, and a row trigger sets ``db_user`` to the session's user: the author the database knows.

:func:`problems` compares the triggers a ledger has with the ones it should have (name, table and definition) and
is run by every open and by ``ledger verify``: a ledger that lost a trigger, or had one altered, is refused.
The migrations create these triggers from :func:`sqlite_triggers` and :func:`postgres_statements`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa

__all__ = ["AUTHOR_TABLES", "GUARDED_TABLES", "KEYS", "postgres_statements", "problems", "sqlite_triggers"]

GUARDED_TABLES = (
    "batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits",
    "contract_terms", "chain", "ledger_revisions", "published_figures",
)

#: Each table's keys: an INSERT matching an existing row on any of them is refused (SQLite's REPLACE).
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "batches": (("id",),),
    "measurements": (("id",),),
    "decisions": (("id",),),
    "month_versions": (("id",), ("contract", "period", "version")),
    "results": (("id",), ("version_id", "kpi")),
    "kpi_points": (("id",), ("version_id", "kpi")),
    "area_credits": (("id",), ("version_id", "area")),
    "contract_terms": (("digest",),),
    "chain": (("seq",), ("entry", "ref_id")),
    "ledger_revisions": (("revision",),),
    "published_figures": (("id",), ("contract", "source", "area", "period")),
}

#: Tables whose rows record who wrote them: on PostgreSQL the database fills ``db_user``.
AUTHOR_TABLES = ("batches", "month_versions", "published_figures")

_FUNCTION = "csskpi_ledger_append_only"
_AUTHOR_FUNCTION = "csskpi_ledger_author"
_APPEND_ONLY_BODY = (
    " BEGIN RAISE EXCEPTION 'the csskpi ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME "
    "USING ERRCODE = 'restrict_violation'; END "
)
_AUTHOR_BODY = " BEGIN NEW.db_user := session_user; RETURN NEW; END "


def sqlite_triggers(tables: Sequence[str] = GUARDED_TABLES) -> dict[str, tuple[str, str]]:
    """Every SQLite trigger of the ledger (or of ``tables``, as a migration creates them at its revision):
    name -> (table, CREATE TRIGGER statement)."""
    out: dict[str, tuple[str, str]] = {}
    for table in tables:
        for action, past in (("UPDATE", "updated"), ("DELETE", "deleted")):
            out[f"{table}_no_{action.lower()}"] = (table, (
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the csskpi ledger is append-only: rows of {table} cannot be {past}'); END"
            ))
        match = " OR ".join(
            "(" + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")" for key in KEYS[table]
        )
        out[f"{table}_no_replace"] = (table, (
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {match}) "
            f"BEGIN SELECT RAISE(ABORT, 'the csskpi ledger is append-only: rows of {table} cannot be replaced'); END"
        ))
    return out


def postgres_statements(tables: Sequence[str] = GUARDED_TABLES, authors: Sequence[str] = AUTHOR_TABLES) -> list[str]:
    """The statements that create the PostgreSQL guards (functions and triggers, enabled ALWAYS) — of the ledger,
    or of ``tables`` and ``authors``, as a migration creates them at its revision."""
    out = [
        f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS ${_FUNCTION}${_APPEND_ONLY_BODY}${_FUNCTION}$",
        f"CREATE OR REPLACE FUNCTION {_AUTHOR_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS ${_AUTHOR_FUNCTION}${_AUTHOR_BODY}${_AUTHOR_FUNCTION}$",
    ]
    for table, name in _postgres_triggers(tables, authors):
        if name.endswith("_append_only"):
            out.append(f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()")
        else:
            out.append(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {_AUTHOR_FUNCTION}()")
        out.append(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")
    return out


def _postgres_triggers(
    tables: Sequence[str] = GUARDED_TABLES, authors: Sequence[str] = AUTHOR_TABLES
) -> list[tuple[str, str]]:
    out = [(table, f"{table}_append_only") for table in tables]
    out += [(table, f"{table}_author") for table in authors]
    return out


def _squash(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").lower()


def missing_tables(conn: sa.Connection) -> list[str]:
    """The ledger's tables that are not there (dropped)."""
    have = set(sa.inspect(conn).get_table_names())
    return [t for t in GUARDED_TABLES if t not in have]


def problems(conn: sa.Connection) -> list[str]:
    """What is wrong with the ledger's guards: a table dropped; a trigger missing, altered, disabled or unknown.
    Empty if sound."""
    gone = missing_tables(conn)
    found = [f"the table {t} is missing (it was dropped)" for t in gone]
    found += [p for p in (_sqlite_problems(conn) if conn.dialect.name == "sqlite" else _postgres_problems(conn))
              if not any(f" on {t} " in f"{p} " for t in gone)]
    return found


def _sqlite_problems(conn: sa.Connection) -> list[str]:
    have = {str(name): (str(table), str(sql or "")) for name, table, sql in conn.execute(
        sa.text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))}
    out = []
    for name, (table, sql) in sqlite_triggers().items():
        if name not in have:
            out.append(f"the trigger {name} on {table} is missing (it was dropped)")
        elif have[name][0] != table or _squash(have[name][1]) != _squash(sql):
            out.append(f"the trigger {name} on {table} has been altered")
    out += [f"an unknown trigger {name} on {table} has been added" for name, (table, _sql) in sorted(have.items())
            if name not in sqlite_triggers()]
    return out


def _postgres_problems(conn: sa.Connection) -> list[str]:
    rows = conn.execute(sa.text(
        "SELECT c.relname, t.tgname, t.tgenabled, p.proname, p.prosrc FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
    )).all()
    have = {(str(r[0]), str(r[1])): (str(r[2]), str(r[3]), str(r[4])) for r in rows}
    bodies = {_FUNCTION: _APPEND_ONLY_BODY, _AUTHOR_FUNCTION: _AUTHOR_BODY}
    out = []
    for table, name in _postgres_triggers():
        found = have.get((table, name))
        if found is None:
            out.append(f"the trigger {name} on {table} is missing (it was dropped)")
            continue
        enabled, function, source = found
        expected = _FUNCTION if name.endswith("_append_only") else _AUTHOR_FUNCTION
        if function != expected or _squash(source) != _squash(bodies[expected]):
            out.append(f"the trigger {name} on {table} has been altered (its function {function})")
        if enabled != "A":
            state = {"D": "disabled", "O": "enabled only outside replication", "R": "enabled only in replication"}.get(enabled, enabled)
            out.append(f"the trigger {name} on {table} is {state}, not enabled always")
    known = set(_postgres_triggers())
    out += [f"an unknown trigger {name} on {table} has been added" for (table, name) in sorted(have) if (table, name) not in known]
    return out
