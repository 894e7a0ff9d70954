"""IMT_KPI_06 — Number of Priority 2 Incidents reported to Service Desk.

Formula (docs/measures.md): the count of P2 incidents, VIP or not, with ``opened_at`` in the month.
Parameters: ``priority`` (P2); an optional ``vip`` (true/false) restricts it to VIP or non-VIP incidents.
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import opened_in_month


def rule(ctx: RuleContext) -> RecordRule:
    return opened_in_month(ctx, priority="P2")


MEASURE = Measure.from_rule(
    "IMT_KPI_06",
    {"incidents": ("incident_id", "priority", "vip", "opened_at")},
    rule,
    description="Count of P2 incidents (VIP or not) opened in the month",
    unit="incidents",
)
compute = MEASURE.compute
