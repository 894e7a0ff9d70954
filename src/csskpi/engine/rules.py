"""The rules: a figure against its target step, then the council's decisions, gives a KPI-month's status.

GREEN meets TSL; AMBER misses TSL but meets MSL; RED misses MSL, and no figure at all is RED "data not
available". A mitigation makes the month BLUE whatever the figure; a suspension makes AMBER and RED BLUE and
leaves GREEN; an escalation or dispute not yet settled makes the result provisional. See ``docs/rules.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Literal

import attrs

from csskpi.engine.decisions import check_decisions
from csskpi.engine.tables import evaluation_columns
from csskpi.errors import InputError, Problem
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions, Escalation, Mitigation, Suspension
from csskpi.model.measurement import Measurement, Source, round_half_up
from csskpi.model.period import Period
from csskpi.model.result import MissingMeasurement, Result, Status
from csskpi.model.tabular import Columns, Tabular, short_repr, span
from csskpi.model.targets import TargetStep

__all__ = [
    "classify", "judge", "evaluate", "check_measurements", "unfinished_months", "DecisionIndex", "Evaluation",
    "MissingPolicy",
]

MissingPolicy = Literal["warn", "dna"]
_NO_DECISIONS = Decisions()  # the default: no mitigation, suspension or escalation (frozen, so shared safely)


def classify(value: Decimal, step: TargetStep) -> Status:
    """GREEN, AMBER or RED for a figure against a target step — exact, on Decimals."""
    if step.tsl_comparison.holds(value, step.tsl):
        return Status.GREEN
    if step.msl_comparison.holds(value, step.msl):
        return Status.AMBER
    return Status.RED


def _fmt(value: Decimal) -> str:
    return f"{value:f}"


class DecisionIndex:
    """Decisions looked up by KPI-month and area-month in constant time, for judging many months at once.

    Matching each result against every decision grows as results x decisions (100,000 decisions against a year's
    results took minutes); the index is built once, in time linear in the decisions and the months they cover
    within ``first`` to ``last``, and keeps the decisions' order.
    """

    def __init__(self, decisions: Decisions, first: Period, last: Period) -> None:
        self.decisions = decisions
        # Keyed by month index (an int): comparing and hashing Periods is what would cost here.
        self._mitigations: dict[tuple[str, int], list[Mitigation]] = {}
        self._suspensions: dict[tuple[str, int], list[Suspension]] = {}
        self._escalations: dict[tuple[str, int], list[Escalation]] = {}
        lo, hi = first.index, last.index
        for m in decisions.mitigations:
            for month in range(max(m.start.index, lo), min(m.end.index, hi) + 1):
                self._mitigations.setdefault((m.kpi, month), []).append(m)
        for s in decisions.suspensions:
            for month in range(max(s.start.index, lo), min(s.end.index, hi) + 1):
                for area in dict.fromkeys(s.areas):
                    self._suspensions.setdefault((area, month), []).append(s)
        for e in decisions.escalations:
            self._escalations.setdefault((e.kpi, e.period.index), []).append(e)

    def mitigations_for(self, kpi: str, period: Period) -> tuple[Mitigation, ...]:
        return tuple(self._mitigations.get((kpi, period.index), ()))

    def suspensions_for(self, area: str, period: Period) -> tuple[Suspension, ...]:
        return tuple(self._suspensions.get((area, period.index), ()))

    def escalations_for(self, kpi: str, period: Period) -> tuple[Escalation, ...]:
        return tuple(self._escalations.get((kpi, period.index), ()))


def judge(contract: Contract, measurement: Measurement, decisions: Decisions | DecisionIndex = _NO_DECISIONS) -> Result:
    """Judge one measurement. The KPI must be in force in the measurement's month, and a mitigation may not
    cover a month whose figure met TSL (it would turn GREEN into BLUE)."""
    kpi = contract.kpi(measurement.kpi)
    period = measurement.period
    step = kpi.step_at(period) if contract.calendar.contains(period) else None
    if step is None:
        raise InputError(_not_in_force(contract, measurement))
    params = contract.parameters
    reasons: list[str] = []
    if measurement.value is None:
        value = None
        earned = Status.RED
        dna = True
        absent = " (no row in the measurements; judged as data not available)" if measurement.source.kind == "missing" else ""
        reasons.append(f"no figure{absent} against {step.describe()}: data not available, so RED (full abatement points)")
    else:
        value = round_half_up(measurement.value, params.decimals, params.rounding_mode)
        earned = classify(value, step)
        dna = False
        shown = _fmt(value)
        if value != measurement.value:
            shown = f"{_fmt(measurement.value)} (judged as {_fmt(value)}, {params.decimals} decimals {params.rounding})"
        verdict = {
            Status.GREEN: "meets TSL",
            Status.AMBER: "misses TSL but meets MSL",
            Status.RED: "misses MSL",
        }[earned]
        reasons.append(f"{shown} against {step.describe()}: {verdict}, so {earned.name}")

    mitigations = decisions.mitigations_for(kpi.reference, period)
    # Suspensions come from the council's decisions and from the contract's own changes (e.g. PPN 02/20).
    suspensions = decisions.suspensions_for(kpi.area, period) + tuple(
        s for s in contract.suspensions if s.covers(kpi.area, period)
    )
    escalations = decisions.escalations_for(kpi.reference, period)
    if mitigations and earned is Status.GREEN:
        raise InputError([
            Problem(f"mitigation for {period}, a month whose figure met TSL ({reasons[0].split(':')[0]}): a mitigation "
                    "relieves a failing month and would turn GREEN into BLUE", file=m.source.file, line=m.source.line,
                    field="from", kpi=kpi.reference)
            for m in mitigations
        ])
    status = earned
    if mitigations:
        status = Status.BLUE
        # Prefer the decision that gives the council's reason over a bare "Mitigation Agreed" annotation.
        m = max(mitigations, key=lambda x: len(x.reason))
        why = f": {m.reason}" if m.reason else ""
        months = str(m.start) if m.start == m.end else f"{m.start} to {m.end}"
        reasons.append(f"mitigation agreed for {months}{why}, so BLUE (no abatement points)")
        if value is None:
            dna = False
            reasons[0] = f"not measured against {step.describe()}"
    elif suspensions and earned.failing:
        status = Status.BLUE
        s = suspensions[0]
        why = f" ({s.reason})" if s.reason else ""
        reasons.append(
            f"service credits suspended for {', '.join(s.areas)} from {s.start} to {s.end}{why}: "
            f"{earned.name} is recorded as mitigated, so BLUE"
        )
    elif suspensions:
        reasons.append(f"service credits are suspended from {suspensions[0].start} to {suspensions[0].end}, but GREEN stays GREEN")
    open_escalations = tuple(e for e in escalations if not e.settled)
    for e in escalations:
        what = "under escalation" if e.kind.value == "escalated" else "in dispute"
        if e.settled:
            reasons.append(f"was {what}, settled on {e.settled_on}{': ' + e.outcome if e.outcome else ''}")
        else:
            reasons.append(f"{what}{': ' + e.reason if e.reason else ''}; provisional until settled")
    return Result(
        kpi=kpi,
        period=period,
        value=value,
        status=status,
        earned=earned,
        step=step,
        data_not_available=dna,
        provisional=bool(open_escalations),
        explanation="; ".join(reasons) + ".",
        measurement=measurement,
        mitigations=mitigations,
        suspensions=suspensions,
        escalations=escalations,
    )


def _not_in_force(contract: Contract, m: Measurement) -> Problem:
    kpi = contract.kpi(m.kpi)
    if not contract.calendar.contains(m.period):
        cal = contract.calendar
        message = f"{m.period} is outside the contract ({cal.first_period} to {cal.last_period})"
    else:
        until = f" to {kpi.end}" if kpi.end else ""
        message = f"not in force in {m.period} (in force from {kpi.start}{until})"
    return Problem(message, file=m.source.file, line=m.source.line, field="period", kpi=m.kpi)


def check_measurements(contract: Contract, measurements: Iterable[Measurement]) -> list[Problem]:
    """Every problem with the measurements against the contract: unknown or retired KPI, a month outside
    the contract or the KPI's dates, a KPI-month given twice."""
    problems: list[Problem] = []
    seen: dict[tuple[str, Period], Source] = {}
    for m in measurements:
        src = m.source
        if not contract.has_kpi(m.kpi):
            retired = contract.retired_reference(m.kpi)
            why = "is a KPI reference not in use" if retired else "is not a KPI of the contract"
            problems.append(Problem(f"{m.kpi} {why}", file=src.file, line=src.line, field="kpi_id", kpi=m.kpi))
            continue
        if not contract.calendar.contains(m.period) or contract.kpi(m.kpi).step_at(m.period) is None:
            problems.append(_not_in_force(contract, m))
            continue
        refused = None if m.value is None else contract.kpi(m.kpi).unit.refuses(m.value)
        if refused is not None:
            problems.append(Problem(refused, file=src.file, line=src.line, field="value", kpi=m.kpi))
        key = (m.kpi, m.period)
        if key in seen:
            problems.append(
                Problem(f"{m.kpi} {m.period} is given twice (first at {seen[key]})", file=src.file, line=src.line, field="kpi_id", kpi=m.kpi)
            )
        else:
            seen[key] = src
    return problems


def unfinished_months(measurements: Iterable[Measurement], today: dt.date) -> list[Problem]:
    """A problem for each month of ``measurements`` not yet over on ``today``: results are published for a
    finished month, never one still running or in the future."""
    problems: list[Problem] = []
    now = Period.of(today)
    for m in measurements:
        if m.period >= now:
            src = m.source
            problems.append(Problem(f"{m.period} has not ended yet (today is {today}): a month's results are published "
                                    "once it is over", file=src.file, line=src.line, field="period", kpi=m.kpi))
    return problems


@attrs.frozen(repr=False)  # a short repr: csskpi.model.tabular
class Evaluation(Tabular):
    """The results of judging a set of measurements, with the KPIs in force that had no measurement."""

    contract: Contract
    results: tuple[Result, ...]
    missing: tuple[MissingMeasurement, ...] = ()

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(sorted({r.period for r in self.results}))

    def result(self, kpi: str, period: Period | str) -> Result:
        period = Period.parse(period) if isinstance(period, str) else period
        for r in self.results:
            if r.reference == kpi and r.period == period:
                return r
        raise KeyError(f"no result for {kpi} in {period}")

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def _columns(self, table: str | None) -> Columns:
        if table not in (None, "results"):
            raise ValueError(f"'table' of an evaluation must be 'results', not {table!r}")
        return evaluation_columns(self)

    def _summary(self) -> str:
        return short_repr(f"Evaluation {self.contract.name}", results=len(self.results),
                          missing=len(self.missing) or None, months=span(self.periods))


def evaluate(
    contract: Contract,
    measurements: Iterable[Measurement],
    decisions: Decisions = _NO_DECISIONS,
    *,
    missing: MissingPolicy = "warn",
) -> Evaluation:
    """Judge every measurement; list the KPIs in force in the same months that have none.

    ``missing="dna"`` judges those absent KPIs as data not available (the monthly official run); the default
    only lists them, since a partial file is often deliberate. Results are in catalogue order within each month,
    whatever the order of the measurements.
    """
    if missing not in ("warn", "dna"):
        raise ValueError(f"'missing' must be 'warn' or 'dna', not {missing!r}")
    measurements = list(measurements)
    problems = check_measurements(contract, measurements) + check_decisions(contract, decisions)
    if problems:
        raise InputError(problems)
    given = {(m.kpi, m.period): m for m in measurements}
    periods = sorted({m.period for m in measurements})
    results: list[Result] = []
    absent: list[MissingMeasurement] = []
    index = DecisionIndex(decisions, periods[0], periods[-1]) if periods else decisions
    for period in periods:
        for kpi in contract.kpis_in_force(period):
            m = given.get((kpi.reference, period))
            if m is None:
                absent.append(MissingMeasurement(period, kpi.reference, kpi.area))
                if missing == "dna":
                    m = Measurement(kpi.reference, period, None, Source("missing"))
                else:
                    continue
            try:
                results.append(judge(contract, m, index))
            except InputError as exc:  # every refused month of the file is reported, not only the first
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Evaluation(contract, tuple(results), tuple(absent))
