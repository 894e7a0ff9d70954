"""The council's published summaries: the RAG counts of each area and month as each source published them.

- ``published_figures``: one row per (contract, source, area, month) — the five counts (NULL where the source
  published none), when the source was published (``published_on``), the file and line it was recorded from, who
  recorded it and when (and ``db_user`` on PostgreSQL). UNIQUE (contract, source, area, period): a figure is
  recorded once and never overwritten; a later source restates it under its own name.
- ``chain``: a third kind of entry, ``published``, one per figure recorded (its ``ck_chain_entry`` widened; SQLite
  cannot alter a CHECK constraint, so there the chain is rebuilt, every row copied as it is).
- Triggers: ``published_figures`` is append-only as every other table (on SQLite also against INSERT over an
  existing key; on PostgreSQL enabled ALWAYS, with ``db_user`` set by the database).

An existing ledger has no published figures: nothing to chain. Downgrading is refused once any are recorded.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from csskpi.ledger import guards

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
TABLE = "published_figures"
COUNTS = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")
ENTRIES = {"head": "entry IN ('batch', 'version', 'published')", "0003": "entry IN ('batch', 'version')"}


def _chain_table(name: str, check: str) -> None:
    op.create_table(
        name,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entry", sa.String(10), nullable=False),
        sa.Column("ref_id", sa.Integer, nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("prev_digest", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.UniqueConstraint("entry", "ref_id", name="uq_chain_entry_ref"),
        sa.CheckConstraint(check, name="ck_chain_entry"),
    )


def _chain_entries(dialect: str, check: str) -> None:
    """Replace the chain's CHECK on its kinds of entry, keeping every entry as it is."""
    if dialect != "sqlite":
        op.drop_constraint("ck_chain_entry", "chain", type_="check")
        op.create_check_constraint("ck_chain_entry", "chain", check)
        return
    triggers = guards.sqlite_triggers(("chain",))
    for name in triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    _chain_table("chain_new", check)
    columns = "seq, entry, ref_id, manifest, prev_digest, digest"
    op.execute(f"INSERT INTO chain_new ({columns}) SELECT {columns} FROM chain ORDER BY seq")
    op.drop_table("chain")
    op.rename_table("chain_new", "chain")
    for _table, sql in triggers.values():
        op.execute(sql)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        *(sa.Column(c, sa.Integer) for c in COUNTS),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_line", sa.Integer),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("db_user", sa.String(200)),
        sa.UniqueConstraint("contract", "source", "area", "period", name="uq_published_figures_contract_source_area_period"),
        sa.CheckConstraint("length(recorded_by) > 0", name="ck_published_figures_recorded_by"),
        sa.CheckConstraint("length(contract) > 0 AND length(source) > 0 AND length(area) > 0",
                           name="ck_published_figures_named"),
        sa.CheckConstraint(" AND ".join(f"({c} IS NULL OR {c} >= 0)" for c in COUNTS), name="ck_published_figures_counts"),
    )
    op.create_index("ix_published_figures_contract_period", TABLE, ["contract", "period"])
    _chain_entries(dialect, ENTRIES["head"])
    if dialect == "sqlite":
        for _table, sql in guards.sqlite_triggers((TABLE,)).values():
            op.execute(sql)
    else:
        for statement in guards.postgres_statements((TABLE,), (TABLE,)):
            op.execute(statement)
    op.get_bind().execute(sa.text("INSERT INTO ledger_revisions (revision, applied_at) VALUES ('0004', :at)"),
                          {"at": dt.datetime.now(dt.UTC)})


def downgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    held = conn.execute(sa.text(f"SELECT count(*) FROM {TABLE}")).scalar() or 0
    if held:
        from csskpi.ledger.errors import LedgerError

        raise LedgerError(f"cannot downgrade below revision 0004: the ledger holds {held} published figure(s), "
                          "which revision 0003 has no place for")
    if dialect == "sqlite":
        for name in guards.sqlite_triggers((TABLE,)):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        # ledger_revisions is append-only: its record of 0004 goes with the revision, under the guard lifted here only.
        op.execute("DROP TRIGGER IF EXISTS ledger_revisions_no_delete")
        op.execute("DELETE FROM ledger_revisions WHERE revision = '0004'")
        op.execute(guards.sqlite_triggers(("ledger_revisions",))["ledger_revisions_no_delete"][1])
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_author ON {TABLE}")
        op.execute("ALTER TABLE ledger_revisions DISABLE TRIGGER ledger_revisions_append_only")
        op.execute("DELETE FROM ledger_revisions WHERE revision = '0004'")
        op.execute("ALTER TABLE ledger_revisions ENABLE ALWAYS TRIGGER ledger_revisions_append_only")
    op.drop_index("ix_published_figures_contract_period", table_name=TABLE)
    op.drop_table(TABLE)
    _chain_entries(dialect, ENTRIES["0003"])
