"""The catalogue's entries: service areas, KPIs and the references no longer in use."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from decimal import Decimal

import attrs

from csskpi.model.period import Period
from csskpi.model.targets import Direction, PointsSchedule, PointsStep, TargetSchedule, TargetStep

__all__ = ["ServiceArea", "Unit", "KPI", "RetiredReference"]

_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
_REFERENCE_RE = re.compile(r"^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$")


def _matches(pattern: re.Pattern[str], what: str) -> Callable[[object, attrs.Attribute[str], str], None]:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"'{attribute.name}' must be {what}, not {value!r}")

    return check


@attrs.frozen
class ServiceArea:
    """A service area of the contract, e.g. ``ServiceArea("CSC", "Customer Service Centre")``."""

    code: str = attrs.field(validator=_matches(_CODE_RE, "an upper-case code such as 'CSC'"))
    name: str = attrs.field(validator=attrs.validators.min_len(1))


class Unit(enum.Enum):
    """What a KPI's value counts, and so which figures it can be: a percentage is 0 to 100, a count is not
    negative; a KPI whose figure can be anything (a change, a balance) says ``unit = "number"``."""

    PERCENT = "percent"
    COUNT = "count"
    NUMBER = "number"

    def refuses(self, value: Decimal) -> str | None:
        """Why ``value`` cannot be a figure in this unit, or None if it can."""
        if self is Unit.PERCENT and not 0 <= value <= 100:
            return (f"{value:f} is not a percentage (0 to 100); a KPI whose figure can be outside that says "
                    'unit = "number"')
        if self is Unit.COUNT and value < 0:
            return f"{value:f} is a negative count; a KPI whose figure can be negative says unit = \"number\""
        return None


@attrs.frozen
class KPI:
    """A key performance indicator, as the contract defines it.

    It is in force from ``start`` to ``end`` (months included; ``end=None`` while the contract runs); its targets
    and abatement points are effective-dated; ``measure`` names the measure that computes it from raw data
    (by default its own reference).
    """

    reference: str = attrs.field(validator=_matches(_REFERENCE_RE, "a reference such as 'CSC_KPI_04'"))
    area: str
    description: str
    unit: Unit
    direction: Direction
    schedule: TargetSchedule
    points: PointsSchedule
    start: Period
    end: Period | None = None
    measure: str = ""
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.measure:
            object.__setattr__(self, "measure", self.reference)
        if self.schedule.direction is not self.direction:
            raise ValueError(
                f"'direction' is {self.direction.value} but the targets say {self.schedule.direction.value} is better"
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'end' ({self.end}) must not be before 'start' ({self.start})")

    def in_force(self, period: Period) -> bool:
        return self.start <= period and (self.end is None or period <= self.end)

    def step_at(self, period: Period) -> TargetStep | None:
        """The target step in force in ``period``, or None when the KPI is not in force then."""
        if not self.in_force(period):
            return None
        return self.schedule.step_at(period)

    def points_at(self, period: Period) -> int:
        """Abatement points the KPI carries in ``period`` (0 when not in force)."""
        if not self.in_force(period):
            return 0
        step: PointsStep | None = self.points.at(period)
        return 0 if step is None else step.points


@attrs.frozen
class RetiredReference:
    """A catalogue reference that is not in use ("KPI REFERENCE NOT IN USE"): it keeps its number."""

    reference: str = attrs.field(validator=_matches(_REFERENCE_RE, "a reference such as 'PM_KPI_04'"))
    area: str
    note: str = ""
