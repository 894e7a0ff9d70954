"""IMT_KPI_07 — % Availability of Platinum Applications & Specified Services.

Formula (docs/measures.md): from ``outages`` of the platinum applications, the % of the month's agreed service hours
of all platinum applications with no outage::

    100 * sum over applications (agreed hours - agreed hours covered by its outages) / (applications * agreed hours)

The agreed service hours are the working time of the clock the parameters name (``clock``, default
``core_support_hours``), in whole seconds; each application's overlapping outages are merged so nothing counts
twice. Every listed application is in the population, with or without outages.
Parameters: ``platinum_applications`` (list of service names, matched stripped and case-insensitively),
``clock``.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import clock, outage_counts, param
from ..outage_evidence import evidence_of

#: docs/measures.md names no list; the bundled contract's list, used if the parameters give none.
DEFAULT_PLATINUM_APPLICATIONS = ("agresso", "mosaic", "email", "network", "telephony", "intranet")


def compute(inputs: MeasureInput) -> Counts:
    applications = param(inputs, "platinum_applications", DEFAULT_PLATINUM_APPLICATIONS)
    return outage_counts(inputs.data["outages"], applications, inputs.period, clock(inputs, "core_support_hours"))


MEASURE = Measure(
    name="IMT_KPI_07",
    columns={"outages": ("service", "started_at", "ended_at")},
    compute=compute,
    description="% of the month's agreed service hours of all platinum applications with no outage",
    unit="seconds",
    evidence=evidence_of("platinum_applications", DEFAULT_PLATINUM_APPLICATIONS, "core_support_hours"),
)
