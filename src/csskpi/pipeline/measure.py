"""Recomputing KPIs from raw data through the measure plugins: the council's verification step.

The plugins' :class:`~csskpi.plugin.registry.Registry` (``MeasureRegistry``) says which datasets and measures
there are; :func:`measure` runs every KPI in force in each month on the loaded data, calling each plugin's
:attr:`Measure.compute <csskpi.plugin.types.Measure.compute>` directly, and returns measurements built from the
counts, with the data-quality findings. A KPI whose dataset is absent, or that no plugin measures, is data not
available — and said so in a finding, never silently skipped.

Importing this module is cheap: polars and the calendars are imported when data is loaded or measured.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from csskpi.errors import ContractError, PluginError, Problem
from csskpi.model.contract import Contract
from csskpi.model.measurement import Counts, Measurement, Source
from csskpi.model.period import Period
from csskpi.model.tabular import Columns, Tabular, short_repr, span
from csskpi.pipeline.tables import findings_columns, measurements_columns
from csskpi.plugin.registry import MeasureRegistry, PluginInfo, Registry
from csskpi.plugin.types import AppendixInput, AppendixTable, MeasureInput

if TYPE_CHECKING:
    from csskpi.data.calendars import BusinessCalendar, WorkingHours
    from csskpi.data.load import DataFolder, Finding
    from csskpi.files.profile import Profile

_log = logging.getLogger("csskpi")
_log.addHandler(logging.NullHandler())  # a library is silent unless its user configures logging

__all__ = [
    "MeasureRegistry",
    "MeasureRun",
    "PluginInfo",
    "Registry",
    "build_appendix",
    "contract_clocks",
    "load_data",
    "measure",
    "report_appendices",
]


@attrs.frozen(repr=False)  # a short repr: csskpi.model.tabular
class MeasureRun(Tabular):
    """Measurements recomputed from raw data, with what was found along the way."""

    measurements: tuple[Measurement, ...]
    findings: tuple[Finding, ...]
    data: DataFolder = attrs.field(eq=False, repr=False)

    @property
    def records(self) -> int:
        """How many raw records were loaded (the size of the work)."""
        return sum(d.height for d in self.data.datasets.values())

    def _columns(self, table: str | None) -> Columns:
        if table in (None, "measurements"):
            return measurements_columns(self.measurements)
        if table == "findings":
            return findings_columns(self.findings)
        raise ValueError(f"'table' must be 'measurements' or 'findings', not {table!r}")

    def _summary(self) -> str:
        return short_repr("MeasureRun", measurements=len(self.measurements), findings=len(self.findings),
                          records=self.records, months=span(m.period for m in self.measurements))


def contract_clocks(contract: Contract, calendar: BusinessCalendar | None = None) -> dict[str, WorkingHours]:
    """The contract's business-hours clocks by name: the two every contract has, as its file sets them
    (``calendar``: England and Wales' by default)."""
    from csskpi.data.calendars import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES, SERVICE_DESK_HOURS, WorkingHours

    calendar = ENGLAND_AND_WALES if calendar is None else calendar
    clocks = {"core_support_hours": CORE_SUPPORT_HOURS, "service_desk_hours": SERVICE_DESK_HOURS}
    for clock in contract.parameters.clocks:
        clocks[clock.name] = WorkingHours(clock.open, clock.close, calendar)
    return clocks


def load_data(
    folder: str | Path | None,
    registry: Registry,
    *,
    frames: Mapping[str, object] | None = None,
    only: Iterable[str] | None = None,
    profile: Profile | None = None,
    months: tuple[Contract, Iterable[Period]] | None = None,
) -> DataFolder:
    """Load every declared dataset found in ``folder`` (or given as frames), with the plugins' findings; with
    ``only``, just those datasets (a data folder may hold every dataset of the contract).

    With ``months`` (a contract and the months to measure) only the datasets the KPIs in force then need are read,
    and of each only the records that can count in those months (:func:`csskpi.pipeline.rules.rows_needed`):
    the other records' tested columns are checked, their other cells are not read.

    With an import ``profile`` the datasets it describes are read from the council's own exports through it
    (:func:`csskpi.data.profile.load_profiled`).
    """
    from csskpi.data.load import load_data_folder

    specs = registry.datasets if only is None else {d: registry.datasets[d] for d in only}
    hooks = {name: spec.findings for name, spec in specs.items() if spec.findings is not None}
    rows = None
    if months is not None:
        from csskpi.data.calendars import ENGLAND_AND_WALES
        from csskpi.pipeline.rules import rows_needed

        contract, periods = months
        clocks = contract_clocks(contract, ENGLAND_AND_WALES)
        rows = rows_needed(contract, periods, registry.measures, ENGLAND_AND_WALES, clocks, specs)
        if profile is not None:  # an export read through a profile is read whole; only the datasets needed
            specs = {name: spec for name, spec in specs.items() if name in rows}
    if profile is not None:
        from csskpi.data.profile import load_profiled

        mapped = attrs.evolve(profile, datasets={d: p for d, p in profile.datasets.items() if d in specs})
        data = load_profiled(folder, specs, mapped, frames=frames or {}, findings=hooks)
    else:
        data = load_data_folder(folder, specs, frames=frames or {}, findings=hooks, rows=rows)
    for name, loaded in data.datasets.items():  # csskpi -v shows them
        _log.info("loaded %s: %d records from %s", name, loaded.height, loaded.source)
    for name in data.absent:
        _log.info("dataset %s is absent", name)
    if data.ignored:
        _log.info("ignored (no dataset's): %s", ", ".join(data.ignored))
    return data


def measure(
    contract: Contract,
    data: DataFolder,
    periods: Iterable[Period],
    registry: Registry,
    *,
    progress: Callable[[Period, int, int], None] | None = None,
) -> MeasureRun:
    """Recompute every KPI in force in each of ``periods`` from ``data``: each measure's ``compute`` is called
    with the month, its datasets, its contract parameters, the calendar and the contract's clocks."""
    from csskpi.data.calendars import ENGLAND_AND_WALES
    from csskpi.data.load import Finding
    from csskpi.pipeline.rules import rule_counts, rule_months

    periods = list(periods)
    params = contract.parameters
    calendar = ENGLAND_AND_WALES
    clocks = contract_clocks(contract, calendar)
    frames = data.frames()
    measurements: list[Measurement] = []
    findings: list[Finding] = list(data.findings)
    source = Source("recomputed", data.folder)
    problems: list[Problem] = []
    # Rule measures: one query each over every month, collected together; the others month by month below.
    months = rule_months(contract, periods, registry.measures, frames)
    ruled = rule_counts(contract, frames, months, registry.measures, calendar, clocks)
    for i, period in enumerate(periods):
        if progress is not None:
            progress(period, i, len(periods))
        if not contract.calendar.contains(period):
            cal = contract.calendar
            span = f"{cal.first_period} to {cal.last_period}"
            raise ContractError(Problem(f"{period} is outside the contract ({span})", field="period"))
        for kpi in contract.kpis_in_force(period):
            spec = registry.measures.get(kpi.measure)
            if spec is None:
                nobody = f"no installed plugin provides measure {kpi.measure!r}"
                findings.append(Finding(message=f"{kpi.reference} {period}: {nobody}: data not available"))
                measurements.append(Measurement(kpi.reference, period, None, source))
                continue
            absent = [d for d in spec.datasets if d not in frames]
            if absent:
                findings.append(Finding(
                    dataset=absent[0],
                    message=f"{kpi.reference} {period}: dataset {', '.join(absent)} absent: data not available",
                ))
                measurements.append(Measurement(kpi.reference, period, None, source))
                continue
            inputs = MeasureInput(
                period, {d: frames[d] for d in spec.datasets}, params.measures.get(kpi.measure, {}), calendar, clocks,
                measure=kpi.measure,
            )
            counts: object = ruled.get((kpi.measure, period)) or spec.compute(inputs)
            if not isinstance(counts, Counts):
                what = type(counts).__name__
                problems.append(Problem(f"measure {kpi.measure!r} returned {what}, not Counts", kpi=kpi.reference))
                continue
            if counts.population == 0:
                findings.append(
                    Finding(message=f"{kpi.reference} {period}: no records in the population: data not available")
                )
            measurements.append(
                Measurement.from_counts(kpi.reference, period, counts, source=source, decimals=params.decimals)
            )
    if problems:
        raise PluginError(problems)
    for finding in findings:  # a library user can silence or collect them (logging.getLogger("csskpi"))
        _log.warning("finding: %s", finding)
    return MeasureRun(tuple(measurements), tuple(findings), data)


# ----------------------------------------------------------------------------- does the folder hold what it should


def build_appendix(
    registry: Registry, name: str, data: DataFolder, start: Period, end: Period, as_at: dt.date
) -> AppendixTable:
    """Build the plugin appendix ``name`` (see :meth:`Registry.appendices <csskpi.plugin.registry.Registry>`) from
    the loaded data, for months ``start`` to ``end`` as at ``as_at``."""
    from csskpi.data.calendars import ENGLAND_AND_WALES

    appendix = registry.appendix(name)
    frames = data.frames()
    absent = [d for d in appendix.datasets if d not in frames]
    if absent:
        needs = f"appendix {name!r} needs dataset {', '.join(absent)}, absent from {data.folder}"
        raise PluginError(Problem(needs, field="data"))
    return appendix.build(
        AppendixInput(start, end, as_at, {d: frames[d] for d in appendix.datasets}, ENGLAND_AND_WALES)
    )


def report_appendices(registry: Registry, data: DataFolder) -> tuple[str, ...]:
    """The appendices the plugins declare for the report whose datasets ``data`` holds, in registry order."""
    return registry.report_appendices(data.frames())
