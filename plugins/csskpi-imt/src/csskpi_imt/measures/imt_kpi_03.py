"""IMT_KPI_03 — Priority 2 Incidents not Resolved within Resolution Time.

Formula (docs/measures.md): the count of P2 incidents (VIP or not) not resolved by their deadline,
``resolution_hours`` (8) of Core Support Hours after ``opened_at``; an incident counts in the month its deadline
falls in, if it was resolved after the deadline or is still open.
Parameters: ``priority`` (P2), ``vip`` (absent: either), ``resolution_hours`` (8), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import unresolved_by_deadline


def rule(ctx: RuleContext) -> RecordRule:
    return unresolved_by_deadline(ctx, priority="P2", vip=None, resolution_hours=8)


MEASURE = Measure.from_rule(
    "IMT_KPI_03",
    {"incidents": ("incident_id", "priority", "vip", "opened_at", "resolved_at")},
    rule,
    description="Count of P2 incidents not resolved within 8 Core Support Hours, in the deadline's month",
    unit="incidents",
)
compute = MEASURE.compute
