"""The main job, end to end, on a fresh install: ``csskpi demo``.

A year of synthetic raw data for the bundled Lincolnshire contract is generated, every KPI is recomputed from it
through the plugins, judged, turned into points and credits, recorded in a ledger, and reported in HTML and
Excel — the whole monthly cycle of a council's commercial team, in one command.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from csskpi.errors import InputError, Problem
from csskpi.files.atomic import atomic_open
from csskpi.files.measurements import write_measurements
from csskpi.model.period import Period
from csskpi.pipeline.assessment import assess_data
from csskpi.pipeline.measure import MeasureRegistry, load_data, report_appendices
from csskpi.pipeline.synth import synthesize, write_data
from csskpi.plugin.registry import load_contract
from csskpi.plugin.types import SynthRequest

__all__ = ["DemoResult", "run_demo", "DEMO_START", "DEMO_DEGRADE"]

# Contract year 5 (April 2019 - March 2020): it spans the arrival of IMT_KPI_14 (December 2019) and the start of
# the PPN 02/20 suspension (March 2020), so the demo shows the contract's changes at work.
DEMO_START = Period(2019, 4)
# Two KPIs the synthetic supplier fails, so that the ladder, the credits and the watch rules have work to do.
DEMO_DEGRADE = frozenset({"CSC_KPI_04", "IMT_KPI_09"})


@attrs.frozen
class DemoResult:
    folder: Path
    data: Path
    measurements: Path
    ledger: Path
    html: Path
    xlsx: Path
    records: int
    months: int
    seconds: float
    summary: str


def run_demo(
    out: str | Path,
    *,
    start: Period = DEMO_START,
    months: int = 12,
    scale: float = 1.0,
    seed: int = 2015,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the monthly cycle on ``months`` months of synthetic data from ``start``; write everything in ``out``."""
    from csskpi.ledger import Ledger
    from csskpi.report import build_report, write_report

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    began = time.perf_counter()
    folder = Path(out)
    ledger_path = folder / "ledger.sqlite"
    if ledger_path.exists():
        raise InputError(Problem("a ledger exists here already: give a new --out folder", file=str(ledger_path)))
    folder.mkdir(parents=True, exist_ok=True)
    contract = load_contract()
    registry = MeasureRegistry.from_plugins()
    end = start + (months - 1)
    periods = list(Period.range(start, end))

    say(f"generating synthetic raw data for {start} to {end} (scale {scale}, seed {seed})")
    frames = synthesize(SynthRequest(start, end, scale, seed, DEMO_DEGRADE & set(registry.measures)), registry)
    data_folder = folder / "data"
    write_data(frames, data_folder)
    say("loading and checking the raw data")
    data = load_data(data_folder, registry)
    say("recomputing every KPI through the plugins; judging, abatement points and service credits")
    assessment = assess_data(
        contract, data, periods, registry, missing="dna", appendices=report_appendices(registry, data),
        as_at=end.last_day + dt.timedelta(days=27),
    )
    evaluation, credits = assessment.evaluation, assessment.credits
    measurements_path = folder / "measurements.csv"
    with atomic_open(measurements_path, "w") as fh:
        write_measurements(assessment.measurements, fh, comment=f"Recomputed by csskpi demo from {data_folder}")

    say(f"recording the months in the ledger {ledger_path}")
    ledger = Ledger.open(ledger_path)
    try:
        ledger.publish(evaluation, credits, recorded_by="csskpi demo", measurements=assessment.measurements,
                       source=str(measurements_path))
    finally:
        ledger.close()

    say("writing the scrutiny report (HTML and Excel)")
    report = build_report(assessment, title=f"Performance of the {contract.title}, {start.label} to {end.label} (synthetic data)")
    html, xlsx = folder / "report.html", folder / "report.xlsx"
    write_report(report, "html", html)
    write_report(report, "xlsx", xlsx)

    last = [r for r in assessment.summary if r.period == end and r.area == "ALL"][0]
    total = credits.total(end)
    summary = (f"{end.label}: {last.green} KPIs achieved TSL, {last.amber} MSL, {last.red} below MSL, {last.blue} "
               f"mitigated, of {last.total}; service credits £{total:,}; {len(credits.warnings)} watch-rule warnings "
               f"over the year")
    records = assessment.measure_run.records if assessment.measure_run else 0
    return DemoResult(folder, data_folder, measurements_path, ledger_path, html, xlsx, records, months,
                      time.perf_counter() - began, summary)
