"""The council's decisions about results: mitigations, suspensions and escalations or disputes.

These are not the supplier's figures. A mitigation relieves one KPI for named months; a suspension relieves
whole service areas for a stretch of months (PPN 02/20 in 2020); an escalation or dispute makes a result
provisional until it is settled.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from csskpi.model.measurement import Source
from csskpi.model.period import Period

__all__ = ["Decisions", "Escalation", "EscalationKind", "Mitigation", "Suspension", "merge_decisions"]


def _period(value: object) -> Period:
    return value if isinstance(value, Period) else Period.parse(value)  # type: ignore[arg-type]


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _mitigations(value: Iterable[Mitigation]) -> tuple[Mitigation, ...]:
    return tuple(value)


def _suspensions(value: Iterable[Suspension]) -> tuple[Suspension, ...]:
    return tuple(value)


def _escalations(value: Iterable[Escalation]) -> tuple[Escalation, ...]:
    return tuple(value)


def _check_range(instance: Mitigation | Suspension) -> None:
    if instance.end < instance.start:
        raise ValueError(f"'to' ({instance.end}) must not be before 'from' ({instance.start})")


@attrs.frozen
class Mitigation:
    """Mitigation agreed by the council for one KPI from ``start`` to ``end`` (months included)."""

    kpi: str
    start: Period = attrs.field(converter=_period)
    end: Period = attrs.field(converter=_period)
    reason: str = ""
    impact: str = ""
    path_to_green: str = ""
    decided_by: str = ""
    decided_on: dt.date | None = None
    source: Source = attrs.field(factory=Source)

    def __attrs_post_init__(self) -> None:
        _check_range(self)

    def covers(self, kpi: str, period: Period) -> bool:
        return kpi == self.kpi and self.start <= period <= self.end


@attrs.frozen
class Suspension:
    """A blanket relief: AMBER and RED months of the named areas become BLUE; GREEN stays GREEN."""

    areas: tuple[str, ...] = attrs.field(converter=_str_tuple)
    start: Period = attrs.field(converter=_period)
    end: Period = attrs.field(converter=_period)
    reason: str = ""
    reference: str = ""
    source: Source = attrs.field(factory=Source)

    def __attrs_post_init__(self) -> None:
        _check_range(self)
        if not self.areas:
            raise ValueError("'areas' must name at least one service area")

    def covers(self, area: str, period: Period) -> bool:
        return area in self.areas and self.start <= period <= self.end


class EscalationKind(enum.Enum):
    ESCALATED = "escalated"
    DISPUTED = "disputed"


@attrs.frozen
class Escalation:
    """A result under escalation or in dispute: provisional until ``settled_on``."""

    kpi: str
    period: Period = attrs.field(converter=_period)
    kind: EscalationKind = EscalationKind.ESCALATED
    reason: str = ""
    raised_on: dt.date | None = None
    settled_on: dt.date | None = None
    outcome: str = ""
    source: Source = attrs.field(factory=Source)

    @property
    def settled(self) -> bool:
        return self.settled_on is not None


@attrs.frozen
class Decisions:
    """Every decision that bears on a set of results."""

    mitigations: tuple[Mitigation, ...] = attrs.field(default=(), converter=_mitigations)
    suspensions: tuple[Suspension, ...] = attrs.field(default=(), converter=_suspensions)
    escalations: tuple[Escalation, ...] = attrs.field(default=(), converter=_escalations)

    def __add__(self, other: Decisions) -> Decisions:
        if not isinstance(other, Decisions):
            return NotImplemented
        return Decisions(
            self.mitigations + other.mitigations,
            self.suspensions + other.suspensions,
            self.escalations + other.escalations,
        )

    @classmethod
    def combine(cls, many: Iterable[Decisions]) -> Decisions:
        total = cls()
        for d in many:
            total = total + d
        return total

    def mitigations_for(self, kpi: str, period: Period) -> tuple[Mitigation, ...]:
        return tuple(m for m in self.mitigations if m.covers(kpi, period))

    def suspensions_for(self, area: str, period: Period) -> tuple[Suspension, ...]:
        return tuple(s for s in self.suspensions if s.covers(area, period))

    def escalations_for(self, kpi: str, period: Period) -> tuple[Escalation, ...]:
        return tuple(e for e in self.escalations if e.kpi == kpi and e.period == period)


def merge_decisions(*many: Decisions) -> Decisions:
    """Decisions from several places (the ledger, a measurements file's annotations, decisions files) as one set:
    the same mitigation or suspension given twice counts once, and for each escalation or dispute (KPI, month and
    kind) a settlement stands over an open escalation — the latest settlement, else the latest open one."""
    mitigations: dict[tuple[object, ...], Mitigation] = {}
    suspensions: dict[tuple[object, ...], Suspension] = {}
    escalations: dict[tuple[object, ...], Escalation] = {}
    for decisions in many:
        for m in decisions.mitigations:
            mitigations.setdefault((m.kpi, m.start, m.end, m.reason, m.impact, m.path_to_green, m.decided_by, m.decided_on), m)
        for s in decisions.suspensions:
            suspensions.setdefault((s.areas, s.start, s.end, s.reason, s.reference), s)
        for e in decisions.escalations:
            key = (e.kpi, e.period, e.kind)
            held = escalations.get(key)
            if held is None or e.settled or not held.settled:
                escalations[key] = e
    return Decisions(tuple(mitigations.values()), tuple(suspensions.values()), tuple(escalations.values()))
