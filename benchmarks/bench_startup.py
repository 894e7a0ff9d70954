"""Benchmark: how long csskpi takes to start, as a user runs it.

Times whole processes (wall clock, like hyperfine): ``import csskpi``, ``csskpi kpis``, ``csskpi evaluate`` on a
one-row measurements file, and ``csskpi measure`` up to the point where it would read data (an empty data folder:
start-up, the contract, the plugins' registry, and nothing to load). Each is run ``--repeat`` times after one
warm-up; the table gives the mean, the standard deviation and the fastest run, and which heavy packages
(polars, numpy, holidays, pluggy) the process imported.

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_startup.py              # 10 runs each
    python3 benchmarks/bench_startup.py --repeat 20

For where the time goes, ``python -X importtime -m csskpi kpis --at 2017-05 --format json`` lists every import.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("polars", "numpy", "holidays", "pluggy")

# Runs a command in-process and reports which heavy packages it imported (on stderr, after the command's output).
PROBE = f"""
import io, json, sys, contextlib
from csskpi.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
sys.stderr.write("\\n" + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)) + "\\n")
"""


def timed(command: list[str], repeat: int) -> tuple[float, float, float]:
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.mean(times), statistics.stdev(times) if len(times) > 1 else 0.0, min(times)


def heavy_imports(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], check=True, capture_output=True, text=True)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one_row = root / "one-row.csv"
        one_row.write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,99.95,\n", encoding="utf-8")
        empty = root / "no-data"
        empty.mkdir()
        cases = {
            "import csskpi": None,
            "csskpi kpis": ["kpis", "--at", "2017-05", "--format", "json"],
            "csskpi evaluate (one row)": ["evaluate", "--measurements", str(one_row), "--format", "json"],
            "csskpi measure (no data)": ["measure", "--data", str(empty), "--period", "2017-05", "--format", "json"],
        }
        print(f"Python {sys.version.split()[0]}, {opts.repeat} runs each after one warm-up\n")
        print("| command | mean s | sd s | fastest s | heavy packages imported |")
        print("|---|---:|---:|---:|---|")
        for name, args in cases.items():
            if args is None:
                command = [sys.executable, "-c", "import csskpi"]
                probe = subprocess.run(
                    [sys.executable, "-c", f"import csskpi, json, sys; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"],
                    check=True, capture_output=True, text=True,
                )
                heavy = list(json.loads(probe.stdout))
            else:
                command = [sys.executable, "-m", "csskpi", *args]
                heavy = heavy_imports(args)
            mean, sd, fastest = timed(command, opts.repeat)
            print(f"| `{name}` | {mean:.3f} | {sd:.3f} | {fastest:.3f} | {', '.join(heavy) or 'none'} |")


if __name__ == "__main__":
    main()
