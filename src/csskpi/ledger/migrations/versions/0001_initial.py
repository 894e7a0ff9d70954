"""The ledger's first schema: batches of measurements and decisions, and versioned months of results,
points and credits — every table append-only (triggers refuse UPDATE and DELETE).

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits")
_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _version_fk() -> sa.Column[int]:
    return sa.Column("version_id", sa.Integer, sa.ForeignKey("month_versions.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "batches",
        _id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.CheckConstraint("kind IN ('measurements', 'decisions')", name="ck_batches_kind"),
        sa.CheckConstraint("length(recorded_by) > 0", name="ck_batches_recorded_by"),
    )
    op.create_table(
        "measurements",
        _id(),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("numerator", sa.BigInteger),
        sa.Column("denominator", sa.BigInteger),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("received_at", _TS, nullable=False),
    )
    op.create_table(
        "decisions",
        _id(),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("kpi", sa.String(64)),
        sa.Column("areas", sa.Text),
        sa.Column("period_from", sa.String(7), nullable=False),
        sa.Column("period_to", sa.String(7), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("impact", sa.Text, nullable=False),
        sa.Column("path_to_green", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_on", sa.Date),
        sa.Column("escalation_kind", sa.String(20)),
        sa.Column("raised_on", sa.Date),
        sa.Column("settled_on", sa.Date),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.CheckConstraint("kind IN ('mitigation', 'suspension', 'escalation')", name="ck_decisions_kind"),
    )
    op.create_table(
        "month_versions",
        _id(),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("contract", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.UniqueConstraint("period", "version", name="uq_month_versions_period_version"),
        # Version 1 is the first publication; every later version is a restatement, with its reason.
        sa.CheckConstraint(
            "(kind = 'publish' AND version = 1) OR (kind = 'restate' AND version > 1 AND length(reason) > 0)",
            name="ck_month_versions_kind",
        ),
        sa.CheckConstraint("length(recorded_by) > 0", name="ck_month_versions_recorded_by"),
    )
    op.create_table(
        "results",
        _id(),
        _version_fk(),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("version_id", "kpi", name="uq_results_version_kpi"),
    )
    op.create_table(
        "kpi_points",
        _id(),
        _version_fk(),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("points", sa.Text, nullable=False),
        sa.Column("multiplier", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("version_id", "kpi", name="uq_kpi_points_version_kpi"),
    )
    op.create_table(
        "area_credits",
        _id(),
        _version_fk(),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("points", sa.Text, nullable=False),
        sa.Column("credit", sa.Text, nullable=False),
        sa.Column("cap", sa.Text),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("version_id", "area", name="uq_area_credits_version_area"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE (and TRUNCATE) on every table, in the database itself."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for action, past in (("UPDATE", "updated"), ("DELETE", "deleted")):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the csskpi ledger is append-only: rows of {table} cannot be {past}'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION csskpi_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the csskpi ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION csskpi_ledger_append_only()"
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # dropping a table drops its triggers too
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS csskpi_ledger_append_only()")
