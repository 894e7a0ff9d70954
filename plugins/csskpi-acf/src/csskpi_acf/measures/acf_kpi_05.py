"""ACF_KPI_05 — "% of Adult Care Service Users who receive their first Direct Payment within 10 Business Days of
referral from the Council".

docs/measures.md: ``direct_payments`` (service_user_id, referred_on, first_paid_on), month by ``first_paid_on``: % with
``first_paid_on <= referred_on + 10 business days`` (the referral day is day 0). A service user still unpaid at the
end of the month in which the deadline fell counts once, as a failure, in that month (backlog rule).

Parameters (``[parameters.measures.ACF_KPI_05]``): ``business_days`` (default 10).
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput, count_parameter

from ..kit import business_day_deadline_counts

NAME = "ACF_KPI_05"
BUSINESS_DAYS = 10


def compute(inputs: MeasureInput) -> Counts:
    days = count_parameter(inputs, NAME, "business_days", BUSINESS_DAYS, unit="days")
    return business_day_deadline_counts(
        inputs.data["direct_payments"], inputs, start="referred_on", done="first_paid_on", business_days=days
    )


MEASURE = Measure(
    name=NAME,
    columns={"direct_payments": ("referred_on", "first_paid_on")},
    compute=compute,
    description="% of service users first paid a direct payment within 10 business days of referral",
    unit="records",
)
