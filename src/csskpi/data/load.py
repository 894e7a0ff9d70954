"""Loading the supplier's raw datasets: CSV, Parquet, an Excel sheet or an in-memory frame, checked and typed.

:func:`load_dataset` reads one dataset against its :class:`~csskpi.plugin.types.DatasetSpec` and returns a
:class:`LoadedDataset`: a polars frame whose declared columns are typed (dates, naive local timestamps, booleans,
Int64, exact ``Decimal(38, 2)`` — never float —, validated enumerations and text) and which knows, for every row,
where it came from, so any later message can name the file and line. :func:`load_data_folder` finds and loads
every dataset of a data folder and says which are absent (absence is not an error: the measures that need an
absent dataset are "data not available", and the caller decides).

Nothing is guessed. A cell that does not read exactly in its declared format, an empty cell in a required column,
a repeated id or a negative duration is an error, never coerced and never dropped; every such fault of a file is
raised together in one :class:`~csskpi.errors.InputError`, a :class:`~csskpi.errors.Problem` each (at most
:data:`~csskpi.data.checks.MAX_PROBLEMS_PER_CHECK` per column and check, then a count of the rest). The formats
are those of ``docs/measures.md``; :mod:`csskpi.data.checks` states them precisely.

Row numbers: a CSV row is named by its line in the file (the header is line 1, the first record line 2); an Excel
row by its row in the sheet; a Parquet file's or a frame's row by its 0-based index, labelled "row". Blank lines of
a CSV file and blank rows of a sheet hold no record and are skipped (the numbering still counts them).

Records that are valid but odd (a call both answered and abandoned) are a measure plugin's business: its
:data:`FindingsHook` (``DatasetSpec.findings``, or passed in) sees the clean frame with :data:`ROW_COLUMN`, and the
loader attaches the :class:`Finding` objects it returns.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias, cast

import attrs
import fastexcel
import polars as pl

from csskpi.data.checks import (
    Locator,
    blank_to_null,
    check_cells,
    check_duplicates,
    check_ordered,
    first_line,
    first_sheet_row,
    parse_columns,
)
from csskpi.data.csvfile import csv_layout, csv_lines, unreadable_csv
from csskpi.data.sanity import check_local_times, delimiter_hint, repeated_hour
from csskpi.data.spec import DatasetSpec
from csskpi.data.window import keep
from csskpi.errors import InputError, PluginError, Problem

__all__ = [
    "ROW_COLUMN",
    "FRAME_SOURCE",
    "DataSource",
    "Finding",
    "FindingsHook",
    "LoadedDataset",
    "DataFolder",
    "load_dataset",
    "load_data_folder",
    "finding_for",
]

ROW_COLUMN = "__row__"  # the row-number column a findings hook sees (see LoadedDataset.with_row_numbers)
FRAME_SOURCE = "<DataFrame>"

#: A path to a ``.csv``, ``.parquet`` or ``.xlsx`` file, or a polars / pandas DataFrame or pyarrow Table.
DataSource: TypeAlias = "str | os.PathLike[str] | pl.DataFrame | object"


@attrs.frozen(kw_only=True)
class Finding:
    """A record, or a number of them, that is valid but odd: worth a reader's attention, not an error.

    A hook may leave ``dataset`` and ``file`` out: the loader fills them in. ``row`` is the row number of the
    (first) record concerned, as :attr:`LoadedDataset.row_label` names it; ``count`` how many records it covers.
    """

    dataset: str | None = None
    file: str | None = None
    row: int | None = None
    column: str | None = None
    message: str
    count: int = 1

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.file or self.dataset, self.row) if x is not None)
        column = f"'{self.column}': " if self.column else ""
        count = f" ({self.count} records)" if self.count != 1 else ""
        return f"{where + ': ' if where else ''}{column}{self.message}{count}"


#: Given the typed frame plus :data:`ROW_COLUMN`, return the findings about it (plugins supply these).
FindingsHook: TypeAlias = Callable[[pl.DataFrame], Iterable[Finding]]


def finding_for(rows: pl.DataFrame, message: str, *, column: str | None = None) -> list[Finding]:
    """One finding for the odd ``rows`` (a filter of the frame a hook was given), at the first; none if empty."""
    if rows.is_empty():
        return []
    first = rows[ROW_COLUMN][0] if ROW_COLUMN in rows.columns else None
    return [Finding(row=None if first is None else int(first), column=column, message=message, count=rows.height)]


@attrs.frozen
class LoadedDataset:
    """A checked, typed dataset and where its rows came from.

    ``frame`` holds the declared columns, typed and in declared order, then any ``extra_columns`` as they came.
    ``row_numbers[i]`` is the CSV line / sheet row / 0-based index of ``frame`` row ``i`` (``row_label`` says
    which); ``source`` is the file (``book.xlsx[sheet]`` for a sheet) or ``"<DataFrame>"``.
    """

    name: str
    frame: pl.DataFrame = attrs.field(eq=False, repr=False)
    source: str
    row_numbers: pl.Series = attrs.field(eq=False, repr=False)
    row_label: str = "line"
    extra_columns: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    dated: pl.DataFrame | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def complete(self) -> bool:
        """Whether ``frame`` holds every record of the source (not only those a test kept: see ``dated``)."""
        return self.dated is None

    def row_number(self, index: int) -> int | None:
        """The line (or row) in the source of ``frame`` row ``index``."""
        value = self.row_numbers[index]
        return None if value is None else int(value)

    def where(self, index: int) -> str:
        """``calls.csv line 7``: how a message names ``frame`` row ``index``."""
        return f"{self.source} {self.row_label} {self.row_number(index)}"

    def with_row_numbers(self) -> pl.DataFrame:
        """``frame`` plus :data:`ROW_COLUMN`, so rows keep their source number through filters and sorts."""
        return self.frame.with_columns(self.row_numbers.alias(ROW_COLUMN))


def _read_only(datasets: Mapping[str, LoadedDataset]) -> Mapping[str, LoadedDataset]:
    return MappingProxyType(dict(datasets))


@attrs.frozen
class DataFolder:
    """The datasets found in a data folder (and given as frames), and what was not there.

    ``absent`` lists the declared datasets with no source; ``ignored`` the files (or ``book.xlsx[sheet]``
    sheets) that are no dataset's.
    """

    folder: str | None
    datasets: Mapping[str, LoadedDataset] = attrs.field(converter=_read_only)
    absent: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()  # datasets found but not asked for (see load_data_folder's ``rows``)

    def __getitem__(self, name: str) -> LoadedDataset:
        return self.datasets[name]

    def __contains__(self, name: object) -> bool:
        return name in self.datasets

    def frames(self) -> dict[str, pl.DataFrame]:
        """The typed frames by dataset name, as a measure's input wants them."""
        return {name: loaded.frame for name, loaded in self.datasets.items()}

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for loaded in self.datasets.values() for f in loaded.findings)


@attrs.frozen
class _Raw:
    """What a reader hands on: untyped cells under their header names, and where each row came from."""

    frame: pl.DataFrame
    where: Locator
    lenient_dates: bool = False  # a spreadsheet's date cells read as "YYYY-MM-DD 00:00:00"
    problems: tuple[Problem, ...] = ()  # header faults found while reading


def load_dataset(
    spec: DatasetSpec, source: DataSource, *, findings: FindingsHook | None = None, rows: pl.Expr | None = None
) -> LoadedDataset:
    """Read, check and type one dataset. Raise one :class:`InputError` listing every fault found.

    ``findings`` (by default the spec's own ``findings`` hook, if it has one) is called on a clean dataset only.
    With ``rows``, a test on typed columns, only the records passing it are read beyond the tested columns (see
    :mod:`csskpi.data.window`); the result's ``dated`` then covers every record.
    """
    raw = _read(spec.name, source)
    problems = list(raw.problems) + _missing_columns(raw, spec)
    if raw.problems:  # with a repeated header name no column can be trusted to be the one meant
        raise InputError(problems)
    dated, checked = None, None
    kept = keep(raw.frame, raw.where, spec, rows, lenient_dates=raw.lenient_dates) if rows is not None and not problems else None
    if kept is not None:
        checked = kept.typed  # parsed and checked on every record already
        if kept.kept < raw.frame.height:
            where = raw.where
            raw = attrs.evolve(raw, frame=raw.frame.filter(kept.mask),
                               where=Locator(where.source, where.numbers.filter(kept.mask), where.label, where.header))
            dated, checked = kept.dated, checked.filter(kept.mask)
    typed, faults = _parse_and_check(raw, spec, checked)
    problems += faults
    if problems:
        raise InputError(problems)
    declared = {c.name for c in spec.columns}
    loaded = LoadedDataset(
        name=spec.name,
        frame=typed,
        source=raw.where.source,
        row_numbers=raw.where.numbers.alias(ROW_COLUMN),
        row_label=raw.where.label,
        extra_columns=tuple(c for c in typed.columns if c not in declared),
        dated=dated,
    )
    loaded = attrs.evolve(loaded, findings=_clock_findings(loaded, spec))
    hook: Callable[[pl.DataFrame], Iterable[object]] | None = findings or getattr(spec, "findings", None)
    if hook is None:
        return loaded
    found = tuple(_complete(f, loaded) for f in hook(loaded.with_row_numbers()))
    return attrs.evolve(loaded, findings=loaded.findings + found)


def _parse_and_check(raw: _Raw, spec: DatasetSpec, checked: pl.DataFrame | None) -> tuple[pl.DataFrame, list[Problem]]:
    """The typed frame (declared columns in order, then the others as they came) and every fault of its cells;
    the columns of ``checked`` are taken from it as they are (typed and checked already)."""
    if checked is None:
        typed = parse_columns(raw.frame, spec, lenient_dates=raw.lenient_dates)
        problems = check_cells(raw.frame, typed, spec, raw.where) + check_duplicates(typed, spec, raw.where)
        return typed, problems + check_ordered(typed, spec, raw.where) + check_local_times(typed, spec, raw.where)
    done = set(checked.columns)
    rest = DatasetSpec(spec.name, [c for c in spec.columns if c.name not in done],
                       id_column=None if spec.id_column in done else spec.id_column)
    cells = raw.frame.drop(list(done))
    part = parse_columns(cells, rest, lenient_dates=raw.lenient_dates)
    problems = check_cells(cells, part, rest, raw.where) + check_duplicates(part, rest, raw.where)
    problems += check_local_times(part, rest, raw.where)
    both = pl.concat([checked, part], how="horizontal")
    declared = [c.name for c in spec.columns if c.name in both.columns]
    typed = both.select(*declared, *[n for n in part.columns if n not in declared])
    return typed, problems + check_ordered(typed, spec, raw.where)


def _clock_findings(loaded: LoadedDataset, spec: DatasetSpec) -> tuple[Finding, ...]:
    """The times in the hour the clocks repeat in autumn, made explicit: each is read as the wall clock showed."""
    return tuple(
        Finding(dataset=loaded.name, file=loaded.source, row=loaded.row_number(first), column=column, count=count,
                message=f"{example}: in the hour the clocks repeat when they go back (01:00-01:59 happens twice); read "
                        "as the wall clock showed, so a duration across the change may be an hour out")
        for column, first, count, example in repeated_hour(loaded.frame, spec)
    )


def _complete(finding: object, loaded: LoadedDataset) -> Finding:
    if not isinstance(finding, Finding):
        raise PluginError(f"the findings hook of dataset {loaded.name!r} returned {finding!r}, not a Finding")
    return attrs.evolve(finding, dataset=finding.dataset or loaded.name, file=finding.file or loaded.source)


def _missing_columns(raw: _Raw, spec: DatasetSpec) -> list[Problem]:
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


_NO_FRAMES: Mapping[str, object] = MappingProxyType({})
_NO_HOOKS: Mapping[str, FindingsHook] = MappingProxyType({})
_SUFFIXES = (".csv", ".parquet")


def load_data_folder(
    folder: str | os.PathLike[str] | None,
    specs: Mapping[str, DatasetSpec],
    *,
    frames: Mapping[str, object] = _NO_FRAMES,
    findings: Mapping[str, FindingsHook] = _NO_HOOKS,
    rows: Mapping[str, pl.Expr | None] | None = None,
) -> DataFolder:
    """Load every dataset of ``specs`` found in ``folder`` or given in ``frames``; list those absent.

    A dataset is ``<name>.csv``, ``<name>.parquet``, a sheet ``<name>`` of any ``.xlsx`` workbook in the folder
    (names exact, not case-folded), or ``frames[name]``. Two sources for one dataset are an error naming both;
    files no dataset claims are listed in :attr:`DataFolder.ignored`. Every problem of every dataset is raised
    together in one :class:`InputError`.

    With ``rows``, only the datasets it names are read (the others found are listed in :attr:`DataFolder.unread`),
    each wholly (None) or only the records passing its test (see :func:`load_dataset`).
    """
    for name, spec in specs.items():
        if name != spec.name:
            raise ValueError(f"dataset spec {spec.name!r} is registered as {name!r}")
    problems: list[Problem] = []
    ignored: list[str] = []
    sources: dict[str, list[tuple[str, DataSource]]] = {name: [] for name in specs}
    if folder is not None:
        root = Path(folder)
        if not root.is_dir():
            raise InputError(Problem("not a folder: the data folder must exist", file=os.fspath(folder)))
        for path in sorted(p for p in root.iterdir() if p.is_file()):
            shown = str(path)  # as the caller named the folder, not resolved
            if path.suffix in _SUFFIXES and path.stem in sources:
                sources[path.stem].append((shown, path))
            elif path.suffix == ".xlsx" and not path.name.startswith("~$"):  # ~$ is Excel's lock file
                _sheets(path, shown, sources, ignored, problems)
            else:
                ignored.append(path.name)
    for name, frame in frames.items():
        if name in sources:
            sources[name].append((FRAME_SOURCE, frame))
        else:
            known = ", ".join(sorted(specs)) or "none"
            problems.append(Problem(f"no dataset named {name!r} to give a frame for (datasets: {known})"))
    datasets: dict[str, LoadedDataset] = {}
    unread: list[str] = []
    for name, found in sources.items():
        if rows is not None and name not in rows:
            unread.extend([name] if found else [])
            continue
        if len(found) > 1:
            both = " and ".join(shown for shown, _ in found)
            problems.append(Problem(f"dataset {name!r} is given more than once: {both}; keep one", file=found[0][0]))
        elif found:
            try:
                test = None if rows is None else rows[name]
                datasets[name] = load_dataset(specs[name], found[0][1], findings=findings.get(name), rows=test)
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    absent = tuple(name for name, found in sources.items() if not found)
    return DataFolder(None if folder is None else os.fspath(folder), datasets, absent, tuple(ignored), tuple(unread))


def _sheets(
    path: Path,
    shown: str,
    sources: dict[str, list[tuple[str, DataSource]]],
    ignored: list[str],
    problems: list[Problem],
) -> None:
    """Claim the sheets of a workbook named after a dataset; list the others (or the workbook if none is)."""
    try:
        names = fastexcel.read_excel(path).sheet_names
    except Exception as error:  # fastexcel's errors share no base class but Exception
        problems.append(Problem(f"cannot read the workbook: {first_line(error)}", file=shown))
        return
    claimed = [n for n in names if n in sources]
    for name in claimed:
        sources[name].append((f"{shown}[{name}]", path))
    if claimed:
        ignored.extend(f"{path.name}[{n}]" for n in names if n not in sources)
    else:
        ignored.append(path.name)


# --------------------------------------------------------------------------------------------------- readers


def _read(name: str, source: DataSource) -> _Raw:
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


def _from_frame(frame: pl.DataFrame, source: str = FRAME_SOURCE) -> _Raw:
    return _Raw(blank_to_null(frame), Locator(source, _indexes(frame.height, 0), "row", None))


def _read_parquet(path: Path, shown: str) -> _Raw:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise InputError(Problem(f"cannot read as Parquet: {first_line(error)}", file=shown)) from error
    return _from_frame(frame, shown)


def _with_header(
    grid: pl.DataFrame, numbers: pl.Series, where: Locator, *, lenient: bool = False, blanks_null: bool = False
) -> _Raw:
    """Name ``grid``'s columns from its first row, drop blank rows, and check the names are distinct.

    ``blanks_null``: the reader made every empty cell null already (polars does so for a CSV file without quotes;
    ``""`` stays text), so they need not be looked for again.
    """
    header = [str(v) if v is not None else "" for v in grid.row(0)] if grid.height else []
    names = [(v.removeprefix("\ufeff") if i == 0 else v) or f"column_{i + 1}" for i, v in enumerate(header)]
    problems = []
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        positions = " and ".join(str(i + 1) for i, n in enumerate(names) if n == name)
        problems.append(Problem(f"the header names this column more than once (columns {positions})",
                                file=where.source, line=where.header, field=name))
    if problems:  # no cell is read: which of the columns is meant is unknown; the names still show what is missing
        return _Raw(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), where, lenient, tuple(problems))
    body = grid.slice(1).rename(dict(zip(grid.columns, names, strict=True)))
    body = body if blanks_null else blank_to_null(body)
    rows = numbers.slice(1)
    blank = body.select(pl.all_horizontal(pl.all().is_null())).to_series() if body.width else None
    if blank is not None and blank.any():  # blank lines hold no record (copying the frame only when there are)
        body, rows = body.filter(~blank), rows.filter(~blank)
    return _Raw(body, Locator(where.source, rows, where.label, where.header), lenient)


def _read_excel(path: Path, sheet: str, shown: str) -> _Raw:
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


def _read_csv(path: Path, shown: str) -> _Raw:
    layout = csv_layout(path)  # one pass over the bytes, in chunks: lines, and the odd ones in a file without quotes
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
