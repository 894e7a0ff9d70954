"""Writing datasets in the shape a profile reads: a council's export, made from csskpi's own records.

The inverse of :mod:`csskpi.data.profile`: columns get the export's names, values the export's spelling (the
first export value the profile maps to each csskpi value), timestamps and dates the export's formats and time
zone, and the file the profile's delimiter and encoding. ``csskpi synth --profile`` uses it, so that the tests
and the benchmarks can read the same records both ways and compare.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from csskpi.data.profile import constant_text
from csskpi.data.spec import ColumnKind, DatasetSpec
from csskpi.errors import InputError, Problem
from csskpi.files.profile import LONDON, DatasetProfile, Profile

__all__ = ["export_frame", "write_exports"]

_ISO_STAMP = "%Y-%m-%dT%H:%M:%S"
_ISO_DATE = "%Y-%m-%d"


def export_frame(frame: pl.DataFrame, spec: DatasetSpec, dp: DatasetProfile) -> pl.DataFrame:
    """``frame`` (csskpi's typed records) as the export writes them: text cells under the export's names."""
    problems: list[Problem] = []
    exprs = []
    for col in spec.columns:
        src = pl.col(col.name)
        if col.name in dp.constants:  # the export has no such column: the records must all hold the constant
            differs = frame.filter(src.is_null() | (src.cast(pl.String) != constant_text(dp.constants[col.name])))
            if differs.height:
                problems.append(Problem(f"{differs.height} records differ from the profile's constant", field=col.name))
            continue
        if col.name in dp.values:
            inverse: dict[str, str] = {}
            for export, value in dp.values[col.name].items():
                inverse.setdefault(value, export)
            unmapped = frame.filter(src.is_not_null() & ~src.cast(pl.String).is_in(list(inverse)))
            if unmapped.height:
                problems.append(Problem(f"values with no export spelling in the profile: "
                                        f"{', '.join(sorted(set(unmapped[col.name].cast(pl.String))))}",
                                        field=col.name))
            expr = src.cast(pl.String).replace_strict(list(inverse), list(inverse.values()), default=None)
        elif col.kind is ColumnKind.DATETIME:
            stamp = src
            if dp.timezone != LONDON:
                stamp = stamp.dt.replace_time_zone(LONDON, ambiguous="earliest", non_existent="null")
                stamp = stamp.dt.convert_time_zone(dp.timezone).dt.replace_time_zone(None)
            expr = stamp.dt.to_string(dp.timestamp_format or _ISO_STAMP)
        elif col.kind is ColumnKind.DATE:
            expr = src.dt.to_string(dp.date_format or _ISO_DATE)
        elif col.kind is ColumnKind.BOOL:
            expr = pl.when(src).then(pl.lit("true")).when(~src).then(pl.lit("false"))
        else:
            expr = src.cast(pl.String)
        exprs.append(expr.alias(dp.export_name(col.name)))
    if problems:
        raise InputError([Problem(p.message, field=f"{spec.name}.{p.field}") for p in problems])
    return frame.select(exprs)


def write_exports(
    frames: dict[str, pl.DataFrame], specs: dict[str, DatasetSpec], profile: Profile, folder: str | os.PathLike[str],
) -> list[Path]:
    """Write each of ``frames`` in ``folder``: the profile's datasets as its exports, the rest as ``<name>.csv``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(frames):
        dp = profile.datasets.get(name)
        if dp is None or dp.database is not None:
            path = root / f"{name}.csv"
            data = frames[name].write_csv(date_format=_ISO_DATE, datetime_format=_ISO_STAMP).encode("utf-8")
        else:
            path = root / dp.patterns[0].replace("*", "").replace("?", "_")
            data = export_frame(frames[name], specs[name], dp).write_csv(separator=dp.delimiter).encode(dp.encoding)
        _write_atomically(path, data)
        written.append(path)
    return written


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` whole: a unique temporary file (created exclusively, never through a link), renamed."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
