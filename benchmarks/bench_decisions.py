"""Benchmark: judging a year of results against many decisions (mitigations, suspensions, escalations).

``evaluate`` indexes the decisions by KPI-month and area-month once (``csskpi.engine.rules.DecisionIndex``), so
its time grows with results plus decisions. For comparison the benchmark also times the unindexed path —
``judge`` with the plain ``Decisions`` for each result, which scans every decision for each result — on a tenth of
the decisions (at 100,000 it takes minutes).

Run from the repository root after installing (``pip install -r requirements/dev.txt``)::

    python3 benchmarks/bench_decisions.py                  # 100,000 decisions, best of 3
    python3 benchmarks/bench_decisions.py --decisions 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal

import csskpi
from csskpi import Decisions, Escalation, EscalationKind, Measurement, Mitigation, Period, Suspension
from csskpi.engine.rules import judge
from csskpi.model.targets import Direction


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def failing(kpi: csskpi.KPI, period: Period) -> Decimal:
    """A figure that misses MSL (only failing months can be mitigated)."""
    step = kpi.step_at(period)
    assert step is not None
    return step.msl - 1 if kpi.direction is Direction.HIGHER else step.msl + 1


def scenario(count: int, seed: int) -> tuple[csskpi.Contract, list[Measurement], Decisions]:
    contract = csskpi.load_contract("lincolnshire-css")
    months = list(Period.range(Period(2017, 4), Period(2018, 3)))
    rows = [Measurement(k.reference, p, failing(k, p)) for p in months for k in contract.kpis_in_force(p)]
    rng = random.Random(seed)
    mitigations, suspensions, escalations = [], [], []
    for i in range(count):
        row = rng.choice(rows)
        kind = i % 5
        if kind < 2:
            mitigations.append(Mitigation(row.kpi, row.period, row.period, reason=f"reason {i}"))
        elif kind == 2:
            area = contract.kpi(row.kpi).area
            suspensions.append(Suspension((area,), row.period, row.period + rng.randint(0, 2), reason=f"relief {i}"))
        else:
            escalations.append(Escalation(row.kpi, row.period, EscalationKind.ESCALATED, reason=f"query {i}"))
    return contract, rows, Decisions(tuple(mitigations), tuple(suspensions), tuple(escalations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    contract, rows, decisions = scenario(args.decisions, args.seed)
    indexed = best(args.repeat, lambda: csskpi.evaluate(contract, rows, decisions))
    tenth = Decisions(decisions.mitigations[::10], decisions.suspensions[::10], decisions.escalations[::10])
    scanned = best(1, lambda: [judge(contract, m, tenth) for m in rows])
    indexed_tenth = best(args.repeat, lambda: csskpi.evaluate(contract, rows, tenth))
    n_tenth = len(tenth.mitigations) + len(tenth.suspensions) + len(tenth.escalations)
    print(f"python {platform.python_version()} on {platform.machine()}, {len(rows)} results (12 months)")
    print(f"evaluate, indexed: {args.decisions:,} decisions {indexed:.2f} s; "
          f"{n_tenth:,} decisions {indexed_tenth:.2f} s")
    print(f"judge each result scanning every decision: {n_tenth:,} decisions {scanned:.2f} s "
          f"(grows as results x decisions: about {scanned * args.decisions / n_tenth:.0f} s at {args.decisions:,})")


if __name__ == "__main__":
    sys.exit(main())
