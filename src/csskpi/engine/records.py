"""Results as plain records (dicts of str, int, bool and None): the stable JSON and CSV interface.

Other council tools script against these keys: add keys, never rename them. The ledger stores results in this
shape and the report's JSON uses it, so it lives with the results it describes, not with any one output.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from csskpi.engine.compare import ComparisonRow
from csskpi.engine.credits import AreaCredit
from csskpi.engine.points import KPIPoints
from csskpi.engine.reconcile import Reconciliation
from csskpi.engine.summary import SummaryRow
from csskpi.engine.watch import WatchWarning
from csskpi.model.contract import Contract
from csskpi.model.kpi import KPI
from csskpi.model.period import Period
from csskpi.model.result import MissingMeasurement, Result

__all__ = [
    "area_credit_record",
    "catalogue_records",
    "comparison_record",
    "kpi_points_record",
    "kpi_record",
    "missing_record",
    "points_text",
    "reconciliation_record",
    "result_record",
    "summary_record",
    "warning_record",
]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def points_text(value: Decimal) -> str:
    """Points to 2 decimals (18.75, 15.00), or exactly when a contract's weights need more."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


def result_record(r: Result) -> dict[str, Any]:
    step = r.step
    return {
        "period": str(r.period),
        "kpi": r.reference,
        "area": r.area,
        "value": _num(r.value),
        "status": r.status.value,
        "earned": r.earned.value,
        "data_not_available": r.data_not_available,
        "provisional": r.provisional,
        "tsl": _num(step.tsl) if step else None,
        "msl": _num(step.msl) if step else None,
        "tsl_comparison": step.tsl_comparison.value if step else None,
        "msl_comparison": step.msl_comparison.value if step else None,
        "explanation": r.explanation,
        "source": str(r.measurement.source) if r.measurement else None,
    }


def kpi_points_record(k: KPIPoints) -> dict[str, Any]:
    return {
        "period": str(k.period),
        "kpi": k.kpi,
        "area": k.area,
        "status": k.status.value,
        "data_not_available": k.data_not_available,
        "base_points": k.base,
        "weight": _num(k.weight),
        "run": k.run,
        "multiplier": _num(k.multiplier),
        "points": points_text(k.points),
        "reason": k.reason,
    }


def area_credit_record(a: AreaCredit) -> dict[str, Any]:
    return {
        "period": str(a.period),
        "area": a.area,
        "points": points_text(a.points),
        "allocated": a.allocated,
        "charge": _num(a.charge),
        "cap": _num(a.cap),
        "credit": _num(a.credit),
        "capped": a.capped,
        "regime": a.regime,
    }


def warning_record(w: WatchWarning) -> dict[str, Any]:
    return {"rule": w.rule, "subject": w.subject, "months": [str(p) for p in w.months], "message": w.message}


def missing_record(m: MissingMeasurement) -> dict[str, Any]:
    return {"period": str(m.period), "kpi": m.kpi, "area": m.area}


def kpi_record(kpi: KPI, at: Period) -> dict[str, Any]:
    step = kpi.step_at(at)
    points = kpi.points.at(at) if kpi.in_force(at) else None
    return {
        "kpi": kpi.reference,
        "area": kpi.area,
        "description": kpi.description,
        "in_use": kpi.in_force(at),
        "unit": kpi.unit.value,
        "direction": kpi.direction.value,
        "tsl": _num(step.tsl) if step else None,
        "msl": _num(step.msl) if step else None,
        "tsl_comparison": step.tsl_comparison.value if step else None,
        "msl_comparison": step.msl_comparison.value if step else None,
        "points": points.points if points else None,
        "points_assumed": points.assumed if points else None,
        "start": str(kpi.start),
        "end": str(kpi.end) if kpi.end else None,
        "measure": kpi.measure,
        "step_note": step.note if step else None,
    }


def catalogue_records(contract: Contract, at: Period) -> list[dict[str, Any]]:
    """The catalogue as it stood at ``at``, in area order: the KPIs in force, and with ``in_use: false`` the
    references not in use (never used, or retired by a change before ``at``). KPIs added after ``at`` are not
    yet references of the catalogue."""
    records = {k.reference: kpi_record(k, at) for k in contract.kpis if k.start <= at}
    for r in contract.retired:
        records[r.reference] = {
            "kpi": r.reference, "area": r.area, "description": r.note, "in_use": False, "unit": None,
            "direction": None, "tsl": None, "msl": None, "tsl_comparison": None, "msl_comparison": None,
            "points": None, "points_assumed": None, "start": None, "end": None, "measure": None, "step_note": None,
        }
    order = {code: i for i, code in enumerate(contract.area_codes)}
    return sorted(records.values(), key=lambda rec: (order.get(rec["area"], 99), _ref_key(rec["kpi"])))


def _ref_key(reference: str) -> tuple[str, int]:
    head, _, tail = reference.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (reference, 0)


def summary_record(row: SummaryRow) -> dict[str, Any]:
    return {"area": row.area, "period": str(row.period), **row.as_dict()}


def reconciliation_record(rec: Reconciliation) -> dict[str, Any]:
    return {
        "differences": [
            {
                "source": d.source,
                "area": d.area,
                "period": str(d.period),
                "published": d.published,
                "recomputed": d.recomputed,
                "explanation": d.explanation,
                "kpis": list(d.kpis),
                "candidates": list(d.candidates),
            }
            for d in rec.differences
        ],
        "not_compared": [
            {"source": n.source, "area": n.area, "period": str(n.period), "reason": n.reason} for n in rec.not_compared
        ],
        "compared": rec.compared,
    }


def comparison_record(row: ComparisonRow) -> dict[str, Any]:
    return {
        "period": str(row.period),
        "kpi": row.kpi,
        "reported": _num(row.reported),
        "recomputed": _num(row.recomputed),
        "difference": _num(row.difference),
        "reported_status": row.reported_status.value if row.reported_status else None,
        "recomputed_status": row.recomputed_status.value if row.recomputed_status else None,
        "agrees": row.agrees,
        "status_agrees": row.status_agrees,
    }
