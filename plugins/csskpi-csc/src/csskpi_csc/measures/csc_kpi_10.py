"""CSC_KPI_10: % of LRSP calls that are abandoned calls (lower is better).

Formula (docs/measures.md): of the ``calls`` offered in the month (month by ``offered_at``) to the queue of the
parameter ``queue`` (*assumed*: ``lrsp``, matched exactly), the % abandoned: ``abandoned_at`` set and
``answered_at`` empty. The counts' ``passing`` is the abandoned calls.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text_parameter

from ..datasets import LRSP_QUEUE
from ..kit import abandoned_rule

NAME = "CSC_KPI_10"


def rule(ctx: RuleContext) -> RecordRule:
    queue = text_parameter(ctx, NAME, "queue", LRSP_QUEUE)
    return abandoned_rule(pl.col("queue") == queue)


MEASURE = Measure.from_rule(
    NAME,
    {"calls": ("call_id", "queue", "offered_at", "answered_at", "abandoned_at")},
    rule,
    description="% of the month's calls (by offered_at) offered to the LRSP queue (parameter queue) that were abandoned",
    unit="records",
)
compute = MEASURE.compute
