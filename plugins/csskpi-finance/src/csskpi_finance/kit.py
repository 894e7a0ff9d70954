"""What the Finance measures share: money in whole pence.

Their contract parameters are read with :mod:`csskpi.plugin.kit`'s ``*_parameter`` helpers.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["pence"]


def pence(amount: Decimal | None) -> int:
    """An exact sum of money in pounds (two decimals at most) as whole pence; no amount is 0."""
    if amount is None:
        return 0
    scaled = Decimal(amount).scaleb(2)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(scaled)
