"""CSC_KPI_06: % first contact resolution rate.

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % with
``first_contact_resolved`` true.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import contact_rule, said

NAME = "CSC_KPI_06"


def rule(ctx: RuleContext) -> RecordRule:
    resolved = said("first_contact_resolved", "resolved at first contact", "not resolved at first contact")
    return contact_rule(pl.col("first_contact_resolved"), resolved)


MEASURE = Measure.from_rule(
    NAME,
    {"contacts": ("contact_id", "received_at", "first_contact_resolved")},
    rule,
    description="% of the month's contacts (by received_at) resolved at first contact",
    unit="records",
)
compute = MEASURE.compute
