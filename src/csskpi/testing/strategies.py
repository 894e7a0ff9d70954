"""The hypothesis strategies of :mod:`csskpi.testing` (see its docstring for the entry points); the decisions' is
in :mod:`csskpi.testing.decision_strategies`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from csskpi.model.contract import Contract, Parameters
from csskpi.model.kpi import KPI, RetiredReference, ServiceArea, Unit
from csskpi.model.measurement import Measurement
from csskpi.model.period import ContractCalendar, Extension, Period
from csskpi.model.targets import Comparison, Direction, PointsSchedule, PointsStep, TargetSchedule, TargetStep

__all__ = [
    "AREA_NAMES",
    "contracts",
    "decimals_2dp",
    "histories",
    "kpis",
    "measurements",
    "periods",
    "target_schedules",
    "target_steps",
]

#: Service-area codes the strategies draw from, with their names (the Lincolnshire areas first).
AREA_NAMES: dict[str, str] = {
    "PM": "People Management",
    "IMT": "Information Management and Technology",
    "CSC": "Customer Service Centre",
    "ACF": "Adult Care Finance",
    "F": "Finance (Exchequer)",
    "HR": "Human Resources",
    "REV": "Revenues and Benefits",
}

_STRICT = {Direction.HIGHER: Comparison.GT, Direction.LOWER: Comparison.LT}
_FIRST = Period(2015, 4)
_LAST = Period(2020, 3)
_EARLIEST = Period(2000, 1)
_LATEST = Period(2039, 12)
# Strategies built once: drawing from a strategy made afresh on every call is slow (hypothesis validates it).
_TEXTS = st.text(max_size=12)
_BOOLEANS = st.booleans()
_DIRECTIONS = st.sampled_from(Direction)
_UNITS = st.sampled_from(Unit)
_STEP_NOTES = st.sampled_from(["", "reduced target until the module is live"])
_POINTS_NOTES = st.sampled_from(["", "points moved to a new KPI"])
_OFFSETS = st.sampled_from([Decimal(o) for o in ("0", "0.01", "-0.01", "0.005", "-0.005", "0.004", "-0.004", "1", "-1")])
_DATES = st.integers(dt.date(2010, 1, 1).toordinal(), dt.date(2030, 12, 31).toordinal()).map(dt.date.fromordinal)
_OPTIONAL_DATES = st.none() | _DATES
_OTHER_PARAMETERS: dict[str, st.SearchStrategy[Any]] = {
    "credit_cap_percent": st.integers(0, 2000).map(lambda n: Decimal(n).scaleb(-2)),
    "consecutive_policy": st.sampled_from(["end", "pause", "count-as-failure"]),
    "amber_weight_percent": st.integers(0, 100),
}


T = TypeVar("T")


def _pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of ``options`` (shrinking towards the first), without building a strategy per call."""
    return options[draw(st.integers(0, len(options) - 1))]


def _between(draw: st.DrawFn, low: Period, high: Period) -> Period:
    return Period.from_index(draw(st.integers(low.index, high.index)))


def periods(min_period: Period = _EARLIEST, max_period: Period = _LATEST) -> st.SearchStrategy[Period]:
    """A month from ``min_period`` to ``max_period`` (both included); shrinks towards ``min_period``."""
    if max_period < min_period:
        raise ValueError(f"max_period ({max_period}) is before min_period ({min_period})")
    return st.integers(min_period.index, max_period.index).map(Period.from_index)


def decimals_2dp(min_value: Decimal | int | str = 0, max_value: Decimal | int | str = 100) -> st.SearchStrategy[Decimal]:
    """A Decimal with exactly two decimals (``Decimal("12.30")``) from ``min_value`` to ``max_value``."""
    low = int((Decimal(min_value) * 100).to_integral_value(ROUND_CEILING))
    high = int((Decimal(max_value) * 100).to_integral_value(ROUND_FLOOR))
    if high < low:
        raise ValueError(f"no two-decimal value between {min_value} and {max_value}")
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


def _step(draw: st.DrawFn, direction: Direction, start: Period, end: Period | None, unit: Unit) -> TargetStep:
    """A step from ``start`` to ``end``: TSL and MSL on the unit's scale, MSL never stricter than TSL."""
    if unit is Unit.PERCENT:
        tsl = Decimal(draw(st.integers(0, 10_000))).scaleb(-2)
        margin = Decimal(draw(st.integers(0, 4_000))).scaleb(-2)
    else:
        tsl = Decimal(draw(st.integers(0, 50)))
        margin = Decimal(draw(st.integers(0, 20)))
    if direction is Direction.HIGHER:
        msl = max(tsl - margin, Decimal(0))
    else:
        msl = min(tsl + margin, Decimal(100)) if unit is Unit.PERCENT else tsl + margin
    default = direction.default_comparison
    tsl_strict = draw(st.integers(0, 3)) == 3  # sometimes "> 35%", as CSC_KPI_01 in 2018-19
    msl_strict = draw(st.integers(0, 3)) == 3 and (msl != tsl or tsl_strict)  # never stricter than TSL
    return TargetStep(
        start=start,
        end=end,
        tsl=tsl,
        msl=msl,
        tsl_comparison=_STRICT[direction] if tsl_strict else default,
        msl_comparison=_STRICT[direction] if msl_strict else default,
        note=draw(_STEP_NOTES),
    )


@st.composite
def target_steps(draw: st.DrawFn, direction: Direction | None = None, *, unit: Unit = Unit.PERCENT) -> TargetStep:
    """One target step, higher or lower is better (``direction``, drawn when None), with an end or open-ended."""
    chosen = direction or draw(_DIRECTIONS)
    start = _between(draw, Period(2010, 1), Period(2030, 12))
    length = draw(st.integers(0, 24))
    return _step(draw, chosen, start, None if length == 0 else start + (length - 1), unit)


def _schedule(
    draw: st.DrawFn, start: Period, end: Period | None, direction: Direction, max_steps: int, min_steps: int, unit: Unit
) -> TargetSchedule:
    months = (end.index - start.index + 1) if end is not None else 60
    most = min(max_steps, months) - 1
    cuts = draw(st.lists(st.integers(1, max(1, months - 1)), unique=True, min_size=min(min_steps - 1, most), max_size=most))
    bounds = [0, *sorted(c for c in cuts if c < months)]
    steps = []
    for i, offset in enumerate(bounds):
        step_end = start + (bounds[i + 1] - 1) if i + 1 < len(bounds) else end
        steps.append(_step(draw, direction, start + offset, step_end, unit))
    return TargetSchedule(tuple(steps))


@st.composite
def target_schedules(
    draw: st.DrawFn,
    start: Period = _FIRST,
    end: Period | None = None,
    direction: Direction | None = None,
    max_steps: int = 4,
    *,
    min_steps: int = 1,
    unit: Unit = Unit.PERCENT,
) -> TargetSchedule:
    """Contiguous steps from ``start`` to ``end`` (``None``: the last step is open-ended), at most ``max_steps``
    and at least ``min_steps`` (fewer only when ``start``..``end`` has fewer months).

    Every step of the schedule points the same way (``direction``, drawn when None).
    """
    if end is not None and end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    if not 1 <= min_steps <= max_steps:
        raise ValueError("need 1 <= min_steps <= max_steps")
    return _schedule(draw, start, end, direction or draw(_DIRECTIONS), max_steps, min_steps, unit)


def _points(draw: st.DrawFn, start: Period, last: Period) -> PointsSchedule:
    months = last.index - start.index + 1
    offsets = draw(st.lists(st.integers(1, max(1, months - 1)), unique=True, max_size=2))
    steps = [
        PointsStep(start + o, draw(st.integers(0, 50)), draw(_BOOLEANS), draw(_POINTS_NOTES))
        for o in [0, *sorted(o for o in offsets if o < months)]
    ]
    return PointsSchedule(tuple(steps))


def _kpi(draw: st.DrawFn, code: str, ref: str, first: Period, last: Period, max_steps: int) -> KPI:
    span = last.index - first.index + 1
    start = first + (draw(st.integers(0, span - 1)) if draw(_BOOLEANS) else 0)
    end = start + draw(st.integers(0, last.index - start.index)) if draw(_BOOLEANS) else None
    direction = draw(_DIRECTIONS)
    unit = draw(_UNITS)
    schedule_end = _pick(draw, [end or last, None])
    return KPI(
        reference=ref,
        area=code,
        description=draw(_TEXTS),
        unit=unit,
        direction=direction,
        schedule=_schedule(draw, start, schedule_end, direction, max_steps, 1, unit),
        points=_points(draw, start, end or last),
        start=start,
        end=end,
        measure=_pick(draw, ["", f"{ref.lower()}_measure"]),
        notes=_pick(draw, ["", "added by variation"]),
    )


@st.composite
def kpis(
    draw: st.DrawFn,
    area: str | None = None,
    reference: str | None = None,
    *,
    first_period: Period = _FIRST,
    last_period: Period = _LAST,
    max_steps: int = 3,
) -> KPI:
    """A KPI in force inside ``first_period``..``last_period`` (it may start later and end earlier).

    ``area`` defaults to one of :data:`AREA_NAMES`, ``reference`` to ``<area>_KPI_01``. Its targets run from its
    start to its end (or the last period, or open-ended) and its points start with it.
    """
    if last_period < first_period:
        raise ValueError(f"last_period ({last_period}) is before first_period ({first_period})")
    code = area if area is not None else _pick(draw, list(AREA_NAMES))
    return _kpi(draw, code, reference or f"{code}_KPI_01", first_period, last_period, max_steps)


def _parameters(draw: st.DrawFn, references: Sequence[str]) -> Parameters:
    measures = {ref: {"deadline_days": draw(st.integers(1, 30))} for ref in references[: draw(st.integers(0, 2))]}
    other_keys = sorted(_OTHER_PARAMETERS)[: draw(st.integers(0, len(_OTHER_PARAMETERS)))]
    return Parameters(
        decimals=_pick(draw, [2, 1, 0, 3]),
        rounding="half-up",
        measures=measures,
        other={k: draw(_OTHER_PARAMETERS[k]) for k in other_keys},
        assumed=["decimals", "rounding"][: draw(st.integers(0, 2))],
    )


@st.composite
def contracts(draw: st.DrawFn, max_kpis: int = 5, max_months: int = 48, max_areas: int = 3) -> Contract:
    """A small valid contract: 1..``max_areas`` areas, 1..``max_kpis`` KPIs, up to ``max_months`` months long.

    KPIs are referenced ``<AREA>_KPI_<nn>`` and numbered per area; some numbers are retired references.
    The contract survives :func:`~csskpi.dump_contract` / :func:`~csskpi.parse_contract`.
    """
    first = _between(draw, Period(2010, 1), Period(2025, 12))
    months = draw(st.integers(1, max_months))
    last = first + (months - 1)
    start_day = draw(st.integers(1, 28))
    end_day = draw(st.integers(start_day if months == 1 else 1, last.last_day.day))
    extensions = []
    for i in range(draw(st.integers(0, 2))):
        ext_first = _between(draw, first, last)
        ext_last = _between(draw, ext_first, last)
        extensions.append(Extension(f"extension {i + 1}", ext_first.first_day, ext_last.last_day, draw(_BOOLEANS)))
    codes = draw(st.lists(st.sampled_from(list(AREA_NAMES)), min_size=1, max_size=max_areas, unique=True))
    numbers = dict.fromkeys(codes, 0)

    def next_reference(code: str) -> str:
        numbers[code] += 1
        return f"{code}_KPI_{numbers[code]:02d}"

    catalogue: list[KPI] = []
    retired: list[RetiredReference] = []
    for _ in range(draw(st.integers(1, max_kpis))):
        code = _pick(draw, codes)
        if draw(st.integers(0, 5)) == 5:
            retired.append(RetiredReference(next_reference(code), code, _pick(draw, ["", "KPI REFERENCE NOT IN USE"])))
        catalogue.append(_kpi(draw, code, next_reference(code), first, last, 3))
    return Contract(
        name=_pick(draw, ["sample", "css", "council-contract"]),
        title=draw(_TEXTS),
        calendar=ContractCalendar(
            dt.date(first.year, first.month, start_day), dt.date(last.year, last.month, end_day), tuple(extensions)
        ),
        areas=tuple(ServiceArea(c, AREA_NAMES[c]) for c in codes),
        kpis=tuple(catalogue),
        retired=tuple(retired),
        parameters=_parameters(draw, [k.reference for k in catalogue]),
        council=_pick(draw, ["", "Sample County Council"]),
        supplier=_pick(draw, ["", "Sample Services Ltd"]),
        notes=draw(_TEXTS),
    )


def _value(draw: st.DrawFn, step: TargetStep, unit: Unit) -> Decimal | None:
    """A figure for a step: mostly on or next to TSL/MSL (to test boundaries and rounding), sometimes None."""
    kind = draw(st.integers(0, 9))
    if kind == 9:
        return None
    if kind <= 5:
        value = _pick(draw, [step.tsl, step.msl]) + draw(_OFFSETS)
    elif kind <= 7:
        value = Decimal(draw(st.integers(0, 10_000))).scaleb(-2)
    else:
        value = Decimal(draw(st.integers(0, 100_000))).scaleb(-3)
    value = max(value, Decimal("0.00"))
    return min(value, Decimal("100.00")) if unit is Unit.PERCENT else value


@st.composite
def measurements(
    draw: st.DrawFn, contract: Contract, periods: Iterable[Period] | None = None, *, max_periods: int = 3
) -> list[Measurement]:
    """Measurements of the contract's KPIs in force in ``periods`` (drawn inside the contract when None):
    most KPI-months have a row, none has two; a value is sometimes None (data not available).

    Rows are in month then catalogue order; permute them (``st.permutations``) to test order independence.
    """
    cal = contract.calendar
    if periods is None:
        span = cal.last_period.index - cal.first_period.index
        offsets = draw(st.lists(st.integers(0, span), min_size=1, max_size=max_periods, unique=True))
        chosen = sorted(cal.first_period + o for o in offsets)
    else:
        chosen = sorted(set(periods))
    rows: list[Measurement] = []
    for period in chosen:
        for kpi in contract.kpis_in_force(period):
            step = kpi.step_at(period)
            if step is None or draw(st.integers(0, 7)) == 7:  # now and then, no row for a KPI in force
                continue
            rows.append(Measurement(kpi.reference, period, _value(draw, step, kpi.unit)))
    return rows


@st.composite
def histories(draw: st.DrawFn, contract: Contract, *, max_months: int = 12) -> list[Measurement]:
    """One KPI's measurements over a run of consecutive months it is in force — the history that the
    consecutive-failure ladder and the watch rules read. Figures sit on or next to the levels, sometimes None."""
    kpi = _pick(draw, contract.kpis)
    first = max(kpi.start, contract.calendar.first_period)
    last = min(kpi.end or contract.calendar.last_period, contract.calendar.last_period)
    start = _between(draw, first, last)
    length = draw(st.integers(1, max(1, min(max_months, last.index - start.index + 1))))
    rows = []
    for period in Period.range(start, start + (length - 1)):
        step = kpi.step_at(period)
        if step is not None:
            rows.append(Measurement(kpi.reference, period, _value(draw, step, kpi.unit)))
    return rows
