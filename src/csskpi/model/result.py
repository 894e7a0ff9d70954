"""What judging a KPI-month gives: its status and the reasons for it."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from csskpi.model.decisions import Escalation, Mitigation, Suspension
from csskpi.model.kpi import KPI
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.targets import TargetStep

__all__ = ["Status", "Result", "MissingMeasurement"]


class Status(enum.Enum):
    """The RAG status of a KPI in a month, plus BLUE for agreed mitigation."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    BLUE = "blue"

    @property
    def label(self) -> str:
        """The council's words for the status (Tables 1-7)."""
        return {
            Status.GREEN: "TSL achieved",
            Status.AMBER: "MSL achieved",
            Status.RED: "below MSL",
            Status.BLUE: "mitigation",
        }[self]

    @property
    def failing(self) -> bool:
        """AMBER and RED months are failures: they attract abatement points."""
        return self in (Status.AMBER, Status.RED)

    @property
    def severity(self) -> int:
        """How bad a status is for the supplier: GREEN and BLUE 0, AMBER 1, RED 2."""
        return {Status.GREEN: 0, Status.BLUE: 0, Status.AMBER: 1, Status.RED: 2}[self]


@attrs.frozen(repr=False)  # short: the KPI's whole schedule is not the result
class Result:
    """A KPI judged in a month.

    ``value`` is the figure judged (rounded as the contract says) or None when there is no figure;
    ``earned`` is the status the figure earns on its own, before any mitigation or suspension, and ``status``
    the status that stands. ``step`` is the target step applied (None only when the KPI has no figure and is
    mitigated, which the council records as "not measured").
    """

    kpi: KPI
    period: Period
    value: Decimal | None
    status: Status
    earned: Status
    step: TargetStep | None
    data_not_available: bool
    provisional: bool
    explanation: str
    measurement: Measurement | None = None
    mitigations: tuple[Mitigation, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    escalations: tuple[Escalation, ...] = ()

    @property
    def reference(self) -> str:
        return self.kpi.reference

    @property
    def area(self) -> str:
        return self.kpi.area

    @property
    def relieved(self) -> bool:
        """Whether a mitigation or suspension changed the status."""
        return self.status is not self.earned

    def __repr__(self) -> str:
        figure = "data not available" if self.value is None else f"{self.value:f}"
        earned = "" if self.earned is self.status else f" (earned {self.earned.name})"
        return f"<Result {self.reference} {self.period}: {figure} {self.status.name}{earned}>"


@attrs.frozen(order=True)
class MissingMeasurement:
    """A KPI in force in a month of the measurements, with no row for it."""

    period: Period
    kpi: str
    area: str
