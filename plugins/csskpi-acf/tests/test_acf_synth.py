"""The ACF synthetic data: deterministic per seed, loadable, realistic, GREEN by default and RED when degraded."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import polars as pl
import pytest
from acf_test_support import SPECS
from csskpi_acf.measures import MEASURES
from csskpi_acf.synth import VOLUMES, synthesize

from csskpi import Period, Status, get_plugin_manager, load_contract
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.plugin.types import SynthRequest
from csskpi.testing import synth_statuses

START, END = Period(2017, 4), Period(2017, 9)
NAMES = [m.name for m in MEASURES]


@pytest.fixture(scope="module")
def contract():
    return load_contract("lincolnshire-css", get_plugin_manager(load_entry_points=False))


@pytest.fixture(scope="module")
def half_year() -> dict[str, pl.DataFrame]:
    return {f.dataset: f.frame for f in synthesize(SynthRequest(START, END, 1.0, 0))}


def test_same_seed_same_frames_other_seed_other_frames() -> None:
    request = SynthRequest(Period(2017, 5), Period(2017, 6), 0.05, 11)
    first, again = synthesize(request), synthesize(request)
    other = synthesize(SynthRequest(Period(2017, 5), Period(2017, 6), 0.05, 12))
    assert [f.dataset for f in first] == [f.dataset for f in again]
    for a, b, c in zip(first, again, other, strict=True):
        assert a.frame.equals(b.frame), a.dataset
        assert not a.frame.equals(c.frame), a.dataset


def test_frames_load_cleanly_with_exactly_the_declared_columns(half_year) -> None:
    for name, frame in half_year.items():
        spec = SPECS[name]
        assert frame.columns == [c.name for c in spec.columns], name
        loaded = load_dataset(spec, frame)
        assert loaded.findings == (), name  # nothing odd in default data
        assert loaded.frame.schema == frame.schema, name  # already the types the loader gives


def test_frames_survive_a_csv_round_trip(tmp_path) -> None:
    from csskpi.pipeline.synth import write_data

    frames = {f.dataset: f.frame for f in synthesize(SynthRequest(Period(2017, 5), Period(2017, 5), 0.02, 3))}
    for path in write_data(frames, tmp_path):
        loaded = load_dataset(SPECS[path.stem], path)
        assert loaded.frame.equals(frames[path.stem]), path.stem


def test_volumes_per_month(half_year) -> None:
    months = END.index - START.index + 1
    for name, frame in half_year.items():
        expected = VOLUMES[name] * months
        assert 0.9 * expected <= frame.height <= 1.2 * expected, name
    surveys = half_year["surveys"]
    assert surveys["kind"].unique().to_list() == ["acf_user"]
    assert surveys["response_id"].str.starts_with("acf_user").all()
    tiny = {f.dataset: f.frame for f in synthesize(SynthRequest(START, END, 0.0001, 0))}
    for name, frame in tiny.items():
        assert frame.height >= END.index - START.index + 1, name  # at least a row a month


def test_snapshots_are_month_end_and_ids_unique_within_them(half_year) -> None:
    for name, id_column in (("acf_income", "invoice_id"), ("acf_service_users", "service_user_id")):
        frame = half_year[name]
        dates = frame["snapshot_on"].unique().sort().to_list()
        assert len(dates) == END.index - START.index + 1
        for day in dates:  # the last business day of its month
            assert ENGLAND_AND_WALES.is_business_day(day)
            assert ENGLAND_AND_WALES.add_business_days(day, 1).month != day.month
        assert frame.select(pl.struct(id_column, "snapshot_on").is_unique().all()).item()
    assert dates[-1] == dt.date(2017, 9, 29)


def test_staff_work_business_days_and_office_hours(half_year) -> None:
    for name, column in (("financial_assessments", "referred_on"), ("financial_assessments", "completed_on"),
                         ("direct_payments", "first_paid_on"), ("legal_charges", "submitted_on"),
                         ("court_protection", "commenced_on")):
        days = half_year[name][column].drop_nulls()
        assert days.to_frame().select(ENGLAND_AND_WALES.is_business_day_expr(pl.col(column)).all()).item(), name
    received = half_year["acf_contacts"]["received_at"]
    hours = received.dt.hour().to_numpy()
    assert 0.9 < np.mean((hours >= 8) & (hours < 18)) < 0.97
    per_day = Counter(received.dt.date().to_list())
    assert per_day[dt.date(2017, 5, 1)] < per_day[dt.date(2017, 5, 2)] / 5  # early May bank holiday
    assert per_day[dt.date(2017, 5, 29)] < per_day[dt.date(2017, 5, 30)] / 5  # spring bank holiday


def test_some_records_are_still_open_at_the_end(half_year) -> None:
    for name, column in (("financial_assessments", "completed_on"), ("direct_payments", "first_paid_on"),
                         ("court_protection", "commenced_on")):
        frame = half_year[name]
        open_rows = frame.filter(pl.col(column).is_null())
        assert open_rows.height > 0, name
        assert frame[column].max() <= END.last_day, name
        assert open_rows["referred_on"].min() >= dt.date(2017, 7, 1), name  # only recent referrals are open
    cp = half_year["court_protection"]
    assert cp.filter(pl.col("commenced_on").is_null() & pl.col("actioned_correctly").is_not_null()).height == 0


def test_default_data_is_green_near_the_published_figures(half_year, contract) -> None:
    statuses = synth_statuses(contract, MEASURES, half_year, Period.range(START, END), SPECS)
    assert set(statuses.values()) == {Status.GREEN}, {k: v for k, v in statuses.items() if v is not Status.GREEN}


def test_other_seeds_are_mostly_green(contract) -> None:
    periods = list(Period.range(Period(2018, 1), Period(2018, 3)))
    frames = {f.dataset: f.frame for f in synthesize(SynthRequest(periods[0], periods[-1], 1.0, 2024))}
    statuses = Counter(synth_statuses(contract, MEASURES, frames, periods, SPECS).values())
    assert statuses[Status.RED] == 0
    assert statuses[Status.GREEN] >= 0.9 * sum(statuses.values())


@pytest.mark.parametrize("scale", [1.0, 0.05])
def test_degraded_measures_are_red(contract, scale) -> None:
    degraded = {"ACF_KPI_03", "ACF_KPI_06", "ACF_KPI_07", "ACF_KPI_10"}
    periods = list(Period.range(Period(2017, 5), Period(2017, 6)))
    request = SynthRequest(periods[0], periods[-1], scale, 5, degrade=degraded)
    statuses = synth_statuses(contract, MEASURES, {f.dataset: f.frame for f in synthesize(request)}, periods, SPECS)
    for (name, period), status in statuses.items():
        if name in degraded:
            assert status is Status.RED, (name, period)
    if scale == 1.0:
        assert all(s is Status.GREEN for (n, _), s in statuses.items() if n not in degraded)


def test_every_measure_can_be_degraded(contract) -> None:
    periods = [Period(2017, 11), Period(2017, 12)]
    request = SynthRequest(periods[0], periods[-1], 0.2, 9, degrade=NAMES)
    statuses = synth_statuses(contract, MEASURES, {f.dataset: f.frame for f in synthesize(request)}, periods, SPECS)
    assert set(statuses.values()) == {Status.RED}


def test_a_year_at_scale_one_is_a_county_councils_volume() -> None:
    # Speed is measured in benchmarks/bench_measure.py, never asserted here.
    frames = synthesize(SynthRequest(Period(2017, 1), Period(2017, 12), 1.0, 1))
    assert sum(f.frame.height for f in frames) > 200_000
