"""Reading a dataset's source into untyped cells: a CSV file (every cell as text), a Parquet file, a sheet of an
Excel workbook or an in-memory frame — with, for every row, where it is in the source (a CSV line, a sheet row,
a frame index), so that any later message can name it. Typing and checking the cells is
:mod:`csskpi.data.load`'s (with :mod:`csskpi.data.checks`)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, TypeAlias, cast

import attrs
import fastexcel
import polars as pl

from csskpi.data.checks import Locator, blank_to_null, first_line, first_sheet_row
from csskpi.data.csvfile import csv_layout, csv_lines, unreadable_csv
from csskpi.data.sanity import delimiter_hint
from csskpi.data.spec import DatasetSpec
from csskpi.errors import InputError, Problem

__all__ = ["FRAME_SOURCE", "ROW_COLUMN", "DataSource", "RawCells", "header_names", "missing_columns", "read_cells"]

ROW_COLUMN = "__row__"  # the row-number column a findings hook sees (see LoadedDataset.with_row_numbers)
FRAME_SOURCE = "<DataFrame>"

#: A path to a ``.csv``, ``.parquet`` or ``.xlsx`` file, or a polars / pandas DataFrame or pyarrow Table.
DataSource: TypeAlias = "str | os.PathLike[str] | pl.DataFrame | object"


@attrs.frozen
class RawCells:
    """What a reader hands on: untyped cells under their header names, and where each row came from."""

    frame: pl.DataFrame
    where: Locator
    lenient_dates: bool = False  # a spreadsheet's date cells read as "YYYY-MM-DD 00:00:00"
    problems: tuple[Problem, ...] = ()  # header faults found while reading


def read_cells(name: str, source: DataSource) -> RawCells:
    """The cells of a CSV file, a Parquet file, a sheet ``name`` of a workbook or a frame, and where each row is."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        suffix = path.suffix.lower()
        shown = os.fspath(source)
        if not path.is_file():
            raise InputError(Problem(f"no such file (dataset {name!r})", file=shown))
        if suffix == ".csv":
            return _read_csv(path, shown)
        if suffix == ".parquet":
            return _read_parquet(path, shown)
        if suffix == ".xlsx":
            return _read_excel(path, name, f"{shown}[{name}]")
        raise InputError(Problem("not a .csv, .parquet or .xlsx file", file=shown))
    return _from_frame(_to_polars(source))


def _to_polars(source: object) -> pl.DataFrame:
    if isinstance(source, pl.DataFrame):
        return source
    if isinstance(source, pl.LazyFrame):
        return source.collect()
    package = type(source).__module__.partition(".")[0]
    arrow_stream = hasattr(source, "__arrow_c_stream__")  # a pyarrow reader, a DuckDB relation...: Arrow's C stream
    if package not in ("pandas", "pyarrow") and not arrow_stream:
        raise TypeError(f"cannot load a dataset from {type(source).__name__}: give a path or a DataFrame")
    try:  # pl.from_pandas imports pandas: only ever when given one of its frames
        frame: pl.DataFrame | pl.Series
        if package == "pandas":
            frame = pl.from_pandas(source)
        else:
            frame = pl.DataFrame(cast(Any, source)) if arrow_stream else pl.from_arrow(source)
    except Exception as error:  # pandas and arrow raise their own types (mixed object columns, repeated names)
        raise InputError(Problem(f"cannot read the frame: {first_line(error)}", file=FRAME_SOURCE)) from error
    if isinstance(frame, pl.DataFrame):
        return frame
    raise TypeError(f"cannot load a dataset from {type(source).__name__}: give a path or a DataFrame")


def _indexes(height: int, start: int) -> pl.Series:
    return pl.int_range(start, start + height, dtype=pl.Int64, eager=True)


def _from_frame(frame: pl.DataFrame, source: str = FRAME_SOURCE) -> RawCells:
    return RawCells(blank_to_null(frame), Locator(source, _indexes(frame.height, 0), "row", None))


def _read_parquet(path: Path, shown: str) -> RawCells:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise InputError(Problem(f"cannot read as Parquet: {first_line(error)}", file=shown)) from error
    return _from_frame(frame, shown)


def header_names(row: tuple[object, ...]) -> list[str]:
    """A header line's column names: a byte-order mark dropped, an empty name called ``column_N``."""
    header = [str(v) if v is not None else "" for v in row]
    return [(v.removeprefix("\ufeff") if i == 0 else v) or f"column_{i + 1}" for i, v in enumerate(header)]


def _with_header(
    grid: pl.DataFrame, numbers: pl.Series, where: Locator, *, lenient: bool = False, blanks_null: bool = False
) -> RawCells:
    """Name ``grid``'s columns from its first row, drop blank rows, and check the names are distinct.

    ``blanks_null``: the reader made every empty cell null already (polars does so for a CSV file without quotes;
    ``""`` stays text), so they need not be looked for again.
    """
    names = header_names(grid.row(0)) if grid.height else []
    problems = []
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        positions = " and ".join(str(i + 1) for i, n in enumerate(names) if n == name)
        problems.append(Problem(f"the header names this column more than once (columns {positions})",
                                file=where.source, line=where.header, field=name))
    if problems:  # no cell is read: which of the columns is meant is unknown; the names still show what is missing
        return RawCells(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), where, lenient, tuple(problems))
    body = grid.slice(1).rename(dict(zip(grid.columns, names, strict=True)))
    body = body if blanks_null else blank_to_null(body)
    rows = numbers.slice(1)
    blank = body.select(pl.all_horizontal(pl.all().is_null())).to_series() if body.width else None
    if blank is not None and blank.any():  # blank lines hold no record (copying the frame only when there are)
        body, rows = body.filter(~blank), rows.filter(~blank)
    return RawCells(body, Locator(where.source, rows, where.label, where.header), lenient)


def _read_excel(path: Path, sheet: str, shown: str) -> RawCells:
    try:  # every cell as text, blank rows kept, so that row i of the frame is row first + i of the sheet
        sheets = fastexcel.read_excel(path).sheet_names
        if sheet not in sheets:
            listed = ", ".join(repr(n) for n in sheets)
            raise InputError(Problem(f"the workbook has no sheet {sheet!r} (sheets: {listed})", file=str(path)))
        grid = pl.read_excel(path, sheet_name=sheet, has_header=False, drop_empty_rows=False, drop_empty_cols=False,
                             raise_if_empty=False, read_options={"dtypes": "string"})
    except InputError:
        raise
    except Exception as error:  # fastexcel raises its own exception types, with no common polars base
        raise InputError(Problem(f"cannot read the sheet: {first_line(error)}", file=shown)) from error
    if grid.height == 0:
        raise InputError(Problem("the sheet is empty: it needs a header row naming the columns", file=shown))
    first = first_sheet_row(path, sheet)
    numbers = _indexes(grid.height, first) if first is not None else pl.Series([None] * grid.height, dtype=pl.Int64)
    return _with_header(grid, numbers, Locator(shown, numbers, "row", first), lenient=True)


def _read_csv(path: Path, shown: str) -> RawCells:
    layout = csv_layout(path)  # blank? quotes? (a search of the mapped file)
    if layout.blank:
        raise InputError(Problem("the file is empty: it needs a header line naming the columns", file=shown))
    try:  # every cell as text: the spec, not polars' inference, says what a column holds
        grid = pl.read_csv(path, has_header=False, infer_schema=False)
    except pl.exceptions.PolarsError as error:  # polars says a row is too long, or not UTF-8, but not where
        raise InputError(unreadable_csv(path.read_bytes(), shown, error)) from error
    try:
        lines, ragged = csv_lines(path, grid, shown, layout)
    except (csv.Error, UnicodeDecodeError) as error:  # the csv module, walking the file, meets a field over its limit
        raise InputError(Problem(f"cannot read as CSV: {first_line(error)}", file=shown)) from error
    if ragged:  # a record whose cells cannot be matched to the header: no cell of the file can be trusted
        raise InputError(ragged)
    return _with_header(grid, lines, Locator(shown, lines, "line", 1), blanks_null=not layout.quoted)


def missing_columns(raw: RawCells, spec: DatasetSpec) -> list[Problem]:
    """A problem for each column of ``spec`` the header lacks (naming what it has, and a near spelling), or one
    for the file when its header looks written with another delimiter."""
    found = raw.frame.columns
    folded = {c.strip().casefold(): c for c in found}
    problems = []
    separated = delimiter_hint(found)
    if separated:  # one problem for the file, not one for each column the header seems to lack
        return [Problem(f"no column of the dataset found{separated}", file=raw.where.source, line=raw.where.header)]
    for column in spec.columns:
        if column.name in found:
            continue
        near = folded.get(column.name.casefold())
        hint = f"; did you mean {near!r}?" if near is not None else ""
        message = f"missing required column (found: {', '.join(found) or 'none'}){hint}"
        problems.append(Problem(message, file=raw.where.source, line=raw.where.header, field=column.name))
    return problems
