"""CSC_KPI_04: % of total calls that are abandoned calls (lower is better).

Formula (docs/measures.md): of the ``calls`` offered in the month (month by ``offered_at``) to every queue but those
of the parameter ``excluded_queues`` (*assumed*: ``lrsp``, measured by CSC_KPI_10), the % abandoned:
``abandoned_at`` set and ``answered_at`` empty. A call both answered and abandoned is not abandoned (and is
listed as a finding). Queues are matched exactly. The counts' ``passing`` is the abandoned calls.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, names_parameter

from ..datasets import LRSP_QUEUE
from ..kit import abandoned_rule

NAME = "CSC_KPI_04"


def rule(ctx: RuleContext) -> RecordRule:
    excluded = names_parameter(ctx, NAME, "excluded_queues", (LRSP_QUEUE,))
    return abandoned_rule(~pl.col("queue").is_in(list(excluded)))


MEASURE = Measure.from_rule(
    NAME,
    {"calls": ("call_id", "queue", "offered_at", "answered_at", "abandoned_at")},
    rule,
    description="% of the month's offered calls (by offered_at), all queues but excluded_queues, that were abandoned",
    unit="records",
)
compute = MEASURE.compute
