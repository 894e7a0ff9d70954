"""IMT_KPI_04 — Priority 1 VIP Incidents not Resolved within Resolution Time.

Formula (docs/measures.md): the count of VIP P1 incidents not resolved by their deadline, ``resolution_hours`` (4) of
Core Support Hours after ``opened_at``; an incident counts in the month its deadline falls in, if it was resolved
after the deadline or is still open.
Parameters: ``priority`` (P1), ``vip`` (true), ``resolution_hours`` (4), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import unresolved_by_deadline


def compute(inputs: MeasureInput) -> Counts:
    return unresolved_by_deadline(inputs, priority="P1", vip=True, resolution_hours=4)


MEASURE = Measure(
    name="IMT_KPI_04",
    columns={"incidents": ("priority", "vip", "opened_at", "resolved_at")},
    compute=compute,
    description="Count of VIP P1 incidents not resolved within 4 Core Support Hours, in the deadline's month",
    unit="incidents",
)
