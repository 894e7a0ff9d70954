"""Abatement points: what each failing KPI-month attracts, with the consecutive-failure ladder.

A failing month (AMBER or RED) attracts the KPI's points in force, weighted by status (RED and data not available
100%, AMBER 50% by default) and multiplied by its place in a run of consecutive failing months (×1.5 in the second,
×2.0 from the third). GREEN ends a run; BLUE (mitigation) attracts nothing and, by default, ends it too — "pause"
and "count as failure" are the other policies a contract may choose. Rules as ``docs/credits.md``.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from csskpi.errors import ContractError, Problem
from csskpi.model.period import Period
from csskpi.model.result import Result, Status

__all__ = ["BluePolicy", "PointsRules", "KPIPoints", "abatement_points", "ordinal"]


class BluePolicy(enum.Enum):
    """What a BLUE (mitigated) month does to a run of consecutive failures."""

    END = "end"  # ends the run, like GREEN (default)
    PAUSE = "pause"  # neither ends nor extends it
    COUNT = "count"  # counts as a failing month for the ladder (still attracts no points)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("points parameters must be exact: write them as strings or integers, not floats")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _ladder(values: Iterable[Any]) -> tuple[Decimal, ...]:
    return tuple(_decimal(v) for v in values)


@attrs.frozen
class PointsRules:
    """The contract's points parameters (``[parameters.points]``); the defaults are those of ``docs/credits.md``."""

    amber_weight: Decimal = attrs.field(default=Decimal("0.5"), converter=_decimal)
    red_weight: Decimal = attrs.field(default=Decimal("1"), converter=_decimal)
    ladder: tuple[Decimal, ...] = attrs.field(default=(Decimal("1"), Decimal("1.5"), Decimal("2")), converter=_ladder)
    blue: BluePolicy = attrs.field(default=BluePolicy.END, converter=BluePolicy)

    def __attrs_post_init__(self) -> None:
        if not self.ladder:
            raise ValueError("'ladder' must give at least one multiplier")
        if any(m < 1 for m in self.ladder) or list(self.ladder) != sorted(self.ladder):
            raise ValueError("'ladder' multipliers must be at least 1 and never fall")
        if not 0 <= self.amber_weight <= self.red_weight:
            raise ValueError("'amber_weight' must be between 0 and 'red_weight'")

    @classmethod
    def from_parameters(cls, table: Mapping[str, Any] | None) -> PointsRules:
        table = dict(table or {})
        unknown = sorted(set(table) - {"amber_weight", "red_weight", "ladder", "blue_policy"})
        if unknown:
            raise ContractError(Problem(f"unknown key(s) {', '.join(unknown)}", field="parameters.points"))
        try:
            return cls(
                amber_weight=table.get("amber_weight", "0.5"),
                red_weight=table.get("red_weight", "1"),
                ladder=table.get("ladder", ("1", "1.5", "2")),
                blue=table.get("blue_policy", "end"),
            )
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ContractError(Problem(str(exc), field="parameters.points")) from None

    def multiplier(self, run: int) -> Decimal:
        """The multiplier of the ``run``-th consecutive failing month (1-based)."""
        return self.ladder[min(run, len(self.ladder)) - 1]


@attrs.frozen
class KPIPoints:
    """The abatement points of one KPI-month, and why."""

    period: Period
    kpi: str
    area: str
    status: Status
    data_not_available: bool
    base: int  # the KPI's points in force that month
    weight: Decimal
    run: int  # its place in a run of consecutive failing months (0 when not failing)
    multiplier: Decimal
    points: Decimal
    reason: str


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text if "." in text else f"{text}.0"


def abatement_points(results: Iterable[Result], rules: PointsRules = PointsRules()) -> tuple[KPIPoints, ...]:
    """Points for every result, KPI by KPI in month order. A month with no result breaks a run: the ladder counts
    consecutive calendar months only. Output is in month order, then in the order the results came."""
    by_kpi: dict[str, list[Result]] = defaultdict(list)
    order: dict[tuple[str, Period], int] = {}
    for i, r in enumerate(results):
        by_kpi[r.reference].append(r)
        order[(r.reference, r.period)] = i
    out: list[KPIPoints] = []
    for reference, history in by_kpi.items():
        run = 0
        previous: Period | None = None
        for r in sorted(history, key=lambda x: x.period):
            if previous is not None and r.period != previous + 1:
                run = 0  # a month without a result: the run cannot be known to continue
            previous = r.period
            base = r.kpi.points_at(r.period)
            if r.status.failing:
                run += 1
                weight = rules.red_weight if r.status is Status.RED else rules.amber_weight
                multiplier = rules.multiplier(run)
                points = base * weight * multiplier
                why = "data not available" if r.data_not_available else r.status.name
                place = "1st failing month" if run == 1 else f"{ordinal(run)} consecutive failing month"
                share = f"{(weight * 100).normalize():f}%"
                reason = f"{why}: {base} points × {share} × {_fmt(multiplier)} ({place})"
                out.append(KPIPoints(r.period, reference, r.area, r.status, r.data_not_available, base, weight, run, multiplier, points, reason))
                continue
            if r.status is Status.GREEN:
                run, reason = 0, "GREEN: no points; ends any run of failures"
            elif r.earned is Status.GREEN:
                # The figure met TSL: whatever the policy, mitigation must never cost the supplier more than GREEN.
                run, reason = 0, "BLUE (the figure met TSL): no points; ends any run of failures"
            elif rules.blue is BluePolicy.END:
                run, reason = 0, "BLUE: no points; mitigation ends the run of failures"
            elif rules.blue is BluePolicy.PAUSE:
                reason = "BLUE: no points; the run of failures is paused"
            else:
                run += 1
                reason = f"BLUE: no points; counts as the {ordinal(run)} consecutive failing month for the ladder"
            out.append(KPIPoints(r.period, reference, r.area, r.status, r.data_not_available, base, Decimal(0), 0, Decimal(1), Decimal(0), reason))
    out.sort(key=lambda k: (k.period, order[(k.kpi, k.period)]))
    return tuple(out)
