"""A measure run's tables as columns of exact values: its measurements and its data-quality findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from csskpi.model.tabular import Columns, month

if TYPE_CHECKING:
    from csskpi.data.load import Finding
    from csskpi.model.measurement import Measurement

__all__ = ["findings_columns", "measurements_columns"]


def measurements_columns(measurements: Iterable[Measurement]) -> Columns:
    """One row per measurement: the figure and, when recomputed, its passing records and population."""
    rows = list(measurements)
    return ({
        "month": [month(m.period) for m in rows],
        "period": [str(m.period) for m in rows],
        "kpi": [m.kpi for m in rows],
        "value": [m.value for m in rows],
        "numerator": [m.numerator for m in rows],
        "denominator": [m.denominator for m in rows],
        "data_not_available": [m.value is None for m in rows],
        "source": [m.source.kind for m in rows],
    }, {"month": "date", "value": "decimal", "numerator": "int", "denominator": "int", "data_not_available": "bool"})


def findings_columns(findings: Iterable[Finding]) -> Columns:
    """One row per data-quality finding: where it is and how many records it covers."""
    rows = list(findings)
    return ({
        "dataset": [f.dataset for f in rows], "file": [f.file for f in rows], "row": [f.row for f in rows],
        "column": [f.column for f in rows], "message": [f.message for f in rows], "count": [f.count for f in rows],
    }, {"row": "int", "count": "int"})
