"""IMT_KPI_11 — % of project milestones achieved each month.

Formula (docs/measures.md): of the milestones due in the month (``due_on``)::

    100 * (met + exception) / (all - excluded)

An ``exception`` is a milestone missed for an agreed reason outside the supplier's control; ``excluded``
milestones are left out of the population.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text


def rule(ctx: RuleContext) -> RecordRule:
    outcome = pl.col("outcome")
    return RecordRule(
        dataset="milestones", id="milestone_id", month=pl.col("due_on"), population=outcome != "excluded",
        passes=outcome.is_in(["met", "exception"]), reason=text("outcome {}", outcome),
    )


MEASURE = Measure.from_rule(
    "IMT_KPI_11",
    {"milestones": ("milestone_id", "due_on", "outcome")},
    rule,
    description="% of project milestones due in the month met or excepted, of those not excluded",
    unit="milestones",
)
compute = MEASURE.compute
