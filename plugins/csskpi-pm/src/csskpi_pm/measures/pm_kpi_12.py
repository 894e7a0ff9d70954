"""PM_KPI_12: % of users in any month who score the PM My Helpdesk as good or very good.

docs/measures.md: surveys (kind=pm_my_helpdesk; response_id, kind, responded_on, rating), month by responded_on:
"% good or better" (good or very good, 4 or 5). The kind is the parameter ``kind`` (default ``pm_my_helpdesk``).
The unit is responses.
"""

from __future__ import annotations

from csskpi.plugin import Measure

from ..kit import survey_measure

__all__ = ["MEASURE", "KIND", "compute"]

KIND = "pm_my_helpdesk"
compute = survey_measure(KIND)

MEASURE = Measure(
    name="PM_KPI_12",
    columns={"surveys": ("kind", "responded_on", "rating")},
    compute=compute,
    description="% of PM My Helpdesk survey responses in the month rated good or very good",
    unit="responses",
)
