"""Benchmark: how long csskpi takes to start, as a user runs it.

Times whole processes (wall clock, like hyperfine): ``import csskpi``, ``csskpi kpis``, ``csskpi evaluate`` on a
one-row measurements file, and ``csskpi measure`` up to the point where it would read data (an empty data folder:
start-up, the contract, the plugins' registry, and nothing to load). Each is run ``--repeat`` times after one
warm-up; the table gives the median, mean, standard deviation and fastest wall-clock time, the median CPU time
(user + system: what the process itself cost, least disturbed by other work), and which heavy packages
(polars, numpy, holidays, pluggy) the process imported. ``--against PYTHONPATH`` times another csskpi (an older
checkout's ``src`` and ``plugins/*/src``) in the same runs, taking turns, for a before-and-after on a busy machine.

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_startup.py              # 10 runs each
    python3 benchmarks/bench_startup.py --repeat 20
    git archive OLD | tar -x -C /tmp/old
    python3 benchmarks/bench_startup.py --against "/tmp/old/src:$(ls -d /tmp/old/plugins/*/src | paste -sd:)"

For where the time goes, ``python -X importtime -m csskpi kpis --at 2017-05 --format json`` lists every import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _env(pythonpath: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall-clock and the CPU seconds (user + system) of one run of ``command``."""
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started, _cpu() - cpu


def timed(command: list[str], repeat: int, envs: list[dict[str, str]]) -> list[list[tuple[float, float]]]:
    """``repeat`` (wall, CPU) times of ``command`` under each environment, the environments taking turns (so that
    a busy moment of the machine falls on all of them alike), after one warm-up run each."""
    for env in envs:
        _once(command, env)  # warm the file cache
    times: list[list[tuple[float, float]]] = [[] for _ in envs]
    for _ in range(repeat):
        for i, env in enumerate(envs):
            times[i].append(_once(command, env))
    return times


def heavy_imports(args: list[str] | None, env: dict[str, str]) -> list[str]:
    if args is None:
        code = f"import csskpi, json, sys; sys.stderr.write(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    else:
        done = subprocess.run([sys.executable, "-c", PROBE, *args], check=True, capture_output=True, text=True, env=env)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--against", metavar="PYTHONPATH",
        help="also time another csskpi (e.g. an older checkout: its src and plugins' src folders), runs interleaved",
    )
    opts = parser.parse_args()
    labels = ["this tree"] + (["--against"] if opts.against else [])
    envs = [_env(None)] + ([_env(opts.against)] if opts.against else [])
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
        print("| command | csskpi | median s | mean s | sd s | fastest s | median CPU s | heavy packages imported |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for name, args in cases.items():
            command = [sys.executable, *(["-c", "import csskpi"] if args is None else ["-m", "csskpi", *args])]
            for label, env, runs in zip(labels, envs, timed(command, opts.repeat, envs), strict=True):
                heavy = ", ".join(heavy_imports(args, env)) or "none"
                times = [wall for wall, _ in runs]
                cpu = statistics.median(c for _, c in runs)
                sd = statistics.stdev(times) if len(times) > 1 else 0.0
                print(f"| `{name}` | {label} | {statistics.median(times):.3f} | {statistics.mean(times):.3f} | "
                      f"{sd:.3f} | {min(times):.3f} | {cpu:.3f} | {heavy} |")


if __name__ == "__main__":
    main()
