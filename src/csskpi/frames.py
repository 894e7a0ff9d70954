"""Results as data: csskpi's results as polars (or pandas) DataFrames, and short notebook displays of them.

Another council tool, a notebook or a data warehouse takes csskpi's figures as a table: an evaluation (one row per
KPI-month), a measure run (its measurements, or its findings), a credit run (its service areas, or its KPIs'
points), summary rows (the council's Tables 1-7) and the ledger's current figures. Numbers stay numbers: figures,
targets, points, charges and credits are exact ``Decimal`` columns (never floats, never text), counts are integers,
a month is a date (its first day) with its ``YYYY-MM`` label beside it, statuses are their words.

The result classes carry thin ``to_polars()``/``to_pandas()`` methods and a short ``repr`` and ``_repr_html_``
that call into this module; polars and pandas are imported only inside the functions, so ``import csskpi`` does
not import either. pandas is optional: :func:`to_pandas` says how to install it when it is missing.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from csskpi.data.load import Finding
    from csskpi.engine.credits import CreditRun
    from csskpi.engine.rules import Evaluation
    from csskpi.engine.summary import SummaryRow
    from csskpi.ledger.ledger import Ledger
    from csskpi.model.measurement import Measurement
    from csskpi.model.period import Period
    from csskpi.pipeline.measure import MeasureRun

__all__ = [
    "credit_areas_frame",
    "credit_kpis_frame",
    "credit_run_frame",
    "evaluation_frame",
    "findings_frame",
    "frame_of",
    "html_of",
    "html_table",
    "ledger_frame",
    "measure_run_frame",
    "measurements_frame",
    "repr_of",
    "short_repr",
    "span",
    "summary_frame",
    "to_pandas",
]

HTML_ROWS = 20  # rows a notebook shows of a result; the rest are counted, not printed


def _month(period: Period) -> dt.date:
    return dt.date(period.year, period.month, 1)


def _decimal(values: Sequence[Decimal | None]) -> pl.Series:
    """An exact Decimal series, its scale the largest of its values' (so nothing is rounded)."""
    import polars as pl

    scale = max((max(0, -int(v.as_tuple().exponent)) for v in values if v is not None), default=2)
    return pl.Series(values, dtype=pl.Decimal(38, scale))


def _frame(columns: dict[str, Any], kinds: dict[str, str]) -> pl.DataFrame:
    """A frame from columns of Python values; ``kinds`` names the decimal, date, int and bool columns."""
    import polars as pl

    series = []
    types = {"date": pl.Date(), "int": pl.Int64(), "bool": pl.Boolean(), "str": pl.String()}
    for name, values in columns.items():
        kind = kinds.get(name, "str")
        column = _decimal(values) if kind == "decimal" else pl.Series(values, dtype=types[kind])
        series.append(column.alias(name))
    return pl.DataFrame(series)


def evaluation_frame(evaluation: Evaluation) -> pl.DataFrame:
    """One row per KPI-month judged: the figure, the targets applied, the status earned and the one that stands."""
    rows = evaluation.results
    steps = [r.step for r in rows]
    measured = [r.measurement for r in rows]
    return _frame({
        "month": [_month(r.period) for r in rows],
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


def measurements_frame(measurements: Iterable[Measurement]) -> pl.DataFrame:
    """One row per measurement: the figure and, when recomputed, its passing records and population."""
    rows = list(measurements)
    return _frame({
        "month": [_month(m.period) for m in rows],
        "period": [str(m.period) for m in rows],
        "kpi": [m.kpi for m in rows],
        "value": [m.value for m in rows],
        "numerator": [m.numerator for m in rows],
        "denominator": [m.denominator for m in rows],
        "data_not_available": [m.value is None for m in rows],
        "source": [m.source.kind for m in rows],
    }, {"month": "date", "value": "decimal", "numerator": "int", "denominator": "int", "data_not_available": "bool"})


def findings_frame(findings: Iterable[Finding]) -> pl.DataFrame:
    """One row per data-quality finding: where it is and how many records it covers."""
    rows = list(findings)
    return _frame({
        "dataset": [f.dataset for f in rows], "file": [f.file for f in rows], "row": [f.row for f in rows],
        "column": [f.column for f in rows], "message": [f.message for f in rows], "count": [f.count for f in rows],
    }, {"row": "int", "count": "int"})


def measure_run_frame(run: MeasureRun, table: str = "measurements") -> pl.DataFrame:
    """A measure run's ``measurements`` (default) or its ``findings``."""
    if table == "findings":
        return findings_frame(run.findings)
    if table != "measurements":
        raise ValueError(f"'table' must be 'measurements' or 'findings', not {table!r}")
    return measurements_frame(run.measurements)


def credit_areas_frame(run: CreditRun) -> pl.DataFrame:
    """One row per service area and month: points, the charge, the cap and the credit (pounds, to the penny)."""
    rows = run.areas
    return _frame({
        "month": [_month(a.period) for a in rows], "period": [str(a.period) for a in rows],
        "area": [a.area for a in rows], "points": [a.points for a in rows], "allocated": [a.allocated for a in rows],
        "charge": [a.charge for a in rows], "cap": [a.cap for a in rows], "credit": [a.credit for a in rows],
        "capped": [a.capped for a in rows], "regime": [a.regime for a in rows],
    }, {"month": "date", "points": "decimal", "allocated": "int", "charge": "decimal", "cap": "decimal",
        "credit": "decimal", "capped": "bool"})


def credit_kpis_frame(run: CreditRun) -> pl.DataFrame:
    """One row per KPI-month: its status, base points, weight, place in a failing run, multiplier and points."""
    rows = run.kpis
    return _frame({
        "month": [_month(k.period) for k in rows], "period": [str(k.period) for k in rows],
        "kpi": [k.kpi for k in rows], "area": [k.area for k in rows], "status": [k.status.value for k in rows],
        "data_not_available": [k.data_not_available for k in rows], "base": [k.base for k in rows],
        "weight": [k.weight for k in rows], "run": [k.run for k in rows],
        "multiplier": [k.multiplier for k in rows], "points": [k.points for k in rows],
        "reason": [k.reason for k in rows],
    }, {"month": "date", "data_not_available": "bool", "base": "int", "weight": "decimal", "run": "int",
        "multiplier": "decimal", "points": "decimal"})


def credit_run_frame(run: CreditRun, table: str = "areas") -> pl.DataFrame:
    """A credit run's service ``areas`` (default) or its ``kpis``' points."""
    if table == "kpis":
        return credit_kpis_frame(run)
    if table != "areas":
        raise ValueError(f"'table' must be 'areas' or 'kpis', not {table!r}")
    return credit_areas_frame(run)


def summary_frame(rows: Iterable[SummaryRow]) -> pl.DataFrame:
    """The council's Tables 1-7 as data: per area (``ALL`` overall) and month, the KPIs in each status."""
    rows = list(rows)
    return _frame({
        "month": [_month(r.period) for r in rows], "period": [str(r.period) for r in rows],
        "area": [r.area for r in rows], "green": [r.green for r in rows], "amber": [r.amber for r in rows],
        "red": [r.red for r in rows], "blue": [r.blue for r in rows], "total": [r.total for r in rows],
    }, {"month": "date", "green": "int", "amber": "int", "red": "int", "blue": "int", "total": "int"})


def ledger_frame(ledger: Ledger) -> pl.DataFrame:
    """The ledger's current figures: every published month as it stands now, one row per KPI, with its version."""
    months = [ledger.month(period) for period in ledger.periods()]
    rows = [(view, result) for view in months for result in view.results]
    return _frame({
        "month": [_month(v.period) for v, _ in rows], "period": [str(v.period) for v, _ in rows],
        "kpi": [r.kpi for _, r in rows], "area": [r.area for _, r in rows], "value": [r.value for _, r in rows],
        "status": [r.status.value for _, r in rows], "provisional": [r.provisional for _, r in rows],
        "version": [v.version.version for v, _ in rows],
    }, {"month": "date", "value": "decimal", "provisional": "bool", "version": "int"})


def to_pandas(frame: pl.DataFrame) -> Any:
    """``frame`` as a pandas DataFrame (Decimal columns hold ``decimal.Decimal`` objects, exact)."""
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]  # noqa: F401  (polars needs it: say so clearly)
    except ImportError:
        raise ModuleNotFoundError(
            "to_pandas() needs pandas, which is not installed: pip install pandas (or use to_polars())",
            name="pandas",
        ) from None
    return frame.to_pandas()


# ------------------------------------------------------------------------------------------ notebook display


def short_repr(kind: str, **counts: object) -> str:
    """``<Evaluation lincolnshire-css: 312 results, 2017-04 to 2018-03>``: what a notebook prints for a result."""
    parts = ", ".join(f"{v:,} {k}" if isinstance(v, int) else str(v) for k, v in counts.items() if v is not None)
    return f"<{kind}{': ' + parts if parts else ''}>"


def span(periods: Iterable[Period]) -> str | None:
    """``2017-04 to 2018-03`` (or one month), None for none."""
    months = sorted(set(periods))
    if not months:
        return None
    return str(months[0]) if len(months) == 1 else f"{months[0]} to {months[-1]}"


def html_table(title: str, frame: pl.DataFrame, *, rows: int = HTML_ROWS) -> str:
    """A small HTML table: the title, the first ``rows`` rows, and how many more there are. Every cell escaped."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.head(rows).iter_rows()
    )
    more = f"<p>… and {frame.height - rows} more rows (to_polars() has them all)</p>" if frame.height > rows else ""
    return (f"<div class=\"csskpi\"><p><strong>{html.escape(title)}</strong></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>")


# ------------------------------------------------------------------------- what the result classes call


def frame_of(result: object, table: str | None = None) -> pl.DataFrame:
    """The frame of an evaluation, a measure run or a credit run (``table`` picks findings, or KPIs' points)."""
    from csskpi.engine.credits import CreditRun
    from csskpi.engine.rules import Evaluation
    from csskpi.pipeline.measure import MeasureRun

    if isinstance(result, Evaluation):
        if table not in (None, "results"):
            raise ValueError(f"'table' of an evaluation must be 'results', not {table!r}")
        return evaluation_frame(result)
    if isinstance(result, MeasureRun):
        return measure_run_frame(result, table or "measurements")
    if isinstance(result, CreditRun):
        return credit_run_frame(result, table or "areas")
    raise TypeError(f"no frame for {type(result).__name__}")


def repr_of(result: object) -> str:
    """A one-line repr: what the result holds, never its contents (a year's evaluation would be 750,000 chars)."""
    from csskpi.engine.credits import CreditRun
    from csskpi.engine.rules import Evaluation
    from csskpi.pipeline.measure import MeasureRun

    if isinstance(result, Evaluation):
        return short_repr(f"Evaluation {result.contract.name}", results=len(result.results),
                          missing=len(result.missing) or None, months=span(result.periods))
    if isinstance(result, MeasureRun):
        return short_repr("MeasureRun", measurements=len(result.measurements), findings=len(result.findings),
                          records=result.records, months=span(m.period for m in result.measurements))
    if isinstance(result, CreditRun):
        return short_repr("CreditRun", **{"KPI-months": len(result.kpis), "area-months": len(result.areas),
                                          "warnings": len(result.warnings)})
    return object.__repr__(result)


def html_of(result: object) -> str:
    """A notebook's display: the short repr as a title, then the first rows of the result's frame."""
    return html_table(repr_of(result), frame_of(result))
