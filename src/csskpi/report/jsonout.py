"""The whole report as JSON for other tools. Keys are an interface: add keys, never rename them (``docs/report.md``).

Figures are strings of exact decimals (``"99.98"``), as in ``csskpi evaluate --format json``; counts are numbers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from csskpi._version import __version__
from csskpi.engine.reconcile import RecordFinding
from csskpi.engine.records import area_credit_record, reconciliation_record, summary_record, warning_record
from csskpi.files.commentary import Commentary
from csskpi.files.output import to_json
from csskpi.model.targets import TargetStep
from csskpi.report.model import Cell, KPIRow, Report
from csskpi.report.text import decimal_text, points, slope_text
from csskpi.report.trend import TrendClass

__all__ = ["render_json", "report_record"]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _fraction(value: Fraction | None, places: int = 6) -> str | None:
    if value is None:
        return None
    return decimal_text(Decimal(value.numerator) / Decimal(value.denominator), places)


def _step(s: TargetStep) -> dict[str, Any]:
    return {"from": str(s.start), "to": str(s.end) if s.end else None, "tsl": _num(s.tsl), "msl": _num(s.msl),
            "tsl_comparison": s.tsl_comparison.value, "msl_comparison": s.msl_comparison.value, "note": s.note}


def _cell(c: Cell) -> dict[str, Any]:
    return {
        "period": str(c.period), "value": _num(c.value), "text": c.text,
        "status": c.status.value if c.status else None, "earned": c.earned.value if c.earned else None,
        "data_not_available": c.data_not_available, "mitigated": c.mitigated, "suspended": c.suspended,
        "provisional": c.provisional, "tsl": _num(c.tsl), "msl": _num(c.msl), "footnotes": list(c.marks),
        "explanation": c.explanation,
    }


def _row(r: KPIRow) -> dict[str, Any]:
    return {
        "kpi": r.kpi, "area": r.area, "description": r.description, "in_use": r.in_use,
        "direction": r.direction.value if r.direction else None, "unit": r.unit or None, "points": r.points,
        "steps": [_step(s) for s in r.steps], "footnotes": list(r.marks), "cells": [_cell(c) for c in r.cells],
    }


def report_record(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    c = report.contract
    t = report.trend
    share = t.share_stable_or_improving
    return {
        "report": {"title": report.title, "generated": report.generated.isoformat(), "csskpi": __version__},
        "contract": {"name": c.name, "title": c.title, "council": c.council, "supplier": c.supplier,
                     "start": c.calendar.start.isoformat(), "end": c.calendar.end.isoformat()},
        "from": str(report.start),
        "to": str(report.end),
        "periods": [str(p) for p in report.periods],
        "contract_months": list(report.contract_months),
        "summary": [
            {"table": s.number, "area": s.area, "title": s.title, "heading": s.heading,
             "rows": [summary_record(r) for r in s.rows], "differs": [str(p) for p in s.differs],
             "provisional": [{"period": str(p), "count": n} for p, n in s.provisional]}
            for s in report.summaries
        ],
        "reconciliation": None if report.reconciliation is None else {
            "source": report.published_source, **reconciliation_record(report.reconciliation)},
        "appendix_a": [
            {"part": d.part, "area": d.area, "name": d.name, "footnotes": list(d.footnotes), "kpis": [_row(r) for r in d.rows]}
            for d in report.details
        ],
        "footnotes": [{"number": f.number, "kind": f.kind, "kpis": list(f.kpis), "text": f.text,
                       "cells": [{"kpi": k, "period": str(p)} for k, p in f.cells]} for f in report.footnotes],
        "below_msl": [
            {"kpi": f.kpi, "area": f.area, "description": f.description, "months": [str(p) for p in f.months],
             "values": list(f.values), "points": points(f.points), "effect": f.effect, "provisional": f.provisional,
             "council_effect": f.council_effect or None, "resolution": f.resolution or None}
            for f in report.failures
        ],
        "mitigations": [
            {"kpi": m.kpi, "area": m.area, "description": m.description, "months": [str(p) for p in m.months],
             "reason": m.reason, "impact": m.impact, "path_to_green": m.path_to_green, "decided_by": m.decided_by,
             "decided_on": m.decided_on.isoformat() if m.decided_on else None}
            for m in report.mitigations
        ],
        "suspensions": [
            {"areas": list(s.areas), "from": str(s.start), "to": str(s.end), "reason": s.reason, "reference": s.reference,
             "relieved": [{"kpi": k, "period": str(p)} for k, p in s.relieved]}
            for s in report.suspensions
        ],
        "points": [{"period": str(m.period), "contract_month": m.contract_month, "points": points(m.points),
                    "failing": m.failing, "in_range": m.in_range} for m in report.points],
        "credits": [area_credit_record(a) for a in report.credits],
        "credit_totals": [{"area": x.area, "name": x.name, "points": points(x.points), "credit": _num(x.credit),
                           "cap": _num(x.cap), "months_at_cap": x.months_at_cap} for x in report.credit_totals],
        "warnings": [warning_record(w) for w in report.warnings],
        "trend": {
            "from": str(t.start), "to": str(t.end), "contract_end": str(t.contract_end),
            "share_stable_or_improving": _fraction(share), "headline": t.headline(),
            "counts": {k.value: t.count(k) for k in TrendClass},
            "kpis": [
                {"kpi": r.kpi, "area": r.area, "direction": r.direction.value, "months": r.months,
                 "slope_per_month": _fraction(r.slope), "slope_text": slope_text(r.slope),
                 "standard_error": None if r.se is None else round(r.se, 6), "t": _fraction(r.t, 3),
                 "significant": r.significant, "material": r.material, "threshold_per_year": _fraction(r.threshold),
                 "trend": r.trend.value, "first_value": _num(r.first_value), "last_value": _num(r.last_value),
                 "tsl": _num(r.tsl), "tsl_comparison": r.tsl_comparison.value, "projection": r.projection,
                 "projected_below_tsl": str(r.projected_below_tsl) if r.projected_below_tsl else None}
                for r in t.rows
            ],
            "too_few": list(t.too_few),
            "not_green": list(t.not_green),
        },
        "appendices": [
            {"title": a.title, "columns": list(a.columns),
             "rows": [[None if v is None else str(v) for v in row] for row in a.rows], "notes": list(a.notes)}
            for a in report.appendices
        ],
        "notes": list(report.notes),
        "table_numbers": report.numbers,
        "warning_groups": [{"rule": g.rule, "subject": g.subject, "fired": [str(p) for p in g.fired],
                            "message": g.message, "first_message": g.first_message} for g in report.warning_groups],
        "findings": [_finding(f) for f in report.findings],
        "commentary": _commentary(report.commentary),
    }


def _finding(f: RecordFinding) -> dict[str, Any]:
    return {"kind": f.kind, "subject": f.subject, "period": str(f.period) if f.period else None, "stated": f.stated,
            "record": f.record, "message": f.message, "source": f.source or None, "file": f.file, "line": f.line}


def _commentary(c: Commentary | None) -> dict[str, Any] | None:
    if c is None:
        return None
    m = c.milestones
    return {
        "source": c.source or None,
        "sections": dict(c.sections),
        "areas": dict(c.areas),
        "below_msl": [{"kpi": n.kpi, "months": [str(p) for p in n.months], "effect": n.effect,
                       "resolution": n.resolution or None, "description": n.description or None} for n in c.below_msl],
        "milestones": None if m is None else {
            "title": m.title, "kpi": m.kpi, "note": m.note or None,
            "months": [{"period": str(x.period), "total": x.total, "kpi_milestones": x.kpi_milestones, "met": x.met,
                        "exception": x.exception, "fail": x.fail, "excluded": x.excluded,
                        "kpi_percent": _num(x.kpi_percent)} for x in m.months]},
        "stated": [{"what": x.what, "period": str(x.period), "value": _num(x.value), "kpi": x.kpi, "quote": x.quote or None,
                    "source": x.source or None} for x in c.statements],
    }


def render_json(report: Report) -> str:
    return to_json(report_record(report))
