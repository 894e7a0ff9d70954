"""ACF_KPI_05 — "% of Adult Care Service Users who receive their first Direct Payment within 10 Business Days of
referral from the Council".

docs/measures.md: ``direct_payments`` (service_user_id, referred_on, first_paid_on), month by ``first_paid_on``: % with
``first_paid_on <= referred_on + 10 business days`` (the referral day is day 0). A service user still unpaid at the
end of the month in which the deadline fell counts once, as a failure, in that month (backlog rule).

Parameters (``[parameters.measures.ACF_KPI_05]``): ``business_days`` (default 10).
"""

from __future__ import annotations

from csskpi.plugin import Measure, RecordRule, RuleContext, count_parameter

from ..kit import within

NAME = "ACF_KPI_05"
BUSINESS_DAYS = 10


def rule(ctx: RuleContext) -> RecordRule:
    days = count_parameter(ctx, NAME, "business_days", BUSINESS_DAYS, unit="days")
    return within(ctx, "direct_payments", "service_user_id", start="referred_on", done="first_paid_on",
                  business_days=days)


MEASURE = Measure.from_rule(
    NAME,
    {"direct_payments": ("service_user_id", "referred_on", "first_paid_on")},
    rule,
    description="% of service users first paid a direct payment within 10 business days of referral",
    unit="records",
)
compute = MEASURE.compute
