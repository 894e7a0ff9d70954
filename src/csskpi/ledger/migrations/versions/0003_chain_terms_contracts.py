"""The official record: a hash chain over every write, the contract terms behind each version, several contracts
per ledger, the database user as author, triggers closing INSERT OR REPLACE, and views for reporting tools.

- ``chain``: one row per entry (a batch or a month's version) with its manifest and digests (``csskpi.ledger.chain``);
  the entries already in the ledger are chained here, oldest first, so an upgraded ledger verifies.
- ``contract_terms``: a contract's canonical terms (TOML), keyed by their SHA-256; ``month_versions.terms_digest``
  names the terms a version was computed under (NULL for versions written before this revision: not kept).
- ``month_versions``: ``changes`` (the change notices applied), ``decisions`` (the ids of the decisions in force),
  ``db_user``; its key becomes UNIQUE (contract, period, version), so one ledger holds several contracts.
  SQLite cannot drop a UNIQUE constraint, so there the table is rebuilt (with its children, to keep their foreign
  keys pointing at it) — every row copied with its id.
- ``batches``: ``contract`` (NULL for batches recorded before: they concern every contract) and ``db_user``.
- ``ledger_revisions``: every revision applied from this one on (append-only), so a rolled-back
  ``alembic_version`` is noticed.
- Triggers: every table append-only; SQLite also refuses an INSERT over an existing key; PostgreSQL triggers are
  enabled ALWAYS and fill ``db_user``. Views ``current_results`` and ``current_credits``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from csskpi.ledger import chain, guards

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
#: The tables guarded at this revision, and those whose author PostgreSQL records (later revisions add more: this
#: revision creates and drops the guards of its own tables only).
GUARDED = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits",
           "contract_terms", "chain", "ledger_revisions")
AUTHORS = ("batches", "month_versions")
OLD_TABLES = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits")
CHILDREN = ("results", "kpi_points", "area_credits")
INDEXES = (
    ("ix_results_period_kpi", "results", ["period", "kpi"]),
    ("ix_kpi_points_period_kpi", "kpi_points", ["period", "kpi"]),
    ("ix_area_credits_period_area", "area_credits", ["period", "area"]),
)
VERSION_COLUMNS = ("id", "period", "version", "kind", "contract", "reason", "recorded_by", "recorded_at", "missing", "warnings")
CHILD_COLUMNS = {
    "results": ("id", "version_id", "period", "kpi", "area", "status", "value", "record"),
    "kpi_points": ("id", "version_id", "period", "kpi", "area", "status", "points", "multiplier", "record"),
    "area_credits": ("id", "version_id", "period", "area", "points", "credit", "cap", "record"),
}

VIEWS = {
    "current_results": """
        SELECT v.contract, v.period, v.version, v.recorded_at, r.kpi, r.area, r.status,
               CAST(r.value AS NUMERIC) AS value, r.value AS value_text
        FROM results r JOIN month_versions v ON v.id = r.version_id
        WHERE v.version = (SELECT max(w.version) FROM month_versions w WHERE w.contract = v.contract AND w.period = v.period)
    """,
    "current_credits": """
        SELECT v.contract, v.period, v.version, v.recorded_at, a.area,
               CAST(a.points AS NUMERIC) AS points, CAST(a.credit AS NUMERIC) AS credit, CAST(a.cap AS NUMERIC) AS cap
        FROM area_credits a JOIN month_versions v ON v.id = a.version_id
        WHERE v.version = (SELECT max(w.version) FROM month_versions w WHERE w.contract = v.contract AND w.period = v.period)
    """,
}


def _version_table(name: str, *, head: bool) -> None:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("contract", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON),
        sa.CheckConstraint(
            "(kind = 'publish' AND version = 1) OR (kind = 'restate' AND version > 1 AND length(reason) > 0)",
            name="ck_month_versions_kind",
        ),
        sa.CheckConstraint("length(recorded_by) > 0", name="ck_month_versions_recorded_by"),
    ]
    if head:
        columns += [
            sa.Column("terms_digest", sa.String(64)),
            sa.Column("changes", sa.JSON),
            sa.Column("decisions", sa.JSON),
            sa.Column("db_user", sa.String(200)),
            sa.UniqueConstraint("contract", "period", "version", name="uq_month_versions_contract_period_version"),
        ]
    else:
        columns.append(sa.UniqueConstraint("period", "version", name="uq_month_versions_period_version"))
    op.create_table(name, *columns)


def _child_table(table: str, name: str, parent: str) -> None:
    fk = sa.Column("version_id", sa.Integer, sa.ForeignKey(f"{parent}.id"), nullable=False)
    common: list[sa.schema.SchemaItem] = [sa.Column("id", sa.Integer, primary_key=True), fk, sa.Column("period", sa.String(7), nullable=False)]
    rest: list[sa.schema.SchemaItem]
    if table == "results":
        rest = [sa.Column("kpi", sa.String(64), nullable=False), sa.Column("area", sa.String(64), nullable=False),
                sa.Column("status", sa.String(10), nullable=False), sa.Column("value", sa.Text),
                sa.Column("record", sa.JSON, nullable=False), sa.UniqueConstraint("version_id", "kpi", name="uq_results_version_kpi")]
    elif table == "kpi_points":
        rest = [sa.Column("kpi", sa.String(64), nullable=False), sa.Column("area", sa.String(64), nullable=False),
                sa.Column("status", sa.String(10), nullable=False), sa.Column("points", sa.Text, nullable=False),
                sa.Column("multiplier", sa.Text, nullable=False), sa.Column("record", sa.JSON, nullable=False),
                sa.UniqueConstraint("version_id", "kpi", name="uq_kpi_points_version_kpi")]
    else:
        rest = [sa.Column("area", sa.String(64), nullable=False), sa.Column("points", sa.Text, nullable=False),
                sa.Column("credit", sa.Text, nullable=False), sa.Column("cap", sa.Text),
                sa.Column("record", sa.JSON, nullable=False), sa.UniqueConstraint("version_id", "area", name="uq_area_credits_version_area")]
    op.create_table(name, *common, *rest)


def _rebuild_sqlite_versions(*, head: bool, columns: tuple[str, ...]) -> None:
    """Rebuild ``month_versions`` and its children under new definitions, keeping every row and id.

    The children are rebuilt too, pointing at ``month_versions_new``: dropping the old tables then violates no
    foreign key, and renaming ``month_versions_new`` rewrites their references to ``month_versions``."""
    _version_table("month_versions_new", head=head)
    listed = ", ".join(columns)
    op.execute(f"INSERT INTO month_versions_new ({listed}) SELECT {listed} FROM month_versions")
    for table in CHILDREN:
        _child_table(table, f"{table}_new", "month_versions_new")
        listed = ", ".join(CHILD_COLUMNS[table])
        op.execute(f"INSERT INTO {table}_new ({listed}) SELECT {listed} FROM {table}")
    for table in CHILDREN:
        op.drop_table(table)
    op.drop_table("month_versions")
    op.rename_table("month_versions_new", "month_versions")
    for table in CHILDREN:
        op.rename_table(f"{table}_new", table)
    for name, table, cols in INDEXES:
        op.create_index(name, table, cols)


def _drop_old_triggers(dialect: str) -> None:
    for table in OLD_TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_old_triggers(dialect)
    op.add_column("batches", sa.Column("contract", sa.String(200)))
    op.add_column("batches", sa.Column("db_user", sa.String(200)))
    if dialect == "sqlite":
        _rebuild_sqlite_versions(head=True, columns=VERSION_COLUMNS)
    else:
        for name, kind in (("terms_digest", sa.String(64)), ("changes", sa.JSON), ("decisions", sa.JSON), ("db_user", sa.String(200))):
            op.add_column("month_versions", sa.Column(name, kind))
        op.drop_constraint("uq_month_versions_period_version", "month_versions", type_="unique")
        op.create_unique_constraint("uq_month_versions_contract_period_version", "month_versions", ["contract", "period", "version"])
    op.create_index("ix_batches_contract", "batches", ["contract"])
    op.create_table(
        "contract_terms",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("contract", sa.String(200), nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
    )
    op.create_table(
        "chain",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entry", sa.String(10), nullable=False),
        sa.Column("ref_id", sa.Integer, nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("prev_digest", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.UniqueConstraint("entry", "ref_id", name="uq_chain_entry_ref"),
        sa.CheckConstraint("entry IN ('batch', 'version')", name="ck_chain_entry"),
    )
    op.create_table(
        "ledger_revisions",
        sa.Column("revision", sa.String(32), primary_key=True),
        sa.Column("applied_at", _TS, nullable=False),
    )
    conn = op.get_bind()
    _chain_existing(conn)
    conn.execute(sa.text("INSERT INTO ledger_revisions (revision, applied_at) VALUES ('0003', :at)"),
                 {"at": dt.datetime.now(dt.UTC)})
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")
    if dialect == "sqlite":
        for _table, sql in guards.sqlite_triggers(GUARDED).values():
            op.execute(sql)
    else:
        op.execute("DROP FUNCTION IF EXISTS csskpi_ledger_append_only()")
        for statement in guards.postgres_statements(GUARDED, AUTHORS):
            op.execute(statement)


def _chain_existing(conn: sa.Connection) -> None:
    """Chain the batches and versions already in the ledger, in the order they were recorded."""
    entries = [(r[1], 0, r[0], "batch") for r in conn.execute(sa.text("SELECT id, recorded_at FROM batches"))]
    entries += [(r[1], 1, r[0], "version") for r in conn.execute(sa.text("SELECT id, recorded_at FROM month_versions"))]
    for _when, _order, ref, entry in sorted(entries, key=lambda e: (str(e[0]), e[1], e[2])):
        chain.append(conn, entry, int(ref))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    held = op.get_bind().execute(sa.text("SELECT count(DISTINCT contract) FROM month_versions")).scalar() or 0
    if held > 1:
        from csskpi.ledger.errors import LedgerError

        raise LedgerError(f"cannot downgrade below revision 0003: the ledger holds {held} contracts, and revision 0002 "
                          "keys versions by month alone")
    if dialect == "sqlite":
        for name in guards.sqlite_triggers(GUARDED):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        for table in AUTHORS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_author ON {table}")
        op.execute("DROP FUNCTION IF EXISTS csskpi_ledger_author()")
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in ("ledger_revisions", "chain", "contract_terms"):
        op.drop_table(table)
    op.drop_index("ix_batches_contract", table_name="batches")
    if dialect == "sqlite":
        _rebuild_sqlite_versions(head=False, columns=VERSION_COLUMNS)
        op.execute("ALTER TABLE batches DROP COLUMN db_user")
        op.execute("ALTER TABLE batches DROP COLUMN contract")
    else:
        op.drop_constraint("uq_month_versions_contract_period_version", "month_versions", type_="unique")
        op.create_unique_constraint("uq_month_versions_period_version", "month_versions", ["period", "version"])
        for name in ("db_user", "decisions", "changes", "terms_digest"):
            op.drop_column("month_versions", name)
        op.drop_column("batches", "db_user")
        op.drop_column("batches", "contract")
    _old_triggers(dialect)


def _old_triggers(dialect: str) -> None:
    """Revision 0001's append-only triggers, as they were."""
    if dialect == "sqlite":
        for table in OLD_TABLES:
            for action, past in (("UPDATE", "updated"), ("DELETE", "deleted")):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the csskpi ledger is append-only: rows of {table} cannot be {past}'); END"
                )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION csskpi_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the csskpi ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    for table in OLD_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION csskpi_ledger_append_only()"
        )
