"""The conformance suite: properties every measure must have, checkable from any plugin's own tests.

A measure turns raw records into counts. Whatever KPI it computes, it must not depend on the order of the records
or on how they were split across files, its counts must be consistent, its evidence (if it gives any: a rule
measure always does) must add up exactly to its counts, it must be deterministic, the engine must
judge it data-not-available when a dataset it reads is absent, and a bad cell in any of its datasets must be
reported with its row. :func:`check_measure` checks one measure on sample data and returns what fails;
:func:`assert_conforms` raises with the whole list. Use it from a plugin's tests::

    from csskpi.plugin import Registry
    from csskpi.testing.conformance import assert_conforms

    def test_my_measures_conform(sample_frames):
        registry = Registry.from_plugins()
        assert_conforms(registry, ["FOI_KPI_01"], sample_frames, periods=[Period(2021, 1)], contract=my_contract)
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.errors import InputError
from csskpi.model.contract import Contract
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.pipeline.measure import contract_clocks, load_data, measure
from csskpi.plugin.registry import Registry
from csskpi.plugin.types import ColumnKind, MeasureInput
from csskpi.testing.evidence import evidence_problem

__all__ = ["ConformanceFailure", "check_measure", "assert_conforms", "CHECKS"]

CHECKS = ("deterministic", "counts", "order", "split", "evidence", "absent-dataset", "schema-row")

# A value no typed column can parse, whatever its kind.
_BAD_CELL = {ColumnKind.DATE: "2017-02-30", ColumnKind.DATETIME: "yesterday", ColumnKind.INT: "twelve",
             ColumnKind.DECIMAL: "1,5", ColumnKind.BOOL: "perhaps", ColumnKind.ENUM: "__no_such_value__"}


@attrs.frozen
class ConformanceFailure:
    measure: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.measure}: {self.check}: {self.message}"


def _compute(registry: Registry, name: str, period: Period, frames: Mapping[str, pl.DataFrame],
             contract: Contract | None) -> object:
    """The measure's ``compute`` called as the core calls it: its name, the month, its data, parameters, clocks."""
    parameters = contract.parameters.measures.get(name, {}) if contract else {}
    clocks = contract_clocks(contract) if contract else {}
    inputs = MeasureInput(period, frames, parameters, ENGLAND_AND_WALES, clocks, measure=name)
    result: object = registry.measures[name].compute(inputs)
    return result


def check_measure(
    registry: Registry,
    name: str,
    frames: Mapping[str, pl.DataFrame],
    periods: Sequence[Period],
    *,
    contract: Contract | None = None,
    seed: int = 0,
) -> list[ConformanceFailure]:
    """Every conformance failure of measure ``name`` on the sample ``frames`` (typed, as loaded) in ``periods``.

    ``contract`` supplies the measure's parameters and, for the absent-dataset check, the KPIs that use it.
    """
    failures: list[ConformanceFailure] = []

    def fail(check: str, message: str) -> None:
        failures.append(ConformanceFailure(name, check, message))

    spec = registry.measures.get(name)
    if spec is None:
        return [ConformanceFailure(name, "registered", "no installed plugin declares this measure")]
    mine = {d: frames[d] for d in spec.datasets if d in frames}
    missing = [d for d in spec.datasets if d not in frames]
    if missing:
        return [ConformanceFailure(name, "sample", f"the sample data lacks {', '.join(missing)}")]
    for period in periods:
        first = _compute(registry, name, period, mine, contract)
        if _compute(registry, name, period, mine, contract) != first:
            fail("deterministic", f"{period}: two runs on the same data gave different counts")
        if not isinstance(first, Counts):
            fail("counts", f"{period}: returned {type(first).__name__}, not Counts")
            continue
        if first.population is not None and not 0 <= first.passing <= first.population:
            fail("counts", f"{period}: passing {first.passing} of population {first.population}")
        shuffled = {d: f.sample(fraction=1.0, shuffle=True, seed=seed) for d, f in mine.items()}
        if _compute(registry, name, period, shuffled, contract) != first:
            fail("order", f"{period}: shuffling the records changed the counts")
        split = {}
        for d, f in mine.items():
            mask = pl.Series([(i * 7919 + seed) % 3 == 0 for i in range(f.height)], dtype=pl.Boolean)
            split[d] = pl.concat([f.filter(~mask), f.filter(mask)])  # two files, read in the other order
        if _compute(registry, name, period, split, contract) != first:
            fail("split", f"{period}: splitting the records into two datasets and concatenating changed the counts")
        problem = evidence_problem(spec, period, mine, contract, first)
        if problem:
            fail("evidence", f"{period}: {problem}")
    failures += _check_absent(registry, name, frames, periods, contract)
    failures += _check_schema_rows(registry, name, mine)
    return failures


def _check_absent(registry: Registry, name: str, frames: Mapping[str, pl.DataFrame], periods: Sequence[Period],
                  contract: Contract | None) -> list[ConformanceFailure]:
    if contract is None:
        return []
    kpis = [k for p in periods for k in contract.kpis_in_force(p) if k.measure == name]
    failures = []
    for dataset in registry.measures[name].datasets:
        others = {d: f for d, f in frames.items() if d != dataset and d in registry.datasets}
        run = measure(contract, load_data(None, registry, frames=others), periods, registry)
        for m in run.measurements:
            if any(k.reference == m.kpi for k in kpis) and m.value is not None:
                failures.append(ConformanceFailure(name, "absent-dataset", f"{m.kpi} {m.period} has a value without {dataset}"))
    return failures


def _check_schema_rows(registry: Registry, name: str, frames: Mapping[str, pl.DataFrame]) -> list[ConformanceFailure]:
    failures = []
    for dataset, frame in frames.items():
        spec = registry.datasets[dataset]
        typed = [c for c in spec.columns if c.kind in _BAD_CELL]
        if not typed or frame.height == 0:
            continue
        column, row = typed[0], min(2, frame.height - 1)
        written = pl.col(column.name)
        if column.kind is ColumnKind.DATE:
            written = written.dt.strftime("%Y-%m-%d")
        elif column.kind is ColumnKind.DATETIME:
            written = written.dt.strftime("%Y-%m-%dT%H:%M:%S")
        bad = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == row).then(pl.lit(_BAD_CELL[column.kind]))
            .otherwise(written.cast(pl.String)).alias(column.name)
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{dataset}.csv"
            bad.write_csv(path, date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S")
            try:
                load_dataset(spec, path)
            except InputError as exc:
                # The sample is valid but for that one cell: it must be the one problem, named by line and column.
                if [(p.line, p.field) for p in exc.problems] != [(row + 2, column.name)]:
                    failures.append(ConformanceFailure(name, "schema-row", f"{dataset}: the bad {column.name!r} on line {row + 2} was reported as: {exc}"))
            else:
                failures.append(ConformanceFailure(name, "schema-row", f"{dataset}: a bad {column.name!r} on line {row + 2} was accepted"))
    return failures


def assert_conforms(
    registry: Registry,
    names: Iterable[str],
    frames: Mapping[str, pl.DataFrame],
    periods: Sequence[Period],
    *,
    contract: Contract | None = None,
) -> None:
    """Raise ``AssertionError`` listing every conformance failure of the named measures."""
    failures = [f for name in names for f in check_measure(registry, name, frames, periods, contract=contract)]
    if failures:
        raise AssertionError("measures do not conform:\n" + "\n".join(f"  {f}" for f in failures))
