"""Whether a data folder holds what the KPIs in force need, before anything is measured.

Data not available is RED with full abatement points, so a file named ``Incidents.csv`` instead of
``incidents.csv``, an empty file or data that ends before the month must never quietly become a failure: each is a
problem naming the dataset (and the near miss), unless the caller chooses to judge those KPIs data not available.
Files that are no dataset's and records far outside the months measured are findings.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from csskpi.data.spec import DatasetSpec
from csskpi.errors import Problem
from csskpi.model.contract import Contract
from csskpi.model.period import Period

if TYPE_CHECKING:

    from csskpi.data.load import DataFolder, Finding, LoadedDataset
    from csskpi.plugin.registry import Registry as MeasureRegistry

__all__ = ["check_data", "near_miss"]


def near_miss(name: str, datasets: Iterable[str]) -> str | None:
    """The dataset file a misnamed file was probably meant to be (``Incidents.csv`` -> ``incidents.csv``)."""
    path = Path(name)
    stem, suffix = path.stem, path.suffix.lower() if path.suffix.lower() in (".csv", ".parquet", ".xlsx") else ".csv"
    names = list(datasets)
    folded = {n.casefold(): n for n in names}
    match = folded.get(stem.strip().casefold().replace(" ", "_").replace("-", "_"))
    if match is None:
        close = difflib.get_close_matches(stem.casefold(), names, n=1, cutoff=0.8)
        match = close[0] if close else None
    return None if match is None else f"{match}{suffix}"


def check_data(
    contract: Contract, data: DataFolder, periods: Iterable[Period], registry: MeasureRegistry
) -> tuple[list[Problem], list[Finding]]:
    """Whether the data folder holds what the KPIs in force in ``periods`` need.

    Problems (data not available would be RED with full points: money taken because of a file name): a dataset
    a KPI needs that is absent (naming a misnamed file if there is one), that holds no records, or whose records
    end before a month measured. Findings: files that are no dataset's, and records dated far outside the months
    measured (they count in no KPI).
    """
    from csskpi.data.load import Finding

    periods = sorted(set(periods))
    problems: list[Problem] = []
    findings: list[Finding] = []
    guesses: dict[str, str] = {}
    for name in data.ignored:
        if name.startswith("."):
            continue
        guess = near_miss(name.split("[")[0], registry.datasets)
        if guess is not None:
            guesses.setdefault(Path(guess).stem, name)
        hint = f": did you mean {guess}?" if guess else f" (datasets are {', '.join(sorted(registry.datasets))})"
        findings.append(Finding(file=name, message=f"no dataset is read from this file{hint}"))
    needs: dict[str, dict[Period, list[str]]] = {}
    for period in periods:
        for kpi in contract.kpis_in_force(period) if contract.calendar.contains(period) else ():
            spec = registry.measures.get(kpi.measure)
            for dataset in spec.datasets if spec is not None else ():
                needs.setdefault(dataset, {}).setdefault(period, []).append(kpi.reference)
    folder = data.folder or "the data given"
    for dataset, months in needs.items():
        kpis = sorted({k for refs in months.values() for k in refs})
        who = f"{', '.join(kpis[:4])}{' and more' if len(kpis) > 4 else ''} need{'s' if len(kpis) == 1 else ''} it"
        if dataset not in data:
            misnamed = ""
            if dataset in guesses:
                misnamed = f"; {guesses[dataset]}: did you mean {near_miss(guesses[dataset], [dataset])}?"
            problems.append(Problem(f"dataset {dataset!r} is absent from {folder} ({who} for {min(months)}){misnamed}",
                                    file=data.folder, field=dataset))
            continue
        loaded = data[dataset]
        problems.extend(_reach(loaded, registry.datasets[dataset], sorted(months), who))
        problems.extend(_snapshots(loaded, sorted(months)))
        findings.extend(_far_outside(loaded, registry.datasets[dataset], periods))
    return problems, findings


def _reach(loaded: LoadedDataset, spec: DatasetSpec, months: list[Period], who: str) -> list[Problem]:
    if loaded.every_record()[0].height == 0:
        return [Problem(f"dataset {loaded.name!r} holds no records ({who} for {months[0]})", file=loaded.source)]
    column = spec.dated_by
    if column is None:
        return []
    last = loaded.every_record()[0][column].max()
    if last is None:
        return []
    if not isinstance(last, dt.date):
        return []
    last_day = last.date() if isinstance(last, dt.datetime) else last
    short = [p for p in months if last_day < p.first_day]
    if not short:
        return []
    return [Problem(f"the records end on {last_day} ('{column}'), before {short[0]}: {who} for "
                    f"{', '.join(str(p) for p in short[:3])}{' and later' if len(short) > 3 else ''}",
                    file=loaded.source, field=column)]


SNAPSHOT_COLUMN = "snapshot_on"  # a dataset of month-end snapshots dates each by this column


def _snapshots(loaded: LoadedDataset, months: list[Period]) -> list[Problem]:
    """A month-end snapshot dated after its month (the 1st of the next): the month would be judged on an older
    snapshot, or none. Each month measured needs a snapshot dated within it."""
    import polars as pl

    if SNAPSHOT_COLUMN not in loaded.frame.columns or loaded.height == 0:
        return []
    dates = loaded.frame[SNAPSHOT_COLUMN].drop_nulls()
    if dates.dtype != pl.Date:
        return []
    problems = []
    for period in months:
        within = dates.filter((dates >= period.first_day) & (dates <= period.last_day))
        after = dates.filter((dates > period.last_day) & (dates <= period.last_day + dt.timedelta(days=7)))
        if within.is_empty() and not after.is_empty():
            problems.append(Problem(
                f"no snapshot is dated in {period}; the one dated {cast(dt.date, after.min())} is after the month: a month-end "
                "snapshot is dated within its month", file=loaded.source, field=SNAPSHOT_COLUMN))
    return problems


def _far_outside(loaded: LoadedDataset, spec: DatasetSpec, periods: list[Period]) -> list[Finding]:
    """Records dated more than two years before, or a year after, the months measured: counted in no KPI."""
    import polars as pl

    from csskpi.data.load import Finding

    column = spec.dated_by
    every, rows = loaded.every_record()
    if column is None or not periods or every.height == 0:
        return []
    early, late = (periods[0] + -24).first_day, (periods[-1] + 12).last_day
    stamps = every[column]
    days = stamps.dt.date() if stamps.dtype != pl.Date else stamps
    far = (days < early) | (days > late)
    count = int(far.sum())
    if not count:
        return []
    first = int(far.arg_true()[0])
    earliest, latest = cast(dt.date, days.filter(far).min()), cast(dt.date, days.filter(far).max())
    return [Finding(dataset=loaded.name, file=loaded.source, row=int(rows[first]), column=column, count=count,
                    message=f"dated {earliest} to {latest}, far outside the months "
                            f"measured ({periods[0]} to {periods[-1]}): counted in no KPI")]
