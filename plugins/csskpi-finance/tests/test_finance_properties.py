"""Properties of every Finance measure on random data: row order never matters, a month's rows split into two
frames and concatenated count the same (and, but for a snapshot, the halves' counts add up), passing never exceeds
the population."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from csskpi_finance.measures import MEASURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi import Counts, Measure, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES

START = dt.date(2017, 3, 20)
PERIODS = (Period(2017, 4), Period(2017, 5), Period(2017, 6))
day_offsets = st.integers(0, 100)


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


@st.composite
def invoices(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(day_offsets, st.integers(-10, 60), st.none() | st.integers(0, 60), st.booleans()),
                         max_size=30))
    return pl.DataFrame(
        {
            "invoice_id": [f"i{i}" for i in range(len(rows))],
            "received_on": [_day(r[0]) for r in rows],
            "due_on": [_day(r[0] + r[1]) for r in rows],
            "paid_on": [None if r[2] is None else _day(r[0] + r[2]) for r in rows],
            "disputed": [r[3] for r in rows],
        },
        schema={"invoice_id": pl.String, "received_on": pl.Date, "due_on": pl.Date, "paid_on": pl.Date,
                "disputed": pl.Boolean},
    )


@st.composite
def payment_runs(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(day_offsets, st.none() | st.integers(-2, 3)), max_size=30))
    return pl.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(len(rows))],
            "scheduled_on": [_day(r[0]) for r in rows],
            "executed_on": [None if r[1] is None else _day(r[0] + r[1]) for r in rows],
        },
        schema={"run_id": pl.String, "scheduled_on": pl.Date, "executed_on": pl.Date},
    )


SNAPSHOTS = [dt.date(2017, 4, 28), dt.date(2017, 4, 30), dt.date(2017, 5, 31), dt.date(2017, 6, 15), dt.date(2017, 6, 30)]


@st.composite
def debtors(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(st.sampled_from(SNAPSHOTS), st.integers(-40, 120), st.integers(-5_000, 10**9),
                                   st.sampled_from(["sundry", "health_authority", "acf_assessment_income", "schools"])),
                         max_size=30))
    return pl.DataFrame(
        {
            "debt_id": [f"d{i}" for i in range(len(rows))],
            "snapshot_on": [r[0] for r in rows],
            "due_on": [r[0] - dt.timedelta(days=r[1]) for r in rows],
            "outstanding": pl.Series([r[2] for r in rows], dtype=pl.Int64).cast(pl.Decimal(38, 2)) / 100,
            "category": [r[3] for r in rows],
        },
        schema_overrides={"snapshot_on": pl.Date, "due_on": pl.Date, "debt_id": pl.String, "category": pl.String},
    )


DATA = {"invoices": invoices(), "payment_runs": payment_runs(), "debtors": debtors()}
FAST = settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _count(measure: Measure, frame: pl.DataFrame, period: Period) -> Counts:
    (dataset,) = measure.datasets
    return measure.compute(MeasureInput(period, {dataset: frame}, {}, ENGLAND_AND_WALES))


def _draw_case(data: Any) -> tuple[Measure, pl.DataFrame, Period]:
    measure = data.draw(st.sampled_from(MEASURES))
    (dataset,) = measure.datasets
    return measure, data.draw(DATA[dataset]), data.draw(st.sampled_from(PERIODS))


@FAST
@given(st.data())
def test_finance_shuffling_rows_never_changes_a_measure(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    seed = data.draw(st.integers(0, 2**32 - 1))
    assert _count(measure, frame.sample(fraction=1.0, shuffle=True, seed=seed), period) == _count(measure, frame, period)


@FAST
@given(st.data())
def test_finance_split_and_concatenated_counts_agree(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    cut = data.draw(st.integers(0, frame.height))
    first, second = frame.head(cut), frame.slice(cut)
    whole = _count(measure, frame, period)
    assert _count(measure, pl.concat([second, first]), period) == whole
    if measure.name != "F_KPI_03":  # a snapshot is the month's latest: half a file may hold an earlier one only
        assert _count(measure, first, period) + _count(measure, second, period) == whole


@FAST
@given(st.data())
def test_finance_passing_within_population(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    counts = _count(measure, frame, period)
    assert counts.population is not None and 0 <= counts.passing <= counts.population
    value = counts.exact()
    assert value is None or 0 <= value <= 100
