"""ACF_KPI_07 — "% of cases where necessary paperwork to enable Council's legal services to secure charges are
submitted within time".

docs/measures.md: ``legal_charges`` (case_id, due_on, submitted_on), month by ``due_on``: % with ``submitted_on <=
due_on``. A case still unsubmitted (or submitted after ``due_on``) is a failure in its due month: the deadline is
the month-by date, so the backlog rule puts every case in the month of ``due_on``.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext

from ..kit import text

NAME = "ACF_KPI_07"


def rule(ctx: RuleContext) -> RecordRule:
    due, submitted = pl.col("due_on"), pl.col("submitted_on")
    return RecordRule(
        dataset="legal_charges", id="case_id", month=due, passes=submitted <= due,
        deadline=due, completed=submitted, backlog=False,  # counted in its due month, whenever submitted
        reason=text("submitted {}; due {}", submitted.dt.strftime("%Y-%m-%d").fill_null("not yet"),
                    due.dt.strftime("%Y-%m-%d")),
    )


MEASURE = Measure.from_rule(
    NAME,
    {"legal_charges": ("case_id", "due_on", "submitted_on")},
    rule,
    description="% of legal charge cases whose paperwork was submitted on or before its due date",
    unit="records",
)
compute = MEASURE.compute
