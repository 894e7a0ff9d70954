"""The contract's commercial terms as typed values: points rules, credit terms, charges, watch rules and clocks.

The contract reader builds them from ``[parameters]`` and checks them at load, so a typo in a points ladder or a
watch rule is reported with the file, line and field when the contract is loaded, not when credits are first
computed. The engine reads them; it never parses contract text.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from csskpi.model.numbers import check_magnitude, strict_decimal
from csskpi.model.period import Period
from csskpi.model.result import Status

__all__ = [
    "BluePolicy",
    "ChargeStep",
    "Charges",
    "ClockHours",
    "CreditTerms",
    "PointsRules",
    "WatchRule",
    "WatchRuleKind",
    "exact",
]


def exact(value: Any, what: str = "value") -> Decimal:
    """``value`` as an exact Decimal; a float is refused (its binary value is not the number written)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a number, not {value!r}")
    if isinstance(value, float):
        raise TypeError(f"{what} must be exact: write it as a string or an integer, not a float ({value!r})")
    if isinstance(value, str):
        return strict_decimal(value, what)
    if isinstance(value, Decimal):
        return check_magnitude(value, what)
    if isinstance(value, int):
        return check_magnitude(Decimal(value), what)
    raise TypeError(f"{what} must be a number, not {type(value).__name__}")


def _weight(value: Any) -> Decimal:
    return exact(value, "a points weight")


def _cap(value: Any) -> Decimal:
    return exact(value, "'cap_percent'")


def _points(value: Any) -> Decimal:
    return exact(value, "'points'")


def _steps(value: Iterable[ChargeStep]) -> tuple[ChargeStep, ...]:
    return tuple(value)


def _money(value: Any) -> Decimal:
    amount = exact(value, "a monthly charge")
    if amount < 0:
        raise ValueError(f"a monthly charge must not be negative, not {value!r}")
    return amount


def _ladder(values: Iterable[Any]) -> tuple[Decimal, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"'ladder' must be a list of multipliers, not {values!r}")
    return tuple(exact(v, "a ladder multiplier") for v in values)


class BluePolicy(enum.Enum):
    """What a BLUE (mitigated) month does to a run of consecutive failures."""

    END = "end"  # ends the run, like GREEN (default)
    PAUSE = "pause"  # neither ends nor extends it
    COUNT = "count"  # counts as a failing month for the ladder (still attracts no points)


@attrs.frozen
class PointsRules:
    """How failing months attract abatement points (``[parameters.points]``).

    ``amber_weight``/``red_weight``: the share of a KPI's points an AMBER or RED (or data not available) month
    attracts; ``ladder``: the multiplier of the 1st, 2nd, 3rd… consecutive failing month (the last repeats);
    ``blue``: what a mitigated month does to a run.
    """

    amber_weight: Decimal = attrs.field(default=Decimal("0.5"), converter=_weight)
    red_weight: Decimal = attrs.field(default=Decimal("1"), converter=_weight)
    ladder: tuple[Decimal, ...] = attrs.field(default=(Decimal("1"), Decimal("1.5"), Decimal("2")), converter=_ladder)
    blue: BluePolicy = attrs.field(default=BluePolicy.END, converter=BluePolicy)

    def __attrs_post_init__(self) -> None:
        if not self.ladder:
            raise ValueError("'ladder' must give at least one multiplier")
        if any(m < 1 for m in self.ladder) or list(self.ladder) != sorted(self.ladder):
            raise ValueError("'ladder' multipliers must be at least 1 and never fall")
        if not 0 <= self.amber_weight <= self.red_weight:
            raise ValueError("'amber_weight' must be between 0 and 'red_weight'")

    def multiplier(self, run: int) -> Decimal:
        """The multiplier of the ``run``-th consecutive failing month (1-based)."""
        return self.ladder[min(run, len(self.ladder)) - 1]


def _regime_parameters(value: Mapping[str, Any]) -> Mapping[str, Decimal]:
    return MappingProxyType({str(k): exact(v, f"'{k}'") for k, v in dict(value).items()})


@attrs.frozen
class CreditTerms:
    """How points become money (``[parameters.credits]``): the credit regime by name, the cap as a percentage of
    an area's monthly charge, and the regime's own numeric parameters (``amount_per_point``…)."""

    regime: str = attrs.field(default="share_of_cap", validator=attrs.validators.instance_of(str))
    cap_percent: Decimal = attrs.field(default=Decimal(10), converter=_cap)
    parameters: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_regime_parameters)

    def __attrs_post_init__(self) -> None:
        if not self.regime:
            raise ValueError("'regime' must name a credit regime")
        if not 0 <= self.cap_percent <= 100:
            raise ValueError(f"'cap_percent' must be between 0 and 100, not {self.cap_percent}")

    @property
    def cap_share(self) -> Decimal:
        return self.cap_percent / 100


@attrs.frozen
class ChargeStep:
    """An area's monthly charge from ``start`` (until the area's next step)."""

    area: str = attrs.field(validator=attrs.validators.instance_of(str))
    start: Period = attrs.field(validator=attrs.validators.instance_of(Period))
    monthly_charge: Decimal = attrs.field(converter=_money)
    note: str = ""


@attrs.frozen
class Charges:
    """Effective-dated monthly charges per service area."""

    steps: tuple[ChargeStep, ...] = attrs.field(default=(), converter=_steps)
    source: str = attrs.field(default="", eq=False)  # where they were read: for messages, not identity

    def at(self, area: str, period: Period) -> Decimal | None:
        current = None
        for step in sorted((s for s in self.steps if s.area == area), key=lambda s: s.start):
            if step.start <= period:
                current = step.monthly_charge
        return current

    @property
    def illustrative(self) -> bool:
        """True when any step is marked illustrative (figures that show the method, not the money due)."""
        return any(s.note == "illustrative" for s in self.steps)


class WatchRuleKind(enum.Enum):
    CONSECUTIVE = "consecutive"  # the same KPI with a status in ``statuses`` ``months`` months running
    FAILURES_IN_WINDOW = "failures_in_window"  # the same KPI failing in ``count`` of any ``window`` months
    POINTS_IN_WINDOW = "points_in_window"  # ``points`` or more in any ``window`` months, per ``scope``
    CREDIT_AT_CAP = "credit_at_cap"  # an area's credit reaching its cap


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"'{attribute.name}' must be a whole number of at least 1, not {value!r}")


def _statuses(value: Iterable[Any]) -> frozenset[Status]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"'statuses' must be a list of statuses, not {value!r}")
    return frozenset(Status(v) for v in value)


@attrs.frozen
class WatchRule:
    """A threshold over the history of results that lets a council escalate (``[[parameters.watch]]``)."""

    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    rule: WatchRuleKind = attrs.field(converter=WatchRuleKind)
    months: int = attrs.field(default=3, validator=_positive)
    statuses: frozenset[Status] = attrs.field(default=frozenset({Status.RED}), converter=_statuses)
    count: int = attrs.field(default=3, validator=_positive)
    window: int = attrs.field(default=9, validator=_positive)
    points: Decimal = attrs.field(default=Decimal(50), converter=_points)
    scope: str = attrs.field(default="contract", validator=attrs.validators.in_(("contract", "area")))

    def __attrs_post_init__(self) -> None:
        if not self.statuses:
            raise ValueError("'statuses' must name at least one status")


@attrs.frozen
class ClockHours:
    """A business-hours clock the measures use (``[parameters.clocks.<name>]``): open and close, wall clock."""

    name: str
    open: dt.time = dt.time(8)
    close: dt.time = dt.time(18)

    def __attrs_post_init__(self) -> None:
        for label, value in (("open", self.open), ("close", self.close)):
            if not isinstance(value, dt.time) or value.tzinfo is not None:
                raise TypeError(f"'{label}' must be a time of day HH:MM, not {value!r}")
        if not self.open < self.close:
            raise ValueError(f"'open' ({self.open:%H:%M}) must be before 'close' ({self.close:%H:%M})")
