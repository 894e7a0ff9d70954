"""What the Finance measures share: reading their contract parameters, and money in whole pence.

Parameters come from ``[parameters.measures.<KPI>]`` of the contract; a missing one takes ``MEASURES.md``'s value,
a malformed one is a :class:`csskpi.ContractError` naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from csskpi import ContractError, MeasureInput, Problem

__all__ = ["days_parameter", "names_parameter", "pence"]


def _bad(measure: str, name: str, what: str, value: Any) -> ContractError:
    return ContractError(
        Problem(f"must be {what}, not {value!r}", field=f"parameters.measures.{measure}.{name}", kpi=measure)
    )


def names_parameter(inputs: MeasureInput, measure: str, name: str, default: Iterable[str]) -> tuple[str, ...]:
    """A list of names (categories)."""
    value = inputs.parameters.get(name, tuple(default))
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _bad(measure, name, "a list of names", value)
    names = tuple(value)
    if not all(isinstance(v, str) for v in names):
        raise _bad(measure, name, "a list of names", value)
    return names


def days_parameter(inputs: MeasureInput, measure: str, name: str, default: int) -> int:
    """A whole number of days, zero or more."""
    value = inputs.parameters.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(measure, name, "a whole number of days, 0 or more", value)
    return value


def pence(amount: Decimal | None) -> int:
    """An exact sum of money in pounds (two decimals at most) as whole pence; no amount is 0."""
    if amount is None:
        return 0
    scaled = Decimal(amount).scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(scaled)
