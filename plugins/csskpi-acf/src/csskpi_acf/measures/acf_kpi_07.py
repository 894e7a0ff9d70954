"""ACF_KPI_07 — "% of cases where necessary paperwork to enable Council's legal services to secure charges are
submitted within time".

docs/measures.md: ``legal_charges`` (case_id, due_on, submitted_on), month by ``due_on``: % with ``submitted_on <=
due_on``. A case still unsubmitted (or submitted after ``due_on``) is a failure in its due month: the deadline is
the month-by date, so the backlog rule puts every case in the month of ``due_on``.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import month_counts

NAME = "ACF_KPI_07"


def compute(inputs: MeasureInput) -> Counts:
    cases = inputs.data["legal_charges"]
    return month_counts(cases, "due_on", inputs.period, cases["submitted_on"] <= cases["due_on"])


MEASURE = Measure(
    name=NAME,
    columns={"legal_charges": ("due_on", "submitted_on")},
    compute=compute,
    description="% of legal charge cases whose paperwork was submitted on or before its due date",
    unit="records",
)
