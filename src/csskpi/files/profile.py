"""Import profiles: a TOML file saying how a council's own exports map onto csskpi's datasets.

A council's incident export names its columns as its service-desk tool does (``number``, ``opened_at``), writes
``1 - Critical`` where csskpi says ``P1``, separates fields with ``;`` or writes dates ``02/03/2018``. A profile
says so once, and the same exports can then be dropped in every month with no code::

    [datasets.incidents]
    files = ["incident_export*.csv"]        # globs in the data folder; several files are read as one dataset
    delimiter = ";"                         # default ","
    encoding = "cp1252"                     # default utf-8 (a BOM is accepted)
    timestamp_format = "%Y-%m-%d %H:%M:%S"  # default ISO; strftime codes
    date_format = "%d/%m/%Y"                # default ISO
    timezone = "UTC"                        # the zone the export's timestamps are written in
    [datasets.incidents.columns]            # csskpi column = export column
    incident_id = "number"
    [datasets.incidents.values.priority]    # export value = csskpi value
    "1 - Critical" = "P1"
    [datasets.incidents.constants]          # columns the export does not have
    vip = false

or, instead of ``files``, a ``[datasets.<name>.database]`` table with an SQLAlchemy ``url`` (or ``url_env``, the
environment variable holding it, so that no password is written in the profile) and a ``query``.

This module reads and checks the file itself (:func:`parse_profile`, :func:`read_profile`): every problem names
the profile's file, line and key. Checking the mapping against csskpi's datasets and applying it to data is
:mod:`csskpi.data.profile`'s job.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from csskpi.errors import InputError, Problem
from csskpi.files.toml_lines import key_lines

__all__ = [
    "LONDON",
    "Constant",
    "DatabaseSource",
    "DatasetProfile",
    "Profile",
    "format_problem",
    "parse_profile",
    "read_profile",
]

LONDON = "Europe/London"  # csskpi's own clock: naive UK local time

#: A constant column's value as TOML gives it (never a float: a figure must be exact).
Constant: TypeAlias = "str | bool | int | dt.date | dt.datetime"

_DATASET_KEYS = frozenset({"files", "delimiter", "encoding", "timestamp_format", "date_format", "timezone",
                           "columns", "values", "constants", "database"})
_DATABASE_KEYS = frozenset({"url", "url_env", "query"})
_TOP_KEYS = frozenset({"name", "description", "datasets"})
# The strftime codes chrono (polars) reads; anything else after a % is refused rather than guessed at.
_CODES = frozenset("YymbBhdeHIMSfpjaAzZ%T") | {".f", ":z"}
_SAMPLE = dt.datetime(2018, 11, 23, 14, 7)  # day > 12 and month != day: a swapped %d/%m does not round-trip


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _nested_map(value: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in value.items()})


def _files(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class DatabaseSource:
    """A dataset read from a database: an SQLAlchemy URL (or the environment variable holding it) and a query."""

    query: str
    url: str | None = None
    url_env: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("'url' or 'url_env' must be given, not both")
        if not self.query.strip():
            raise ValueError("'query' must not be empty")

    def resolved_url(self) -> str:
        """The URL, from the environment if the profile names a variable."""
        if self.url is not None:
            return self.url
        assert self.url_env is not None  # the validator above: one of them is set
        url = os.environ.get(self.url_env)
        if not url:
            raise InputError(Problem(f"the environment variable {self.url_env} is not set", field="url_env"))
        return url


@attrs.frozen(kw_only=True)
class DatasetProfile:
    """How one dataset is read from a council's export. ``columns`` maps csskpi's column to the export's,
    ``values`` maps, per csskpi column, an export value to csskpi's; ``lines`` says where each key was written."""

    dataset: str
    files: tuple[str, ...] = attrs.field(default=(), converter=_files)
    delimiter: str = ","
    encoding: str = "utf-8"
    timestamp_format: str | None = None
    date_format: str | None = None
    timezone: str = LONDON
    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    values: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, converter=_nested_map)
    constants: Mapping[str, Constant] = attrs.field(factory=dict, converter=_frozen_map)
    database: DatabaseSource | None = None
    lines: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_map, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if len(self.delimiter) != 1 or self.delimiter in "\"\r\n" or not self.delimiter.isascii():
            raise ValueError("'delimiter' must be one ASCII character, not a quote or a line break")
        if self.database is not None and self.files:
            raise ValueError("'files' and 'database' cannot both be given")

    @property
    def patterns(self) -> tuple[str, ...]:
        """The file globs; by default csskpi's own ``<dataset>.csv``."""
        return self.files or (() if self.database is not None else (f"{self.dataset}.csv",))

    def export_name(self, column: str) -> str:
        """The export's name for csskpi column ``column`` (its own name if the profile does not rename it)."""
        return self.columns.get(column, column)

    def label(self, column: str) -> str:
        """How a message names a column: ``number (csskpi incident_id)``, or just the name if not renamed."""
        export = self.export_name(column)
        return column if export == column else f"{export} (csskpi {column})"


@attrs.frozen
class Profile:
    """An import profile: a name and how each of its datasets is read. ``file`` is where it was read from."""

    name: str
    datasets: Mapping[str, DatasetProfile] = attrs.field(converter=_frozen_map)
    description: str = ""
    file: str | None = None

    def line_of(self, dataset: str, key: str) -> int | None:
        return self.datasets[dataset].lines.get(key) if dataset in self.datasets else None


# ------------------------------------------------------------------------------------------ reading the file


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """Read an import profile file; raise one :class:`InputError` listing every problem."""
    shown = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem("no such import profile", file=shown)) from None
    except UnicodeDecodeError as error:
        raise InputError(Problem(f"not UTF-8 text: {error.reason}", file=shown)) from None
    return parse_profile(text, file=shown, name=Path(path).stem)


def parse_profile(text: str, *, file: str | None = None, name: str = "profile") -> Profile:
    """Parse an import profile's text; raise one :class:`InputError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputError(Problem(f"not valid TOML: {error}", file=file,
                                 line=int(match.group(1)) if match else None)) from None
    reader = _Reader(file, key_lines(text))
    for key in sorted(set(data) - _TOP_KEYS):
        reader.add((key,), f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    tables = data.get("datasets", {})
    if not isinstance(tables, dict) or not tables:
        reader.add(("datasets",), "a profile needs at least one [datasets.<name>] table")
        tables = {}
    datasets = {}
    for dataset, table in tables.items():
        built = reader.dataset(dataset, table)
        if built is not None:
            datasets[dataset] = built
    title = data.get("name", name)
    if not isinstance(title, str) or not title:
        reader.add(("name",), "'name' must be non-empty text")
        title = name
    description = data.get("description", "")
    if not isinstance(description, str):
        reader.add(("description",), "'description' must be text")
        description = ""
    if reader.problems:
        raise InputError(reader.problems)
    return Profile(title, datasets, description, file)


class _Reader:
    """Gathers a profile's problems, each with its file, line and key."""

    def __init__(self, file: str | None, lines: Mapping[tuple[str, ...], int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: tuple[str, ...]) -> int | None:
        while path:  # the key's own line, else the line of the table it is in
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def add(self, path: tuple[str, ...], message: str) -> None:
        self.problems.append(Problem(message, file=self.file, line=self.line(path), field=".".join(path)))

    def text(self, path: tuple[str, ...], value: object) -> str | None:
        if isinstance(value, str) and value:
            return value
        self.add(path, f"'{path[-1]}' must be non-empty text, not {value!r}")
        return None

    def table(self, path: tuple[str, ...], value: object) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.add(path, f"'{path[-1]}' must be a table")
        return {}

    def dataset(self, dataset: str, table: object) -> DatasetProfile | None:
        base = ("datasets", dataset)
        before = len(self.problems)
        raw = self.table(base, table)
        for key in sorted(set(raw) - _DATASET_KEYS):
            self.add(base + (key,), f"unknown key (allowed: {', '.join(sorted(_DATASET_KEYS))})")
        kwargs: dict[str, Any] = {"dataset": dataset}
        files = raw.get("files", [])
        if isinstance(files, str):
            files = [files]
        if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
            self.add(base + ("files",), "'files' must be a list of file names or globs")
            files = []
        for pattern in files:
            if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                self.add(base + ("files",), f"{pattern!r} must be a name or glob within the data folder")
        kwargs["files"] = files
        for key in ("delimiter", "encoding", "timezone", "timestamp_format", "date_format"):
            if key in raw:
                kwargs[key] = self.text(base + (key,), raw[key])
        self._formats(base, kwargs)
        if kwargs.get("encoding"):
            try:
                codecs.lookup(kwargs["encoding"])
            except LookupError:
                self.add(base + ("encoding",), f"unknown encoding {kwargs['encoding']!r}")
        if kwargs.get("timezone"):
            try:
                zoneinfo.ZoneInfo(kwargs["timezone"])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.add(base + ("timezone",), f"unknown time zone {kwargs['timezone']!r} (e.g. Europe/London, UTC)")
        kwargs["columns"] = self._columns(base, raw.get("columns", {}))
        kwargs["values"] = self._values(base, raw.get("values", {}))
        kwargs["constants"] = self._constants(base, raw.get("constants", {}), kwargs["columns"])
        if "database" in raw:
            kwargs["database"] = self._database(base, raw["database"])
        kwargs["lines"] = {".".join(k[2:]): v for k, v in self.lines.items() if k[:2] == base}  # "": the table
        if len(self.problems) > before:
            return None
        try:
            return DatasetProfile(**{k: v for k, v in kwargs.items() if v is not None})
        except ValueError as error:
            self.add(base, str(error))
            return None

    def _formats(self, base: tuple[str, ...], kwargs: dict[str, Any]) -> None:
        for key, sample, parts in (("timestamp_format", _SAMPLE, "year, month, day, hour and minute"),
                                   ("date_format", _SAMPLE.date(), "year, month and day")):
            fmt = kwargs.get(key)
            if fmt is None:
                continue
            problem = format_problem(fmt, sample)
            if problem:
                self.add(base + (key,), f"{problem} (it must give the {parts})")

    def _columns(self, base: tuple[str, ...], raw: object) -> dict[str, str]:
        columns = {}
        for column, export in self.table(base + ("columns",), raw).items():
            name = self.text(base + ("columns", column), export)
            if name is not None:
                columns[column] = name
        for export in {e for e in columns.values() if list(columns.values()).count(e) > 1}:
            mapped = sorted(c for c, e in columns.items() if e == export)
            self.add(base + ("columns", mapped[1]),
                     f"export column {export!r} is mapped to more than one csskpi column ({', '.join(mapped)})")
        return columns

    def _values(self, base: tuple[str, ...], raw: object) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {}
        for column, mapping in self.table(base + ("values",), raw).items():
            table = self.table(base + ("values", column), mapping)
            values[column] = {}
            for export, value in table.items():
                if isinstance(value, bool | int) and not isinstance(value, float):  # "Y" = true: a boolean's text
                    value = ("true" if value else "false") if isinstance(value, bool) else str(value)
                text = self.text(base + ("values", column, export), value)
                if text is not None:
                    values[column][export] = text
            # TOML refuses a key given twice; the same value spelt with other spaces or case is refused here.
            seen: dict[str, str] = {}
            for export in table:
                folded = " ".join(export.split()).casefold()
                if folded in seen:
                    self.add(base + ("values", column, export),
                             f"export value {export!r} is mapped twice (also as {seen[folded]!r})")
                seen.setdefault(folded, export)
        return values

    def _constants(self, base: tuple[str, ...], raw: object, columns: Mapping[str, str]) -> dict[str, Constant]:
        constants: dict[str, Constant] = {}
        for column, value in self.table(base + ("constants",), raw).items():
            path = base + ("constants", column)
            if column in columns:
                self.add(path, f"column {column!r} is both mapped from the export and given as a constant")
            elif isinstance(value, float):
                self.add(path, f"{value!r} must be written as text (\"{value}\"): a figure is never a float")
            elif isinstance(value, str | bool | int | dt.date):
                constants[column] = value
            else:
                self.add(path, f"a constant must be text, a boolean, a whole number or a date, not {value!r}")
        return constants

    def _database(self, base: tuple[str, ...], raw: object) -> DatabaseSource | None:
        path = base + ("database",)
        table = self.table(path, raw)
        for key in sorted(set(table) - _DATABASE_KEYS):
            self.add(path + (key,), f"unknown key (allowed: {', '.join(sorted(_DATABASE_KEYS))})")
        texts = {k: self.text(path + (k,), table[k]) for k in ("url", "url_env", "query") if k in table}
        if "query" not in table:
            self.add(path, "a database source needs a 'query'")
            return None
        try:
            return DatabaseSource(**{k: v for k, v in texts.items() if v is not None})
        except (ValueError, TypeError) as error:
            self.add(path, str(error))
            return None


def format_problem(fmt: str, sample: dt.date) -> str | None:
    """What is wrong with a strftime format, or None: an unknown code, or a format that loses part of ``sample``."""
    import polars as pl  # the files layer has no polars at import: profiles are read by the CLI before data

    for match in re.finditer(r"%(-?)(\.f|:z|.?)", fmt):
        if match.group(2) not in _CODES:
            return f"unknown code %{match.group(2)} in format {fmt!r}"
    series = pl.Series([sample])
    offset = isinstance(sample, dt.datetime) and re.search(r"%:?[zZ]", fmt) is not None
    try:
        text = (series.dt.replace_time_zone("UTC") if offset else series).dt.to_string(fmt)
        back = (text.str.to_datetime(fmt, time_unit="us", strict=True) if isinstance(sample, dt.datetime)
                else text.str.to_date(fmt, strict=True))
        if offset:
            back = back.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    except (pl.exceptions.PolarsError, ValueError) as error:
        return f"format {fmt!r} cannot be read back: {str(error).splitlines()[0] if str(error) else error}"
    if back.to_list() != [sample]:
        return f"format {fmt!r} does not hold a whole {'timestamp' if isinstance(sample, dt.datetime) else 'date'}"
    return None
