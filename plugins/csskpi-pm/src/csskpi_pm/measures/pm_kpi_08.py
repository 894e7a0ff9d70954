"""PM_KPI_08: % of managers rating their experience of contact as Good or better per month.

docs/measures.md: surveys (kind=pm_manager_contact; response_id, kind, responded_on, rating), month by responded_on:
"% good or better" (good or very good, 4 or 5). The kind is the parameter ``kind`` (default
``pm_manager_contact``). The unit is responses.
"""

from __future__ import annotations

from csskpi.plugin import Measure

from ..kit import survey_measure

__all__ = ["MEASURE", "KIND", "compute"]

KIND = "pm_manager_contact"
compute = survey_measure(KIND)

MEASURE = Measure(
    name="PM_KPI_08",
    columns={"surveys": ("kind", "responded_on", "rating")},
    compute=compute,
    description="% of managers' contact survey responses in the month rated good or better",
    unit="responses",
)
