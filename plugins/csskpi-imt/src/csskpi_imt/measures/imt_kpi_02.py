"""IMT_KPI_02 — Priority 1 Incidents not Resolved within Resolution Time (non-VIP).

Formula (docs/measures.md): the count of non-VIP P1 incidents not resolved by their deadline, ``resolution_hours``
(4) of Core Support Hours after ``opened_at``; an incident counts in the month its deadline falls in, if it was
resolved after the deadline or is still open.
Parameters: ``priority`` (P1), ``vip`` (false), ``resolution_hours`` (4), ``clock`` (``core_support_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import unresolved_by_deadline


def compute(inputs: MeasureInput) -> Counts:
    return unresolved_by_deadline(inputs, priority="P1", vip=False, resolution_hours=4)


MEASURE = Measure(
    name="IMT_KPI_02",
    columns={"incidents": ("priority", "vip", "opened_at", "resolved_at")},
    compute=compute,
    description="Count of non-VIP P1 incidents not resolved within 4 Core Support Hours, in the deadline's month",
    unit="incidents",
)
