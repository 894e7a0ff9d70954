"""The ledger's tables as they are at the head revision, for the queries the ledger runs (SQLAlchemy Core).

The tables are *created* by the migrations (``migrations/versions``), never from this module, so that a ledger
always has exactly the shape its recorded revision says. Keep this module in step with the newest migration; the
tests compare the two.

Every table only grows: rows are inserted, never updated or deleted (the migrations add triggers that refuse
UPDATE and DELETE). A month's figures are *versions*: ``month_versions`` holds one row per (contract, period,
version), unique together, and the results, points and credits of a version hang off it by ``version_id``.
Figures are exact text (``"85.04"``), never floats; each row also keeps its full JSON record.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "APPEND_ONLY_TABLES",
    "area_credits",
    "batches",
    "chain",
    "contract_terms",
    "decisions",
    "kpi_points",
    "ledger_revisions",
    "measurements",
    "metadata",
    "month_versions",
    "published_figures",
    "results",
]

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # 'measurements' | 'decisions'
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", _TS, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("contract", sa.String(200)),  # revision 0003; NULL: recorded before, concerns every contract
    sa.Column("db_user", sa.String(200)),  # revision 0003; PostgreSQL: the session's user, set by the database
)

measurements = sa.Table(
    "measurements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("kpi", sa.String(64), nullable=False),
    sa.Column("origin", sa.String(40), nullable=False),  # 'reported' | 'recomputed' | ...
    sa.Column("value", sa.Text),  # exact decimal text; NULL: no figure
    sa.Column("numerator", sa.BigInteger),
    sa.Column("denominator", sa.BigInteger),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("received_at", _TS, nullable=False),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # 'mitigation' | 'suspension' | 'escalation'
    sa.Column("kpi", sa.String(64)),
    sa.Column("areas", sa.Text),
    sa.Column("period_from", sa.String(7), nullable=False),
    sa.Column("period_to", sa.String(7), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("impact", sa.Text, nullable=False),
    sa.Column("path_to_green", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_on", sa.Date),
    sa.Column("escalation_kind", sa.String(20)),  # 'escalated' | 'disputed'
    sa.Column("raised_on", sa.Date),
    sa.Column("settled_on", sa.Date),  # an escalation's settlement
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
)

month_versions = sa.Table(
    "month_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # 'publish' (version 1) | 'restate' (2, 3, ...)
    sa.Column("contract", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", _TS, nullable=False),
    sa.Column("missing", sa.JSON, nullable=False),
    sa.Column("warnings", sa.JSON),  # revision 0002; NULL in versions written before it
    # Revision 0003 (NULL in versions written before it): the terms' digest (-> contract_terms), the change
    # notices applied, the ids of the decisions in force, and the database user who wrote it (PostgreSQL).
    sa.Column("terms_digest", sa.String(64)),
    sa.Column("changes", sa.JSON),
    sa.Column("decisions", sa.JSON),
    sa.Column("db_user", sa.String(200)),
    sa.UniqueConstraint("contract", "period", "version", name="uq_month_versions_contract_period_version"),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("month_versions.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("kpi", sa.String(64), nullable=False),
    sa.Column("area", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("record", sa.JSON, nullable=False),
    sa.UniqueConstraint("version_id", "kpi", name="uq_results_version_kpi"),
)

kpi_points = sa.Table(
    "kpi_points",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("month_versions.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("kpi", sa.String(64), nullable=False),
    sa.Column("area", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("points", sa.Text, nullable=False),
    sa.Column("multiplier", sa.Text, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.UniqueConstraint("version_id", "kpi", name="uq_kpi_points_version_kpi"),
)

area_credits = sa.Table(
    "area_credits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("month_versions.id"), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("area", sa.String(64), nullable=False),
    sa.Column("points", sa.Text, nullable=False),
    sa.Column("credit", sa.Text, nullable=False),
    sa.Column("cap", sa.Text),
    sa.Column("record", sa.JSON, nullable=False),
    sa.UniqueConstraint("version_id", "area", name="uq_area_credits_version_area"),
)

contract_terms = sa.Table(
    "contract_terms",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the terms' text
    sa.Column("contract", sa.String(200), nullable=False),
    sa.Column("terms", sa.Text, nullable=False),  # the contract as canonical TOML (csskpi.files.contract_dump)
)

chain = sa.Table(
    "chain",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("entry", sa.String(10), nullable=False),  # 'batch' | 'version' | 'published' (revision 0004)
    sa.Column("ref_id", sa.Integer, nullable=False),
    sa.Column("manifest", sa.Text, nullable=False),  # JSON: [table, key, row digest] per row of the entry
    sa.Column("prev_digest", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.UniqueConstraint("entry", "ref_id", name="uq_chain_entry_ref"),
)

published_figures = sa.Table(  # revision 0004: the council's published summaries, as published (one row per figure)
    "published_figures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("contract", sa.String(200), nullable=False),
    sa.Column("source", sa.String(200), nullable=False),  # e.g. 'dec2017-report'
    sa.Column("published_on", sa.Date, nullable=False),
    sa.Column("area", sa.String(64), nullable=False),  # 'ALL' or an area code
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("tsl_achieved", sa.Integer),  # the counts; NULL: not published
    sa.Column("msl_achieved", sa.Integer),
    sa.Column("below_msl", sa.Integer),
    sa.Column("mitigation", sa.Integer),
    sa.Column("total", sa.Integer),
    sa.Column("source_file", sa.Text, nullable=False),  # the file it was recorded from ('' if none) and its line
    sa.Column("source_line", sa.Integer),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", _TS, nullable=False),
    sa.Column("db_user", sa.String(200)),  # PostgreSQL: the session's user, set by the database
    sa.UniqueConstraint("contract", "source", "area", "period", name="uq_published_figures_contract_source_area_period"),
)

ledger_revisions = sa.Table(
    "ledger_revisions",
    metadata,
    sa.Column("revision", sa.String(32), primary_key=True),
    sa.Column("applied_at", _TS, nullable=False),
)

APPEND_ONLY_TABLES = (
    "batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits",
    "contract_terms", "chain", "ledger_revisions", "published_figures",
)
