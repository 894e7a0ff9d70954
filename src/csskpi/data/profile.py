"""Applying an import profile: a council's exports mapped onto csskpi's datasets, then checked as csskpi's own.

:func:`load_profiled` reads every dataset a profile (:mod:`csskpi.files.profile`) describes — the files its globs
match in the data folder, read as one, or its database query — and the folder's other datasets in csskpi's own
format (:func:`csskpi.data.load.load_data_folder`). For a profiled dataset the mapping comes first: columns
renamed, values translated, timestamps and dates read in the export's formats and moved from the export's time
zone to UK local time, constants filled in. Then every check csskpi makes on its own format applies unchanged
(:mod:`csskpi.data.checks`), so a profile can never let through what csskpi's own format would refuse.

Every message names the export's file and line, and the column by the export's name and csskpi's
(``'number (csskpi incident_id)'``). A value the profile does not map is an error listing every such value seen,
how often and where first — never passed through, never dropped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs
import polars as pl

from csskpi.data.checks import Locator, check_cells, check_duplicates, check_ordered, parse_columns, show
from csskpi.data.exports import ExportCells, read_export, read_query
from csskpi.data.load import ROW_COLUMN, DataFolder, Finding, FindingsHook, LoadedDataset, load_data_folder
from csskpi.data.spec import Column, ColumnKind, DatasetSpec
from csskpi.errors import InputError, PluginError, Problem
from csskpi.files.profile import LONDON, Constant, DatasetProfile, Profile

__all__ = ["check_profile", "constant_text", "load_export", "load_profiled"]


# --------------------------------------------------------------------------- checking against the datasets


def check_profile(profile: Profile, specs: Mapping[str, DatasetSpec]) -> None:
    """Check the profile's mapping against the datasets csskpi knows.

    A dataset or column that does not exist, a mapped value csskpi does not allow, or a constant that does not
    read as its column's kind: one :class:`InputError` listing them all, each with the profile's line and key.
    """
    problems: list[Problem] = []

    def add(dataset: str, key: str, message: str) -> None:
        problems.append(Problem(message, file=profile.file, line=profile.line_of(dataset, key) or
                                profile.line_of(dataset, key.partition(".")[0]),
                                field=f"datasets.{dataset}.{key}" if key else f"datasets.{dataset}"))

    for name, dp in profile.datasets.items():
        spec = specs.get(name)
        if spec is None:
            add(name, "", f"no dataset named {name!r} (datasets: {', '.join(sorted(specs)) or 'none'})")
            continue
        declared = {c.name: c for c in spec.columns}
        for group, names in (("columns", dp.columns), ("values", dp.values), ("constants", dp.constants)):
            for column in names:
                if column not in declared:
                    add(name, f"{group}.{column}",
                        f"dataset {name!r} has no column {column!r} (columns: {', '.join(declared)})")
        for column, mapping in dp.values.items():
            col = declared.get(column)
            read = _parse_all(col, list(mapping.values())) if col is not None else []
            for (export, value), parsed in zip(mapping.items(), read, strict=True):
                if col is not None and parsed is None:
                    allowed = f" (allowed: {', '.join(col.values)})" if col.values else ""
                    add(name, f"values.{column}.{export}", f"{value!r} is not a {col.kind.value} value of {column}"
                        f"{allowed}")
        for column, constant in dp.constants.items():
            col = declared.get(column)
            if col is not None and _parses(col, constant_text(constant)) is None:
                allowed = f" (allowed: {', '.join(col.values)})" if col.values else ""
                add(name, f"constants.{column}",
                    f"{constant_text(constant)!r} is not a {col.kind.value} value of {column}{allowed}")
    if problems:
        raise InputError(problems)


def constant_text(value: Constant) -> str:
    """A constant as csskpi's own format writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _parses(column: Column, text: str) -> object:
    """``text`` read as csskpi's own format reads a cell of ``column``; None if it does not."""
    return _parse_all(column, [text])[0]


def _parse_all(column: Column, texts: list[str]) -> list[object]:
    typed = parse_columns(pl.DataFrame({column.name: texts}, schema={column.name: pl.String}),
                          DatasetSpec("value", (column,)))
    return typed[column.name].to_list()


# --------------------------------------------------------------------------------------------- the mapping


@attrs.frozen
class _Mapped:
    """One source's cells under csskpi's names, and what the mapping found wrong (by csskpi column)."""

    frame: pl.DataFrame
    problems: tuple[Problem, ...]
    faulty: frozenset[str]
    zoned: tuple[str, ...]  # timestamp columns still in the export's zone


def _map(cells: ExportCells, spec: DatasetSpec, dp: DatasetProfile, profile: Profile) -> _Mapped:
    raw, where = cells.frame, cells.where
    problems: list[Problem] = []
    exprs: list[pl.Expr] = []
    checks: list[tuple[Column, str, str]] = []  # (column, export name, what the cell failed)
    zoned: list[str] = []
    taken: set[str] = set()
    faulty: set[str] = set()
    for col in spec.columns:
        if col.name in dp.constants:
            exprs.append(pl.lit(constant_text(dp.constants[col.name]), pl.String).alias(col.name))
            continue
        export = dp.export_name(col.name)
        if export not in raw.columns:
            problems.append(_missing(raw, where, dp, profile, col.name))
            faulty.add(col.name)
            continue
        taken.add(export)
        expr, dtype = pl.col(export), raw.schema[export]
        if col.name in dp.values:  # mapped to csskpi's own values, in csskpi's own format (check_profile)
            mapping = dp.values[col.name]
            text = expr if dtype == pl.String else expr.cast(pl.String)
            expr = text.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String)
            checks.append((col, export, "values"))
        elif col.kind is ColumnKind.DATETIME and dp.timestamp_format and dtype == pl.String:
            expr = expr.str.to_datetime(dp.timestamp_format, time_unit="us", strict=False)
            checks.append((col, export, "timestamp_format"))
        elif col.kind is ColumnKind.DATE and dp.date_format and dtype == pl.String:
            expr = expr.str.to_date(dp.date_format, strict=False)
            checks.append((col, export, "date_format"))
        offset = bool(dp.timestamp_format) and any(c in (dp.timestamp_format or "") for c in ("%z", "%Z", "%:z"))
        if col.kind is ColumnKind.DATETIME and dp.timezone != LONDON and not _aware(dtype) and not offset:
            zoned.append(col.name)
        exprs.append(expr.alias(col.name))
    declared = {c.name for c in spec.columns}
    extras = [c for c in raw.columns if c not in taken and c not in declared]
    frame = raw.select(*exprs, *extras)
    for col, export, key in checks:
        given, got = raw[export], frame[col.name]
        bad = given.is_not_null() & got.is_null()
        if not bad.any():
            continue
        faulty.add(col.name)
        if key == "values":
            problems.append(_unmapped(given, bad, where, dp, profile, col.name))
        else:
            fmt = dp.timestamp_format if key == "timestamp_format" else dp.date_format
            what = "timestamp" if key == "timestamp_format" else "date"
            line = profile.line_of(dp.dataset, key)
            cited = f" (profile {profile.file or profile.name}{f' line {line}' if line else ''})"
            wording = f"is not a {what} in the export's format {fmt!r}{cited}"
            problems.extend(where.capped(dp.label(col.name), bad.arg_true(), _quoting(given, wording)))
    return _Mapped(frame, tuple(problems), frozenset(faulty), tuple(zoned))


def _quoting(values: pl.Series, wording: str) -> Callable[[list[int]], list[str]]:
    """Messages quoting the cells at the given rows: ``'31/02/2018' is not a date in ...``."""
    def messages(rows: list[int]) -> list[str]:
        return [f"{show(v)} {wording}" for v in values.gather(rows).to_list()]

    return messages


def _aware(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.Datetime) and dtype.time_zone is not None


def _missing(raw: pl.DataFrame, where: Locator, dp: DatasetProfile, profile: Profile, column: str) -> Problem:
    line = profile.line_of(dp.dataset, f"columns.{column}")
    mapped = f"; the profile maps it{f' on line {line}' if line else ''}" if column in dp.columns else \
        f"; map it under [datasets.{dp.dataset}.columns] in the profile"
    found = ", ".join(repr(c) for c in raw.columns) or "none"  # header text as written, escaped
    return Problem(f"missing column (found: {found}){mapped}", file=where.source, line=where.header,
                   field=dp.label(column))


def _unmapped(given: pl.Series, bad: pl.Series, where: Locator, dp: DatasetProfile, profile: Profile,
              column: str) -> Problem:
    """One problem per column: every value seen with no mapping, how often, and where it is first."""
    rows = pl.DataFrame({"value": given.cast(pl.String), "line": where.numbers}).filter(bad)
    seen = rows.group_by("value", maintain_order=True).agg(pl.len().alias("n"), pl.col("line").first())
    listed = "; ".join(f"{v!r} ({n} record{'s' if n != 1 else ''}, first on {where.label} {'?' if ln is None else ln})"
                       for v, n, ln in seen.iter_rows())
    line = profile.line_of(dp.dataset, f"values.{column}")
    table = f"[datasets.{dp.dataset}.values.{column}]"
    cited = f"{table} of profile {profile.file or profile.name}{f' (line {line})' if line else ''}"
    first = rows["line"][0]
    return Problem(f"no mapping for {seen.height} value{'s' if seen.height != 1 else ''} seen: {listed}; "
                   f"map each in {cited}", file=where.source, line=None if first is None else int(first),
                   field=dp.label(column))


def _without(spec: DatasetSpec, names: Iterable[str]) -> DatasetSpec:
    """``spec`` without columns ``names`` (their problems are already reported), for csskpi's own checks."""
    gone = set(names)
    return attrs.evolve(
        spec, columns=tuple(c for c in spec.columns if c.name not in gone),
        id_column=None if spec.id_column in gone else spec.id_column,
        ordered=tuple(p for p in spec.ordered if not gone & set(p)), findings=None,
    )


def _to_london(typed: pl.DataFrame, zoned: Iterable[str], timezone: str) -> pl.DataFrame:
    """Timestamps written in ``timezone`` as csskpi's naive UK local time (a local time that does not exist
    or is ambiguous in that zone becomes null, and is then reported)."""
    return typed.with_columns(
        pl.col(c).dt.replace_time_zone(timezone, ambiguous="null", non_existent="null")
        .dt.convert_time_zone(LONDON).dt.replace_time_zone(None) for c in zoned
    )


@attrs.frozen
class _FilesLocator(Locator):
    """Rows of several files read as one dataset: each row's own file, for a message naming it."""

    files: pl.Series = attrs.field(eq=False, repr=False, kw_only=True)

    def problem(self, index: int | None, field: str | None, message: str) -> Problem:
        if index is None:
            return Problem(message, file=self.source, field=field)
        return Problem(message, file=self.files[index], line=self.number(index), field=field)

    def name(self, index: int) -> str:
        return f"{self.files[index]} {super().name(index)}"


def _relabel(problems: Iterable[Problem], dp: DatasetProfile) -> list[Problem]:
    return [attrs.evolve(p, field=dp.label(p.field)) if p.field and dp.export_name(p.field) != p.field else p
            for p in problems]


def load_export(
    spec: DatasetSpec,
    dp: DatasetProfile,
    sources: Iterable[ExportCells],
    profile: Profile,
    *,
    findings: FindingsHook | None = None,
) -> LoadedDataset:
    """Map and check one dataset from its export sources (read as one); raise every problem at once."""
    problems: list[Problem] = []
    typed_parts: list[pl.DataFrame] = []
    where_parts: list[Locator] = []
    for cells in sources:
        mapped = _map(cells, spec, dp, profile)
        problems.extend(mapped.problems)
        checked = _without(spec, mapped.faulty)
        parsed = parse_columns(mapped.frame, checked)
        zoned = [n for n in mapped.zoned if n not in mapped.faulty]
        typed = _to_london(parsed, zoned, dp.timezone)
        problems.extend(_relabel(check_cells(mapped.frame, parsed, checked, cells.where), dp))
        for name in zoned:  # a timestamp that went in and came out null: no such time, or two, in that zone
            lost = parsed[name].is_not_null() & typed[name].is_null()
            if lost.any():
                wording = f"does not exist or is ambiguous in {dp.timezone} (clocks change)"
                problems.extend(cells.where.capped(dp.label(name), lost.arg_true(), _quoting(parsed[name], wording)))
        typed_parts.append(typed)
        where_parts.append(cells.where)
    if not typed_parts:
        raise InputError(Problem(f"no export to read for dataset {spec.name!r}"))
    if problems:  # cells that do not read: duplicates and order across them would only add noise
        raise InputError(problems)
    frame = pl.concat(typed_parts, how="diagonal_relaxed") if len(typed_parts) > 1 else typed_parts[0]
    numbers = pl.concat([w.numbers for w in where_parts])
    source = " + ".join(w.source for w in where_parts)
    if len(where_parts) == 1:
        where: Locator = where_parts[0]
    else:
        files = pl.concat([pl.Series([w.source] * len(w.numbers), dtype=pl.String) for w in where_parts])
        where = _FilesLocator(source, numbers, where_parts[0].label, where_parts[0].header, files=files)
    problems = _relabel(check_duplicates(frame, spec, where) + check_ordered(frame, spec, where), dp)
    if problems:
        raise InputError(problems)
    declared = {c.name for c in spec.columns}
    loaded = LoadedDataset(name=spec.name, frame=frame, source=source, row_numbers=numbers.alias(ROW_COLUMN),
                           row_label=where.label, extra_columns=tuple(c for c in frame.columns if c not in declared))
    hook: Callable[[pl.DataFrame], Iterable[object]] | None = findings or spec.findings
    if hook is None:
        return loaded
    indexed = frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias(ROW_COLUMN))
    return attrs.evolve(loaded, findings=tuple(_place(f, loaded, where) for f in hook(indexed)))


def _place(finding: object, loaded: LoadedDataset, where: Locator) -> Finding:
    """A hook's finding, its row (an index into the dataset) named by the export's file and line."""
    if not isinstance(finding, Finding):
        raise PluginError(f"the findings hook of dataset {loaded.name!r} returned {finding!r}, not a Finding")
    if finding.row is None:
        return attrs.evolve(finding, dataset=finding.dataset or loaded.name, file=finding.file or loaded.source)
    file = where.files[finding.row] if isinstance(where, _FilesLocator) else where.source
    return attrs.evolve(finding, dataset=finding.dataset or loaded.name, file=finding.file or file,
                        row=where.number(finding.row))


# -------------------------------------------------------------------------------------------- the data folder


def load_profiled(
    folder: str | os.PathLike[str] | None,
    specs: Mapping[str, DatasetSpec],
    profile: Profile,
    *,
    frames: Mapping[str, object] | None = None,
    findings: Mapping[str, FindingsHook] | None = None,
) -> DataFolder:
    """Load the profile's datasets through it and every other dataset of ``folder`` in csskpi's own format.

    A profiled dataset whose globs match no file is absent, as a missing ``<name>.csv`` is. Every problem of every
    dataset (and of the profile's mapping) is raised together in one :class:`InputError`.
    """
    check_profile(profile, specs)
    hooks = findings or {}
    given = dict(frames or {})
    problems: list[Problem] = []
    datasets: dict[str, LoadedDataset] = {}
    absent: list[str] = []
    claimed: set[str] = set()
    root = None if folder is None else Path(folder)
    if root is not None and not root.is_dir():
        raise InputError(Problem("not a folder: the data folder must exist", file=os.fspath(root)))
    for name, dp in profile.datasets.items():
        if name in given:
            problems.append(Problem(f"dataset {name!r} is read through the profile: give it as a file, not a frame"))
            continue
        try:
            sources = _sources(root, dp, claimed)
            if sources:
                datasets[name] = load_export(specs[name], dp, sources, profile, findings=hooks.get(name))
            else:
                absent.append(name)
        except InputError as error:
            problems.extend(error.problems)
    rest = {n: s for n, s in specs.items() if n not in profile.datasets}
    for name in sorted(claimed):  # one file read as two datasets would be counted twice
        stem, _, suffix = name.rpartition(".")
        if stem in rest and suffix in ("csv", "parquet"):
            problems.append(Problem(f"a glob of the profile's 'files' claims dataset {stem!r}'s own file; "
                                    "narrow the glob or rename the file", file=str(Path(root or ".") / name)))
    base: DataFolder | None = None
    try:
        base = load_data_folder(root, rest, frames=given, findings={n: h for n, h in hooks.items() if n in rest})
    except InputError as error:
        problems.extend(error.problems)
    if problems or base is None:
        raise InputError(problems)
    ignored = tuple(i for i in base.ignored if i not in claimed)
    every = {**base.datasets, **datasets}
    ordered = {n: every[n] for n in specs if n in every}
    return DataFolder(base.folder, ordered, tuple(n for n in specs if n not in every), ignored)


def _sources(root: Path | None, dp: DatasetProfile, claimed: set[str]) -> list[ExportCells]:
    if dp.database is not None:
        return [read_query(dp.database.resolved_url(), dp.database.query)]
    if root is None:
        return []
    paths = sorted({p for pattern in dp.patterns for p in root.glob(pattern) if p.is_file()})
    claimed.update(p.name for p in paths)
    problems: list[Problem] = []
    cells: list[ExportCells] = []
    for path in paths:
        try:
            cells.append(read_export(path.read_bytes(), str(path), delimiter=dp.delimiter, encoding=dp.encoding))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return cells
