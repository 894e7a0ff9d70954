"""Abatement points: what each failing KPI-month attracts, with the consecutive-failure ladder.

A failing month (AMBER or RED) attracts the KPI's points in force, weighted by status (RED and data not available
100%, AMBER 50% by default) and multiplied by its place in a run of consecutive failing months (×1.5 in the second,
×2.0 from the third). GREEN ends a run; BLUE (mitigation) attracts nothing and, by default, ends it too — "pause"
and "count as failure" are the other policies a contract may choose. Rules as ``docs/credits.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import attrs

from csskpi.model.period import Period
from csskpi.model.result import Result, Status
from csskpi.model.terms import BluePolicy, PointsRules

__all__ = ["BluePolicy", "PointsRules", "KPIPoints", "abatement_points", "ordinal"]


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
