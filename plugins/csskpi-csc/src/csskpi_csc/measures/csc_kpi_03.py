"""CSC_KPI_03: % avoidable contact rate per month (lower is better).

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % with
``avoidable`` true. The counts' ``passing`` is the avoidable contacts: the figure is their share.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import contact_rule, said

NAME = "CSC_KPI_03"


def rule(ctx: RuleContext) -> RecordRule:
    return contact_rule(pl.col("avoidable"), said("avoidable", "avoidable", "not avoidable"), counts_failures=True)


MEASURE = Measure.from_rule(
    NAME,
    {"contacts": ("contact_id", "received_at", "avoidable")},
    rule,
    description="% of the month's contacts (by received_at) that were avoidable",
    unit="records",
)
compute = MEASURE.compute
