"""The benchmarks still run and still measure what they say, at a tiny scale: the hand-written floor
(``benchmarks/floor.py``) gives csskpi's counts KPI-month by KPI-month, and the large-CSV benchmark's generator
(``benchmarks/bench_bigcsv.py``) writes a folder csskpi accepts. Nothing here is timed: timings belong in the
benchmarks themselves."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
FIRST, LAST = "2017-04", "2017-06"


def _load(name: str) -> ModuleType:
    """A benchmark script as a module, by its path: ``benchmarks/`` is not a package (nor should it be collected)."""
    spec = importlib.util.spec_from_file_location(f"_benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script is executed
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three synthetic months at a small scale."""
    folder = tmp_path_factory.mktemp("quarter")
    _load("bench_bigcsv").synthesize(folder, scale=0.02, first=FIRST, last=LAST)
    return folder


def _same_counts(bench_floor: ModuleType, folder: Path) -> int:
    try:
        compared: int = bench_floor.check_same_counts(folder, FIRST, LAST)
    except subprocess.CalledProcessError as error:  # show why the floor (or csskpi) failed to run
        pytest.fail(f"{' '.join(map(str, error.cmd))} exited {error.returncode}:\n{error.stderr}")
    except SystemExit as disagreement:
        pytest.fail(str(disagreement))
    return compared


def test_the_floor_counts_what_csskpi_counts(quarter: Path) -> None:
    compared = _same_counts(_load("bench_floor"), quarter)
    assert compared >= 3 * 30  # about 40 KPIs a month in force, three months: not a vacuous comparison


def test_both_sides_run_byte_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As an installed package is: a run without bytecode would time csskpi compiling its own modules.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = _load("bench_floor").compiled_env(tmp_path / "pycache")
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")
    subprocess.run([sys.executable, "-c", "import csskpi.data.csvfile"], env=env, check=True)
    assert list((tmp_path / "pycache").rglob("csvfile*.pyc"))


def test_a_floor_that_disagrees_is_caught(quarter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same floor, but one KPI-month's passing count off by one: check_same_counts must refuse it.
    real = BENCHMARKS / "floor.py"
    (tmp_path / "floor.py").write_text(
        "import csv, subprocess, sys\n"
        f"out = subprocess.run([sys.executable, {str(real)!r}, *sys.argv[1:]], capture_output=True, text=True,\n"
        "                     check=True).stdout.splitlines()\n"
        "rows = list(csv.DictReader(out))\n"
        "wrong = next(r for r in rows if r['population'] and int(r['population']) > int(r['passing']))\n"
        "wrong['passing'] = str(int(wrong['passing']) + 1)\n"
        "w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))\n"
        "w.writeheader(); w.writerows(rows)\n"
    )
    bench_floor = _load("bench_floor")
    monkeypatch.setattr(bench_floor, "HERE", tmp_path)
    with pytest.raises(SystemExit, match="disagrees with csskpi on 1 KPI-months"):
        bench_floor.check_same_counts(quarter, FIRST, LAST)


def test_the_generator_repeats_rows_with_fresh_ids_and_the_rest_unchanged(tmp_path: Path) -> None:
    bench = _load("bench_bigcsv")
    calls = tmp_path / "calls.csv"
    original = "call_id,queue,offered_at,answered_at,abandoned_at\n" + "".join(
        f"CL{i},q{i % 3},2017-04-0{i}T08:00:00,,2017-04-0{i}T08:01:00\n" for i in range(1, 6))
    calls.write_text(original)
    header, *body = original.splitlines()
    copies = [body, [line.replace(",", "-1,", 1) for line in body], [line.replace(",", "-2,", 1) for line in body]]
    expected = [header] + [line for copy in copies for line in copy]
    target = len("\n".join(expected)) - 10  # two whole copies more, but for the last few bytes of the last row
    assert bench.enlarge(calls, target) == 15
    assert calls.read_text().splitlines() == expected
    calls.write_text(original)
    assert bench.enlarge(calls, 10) == 5 and calls.read_text() == original  # never cut short: the year would end early


def test_the_large_csv_generator_keeps_ids_unique_and_csskpi_accepts_it(tmp_path: Path) -> None:
    bench = _load("bench_bigcsv")
    folder = tmp_path / "year"
    target = 2 << 20  # 2 MiB: a tiny year's calls (about 0.6 MiB) three times over and part of a fourth
    rows = bench.build(folder, target, scale=0.01)
    calls = folder / "calls.csv"
    size = calls.stat().st_size
    assert target <= size < target + 200  # stops at the first whole row past the target
    with open(calls, newline="") as f:
        read = list(csv.DictReader(f))
    assert len(read) == rows
    ids = [r["call_id"] for r in read]
    assert len(set(ids)) == len(ids)
    assert any(i.endswith("-3") for i in ids)  # repeated over and over, each copy with fresh ids
    done = subprocess.run([sys.executable, "-m", "csskpi", "measure", "--data", str(folder), "--period", "2017-04",
                           "--to", "2018-03", "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)["measurements"]
    # Every call is offered in the year, to the LRSP queue (CSC_KPI_10) or another (CSC_KPI_04): csskpi read them all.
    offered = [m["denominator"] for m in measured if m["kpi"] in ("CSC_KPI_04", "CSC_KPI_10")]
    assert len(offered) == 24 and sum(offered) == rows


def test_where_memory_names_the_calls_the_peak_falls_in(quarter: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCHMARKS / "where_memory.py"), str(quarter), FIRST, LAST],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "functions wrapped" in lines[0]
    assert any(line.startswith("#   ") for line in lines[1:])  # the stack at the peak (at this scale, maybe none)
    rows = [line.split("|")[1:-1] for line in lines if line.startswith(("| data.", "| pipeline."))]
    assert len(rows) == 12  # the top twelve functions, by the most resident memory sampled in them
    for _, calls, start, most, own in rows:
        assert int(calls) > 0 and 0 < int(start.replace(",", "")) <= int(most.replace(",", ""))
        assert int(own.replace(",", "")) > 0
