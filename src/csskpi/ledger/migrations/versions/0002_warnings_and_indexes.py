"""Watch-rule warnings kept with each month's version, and indexes for looking figures up by month and KPI.

An additive change: versions written before it have no warnings column value (NULL, read as none).

Revision ID: 0002
Revises: 0001
Create Date: 2024-07-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_measurements_period_kpi", "measurements", ["period", "kpi"]),
    ("ix_decisions_kpi", "decisions", ["kpi"]),
    ("ix_results_period_kpi", "results", ["period", "kpi"]),
    ("ix_kpi_points_period_kpi", "kpi_points", ["period", "kpi"]),
    ("ix_area_credits_period_area", "area_credits", ["period", "area"]),
)


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild), so the append-only triggers stay in place on every backend.
    op.add_column("month_versions", sa.Column("warnings", sa.JSON, nullable=True))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    # SQLite 3.35+ drops a column in place, keeping the table and its triggers (no batch rebuild).
    op.execute("ALTER TABLE month_versions DROP COLUMN warnings")
