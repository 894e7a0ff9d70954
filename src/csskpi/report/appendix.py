"""Appendix A of the report: each service area's KPIs with their targets, the words the council prints in each
month's cell ("Data Not Available", "Mitigation Agreed"), and the numbered footnotes for stepped or reduced targets
and for provisional (escalated or disputed) figures."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from csskpi.engine.rules import Evaluation
from csskpi.model.kpi import KPI, RetiredReference
from csskpi.model.period import Period
from csskpi.model.result import Result, Status
from csskpi.model.targets import Direction, TargetStep
from csskpi.report.model import (
    DNA_TEXT,
    MITIGATION_TEXT,
    NOT_IN_USE_TEXT,
    SUSPENSION_TEXT,
    AreaDetail,
    Cell,
    Footnote,
    KPIRow,
)
from csskpi.report.text import decimal_text, month_runs, target

__all__ = ["appendix_a"]


def _ref_key(reference: str) -> tuple[str, int]:
    head, _, tail = reference.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (reference, 0)


def _cell(result: Result | None, kpi: KPI, period: Period, decimals: int) -> Cell:
    if result is None:
        step = kpi.step_at(period)
        return Cell(period, None, None, None, "Not in force" if step is None else "Not judged")
    value = None if result.value is None else decimal_text(result.value, decimals)
    mitigated = bool(result.mitigations)
    suspended = result.status is Status.BLUE and not mitigated
    if result.data_not_available:
        text = DNA_TEXT
    elif mitigated:
        text = MITIGATION_TEXT if value is None else f"{value} {MITIGATION_TEXT}"
    elif suspended:
        text = f"{value or ''} {SUSPENSION_TEXT}".strip()
    else:
        text = value or ""
    step = result.step
    return Cell(
        period, result.status, result.earned, result.value, text, result.data_not_available, mitigated, suspended,
        result.provisional,
        step.tsl if step else None, step.msl if step else None,
        step.tsl_comparison if step else None, step.msl_comparison if step else None,
        result.explanation,
    )


def _less_demanding(later: TargetStep, earlier: TargetStep) -> bool:
    if later.direction is Direction.HIGHER:
        return later.tsl < earlier.tsl or later.msl < earlier.msl
    return later.tsl > earlier.tsl or later.msl > earlier.msl


def _step_line(step: TargetStep, in_range: bool) -> str:
    until = f"{step.start.label} – {step.end.label}" if step.end else f"from {step.start.label}"
    note = f" ({step.note})" if step.note else ""
    mark = " [in force in this report]" if in_range else ""
    return f"{until}: TSL {target(step.tsl_comparison, step.tsl)}, MSL {target(step.msl_comparison, step.msl)}{note}{mark}"


def _target_footnote_text(kpis: Sequence[KPI], kind: str, periods: tuple[Period, ...]) -> str:
    kpi = kpis[0]
    names = " and ".join(k.reference for k in kpis)
    in_force = {kpi.step_at(p) for p in periods}
    lines = "; ".join(_step_line(s, s in in_force) for s in kpi.schedule.steps)
    if kind == "reduced":
        now = kpi.step_at(periods[-1])
        why = f": {now.note}" if now is not None and now.note else ""
        head = f"{names} TSL and MSL are reduced targets{why}."
    else:
        head = f"The TSL/MSL for {names} change over time; each month is judged against the step in force that month."
    return f"{head} Targets: {lines}."


def appendix_a(in_range: Evaluation, periods: tuple[Period, ...]) -> tuple[tuple[Footnote, ...], tuple[AreaDetail, ...]]:
    """The footnotes and the per-area detail of the months ``periods`` (numbered in order of appearance)."""
    contract = in_range.contract
    decimals = contract.parameters.decimals
    results = {(r.reference, r.period): r for r in in_range.results}
    last = periods[-1]
    footnotes: list[Footnote] = []
    by_schedule: dict[tuple[TargetStep, ...], int] = {}
    details: list[AreaDetail] = []
    for area in contract.areas:
        entries: list[KPI | RetiredReference] = [
            k for k in contract.kpis if k.area == area.code and any(k.in_force(p) for p in periods)
        ]
        entries += [r for r in contract.retired if r.area == area.code]
        entries.sort(key=lambda e: _ref_key(e.reference))
        rows: list[KPIRow] = []
        area_notes: list[int] = []
        provisional_cells: list[Result] = []
        for entry in entries:
            if isinstance(entry, RetiredReference):
                rows.append(KPIRow(entry.reference, entry.area, entry.note or NOT_IN_USE_TEXT, False))
                continue
            kpi = entry
            cells = [_cell(results.get((kpi.reference, p)), kpi, p, decimals) for p in periods]
            steps = tuple(dict.fromkeys(s for p in periods if (s := kpi.step_at(p)) is not None))
            relevant = [s for s in kpi.schedule.steps if s.start <= last and (s.end is None or kpi.start <= s.end)]
            marks: tuple[int, ...] = ()
            if len(relevant) > 1:
                key = kpi.schedule.steps
                if key not in by_schedule:
                    current = kpi.step_at(last) or relevant[-1]
                    kind = "reduced" if any(_less_demanding(current, s) for s in relevant if s != current) else "stepped"
                    number = len(footnotes) + 1
                    twins = [k for k in contract.kpis if k.schedule.steps == key and k.area == area.code]
                    footnotes.append(Footnote(number, kind, tuple(k.reference for k in twins),
                                              _target_footnote_text(twins, kind, periods)))
                    by_schedule[key] = number
                    area_notes.append(number)
                marks = (by_schedule[key],)
            provisional_cells.extend(r for p in periods if (r := results.get((kpi.reference, p))) and r.provisional)
            rows.append(KPIRow(
                kpi.reference, kpi.area, kpi.description, True, kpi.direction, kpi.unit.value, steps, tuple(cells),
                marks, kpi.points_at(last),
            ))
        if provisional_cells:
            number = len(footnotes) + 1
            footnotes.append(_provisional_footnote(number, provisional_cells))
            area_notes.append(number)
            marked = {(r.reference, r.period) for r in provisional_cells}
            rows = [
                attrs.evolve(row, cells=tuple(
                    attrs.evolve(c, marks=(*c.marks, number)) if (row.kpi, c.period) in marked else c for c in row.cells
                ))
                for row in rows
            ]
        details.append(AreaDetail(len(details) + 1, area.code, area.name, tuple(rows), tuple(sorted(area_notes))))
    return tuple(footnotes), tuple(details)


def _provisional_footnote(number: int, cells: Sequence[Result]) -> Footnote:
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in cells:
        open_ = [e for e in r.escalations if not e.settled]
        kind = "in dispute" if open_ and all(e.kind.value == "disputed" for e in open_) else "under escalation"
        reason = "; ".join(dict.fromkeys(e.reason for e in open_ if e.reason))
        groups.setdefault((kind, reason), []).append(r)
    sentences = []
    for (kind, reason), rs in groups.items():
        kpis = ", ".join(dict.fromkeys(r.reference for r in rs))
        months = month_runs(r.period for r in rs)
        subject = "The figure for" if len(rs) == 1 else "The figures for"
        verb = "is" if len(rs) == 1 else "are"
        why = f": {reason.rstrip('.')}" if reason else ""
        sentences.append(f"{subject} {kpis} in {months} {verb} {kind}{why}.")
    sentences.append("Provisional until settled; the status shown is the one the figure earns now.")
    return Footnote(
        number, "provisional", tuple(dict.fromkeys(r.reference for r in cells)), " ".join(sentences),
        tuple((r.reference, r.period) for r in cells),
    )
