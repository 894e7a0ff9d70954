"""IMT_KPI_01 — % Users are able to raise Incidents and make Service Requests during Service Desk Hours.

Formula (docs/measures.md): from ``outages`` with ``service = service_desk``, the % of the month's Service Desk Hours
with no outage::

    100 * (month's Service Desk Hours - Service Desk Hours covered by outages) / month's Service Desk Hours

counted in whole seconds of the clock's working time, overlapping outages merged so no time counts twice.
Parameters: ``service`` (default ``service_desk``), ``clock`` (default ``service_desk_hours``).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import clock, outage_counts, param
from ..outage_evidence import evidence_of


def compute(inputs: MeasureInput) -> Counts:
    service = param(inputs, "service", "service_desk")
    return outage_counts(inputs.data["outages"], [service], inputs.period, clock(inputs, "service_desk_hours"))


MEASURE = Measure(
    name="IMT_KPI_01",
    columns={"outages": ("service", "started_at", "ended_at")},
    compute=compute,
    description="% of the month's Service Desk Hours with no Service Desk outage",
    unit="seconds",
    evidence=evidence_of("service", "service_desk", "service_desk_hours"),
)
