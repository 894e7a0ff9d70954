"""What the CSC measures share: contacts counted by the month they were received, abandoned calls, and the
"within N business days" rule (the core's :func:`csskpi.plugin.rules.within_business_days`, which applies the
backlog rule).

Their contract parameters are read with :mod:`csskpi.plugin.kit`'s ``*_parameter`` helpers.
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import RecordRule, said, text, within_business_days

__all__ = ["abandoned", "abandoned_rule", "contact_rule", "said", "within_business_days"]


def contact_rule(passes: pl.Expr, reason: pl.Expr, *, counts_failures: bool = False) -> RecordRule:
    """Of the ``contacts`` received in the month (month by ``received_at``), those where ``passes`` (with
    ``counts_failures``, those that fail: a lower figure is better)."""
    return RecordRule(
        dataset="contacts", id="contact_id", month=pl.col("received_at"), passes=passes, reason=reason,
        counts_failures=counts_failures,
    )


def abandoned() -> pl.Expr:
    """An abandoned call (docs/measures.md): ``abandoned_at`` set and ``answered_at`` empty.

    A call both answered and abandoned is therefore not abandoned (and is listed as a finding).
    """
    return pl.col("abandoned_at").is_not_null() & pl.col("answered_at").is_null()


def abandoned_rule(queues: pl.Expr) -> RecordRule:
    """Abandoned calls of the calls offered in the month (by ``offered_at``) to the queues ``queues`` selects.
    The counts' ``passing`` is the abandoned calls (lower is better)."""
    answered, gone = pl.col("answered_at").is_not_null(), pl.col("abandoned_at").is_not_null()
    reason = (
        pl.when(answered & gone).then(pl.lit("answered (and abandoned): not abandoned"))
        .when(answered).then(pl.lit("answered"))
        .when(gone).then(pl.lit("abandoned"))
        .otherwise(pl.lit("neither answered nor abandoned: not abandoned"))
    )
    return RecordRule(
        dataset="calls", id="call_id", month=pl.col("offered_at"), population=queues, passes=abandoned(),
        reason=text("queue {}; {}", pl.col("queue").cast(pl.String), reason), counts_failures=True,
    )
