"""ACF_KPI_10 — "% of the total Adult Care Service Users in any month in receipt of a chargeable service who have
an up to date and accurate financial assessment in place".

docs/measures.md: ``acf_service_users`` month-end snapshot (service_user_id, snapshot_on, chargeable,
assessment_up_to_date), month by ``snapshot_on``: ``100 * (chargeable users with assessment_up_to_date) /
(chargeable users)``, over the rows of the latest ``snapshot_on`` within the month. An empty
``assessment_up_to_date`` is not up to date.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import known, latest_snapshot

NAME = "ACF_KPI_10"


def compute(inputs: MeasureInput) -> Counts:
    columns = ("snapshot_on", "chargeable", "assessment_up_to_date")
    snapshot = latest_snapshot(inputs.data["acf_service_users"], inputs.period, columns)
    chargeable = known(snapshot["chargeable"])
    up_to_date = chargeable & known(snapshot["assessment_up_to_date"])
    return Counts(int(up_to_date.sum()), int(chargeable.sum()))


MEASURE = Measure(
    name=NAME,
    columns={"acf_service_users": ("snapshot_on", "chargeable", "assessment_up_to_date")},
    compute=compute,
    description="% of chargeable service users with an up-to-date financial assessment, at month end",
    unit="records",
)
