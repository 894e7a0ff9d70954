"""Benchmark: peak memory of ``csskpi measure`` when one raw CSV file in the folder is large (2 GiB by default).

The folder is a synthetic year (``csskpi synth --from 2017-04 --to 2018-03 --scale 1 --seed 1``) whose biggest
file, ``calls.csv``, is then enlarged to the target size: the year's rows are streamed again and again, each copy
with its ``call_id`` suffixed by the copy number (``CL2017040000001-3``), so ids stay unique and every other column
stays valid (the same timestamps, hence the same months). The file is written in chunks: the generator never holds
it in memory. The other datasets stay as synthesized (``--alone``: only ``calls.csv``, measured with
``--missing dna``).

Two cases, each a fresh ``python -m csskpi measure ... --format csv`` process whose own maximum resident set is
taken (``os.wait4``): the whole year (``--period 2017-04 --to 2018-03``) and one month (``--period 2017-09``). The
table gives the peak as a multiple of the enlarged file's size; the issue's aim is under 3x. While a case runs its
resident set is sampled from ``/proc`` (Linux), to tell when the peak happens; ``--trace`` also prints that
timeline against csskpi's own ``-v`` messages (which dataset it has just loaded), and ``--where`` runs each case
again under ``benchmarks/where_memory.py``, which tells which of csskpi's calls the peak falls in. ``--floor``
measures the hand-written polars floor (``benchmarks/floor.py``: the same KPIs, no checks) on the same folder.

    python3 benchmarks/bench_bigcsv.py                 # 2 GiB: needs 5 GiB free under --dir, and minutes
    python3 benchmarks/bench_bigcsv.py --gib 0.25 --floor
    python3 benchmarks/bench_bigcsv.py --gib 2 --dir /var/tmp --trace --where
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

GIB = 1 << 30
FIRST, LAST, MONTH = "2017-04", "2018-03", "2017-09"
BIG = "calls"  # the biggest synthetic dataset
ID = "call_id"
HEADROOM = 2.5  # free disk wanted, as a multiple of the target: the big file, the synthetic year, and a margin
CHUNK = 1 << 24  # bytes of lines read (and written) at a time while enlarging


def synthesize(folder: Path, *, scale: float = 1.0, first: str = FIRST, last: str = LAST, seed: int = 1) -> None:
    """Write a synthetic data folder with csskpi's own generator (the installed csskpi, whatever its checkout)."""
    command = [sys.executable, "-m", "csskpi", "synth", "--out", str(folder), "--from", first, "--to", last,
               "--scale", str(scale), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")


def enlarge(path: Path, target_bytes: int) -> int:
    """Grow the CSV file ``path`` (its first column the id) to at least ``target_bytes`` by repeating its rows with
    ids suffixed ``-1``, ``-2``, ...; the last copy stops at the first whole row past the target. The original rows
    are always kept whole (a file already bigger than the target is left as it is): cut short, they would end
    before the last month. Returns the number of data rows in the file. Reads and writes ``CHUNK`` bytes of rows at
    a time."""
    grown = path.with_name(path.name + ".growing")
    rows = 0
    with open(path, "rb") as source, open(grown, "wb") as out:
        source.seek(-1, os.SEEK_END)
        if source.read(1) != b"\n":
            raise SystemExit(f"{path}: the last row does not end with a newline; its copies would run together")
        source.seek(0)
        header = source.readline()
        if not header.startswith(ID.encode() + b","):
            raise SystemExit(f"{path}: expected {ID!r} as the first column, found {header[:60]!r}")
        out.write(header)
        written = len(header)
        copy = 0
        while copy == 0 or written < target_bytes:
            source.seek(len(header))
            suffix = b"" if copy == 0 else b"-%d," % copy
            copied = 0
            while copy == 0 or written < target_bytes:
                lines = source.readlines(CHUNK)
                if not lines:
                    break
                if copy:
                    lines = [line.replace(b",", suffix, 1) for line in lines]
                if copy and written + sum(map(len, lines)) > target_bytes:  # the last chunk: stop at the target
                    kept = []
                    for line in lines:
                        kept.append(line)
                        written += len(line)
                        if written >= target_bytes:
                            break
                    lines = kept
                else:
                    written += sum(map(len, lines))
                out.writelines(lines)
                copied += len(lines)
            if not copied:
                raise SystemExit(f"{path}: no rows to repeat")
            rows += copied
            copy += 1
    grown.replace(path)
    return rows


def build(folder: Path, target_bytes: int, *, scale: float = 1.0, alone: bool = False) -> int:
    """A synthetic year in ``folder`` with ``calls.csv`` enlarged to ``target_bytes``; its number of rows."""
    synthesize(folder, scale=scale)
    if alone:
        for other in folder.iterdir():
            if other.name != f"{BIG}.csv":
                other.unlink()
    return enlarge(folder / f"{BIG}.csv", target_bytes)


@dataclass
class Run:
    seconds: float
    peak_bytes: int  # the process's own maximum resident set
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds, resident bytes) from /proc
    messages: list[tuple[float, str]] = field(default_factory=list)  # (seconds, stderr line)


def _resident(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def csskpi_command(folder: Path, first: str, last: str, *, missing_dna: bool = False, verbose: bool = False) -> list[str]:
    command = [sys.executable, "-m", "csskpi", "measure", "--data", str(folder), "--period", first, "--to", last,
               "--format", "csv"]
    return command + (["--missing", "dna"] if missing_dna else []) + (["-v"] if verbose else [])


def floor_command(folder: Path, first: str, last: str) -> list[str]:
    """The hand-written polars floor (``benchmarks/floor.py``): the same KPIs, no checks."""
    return [sys.executable, str(Path(__file__).resolve().parent / "floor.py"), str(folder), first, last]


def measure(command: list[str]) -> Run:
    """Run ``command`` in a fresh process; its wall time, peak memory and resident-set timeline."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    run = Run(0.0, 0)
    tail: list[str] = []

    def read_stderr() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            run.messages.append((time.perf_counter() - started, line.rstrip("\n")))
            tail.append(line)
            del tail[:-20]

    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = _resident(child.pid)
            if rss is not None:
                run.samples.append((time.perf_counter() - started, rss))
            done.wait(0.05)

    readers = [threading.Thread(target=read_stderr), threading.Thread(target=sample)]
    for thread in readers:
        thread.start()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not every child's
    run.seconds = time.perf_counter() - started
    done.set()
    child.returncode = os.waitstatus_to_exitcode(status)
    for thread in readers:
        thread.join()
    if child.returncode not in (0, 3):  # 3: --fail-on, not used here; anything else is a failure
        raise SystemExit(f"exited {child.returncode}: {' '.join(command)}\n{''.join(tail)}")
    run.peak_bytes = usage.ru_maxrss * 1024  # KiB on Linux
    return run


def where(folder: Path, first: str, last: str, *, alone: bool = False) -> str:
    """``benchmarks/where_memory.py``'s account of where the peak memory is, for one case."""
    command = [sys.executable, str(Path(__file__).resolve().parent / "where_memory.py"), str(folder), first, last]
    done = subprocess.run(command + (["--missing", "dna"] if alone else []), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def peak_moment(run: Run) -> str:
    """When the sampled resident set was highest, and the last csskpi message before it."""
    if not run.samples:
        return "no /proc samples"
    at, rss = max(run.samples, key=lambda s: s[1])
    before = [m for t, m in run.messages if t <= at and m.startswith("csskpi: loaded")]
    after = ", after " + before[-1].removeprefix("csskpi: ").split(" records")[0] if before else ""
    return f"sampled peak {rss / GIB:.2f} GiB at {at:.1f} s of {run.seconds:.1f} s{after}"


def timeline(run: Run, every: float = 1.0) -> list[str]:
    """The resident set about every ``every`` seconds, interleaved with csskpi's messages."""
    events = [(t, f"{rss / GIB:6.2f} GiB") for t, rss in _thin(run.samples, every)]
    events += [(t, "        " + m[:110]) for t, m in run.messages]
    return [f"{t:7.1f} s {text}" for t, text in sorted(events, key=lambda e: e[0])]


def _thin(samples: list[tuple[float, int]], every: float) -> list[tuple[float, int]]:
    kept: list[tuple[float, int]] = []
    for t, rss in samples:
        if not kept or t - kept[-1][0] >= every:
            kept.append((t, rss))
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="size of the enlarged calls.csv in GiB (default 2)")
    parser.add_argument("--dir", type=Path, help="where to write the data (default: a temporary folder, removed)")
    parser.add_argument("--scale", type=float, default=1.0, help="synthetic scale of the year (default 1.0)")
    parser.add_argument("--alone", action="store_true", help="keep only calls.csv (measured with --missing dna)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best time and largest peak kept")
    parser.add_argument("--trace", action="store_true", help="print each run's memory timeline against csskpi -v")
    parser.add_argument("--floor", action="store_true",
                        help="also measure benchmarks/floor.py (a hand-written polars program, no checks) alike")
    parser.add_argument("--where", action="store_true",
                        help="then run each case again under benchmarks/where_memory.py: which call the peak is in")
    args = parser.parse_args()
    target = int(args.gib * GIB)
    if target <= 0:
        parser.error("--gib must be positive")
    if args.floor and args.alone:
        parser.error("--floor needs every dataset: not with --alone")
    base = args.dir if args.dir is not None else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(base).free
    if free < HEADROOM * target:
        raise SystemExit(f"{base}: {free / GIB:.1f} GiB free, but a {args.gib:g} GiB file needs {HEADROOM:g}x that "
                         f"({HEADROOM * target / GIB:.1f} GiB); choose another --dir or a smaller --gib")
    import csskpi

    with tempfile.TemporaryDirectory(prefix="bench_bigcsv-", dir=base) as tmp:
        folder = Path(tmp) / "year"
        started = time.perf_counter()
        rows = build(folder, target, scale=args.scale, alone=args.alone)
        size = (folder / f"{BIG}.csv").stat().st_size
        print(f"# csskpi {csskpi.__version__} ({Path(csskpi.__file__).parent}), Python {platform.python_version()}, "
              f"{os.cpu_count()} cores; {BIG}.csv at {size / GIB:.2f} GiB ({rows:,} rows), built in "
              f"{time.perf_counter() - started:.0f} s; {'only that file' if args.alone else 'the other datasets as synthesized'}"
              f"; best time / largest peak of {args.repeat}", flush=True)
        cases = [("twelve months", FIRST, LAST), ("one month", MONTH, MONTH)]
        commands = {label: csskpi_command(folder, first, last, missing_dna=args.alone, verbose=args.trace)
                    for label, first, last in cases}
        if args.floor:
            cases += [(f"floor, {label}", first, last) for label, first, last in cases]
            commands |= {label: floor_command(folder, first, last) for label, first, last in cases if label not in commands}
        results: dict[str, Run] = {}
        for _ in range(args.repeat):
            for label, *_ in cases:
                run = measure(commands[label])
                kept = results.setdefault(label, run)
                best = min(run.seconds, kept.seconds)
                if run.peak_bytes > kept.peak_bytes:  # keep the timeline of the run with the largest peak
                    results[label] = kept = run
                kept.seconds = best
        wheres = {label: where(folder, first, last, alone=args.alone)
                  for label, first, last in cases if args.where and not label.startswith("floor")}
    print("| case | file GiB | rows | seconds | peak GiB | peak / file size |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, first, last in cases:
        run = results[label]
        period = first if first == last else f"{first} to {last}"
        print(f"| {label} ({period}) | {size / GIB:.2f} | {rows:,} | {run.seconds:.1f} | {run.peak_bytes / GIB:.2f} "
              f"| {run.peak_bytes / size:.1f}x |")
    print()
    for label, *_ in cases:
        print(f"- {label}: {peak_moment(results[label])}")
    if args.trace:
        for label, *_ in cases[:2]:
            print(f"\n## {label}: resident set against csskpi's messages")
            print("\n".join(timeline(results[label])))
    for label, text in wheres.items():
        print(f"\n## {label}: where the peak is (benchmarks/where_memory.py; slower, so not the run timed above)")
        print(text, end="")


if __name__ == "__main__":
    main()
