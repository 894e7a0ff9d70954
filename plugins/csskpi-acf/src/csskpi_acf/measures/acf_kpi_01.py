"""ACF_KPI_01 — "% of ACF First Contact Resolution Rate per month".

docs/measures.md: ``acf_contacts`` (contact_id, received_at, first_contact_resolved), month by ``received_at``:
% resolved at first contact, i.e. ``100 * (contacts received in the month with first_contact_resolved) /
(contacts received in the month)``.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import said

NAME = "ACF_KPI_01"


def rule(ctx: RuleContext) -> RecordRule:
    return RecordRule(
        dataset="acf_contacts", id="contact_id", month=pl.col("received_at"), passes=pl.col("first_contact_resolved"),
        reason=said("first_contact_resolved", "resolved at first contact", "not resolved at first contact"),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"acf_contacts": ("contact_id", "received_at", "first_contact_resolved")},
    rule,
    description="% of ACF contacts received in the month resolved at first contact",
    unit="records",
)
compute = MEASURE.compute
