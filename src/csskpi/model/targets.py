"""Targets: which way is better, the TSL/MSL comparisons, and time-stepped target schedules.

A KPI's targets change over the life of a contract (CSC_KPI_01 rises every half-year; F_KPI_01 was relaxed in
July 2017), so a KPI holds a :class:`TargetSchedule` of :class:`TargetStep` s. Each step states its own
comparison, because the contract is strict about "> 35%" against "≥ 35%".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise

import attrs

from csskpi.model.period import Period

__all__ = ["Direction", "Comparison", "TargetStep", "TargetSchedule", "PointsStep", "PointsSchedule"]


class Direction(enum.Enum):
    """Which way is better for a KPI's value."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def default_comparison(self) -> Comparison:
        return Comparison.GE if self is Direction.HIGHER else Comparison.LE


class Comparison(enum.Enum):
    """How a value is held against a level. Written as in the contract: ``>=``, ``>``, ``<=``, ``<``."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"

    @property
    def direction(self) -> Direction:
        return Direction.HIGHER if self in (Comparison.GE, Comparison.GT) else Direction.LOWER

    @property
    def symbol(self) -> str:
        return {"<=": "≤", ">=": "≥"}.get(self.value, self.value)

    def holds(self, value: Decimal, level: Decimal) -> bool:
        """Whether ``value`` meets ``level`` under this comparison; exact, on Decimals."""
        if self is Comparison.GE:
            return value >= level
        if self is Comparison.GT:
            return value > level
        if self is Comparison.LE:
            return value <= level
        return value < level

    @classmethod
    def parse(cls, text: str) -> Comparison:
        normalised = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}.get(text.strip(), text.strip())
        try:
            return cls(normalised)
        except ValueError:
            raise ValueError(f"a comparison must be one of >=, >, <=, <, not {text!r}") from None


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        # Floats are refused: a target must be exact as written.
        raise TypeError(f"must be a Decimal, int or numeric string, not {value!r}")
    return Decimal(str(value))


def _finite(instance: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not value.is_finite():
        raise ValueError(f"'{attribute.name}' must be a finite number, not {value}")


def _comparison(value: Comparison | str) -> Comparison:
    return value if isinstance(value, Comparison) else Comparison.parse(value)


def _period_or_none(value: object) -> Period | None:
    if value is None or isinstance(value, Period):
        return value
    return Period.parse(value)  # type: ignore[arg-type]


def _period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    return Period.parse(value)  # type: ignore[arg-type]


@attrs.frozen
class TargetStep:
    """TSL and MSL in force from ``start`` to ``end`` (both months included; ``end=None``: until further notice).

    ``tsl_comparison`` and ``msl_comparison`` say how a value meets each level; they must point the same way.
    """

    start: Period = attrs.field(converter=_period)
    end: Period | None = attrs.field(converter=_period_or_none)
    tsl: Decimal = attrs.field(converter=_decimal, validator=_finite)
    msl: Decimal = attrs.field(converter=_decimal, validator=_finite)
    tsl_comparison: Comparison = attrs.field(default=Comparison.GE, converter=_comparison)
    msl_comparison: Comparison = attrs.field(default=Comparison.GE, converter=_comparison)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'end' ({self.end}) must not be before 'start' ({self.start})")
        if self.tsl_comparison.direction is not self.msl_comparison.direction:
            raise ValueError(
                f"'tsl_comparison' ({self.tsl_comparison.value}) and 'msl_comparison' "
                f"({self.msl_comparison.value}) must point the same way"
            )
        if self.direction is Direction.HIGHER and self.msl > self.tsl:
            raise ValueError(f"'msl' ({self.msl}) must not be stricter than 'tsl' ({self.tsl}) when higher is better")
        if self.direction is Direction.LOWER and self.msl < self.tsl:
            raise ValueError(f"'msl' ({self.msl}) must not be stricter than 'tsl' ({self.tsl}) when lower is better")

    @property
    def direction(self) -> Direction:
        return self.tsl_comparison.direction

    def covers(self, period: Period) -> bool:
        return self.start <= period and (self.end is None or period <= self.end)

    def describe(self) -> str:
        """``TSL ≥ 20, MSL ≥ 17 (2017-04 to 2017-09)``."""
        until = f"to {self.end}" if self.end is not None else "onwards"
        return (
            f"TSL {self.tsl_comparison.symbol} {self.tsl}, MSL {self.msl_comparison.symbol} {self.msl} "
            f"({self.start} {until})"
        )


def _target_steps(value: Iterable[TargetStep]) -> tuple[TargetStep, ...]:
    return tuple(value)


@attrs.frozen
class TargetSchedule:
    """A KPI's target steps, in date order, that neither overlap nor leave a gap."""

    steps: tuple[TargetStep, ...] = attrs.field(converter=_target_steps)

    def __attrs_post_init__(self) -> None:
        problems = schedule_problems(self.steps)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def start(self) -> Period:
        return self.steps[0].start

    @property
    def end(self) -> Period | None:
        return self.steps[-1].end

    @property
    def direction(self) -> Direction:
        return self.steps[0].direction

    def step_at(self, period: Period) -> TargetStep | None:
        for step in self.steps:
            if step.covers(period):
                return step
        return None


def schedule_problems(steps: tuple[TargetStep, ...] | list[TargetStep]) -> list[str]:
    """Every reason the steps do not form a schedule (empty when they do): order, overlap, gap, direction."""
    problems: list[str] = []
    if not steps:
        return ["a target schedule needs at least one step"]
    for before, after in pairwise(steps):
        if before.end is None:
            problems.append(f"step from {before.start} has no end but is followed by a step from {after.start}")
            continue
        if after.start <= before.end:
            problems.append(f"steps overlap: {before.start}..{before.end} and {after.start}..{after.end or ''}")
        elif after.start != before.end + 1:
            problems.append(f"gap between steps: nothing in force from {before.end + 1} to {after.start - 1}")
    directions = {s.direction for s in steps}
    if len(directions) > 1:
        problems.append("steps disagree on whether higher or lower is better")
    return problems


@attrs.frozen
class PointsStep:
    """Abatement points a KPI carries from ``start`` (until the next step)."""

    start: Period = attrs.field(converter=_period)
    points: int = attrs.field(validator=attrs.validators.instance_of(int))
    assumed: bool = False
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.points < 0:
            raise ValueError(f"'points' must not be negative, not {self.points}")


def _points_steps(value: Iterable[PointsStep]) -> tuple[PointsStep, ...]:
    return tuple(value)


@attrs.frozen
class PointsSchedule:
    """Effective-dated abatement points: each step holds until the next one starts."""

    steps: tuple[PointsStep, ...] = attrs.field(converter=_points_steps)

    def __attrs_post_init__(self) -> None:
        starts = [s.start for s in self.steps]
        if starts != sorted(set(starts)):
            raise ValueError("points steps must be in date order with distinct start months")

    def at(self, period: Period) -> PointsStep | None:
        current = None
        for step in self.steps:
            if step.start <= period:
                current = step
        return current
