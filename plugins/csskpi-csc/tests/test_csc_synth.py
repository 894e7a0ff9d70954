"""Synthetic CSC data: deterministic per seed, loadable (also through CSV), mostly GREEN, RED where degraded."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl
import pytest
from csskpi_csc import synth
from csskpi_csc.datasets import DATASETS
from csskpi_csc.measures import MEASURES

from csskpi import Period, Status, load_contract
from csskpi.data.load import load_dataset
from csskpi.data.surveys import SURVEYS
from csskpi.plugin.types import SynthFrame, SynthRequest
from csskpi.testing import synth_statuses

SPECS = {spec.name: spec for spec in (*DATASETS, SURVEYS)}
START, END = Period(2017, 4), Period(2017, 6)


@functools.cache
def generate(seed: int = 3, scale: float = 0.05, degrade: frozenset[str] = frozenset()) -> tuple[SynthFrame, ...]:
    return tuple(synth.synthesize(SynthRequest(START, END, scale, seed, degrade)))


def frames(*args: object) -> dict[str, pl.DataFrame]:
    return {f.dataset: f.frame for f in generate(*args)}  # type: ignore[arg-type]


def statuses(data: dict[str, pl.DataFrame]) -> dict[tuple[str, Period], Status]:
    found = synth_statuses(load_contract(), MEASURES, data, Period.range(START, END), SPECS)
    assert len(found) == len(MEASURES) * len(list(Period.range(START, END)))  # every KPI in force every month
    return found


def test_csc_synth_is_deterministic_per_seed() -> None:
    again = synth.synthesize(SynthRequest(START, END, 0.05, 3))
    for first, second in zip(generate(), again, strict=True):
        assert first.dataset == second.dataset and first.frame.equals(second.frame)
    other = frames(4)
    assert not all(other[name].equals(frame) for name, frame in frames().items())
    assert not frames(4)["calls"].equals(frames()["calls"])


def test_csc_synth_a_month_does_not_depend_on_the_range_asked_for() -> None:
    may = synth.calls(SynthRequest(Period(2017, 5), Period(2017, 5), 0.05, 3), Period(2017, 5))
    assert may.equals(frames()["calls"].filter(pl.col("call_id").str.starts_with("CL201705")))


def test_csc_synth_frames_load_cleanly_also_through_csv(tmp_path: Path) -> None:
    data = frames()
    assert set(data) == {"contacts", "calls", "carers_assessments", "surveys"}
    for name, frame in data.items():
        spec = SPECS[name]
        assert frame.columns == [c.name for c in spec.columns]
        loaded = load_dataset(spec, frame)
        assert loaded.frame.height == frame.height
        path = tmp_path / f"{name}.csv"
        frame.write_csv(path, date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S")  # as csskpi synth writes
        assert load_dataset(spec, path).frame.equals(loaded.frame)


def test_csc_synth_volumes_ids_and_working_hours() -> None:
    data = frames()
    months = 3
    assert data["calls"].height == months * 4_000 and data["contacts"].height == months * 3_000
    assert data["carers_assessments"].height == (months + 1) * 15  # and the month before, for its completions
    assert data["surveys"].height == months * 50
    assert data["surveys"]["response_id"].str.starts_with("csc_customer").all()
    assert (data["surveys"]["kind"] == "csc_customer").all()
    for name, frame in data.items():
        assert frame[SPECS[name].id_column or "response_id"].is_unique().all()
    calls = data["calls"]
    assert 0.03 < (calls["queue"] == "lrsp").mean() < 0.07  # type: ignore[operator]
    hours = calls["offered_at"].dt.hour()
    assert ((hours >= 8) & (hours < 18)).mean() > 0.9  # type: ignore[operator]
    good_friday = calls.filter(pl.col("offered_at").dt.date() == pl.date(2017, 4, 14)).height
    tuesday = calls.filter(pl.col("offered_at").dt.date() == pl.date(2017, 4, 18)).height
    assert good_friday < tuesday / 10
    assert data["contacts"]["responded_at"].is_null().any()  # some still open at the extract
    assert data["carers_assessments"]["completed_on"].is_null().any()


def test_csc_synth_default_is_green() -> None:
    found = statuses(frames(3, 0.2))
    assert sum(s is Status.GREEN for s in found.values()) >= 0.9 * len(found)
    assert Status.RED not in found.values()


@pytest.mark.parametrize("degraded", [m.name for m in MEASURES])
def test_csc_synth_degraded_measure_is_red(degraded: str) -> None:
    found = statuses(frames(3, 0.02, frozenset({degraded})))
    assert all(found[degraded, p] is Status.RED for p in Period.range(START, END))


def test_csc_synth_scale_keeps_at_least_one_row() -> None:
    tiny = synth.synthesize(SynthRequest(START, START, 0.00001, 1, frozenset({"CSC_KPI_04"})))
    assert all(f.frame.height >= 1 for f in tiny)
