"""Results that are also tables: ``to_polars()``, ``to_pandas()``, a short ``repr`` and a notebook display.

A result class (an evaluation, a credit run, a measure run) says which columns it has and what it holds
(:meth:`Tabular._columns`, :meth:`Tabular._summary`); this mixin turns that into a DataFrame with exact types —
figures, targets, points and money as ``Decimal`` columns, never floats; counts as integers; a month as a date —
and into a one-line ``repr`` (never the contents: a year's evaluation would print 750,000 characters). polars and
pandas are imported only when a frame is asked for, so ``import csskpi`` imports neither.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from csskpi.model.period import Period

__all__ = ["Columns", "Tabular", "frame", "month", "short_repr", "span", "to_pandas"]

HTML_ROWS = 20  # rows a notebook shows of a result; the rest are counted, not printed

# A table as columns of Python values, and the kind of each non-text column ("decimal", "date", "int", "bool").
Columns = tuple[dict[str, list[Any]], dict[str, str]]


def month(period: Period) -> dt.date:
    """A month as a date column holds it: its first day."""
    return dt.date(period.year, period.month, 1)


def _decimal(values: Sequence[Decimal | None]) -> pl.Series:
    """An exact Decimal series, its scale the largest of its values' (so nothing is rounded)."""
    import polars as pl

    scale = max((max(0, -int(v.as_tuple().exponent)) for v in values if v is not None), default=2)
    return pl.Series(values, dtype=pl.Decimal(38, scale))


def frame(table: Columns) -> pl.DataFrame:
    """A polars DataFrame from columns of Python values (the kinds as :data:`Columns` says)."""
    import polars as pl

    columns, kinds = table
    types = {"date": pl.Date(), "int": pl.Int64(), "bool": pl.Boolean(), "str": pl.String()}
    series = []
    for name, values in columns.items():
        kind = kinds.get(name, "str")
        column = _decimal(values) if kind == "decimal" else pl.Series(values, dtype=types[kind])
        series.append(column.alias(name))
    return pl.DataFrame(series)


def to_pandas(data: pl.DataFrame) -> Any:
    """``data`` as a pandas DataFrame (Decimal columns hold ``decimal.Decimal`` objects, exact)."""
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]  # noqa: F401  (polars needs it: say so clearly)
    except ImportError:
        raise ModuleNotFoundError(
            "to_pandas() needs pandas, which is not installed: pip install pandas (or use to_polars())",
            name="pandas",
        ) from None
    return data.to_pandas()


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


def html_table(title: str, data: pl.DataFrame, *, rows: int = HTML_ROWS) -> str:
    """A small HTML table: the title, the first ``rows`` rows, and how many more there are. Every cell escaped."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in data.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in data.head(rows).iter_rows()
    )
    more = f"<p>… and {data.height - rows} more rows (to_polars() has them all)</p>" if data.height > rows else ""
    return (f"<div class=\"csskpi\"><p><strong>{html.escape(title)}</strong></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>")


class Tabular:
    """A result that is also a table. Subclasses give :meth:`_columns` (per named table) and :meth:`_summary`."""

    __slots__ = ()

    def _columns(self, table: str | None) -> Columns:
        raise NotImplementedError

    def _summary(self) -> str:
        raise NotImplementedError

    def to_polars(self, table: str | None = None) -> pl.DataFrame:
        """This result as a polars DataFrame, numbers as exact numbers (``table`` picks one of several)."""
        return frame(self._columns(table))

    def to_pandas(self, table: str | None = None) -> Any:
        """This result as a pandas DataFrame (pandas must be installed)."""
        return to_pandas(self.to_polars(table))

    def __repr__(self) -> str:
        return self._summary()

    def _repr_html_(self) -> str:
        return html_table(self._summary(), self.to_polars())
