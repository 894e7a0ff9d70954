"""Engine results as columns of exact values (the tables :class:`~csskpi.model.tabular.Tabular` makes frames of):
an evaluation's results, a credit run's areas and KPIs' points, the council's summary rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from csskpi.model.tabular import Columns, month

if TYPE_CHECKING:
    from csskpi.engine.credits import CreditRun
    from csskpi.engine.rules import Evaluation
    from csskpi.engine.summary import SummaryRow

__all__ = ["credit_areas_columns", "credit_kpis_columns", "evaluation_columns", "summary_columns"]


def evaluation_columns(evaluation: Evaluation) -> Columns:
    """One row per KPI-month judged: the figure, the targets applied, the status earned and the one that stands."""
    rows = evaluation.results
    steps = [r.step for r in rows]
    measured = [r.measurement for r in rows]
    return ({
        "month": [month(r.period) for r in rows],
        "period": [str(r.period) for r in rows],
        "kpi": [r.reference for r in rows],
        "area": [r.area for r in rows],
        "value": [r.value for r in rows],
        "tsl": [None if s is None else s.tsl for s in steps],
        "msl": [None if s is None else s.msl for s in steps],
        "earned": [r.earned.value for r in rows],
        "status": [r.status.value for r in rows],
        "data_not_available": [r.data_not_available for r in rows],
        "provisional": [r.provisional for r in rows],
        "relieved": [r.relieved for r in rows],
        "numerator": [None if m is None else m.numerator for m in measured],
        "denominator": [None if m is None else m.denominator for m in measured],
        "explanation": [r.explanation for r in rows],
    }, {"month": "date", "value": "decimal", "tsl": "decimal", "msl": "decimal", "data_not_available": "bool",
        "provisional": "bool", "relieved": "bool", "numerator": "int", "denominator": "int"})


def credit_areas_columns(run: CreditRun) -> Columns:
    """One row per service area and month: points, the charge, the cap and the credit (pounds, to the penny)."""
    rows = run.areas
    return ({
        "month": [month(a.period) for a in rows], "period": [str(a.period) for a in rows],
        "area": [a.area for a in rows], "points": [a.points for a in rows], "allocated": [a.allocated for a in rows],
        "charge": [a.charge for a in rows], "cap": [a.cap for a in rows], "credit": [a.credit for a in rows],
        "capped": [a.capped for a in rows], "regime": [a.regime for a in rows],
    }, {"month": "date", "points": "decimal", "allocated": "int", "charge": "decimal", "cap": "decimal",
        "credit": "decimal", "capped": "bool"})


def credit_kpis_columns(run: CreditRun) -> Columns:
    """One row per KPI-month: its status, base points, weight, place in a failing run, multiplier and points."""
    rows = run.kpis
    return ({
        "month": [month(k.period) for k in rows], "period": [str(k.period) for k in rows],
        "kpi": [k.kpi for k in rows], "area": [k.area for k in rows], "status": [k.status.value for k in rows],
        "data_not_available": [k.data_not_available for k in rows], "base": [k.base for k in rows],
        "weight": [k.weight for k in rows], "run": [k.run for k in rows],
        "multiplier": [k.multiplier for k in rows], "points": [k.points for k in rows],
        "reason": [k.reason for k in rows],
    }, {"month": "date", "data_not_available": "bool", "base": "int", "weight": "decimal", "run": "int",
        "multiplier": "decimal", "points": "decimal"})


def summary_columns(rows: Iterable[SummaryRow]) -> Columns:
    """The council's Tables 1-7 as data: per area (``ALL`` overall) and month, the KPIs in each status."""
    rows = list(rows)
    return ({
        "month": [month(r.period) for r in rows], "period": [str(r.period) for r in rows],
        "area": [r.area for r in rows], "green": [r.green for r in rows], "amber": [r.amber for r in rows],
        "red": [r.red for r in rows], "blue": [r.blue for r in rows], "total": [r.total for r in rows],
    }, {"month": "date", "green": "int", "amber": "int", "red": "int", "blue": "int", "total": "int"})
