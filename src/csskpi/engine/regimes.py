"""The credit regimes csskpi ships, registered by its own plugin; a council adds its own the same way.

Each returns the credit before the cap and before rounding (the core applies both). Parameters come from the
contract's ``[parameters.credits]`` table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from csskpi.engine.points import KPIPoints
from csskpi.errors import ContractError, Problem
from csskpi.model.period import Period
from csskpi.model.result import Result

__all__ = [
    "BUILTIN_REGIMES",
    "CreditInput",
    "CreditRegime",
    "per_point",
    "percent_of_charge_per_point",
    "percent_per_point_below_target",
    "share_of_cap",
]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class CreditInput:
    """What a credit regime is given for one service area and month."""

    period: Period
    area: str
    points: Decimal  # the area's abatement points this month
    allocated: int  # the points of all the area's KPIs in force this month
    charge: Decimal  # the area's monthly charge
    cap: Decimal
    results: tuple[Result, ...]
    kpi_points: tuple[KPIPoints, ...]
    parameters: Mapping[str, Any] = attrs.field(factory=dict, converter=_read_only)


@attrs.frozen
class CreditRegime:
    """A way of turning points into money. ``compute`` returns the credit before the cap and before rounding."""

    name: str
    description: str
    compute: Callable[[CreditInput], Decimal] = attrs.field(eq=False)
    requires: tuple[str, ...] = attrs.field(default=(), converter=_names)  # its parameters in [parameters.credits]


def _parameter(inputs: CreditInput, key: str) -> Decimal:
    value: Any = inputs.parameters.get(key)
    if value is None:
        raise ContractError(Problem(f"the credit regime needs '{key}'", field=f"parameters.credits.{key}"))
    if isinstance(value, float):
        raise ContractError(Problem("must be exact: write it as a string", field=f"parameters.credits.{key}"))
    return value if isinstance(value, Decimal) else Decimal(str(value))


def share_of_cap(inputs: CreditInput) -> Decimal:
    """``cap × min(1, points / allocated points of the area)`` — the default (assumed)."""
    if inputs.allocated == 0:
        return Decimal(0)
    return inputs.cap * min(Decimal(1), inputs.points / inputs.allocated)


def per_point(inputs: CreditInput) -> Decimal:
    """A fixed amount per point (``amount_per_point``, pounds)."""
    return inputs.points * _parameter(inputs, "amount_per_point")


def percent_of_charge_per_point(inputs: CreditInput) -> Decimal:
    """A percentage of the monthly charge per point (``percent_per_point``): Model Services Contract style."""
    return inputs.charge * _parameter(inputs, "percent_per_point") / 100 * inputs.points


def percent_per_point_below_target(inputs: CreditInput) -> Decimal:
    """A percentage of the charge (``percent_per_point``) per percentage point (or unit, for a count KPI) by which
    each failing KPI misses its TSL: CCS call-off style. Data not available takes the whole cap."""
    rate = _parameter(inputs, "percent_per_point") / 100
    shortfall = Decimal(0)
    for r in inputs.results:
        if not r.status.failing or r.step is None:
            continue
        if r.value is None:
            return inputs.cap
        shortfall += abs(r.step.tsl - r.value)  # percentage points for a percentage, units for a count
    return inputs.charge * rate * shortfall


BUILTIN_REGIMES = (
    CreditRegime("share_of_cap", "cap × min(1, points / allocated points of the area)", share_of_cap),
    CreditRegime("per_point", "a fixed amount per abatement point", per_point, ("amount_per_point",)),
    CreditRegime(
        "percent_of_charge_per_point", "a percentage of the monthly charge per point (MSC style)",
        percent_of_charge_per_point, ("percent_per_point",),
    ),
    CreditRegime(
        "percent_per_point_below_target",
        "a percentage of the charge per percentage point below target (CCS call-off style)",
        percent_per_point_below_target,
        ("percent_per_point",),
    ),
)
