"""Synthetic raw data: every plugin generates its datasets; the core gathers them and writes a data folder.

The bundled sample data and the demo use it; so do the benchmarks. Output depends only on the request (months,
scale, seed, degraded measures), so a data folder can be regenerated exactly. Importing this module is cheap:
the plugins' generators, and polars, are imported when data is synthesised.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from csskpi.errors import PluginError, Problem
from csskpi.files.atomic import atomic_open
from csskpi.plugin.registry import Registry
from csskpi.plugin.types import SynthFrame, SynthRequest

if TYPE_CHECKING:
    import polars as pl

__all__ = ["synthesize", "write_data", "FORMATS"]

FORMATS = ("csv", "parquet")


def synthesize(request: SynthRequest, registry: Registry) -> dict[str, pl.DataFrame]:
    """Ask every plugin for its datasets' rows; concatenate the parts of each dataset (plugin order)."""
    import polars as pl

    parts: dict[str, list[pl.DataFrame]] = {}
    problems: list[Problem] = []
    for impl in registry.pm.hook.csskpi_synthesize.get_hookimpls():
        # pluggy types a hook implementation's result as object: the spec says a list of SynthFrame, checked below.
        frames = cast("Iterable[object] | None", impl.function(request=request))
        for item in frames or []:
            if not isinstance(item, SynthFrame):
                problems.append(
                    Problem(f"plugin {impl.plugin_name!r}: csskpi_synthesize() must return SynthFrame objects")
                )
            elif item.dataset not in registry.datasets:
                generated = f"plugin {impl.plugin_name!r} generated dataset {item.dataset!r}"
                problems.append(Problem(f"{generated}, which no plugin declares"))
            else:
                parts.setdefault(item.dataset, []).append(item.frame)
    if problems:
        raise PluginError(problems)
    out: dict[str, pl.DataFrame] = {}
    for name, frames in parts.items():
        declared = [c.name for c in registry.datasets[name].columns]
        # Declared columns first, in declared order, whatever order each plugin built them in.
        frame = pl.concat(frames, how="diagonal_relaxed")
        out[name] = _as_a_clock_shows(frame.select(declared + [c for c in frame.columns if c not in declared]))
    return out


def _as_a_clock_shows(frame: pl.DataFrame) -> pl.DataFrame:
    """Wall-clock times as a UK clock shows them: a generated time in the hour lost when the clocks go forward
    (which the loader refuses, as a real system never writes it) is moved on an hour, as the clock was."""
    import polars as pl

    stamps = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime) and dtype.time_zone is None]
    if not stamps:
        return frame
    lost = {
        name: pl.col(name).is_not_null()
        & pl.col(name).dt.replace_time_zone("Europe/London", ambiguous="earliest", non_existent="null").is_null()
        for name in stamps
    }
    return frame.with_columns(
        pl.when(gone).then(pl.col(name) + pl.duration(hours=1)).otherwise(pl.col(name)).alias(name)
        for name, gone in lost.items()
    )


def write_data(frames: dict[str, pl.DataFrame], folder: str | Path, fmt: str = "csv") -> list[Path]:
    """Write each dataset as ``<name>.csv`` (ISO dates and timestamps) or ``<name>.parquet`` in ``folder``."""
    if fmt not in FORMATS:
        raise ValueError(f"'fmt' must be one of {', '.join(FORMATS)}, not {fmt!r}")
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(frames):
        path = root / f"{name}.{fmt}"
        with atomic_open(path) as fh:  # whole or not at all, never through a planted link
            if fmt == "csv":
                frames[name].write_csv(fh, date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S")
            else:
                frames[name].write_parquet(fh)
        written.append(path)
    return written
