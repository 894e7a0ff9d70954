"""Reading a council's export file as text cells under its own header, knowing each record's line.

An export is delimited text in some encoding (a profile says which: :mod:`csskpi.files.profile`). It is read
with every cell as text — the profile and then the dataset's spec say what a column holds — and with the line
each record starts on, so a message can name it. A record with more or fewer fields than the header is an
error (polars would pad a short one with nulls: a silent guess), as in csskpi's own CSV files.

Reading a database query for a profile is here too: its rows are named ``row 1``, ``row 2``... in the query's
order.
"""

from __future__ import annotations

import csv
import io
import re

import attrs
import polars as pl

from csskpi.data.checks import Locator, blank_to_null, first_line
from csskpi.errors import InputError, Problem

__all__ = ["ExportCells", "read_export", "read_query", "safe_url"]

_ROW = "__export_row__"


@attrs.frozen
class ExportCells:
    """An export's cells (text for a file; a database's own types for a query) under its header names."""

    frame: pl.DataFrame = attrs.field(eq=False)
    where: Locator


def _decode(data: bytes, encoding: str, shown: str) -> bytes:
    """``data`` as UTF-8 (without a BOM), for polars; a byte the encoding cannot read is named by its line."""
    codec = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    if codec == "utf-8-sig":
        try:
            data.decode("utf-8")  # checked first: polars' own error does not say where
        except UnicodeDecodeError as error:
            raise InputError(_undecodable(data, encoding, shown, error)) from None
        return data.removeprefix(b"\xef\xbb\xbf")
    if data.isascii() and _ascii_compatible(codec):  # most exports are: no transcoding pass over the file
        return data
    try:
        return data.decode(codec).removeprefix("\ufeff").encode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(_undecodable(data, encoding, shown, error)) from None


def _ascii_compatible(codec: str) -> bool:
    """Whether ``codec`` writes ASCII text as ASCII bytes (cp1252, latin-1... but not UTF-16)."""
    sample = "".join(chr(i) for i in range(128))
    try:
        return sample.encode(codec) == sample.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _undecodable(data: bytes, encoding: str, shown: str, error: UnicodeDecodeError) -> Problem:
    line = data[: error.start].count(b"\n") + 1
    byte = data[error.start: error.start + 1].hex()
    return Problem(f"cannot read as {encoding}: byte 0x{byte} is not {encoding} text (give the export's "
                   "'encoding' in the profile)", file=shown, line=line)


def read_export(data: bytes, shown: str, *, delimiter: str = ",", encoding: str = "utf-8") -> ExportCells:
    """Read one delimited export; raise one :class:`InputError` naming its every structural fault."""
    if not data or data.isspace():
        raise InputError(Problem("the file is empty: it needs a header line naming the columns", file=shown))
    text = _decode(data, encoding, shown)
    try:
        grid = pl.read_csv(text, has_header=False, infer_schema=False, separator=delimiter)
    except pl.exceptions.PolarsError as error:  # a record too long: the walk below says which
        lines, widths = _walk(text, delimiter)
        problems = _ragged(Locator(shown, lines, "line", 1), widths, int(widths[0]) if len(widths) else 0)
        raise InputError(problems or [Problem(f"cannot read as CSV: {first_line(error)}", file=shown)]) from error
    lines, widths = _lines(text, grid, delimiter)
    where = Locator(shown, lines, "line", 1)
    ragged = _ragged(where, widths, grid.width)
    if ragged:
        raise InputError(ragged)
    header = [v or f"column_{i + 1}" for i, v in enumerate(grid.row(0))]
    repeated = [Problem(f"the header names this column more than once (columns "
                        f"{' and '.join(str(i + 1) for i, n in enumerate(header) if n == name)})",
                        file=shown, line=1, field=name)
                for name in dict.fromkeys(n for n in header if header.count(n) > 1)]
    if repeated:
        raise InputError(repeated)
    body = grid.slice(1).rename(dict(zip(grid.columns, header, strict=True)))
    body = blank_to_null(body).with_columns(lines.slice(1).alias(_ROW))
    body = body.filter(~pl.all_horizontal(pl.exclude(_ROW).is_null()))  # blank lines hold no record
    return ExportCells(body.drop(_ROW), Locator(shown, body[_ROW], "line", 1))


def _lines(text: bytes, grid: pl.DataFrame, delimiter: str) -> tuple[pl.Series, pl.Series]:
    """The line each record starts on, and the width of each record that may be short (null where not)."""
    if grid.height != text.count(b"\n") + (not text.endswith(b"\n")):  # a quoted value spans lines
        lines, widths = _walk(text, delimiter)
        if len(lines) == grid.height:
            return lines, widths
        unknown = pl.Series([None] * grid.height, dtype=pl.Int64)  # better no number than a wrong one
        return unknown, unknown
    lines = pl.int_range(1, grid.height + 1, dtype=pl.Int64, eager=True)
    unknown_widths = pl.Series([None] * grid.height, dtype=pl.Int64)
    # A short record is padded with nulls, and polars refuses a long one: with no empty last cell, or (no quotes)
    # exactly width - 1 separators a line, no record is short, and the text is not read again (as csskpi.data.csvfile).
    if grid[:, -1].null_count() == 0:
        return lines, unknown_widths
    separator = delimiter.encode("utf-8")
    if b'"' not in text and text.count(separator) == (grid.width - 1) * grid.height:
        return lines, unknown_widths
    # Only a record whose last cell is empty can be short (a long one is polars' error): count its separators.
    last = pl.col(grid.columns[-1]).is_null() & ~pl.all_horizontal(pl.all().is_null())
    rows = grid.select(last).to_series().arg_true()
    widths = pl.Series([None] * grid.height, dtype=pl.Int64)
    if len(rows):
        if b"\x1f" in text:
            return lines, _walk(text, delimiter)[1]
        raw = pl.read_csv(text, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
                          new_columns=["line"])["line"]
        if len(raw) != grid.height:
            return lines, _walk(text, delimiter)[1]
        unquoted = raw.gather(rows).str.replace_all('"[^"]*"', "")
        counts = (unquoted.str.count_matches(delimiter, literal=True) + 1).cast(pl.Int64)
        widths = widths.scatter(rows, counts)
    return lines, widths


def _walk(text: bytes, delimiter: str) -> tuple[pl.Series, pl.Series]:
    """For each record: the line it starts on and its number of fields (null if blank). Slow; rarely needed."""
    starts: list[int] = []
    counts: list[int | None] = []
    reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=delimiter)
    end = 0
    try:
        for row in reader:
            starts.append(end + 1)
            counts.append(len(row) or None)
            end = reader.line_num
    except csv.Error:
        pass  # what was read so far still locates the records before the fault
    return pl.Series(starts, dtype=pl.Int64), pl.Series(counts, dtype=pl.Int64)


def _ragged(where: Locator, widths: pl.Series, expected: int) -> list[Problem]:
    wrong = widths.is_not_null() & (widths != expected)
    counts = widths.filter(wrong).to_list()
    return where.capped(None, wrong.arg_true(),
                        lambda shown: [f"has {n} fields but the header has {expected}" for n in counts[: len(shown)]])


def safe_url(url: str) -> str:
    """A database URL as a message may show it: never its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def read_query(url: str, query: str) -> ExportCells:
    """Run ``query`` on the database at the SQLAlchemy ``url`` and read its rows (through polars)."""
    import sqlalchemy

    shown = f"{safe_url(url)} (query)"
    try:
        engine = sqlalchemy.create_engine(url)
    except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as error:
        raise InputError(Problem(f"cannot use the database URL: {first_line(error)}", file=safe_url(url))) from None
    try:
        with engine.connect() as connection:
            result = pl.read_database(sqlalchemy.text(query), connection)
    except sqlalchemy.exc.SQLAlchemyError as error:
        cause = getattr(error, 'orig', None) or error
        raise InputError(Problem(f"the query failed: {first_line(cause)}", file=shown)) from None
    finally:
        engine.dispose()
    frame = result if isinstance(result, pl.DataFrame) else pl.concat(list(result))
    numbers = pl.int_range(1, frame.height + 1, dtype=pl.Int64, eager=True)
    return ExportCells(blank_to_null(frame), Locator(shown, numbers, "row", None))
