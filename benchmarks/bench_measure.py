"""Benchmark: recomputing every KPI from synthetic raw data at a county council's scale.

Measures, for one month and for twelve months at scale 1.0 (about 240,000 raw records a month):

- the measure step itself (every KPI in force, data already loaded), in records per second;
- loading and checking the raw data (CSV), in records per second;
- the whole ``csskpi measure`` command, end to end, as a user runs it (wall time of the process).

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_measure.py            # both sizes, 3 repeats each, best time kept
    python3 benchmarks/bench_measure.py --months 1 --repeat 5

Timings are the best of ``--repeat`` runs (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import csskpi
from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
from csskpi.pipeline.synth import synthesize, write_data


def best(repeat: int, run: object) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def bench(months: int, scale: float, repeat: int, root: Path) -> dict[str, float]:
    contract = csskpi.load_contract()
    registry = MeasureRegistry.from_plugins()
    start = csskpi.Period(2017, 4)
    end = start + (months - 1)
    folder = root / f"data-{months}"
    started = time.perf_counter()
    frames = synthesize(csskpi.SynthRequest(start, end, scale, seed=1), registry)
    write_data(frames, folder)
    synth_seconds = time.perf_counter() - started
    records = sum(f.height for f in frames.values())
    periods = list(csskpi.Period.range(start, end))

    data = load_data(folder, registry)
    load_seconds = best(repeat, lambda: load_data(folder, registry))
    measure_seconds = best(repeat, lambda: measure(contract, data, periods, registry))
    command = [sys.executable, "-m", "csskpi", "measure", "--data", str(folder), "--period", str(start),
               "--to", str(end), "--format", "json"]
    cli_seconds = best(repeat, lambda: subprocess.run(command, check=True, capture_output=True))
    return {
        "months": months,
        "records": records,
        "synth_s": synth_seconds,
        "load_s": load_seconds,
        "measure_s": measure_seconds,
        "cli_s": cli_seconds,
        "measure_rps": records / measure_seconds,
        "load_rps": records / load_seconds,
        "cli_rps": records / cli_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, nargs="*", default=[1, 12])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# csskpi {csskpi.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"scale {args.scale}, best of {args.repeat}")
    print("| months | records | synth s | load s | measure s | measure rec/s | load rec/s | CLI s (end to end) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for months in args.months:
            r = bench(months, args.scale, args.repeat, Path(tmp))
            print(f"| {r['months']} | {r['records']:,} | {r['synth_s']:.2f} | {r['load_s']:.2f} | {r['measure_s']:.3f} "
                  f"| {r['measure_rps']:,.0f} | {r['load_rps']:,.0f} | {r['cli_s']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
