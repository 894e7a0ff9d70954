"""Workbook helpers for the report's Excel file: sheet names cut at a word, months as dates, figures rounded as
shown, print setup and native charts (openpyxl)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from csskpi.model.period import Period

__all__ = ["MONTH_FORMAT", "bar_chart", "month", "print_setup", "rounded", "sheet_name"]

MONTH_FORMAT = "mmm-yy"  # the council's month labels (May-17), on real dates
_LIMIT = 31  # Excel's longest sheet name


def sheet_name(name: str, taken: list[str]) -> str:
    """A valid, unique sheet name: characters Excel refuses replaced, cut at a word boundary (never mid-word)."""
    clean = " ".join(re.sub(r"[\[\]:*?/\\']", " ", name).split())
    if len(clean) > _LIMIT:
        words = clean.split(" ")
        clean = words[0][:_LIMIT]
        for w in words[1:]:
            if len(clean) + 1 + len(w) > _LIMIT:
                break
            clean += " " + w
    base, n = clean, 2
    while clean.lower() in (t.lower() for t in taken):
        suffix = f" ({n})"
        stem = base
        while len(stem) + len(suffix) > _LIMIT and " " in stem:
            stem = stem.rsplit(" ", 1)[0]
        clean = stem[: _LIMIT - len(suffix)] + suffix
        n += 1
    return clean


def month(period: Period) -> dt.date:
    """A month as the date of its first day, for a cell formatted ``mmm-yy``."""
    return period.first_day


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    """The figure as the cell shows it (half-up), so that a sum or a filter sees what the reader sees."""
    if value is None:
        return None
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(shown) if shown == 0 else shown  # never a negative zero


def print_setup(ws: Worksheet, header_rows: str = "1:2") -> None:
    """Landscape A4, fitted to the page width, the title and header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows


def bar_chart(ws: Worksheet, title: str, *, data: tuple[int, int, int, int], categories: tuple[int, int, int, int],
              anchor: str, stacked: bool = False, by_rows: bool = False, y_title: str = "") -> BarChart:
    """A native Excel bar chart of ``data`` (min_col, min_row, max_col, max_row, titles included) placed at ``anchor``."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.height, chart.width = 8, 18
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    min_col, min_row, max_col, max_row = data
    ref = Reference(ws, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
    chart.add_data(ref, titles_from_data=True, from_rows=by_rows)
    c_col, c_row, c_max_col, c_max_row = categories
    chart.set_categories(Reference(ws, min_col=c_col, min_row=c_row, max_col=c_max_col, max_row=c_max_row))
    ws.add_chart(chart, anchor)
    return chart
