"""IMT_KPI_05 — Number of Priority 1 Incidents reported to Service Desk.

Formula (docs/measures.md): the count of P1 incidents, VIP or not, with ``opened_at`` in the month.
Parameters: ``priority`` (P1); an optional ``vip`` (true/false) restricts it to VIP or non-VIP incidents.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import opened_in_month


def compute(inputs: MeasureInput) -> Counts:
    return opened_in_month(inputs, priority="P1")


MEASURE = Measure(
    name="IMT_KPI_05",
    columns={"incidents": ("priority", "vip", "opened_at")},
    compute=compute,
    description="Count of P1 incidents (VIP or not) opened in the month",
    unit="incidents",
)
