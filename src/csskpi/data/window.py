"""Reading only the records some months need, from a file that holds many more.

A caller measuring September from a year's folder gives, for each dataset, a test on a few plain columns that
every record able to count in September passes (its own month, or a start within the longest deadline's lookback,
or still open: :func:`csskpi.plugin.rulequery.candidates`). :func:`keep` parses and checks those columns — and the
id column, and the column that dates the records — on every record of the file, then keeps the records that pass.
The loader parses and checks every other column of those records only: the cost of a month is then about a
month's, whatever the file holds.

Nothing slips through for it: a cell of a tested column that does not read, or a repeated id, anywhere in the
file, makes :func:`keep` give up (None) so that the loader checks the whole file and reports every fault at once,
exactly as without a test. Faults in the other columns of records no month asked for are not looked for: those
records are not read.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import polars as pl

from csskpi.data.checks import Locator, blank_to_null, check_cells, check_duplicates, parse_columns
from csskpi.data.readers import ROW_COLUMN as ROW
from csskpi.data.readers import DataSource, RawCells
from csskpi.data.sanity import check_local_times
from csskpi.data.spec import Column, DatasetSpec

__all__ = ["Kept", "keep", "keep_parquet"]


@attrs.frozen
class Kept:
    """The records a test kept: ``mask`` over the file's records; ``dated`` — the dating column of *every*
    record with its row number (``__row__``), so that what is said of the whole file (where its records end,
    records far outside the months) stays true of the file, not of the records kept; and ``typed``, the columns
    parsed and checked on every record (the loader does not read them again)."""

    mask: pl.Series = attrs.field(eq=False, repr=False)
    dated: pl.DataFrame | None = attrs.field(eq=False, repr=False)
    typed: pl.DataFrame = attrs.field(eq=False, repr=False)  # the tested, id and dating columns, typed and checked

    @property
    def kept(self) -> int:
        return int(self.mask.sum())

    @property
    def partial(self) -> bool:
        """Whether the test left some records out (else the file is read whole, and ``dated`` is not needed)."""
        return self.kept < self.mask.len()


def keep(raw: pl.DataFrame, where: Locator, spec: DatasetSpec, test: pl.Expr, *, lenient_dates: bool = False) -> Kept | None:
    """The records of ``raw`` (text cells, blanks already null) that pass ``test``, an expression over typed
    columns of ``spec``; None when the test cannot be applied (it names a column the file lacks or ``spec`` does
    not declare) or a tested cell is faulty — then the caller reads everything."""
    columns = _first_columns(spec, test, raw.columns)
    if columns is None:
        return None
    few = DatasetSpec(spec.name, columns, id_column=spec.id_column if spec.id_column in raw.columns else None)
    cells = raw.select(c.name for c in columns)
    typed = parse_columns(cells, few, lenient_dates=lenient_dates)
    if check_cells(cells, typed, few, where) or check_duplicates(typed, few, where) or check_local_times(typed, few, where):
        return None
    mask = typed.select(test.fill_null(False).alias("keep")).to_series()
    if mask.dtype != pl.Boolean or len(mask) != raw.height:
        raise TypeError(f"the test of the records to read of dataset {spec.name!r} is not one boolean per record")
    dated = None
    if spec.dated_by is not None and spec.dated_by in typed.columns:
        dated = typed.select(pl.col(spec.dated_by), where.numbers.alias(ROW))
    return Kept(mask, dated, typed)


def _first_columns(spec: DatasetSpec, test: pl.Expr, present: list[str]) -> list[Column] | None:
    """The columns read and checked on every record: those ``test`` names, the id and the dating column."""
    tested = set(test.meta.root_names())
    if not tested <= {c.name for c in spec.columns} or not tested <= set(present):
        return None
    wanted = tested | {n for n in (spec.id_column, spec.dated_by) if n is not None}
    return [c for c in spec.columns if c.name in wanted and c.name in present]


def keep_parquet(spec: DatasetSpec, source: DataSource, test: pl.Expr) -> tuple[RawCells, Kept] | None:
    """:func:`keep` for a Parquet file, reading it in two parts: the first columns of every record, then the
    other columns of the records kept only — with ``test`` pushed down to the reader, so that the row groups
    whose statistics exclude it are not read at all (when the tested columns are stored with the types the test
    expects; otherwise the file is read and the records kept by their mask). None: read the file as usual."""
    if not isinstance(source, str | os.PathLike) or Path(source).suffix.lower() != ".parquet":
        return None
    shown = os.fspath(source)
    try:
        scan = pl.scan_parquet(Path(source), row_index_name=ROW)
        present = scan.collect_schema().names()
        columns = _first_columns(spec, test, present)
        if columns is None:
            return None
        first = blank_to_null(scan.select(c.name for c in columns).collect())
    except (pl.exceptions.PolarsError, OSError):  # the usual reading says what is wrong with the file
        return None
    where = Locator(shown, pl.int_range(0, first.height, dtype=pl.Int64, eager=True), "row", None)
    kept = keep(first, where, spec, test)
    if kept is None:
        return None
    wanted = where.numbers.filter(kept.mask)
    # The other columns only: the first are in memory already (a second read of them doubled the peak).
    others = [ROW, *(n for n in present if n != ROW and n not in first.columns)]
    stored = all(first.schema[n] == kept.typed.schema[n] for n in test.meta.root_names())
    try:
        if not kept.partial:
            rest = scan.select(others).collect()
        elif stored:
            rest = scan.filter(test.fill_null(False)).select(others).collect()
        else:
            rest = scan.select(others).collect().filter(kept.mask)
        if not rest[ROW].cast(pl.Int64).equals(wanted):  # never trust a reader's filter over the mask
            rest = scan.select(others).collect().filter(kept.mask)
    except (pl.exceptions.PolarsError, OSError):
        return None
    both = pl.concat([first.filter(kept.mask) if kept.partial else first, blank_to_null(rest.drop(ROW))],
                     how="horizontal")
    cells = RawCells(both.select(n for n in present if n != ROW), Locator(shown, wanted, "row", None))
    return cells, kept
