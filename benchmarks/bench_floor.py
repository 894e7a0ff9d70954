"""Benchmark: ``csskpi measure`` against a hand-written polars floor (``benchmarks/floor.py``), side by side.

Three cases, at ``--scale`` (1.0: a county council's month, about 240,000 raw records):

- one month from a one-month folder;
- twelve months from a twelve-month folder;
- one month from a twelve-month folder.

Each run is a fresh process (reading the CSV files, computing every KPI, as a user runs it); its wall time and
peak memory (maximum resident set) are taken. Both sides run with their Python modules byte-compiled, as pip leaves
an installed package (``PYTHONDONTWRITEBYTECODE`` is lifted for the runs and the bytecode kept in a temporary
``PYTHONPYCACHEPREFIX``; the check run below writes it): otherwise csskpi, which imports some 150 modules of its
own to the floor's few, would be timed compiling them. Runs are interleaved — csskpi, floor, floor, csskpi, ... — so that
whatever else the machine does falls on both alike; the best time and the largest peak of ``--repeat`` runs are
kept. Before timing, the floor's counts are checked against csskpi's, KPI by KPI: the two do the same work.

    python3 benchmarks/bench_floor.py                 # scale 1.0, 3 repeats
    python3 benchmarks/bench_floor.py --scale 0.3 --repeat 2
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(which: str, folder: str, first: str, last: str) -> None:
    """Run one side in this process; print its seconds and peak memory (MiB) as JSON on stderr's last line."""
    started = time.perf_counter()
    if which == "csskpi":
        from csskpi.cli.main import main

        with open(os.devnull, "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                code = main(["measure", "--data", folder, "--period", first, "--to", last, "--format", "csv"])
            finally:
                sys.stdout = stdout
        if code:
            raise SystemExit(code)
    else:
        sys.path.insert(0, str(HERE))
        from floor import floor

        floor(Path(folder), first, last)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak}), file=sys.stderr)


ENV: dict[str, str] = dict(os.environ)  # the runs' environment: see compiled_env


def compiled_env(cache: Path) -> dict[str, str]:
    """This environment, with bytecode written (to ``cache``) and read, as for an installed package."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def run(which: str, folder: Path, first: str, last: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", which, str(folder), first, last],
                          capture_output=True, text=True, check=True, env=ENV)
    return json.loads(done.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def check_same_counts(folder: Path, first: str, last: str) -> int:
    """The floor's counts against csskpi's, KPI-month by KPI-month; the number of KPI-months compared."""
    ours = subprocess.run([sys.executable, "-m", "csskpi", "measure", "--data", str(folder), "--period", first,
                           "--to", last, "--format", "json"], capture_output=True, text=True, check=True, env=ENV)
    measured = {(m["kpi"], m["period"]): (m["numerator"], m["denominator"]) for m in json.loads(ours.stdout)["measurements"]}
    theirs = subprocess.run([sys.executable, str(HERE / "floor.py"), str(folder), first, last],
                            capture_output=True, text=True, check=True, env=ENV)
    floor = {}
    for r in csv.DictReader(io.StringIO(theirs.stdout)):
        i = int(r["m"])
        floor[(r["kpi"], f"{i // 12}-{i % 12 + 1:02d}")] = (int(r["passing"]), int(r["population"]) if r["population"] else None)
    wrong = [k for k, v in measured.items() if v[0] is not None and floor.get(k, (0, 0 if v[1] is not None else None)) != v]
    if wrong:
        raise SystemExit(f"the floor disagrees with csskpi on {len(wrong)} KPI-months, e.g. {sorted(wrong)[:5]}")
    return len(measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file-format", choices=("csv", "parquet"), default="csv", help="how the data is written")
    parser.add_argument("--child", nargs=4, metavar=("WHICH", "DIR", "FIRST", "LAST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    import csskpi

    with tempfile.TemporaryDirectory() as tmp:
        ENV.clear()
        ENV.update(compiled_env(Path(tmp) / "pycache"))
        one, year = Path(tmp) / "one", Path(tmp) / "year"
        for folder, last in ((one, "2017-04"), (year, "2018-03")):
            subprocess.run([sys.executable, "-m", "csskpi", "synth", "--out", str(folder), "--from", "2017-04", "--to", last,
                            "--scale", str(args.scale), "--seed", "1", "--file-format", args.file_format], check=True,
                           capture_output=True)
        cases = [("one month, one-month folder", one, "2017-04", "2017-04"),
                 ("twelve months, twelve-month folder", year, "2017-04", "2018-03"),
                 ("one month, twelve-month folder", year, "2017-09", "2017-09")]
        compared = sum(check_same_counts(folder, first, last) for _, folder, first, last in cases)
        best: dict[tuple[str, str], dict[str, float]] = {}
        for i in range(args.repeat):
            for label, folder, first, last in cases:
                order = ("csskpi", "floor") if i % 2 == 0 else ("floor", "csskpi")
                for which in order:
                    r = run(which, folder, first, last)
                    kept = best.setdefault((label, which), {"seconds": r["seconds"], "peak_mib": r["peak_mib"]})
                    kept["seconds"] = min(kept["seconds"], r["seconds"])
                    kept["peak_mib"] = max(kept["peak_mib"], r["peak_mib"])
        import polars as pl

        rows = pl.scan_parquet(year / "contacts.parquet").select(pl.len()).collect().item() if args.file_format == "parquet" \
            else sum(1 for _ in (year / "contacts.csv").open()) - 1
        print(f"# csskpi {csskpi.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, scale "
              f"{args.scale} ({rows:,} contacts a year, {args.file_format}), byte-compiled, best time / largest peak of "
              f"{args.repeat}, interleaved; "
              f"floor checked equal to csskpi on {compared} KPI-months")
        print("| case | csskpi s | floor s | time ratio | csskpi peak MiB | floor peak MiB | memory ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, *_ in cases:
            ours, floor = best[(label, "csskpi")], best[(label, "floor")]
            print(f"| {label} | {ours['seconds']:.2f} | {floor['seconds']:.2f} | {ours['seconds'] / floor['seconds']:.2f}x "
                  f"| {ours['peak_mib']:.0f} | {floor['peak_mib']:.0f} | {ours['peak_mib'] / floor['peak_mib']:.2f}x |",
                  flush=True)


if __name__ == "__main__":
    main()
