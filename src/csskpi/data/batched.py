"""Reading a large CSV file in batches of records, so that its text is never all in memory at once.

Read whole, every cell of a CSV file is first text (polars keeps 16 bytes a cell plus the text itself), then typed:
a 2 GiB file peaked at about 4x its size. :func:`read_batched` streams the file through polars' streaming engine
:data:`BATCH_ROWS` records at a time and types and checks each batch as it comes (:func:`~csskpi.data.typed.
parse_and_check`, and, measuring some months, :func:`~csskpi.data.window.keep`), so only the typed records — a
timestamp is 8 bytes, not 16 + 19 — and one batch of text are held. What concerns the whole file is checked once
the batches are in: that every record has the header's number of fields (when a last cell is empty, by the count
of commas), and that no id repeats in the file.

It is the common case made lean, never a second set of rules: a file with quotes (a record may span lines), a
header fault, or any fault in a batch makes it give up (None) so that the loader reads the file whole and reports
every fault exactly as it does for a small file.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import polars as pl

from csskpi.data.checks import Locator, check_duplicates
from csskpi.data.csvfile import Counts, csv_counts, csv_layout
from csskpi.data.readers import ROW_COLUMN, header_names
from csskpi.data.spec import DatasetSpec
from csskpi.data.typed import parse_and_check
from csskpi.data.window import keep

__all__ = ["BATCH_BYTES", "BATCH_ROWS", "Batched", "read_batched"]

BATCH_BYTES = 128 << 20  # files at least this large are read in batches
BATCH_ROWS = 1_000_000


@attrs.frozen
class Batched:
    """The typed records read (those the test kept, or all), the line of each, and — when only some were kept —
    the dating column of every record with its line (as :attr:`csskpi.data.load.LoadedDataset.dated`)."""

    frame: pl.DataFrame = attrs.field(eq=False, repr=False)
    numbers: pl.Series = attrs.field(eq=False, repr=False)
    dated: pl.DataFrame | None = attrs.field(eq=False, repr=False)


def read_batched(path: Path, shown: str, spec: DatasetSpec, rows: pl.Expr | None = None) -> Batched | None:
    """Read, type and check the CSV file at ``path`` batch by batch (see the module docstring); None to read it
    whole instead (it is small, has quotes, or has a fault to describe)."""
    if path.stat().st_size < BATCH_BYTES:
        return None
    layout = csv_layout(path)
    if layout.blank or layout.quoted:
        return None
    try:
        return _read(path, shown, spec, rows)
    except pl.exceptions.PolarsError:  # a record longer than the header, or not UTF-8: the whole reading says where
        return None


def _read(path: Path, shown: str, spec: DatasetSpec, rows: pl.Expr | None) -> Batched | None:
    scan = pl.scan_csv(path, has_header=False, infer_schema=False)
    names: list[str] | None = None
    seen = 0
    typed_parts: list[pl.DataFrame] = []
    number_parts: list[pl.Series] = []
    first_parts: list[pl.DataFrame] = []  # the id and dating columns of every record, when only some are kept
    some_dropped = padded = False
    for batch in scan.collect_batches(chunk_size=BATCH_ROWS):
        padded = padded or batch[:, -1].null_count() > 0  # a short record would be padded with nulls
        lines = pl.int_range(seen + 1, seen + 1 + batch.height, dtype=pl.Int64, eager=True)
        seen += batch.height
        if names is None:
            names = _names(batch, spec)
            if names is None:
                return None
            batch, lines = batch.slice(1), lines.slice(1)
        batch = batch.rename(dict(zip(batch.columns, names, strict=True)))
        blank = batch.select(pl.all_horizontal(pl.all().is_null())).to_series()
        if blank.any():
            batch, lines = batch.filter(~blank), lines.filter(~blank)
        where = Locator(shown, lines, "line", 1)
        checked = None
        if rows is not None:
            kept = keep(batch, where, spec, rows)
            if kept is None:
                return None
            first_parts.append(kept.typed.with_columns(lines.alias(ROW_COLUMN)))
            checked = kept.typed
            if kept.partial:
                some_dropped = True
                batch, lines, checked = batch.filter(kept.mask), lines.filter(kept.mask), checked.filter(kept.mask)
                where = Locator(shown, lines, "line", 1)
        typed, problems = parse_and_check(batch, where, spec, checked)
        if problems:
            return None
        typed_parts.append(typed)
        number_parts.append(lines)
    if names is None:
        return None
    if padded and csv_counts(path) != Counts(seen, (len(names) - 1) * seen):
        return None  # a record with too few fields (or polars and the count disagree): the whole reading says where
    frame = pl.concat(typed_parts) if typed_parts else pl.DataFrame()
    numbers = pl.concat(number_parts) if number_parts else pl.Series(ROW_COLUMN, [], dtype=pl.Int64)
    everyone = pl.concat(first_parts) if first_parts else frame.with_columns(numbers.alias(ROW_COLUMN))
    if check_duplicates(everyone, spec, Locator(shown, everyone[ROW_COLUMN], "line", 1)):  # across batches
        return None
    dated = None
    if some_dropped and spec.dated_by is not None and spec.dated_by in everyone.columns:
        dated = everyone.select(spec.dated_by, ROW_COLUMN)
    return Batched(frame, numbers, dated)


def _names(batch: pl.DataFrame, spec: DatasetSpec) -> list[str] | None:
    """The header's column names, if they are distinct and name every declared column."""
    if batch.height == 0:
        return None
    names = header_names(batch.row(0))
    if len(set(names)) != len(names) or any(c.name not in names for c in spec.columns):
        return None
    return names
