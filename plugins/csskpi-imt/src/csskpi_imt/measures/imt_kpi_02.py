"""IMT_KPI_02 — Priority 1 Incidents not Resolved within Resolution Time (non-VIP).

Formula (docs/measures.md): the count of non-VIP P1 incidents not resolved by their deadline, ``resolution_hours``
(4) of Core Support Hours after ``opened_at``; an incident counts in the month its deadline falls in, if it was
resolved after the deadline or is still open.
Parameters: ``priority`` (P1), ``vip`` (false), ``resolution_hours`` (4), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import unresolved_by_deadline


def rule(ctx: RuleContext) -> RecordRule:
    return unresolved_by_deadline(ctx, priority="P1", vip=False, resolution_hours=4)


MEASURE = Measure.from_rule(
    "IMT_KPI_02",
    {"incidents": ("incident_id", "priority", "vip", "opened_at", "resolved_at")},
    rule,
    description="Count of non-VIP P1 incidents not resolved within 4 Core Support Hours, in the deadline's month",
    unit="incidents",
)
compute = MEASURE.compute
