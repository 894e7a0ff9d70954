"""The conformance suite run over every measure of every installed plugin, on synthetic data."""

from __future__ import annotations

import polars as pl
import pytest

import csskpi
from csskpi import Counts, MeasureInput, Period, hookimpl
from csskpi.pipeline.measure import MeasureRegistry, load_data
from csskpi.testing.conformance import assert_conforms, check_measure

PERIODS = [Period(2017, 5), Period(2017, 6)]
LATER = [Period(2020, 10)]  # ACF_KPI_11 and the revised KPIs of the second extension


@pytest.fixture(scope="module")
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins()


@pytest.fixture(scope="module")
def frames(registry: MeasureRegistry) -> dict[str, pl.DataFrame]:
    data = csskpi.synthesize(csskpi.SynthRequest(Period(2017, 4), Period(2017, 6), 0.05, 5), registry)
    return load_data(None, registry, frames=data).frames()


@pytest.fixture(scope="module")
def later_frames(registry: MeasureRegistry) -> dict[str, pl.DataFrame]:
    data = csskpi.synthesize(csskpi.SynthRequest(Period(2020, 9), Period(2020, 10), 0.05, 5), registry)
    return load_data(None, registry, frames=data).frames()


def _plugin_measures(registry: MeasureRegistry) -> list[tuple[str, str]]:
    return [(p.name, m) for p in registry.plugins() for m in p.kpis]


@pytest.mark.parametrize("plugin", ["pm", "imt", "csc", "acf", "finance"])
def test_every_builtin_measure_conforms(registry: MeasureRegistry, frames: dict[str, pl.DataFrame],
                                        later_frames: dict[str, pl.DataFrame], contract: csskpi.Contract, plugin: str) -> None:
    names = [m for owner, m in _plugin_measures(registry) if owner == plugin]
    assert names
    early = [n for n in names if any(k.measure == n for k in contract.kpis_in_force(PERIODS[0]))]
    assert_conforms(registry, early, frames, PERIODS, contract=contract)
    late = [n for n in names if n not in early]
    assert_conforms(registry, late, later_frames, LATER, contract=contract)


def _broken(compute: object) -> MeasureRegistry:
    calls = csskpi.DatasetSpec("calls", (csskpi.Column("call_id", csskpi.ColumnKind.STR), csskpi.Column("offered_on", csskpi.ColumnKind.DATE)), id_column="call_id")

    class Plugin:
        @hookimpl
        def csskpi_datasets(self) -> list[csskpi.DatasetSpec]:
            return [calls]

        @hookimpl
        def csskpi_measures(self) -> list[csskpi.Measure]:
            return [csskpi.Measure("X_KPI_01", {"calls": ("offered_on",)}, compute)]  # type: ignore[arg-type]
    return MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[Plugin()]))


SAMPLE = {"calls": pl.DataFrame({"call_id": [f"c{i}" for i in range(12)],
                                 "offered_on": [Period(2017, 5).first_day.replace(day=1 + i) for i in range(12)]})}


def test_the_suite_catches_an_order_dependent_measure() -> None:
    first_is_late = _broken(lambda i: Counts(int(i.data["calls"]["offered_on"][0].day > 1), 1))
    checks = {f.check for f in check_measure(first_is_late, "X_KPI_01", SAMPLE, [Period(2017, 5)], seed=1)}
    assert "order" in checks


def test_the_suite_catches_inconsistent_and_nondeterministic_counts() -> None:
    import itertools

    counter = itertools.count()
    flaky = _broken(lambda i: Counts(next(counter) % 2, 1))
    assert "deterministic" in {f.check for f in check_measure(flaky, "X_KPI_01", SAMPLE, [Period(2017, 5)])}
    percent = _broken(lambda i: 97.5)
    assert "counts" in {f.check for f in check_measure(percent, "X_KPI_01", SAMPLE, [Period(2017, 5)])}


def test_a_conforming_measure_passes() -> None:
    fine = _broken(lambda i: Counts(i.data["calls"].filter(pl.col("offered_on").dt.day() > 6).height, i.data["calls"].height))
    assert check_measure(fine, "X_KPI_01", SAMPLE, [Period(2017, 5)]) == []


def _with_evidence(compute: object, rule: object = None, evidence: object = None) -> MeasureRegistry:
    calls = csskpi.DatasetSpec("calls", (csskpi.Column("call_id", csskpi.ColumnKind.STR), csskpi.Column("offered_on", csskpi.ColumnKind.DATE)), id_column="call_id")
    measure = csskpi.Measure("X_KPI_01", {"calls": ("call_id", "offered_on")}, compute, rule=rule, evidence=evidence)  # type: ignore[arg-type]

    class Plugin:
        @hookimpl
        def csskpi_datasets(self) -> list[csskpi.DatasetSpec]:
            return [calls]

        @hookimpl
        def csskpi_measures(self) -> list[csskpi.Measure]:
            return [measure]

    return MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[Plugin()]))


def _late_rule(ctx: object) -> object:
    from csskpi.plugin.rules import RecordRule

    return RecordRule(dataset="calls", id="call_id", month="offered_on", passes=pl.col("offered_on").dt.day() > 6)


def test_the_suite_checks_that_the_evidence_adds_up_to_the_counts() -> None:
    from csskpi.plugin.rulequery import rule_compute

    honest = rule_compute("X_KPI_01", _late_rule, "records")  # type: ignore[arg-type]
    assert check_measure(_with_evidence(honest, _late_rule), "X_KPI_01", SAMPLE, [Period(2017, 5)]) == []
    # The same rule, with a compute that counts one record too few: the evidence gives it away.
    short = _with_evidence(lambda i: Counts(honest(i).passing - 1, 12), _late_rule)
    failures = check_measure(short, "X_KPI_01", SAMPLE, [Period(2017, 5)])
    assert [f.check for f in failures] == ["evidence"]
    assert "adds up to Counts(passing=6" in failures[0].message


def test_the_suite_checks_a_measures_own_evidence_rows() -> None:
    def rows(inputs: MeasureInput) -> pl.DataFrame:
        return pl.DataFrame({"id": ["c1", "c2"], "verdict": ["pass", "maybe"]})

    odd = _with_evidence(lambda i: Counts(1, 2), evidence=rows)
    [failure] = check_measure(odd, "X_KPI_01", SAMPLE, [Period(2017, 5)])
    assert failure.check == "evidence" and "lacks the columns" in failure.message
