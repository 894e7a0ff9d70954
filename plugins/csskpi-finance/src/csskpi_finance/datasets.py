"""The Finance (Exchequer) raw datasets (``MEASURES.md``): invoices, payment runs and the debtors snapshot.

Decisions where ``MEASURES.md`` is silent:

- ``invoices``: a payment before the invoice was received is an error (``received_on`` <= ``paid_on``); an
  invoice received after its due date is valid but odd (a finding): it can only be paid late or on the day.
- ``payment_runs``: a run executed before its scheduled day is valid but odd (a finding) and is not "executed on
  schedule"; a run not executed (``executed_on`` empty) fails in its scheduled month.
- ``debtors`` is a month-end snapshot: each row is one debt outstanding at ``snapshot_on``. A debt appears in
  every snapshot it is outstanding at, so ``debt_id`` is unique within one snapshot, not across the file (the core
  checks single-column ids only, so no id column is declared; a debt repeated within a snapshot is a finding).
  ``category`` is free text, matched exactly against the excluded categories; one that differs from
  ``acf_assessment_income`` or ``health_authority`` only in case or spaces is a finding (it would count silently).
  A credit or zero balance (``outstanding`` <= 0) is not debt due to the council: it is left out of F_KPI_03 and
  listed. Several snapshot dates within one month: only the latest counts, and the others are listed.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from csskpi import Column, ColumnKind, DatasetSpec
from csskpi.data.load import Finding, finding_for

__all__ = [
    "DATASETS",
    "DEBTORS",
    "EXCLUDED_CATEGORIES",
    "INVOICES",
    "PAYMENT_RUNS",
    "debtors_findings",
    "invoices_findings",
    "payment_runs_findings",
]

#: MEASURES.md's categories left out of F_KPI_03 (its ``excluded_categories`` parameter).
EXCLUDED_CATEGORIES: Final = ("acf_assessment_income", "health_authority")


def invoices_findings(frame: pl.DataFrame) -> list[Finding]:
    return finding_for(
        frame.filter(pl.col("due_on") < pl.col("received_on")),
        "invoice received after its due date: it can only be paid late or on the day it arrived",
        column="due_on",
    )


def payment_runs_findings(frame: pl.DataFrame) -> list[Finding]:
    return finding_for(
        frame.filter(pl.col("executed_on") < pl.col("scheduled_on")),
        "payment run executed before its scheduled day: not executed on schedule (F_KPI_02)",
        column="executed_on",
    )


def debtors_findings(frame: pl.DataFrame) -> list[Finding]:
    month = pl.col("snapshot_on").dt.truncate("1mo")
    earlier = frame.filter(pl.col("snapshot_on") < pl.col("snapshot_on").max().over(month))
    category = pl.col("category").str.strip_chars().str.to_lowercase()
    near = category.is_in(list(EXCLUDED_CATEGORIES)) & ~pl.col("category").is_in(list(EXCLUDED_CATEGORIES))
    return [
        *finding_for(
            frame.filter(pl.col("outstanding") <= 0),
            "credit or zero balance: not debt due to the council, left out of F_KPI_03",
            column="outstanding",
        ),
        *finding_for(
            earlier,
            "snapshot earlier than the month's latest: a month's snapshot is its latest snapshot_on, these rows "
            "are not counted",
            column="snapshot_on",
        ),
        *finding_for(
            frame.filter(pl.struct("debt_id", "snapshot_on").is_duplicated()),
            "debt listed more than once in the same snapshot: each row is counted",
            column="debt_id",
        ),
        *finding_for(
            frame.filter(near.fill_null(False)),
            "category written like an excluded category but not exactly so: categories are matched exactly, so "
            "this debt is counted in F_KPI_03",
            column="category",
        ),
    ]


INVOICES: Final = DatasetSpec(
    name="invoices",
    columns=(
        Column("invoice_id", ColumnKind.STR, description="unique per supplier invoice"),
        Column("received_on", ColumnKind.DATE, description="the day the invoice was received"),
        Column("due_on", ColumnKind.DATE, description="the day payment is due under the vendor's terms"),
        Column("paid_on", ColumnKind.DATE, nullable=True, description="the day paid: its month; empty if unpaid"),
        Column("disputed", ColumnKind.BOOL, description="disputed invoices are not in F_KPI_01"),
    ),
    id_column="invoice_id",
    ordered=(("received_on", "paid_on"),),
    description="Supplier invoices and their payment",
    findings=invoices_findings,
)

PAYMENT_RUNS: Final = DatasetSpec(
    name="payment_runs",
    columns=(
        Column("run_id", ColumnKind.STR, description="unique per payment run"),
        Column("scheduled_on", ColumnKind.DATE, description="the day agreed (one business day in advance): its month"),
        Column("executed_on", ColumnKind.DATE, nullable=True, description="the day executed; empty if not"),
    ),
    id_column="run_id",
    description="Payment runs (BACS, CHAPS, cheque) and their schedule",
    findings=payment_runs_findings,
)

DEBTORS: Final = DatasetSpec(
    name="debtors",
    columns=(
        Column("debt_id", ColumnKind.STR, description="the debt (invoice) reference; unique within a snapshot"),
        Column("snapshot_on", ColumnKind.DATE, description="the day of the snapshot: its month (latest counts)"),
        Column("due_on", ColumnKind.DATE, description="the day the debt fell due"),
        Column("outstanding", ColumnKind.DECIMAL, description="the amount outstanding at the snapshot, in pounds"),
        Column("category", ColumnKind.STR, description="the kind of debt, e.g. health_authority; matched exactly"),
    ),
    description="Month-end snapshots of the debt due to the council",
    findings=debtors_findings,
)

#: The datasets this plugin declares.
DATASETS: Final = (INVOICES, PAYMENT_RUNS, DEBTORS)
