"""Recomputing KPIs from raw data through the measure plugins: the council's verification step.

:class:`MeasureRegistry` gathers what the plugins declare (datasets, measures, appendices); :func:`measure`
runs every KPI in force in each month on the loaded data and returns measurements built from the plugins'
counts, with the data-quality findings. A KPI whose dataset is absent, or that no plugin measures, is data not
available — and said so in a finding, never silently skipped.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import attrs
import pluggy
import polars as pl

from csskpi.data.calendars import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES, SERVICE_DESK_HOURS, BusinessCalendar, WorkingHours
from csskpi.model.contract import Contract
from csskpi.errors import ContractError, PluginError, Problem
from csskpi.model.measurement import Counts, Measurement, Source
from csskpi.plugin.types import Appendix, AppendixInput, AppendixTable, DatasetSpec, Measure, MeasureInput
from csskpi.model.period import Period
from csskpi.plugin.manager import get_plugin_manager
from csskpi.data.load import DataFolder, Finding, LoadedDataset, load_data_folder
from csskpi.data.spec import ColumnKind
from csskpi.plugin.registry import collect

__all__ = [
    "PluginInfo", "MeasureRegistry", "MeasureRun", "measure", "load_data", "build_appendix", "contract_clocks",
    "check_data", "near_miss",
]


@attrs.frozen
class PluginInfo:
    """What one plugin provides: its name, version, measures (KPI measure names) and datasets."""

    name: str
    version: str | None
    kpis: tuple[str, ...]
    datasets: tuple[str, ...]
    appendices: tuple[str, ...] = ()


@attrs.frozen
class MeasureRegistry:
    """Every dataset, measure and appendix the installed plugins declare, and which plugin declared each."""

    datasets: Mapping[str, DatasetSpec]
    measures: Mapping[str, Measure]
    appendices: Mapping[str, Appendix]
    pm: pluggy.PluginManager = attrs.field(eq=False, repr=False)

    @classmethod
    def from_plugins(cls, pm: pluggy.PluginManager | None = None) -> MeasureRegistry:
        pm = pm if pm is not None else get_plugin_manager()
        datasets: dict[str, DatasetSpec] = collect(pm, "csskpi_datasets", lambda d: d.name, "dataset")
        measures: dict[str, Measure] = collect(pm, "csskpi_measures", lambda m: m.name, "measure")
        appendices: dict[str, Appendix] = collect(pm, "csskpi_appendices", lambda a: a.name, "appendix")
        problems = [
            Problem(f"measure {m.name!r} reads dataset {d!r}, which no plugin declares")
            for m in measures.values()
            for d in m.datasets
            if d not in datasets
        ] + [
            Problem(f"measure {m.name!r} uses column {c!r} that dataset {d!r} does not declare")
            for m in measures.values()
            for d, cols in m.columns.items()
            if d in datasets
            for c in cols
            if c not in {col.name for col in datasets[d].columns}
        ]
        if problems:
            raise PluginError(problems)
        return cls(datasets, measures, appendices, pm)

    def appendix(self, name: str) -> Appendix:
        if name not in self.appendices:
            known = ", ".join(sorted(self.appendices)) or "none installed"
            raise PluginError(Problem(f"no appendix named {name!r} (known: {known})", field="appendix"))
        return self.appendices[name]

    def plugins(self) -> tuple[PluginInfo, ...]:
        """One entry per registered plugin that declares anything, in registration order."""
        versions = {self.pm.get_name(p): d.version for p, d in self.pm.list_plugin_distinfo()}
        owned: dict[str, dict[str, list[str]]] = {}
        for hook, key in (("csskpi_measures", "kpis"), ("csskpi_datasets", "datasets"), ("csskpi_appendices", "appendices")):
            for impl in getattr(self.pm.hook, hook).get_hookimpls():
                items = impl.function() or []
                owned.setdefault(impl.plugin_name, {"kpis": [], "datasets": [], "appendices": []})[key].extend(i.name for i in items)
        return tuple(
            PluginInfo(name, versions.get(name), tuple(v["kpis"]), tuple(v["datasets"]), tuple(v["appendices"]))
            for name, v in owned.items()
        )


@attrs.frozen
class MeasureRun:
    """Measurements recomputed from raw data, with what was found along the way."""

    measurements: tuple[Measurement, ...]
    findings: tuple[Finding, ...]
    data: DataFolder = attrs.field(eq=False, repr=False)

    @property
    def records(self) -> int:
        """How many raw records were loaded (the size of the work)."""
        return sum(d.height for d in self.data.datasets.values())


def contract_clocks(contract: Contract, calendar: BusinessCalendar = ENGLAND_AND_WALES) -> dict[str, WorkingHours]:
    """The contract's business-hours clocks by name: the two every contract has, as its file sets them."""
    clocks = {"core_support_hours": CORE_SUPPORT_HOURS, "service_desk_hours": SERVICE_DESK_HOURS}
    for clock in contract.parameters.clocks:
        clocks[clock.name] = WorkingHours(clock.open, clock.close, calendar)
    return clocks


def load_data(
    folder: str | Path | None, registry: MeasureRegistry, *, frames: Mapping[str, object] | None = None
) -> DataFolder:
    """Load every declared dataset found in ``folder`` (or given as frames), with the plugins' findings."""
    hooks = {name: spec.findings for name, spec in registry.datasets.items() if spec.findings is not None}
    return load_data_folder(folder, registry.datasets, frames=frames or {}, findings=hooks)


def measure(
    contract: Contract,
    data: DataFolder,
    periods: Iterable[Period],
    registry: MeasureRegistry,
    *,
    progress: Callable[[Period, int, int], None] | None = None,
) -> MeasureRun:
    """Recompute every KPI in force in each of ``periods`` from ``data``."""
    periods = list(periods)
    params = contract.parameters
    calendar = ENGLAND_AND_WALES
    clocks = contract_clocks(contract, calendar)
    frames = data.frames()
    measurements: list[Measurement] = []
    findings: list[Finding] = list(data.findings)
    source = Source("recomputed", data.folder)
    problems: list[Problem] = []
    for i, period in enumerate(periods):
        if progress is not None:
            progress(period, i, len(periods))
        if not contract.calendar.contains(period):
            cal = contract.calendar
            raise ContractError(Problem(f"{period} is outside the contract ({cal.first_period} to {cal.last_period})", field="period"))
        for kpi in contract.kpis_in_force(period):
            spec = registry.measures.get(kpi.measure)
            if spec is None:
                findings.append(Finding(message=f"{kpi.reference} {period}: no installed plugin provides measure {kpi.measure!r}: data not available"))
                measurements.append(Measurement(kpi.reference, period, None, source))
                continue
            absent = [d for d in spec.datasets if d not in frames]
            if absent:
                findings.append(Finding(dataset=absent[0], message=f"{kpi.reference} {period}: dataset {', '.join(absent)} absent: data not available"))
                measurements.append(Measurement(kpi.reference, period, None, source))
                continue
            inputs = MeasureInput(
                period, {d: frames[d] for d in spec.datasets}, params.measures.get(kpi.measure, {}), calendar, clocks
            )
            counts = registry.pm.hook.csskpi_compute_measure(measure=kpi.measure, inputs=inputs)
            if not isinstance(counts, Counts):
                problems.append(Problem(f"measure {kpi.measure!r} returned {type(counts).__name__}, not Counts", kpi=kpi.reference))
                continue
            if counts.population == 0:
                findings.append(Finding(message=f"{kpi.reference} {period}: no records in the population: data not available"))
            measurements.append(Measurement.from_counts(kpi.reference, period, counts, source=source, decimals=params.decimals))
    if problems:
        raise PluginError(problems)
    return MeasureRun(tuple(measurements), tuple(findings), data)


# ----------------------------------------------------------------------------- does the folder hold what it should


def _time_column(spec: DatasetSpec) -> str | None:
    """The column that dates a dataset's records: its first required date or datetime column."""
    for column in spec.columns:
        if column.kind in (ColumnKind.DATE, ColumnKind.DATETIME) and not column.nullable:
            return column.name
    return None


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
    if loaded.height == 0:
        return [Problem(f"dataset {loaded.name!r} holds no records ({who} for {months[0]})", file=loaded.source)]
    column = _time_column(spec)
    if column is None:
        return []
    last = loaded.frame[column].max()
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
    column = _time_column(spec)
    if column is None or not periods or loaded.height == 0:
        return []
    early, late = (periods[0] + -24).first_day, (periods[-1] + 12).last_day
    stamps = loaded.frame[column]
    days = stamps.dt.date() if stamps.dtype != pl.Date else stamps
    far = (days < early) | (days > late)
    count = int(far.sum())
    if not count:
        return []
    first = int(far.arg_true()[0])
    earliest, latest = cast(dt.date, days.filter(far).min()), cast(dt.date, days.filter(far).max())
    return [Finding(dataset=loaded.name, file=loaded.source, row=loaded.row_number(first), column=column, count=count,
                    message=f"dated {earliest} to {latest}, far outside the months "
                            f"measured ({periods[0]} to {periods[-1]}): counted in no KPI")]


def build_appendix(
    registry: MeasureRegistry, name: str, data: DataFolder, start: Period, end: Period, as_at: dt.date
) -> AppendixTable:
    """Build a plugin's appendix (e.g. ``payroll-contacts``) from the loaded data."""
    appendix = registry.appendix(name)
    frames = data.frames()
    absent = [d for d in appendix.datasets if d not in frames]
    if absent:
        raise PluginError(Problem(f"appendix {name!r} needs dataset {', '.join(absent)}, absent from {data.folder}", field="data"))
    return appendix.build(AppendixInput(start, end, as_at, {d: frames[d] for d in appendix.datasets}, ENGLAND_AND_WALES))
