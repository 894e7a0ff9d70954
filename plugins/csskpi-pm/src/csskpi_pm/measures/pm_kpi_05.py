"""PM_KPI_05: People Management First Contact Resolution Rate of Tier 1 Contacts in each month.

docs/measures.md: pm_contacts (contact_id, received_at, tier, category, first_contact_resolved, resolved_at), month by
received_at: "% of tier-1 contacts resolved at first contact".

The population is the contacts of tier ``tier`` (parameter, default 1) received in the month, corporate and school
alike; a contact passes when ``first_contact_resolved`` is true. The flag is what is measured: a tier-1 contact
flagged as resolved at first contact but with no ``resolved_at`` still passes, and is listed as a finding.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, said

from ..kit import parameter

__all__ = ["MEASURE", "compute"]


def rule(ctx: RuleContext) -> RecordRule:
    tier = str(parameter(ctx, "tier", 1))
    return RecordRule(
        dataset="pm_contacts", id="contact_id", month=pl.col("received_at"), population=pl.col("tier") == tier,
        passes=pl.col("first_contact_resolved"),
        reason=said("first_contact_resolved", "resolved at first contact", "not resolved at first contact"),
    )


MEASURE = Measure.from_rule(
    "PM_KPI_05",
    {"pm_contacts": ("contact_id", "received_at", "tier", "first_contact_resolved")},
    rule,
    description="% of tier-1 People Management contacts received in the month that were resolved at first contact",
)
compute = MEASURE.compute
