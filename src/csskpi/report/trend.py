"""Trend analysis of the GREEN KPIs: is each stable, improving or deteriorating, and will it fall below TSL?

The council's report says "87% of the 'green' KPIs are currently stable or improving, ... and none are likely to
fall below TSL before the contract ends". This module makes that statement reproducible (``docs/report.md``):

- **Which KPIs.** A KPI is a *green KPI* of the window when its last judged month in the window is GREEN (it
  currently meets TSL) and it has figures in at least :data:`MIN_MONTHS` months of the window. Months without a
  figure (data not available, not measured) are left out of the fit; a figure shown in a mitigated month is kept:
  it is still what the supplier achieved.
- **The fit.** An ordinary least-squares line of value against month number (x = 0, 1, ... from the window's first
  month, so gaps keep their place). The slope ``b`` is value per month; its standard error
  ``se = sqrt(RSS / (n - 2) / Sxx)``.
- **The class.** The trend is *significant* when ``|b| >= t * se``, ``t`` the two-sided 95% Student t value for
  ``n - 2`` degrees of freedom, and *material* when ``12 * |b|`` (the change in a year) is at least the KPI's
  amber band ``|TSL - MSL|`` at the window's end (1 unit when TSL = MSL). It is **stable** unless it is both;
  otherwise **improving** when it moves the better way (up when higher is better, down when lower is better) and
  **deteriorating** when it moves the worse way.
- **The projection.** For an improving or deteriorating KPI the fitted line is extended month by month from the
  window's end to the KPI's (or the contract's) last month; for a stable KPI, whose slope is not told apart from
  none, its typical level is carried forward instead (the median of the window's figures, so that one bad month
  such as an outage does not condemn a KPI that is otherwise at target). Each
  projected month is held against the TSL step in force then, so a rising target (CSC_KPI_01) counts. The first
  month the projection misses TSL is ``projected_below_tsl``.

Slope, residuals, significance and the projection are computed exactly with :class:`fractions.Fraction`; only the
standard error shown is a float (a square root). No float is ever held against a target.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from csskpi.model.contract import Contract
from csskpi.model.kpi import KPI
from csskpi.model.period import Period
from csskpi.model.result import Result, Status
from csskpi.model.targets import Comparison, Direction

__all__ = ["MIN_MONTHS", "TrendAnalysis", "TrendClass", "TrendRow", "analyse_trends", "fit_line", "t_critical"]

MIN_MONTHS = 3

# Two-sided 95% critical values of Student's t, by degrees of freedom (1-30); beyond 30 the normal 1.96 is within
# 4% and on the cautious side of 2.0, which is used.
_T95 = (
    "12.706", "4.303", "3.182", "2.776", "2.571", "2.447", "2.365", "2.306", "2.262", "2.228",
    "2.201", "2.179", "2.160", "2.145", "2.131", "2.120", "2.110", "2.101", "2.093", "2.086",
    "2.080", "2.074", "2.069", "2.064", "2.060", "2.056", "2.052", "2.048", "2.045", "2.042",
)


def t_critical(df: int) -> Fraction:
    """The two-sided 95% Student t critical value for ``df`` degrees of freedom (2.0 beyond 30)."""
    if df < 1:
        raise ValueError("a t critical value needs at least 1 degree of freedom")
    return Fraction(_T95[df - 1]) if df <= len(_T95) else Fraction(2)


class TrendClass(enum.Enum):
    IMPROVING = "improving"
    STABLE = "stable"
    DETERIORATING = "deteriorating"


@attrs.frozen
class Fit:
    """An exact least-squares line ``y = intercept + slope * x`` and what is needed for its uncertainty."""

    n: int
    slope: Fraction
    intercept: Fraction
    sxx: Fraction
    rss: Fraction

    @property
    def se_squared(self) -> Fraction | None:
        """The slope's squared standard error (None below 3 points)."""
        if self.n < 3 or self.sxx == 0:
            return None
        return self.rss / (self.n - 2) / self.sxx

    @property
    def se(self) -> float | None:
        sq = self.se_squared
        return None if sq is None else math.sqrt(sq)

    def at(self, x: int) -> Fraction:
        return self.intercept + self.slope * x


def fit_line(points: Sequence[tuple[int, Fraction]]) -> Fit:
    """Ordinary least squares on exact fractions. Needs at least two distinct x."""
    n = len(points)
    if n < 2:
        raise ValueError("a line needs at least two points")
    mx = Fraction(sum(x for x, _ in points), n)
    my = sum((y for _, y in points), Fraction(0)) / n
    sxx = sum(((x - mx) ** 2 for x, _ in points), Fraction(0))
    if sxx == 0:
        raise ValueError("a line needs at least two distinct months")
    sxy = sum(((x - mx) * (y - my) for x, y in points), Fraction(0))
    slope = sxy / sxx
    intercept = my - slope * mx
    rss = sum(((y - intercept - slope * x) ** 2 for x, y in points), Fraction(0))
    return Fit(n, slope, intercept, sxx, rss)


def _holds(comparison: Comparison, value: Fraction, level: Decimal) -> bool:
    target = Fraction(level)
    return {
        Comparison.GE: value >= target,
        Comparison.GT: value > target,
        Comparison.LE: value <= target,
        Comparison.LT: value < target,
    }[comparison]


@attrs.frozen
class TrendRow:
    """One green KPI's trend over the window."""

    kpi: str
    area: str
    description: str
    direction: Direction
    months: int  # figures in the fit
    slope: Fraction  # value per month, exact
    se: float | None  # the slope's standard error (display only)
    t: Fraction  # the critical value used
    significant: bool
    material: bool
    threshold: Fraction  # the amber band per year that makes a trend material
    trend: TrendClass
    first_value: Decimal
    last_value: Decimal
    tsl: Decimal  # TSL in force at the window's last judged month
    tsl_comparison: Comparison
    projected_below_tsl: Period | None
    values: tuple[tuple[Period, Decimal], ...]
    projection: str = "line"  # "line": the fitted line; "level": the window's median carried forward (stable)
    intercept: Fraction = Fraction(0)  # the fitted value at the window's first month (x = 0)

    @property
    def slope_per_year(self) -> Fraction:
        return self.slope * 12


@attrs.frozen
class TrendAnalysis:
    """The green KPIs' trends over ``start`` to ``end``, and the share stable or improving."""

    start: Period
    end: Period
    rows: tuple[TrendRow, ...]
    too_few: tuple[str, ...]  # green KPIs with fewer than MIN_MONTHS figures: not classified
    not_green: tuple[str, ...]  # KPIs judged in the window whose last month is not GREEN
    contract_end: Period

    def count(self, trend: TrendClass) -> int:
        return sum(1 for r in self.rows if r.trend is trend)

    @property
    def share_stable_or_improving(self) -> Fraction | None:
        """Of the classified green KPIs, the share stable or improving (None when there are none)."""
        if not self.rows:
            return None
        return Fraction(self.count(TrendClass.STABLE) + self.count(TrendClass.IMPROVING), len(self.rows))

    @property
    def projected_below_tsl(self) -> tuple[TrendRow, ...]:
        return tuple(r for r in self.rows if r.projected_below_tsl is not None)

    def headline(self) -> str:
        """The council's sentence, e.g. "87% of the green KPIs are stable or improving; ..."."""
        share = self.share_stable_or_improving
        if share is None:
            return f"No KPI was GREEN with {MIN_MONTHS} or more figures from {self.start} to {self.end}: no trend to report."
        percent = int((share * 100 + Fraction(1, 2)) // 1)  # half-up to a whole percent
        worse = self.count(TrendClass.DETERIORATING)
        at_risk = self.projected_below_tsl
        parts = [
            (f"{percent}% of the green KPIs ({self.count(TrendClass.STABLE) + self.count(TrendClass.IMPROVING)} of "
            f"{len(self.rows)}) are stable or improving"),
            "none is deteriorating" if worse == 0 else f"{worse} {'is' if worse == 1 else 'are'} deteriorating",
        ]
        if at_risk:
            names = ", ".join(f"{r.kpi} ({r.projected_below_tsl.label})" for r in at_risk if r.projected_below_tsl)
            parts.append(f"{len(at_risk)} {'is' if len(at_risk) == 1 else 'are'} projected to fall below TSL "
                         f"before the contract ends: {names}")
        else:
            parts.append("none is projected to fall below TSL before the contract ends")
        return "; ".join(parts) + "."


def _project(kpi: KPI, fit: Fit, origin: Period, after: Period, last: Period, level: Fraction | None) -> Period | None:
    for period in Period.range(after + 1, last):
        step = kpi.step_at(period)
        if step is None:
            continue
        value = level if level is not None else fit.at(period.index - origin.index)
        if not _holds(step.tsl_comparison, value, step.tsl):
            return period
    return None


def _median(values: list[Fraction]) -> Fraction:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _ref_key(reference: str) -> tuple[str, int]:
    head, _, tail = reference.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (reference, 0)


def analyse_trends(contract: Contract, results: Iterable[Result], start: Period, end: Period) -> TrendAnalysis:
    """Classify the trend of every green KPI over ``start`` to ``end`` (see the module's docstring)."""
    if end < start:
        raise ValueError(f"the trend window ends ({end}) before it starts ({start})")
    by_kpi: dict[str, list[Result]] = {}
    for r in results:
        if start <= r.period <= end:
            by_kpi.setdefault(r.reference, []).append(r)
    rows: list[TrendRow] = []
    too_few: list[str] = []
    not_green: list[str] = []
    contract_end = contract.calendar.last_period
    areas = {code: i for i, code in enumerate(contract.area_codes)}
    for kpi in sorted(contract.kpis, key=lambda k: (areas.get(k.area, len(areas)), _ref_key(k.reference))):
        history = sorted(by_kpi.get(kpi.reference, []), key=lambda r: r.period)
        if not history:
            continue
        latest = history[-1]
        if latest.status is not Status.GREEN:
            not_green.append(kpi.reference)
            continue
        values = tuple((r.period, r.value) for r in history if r.value is not None)
        if len(values) < MIN_MONTHS:
            too_few.append(kpi.reference)
            continue
        fit = fit_line([(p.index - start.index, Fraction(v)) for p, v in values])
        step = latest.step
        assert step is not None  # a GREEN result always has its step
        t = t_critical(fit.n - 2)
        se_sq = fit.se_squared
        assert se_sq is not None
        # |b| >= t * se, squared to stay exact
        significant = fit.slope != 0 and fit.slope**2 >= t**2 * se_sq
        band = abs(Fraction(step.tsl) - Fraction(step.msl)) or Fraction(1)
        material = abs(fit.slope) * 12 >= band
        if significant and material:
            better = fit.slope > 0 if kpi.direction is Direction.HIGHER else fit.slope < 0
            trend = TrendClass.IMPROVING if better else TrendClass.DETERIORATING
        else:
            trend = TrendClass.STABLE
        last = min(kpi.end or contract_end, contract_end)
        level = None if trend is not TrendClass.STABLE else _median([Fraction(v) for _, v in values])
        rows.append(TrendRow(
            kpi=kpi.reference, area=kpi.area, description=kpi.description, direction=kpi.direction,
            months=fit.n, slope=fit.slope, se=fit.se, t=t, significant=significant, material=material,
            threshold=band, trend=trend, first_value=values[0][1], last_value=values[-1][1],
            tsl=step.tsl, tsl_comparison=step.tsl_comparison,
            projected_below_tsl=_project(kpi, fit, start, end, last, level), values=values,
            projection="line" if level is None else "level", intercept=fit.intercept,
        ))
    return TrendAnalysis(start, end, tuple(rows), tuple(too_few), tuple(not_green), contract_end)
