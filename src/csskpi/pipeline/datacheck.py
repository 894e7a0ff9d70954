"""What the data must be, and whether this month's data is it: the dataset catalogue and the data check.

:func:`dataset_catalogue` lists every dataset the installed plugins (and csskpi itself) declare: its columns with
their kinds, allowed values and meaning, which plugin declares it and which of a contract's KPIs read it.
:func:`check_data` loads each dataset of a data folder on its own (through an import profile where one is given)
and says, per dataset, whether it was found, how many records it holds, the months it covers and every problem
and finding — without measuring anything: the step a council runs when the month's exports arrive.
"""

from __future__ import annotations

import os
from typing import Any

import attrs
import polars as pl

from csskpi.data.load import Finding
from csskpi.data.spec import ColumnKind, DatasetSpec
from csskpi.errors import CsskpiError, InputError, Problem
from csskpi.files.profile import Profile
from csskpi.model.contract import Contract
from csskpi.pipeline.measure import MeasureRegistry, load_data

__all__ = ["DataCheck", "DatasetCheck", "DatasetInfo", "check_data", "dataset_catalogue", "declared_by"]


@attrs.frozen
class DatasetInfo:
    """One dataset as a council must supply it."""

    spec: DatasetSpec
    plugin: str | None
    kpis: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """As JSON: every column with its kind, whether it may be empty, its allowed values and meaning."""
        spec = self.spec
        return {
            "name": spec.name, "description": spec.description, "plugin": self.plugin, "kpis": list(self.kpis),
            "id_column": spec.id_column, "ordered": [list(p) for p in spec.ordered],
            "columns": [{"name": c.name, "kind": c.kind.value, "required": not c.nullable, "values": list(c.values),
                         "description": c.description} for c in spec.columns],
        }


def declared_by(registry: MeasureRegistry) -> dict[str, str]:
    """The plugin that declares each dataset."""
    return {dataset: info.name for info in registry.plugins() for dataset in info.datasets}


def dataset_catalogue(registry: MeasureRegistry, contract: Contract | None = None) -> tuple[DatasetInfo, ...]:
    """Every declared dataset, in name order, with the plugin declaring it and the contract's KPIs reading it."""
    owners = declared_by(registry)
    readers: dict[str, list[str]] = {}
    for kpi in contract.kpis if contract is not None else ():
        measure = registry.measures.get(kpi.measure)
        for dataset in measure.datasets if measure is not None else ():
            readers.setdefault(dataset, []).append(kpi.reference)
    return tuple(DatasetInfo(registry.datasets[name], owners.get(name), tuple(readers.get(name, ())))
                 for name in sorted(registry.datasets))


@attrs.frozen
class DatasetCheck:
    """One dataset of a data folder as found: ``status`` is ``ok``, ``absent`` or ``invalid``."""

    name: str
    status: str
    source: str | None = None
    rows: int = 0
    months: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    findings: tuple[Finding, ...] = ()

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "source": self.source, "rows": self.rows,
            "months": list(self.months),
            "problems": [{"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                         for p in self.problems],
            "findings": [{"file": f.file, "row": f.row, "column": f.column, "message": f.message, "count": f.count}
                         for f in self.findings],
        }


@attrs.frozen
class DataCheck:
    """Every dataset of a data folder, checked; ``ignored`` the files no dataset claims."""

    folder: str | None
    profile: str | None
    datasets: tuple[DatasetCheck, ...]
    ignored: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for d in self.datasets for p in d.problems)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for d in self.datasets for f in d.findings)

    def record(self) -> dict[str, Any]:
        return {"folder": self.folder, "profile": self.profile, "datasets": [d.record() for d in self.datasets],
                "ignored": list(self.ignored), "problems": len(self.problems), "findings": len(self.findings)}


def _months(frame: pl.DataFrame, spec: DatasetSpec) -> tuple[str, ...]:
    """The months of the dataset's first required date or timestamp column (the one that places a record)."""
    for column in spec.columns:
        if column.kind in (ColumnKind.DATE, ColumnKind.DATETIME) and not column.nullable:
            months = frame.select(pl.col(column.name).dt.strftime("%Y-%m").unique().sort()).to_series()
            return tuple(m for m in months.to_list() if m is not None)
    return ()


def check_data(
    folder: str | os.PathLike[str], registry: MeasureRegistry, profile: Profile | None = None
) -> DataCheck:
    """Load each declared dataset of ``folder`` on its own and report it; raises only if there is no folder."""
    if not os.path.isdir(folder):
        raise InputError(Problem("not a folder: the data folder must exist", file=os.fspath(folder)))
    checks: list[DatasetCheck] = []
    ignored: set[str] | None = None
    named: set[str] = set()
    for name, spec in sorted(registry.datasets.items()):
        mine = None
        if profile is not None:
            mine = attrs.evolve(profile, datasets={n: d for n, d in profile.datasets.items() if n == name})
            mine = mine if mine.datasets else None
        try:
            data = load_data(os.fspath(folder), registry, only=(name,), profile=mine)
        except CsskpiError as error:
            checks.append(DatasetCheck(name, "invalid", problems=error.problems))
            named.update(os.path.basename(p.file or "").partition("[")[0] for p in error.problems)
            continue
        ignored = set(data.ignored) if ignored is None else ignored & set(data.ignored)
        if name not in data:
            checks.append(DatasetCheck(name, "absent"))
            continue
        loaded = data[name]
        checks.append(DatasetCheck(name, "ok", loaded.source, loaded.height, _months(loaded.frame, spec),
                                   findings=loaded.findings))
    if profile is not None:
        for dataset in sorted(set(profile.datasets) - set(registry.datasets)):
            checks.append(DatasetCheck(dataset, "invalid", problems=(Problem(
                f"the profile maps dataset {dataset!r}, which no plugin declares", file=profile.file),)))
    left = tuple(sorted((ignored or set()) - named))
    return DataCheck(os.fspath(folder), None if profile is None else profile.name, tuple(checks), left)
