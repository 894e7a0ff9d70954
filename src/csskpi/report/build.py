"""Building the scrutiny report from an :class:`~csskpi.pipeline.assessment.Assessment`.

Every number is the engine's, as the assessment holds it: results, points, credits and watch warnings are taken
as they are; the summary rows and the reconciliation are :func:`csskpi.summarise`'s and :func:`csskpi.reconcile`'s
over the months reported. This module only selects the months, groups and words them as the council's report does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from csskpi.engine.credits import CreditRun
from csskpi.engine.points import KPIPoints
from csskpi.engine.reconcile import Reconciliation, RecordFinding, reconcile, restatements
from csskpi.engine.rules import Evaluation
from csskpi.engine.summary import ALL_AREAS, SummaryRow, summarise
from csskpi.errors import InputError, Problem
from csskpi.model.decisions import Suspension
from csskpi.model.period import Period
from csskpi.model.result import Result, Status
from csskpi.pipeline.assessment import Assessment
from csskpi.plugin.types import AppendixTable
from csskpi.report.appendix import appendix_a
from csskpi.report.model import (
    MITIGATION_TEXT,
    AreaCreditTotal,
    AreaDetail,
    Cell,
    Failure,
    KPIRow,
    MitigationEntry,
    PointsMonth,
    Report,
    SummaryTable,
    SuspensionEntry,
    table_numbers,
)
from csskpi.report.text import month_runs, points, target
from csskpi.report.trend import analyse_trends

__all__ = ["build_report", "failure_of"]


def _restrict(evaluation: Evaluation, start: Period | None, end: Period) -> Evaluation:
    def keep(p: Period) -> bool:
        return (start is None or start <= p) and p <= end

    return attrs.evolve(
        evaluation,
        results=tuple(r for r in evaluation.results if keep(r.period)),
        missing=tuple(m for m in evaluation.missing if keep(m.period)),
    )


def build_report(
    assessment: Assessment,
    *,
    start: Period | str | None = None,
    end: Period | str | None = None,
    appendices: Sequence[AppendixTable] = (),
    trend_start: Period | str | None = None,
    trend_end: Period | str | None = None,
    title: str | None = None,
    generated: dt.date | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """The scrutiny report for the months ``start`` to ``end`` (default: every month assessed).

    Everything judged comes from ``assessment`` (:func:`csskpi.assess`): results, points, credits and watch
    warnings are taken as they are, never recomputed. Months assessed before ``start`` still count where the
    report looks back: the abatement points since the first month and the watch rules. Area-months with no
    charge show their points and leave their credits out, with a note. The published rows within the range are
    reconciled; the trend window defaults to the range. ``appendices`` are shown after the assessment's own;
    ``notes`` (where the figures come from, say) before the report's own notes.
    """
    evaluation = assessment.evaluation
    contract = evaluation.contract
    judged = evaluation.periods
    if not judged:
        raise InputError(Problem("there are no results to report: the measurements are empty", field="measurements"))
    first = Period.parse(start) if start is not None else judged[0]  # type: ignore[arg-type]
    last = Period.parse(end) if end is not None else judged[-1]  # type: ignore[arg-type]
    if last < first:
        raise InputError(Problem(f"the report ends ({last}) before it starts ({first})", field="--to"))
    cal = contract.calendar
    for p, field in ((first, "--from"), (last, "--to")):
        if not cal.contains(p):
            raise InputError(Problem(f"{p} is outside the contract ({cal.first_period} to {cal.last_period})", field=field))
    periods = tuple(p for p in judged if first <= p <= last)
    if not periods:
        raise InputError(Problem(
            f"no measurements from {first} to {last} (the measurements cover {judged[0]} to {judged[-1]})", field="--from"
        ))
    notes = list(notes)
    gaps = [p for p in Period.range(first, last) if p not in periods]
    if gaps:
        notes.append(f"No measurements for {month_runs(gaps)}: those months are not in the tables.")
    in_range = _restrict(evaluation, first, last)
    history = _restrict(evaluation, None, last)
    if in_range.missing:
        shown = ", ".join(f"{m.kpi} {m.period}" for m in in_range.missing[:12])
        more = f" and {len(in_range.missing) - 12} more" if len(in_range.missing) > 12 else ""
        notes.append(f"{len(in_range.missing)} KPI-month(s) in force had no measurement and were not judged: {shown}{more}.")

    rows = summarise(in_range)
    rec = None
    findings: tuple[RecordFinding, ...] = ()
    if assessment.published is not None:
        rows_in_range = [p for p in assessment.published if first <= p.period <= last]
        rec = reconcile(in_range, rows_in_range, source=assessment.source)
        findings = restatements(rows_in_range)  # every source: a figure published one way and restated another
    summaries = _summaries(in_range, rows, rec, periods)
    footnotes, details = appendix_a(in_range, periods)

    run = _up_to(assessment.credits, last)
    if run.uncharged:
        notes.append("No monthly charges for every service area (give them in the contract or with --charges): "
                     "abatement points are shown, service credits are not.")
    if not assessment.charges_given and assessment.charges.illustrative:
        notes.append("The monthly charges are the contract file's illustrative figures (the real ones are not "
                     "published): the service credits show the method, not the money due.")
    points_by_kpi_month = {(k.kpi, k.period): k for k in run.kpis}
    failures = _failures(details, points_by_kpi_month)
    area_names = {a.code: a.name for a in contract.areas}
    credits_in_range = tuple(a for a in run.areas if first <= a.period <= last)
    totals = tuple(
        AreaCreditTotal(
            area, area_names[area],
            sum((a.points for a in credits_in_range if a.area == area), Decimal(0)),
            sum((a.credit for a in credits_in_range if a.area == area), Decimal(0)),
            sum((a.cap for a in credits_in_range if a.area == area), Decimal(0)),
            sum(1 for a in credits_in_range if a.area == area and a.capped),
        )
        for area in contract.area_codes
        if any(a.area == area for a in credits_in_range)
    )
    month_points = tuple(
        PointsMonth(
            p, cal.contract_month(p),
            sum((k.points for k in run.kpis if k.period == p), Decimal(0)),
            sum(1 for k in run.kpis if k.period == p and k.points > 0),
            first <= p <= last,
        )
        for p in history.periods
    )
    if history.periods and history.periods[0] > cal.first_period:
        notes.append(f"Abatement points are shown from {history.periods[0].label}, the first month measured; "
                     f"the contract started in {cal.first_period.label}.")
    # In month order, then the contract's order of rules: the same whether the run was computed or read back.
    rule_order = {w.name: i for i, w in enumerate(contract.parameters.watch)}
    warnings = tuple(sorted(
        (w for w in run.warnings if w.months and first <= w.months[-1] <= last),
        key=lambda w: (w.months[-1], rule_order.get(w.rule, len(rule_order)), w.subject),
    ))

    t_first = Period.parse(trend_start) if trend_start is not None else first  # type: ignore[arg-type]
    t_last = Period.parse(trend_end) if trend_end is not None else last  # type: ignore[arg-type]
    if t_last < t_first:
        raise InputError(Problem(f"the trend window ends ({t_last}) before it starts ({t_first})", field="--trend-to"))
    trend = analyse_trends(contract, evaluation.results, t_first, t_last)

    return Report(
        contract=contract,
        title=title or f"Performance of the {contract.title}",
        start=first,
        end=last,
        periods=periods,
        generated=generated or dt.date.today(),
        summaries=summaries,
        details=details,
        footnotes=footnotes,
        failures=failures,
        mitigations=_mitigations(in_range),
        suspensions=_suspensions(in_range),
        points=month_points,
        credits=credits_in_range,
        credit_totals=totals,
        warnings=warnings,
        trend=trend,
        reconciliation=rec,
        published_source=assessment.source,
        appendices=assessment.appendices + tuple(appendices),
        notes=tuple(notes),
        findings=findings,
        evaluation=evaluation,
        credit_run=run,
    )


def _up_to(run: CreditRun, last: Period) -> CreditRun:
    """The credit run as it stood at ``last``: a watch rule that fired only after it is not yet known."""
    return CreditRun(
        tuple(k for k in run.kpis if k.period <= last),
        tuple(a for a in run.areas if a.period <= last),
        tuple(w for w in run.warnings if w.months and w.months[-1] <= last),
        tuple(u for u in run.uncharged if u[1] <= last),
    )


def _summaries(
    in_range: Evaluation, rows: Sequence[SummaryRow], rec: Reconciliation | None, periods: tuple[Period, ...]
) -> tuple[SummaryTable, ...]:
    contract = in_range.contract
    differences = rec.differences if rec is not None else ()
    tables: list[SummaryTable] = []
    numbers = table_numbers(contract.area_codes)
    for area in (ALL_AREAS, *contract.area_codes):
        mine = tuple(r for r in rows if r.area == area)
        if not mine:
            continue
        if area == ALL_AREAS:
            title, heading = "Overall KPI Summary Performance", "Overall (All Services) Contract Performance"
        else:
            name = contract.area(area).name
            title, heading = f"{area} KPI Summary Performance", f"{name} ({area}) Performance"
        provisional = tuple(
            (p, n) for p in periods
            if (n := sum(1 for r in in_range.results if r.period == p and r.provisional and area in (ALL_AREAS, r.area)))
        )
        mismatched = [d for d in differences if d.area == area]
        differs = tuple(sorted({d.period for d in mismatched}))
        published = tuple(
            (d.period, field, value) for d in mismatched for field, value in d.published.items()
            if value is not None and value != d.recomputed[field]
        )
        tables.append(SummaryTable(numbers[area], area, title, heading, mine, differs, provisional, published))
    return tuple(tables)


def _failures(details: Sequence[AreaDetail], pts: Mapping[tuple[str, Period], KPIPoints]) -> tuple[Failure, ...]:
    red_rows = ((row, [c for c in row.cells if c.status is Status.RED]) for d in details for row in d.rows)
    return tuple(failure_of(row, red, pts) for row, red in red_rows if red)


def failure_of(row: KPIRow, red: Sequence[Cell], pts: Mapping[tuple[str, Period], KPIPoints]) -> Failure:
    """Table 8's line for a KPI's RED cells ``red``: figures, the points they attracted and the effect in words."""
    months = tuple(c.period for c in red)
    attracted = [pts[(row.kpi, p)] for p in months if (row.kpi, p) in pts]
    total = sum((k.points for k in attracted), Decimal(0))
    shown = []
    for c in red:
        what = "data not available" if c.data_not_available else (
            f"{c.shown_value} against MSL {target(c.msl_comparison, c.msl)}")
        shown.append(f"{c.period.label} {what}")
    effect = f"Below MSL: {'; '.join(shown)}. {points(total)} abatement points"
    if attracted:
        effect += " (" + "; ".join(
            f"{k.period.label} {points(k.points)}" + (f" at ×{k.multiplier.normalize():f}" if k.run > 1 else "")
            for k in attracted) + ")"
    effect += "."
    provisional = any(c.provisional for c in red)
    if provisional:
        effect += " Provisional: under escalation or in dispute."
    return Failure(row.kpi, row.area, row.description, months, tuple(c.text for c in red), total, effect, provisional)


def _mitigations(in_range: Evaluation) -> tuple[MitigationEntry, ...]:
    contract = in_range.contract
    groups: dict[tuple[str, str, str, str, str], list[Result]] = {}
    decided: dict[tuple[str, str, str, str, str], dt.date | None] = {}
    for r in in_range.results:
        if not r.mitigations:
            continue
        m = max(r.mitigations, key=lambda x: len(x.reason))  # as csskpi.judge chooses the reason to give
        reason = "" if m.reason == MITIGATION_TEXT else m.reason
        key = (r.reference, reason, m.impact, m.path_to_green, m.decided_by)
        groups.setdefault(key, []).append(r)
        decided[key] = m.decided_on
    order = {k.reference: i for i, k in enumerate(contract.kpis)}
    entries = [
        MitigationEntry(kpi, contract.kpi(kpi).area, contract.kpi(kpi).description, tuple(sorted(r.period for r in rs)),
                        reason, impact, path, by, decided[(kpi, reason, impact, path, by)])
        for (kpi, reason, impact, path, by), rs in groups.items()
    ]
    return tuple(sorted(entries, key=lambda e: (order[e.kpi], e.months[0])))


def _suspensions(in_range: Evaluation) -> tuple[SuspensionEntry, ...]:
    found: dict[Suspension, list[Result]] = {}
    for r in in_range.results:
        for s in r.suspensions:
            found.setdefault(s, [])
            if r.status is Status.BLUE and not r.mitigations:
                found[s].append(r)
    return tuple(
        SuspensionEntry(s.areas, s.start, s.end, s.reason, s.reference, tuple((r.reference, r.period) for r in rs))
        for s, rs in found.items()
    )
