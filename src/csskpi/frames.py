"""Results as data: csskpi's results as polars (or pandas) DataFrames.

Another council tool, a notebook or a data warehouse takes csskpi's figures as a table. An evaluation, a measure
run and a credit run have their own ``to_polars()``/``to_pandas()`` (:class:`csskpi.model.tabular.Tabular`); this
module adds the frames of what is not one object — the council's summary rows (Tables 1-7) and the ledger's
current figures — and names every conversion in one place. Numbers stay numbers: figures, targets, points, charges
and credits are exact ``Decimal`` columns (never floats, never text), counts are integers, a month is a date (its
first day) with its ``YYYY-MM`` label beside it, statuses are their words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from csskpi.engine.tables import summary_columns
from csskpi.model.tabular import frame, month, to_pandas

if TYPE_CHECKING:
    import polars as pl

    from csskpi.engine.credits import CreditRun
    from csskpi.engine.rules import Evaluation
    from csskpi.engine.summary import SummaryRow
    from csskpi.ledger.ledger import Ledger
    from csskpi.pipeline.measure import MeasureRun

__all__ = ["frame_of", "ledger_frame", "summary_frame", "to_pandas"]


def frame_of(result: Evaluation | MeasureRun | CreditRun, table: str | None = None) -> pl.DataFrame:
    """The frame of an evaluation, a measure run or a credit run (``table`` picks findings, or KPIs' points)."""
    return result.to_polars(table)


def summary_frame(rows: Iterable[SummaryRow]) -> pl.DataFrame:
    """The council's Tables 1-7 as data: per area (``ALL`` overall) and month, the KPIs in each status."""
    return frame(summary_columns(rows))


def ledger_frame(ledger: Ledger) -> pl.DataFrame:
    """The ledger's current figures: every published month as it stands now, one row per KPI, with its version."""
    months = [ledger.month(period) for period in ledger.periods()]
    rows = [(view, result) for view in months for result in view.results]
    return frame(({
        "month": [month(v.period) for v, _ in rows], "period": [str(v.period) for v, _ in rows],
        "kpi": [r.kpi for _, r in rows], "area": [r.area for _, r in rows], "value": [r.value for _, r in rows],
        "status": [r.status.value for _, r in rows], "provisional": [r.provisional for _, r in rows],
        "version": [v.version.version for v, _ in rows],
    }, {"month": "date", "value": "decimal", "provisional": "bool", "version": "int"}))
