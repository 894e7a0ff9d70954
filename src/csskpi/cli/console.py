"""Turning results into what the CLI prints: stable JSON records, CSV rows and aligned tables for people.

The JSON keys here are an interface other council tools script against: add keys, never rename them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from csskpi.engine.credits import AreaCredit
from csskpi.engine.points import KPIPoints
from csskpi.engine.reconcile import Reconciliation
from csskpi.engine.summary import SummaryRow
from csskpi.engine.watch import WatchWarning
from csskpi.model.contract import Contract
from csskpi.model.kpi import KPI
from csskpi.model.period import Period
from csskpi.model.result import MissingMeasurement, Result, Status

__all__ = [
    "points_text",
    "kpi_points_record",
    "area_credit_record",
    "warning_record",
    "result_record",
    "missing_record",
    "kpi_record",
    "summary_record",
    "reconciliation_record",
    "to_json",
    "to_csv",
    "table",
    "summary_tables",
    "paint",
]

_COLOURS = {Status.GREEN: "32", Status.AMBER: "33", Status.RED: "31", Status.BLUE: "34"}
_SYMBOLS = {Status.GREEN: "●", Status.AMBER: "◐", Status.RED: "✖", Status.BLUE: "◆"}


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


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    columns = list(columns or (records[0].keys() if records else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
    return out.getvalue()


def paint(status: Status, text: str, colour: bool) -> str:
    """Status text with its symbol (never colour alone), coloured when the terminal allows."""
    shown = f"{_SYMBOLS[status]} {text}"
    return f"\033[{_COLOURS[status]}m{shown}\033[0m" if colour else shown


def _visible_len(text: str) -> int:
    length, i = 0, 0
    while i < len(text):
        if text[i] == "\033":
            i = text.index("m", i) + 1
            continue
        length += 1
        i += 1
    return length


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = ()) -> str:
    """An aligned plain-text table; ``right`` are the indexes of right-aligned (numeric) columns."""
    rows = [list(r) for r in rows]
    right = set(right)
    widths = [max([_visible_len(h)] + [_visible_len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _visible_len(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)]) + "\n"


def summary_tables(rows: Sequence[SummaryRow], contract: Contract) -> str:
    """The council's Tables 1-7: per area, the five rows against the months as columns."""
    out: list[str] = []
    areas = ["ALL", *contract.area_codes]
    names = {a.code: a.name for a in contract.areas} | {"ALL": "Overall (All Services)"}
    for area in areas:
        mine = [r for r in rows if r.area == area]
        if not mine:
            continue
        headers = [f"{names[area]} ({area})", *(r.period.label for r in mine)]
        body = [
            ["TSL achieved", *(str(r.green) for r in mine)],
            ["MSL achieved", *(str(r.amber) for r in mine)],
            ["Below MSL", *(str(r.red) for r in mine)],
            ["Mitigation", *(str(r.blue) for r in mine)],
            ["TOTAL", *(str(r.total) for r in mine)],
        ]
        out.append(table(headers, body, right=range(1, len(headers))))
    return "\n".join(out)
