"""ACF_KPI_01 — "% of ACF First Contact Resolution Rate per month".

docs/measures.md: ``acf_contacts`` (contact_id, received_at, first_contact_resolved), month by ``received_at``:
% resolved at first contact, i.e. ``100 * (contacts received in the month with first_contact_resolved) /
(contacts received in the month)``.
"""

from __future__ import annotations

from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import month_counts

NAME = "ACF_KPI_01"


def compute(inputs: MeasureInput) -> Counts:
    contacts = inputs.data["acf_contacts"]
    return month_counts(contacts, "received_at", inputs.period, contacts["first_contact_resolved"])


MEASURE = Measure(
    name=NAME,
    columns={"acf_contacts": ("received_at", "first_contact_resolved")},
    compute=compute,
    description="% of ACF contacts received in the month resolved at first contact",
    unit="records",
)
