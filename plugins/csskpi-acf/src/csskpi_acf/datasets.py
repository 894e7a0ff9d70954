"""The raw datasets of the Adult Care Finance KPIs (``docs/measures.md``), and what is odd in them.

Each :class:`~csskpi.DatasetSpec` declares exactly the columns ``docs/measures.md`` names, so a supplier's file with
just those columns loads; extra columns are accepted by the loader. The ``findings`` functions list records that
are valid but worth a reader's attention — never dropped, and where they change how a record counts, the finding
says how it was counted.

The satisfaction survey (``surveys``, kind ``acf_user``) is the core's shared dataset and is not declared here.
"""

from __future__ import annotations

from typing import Final

import polars as pl
from csskpi.plugin import ENGLAND_AND_WALES, Column, ColumnKind, DatasetSpec, Finding, finding_for

__all__ = [
    "ACF_CONTACTS",
    "ACF_INCOME",
    "ACF_SERVICE_USERS",
    "CARE",
    "COURT_PROTECTION",
    "DATASETS",
    "DIRECT_PAYMENTS",
    "FINANCIAL_ASSESSMENTS",
    "KIND",
    "LEGAL_CHARGES",
]

CARE: Final = ("non_residential", "residential")
KIND: Final = ("new", "change")

_STR, _DATE, _BOOL = ColumnKind.STR, ColumnKind.DATE, ColumnKind.BOOL


def _off_days(frame: pl.DataFrame, column: str, what: str) -> list[Finding]:
    """Rows whose ``column`` is a weekend day or a bank holiday of England and Wales."""
    odd = frame.filter(pl.col(column).is_not_null() & ~ENGLAND_AND_WALES.is_business_day_expr(pl.col(column)))
    return finding_for(odd, f"{what} on a weekend or bank holiday", column=column)


def _repeated_in_snapshot(frame: pl.DataFrame, id_column: str) -> list[Finding]:
    """Rows whose id appears more than once in the same snapshot: each row is counted as given."""
    odd = frame.filter(pl.struct(id_column, "snapshot_on").is_duplicated())
    return finding_for(
        odd, f"{id_column} appears more than once in one snapshot; every row is counted as given", column=id_column
    )


def _assessment_findings(frame: pl.DataFrame) -> list[Finding]:
    return _off_days(frame, "referred_on", "referred (the clock starts on the next business day)") + _off_days(
        frame, "completed_on", "completed"
    )


def _direct_payment_findings(frame: pl.DataFrame) -> list[Finding]:
    return _off_days(frame, "referred_on", "referred (the clock starts on the next business day)") + _off_days(
        frame, "first_paid_on", "first paid"
    )


def _income_findings(frame: pl.DataFrame) -> list[Finding]:
    credits = frame.filter(pl.col("outstanding") <= 0)
    return _repeated_in_snapshot(frame, "invoice_id") + finding_for(
        credits,
        "zero or negative outstanding balance (a credit): left out of both the aged and the total outstanding value",
        column="outstanding",
    )


def _legal_charge_findings(frame: pl.DataFrame) -> list[Finding]:
    return _off_days(frame, "submitted_on", "submitted")


def _court_protection_findings(frame: pl.DataFrame) -> list[Finding]:
    premature = frame.filter(pl.col("commenced_on").is_null() & pl.col("actioned_correctly").is_not_null())
    unjudged = frame.filter(pl.col("commenced_on").is_not_null() & pl.col("actioned_correctly").is_null())
    return (
        finding_for(premature, "actioned_correctly given for a case not yet commenced", column="actioned_correctly")
        + finding_for(
            unjudged, "commenced case with no actioned_correctly: counted as not actioned correctly",
            column="actioned_correctly",
        )
        + _off_days(frame, "commenced_on", "commenced")
    )


def _service_user_findings(frame: pl.DataFrame) -> list[Finding]:
    unknown = frame.filter(pl.col("chargeable") & pl.col("assessment_up_to_date").is_null())
    return _repeated_in_snapshot(frame, "service_user_id") + finding_for(
        unknown,
        "chargeable service user with no assessment_up_to_date: counted as not up to date",
        column="assessment_up_to_date",
    )


ACF_CONTACTS: Final = DatasetSpec(
    name="acf_contacts",
    columns=(
        Column("contact_id", _STR, description="unique per contact"),
        Column("received_at", ColumnKind.DATETIME, description="when the contact was received: its month"),
        Column("first_contact_resolved", _BOOL, description="resolved at first contact"),
    ),
    id_column="contact_id",
    description="Contacts with Adult Care Finance (ACF_KPI_01)",
)

FINANCIAL_ASSESSMENTS: Final = DatasetSpec(
    name="financial_assessments",
    columns=(
        Column("assessment_id", _STR, description="unique per assessment"),
        Column("care", ColumnKind.ENUM, values=CARE, description="non_residential (ACF_KPI_03) or residential (04)"),
        Column("kind", ColumnKind.ENUM, values=KIND, description="new, or change of circumstance"),
        Column("referred_on", _DATE, description="referral from the Council: business day 0"),
        Column("completed_on", _DATE, nullable=True, description="empty while the assessment is open: its month"),
    ),
    id_column="assessment_id",
    ordered=(("referred_on", "completed_on"),),
    description="Financial assessments, new and change of circumstance (ACF_KPI_03, ACF_KPI_04)",
    findings=_assessment_findings,
)

DIRECT_PAYMENTS: Final = DatasetSpec(
    name="direct_payments",
    columns=(
        Column("service_user_id", _STR, description="unique: a service user's first direct payment is made once"),
        Column("referred_on", _DATE, description="referral from the Council: business day 0"),
        Column("first_paid_on", _DATE, nullable=True, description="first direct payment; empty while unpaid: its month"),
    ),
    id_column="service_user_id",
    ordered=(("referred_on", "first_paid_on"),),
    description="Service users referred for a direct payment, and when the first was paid (ACF_KPI_05)",
    findings=_direct_payment_findings,
)

ACF_INCOME: Final = DatasetSpec(
    name="acf_income",
    columns=(
        Column("invoice_id", _STR, description="the invoice; unique within one snapshot"),
        Column("snapshot_on", _DATE, description="the snapshot's date: the latest in a month is the month-end one"),
        Column("due_on", _DATE, description="when payment was due"),
        Column("outstanding", ColumnKind.DECIMAL, description="amount outstanding at the snapshot, pounds and pence"),
    ),
    description="Adult care income outstanding, month-end snapshots (ACF_KPI_06)",
    findings=_income_findings,
)

LEGAL_CHARGES: Final = DatasetSpec(
    name="legal_charges",
    columns=(
        Column("case_id", _STR, description="unique per case"),
        Column("due_on", _DATE, description="when the paperwork is due to legal services: its month"),
        Column("submitted_on", _DATE, nullable=True, description="when it was submitted; empty while it is not"),
    ),
    id_column="case_id",
    description="Paperwork for legal services to secure charges (ACF_KPI_07)",
    findings=_legal_charge_findings,
)

COURT_PROTECTION: Final = DatasetSpec(
    name="court_protection",
    columns=(
        Column("case_id", _STR, description="unique per case"),
        Column("referred_on", _DATE, description="referral: business day 0"),
        Column("commenced_on", _DATE, nullable=True, description="when work commenced; empty while it has not: its month"),
        Column("actioned_correctly", _BOOL, nullable=True, description="judged once commenced"),
    ),
    id_column="case_id",
    ordered=(("referred_on", "commenced_on"),),
    description="Court of Protection and appointeeship cases (ACF_KPI_08)",
    findings=_court_protection_findings,
)

ACF_SERVICE_USERS: Final = DatasetSpec(
    name="acf_service_users",
    columns=(
        Column("service_user_id", _STR, description="the service user; unique within one snapshot"),
        Column("snapshot_on", _DATE, description="the snapshot's date: the latest in a month is the month-end one"),
        Column("chargeable", _BOOL, description="in receipt of a chargeable service"),
        Column("assessment_up_to_date", _BOOL, nullable=True, description="an up-to-date, accurate financial assessment"),
    ),
    description="Adult care service users, month-end snapshots (ACF_KPI_10)",
    findings=_service_user_findings,
)

DATASETS: Final = (
    ACF_CONTACTS,
    FINANCIAL_ASSESSMENTS,
    DIRECT_PAYMENTS,
    ACF_INCOME,
    LEGAL_CHARGES,
    COURT_PROTECTION,
    ACF_SERVICE_USERS,
)
