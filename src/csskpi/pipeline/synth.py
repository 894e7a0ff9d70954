"""Synthetic raw data: every plugin generates its datasets; the core gathers them and writes a data folder.

The bundled sample data and the demo use it; so do the benchmarks. Output depends only on the request (months,
scale, seed, degraded measures), so a data folder can be regenerated exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

import polars as pl

from csskpi.errors import PluginError, Problem
from csskpi.files.atomic import atomic_open
from csskpi.plugin.types import SynthFrame, SynthRequest
from csskpi.pipeline.measure import MeasureRegistry

__all__ = ["synthesize", "write_data", "FORMATS"]

FORMATS = ("csv", "parquet")


def synthesize(request: SynthRequest, registry: MeasureRegistry) -> dict[str, pl.DataFrame]:
    """Ask every plugin for its datasets' rows; concatenate the parts of each dataset (plugin order)."""
    parts: dict[str, list[pl.DataFrame]] = {}
    problems: list[Problem] = []
    for impl in registry.pm.hook.csskpi_synthesize.get_hookimpls():
        # pluggy types a hook implementation's result as object: the spec says a list of SynthFrame, checked below.
        frames = cast("Iterable[object] | None", impl.function(request=request))
        for item in frames or []:
            if not isinstance(item, SynthFrame):
                problems.append(Problem(f"plugin {impl.plugin_name!r}: csskpi_synthesize() must return SynthFrame objects"))
            elif item.dataset not in registry.datasets:
                problems.append(Problem(f"plugin {impl.plugin_name!r} generated dataset {item.dataset!r}, which no plugin declares"))
            else:
                parts.setdefault(item.dataset, []).append(item.frame)
    if problems:
        raise PluginError(problems)
    out: dict[str, pl.DataFrame] = {}
    for name, frames in parts.items():
        declared = [c.name for c in registry.datasets[name].columns]
        # Declared columns first, in declared order, whatever order each plugin built them in.
        frame = pl.concat(frames, how="diagonal_relaxed")
        out[name] = frame.select(declared + [c for c in frame.columns if c not in declared])
    return out


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
