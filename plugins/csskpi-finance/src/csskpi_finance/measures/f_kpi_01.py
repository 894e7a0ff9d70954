"""F_KPI_01: % of undisputed invoices paid in accordance with vendor terms.

Formula (docs/measures.md): of the ``invoices`` not ``disputed``, the % with ``paid_on`` on or before ``due_on``.
Month by ``paid_on``, under the backlog rule: an undisputed invoice still unpaid at the end of the month in which
it fell due (``paid_on`` empty, or in a later month) counts once, as a failure, in its due month — and not again
when it is paid. Disputed invoices are not in the population. ``due_on`` is taken as given: a due date on a weekend
or bank holiday is not moved (the vendor's terms say when payment is due; pay the business day before).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, deadline_counts, in_month

NAME = "F_KPI_01"


def compute(inputs: MeasureInput) -> Counts:
    period = inputs.period
    invoices = inputs.data["invoices"]
    # Only invoices paid this month or due this month can count: select them first, then drop the disputed.
    month = invoices.filter(in_month(pl.col("paid_on"), period) | in_month(pl.col("due_on"), period))
    undisputed = month.filter(~pl.col("disputed"))
    paid = pl.col("paid_on")
    return deadline_counts(undisputed, period, month_by=paid, deadline=pl.col("due_on"), completed=paid)


MEASURE = Measure(
    name=NAME,
    columns={"invoices": ("due_on", "paid_on", "disputed")},
    compute=compute,
    description="% of the month's undisputed invoices (by paid_on) paid on or before due_on; an invoice unpaid "
    "at the end of its due month fails in that month (backlog rule)",
    unit="records",
)
