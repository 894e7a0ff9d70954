"""The raw datasets of People Management (``docs/measures.md``) and their data-quality findings.

Choices where ``docs/measures.md`` is silent:

* Completion columns (``paid_date``, ``resolved_on``, ``paid_on``, ``resolved_at``, ``appointed_on``,
  ``completed_at``) are nullable: empty means still open (unpaid, unresolved, not yet appointed, not completed).
* ``pm_contacts.tier`` is an enumeration of the text ``"1"``, ``"2"``, ``"3"``: a CSV's ``1`` reads as ``"1"`` and a
  frame's integer 1 is accepted too, while a tier 4 or 0 is refused at load time rather than silently counted
  nowhere.
* ``spot_checks.record_id`` names the People Management record checked, which may be checked again in another
  month: it is not declared unique. PM_KPI_06 counts each record found in error once a month; the same record
  checked twice on one day is a finding (probably a repeated row).
* ``pm_transactions.type`` is free text (the PM_KPI_11 Service Level Agreement's transaction types); each row
  carries its type's ``target_business_days``.
"""

from __future__ import annotations

from typing import Final

import polars as pl
from csskpi.plugin import Column, ColumnKind, DatasetSpec, Finding, finding_for

__all__ = [
    "PAYROLL_PAYMENTS",
    "PAYMENT_ERRORS",
    "THIRD_PARTY_DEDUCTIONS",
    "PM_CONTACTS",
    "SPOT_CHECKS",
    "RECRUITMENTS",
    "PM_TRANSACTIONS",
    "DATASETS",
    "CAUSES",
    "TIERS",
    "CATEGORIES",
]

CAUSES: Final = ("provider", "other")
TIERS: Final = ("1", "2", "3")
CATEGORIES: Final = ("corporate", "school")

K = ColumnKind


def _payroll_findings(frame: pl.DataFrame) -> list[Finding]:
    twice = frame.filter(pl.len().over("recipient_id", "payment_date") > 1)
    return finding_for(
        twice, "recipient paid more than once on the same payment date (a duplicate payment?)", column="recipient_id"
    )


PAYROLL_PAYMENTS: Final = DatasetSpec(
    name="payroll_payments",
    columns=(
        Column("payment_id", K.STR, description="unique per payment"),
        Column("recipient_id", K.STR, description="the payroll recipient (employee, pensioner...)"),
        Column("payment_date", K.DATE, description="the date the payment is due to the recipient: its month"),
        Column("paid_date", K.DATE, nullable=True, description="the date it was paid; empty if not paid yet"),
    ),
    id_column="payment_id",
    description="Payroll payments (PM_KPI_01)",
    findings=_payroll_findings,
)

PAYMENT_ERRORS: Final = DatasetSpec(
    name="payment_errors",
    columns=(
        Column("error_id", K.STR, description="unique per error"),
        Column("caused_by", K.ENUM, values=CAUSES, description="provider (the Service Provider) or other"),
        Column("identified_on", K.DATE, description="the day the error was identified: its month"),
        Column("resolved_on", K.DATE, nullable=True, description="the day it was resolved; empty if still open"),
    ),
    id_column="error_id",
    ordered=(("identified_on", "resolved_on"),),
    description="Errors in payroll payments (PM_KPI_02)",
)

THIRD_PARTY_DEDUCTIONS: Final = DatasetSpec(
    name="third_party_deductions",
    columns=(
        Column("deduction_id", K.STR, description="unique per deduction payment"),
        Column("due_on", K.DATE, description="the third party payment date: its month"),
        Column("paid_on", K.DATE, nullable=True, description="the day it was paid; empty if not paid yet"),
    ),
    id_column="deduction_id",
    description="Payroll deductions paid to third parties: HMRC, pension funds, unions... (PM_KPI_03)",
)


def _contact_findings(frame: pl.DataFrame) -> list[Finding]:
    fcr = pl.col("first_contact_resolved").fill_null(False)
    tier1 = pl.col("tier") == "1"
    return [
        *finding_for(
            frame.filter(fcr & tier1 & pl.col("resolved_at").is_null()),
            "tier-1 contact marked resolved at first contact but with no resolved_at",
            column="resolved_at",
        ),
        *finding_for(
            frame.filter(fcr & ~tier1),
            "tier 2/3 contact marked resolved at first contact (a tier-1 contact escalated cannot be)",
            column="first_contact_resolved",
        ),
        *finding_for(
            frame.filter(fcr & (pl.col("resolved_at").dt.date() > pl.col("received_at").dt.date()).fill_null(False)),
            "contact marked resolved at first contact but resolved on a later day",
            column="resolved_at",
        ),
    ]


PM_CONTACTS: Final = DatasetSpec(
    name="pm_contacts",
    columns=(
        Column("contact_id", K.STR, description="unique per contact"),
        Column("received_at", K.DATETIME, description="when the contact was received: its month"),
        Column("tier", K.ENUM, values=TIERS, description="support tier 1, 2 or 3 (written 1, 2 or 3)"),
        Column("category", K.ENUM, values=CATEGORIES, description="corporate staff or school staff"),
        Column("first_contact_resolved", K.BOOL, description="resolved at the first contact"),
        Column(
            "resolved_at", K.DATETIME, nullable=True, description="when it was resolved; empty if still outstanding"
        ),
    ),
    id_column="contact_id",
    ordered=(("received_at", "resolved_at"),),
    description="People Management (payroll) contacts: PM_KPI_05 and the payroll-contacts appendix",
    findings=_contact_findings,
)


def _spot_check_findings(frame: pl.DataFrame) -> list[Finding]:
    twice = frame.filter(pl.len().over("record_id", "checked_on") > 1)
    return finding_for(twice, "record checked more than once on the same day (a repeated row?)", column="record_id")


SPOT_CHECKS: Final = DatasetSpec(
    name="spot_checks",
    columns=(
        Column("record_id", K.STR, description="the People Management record checked (may recur in other months)"),
        Column("checked_on", K.DATE, description="the day of the check: its month"),
        Column("has_error", K.BOOL, description="the record was found to contain errors, omissions or inaccuracies"),
    ),
    description="Spot checks of People Management records (PM_KPI_06)",
    findings=_spot_check_findings,
)

RECRUITMENTS: Final = DatasetSpec(
    name="recruitments",
    columns=(
        Column("vacancy_id", K.STR, description="unique per vacancy"),
        Column("via_e_form", K.BOOL, description="raised through the electronic vacancy form"),
        Column("authorised_on", K.DATE, description="the day the vacancy was authorised"),
        Column(
            "appointed_on",
            K.DATE,
            nullable=True,
            description="the day of appointment to post: its month; empty if open",
        ),
    ),
    id_column="vacancy_id",
    ordered=(("authorised_on", "appointed_on"),),
    description="Recruitments from authorisation to appointment to post (PM_KPI_07)",
)


def _transaction_findings(frame: pl.DataFrame) -> list[Finding]:
    several = frame.filter(pl.col("target_business_days").n_unique().over("type") > 1)
    return [
        *finding_for(
            frame.filter(pl.col("target_business_days") < 0),
            "negative target_business_days: the deadline falls before the transaction was received",
            column="target_business_days",
        ),
        *finding_for(
            several,
            "transaction type with more than one target_business_days (the SLA gives each type one target)",
            column="target_business_days",
        ),
    ]


PM_TRANSACTIONS: Final = DatasetSpec(
    name="pm_transactions",
    columns=(
        Column("transaction_id", K.STR, description="unique per transaction"),
        Column("type", K.STR, description="the transaction type of the PM_KPI_11 Service Level Agreement"),
        Column("received_at", K.DATETIME, description="when the transaction was received"),
        Column(
            "completed_at", K.DATETIME, nullable=True, description="when it was completed: its month; empty if open"
        ),
        Column("target_business_days", K.INT, description="the type's target, in business days from receipt"),
    ),
    id_column="transaction_id",
    ordered=(("received_at", "completed_at"),),
    description="People Management transactions: starters, leavers, changes... (PM_KPI_11)",
    findings=_transaction_findings,
)

DATASETS: Final = (
    PAYROLL_PAYMENTS,
    PAYMENT_ERRORS,
    THIRD_PARTY_DEDUCTIONS,
    PM_CONTACTS,
    SPOT_CHECKS,
    RECRUITMENTS,
    PM_TRANSACTIONS,
)
