"""Checking a raw dataset against its :class:`~csskpi.plugin.types.DatasetSpec`: where its rows are, and its cells.

This is the half of :mod:`csskpi.data.load` that knows the formats of ``docs/measures.md``. It finds which line of a
CSV file (or row of a sheet) each record is on, turns the cells a reader produced (text, or a frame's native
types) into typed polars columns, and reports every fault as a :class:`~csskpi.errors.Problem` naming the file,
the row and the column. Everything is vectorised: a column is parsed with ``strict=False`` and the faulty rows
are those where a value went in and a null came out, so a clean 200,000-row month costs a few column passes.

The formats are strict on purpose: a figure the council relies on must never rest on a guess.

- dates ``YYYY-MM-DD``; timestamps ``YYYY-MM-DDTHH:MM[:SS]`` (or a space for the ``T``), naive local UK time;
- whole numbers ``[+-]digits``; decimals ``[+-]digits[.digits]`` with at most :data:`DECIMAL_SCALE` significant
  decimal places (more would have to be rounded, so they are refused), no thousands separators, no exponent;
- booleans ``true/false``, ``1/0``, ``yes/no`` in any case;
- enumeration values exactly as declared (the declared values are lowercase; ``Good`` or ``good `` is refused
  rather than normalised, so that what the supplier sent is what is counted);
- text as given. An empty cell, or ``""``, is missing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import attrs
import polars as pl

from csskpi.data.spec import Column, ColumnKind, DatasetSpec
from csskpi.errors import Problem

__all__ = [
    "DECIMAL_PRECISION",
    "DECIMAL_SCALE",
    "MAX_PROBLEMS_PER_CHECK",
    "Locator",
    "first_line",
    "first_sheet_row",
    "blank_to_null",
    "parse_columns",
    "check_cells",
    "check_duplicates",
    "check_ordered",
]

DECIMAL_PRECISION = 38
DECIMAL_SCALE = 2  # pence: DECIMAL columns are money (or a quantity measured to the same precision)
MAX_PROBLEMS_PER_CHECK = 20  # per column and check, so a broken 200k-row file still gives a readable error

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def _every_case(words: Sequence[str]) -> list[str]:
    # Matching every spelling (true, True, TRUE, tRuE...) is several times faster than lowercasing each cell.
    spellings = (itertools.product(*({ch.lower(), ch.upper()} for ch in word)) for word in words)
    return sorted({"".join(letters) for spelling in spellings for letters in spelling})


_TRUE_SPELLINGS = _every_case(TRUE_WORDS)
_FALSE_SPELLINGS = _every_case(FALSE_WORDS)

_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_MIDNIGHT_RE = r"^\d{4}-\d{2}-\d{2}[T ]00:00(:00)?$"  # how a spreadsheet's date cell reads as text
_DATETIME_RE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:[0-5]\d)?$"  # [0-5]: chrono would read :60 as a leap second
_EXACT_DATETIME_RE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:[0-5]\d$"  # the canonical form: most cells, parsed first
_EXACT_DATETIME = "%Y-%m-%dT%H:%M:%S"
_INT_RE = r"^[+-]?\d+$"
# Trailing zeros beyond the scale lose nothing ("12.500"); any other extra digit would have to be rounded.
_DECIMAL_RE = rf"^[+-]?\d+(\.\d{{1,{DECIMAL_SCALE}}}0*)?$"
_SYNTAX = {ColumnKind.INT: _INT_RE, ColumnKind.DECIMAL: _DECIMAL_RE}

_EXPECTED = {
    ColumnKind.INT: "is not a whole number",
    ColumnKind.DECIMAL: f"is not a number with at most {DECIMAL_SCALE} decimal places",
    ColumnKind.BOOL: "is not a boolean (expected true/false, 1/0 or yes/no)",
    ColumnKind.DATE: "is not a date (expected YYYY-MM-DD)",
    ColumnKind.DATETIME: "is not a timestamp (expected YYYY-MM-DDTHH:MM[:SS])",
}

_DECIMAL = pl.Decimal(DECIMAL_PRECISION, DECIMAL_SCALE)
_TARGET: dict[ColumnKind, pl.DataType] = {
    ColumnKind.STR: pl.String(),
    ColumnKind.ENUM: pl.String(),
    ColumnKind.INT: pl.Int64(),
    ColumnKind.DECIMAL: _DECIMAL,
    ColumnKind.BOOL: pl.Boolean(),
    ColumnKind.DATE: pl.Date(),
    ColumnKind.DATETIME: pl.Datetime("us"),
}


@attrs.frozen
class Locator:
    """Where the rows of one source are: its description, each row's number, and what a number is called.

    ``numbers[i]`` is the CSV line, the Excel sheet row or the frame index of row ``i`` (null if unknown);
    ``label`` is ``"line"`` or ``"row"``; ``header`` is where the column names were (None for a frame).
    """

    source: str
    numbers: pl.Series = attrs.field(eq=False, repr=False)
    label: str
    header: int | None

    def number(self, index: int) -> int | None:
        value = self.numbers[index]
        return None if value is None else int(value)

    def name(self, index: int) -> str:
        """``line 7``: how a message names row ``index`` when it is not the problem's own row."""
        number = self.number(index)
        return f"{self.label} {'?' if number is None else number}"

    def problem(self, index: int | None, field: str | None, message: str) -> Problem:
        line = None if index is None else self.number(index)
        return Problem(message, file=self.source, line=line, field=field)

    def capped(
        self, field: str | None, indexes: pl.Series, messages: Callable[[list[int]], list[str]]
    ) -> list[Problem]:
        """A problem for each of the first rows in ``indexes`` (worded by ``messages``), then one for the rest."""
        shown = indexes.head(MAX_PROBLEMS_PER_CHECK).to_list()
        problems = [self.problem(i, field, m) for i, m in zip(shown, messages(shown), strict=True)]
        if len(indexes) > len(shown):
            rest = f"... and {len(indexes) - len(shown)} more like this{' in this column' if field else ''}"
            problems.append(self.problem(None, field, rest))
        return problems


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _tag(element: ElementTree.Element) -> str:
    return element.tag.rpartition("}")[2]


def first_sheet_row(path: Path, sheet: str) -> int | None:
    """The sheet row of the first cell holding a value: where fastexcel (calamine) starts the sheet.

    Neither polars nor fastexcel says how many empty rows they skipped at the top, and a message pointing at the
    wrong row is worse than none, so the sheet's XML is read up to that first cell; None if it cannot be.
    """
    try:
        with zipfile.ZipFile(path) as book:
            ids = [s.get(f"{{{_REL_NS}}}id") for s in ElementTree.fromstring(book.read("xl/workbook.xml")).iter()
                   if _tag(s) == "sheet" and s.get("name") == sheet]
            rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target", "") for r in rels.iter() if ids and r.get("Id") == ids[0])
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            with book.open(member) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if _tag(element) == "c" and any(_tag(child) in ("v", "is") for child in element):
                        match = re.fullmatch(r"[A-Z]+(\d+)", element.get("r", ""))
                        return int(match.group(1)) if match else None
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return None
    return None


def first_line(error: BaseException) -> str:
    """The gist of a library's error message, for a Problem."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# ------------------------------------------------------------------------------------------------ the cells


def show(value: object) -> str:
    """A value as a message quotes it: ISO dates, plain numbers, repr'd text (so stray spaces show)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | Decimal | int):
        return str(value)
    return repr(value)


def _parse_text(kind: ColumnKind, text: pl.Expr, values: Sequence[str], lenient_dates: bool) -> pl.Expr:
    """Parse a text column; a cell that does not match its format exactly becomes null."""
    if kind is ColumnKind.STR:
        return text
    if kind is ColumnKind.ENUM:
        return pl.when(text.is_in(list(values))).then(text)
    if kind is ColumnKind.INT:
        return pl.when(text.str.contains(_INT_RE)).then(text.cast(pl.Int64, strict=False))
    if kind is ColumnKind.DECIMAL:
        return pl.when(text.str.contains(_DECIMAL_RE)).then(text.cast(_DECIMAL, strict=False))
    if kind is ColumnKind.BOOL:
        return pl.when(text.is_in(_TRUE_SPELLINGS)).then(True).when(text.is_in(_FALSE_SPELLINGS)).then(False)
    if kind is ColumnKind.DATE:
        day: pl.Expr = pl.when(text.str.contains(_DATE_RE)).then(text)
        if lenient_dates:
            day = pl.when(text.str.contains(_MIDNIGHT_RE)).then(text.str.slice(0, 10)).otherwise(day)
        return day.str.to_date("%Y-%m-%d", strict=False)
    # DATETIME. The regex first: chrono alone accepts "2024-1-3" or a leading space, and that is not the format.
    stamp = text.str.replace(" ", "T", literal=True)
    stamp = pl.when(stamp.str.len_bytes() == 16).then(stamp + ":00").otherwise(stamp)
    parsed = stamp.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False)
    return pl.when(text.str.contains(_DATETIME_RE)).then(parsed)


def _local(expr: pl.Expr, dtype: pl.Datetime) -> pl.Expr:
    # An aware timestamp is an instant; the contract's clock is naive UK local time.
    if dtype.time_zone is not None:
        expr = expr.dt.convert_time_zone("Europe/London").dt.replace_time_zone(None)
    return expr.cast(pl.Datetime("us"))


def _parse(column: Column, dtype: pl.DataType) -> pl.Expr | None:
    """The typed column from a frame's native type where that is exact; None to judge the cells by their text."""
    kind, src = column.kind, pl.col(column.name)
    if dtype == pl.Null:  # a frame's column of nothing but missing values
        return src.cast(_TARGET[kind])
    if kind is ColumnKind.INT and dtype.is_integer():
        return src.cast(pl.Int64, strict=False)
    if kind is ColumnKind.INT and dtype.is_float():  # a spreadsheet's or pandas' 3.0 is exactly 3
        return pl.when(src.is_finite() & (src == src.floor())).then(src.cast(pl.Int64, strict=False))
    exact_decimal = isinstance(dtype, pl.Decimal) and dtype.scale <= DECIMAL_SCALE
    if kind is ColumnKind.DECIMAL and (dtype.is_integer() or exact_decimal):
        return src.cast(_DECIMAL, strict=False)
    if (kind is ColumnKind.BOOL and dtype == pl.Boolean) or (kind is ColumnKind.DATE and dtype == pl.Date):
        return src
    if kind is ColumnKind.DATE and isinstance(dtype, pl.Datetime):  # a date cell read as midnight
        local = _local(src, dtype)
        return pl.when(local == local.dt.truncate("1d")).then(local.dt.date())
    if kind is ColumnKind.DATETIME and isinstance(dtype, pl.Datetime):
        return _local(src, dtype)
    return None  # a float decimal is then judged by its shortest repr: 12.34, never 12.339999...


def _nested(dtype: pl.DataType) -> bool:
    return dtype.is_nested() or dtype == pl.Object


def blank_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """``docs/measures.md``: an empty cell is missing. A CSV's ``""`` or a frame's empty string is an empty cell.

    Only the text columns holding an empty string are rewritten: the others are kept as they are, not copied.
    """
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings:
        return frame
    holding = frame.select((pl.col(name) == "").any() for name in strings).row(0)
    blanks = [name for name, found in zip(strings, holding, strict=True) if found]
    return frame.with_columns(pl.when(pl.col(n) != "").then(pl.col(n)).alias(n) for n in blanks) if blanks else frame


def parse_columns(raw: pl.DataFrame, spec: DatasetSpec, *, lenient_dates: bool = False) -> pl.DataFrame:
    """The declared columns ``raw`` has, typed and in declared order; its other columns after them, as they came.

    ``raw`` has been through :func:`blank_to_null`. ``lenient_dates`` accepts ``YYYY-MM-DD 00:00:00`` in a date
    column: that is how a spreadsheet's date cell reads as text.
    """
    declared = [c for c in spec.columns if c.name in raw.columns and not _nested(raw.schema[c.name])]
    exprs = []
    slow: dict[str, pl.Expr] = {}  # text timestamps: read first in the exact format, the rest examined after
    for column in declared:
        dtype = raw.schema[column.name]
        text = pl.col(column.name) if dtype == pl.String else pl.col(column.name).cast(pl.String)
        native = _parse(column, dtype)
        parsed = native if native is not None else _parse_text(column.kind, text, column.values, lenient_dates)
        if native is None and column.kind is ColumnKind.DATETIME:
            slow[column.name] = parsed.alias(column.name)
            parsed = pl.when(text.str.contains(_EXACT_DATETIME_RE)).then(
                text.str.to_datetime(_EXACT_DATETIME, time_unit="us", strict=False, cache=False))
        exprs.append(parsed.alias(column.name))
    typed = {c.name for c in declared}
    frame = raw.select(*exprs, *[n for n in raw.columns if n not in typed])
    for name, expr in slow.items():
        missed = (raw[name].is_not_null() & frame[name].is_null()).arg_true()
        if len(missed):  # a space for the T, no seconds, or not a timestamp: the full reading of those cells only
            frame = frame.with_columns(frame[name].scatter(missed, raw[[name]][missed].select(expr).to_series()))
    return frame


def check_cells(raw: pl.DataFrame, typed: pl.DataFrame, spec: DatasetSpec, where: Locator) -> list[Problem]:
    """Empty cells in required columns and cells that did not parse (went in, came out null), per column."""
    problems: list[Problem] = []
    for column in spec.columns:
        if column.name not in raw.columns:
            continue
        if _nested(raw.schema[column.name]):
            problems.append(where.problem(None, column.name, f"holds {raw.schema[column.name]} values, not cells"))
            continue
        given = raw[column.name]
        bad = given.is_not_null() & typed[column.name].is_null()
        fault = bad if column.nullable else (bad | given.is_null())
        if fault.any():
            problems.extend(where.capped(column.name, fault.arg_true(), _cell_messages(column, given)))
    return problems


def _cell_messages(column: Column, given: pl.Series) -> Callable[[list[int]], list[str]]:
    def messages(indexes: list[int]) -> list[str]:
        return [_cell_message(column, value) for value in given.gather(indexes).cast(pl.String).to_list()]

    return messages


def _cell_message(column: Column, value: str | None) -> str:
    if value is None:
        return "empty cell in a required column"
    if column.kind is ColumnKind.ENUM:
        return f"unknown value {value!r} (allowed: {', '.join(column.values)})"
    if column.kind in _SYNTAX and re.fullmatch(_SYNTAX[column.kind], value):
        return f"{value!r} is out of range"  # well formed, but more digits than an Int64 or Decimal(38) holds
    return f"{value!r} {_EXPECTED[column.kind]}"


def check_duplicates(typed: pl.DataFrame, spec: DatasetSpec, where: Locator) -> list[Problem]:
    """Each repeat of an id, at the repeating row, naming the row where the id first appears."""
    name = spec.id_column
    if name is None or name not in typed.columns:
        return []
    ids = typed[name]
    # The common case, nothing repeated, in one pass over 64-bit hashes (~8x faster than over text): equal ids
    # hash alike, so distinct hashes prove distinct ids; a collision only sends it to the search below.
    if ids.hash().n_unique() == len(ids) - max(ids.null_count() - 1, 0):
        return []
    repeats = (
        typed.select(pl.col(name))
        .with_row_index("i")
        .filter(pl.col(name).is_not_null() & pl.col(name).is_duplicated())
        .with_columns(first=pl.col("i").min().over(name))
        .filter(pl.col("i") != pl.col("first"))
        .sort("i")
    )

    def messages(indexes: list[int]) -> list[str]:
        shown = repeats.head(len(indexes))
        return [
            f"duplicate id {show(value)} (first on {where.name(first)})"
            for value, first in zip(shown[name].to_list(), shown["first"].to_list(), strict=True)
        ]

    return where.capped(name, repeats["i"], messages)


def check_ordered(typed: pl.DataFrame, spec: DatasetSpec, where: Locator) -> list[Problem]:
    """Rows where a ``later`` column is before its ``earlier`` one; rows missing either are not compared."""
    problems: list[Problem] = []
    for earlier, later in spec.ordered:
        if earlier not in typed.columns or later not in typed.columns:
            continue
        first, then = typed[earlier], typed[later]
        # A date and a timestamp are compared by day: a date says nothing about the time within it.
        if first.dtype == pl.Date and isinstance(then.dtype, pl.Datetime):
            then = then.dt.date()
        elif then.dtype == pl.Date and isinstance(first.dtype, pl.Datetime):
            first = first.dt.date()
        wrong = (then < first).fill_null(False)
        if wrong.any():
            problems.extend(where.capped(later, wrong.arg_true(), _order_messages(typed, earlier, later)))
    return problems


def _order_messages(typed: pl.DataFrame, earlier: str, later: str) -> Callable[[list[int]], list[str]]:
    def messages(indexes: list[int]) -> list[str]:
        befores, afters = typed[earlier].gather(indexes).to_list(), typed[later].gather(indexes).to_list()
        return [
            f"negative duration: {later} {show(a)} is before {earlier} {show(b)}"
            for b, a in zip(befores, afters, strict=True)
        ]

    return messages
