"""Benchmark: verifying a results ledger of ten years of one contract (``csskpi ledger verify``).

Builds a ledger of 120 months of the bundled contract (its term stretched to ten years) — every KPI in force each
month with its result, points and credits, the measurements recorded with it — then restates a few years of it
(each restatement a new version of the months whose figures changed), and times:

- ``Ledger.verify()``: the triggers' check, every row's digest and every chain entry's, recomputed;
- the whole ``csskpi ledger verify`` command, as a user runs it (wall time of the process, start-up included);
- for reference, the publication and the restatements (one transaction each).

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_ledger.py                      # SQLite, in a temporary folder, best of 3
    python3 benchmarks/bench_ledger.py --url postgresql+psycopg://user@host/db    # an empty PostgreSQL database

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
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import tomli_w

import csskpi
from csskpi.engine.credits import compute_credits
from csskpi.engine.rules import classify
from csskpi.files.contract import parse_contract
from csskpi.files.contract_dump import dump_contract
from csskpi.ledger import Ledger
from csskpi.model.result import Status

FIRST, MONTHS = csskpi.Period(2015, 4), 120
_WANT = (Status.GREEN, Status.GREEN, Status.GREEN, Status.GREEN, Status.AMBER, Status.RED)


def ten_year_contract() -> csskpi.Contract:
    """The bundled contract, its last extension running to the end of ten years."""
    data = tomllib.loads(dump_contract(csskpi.load_contract("lincolnshire-css")))
    last = FIRST + (MONTHS - 1)
    end = f"{last.year:04d}-{last.month:02d}-28"
    data["contract"]["end"] = end
    if data["contract"].get("extensions"):
        data["contract"]["extensions"][-1]["end"] = end
    return parse_contract(tomli_w.dumps(data))


def figure(step: object, want: Status, variant: int) -> Decimal:
    tsl, msl = step.tsl, step.msl  # type: ignore[attr-defined]
    candidates = [tsl + 20 + Decimal(variant) / 100, tsl - 20 - Decimal(variant) / 100] if want is Status.GREEN else []
    candidates += [tsl, msl, tsl + 1, tsl - 1, msl + 1, msl - 1, msl + 10, msl - 10, Decimal(0), Decimal(100)]
    return next((v for v in candidates if v >= 0 and classify(v, step) is want), Decimal(tsl))  # type: ignore[arg-type]


def measurements(contract: csskpi.Contract, periods: list[csskpi.Period], variant: int) -> list[csskpi.Measurement]:
    out = []
    for p in periods:
        for i, kpi in enumerate(contract.kpis_in_force(p)):
            step = kpi.step_at(p)
            if step is not None:
                want = _WANT[(i + p.index + variant) % len(_WANT)]
                out.append(csskpi.Measurement(kpi.reference, p, figure(step, want, variant), csskpi.Source("reported", "bench.csv", i)))
    return out


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: an SQLite file in a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--restatements", type=int, default=4, help="restatements, each of 12 months (default: 4)")
    args = parser.parse_args()
    contract = ten_year_contract()
    periods = [FIRST + i for i in range(MONTHS)]
    with tempfile.TemporaryDirectory() as tmp:
        target = args.url or str(Path(tmp) / "ledger.db")
        with Ledger.open(target) as ledger:
            ms = measurements(contract, periods, 0)
            ev = csskpi.evaluate(contract, ms, missing="dna")
            started = time.perf_counter()
            ledger.publish(ev, compute_credits(ev), recorded_by="bench", measurements=ms, source="bench.csv")
            publish_s = time.perf_counter() - started
            restate_s = []
            for r in range(args.restatements):
                year = periods[12 * (2 * r % 10): 12 * (2 * r % 10) + 12]
                ev = csskpi.evaluate(contract, measurements(contract, year, r + 1), missing="dna")
                started = time.perf_counter()
                ledger.restate(ev, compute_credits(ev), reason=f"restatement {r + 1}", recorded_by="bench")
                restate_s.append(time.perf_counter() - started)
            result = ledger.verify()
            assert result.ok, result.problems
            with ledger.engine.connect() as conn:
                import sqlalchemy as sa

                counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                          for t in ("month_versions", "results", "kpi_points", "area_credits", "measurements", "chain")}
            verify_s = best(args.repeat, ledger.verify)
        env = dict(os.environ)
        cli_s = best(args.repeat, lambda: subprocess.run([sys.executable, "-m", "csskpi", "ledger", "verify", target],
                                                         check=True, capture_output=True, env=env))
    backend = "PostgreSQL" if args.url else "SQLite"
    print(f"# csskpi ledger verify — {backend}; Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"rows: {counts}")
    print(f"publish 120 months: {publish_s:.2f} s; restatements (12 months each): {', '.join(f'{s:.2f}' for s in restate_s)} s")
    print(f"Ledger.verify(): {verify_s:.3f} s (best of {args.repeat})")
    print(f"csskpi ledger verify (process): {cli_s:.3f} s (best of {args.repeat})")


if __name__ == "__main__":
    main()
