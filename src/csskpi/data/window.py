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

import attrs
import polars as pl

from csskpi.data.checks import Locator, check_cells, check_duplicates, parse_columns
from csskpi.data.sanity import check_local_times
from csskpi.data.spec import DatasetSpec

__all__ = ["Kept", "keep"]

ROW = "__row__"  # as csskpi.data.load.ROW_COLUMN (this module is below it)


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


def keep(raw: pl.DataFrame, where: Locator, spec: DatasetSpec, test: pl.Expr, *, lenient_dates: bool = False) -> Kept | None:
    """The records of ``raw`` (text cells, blanks already null) that pass ``test``, an expression over typed
    columns of ``spec``; None when the test cannot be applied (it names a column the file lacks or ``spec`` does
    not declare) or a tested cell is faulty — then the caller reads everything."""
    tested = set(test.meta.root_names())
    declared = {c.name for c in spec.columns}
    if not tested <= declared or not tested <= set(raw.columns):
        return None
    wanted = tested | {n for n in (spec.id_column, spec.dated_by) if n is not None}
    columns = [c for c in spec.columns if c.name in wanted and c.name in raw.columns]
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
