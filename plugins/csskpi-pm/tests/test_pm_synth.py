"""Synthetic People Management data: deterministic, loadable, realistic, GREEN by default and RED when degraded."""

from __future__ import annotations

import datetime as dt

import csskpi
import polars as pl
import pytest
from csskpi.data.load import load_dataset
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.measure import MeasureRegistry, load_data
from csskpi.pipeline.synth import write_data
from csskpi.plugin.types import SynthRequest
from csskpi.testing import synth_statuses

import csskpi_pm.plugin
from csskpi_pm.datasets import DATASETS
from csskpi_pm.measures import MEASURES
from csskpi_pm.synth import synthesize

BY_NAME = {m.name: m for m in MEASURES}

SPRING = SynthRequest(Period(2017, 4), Period(2017, 6), scale=1.0, seed=11)
PM_KPIS = sorted(BY_NAME)
SPECS = {spec.name: spec for spec in DATASETS}


def _frames(request: SynthRequest) -> dict[str, pl.DataFrame]:
    return {f.dataset: f.frame for f in synthesize(request)}


@pytest.fixture(scope="module")
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[csskpi_pm.plugin]))


@pytest.fixture(scope="module")
def spring() -> dict[str, pl.DataFrame]:
    return _frames(SPRING)


def test_one_frame_per_dataset_with_exactly_the_declared_columns(spring: dict[str, pl.DataFrame]) -> None:
    assert set(spring) == set(SPECS) | {"surveys"}
    for name, frame in spring.items():
        declared = (
            [c.name for c in SPECS[name].columns]
            if name in SPECS
            else ["kind", "response_id", "responded_on", "rating"]
        )
        assert frame.columns == declared, name
    assert set(spring["surveys"]["kind"].unique()) == {"pm_manager_contact", "pm_my_helpdesk"}
    assert spring["surveys"]["response_id"].str.starts_with("pm_").all()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(spring: dict[str, pl.DataFrame]) -> None:
    again = _frames(SPRING)
    other = _frames(SynthRequest(SPRING.start, SPRING.end, SPRING.scale, seed=12))
    for name, frame in spring.items():
        assert frame.equals(again[name]), name
        assert not frame.equals(other[name]), name


def test_every_frame_loads_cleanly_from_a_frame_and_from_csv(
    spring: dict[str, pl.DataFrame], tmp_path, registry
) -> None:
    for name, frame in spring.items():
        loaded = load_dataset(registry.datasets[name], frame)
        assert loaded.height == frame.height
        assert not loaded.findings, (name, [str(f) for f in loaded.findings])
    small = _frames(SynthRequest(Period(2017, 5), Period(2017, 5), scale=0.02, seed=3))
    written = write_data(small, tmp_path, "csv")
    data = load_data(tmp_path, registry)
    assert not data.absent and len(written) == len(small)
    for name, frame in small.items():
        assert data[name].frame.select(frame.columns).equals(frame), name


def test_volumes_per_month_at_scale_one(spring: dict[str, pl.DataFrame]) -> None:
    may = {
        "payroll_payments": ("payment_date", 20_000),
        "payment_errors": ("identified_on", 150),
        "third_party_deductions": ("due_on", 2_000),
        "pm_contacts": ("received_at", 3_000),
        "spot_checks": ("checked_on", 500),
        "recruitments": ("authorised_on", 300),
        "pm_transactions": ("received_at", 5_000),
        "surveys": ("responded_on", 600),
    }
    for name, (column, volume) in may.items():
        month = spring[name].filter(pl.col(column).dt.year() == 2017, pl.col(column).dt.month() == 5)
        assert month.height == volume, name
    recipients = spring["payroll_payments"].filter(pl.col("payment_date").dt.month() == 5)["recipient_id"].n_unique()
    assert recipients == 18_000


def test_realistic_days_times_and_open_records(spring: dict[str, pl.DataFrame]) -> None:
    contacts = spring["pm_contacts"]
    per_day = contacts.group_by(pl.col("received_at").dt.date().alias("day")).len()
    on = dict(zip(per_day["day"].to_list(), per_day["len"].to_list(), strict=True))
    assert on.get(dt.date(2017, 5, 1), 0) * 10 < on[dt.date(2017, 5, 2)]  # early May bank holiday: little activity
    assert on.get(dt.date(2017, 4, 14), 0) * 10 < on[dt.date(2017, 4, 13)]  # Good Friday
    hours = contacts["received_at"].dt.hour()
    assert ((hours >= 8) & (hours < 18)).mean() > 0.9
    # Extracted at the end of June: some contacts and transactions are still open, none completed later.
    for name, column in (("pm_contacts", "resolved_at"), ("pm_transactions", "completed_at")):
        assert spring[name][column].null_count() > 0
        assert spring[name][column].max() < dt.datetime(2017, 7, 1)
    # Long-running records from before April that were still open then are there: April's population is whole.
    assert spring["recruitments"]["authorised_on"].min() < dt.date(2017, 4, 1)
    assert spring["pm_transactions"]["received_at"].min() < dt.datetime(2017, 4, 1)


def test_default_data_is_green(spring: dict[str, pl.DataFrame], registry: MeasureRegistry) -> None:
    statuses = synth_statuses(csskpi.load_contract(), BY_NAME.values(), spring, SPRING.periods, registry.datasets)
    assert len(statuses) == len(PM_KPIS) * 3
    assert {k: s for k, s in statuses.items() if s is not Status.GREEN} == {}


def test_degraded_measures_are_red(registry: MeasureRegistry) -> None:
    request = SynthRequest(Period(2017, 5), Period(2017, 6), scale=0.5, seed=5, degrade=PM_KPIS)
    frames = _frames(request)
    statuses = synth_statuses(csskpi.load_contract(), BY_NAME.values(), frames, request.periods, registry.datasets)
    assert {k: s for k, s in statuses.items() if s is not Status.RED} == {}


def test_degrading_one_measure_leaves_the_others_green(registry: MeasureRegistry) -> None:
    request = SynthRequest(Period(2017, 5), Period(2017, 5), scale=0.5, seed=5, degrade={"PM_KPI_11"})
    frames = _frames(request)
    statuses = synth_statuses(csskpi.load_contract(), BY_NAME.values(), frames, request.periods, registry.datasets)
    assert statuses.pop(("PM_KPI_11", Period(2017, 5))) is Status.RED
    assert set(statuses.values()) == {Status.GREEN}


def test_a_tiny_scale_still_gives_rows_everywhere(registry: MeasureRegistry) -> None:
    frames = _frames(SynthRequest(Period(2017, 5), Period(2017, 6), scale=0.0001, seed=1))
    for name, frame in frames.items():
        assert frame.height >= 2, name
        load_dataset(registry.datasets[name], frame)
