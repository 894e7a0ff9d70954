"""Benchmark: reading a council's exports through an import profile against reading csskpi's own format.

The same synthetic records (scale 1.0: a county council's month) are written three ways, and each folder is
loaded and checked as ``csskpi measure`` loads it:

- ``own``: csskpi's own CSV format (the baseline);
- ``uk``: every dataset as a finance system might export it: semicolons, Windows code page (cp1252), day-first
  dates ``02/03/2018`` and timestamps ``02/03/2018 14:07:00``, all through one profile;
- the same with an accented letter in every record's id, so that the cp1252 export must be transcoded (an
  ASCII export, as most are, is read as it is);
- ``servicenow`` and ``calls``: the bundled ServiceNow incident and contact-centre call profiles, timed on their
  own dataset (incidents; calls), against that dataset in csskpi's format.

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_profiles.py                 # 3 months, 5 repeats, best time kept
    python3 benchmarks/bench_profiles.py --months 12 --repeat 3

The overhead is ``profile / own - 1``, of the best wall time and of the best CPU time (all threads) of
``--repeat`` runs of each, run in turn. On a shared machine the wall times swing by tens of per cent from run to
run; the CPU time, the work done, is the steadier figure.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

import csskpi
from csskpi.builtin.import_profiles import load_profile
from csskpi.data.export_write import write_exports
from csskpi.files.profile import Profile, parse_profile
from csskpi.pipeline.measure import MeasureRegistry, load_data
from csskpi.pipeline.synth import synthesize, write_data


def best_of_both(repeat: int, first: Callable[[], object], second: Callable[[], object]) -> list[tuple[float, float]]:
    """For each, the best wall time and the best CPU time (every thread of the process), run in turn so that the
    machine's other work disturbs both alike. CPU time is the work done: other processes barely change it."""
    times: list[list[tuple[float, float]]] = [[], []]
    for _ in range(repeat):
        for run, kept in ((first, times[0]), (second, times[1])):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            kept.append((time.perf_counter() - wall, time.process_time() - cpu))
    return [(min(w for w, _ in t), min(c for _, c in t)) for t in times]


def uk_profile(registry: MeasureRegistry) -> Profile:
    text = "".join(f"""
[datasets.{name}]
files = ["{name}_export*.csv"]
delimiter = ";"
encoding = "cp1252"
date_format = "%d/%m/%Y"
timestamp_format = "%d/%m/%Y %H:%M:%S"
""" for name in registry.datasets)
    return parse_profile(text, file="uk.toml", name="uk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    registry = MeasureRegistry.from_plugins()
    start = csskpi.Period(2017, 4)
    frames = synthesize(csskpi.SynthRequest(start, start + (args.months - 1), args.scale, seed=1), registry)
    records = sum(f.height for f in frames.values())
    print(f"python {platform.python_version()}, {platform.machine()}; {args.months} months at scale {args.scale}: "
          f"{records:,} records in {len(frames)} datasets; best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases: list[tuple[str, Path, Path, Profile, tuple[str, ...] | None]] = []
        uk = uk_profile(registry)
        write_data(frames, root / "own")
        write_exports(frames, dict(registry.datasets), uk, root / "uk")
        cases.append(("every dataset, ;/cp1252/UK dates", root / "own", root / "uk", uk, None))
        # An ASCII export needs no transcoding; one accented id per record forces a cp1252 -> UTF-8 pass.
        accented = {name: frame.with_columns(pl.col(spec.id_column) + "\u00e9")
                    if (spec := registry.datasets[name]).id_column and frame.schema[spec.id_column] == pl.String
                    else frame for name, frame in frames.items()}
        write_data(accented, root / "own-accented")
        write_exports(accented, dict(registry.datasets), uk, root / "uk-accented")
        cases.append(("every dataset, as above, non-ASCII text", root / "own-accented", root / "uk-accented", uk, None))
        for label, name, dataset in (("incidents, ServiceNow", "servicenow-incidents", "incidents"),
                                     ("calls, contact centre", "contact-centre-calls", "calls")):
            one = {dataset: frames[dataset]}
            profile = load_profile(name)
            write_data(one, root / f"own-{dataset}")
            write_exports(one, dict(registry.datasets), profile, root / name)
            cases.append((f"{label} ({frames[dataset].height:,} rows)", root / f"own-{dataset}", root / name,
                          profile, (dataset,)))
        print(f"{'case':44} {'own s':>7} {'profile s':>9} {'wall':>7} {'own CPU s':>9} {'profile CPU s':>13} {'CPU':>7}")
        for label, own, exported, profile, only in cases:
            for _ in range(2):  # warm the file cache and polars' thread pool
                load_data(own, registry, only=only)
                load_data(exported, registry, profile=profile, only=only)
            (own_s, own_cpu), (prof_s, prof_cpu) = best_of_both(
                args.repeat, lambda own=own, only=only: load_data(own, registry, only=only),  # type: ignore[misc]
                lambda e=exported, p=profile, only=only: load_data(e, registry, profile=p, only=only))  # type: ignore[misc]
            print(f"{label:44} {own_s:7.3f} {prof_s:9.3f} {100 * (prof_s / own_s - 1):6.1f}% {own_cpu:9.3f} "
                  f"{prof_cpu:13.3f} {100 * (prof_cpu / own_cpu - 1):6.1f}%")


if __name__ == "__main__":
    main()
