"""The Customer Service Centre's raw datasets (``docs/measures.md``): contacts, calls and carers assessments.

The satisfaction survey responses (CSC_KPI_07, kind ``csc_customer``) are in the core's shared ``surveys`` dataset,
declared by csskpi itself and not again here.

Decisions where ``docs/measures.md`` is silent:

- ``contacts.channel`` is an enumeration of the ten channels below, written exactly so (lowercase). A free string
  would let ``Email`` or ``e-mail`` count silently as a non-digital channel and drop out of CSC_KPI_05; an
  enumeration refuses it instead, naming the line. The measure parameters (``digital_channels``,
  ``timescale_business_days``) pick channels from these names.
- ``calls.queue`` is free text: queues are the supplier's telephony configuration (one per council service) and
  change more often than the contract; only the LRSP queue matters to the KPIs and it is a parameter. Queues are
  matched exactly; a queue that differs from ``lrsp`` only in case or spaces is listed as a finding, since it
  would otherwise count silently in CSC_KPI_04 instead of CSC_KPI_10.
- ``carers_assessments.accurate`` may be empty (not yet checked, or not completed): an assessment completed with no
  accuracy recorded counts as not accurate, and is listed as a finding.

Findings (valid but odd records, listed, never dropped):

- a call both answered and abandoned (``answered_at`` and ``abandoned_at`` set): the formula of ``docs/measures.md``
  defines abandoned as "``abandoned_at`` set and ``answered_at`` empty", so it counts as offered and **not**
  abandoned (the caller reached an agent; a later drop, e.g. in a transfer, is not an abandoned call);
- a call neither answered nor abandoned: it counts as offered and not abandoned;
- a queue named like ``lrsp`` but not exactly ``lrsp``;
- an email, web or letter contact resolved at first contact with no ``responded_at``: CSC_KPI_05 counts it as not
  responded;
- a completed carers assessment with no accuracy recorded; an accuracy recorded for an assessment not completed.
"""

from __future__ import annotations

from typing import Final

import polars as pl
from csskpi.plugin import Column, ColumnKind, DatasetSpec, Finding, finding_for

__all__ = [
    "CALLS",
    "CARERS_ASSESSMENTS",
    "CHANNELS",
    "CONTACTS",
    "DATASETS",
    "DIGITAL_CHANNELS",
    "LRSP_QUEUE",
    "TIMESCALE_BUSINESS_DAYS",
    "calls_findings",
    "carers_assessments_findings",
    "contacts_findings",
]

#: Every contact channel ``contacts.channel`` accepts.
CHANNELS: Final = (
    "phone",
    "web",
    "email",
    "webchat",
    "online_form",
    "self_service",
    "app",
    "social",
    "letter",
    "face_to_face",
)
#: docs/measures.md's default (*assumed*) digital channels, CSC_KPI_01's ``digital_channels`` parameter.
DIGITAL_CHANNELS: Final = ("web", "email", "webchat", "online_form", "self_service", "app", "social")
#: docs/measures.md's default (*assumed*) response timescales, CSC_KPI_05's ``timescale_business_days`` parameter.
TIMESCALE_BUSINESS_DAYS: Final = {"email": 2, "web": 2, "letter": 10}
#: docs/measures.md's default LRSP queue (CSC_KPI_10's ``queue``, CSC_KPI_04's ``excluded_queues``).
LRSP_QUEUE: Final = "lrsp"


def _near_miss(frame: pl.DataFrame, column: str, name: str) -> pl.Expr:
    """A value equal to ``name`` once trimmed and lower-cased, but not exactly ``name`` (judged once per distinct
    value: a year's calls hold a million values but a handful of queues)."""
    values = frame.get_column(column).unique().drop_nulls()
    odd = values.filter((values.str.strip_chars().str.to_lowercase() == name) & (values != name))
    return pl.col(column).is_in(odd.to_list())


def contacts_findings(frame: pl.DataFrame) -> list[Finding]:
    timescale = pl.col("channel").is_in(list(TIMESCALE_BUSINESS_DAYS))
    unrecorded = frame.filter(timescale & pl.col("first_contact_resolved") & pl.col("responded_at").is_null())
    return finding_for(
        unrecorded,
        "email, web or letter contact resolved at first contact but with no responded_at: "
        "CSC_KPI_05 counts it as not responded",
        column="responded_at",
    )


def calls_findings(frame: pl.DataFrame) -> list[Finding]:
    answered, abandoned = pl.col("answered_at").is_not_null(), pl.col("abandoned_at").is_not_null()
    return [
        *finding_for(
            frame.filter(answered & abandoned),
            "call both answered and abandoned: counted as offered and not abandoned "
            "(abandoned means abandoned_at set and answered_at empty)",
            column="abandoned_at",
        ),
        *finding_for(
            frame.filter(~answered & ~abandoned),
            "call neither answered nor abandoned: counted as offered and not abandoned",
            column="answered_at",
        ),
        *finding_for(
            frame.filter(_near_miss(frame, "queue", LRSP_QUEUE).fill_null(False)),
            f"queue written like {LRSP_QUEUE!r} but not exactly so: queues are matched exactly, so these calls "
            f"count as another queue's (CSC_KPI_04), not as {LRSP_QUEUE!r} (CSC_KPI_10)",
            column="queue",
        ),
    ]


def carers_assessments_findings(frame: pl.DataFrame) -> list[Finding]:
    completed, checked = pl.col("completed_on").is_not_null(), pl.col("accurate").is_not_null()
    return [
        *finding_for(
            frame.filter(completed & ~checked),
            "completed assessment with no accuracy recorded: CSC_KPI_09 counts it as not accurate",
            column="accurate",
        ),
        *finding_for(
            frame.filter(~completed & checked),
            "accuracy recorded for an assessment not completed: it counts only once completed",
            column="accurate",
        ),
    ]


CONTACTS: Final = DatasetSpec(
    name="contacts",
    columns=(
        Column("contact_id", ColumnKind.STR, description="unique per contact"),
        Column("received_at", ColumnKind.DATETIME, description="when the contact was received: its month"),
        Column("channel", ColumnKind.ENUM, values=CHANNELS, description="how the customer made contact"),
        Column("avoidable", ColumnKind.BOOL, description="an avoidable contact (CSC_KPI_03)"),
        Column("first_contact_resolved", ColumnKind.BOOL, description="resolved at first contact (CSC_KPI_06)"),
        Column("responded_at", ColumnKind.DATETIME, nullable=True, description="when the CSC responded; empty if not yet"),
    ),
    id_column="contact_id",
    ordered=(("received_at", "responded_at"),),
    description="Customer contacts with the Customer Service Centre, every channel",
    findings=contacts_findings,
)

CALLS: Final = DatasetSpec(
    name="calls",
    columns=(
        Column("call_id", ColumnKind.STR, description="unique per offered call"),
        Column("queue", ColumnKind.STR, description="the telephony queue, e.g. lrsp; matched exactly"),
        Column("offered_at", ColumnKind.DATETIME, description="when the call was offered to the queue: its month"),
        Column("answered_at", ColumnKind.DATETIME, nullable=True, description="when an agent answered; empty if never"),
        Column("abandoned_at", ColumnKind.DATETIME, nullable=True, description="when the caller hung up unanswered"),
    ),
    id_column="call_id",
    ordered=(("offered_at", "answered_at"), ("offered_at", "abandoned_at")),
    description="Telephone calls offered to the Customer Service Centre's queues",
    findings=calls_findings,
)

CARERS_ASSESSMENTS: Final = DatasetSpec(
    name="carers_assessments",
    columns=(
        Column("assessment_id", ColumnKind.STR, description="unique per assessment (new or review)"),
        Column("referred_on", ColumnKind.DATE, description="the day of referral: day 0 of the 20 business days"),
        Column("completed_on", ColumnKind.DATE, nullable=True, description="the day completed: its month; empty if open"),
        Column("accurate", ColumnKind.BOOL, nullable=True, description="completed accurately; empty if not checked"),
    ),
    id_column="assessment_id",
    ordered=(("referred_on", "completed_on"),),
    description="Carers assessments (new and reviews) completed by the Customer Service Centre",
    findings=carers_assessments_findings,
)

#: The datasets this plugin declares (``surveys`` is the core's).
DATASETS: Final = (CONTACTS, CALLS, CARERS_ASSESSMENTS)
