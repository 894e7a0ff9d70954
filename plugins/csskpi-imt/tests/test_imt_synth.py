"""Synthetic IMT data: deterministic per seed, loadable, realistic, GREEN by default and RED where degraded."""

from __future__ import annotations

import collections
import datetime as dt
import functools

import csskpi
import polars as pl
import pytest
from csskpi.data.calendars import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.measure import MeasureRegistry, load_data
from csskpi.pipeline.synth import synthesize as core_synthesize
from csskpi.pipeline.synth import write_data
from csskpi.plugin.types import MeasureInput, SynthRequest
from csskpi.testing import synth_statuses

from csskpi_imt import plugin, synth
from csskpi_imt.measures import MEASURES

IMT_DATASETS = {
    "outages",
    "incidents",
    "service_requests",
    "cmdb_changes",
    "milestones",
    "app_response",
    "patching",
    "surveys",
}
MAY, JUNE = Period(2017, 5), Period(2017, 6)


@functools.cache
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))


@functools.cache
def frames(
    start: Period, end: Period, scale: float = 1.0, seed: int = 0, degrade: frozenset[str] = frozenset()
) -> dict[str, pl.DataFrame]:
    return {f.dataset: f.frame for f in synth.synthesize(SynthRequest(start, end, scale, seed, degrade))}


def statuses(data: dict[str, pl.DataFrame], periods: list[Period]) -> dict[str, list[Status]]:
    contract = csskpi.load_contract()
    by_month = synth_statuses(contract, MEASURES, data, periods, registry().datasets)
    assert set(by_month) == {(k.reference, p) for p in periods for k in contract.kpis_in_force(p, "IMT")}
    found: dict[str, list[Status]] = collections.defaultdict(list)
    for (kpi, _), status in sorted(by_month.items()):
        found[kpi].append(status)
    return found


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = frames(MAY, JUNE, 0.2, 11)
    again = {f.dataset: f.frame for f in synth.synthesize(SynthRequest(MAY, JUNE, 0.2, 11))}
    other = frames(MAY, JUNE, 0.2, 12)
    assert set(first) == IMT_DATASETS
    for name in IMT_DATASETS:
        assert first[name].equals(again[name]), name
        assert not first[name].equals(other[name]), name


def test_a_months_rows_do_not_depend_on_the_other_months_asked_for() -> None:
    alone = frames(MAY, MAY, 0.2, 3)
    longer = frames(Period(2017, 4), MAY, 0.2, 3)
    may = longer["milestones"].filter(pl.col("due_on").dt.month() == 5)
    assert may.equals(alone["milestones"])


def test_every_frame_loads_cleanly_through_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = core_synthesize(SynthRequest(MAY, JUNE, 0.1, 5, frozenset({"IMT_KPI_07"})), registry())
    assert set(data) >= IMT_DATASETS
    for name, frame in data.items():
        loaded = load_dataset(registry().datasets[name], frame)
        assert loaded.height == frame.height
        assert not loaded.findings, (name, loaded.findings)
    write_data(data, tmp_path)
    folder = load_data(tmp_path, registry())
    for name in IMT_DATASETS:
        assert folder[name].frame.equals(load_dataset(registry().datasets[name], data[name]).frame), name


def test_volumes_ids_and_open_records() -> None:
    data = frames(MAY, JUNE)
    per_month = {
        "incidents": 5000,
        "service_requests": 8000,
        "cmdb_changes": 1000,
        "outages": 20,
        "milestones": 20,
        "app_response": 10000,
        "patching": 4000,
        "surveys": 500,
    }
    for name, expected in per_month.items():
        assert 0.75 * 2 * expected <= data[name].height <= 1.25 * 2 * expected, name
    for name, id_column in (
        ("incidents", "incident_id"),
        ("service_requests", "request_id"),
        ("outages", "outage_id"),
        ("surveys", "response_id"),
    ):
        assert data[name][id_column].n_unique() == data[name].height
    assert data["surveys"]["response_id"].str.starts_with("it_incident-").all()
    assert set(data["surveys"]["kind"]) == {"it_incident"}
    assert (
        data["patching"].select(pl.struct("device_id", "update_released_on").n_unique()).item()
        == data["patching"].height
    )
    # Some records are still open at the end of the data (June), none long before.
    assert data["service_requests"]["fulfilled_at"].null_count() > 0
    assert data["incidents"].filter(pl.col("resolved_at").is_null())["priority"].is_in(["P3", "P4"]).all()
    tiny = frames(MAY, MAY, 0.0001)
    assert all(frame.height >= 1 for frame in tiny.values())


def test_staff_work_office_hours_and_not_on_bank_holidays() -> None:
    incidents = frames(MAY, JUNE)["incidents"]
    opened_day = incidents["opened_at"].dt.date()
    days = (MAY.first_day + dt.timedelta(n) for n in range(61))
    business = opened_day.is_in([d for d in days if ENGLAND_AND_WALES.is_business_day(d)])
    assert business.mean() > 0.97  # type: ignore[operator]
    assert incidents.filter(opened_day == dt.date(2017, 5, 29)).height < 0.01 * incidents.height
    resolved = incidents.drop_nulls("resolved_at")["resolved_at"]
    # Resolutions are counted on the Core Support Hours clock: within working hours of business days.
    clock_start = pl.select(CORE_SUPPORT_HOURS.clock_start_expr(pl.lit(resolved))).to_series()
    on_clock = (clock_start == resolved) | (resolved.dt.hour() == 18) & (resolved.dt.minute() == 0) & (
        resolved.dt.second() == 0
    )
    assert on_clock.all()
    assert not resolved.dt.date().is_in([dt.date(2017, 5, 1), dt.date(2017, 5, 29)]).any()


def test_default_data_is_green_for_most_kpis() -> None:
    periods = list(Period.range(Period(2017, 4), Period(2017, 9)))
    found = statuses(frames(periods[0], periods[-1]), periods)
    in_force = {k.reference for p in periods for k in csskpi.load_contract().kpis_in_force(p, "IMT")}
    assert set(found) == in_force
    all_statuses = [s for months in found.values() for s in months]
    assert all_statuses.count(Status.GREEN) >= 0.9 * len(all_statuses)
    for kpi, months in found.items():
        assert months.count(Status.GREEN) >= len(months) // 2, (kpi, months)
        assert Status.RED not in months, kpi


def test_degraded_kpis_are_red() -> None:
    degrade = frozenset(m.name for m in MEASURES)
    data = frames(MAY, JUNE, 1.0, 0, degrade)
    found = statuses(data, [MAY, JUNE])
    assert found and all(months == [Status.RED, Status.RED] for months in found.values()), found
    kpi_14 = next(m for m in MEASURES if m.name == "IMT_KPI_14")
    for period in (MAY, JUNE):
        counts = kpi_14.compute(MeasureInput(period, {"patching": data["patching"]}, {}))
        assert Measurement.from_counts("IMT_KPI_14", period, counts).value < 85  # type: ignore[operator]


@pytest.mark.parametrize("kpi", ["IMT_KPI_01", "IMT_KPI_07", "IMT_KPI_11"])
def test_degrading_one_kpi_leaves_the_others_alone(kpi: str) -> None:
    found = statuses(frames(MAY, MAY, 1.0, 0, frozenset({kpi})), [MAY])
    assert found[kpi] == [Status.RED]
    others = [s for name, months in found.items() if name != kpi for s in months]
    assert Status.RED not in others
