"""The hypothesis strategy for the council's decisions (:func:`decisions`), part of :mod:`csskpi.testing`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hypothesis import strategies as st

from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation, Suspension
from csskpi.model.measurement import Measurement, round_half_up
from csskpi.model.period import Period
from csskpi.testing.strategies import _OPTIONAL_DATES, _between, _pick

__all__ = ["decisions"]


def _month_near(draw: st.DrawFn, contract: Contract, near: Sequence[Period]) -> Period:
    if near:
        return _pick(draw, near) + draw(st.integers(-1, 1))
    return _between(draw, contract.calendar.first_period, contract.calendar.last_period)


def _in_force(contract: Contract, reference: str) -> tuple[Period, Period]:
    kpi = contract.kpi(reference)
    last = min(kpi.end or contract.calendar.last_period, contract.calendar.last_period)
    return max(kpi.start, contract.calendar.first_period), last


def _clip(month: Period, span: tuple[Period, Period]) -> Period:
    return min(max(month, span[0]), span[1])


@st.composite
def decisions(
    draw: st.DrawFn,
    contract: Contract,
    periods: Iterable[Period] | None = None,
    *,
    max_each: int = 3,
    measurements: Iterable[Measurement] | None = None,
) -> Decisions:
    """Valid mitigations, suspensions and escalations naming the contract's KPIs and areas, for months at or
    next to ``periods`` (anywhere in the contract when None) within the contract and the KPI's dates;
    escalations are sometimes settled (never before they were raised). With ``measurements``, no mitigation
    covers a month whose figure met TSL (csskpi refuses that: it would turn GREEN into BLUE)."""
    near = sorted(set(periods or ()))
    references = [k.reference for k in contract.kpis]
    green = set()
    for m in measurements or ():
        step = contract.kpi(m.kpi).step_at(m.period)
        if m.value is not None and step is not None and step.tsl_comparison.holds(
                round_half_up(m.value, contract.parameters.decimals, contract.parameters.rounding_mode), step.tsl):
            green.add((m.kpi, m.period))
    mitigations = []
    for _ in range(draw(st.integers(0, max_each))):
        reference = _pick(draw, references)
        span = _in_force(contract, reference)
        month = _clip(_month_near(draw, contract, near), span)
        start, end = _clip(month + -draw(st.integers(0, 2)), span), _clip(month + draw(st.integers(0, 2)), span)
        if any((reference, p) in green for p in Period.range(start, end)):
            continue
        mitigations.append(
            Mitigation(
                kpi=reference,
                start=start,
                end=end,
                reason=_pick(draw, ["", "Mitigation Agreed", "system outage outside the supplier's control"]),
                impact=_pick(draw, ["", "payments delayed"]),
                path_to_green=_pick(draw, ["", "new process from next month"]),
                decided_on=draw(_OPTIONAL_DATES),
            )
        )
    suspensions: list[Suspension] = []
    codes = contract.area_codes
    whole = (contract.calendar.first_period, contract.calendar.last_period)
    for _ in range(draw(st.integers(0, max_each))):
        month = _month_near(draw, contract, near)
        first = draw(st.integers(0, len(codes) - 1))
        suspensions.append(
            Suspension(
                areas=codes[first : first + 1 + draw(st.integers(0, len(codes) - 1 - first))],
                start=_clip(month + -draw(st.integers(0, 2)), whole),
                end=_clip(month + draw(st.integers(0, 2)), whole),
                reason=_pick(draw, ["", "Procurement Policy Note 02/20"]),
            )
        )
    escalations = []
    for _ in range(draw(st.integers(0, max_each))):
        reference = _pick(draw, references)
        raised_on, settled_on = draw(_OPTIONAL_DATES), draw(_OPTIONAL_DATES)
        if raised_on is not None and settled_on is not None and settled_on < raised_on:
            raised_on, settled_on = settled_on, raised_on
        escalations.append(
            Escalation(
                kpi=reference,
                period=_clip(_month_near(draw, contract, near), _in_force(contract, reference)),
                kind=_pick(draw, list(EscalationKind)),
                reason=_pick(draw, ["", "outage in dispute"]),
                raised_on=raised_on,
                settled_on=settled_on,
            )
        )
    return Decisions(tuple(mitigations), tuple(suspensions), tuple(escalations))
