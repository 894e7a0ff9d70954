"""ACF_KPI_06 — "% of Adult Care Income due which is more than 28 days old" (lower is better).

docs/measures.md: ``acf_income`` month-end snapshot (invoice_id, snapshot_on, due_on, outstanding), month by
``snapshot_on``: % of outstanding VALUE more than 28 days past ``due_on``, i.e. ``100 * sum(outstanding where
snapshot_on - due_on > 28 days) / sum(outstanding)``, over the rows of the latest ``snapshot_on`` within the month,
exact in pence (``passing`` is the aged value, ``population`` the whole outstanding value).

Zero and negative balances (credits) are left out of both sums: a credit is not income due, and netting it would
let the percentage leave 0..100 (the dataset's findings list them).

Parameters (``[parameters.measures.ACF_KPI_06]``): ``days_past_due`` (default 28).
"""

from __future__ import annotations

import datetime as dt

from csskpi.plugin import Counts, Measure, MeasureInput, count_parameter

from ..kit import known, latest_snapshot, pence

NAME = "ACF_KPI_06"
DAYS_PAST_DUE = 28


def compute(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, NAME, "days_past_due", DAYS_PAST_DUE, unit="days")
    snapshot = latest_snapshot(inputs.data["acf_income"], inputs.period, ("snapshot_on", "due_on", "outstanding"))
    outstanding = snapshot["outstanding"]
    owed = known(outstanding > 0)
    aged = owed & known(snapshot["snapshot_on"] - snapshot["due_on"] > dt.timedelta(days=days))
    return Counts(pence(outstanding.filter(aged).sum()), pence(outstanding.filter(owed).sum()), "pence")


MEASURE = Measure(
    name=NAME,
    columns={"acf_income": ("snapshot_on", "due_on", "outstanding")},
    compute=compute,
    description="% of outstanding adult care income (by value) more than 28 days past due, at month end",
    unit="pence",
)
