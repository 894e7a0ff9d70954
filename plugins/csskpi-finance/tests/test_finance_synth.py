"""Synthetic Finance data: deterministic per seed, loadable (also through CSV), mostly GREEN, RED where degraded."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl
import pytest
from csskpi_finance import synth
from csskpi_finance.datasets import DATASETS
from csskpi_finance.measures import MEASURES

from csskpi import Period, Status, load_contract
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.plugin.types import SynthFrame, SynthRequest
from csskpi.testing import synth_statuses

SPECS = {spec.name: spec for spec in DATASETS}
START, END = Period(2017, 6), Period(2017, 9)  # across the change of F_KPI_01's targets in July 2017


@functools.cache
def generate(seed: int = 5, scale: float = 0.2, degrade: frozenset[str] = frozenset()) -> tuple[SynthFrame, ...]:
    return tuple(synth.synthesize(SynthRequest(START, END, scale, seed, degrade)))


def frames(*args: object) -> dict[str, pl.DataFrame]:
    return {f.dataset: f.frame for f in generate(*args)}  # type: ignore[arg-type]


def statuses(data: dict[str, pl.DataFrame]) -> dict[tuple[str, Period], Status]:
    found = synth_statuses(load_contract(), MEASURES, data, Period.range(START, END), SPECS)
    assert len(found) == len(MEASURES) * len(list(Period.range(START, END)))  # every KPI in force every month
    return found


def test_finance_synth_is_deterministic_per_seed() -> None:
    again = synth.synthesize(SynthRequest(START, END, 0.2, 5))
    for first, second in zip(generate(), again, strict=True):
        assert first.dataset == second.dataset and first.frame.equals(second.frame)
    other = frames(6)
    for name, frame in frames().items():
        assert not other[name].equals(frame)


def test_finance_synth_frames_load_cleanly_also_through_csv(tmp_path: Path) -> None:
    data = frames()
    assert set(data) == set(SPECS)
    for name, frame in data.items():
        spec = SPECS[name]
        assert frame.columns == [c.name for c in spec.columns]
        loaded = load_dataset(spec, frame)
        assert loaded.frame.height == frame.height
        path = tmp_path / f"{name}.csv"
        frame.write_csv(path, date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S")  # as csskpi synth writes
        assert load_dataset(spec, path).frame.equals(loaded.frame)
        parquet = tmp_path / f"{name}.parquet"
        frame.write_parquet(parquet)
        assert load_dataset(spec, parquet).frame.equals(loaded.frame)


def test_finance_synth_volumes_ids_and_business_days() -> None:
    data = frames()
    months = 4
    assert data["invoices"].height == months * 3_000
    assert data["payment_runs"].height == months * 5
    assert data["debtors"].height == months * 1_600
    assert data["invoices"]["invoice_id"].is_unique().all() and data["payment_runs"]["run_id"].is_unique().all()
    runs = data["payment_runs"]["scheduled_on"]
    assert runs.to_frame().select(ENGLAND_AND_WALES.is_business_day_expr(pl.col("scheduled_on")).all()).item()
    paid = data["invoices"].filter(pl.col("paid_on").is_not_null())
    assert paid.select(ENGLAND_AND_WALES.is_business_day_expr(pl.col("paid_on")).mean()).item() > 0.99
    assert data["invoices"]["paid_on"].is_null().any()  # some still unpaid at the extract
    assert set(data["debtors"]["snapshot_on"].unique()) == {p.last_day for p in Period.range(START, END)}
    assert data["debtors"]["outstanding"].dtype == pl.Decimal(38, 2)


def test_finance_synth_default_is_green() -> None:
    found = statuses(frames())
    assert all(s is Status.GREEN for s in found.values()), found


@pytest.mark.parametrize("degraded", [m.name for m in MEASURES])
def test_finance_synth_degraded_measure_is_red(degraded: str) -> None:
    found = statuses(frames(5, 0.05, frozenset({degraded})))
    assert all(found[degraded, p] is Status.RED for p in Period.range(START, END))
    others = [s for (name, _), s in found.items() if name != degraded]
    assert Status.RED not in others


def test_finance_synth_tiny_scale_keeps_a_row_and_degrades() -> None:
    tiny = synth.synthesize(SynthRequest(START, START, 0.00001, 1, frozenset({"F_KPI_02"})))
    assert all(f.frame.height >= 1 for f in tiny)
    runs = {f.dataset: f.frame for f in tiny}["payment_runs"]
    assert (runs["executed_on"] != runs["scheduled_on"]).fill_null(True).all()
