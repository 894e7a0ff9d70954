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

import itertools
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias

import attrs
import fastexcel
import polars as pl

from csskpi.data import batched
from csskpi.data.batched import read_batched
from csskpi.data.checks import Locator, first_line
from csskpi.data.readers import FRAME_SOURCE, ROW_COLUMN, DataSource, missing_columns, read_cells
from csskpi.data.sanity import repeated_hour
from csskpi.data.spec import DatasetSpec
from csskpi.data.typed import parse_and_check
from csskpi.data.window import keep, keep_parquet
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

    def every_record(self) -> tuple[pl.DataFrame, pl.Series]:
        """Every record of the source — the dating column at least — and their row numbers: ``frame`` when it is
        complete, ``dated`` when only the records some months need were read."""
        if self.dated is None:
            return self.frame, self.row_numbers
        return self.dated, self.dated[ROW_COLUMN]

    def row_number(self, index: int) -> int | None:
        """The line (or row) in the source of ``frame`` row ``index``."""
        value = self.row_numbers[index]
        return None if value is None else int(value)

    def where(self, index: int) -> str:
        """``calls.csv line 7``: how a message names ``frame`` row ``index``."""
        return f"{self.source} {self.row_label} {self.row_number(index)}"

    def with_row_numbers(self) -> pl.DataFrame:
        """``frame`` plus :data:`ROW_COLUMN`, so rows keep their source number through filters and sorts.

        The numbers are cut into the frame's chunks (views, not copies): a column chunked otherwise than the rest
        makes every filter of the frame copy it whole first (for a year's calls, 40 MiB for a 943-row result).
        """
        return self.frame.with_columns(_chunked_like(self.frame, self.row_numbers.alias(ROW_COLUMN)))


def _chunked_like(frame: pl.DataFrame, column: pl.Series) -> pl.Series:
    """``column`` in the chunks of ``frame``'s columns, if they share one chunking."""
    chunkings = {tuple(frame.get_column(name).chunk_lengths()) for name in frame.columns}
    if len(chunkings) != 1 or column.n_chunks() != 1:
        return column
    (lengths,) = chunkings
    if len(lengths) <= 1 or 0 in lengths or sum(lengths) != column.len():  # polars drops an empty chunk
        return column
    starts = itertools.accumulate(lengths[:-1], initial=0)
    return pl.concat([column.slice(start, length) for start, length in zip(starts, lengths, strict=True)],
                     rechunk=False)


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


def load_dataset(
    spec: DatasetSpec, source: DataSource, *, findings: FindingsHook | None = None, rows: pl.Expr | None = None
) -> LoadedDataset:
    """Read, check and type one dataset. Raise one :class:`InputError` listing every fault found.

    ``findings`` (by default the spec's own ``findings`` hook, if it has one) is called on a clean dataset only.
    With ``rows``, a test on typed columns, only the records passing it are read beyond the tested columns (see
    :mod:`csskpi.data.window`); the result's ``dated`` then covers every record.
    """
    if isinstance(source, str | os.PathLike) and Path(source).suffix.lower() == ".csv" and Path(source).is_file():
        shown = os.fspath(source)
        if (in_batches := read_batched(Path(source), shown, spec, rows)) is not None:  # a large file, batch by batch
            return _loaded(spec, in_batches.frame, shown, in_batches.numbers, "line", in_batches.dated, findings)
    parquet = keep_parquet(spec, source, rows) if rows is not None else None  # the reader keeps the records
    raw, kept = parquet if parquet is not None else (read_cells(spec.name, source), None)
    problems = list(raw.problems) + missing_columns(raw, spec)
    if raw.problems:  # with a repeated header name no column can be trusted to be the one meant
        raise InputError(problems)
    if kept is None and rows is not None and not problems:
        kept = keep(raw.frame, raw.where, spec, rows, lenient_dates=raw.lenient_dates)
        if kept is not None and kept.partial:
            where = raw.where
            raw = attrs.evolve(raw, frame=raw.frame.filter(kept.mask),
                               where=Locator(where.source, where.numbers.filter(kept.mask), where.label, where.header))
    # The columns the test's pass parsed and checked on every record are not read again.
    checked = None if kept is None else kept.typed.filter(kept.mask) if kept.partial else kept.typed
    dated = kept.dated if kept is not None and kept.partial else None
    typed, faults = parse_and_check(raw.frame, raw.where, spec, checked, lenient_dates=raw.lenient_dates)
    problems += faults
    if problems:
        raise InputError(problems)
    return _loaded(spec, typed, raw.where.source, raw.where.numbers, raw.where.label, dated, findings)


def _loaded(
    spec: DatasetSpec, typed: pl.DataFrame, source: str, numbers: pl.Series, label: str,
    dated: pl.DataFrame | None, findings: FindingsHook | None,
) -> LoadedDataset:
    """The loaded dataset, with its findings: the times in the hour the clocks repeat, and the plugin's."""
    declared = {c.name for c in spec.columns}
    loaded = LoadedDataset(
        name=spec.name,
        frame=typed,
        source=source,
        row_numbers=numbers.alias(ROW_COLUMN),
        row_label=label,
        extra_columns=tuple(c for c in typed.columns if c not in declared),
        dated=dated,
    )
    loaded = attrs.evolve(loaded, findings=_clock_findings(loaded, spec))
    hook: Callable[[pl.DataFrame], Iterable[object]] | None = findings or getattr(spec, "findings", None)
    if hook is None:
        return loaded
    found = tuple(_complete(f, loaded) for f in hook(loaded.with_row_numbers()))
    return attrs.evolve(loaded, findings=loaded.findings + found)


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


#: Datasets loaded at once. Two: while one file's checks run in Python (one core), another is parsed by polars
#: (every core); and at most two files' raw text cells are held beside the typed frames kept.
LOAD_WORKERS = 2

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
    workers: int = LOAD_WORKERS,
) -> DataFolder:
    """Load every dataset of ``specs`` found in ``folder`` or given in ``frames``; list those absent.

    A dataset is ``<name>.csv``, ``<name>.parquet``, a sheet ``<name>`` of any ``.xlsx`` workbook in the folder
    (names exact, not case-folded), or ``frames[name]``. Two sources for one dataset are an error naming both;
    files no dataset claims are listed in :attr:`DataFolder.ignored`. Every problem of every dataset is raised
    together in one :class:`InputError`.

    Datasets are loaded ``workers`` at a time (the result is the same whatever their number: only the time and
    the memory differ). A plugin's findings hook may then be called from a worker thread.

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
    unread: list[str] = []
    todo: list[tuple[DatasetSpec, DataSource]] = []
    for name, found in sources.items():
        if rows is not None and name not in rows:
            unread.extend([name] if found else [])
            continue
        if len(found) > 1:
            both = " and ".join(shown for shown, _ in found)
            problems.append(Problem(f"dataset {name!r} is given more than once: {both}; keep one", file=found[0][0]))
        elif found:
            todo.append((specs[name], found[0][1]))
    datasets: dict[str, LoadedDataset] = {}
    for (spec, _), loaded in zip(todo, _load_each(todo, findings, rows, workers), strict=True):
        if isinstance(loaded, InputError):
            problems.extend(loaded.problems)
        else:
            datasets[spec.name] = loaded
    if problems:
        raise InputError(problems)
    absent = tuple(name for name, found in sources.items() if not found)
    return DataFolder(None if folder is None else os.fspath(folder), datasets, absent, tuple(ignored), tuple(unread))


def _load_each(
    todo: list[tuple[DatasetSpec, DataSource]],
    findings: Mapping[str, FindingsHook],
    rows: Mapping[str, pl.Expr | None] | None,
    workers: int,
) -> list[LoadedDataset | InputError]:
    """Each dataset of ``todo`` loaded, or the error saying why not, in ``todo``'s order whatever the order of
    the work; ``workers`` at a time, the largest files first so that the small ones fill in beside them."""

    def one(item: tuple[DatasetSpec, DataSource]) -> LoadedDataset | InputError:
        spec, source = item
        try:
            return load_dataset(spec, source, findings=findings.get(spec.name),
                                rows=None if rows is None else rows[spec.name])
        except InputError as error:
            return error

    sizes = [_size(source) for _, source in todo]
    # A file read in batches is read alone: beside another load, polars' reader runs ahead of the batches' checks
    # and holds more of the file at once (1.5 GiB more for a 2 GiB file).
    alone = {i: one(todo[i]) for i, size in enumerate(sizes) if size >= batched.BATCH_BYTES}
    if workers <= 1 or len(todo) - len(alone) <= 1:
        return [alone[i] if i in alone else one(item) for i, item in enumerate(todo)]
    order = sorted((i for i in range(len(todo)) if i not in alone), key=lambda i: -sizes[i])
    pool = ThreadPoolExecutor(workers, thread_name_prefix="csskpi-load")
    try:
        futures = {i: pool.submit(one, todo[i]) for i in order}
        return [alone[i] if i in alone else futures[i].result() for i in range(len(todo))]
    finally:  # on an error no other dataset is started; those under way finish before it is raised
        pool.shutdown(wait=True, cancel_futures=True)


def _size(source: DataSource) -> int:
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).stat().st_size
        except OSError:  # the reading says what is wrong with it
            return 0
    return 0


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
