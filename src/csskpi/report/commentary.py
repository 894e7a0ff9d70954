"""Merging the council's commentary into a built report: its sections, Table 8's effect and time to resolve, and
the differences between what the commentary says and what the record makes of it (findings, never resolved).

::

    report = with_commentary(build_report(evaluation, ...), read_commentary("commentary.toml", contract))
"""

from __future__ import annotations

import attrs

from csskpi.engine.reconcile import RecordFinding, check_milestones, check_stated_failures, check_statements
from csskpi.files.commentary import BelowMslNote, Commentary
from csskpi.model.period import Period
from csskpi.report.build import failure_of
from csskpi.report.model import Failure, Report

__all__ = ["commentary_findings", "with_commentary"]


def _with_words(report: Report, failure: Failure, commentary: Commentary) -> list[Failure]:
    """The KPI's RED months split into runs that share the council's words, each listed once with them."""
    groups: list[tuple[BelowMslNote | None, list[Period]]] = []
    for p in failure.months:
        note = commentary.notes_for(failure.kpi, p)
        if groups and groups[-1][0] == note:
            groups[-1][1].append(p)
        else:
            groups.append((note, [p]))
    if len(groups) == 1 and groups[0][0] is None:
        return [failure]
    row = report.kpi_row(failure.kpi)
    pts = {(k.kpi, k.period): k for k in report.credit_run.kpis} if report.credit_run is not None else {}
    out = []
    for note, months in groups:
        part = failure_of(row, [row.cell(p) for p in months], pts)
        out.append(part if note is None else attrs.evolve(part, council_effect=note.effect, resolution=note.resolution))
    return out


def commentary_findings(report: Report, commentary: Commentary) -> tuple[RecordFinding, ...]:
    """What the commentary states against the report's results and the contract: KPIs named below MSL that the
    results do not make RED (in the report's months), the milestone table's arithmetic, stated targets and points."""
    out: list[RecordFinding] = []
    source = commentary.source
    if report.evaluation is not None:
        in_range = attrs.evolve(report.evaluation, results=tuple(
            r for r in report.evaluation.results if r.period in report.periods))
        stated = [(n.kpi, p, source) for n in commentary.below_msl for p in n.months if p in report.periods]
        found = check_stated_failures(in_range, stated)
        out.extend(attrs.evolve(f, file=commentary.file, line=n.line)
                   for f in found for n in commentary.below_msl if n.kpi == f.subject and f.period in n.months)
    if commentary.milestones is not None:
        m = commentary.milestones
        out.extend(check_milestones(m.months, m.kpi, report.evaluation, source))
    out.extend(check_statements(report.contract, commentary.statements))
    return tuple(out)


def with_commentary(report: Report, commentary: Commentary) -> Report:
    """The report with the council's words: sections, area commentary, Table 8's effect and time to resolve for
    each KPI below MSL, the milestone appendix, and the findings of :func:`commentary_findings` added to the
    record findings."""
    return attrs.evolve(
        report,
        commentary=commentary,
        failures=tuple(part for f in report.failures for part in _with_words(report, f, commentary)),
        findings=report.findings + commentary_findings(report, commentary),
    )
