"""Properties of every CSC measure on random data: row order never matters, a month's rows split into two frames
and concatenated count the same (and the halves' counts add up), and passing never exceeds the population."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from csskpi_csc.datasets import CHANNELS
from csskpi_csc.measures import MEASURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi import Counts, Measure, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES

# Around Easter and the May bank holidays of 2017, so that month edges, weekends and holidays all come up.
START = dt.datetime(2017, 3, 20)
SPAN_MINUTES = 110 * 24 * 60
PERIODS = (Period(2017, 4), Period(2017, 5), Period(2017, 6))

minutes = st.integers(0, SPAN_MINUTES)
maybe_delay = st.none() | st.integers(0, 40 * 24 * 60)


def _at(offset: int) -> dt.datetime:
    return START + dt.timedelta(minutes=offset)


@st.composite
def contacts(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(minutes, st.sampled_from(CHANNELS), st.booleans(), st.booleans(), maybe_delay),
                         max_size=30))
    return pl.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(len(rows))],
            "received_at": [_at(r[0]) for r in rows],
            "channel": [r[1] for r in rows],
            "avoidable": [r[2] for r in rows],
            "first_contact_resolved": [r[3] for r in rows],
            "responded_at": [None if r[4] is None else _at(r[0] + r[4]) for r in rows],
        },
        schema={"contact_id": pl.String, "received_at": pl.Datetime("us"), "channel": pl.String,
                "avoidable": pl.Boolean, "first_contact_resolved": pl.Boolean, "responded_at": pl.Datetime("us")},
    )


@st.composite
def calls(draw: st.DrawFn) -> pl.DataFrame:
    wait = st.none() | st.integers(0, 30)
    rows = draw(st.lists(st.tuples(minutes, st.sampled_from(["lrsp", "general", "LRSP"]), wait, wait), max_size=30))
    return pl.DataFrame(
        {
            "call_id": [f"k{i}" for i in range(len(rows))],
            "queue": [r[1] for r in rows],
            "offered_at": [_at(r[0]) for r in rows],
            "answered_at": [None if r[2] is None else _at(r[0] + r[2]) for r in rows],
            "abandoned_at": [None if r[3] is None else _at(r[0] + r[3]) for r in rows],
        },
        schema={"call_id": pl.String, "queue": pl.String, "offered_at": pl.Datetime("us"),
                "answered_at": pl.Datetime("us"), "abandoned_at": pl.Datetime("us")},
    )


@st.composite
def carers_assessments(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(st.integers(0, 110), st.none() | st.integers(0, 45), st.none() | st.booleans()),
                         max_size=30))
    first = START.date()
    return pl.DataFrame(
        {
            "assessment_id": [f"a{i}" for i in range(len(rows))],
            "referred_on": [first + dt.timedelta(days=r[0]) for r in rows],
            "completed_on": [None if r[1] is None else first + dt.timedelta(days=r[0] + r[1]) for r in rows],
            "accurate": [r[2] for r in rows],
        },
        schema={"assessment_id": pl.String, "referred_on": pl.Date, "completed_on": pl.Date, "accurate": pl.Boolean},
    )


@st.composite
def surveys(draw: st.DrawFn) -> pl.DataFrame:
    rows = draw(st.lists(st.tuples(st.sampled_from(["csc_customer", "acf_user"]), st.integers(0, 110),
                                   st.sampled_from(["very poor", "poor", "fair", "good", "very good", "3", "4"])),
                         max_size=30))
    return pl.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "response_id": [f"r{i}" for i in range(len(rows))],
            "responded_on": [START.date() + dt.timedelta(days=r[1]) for r in rows],
            "rating": [r[2] for r in rows],
        },
        schema={"kind": pl.String, "response_id": pl.String, "responded_on": pl.Date, "rating": pl.String},
    )


DATA = {"contacts": contacts(), "calls": calls(), "carers_assessments": carers_assessments(), "surveys": surveys()}
measures = st.sampled_from(MEASURES)
periods = st.sampled_from(PERIODS)


def _count(measure: Measure, frame: pl.DataFrame, period: Period) -> Counts:
    (dataset,) = measure.datasets
    return measure.compute(MeasureInput(period, {dataset: frame}, {}, ENGLAND_AND_WALES))


def _draw_case(data: Any) -> tuple[Measure, pl.DataFrame, Period]:
    measure = data.draw(measures)
    (dataset,) = measure.datasets
    return measure, data.draw(DATA[dataset]), data.draw(periods)


FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.data())
def test_csc_shuffling_rows_never_changes_a_measure(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    seed = data.draw(st.integers(0, 2**32 - 1))
    assert _count(measure, frame.sample(fraction=1.0, shuffle=True, seed=seed), period) == _count(measure, frame, period)


@FAST
@given(st.data())
def test_csc_split_and_concatenated_counts_agree(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    cut = data.draw(st.integers(0, frame.height))
    first, second = frame.head(cut), frame.slice(cut)
    whole = _count(measure, frame, period)
    assert _count(measure, pl.concat([second, first]), period) == whole
    assert _count(measure, first, period) + _count(measure, second, period) == whole  # each record counts alone


@FAST
@given(st.data())
def test_csc_passing_within_population(data: Any) -> None:
    measure, frame, period = _draw_case(data)
    counts = _count(measure, frame, period)
    assert counts.population is not None and 0 <= counts.passing <= counts.population
    value = counts.exact()
    assert value is None or 0 <= value <= 100


@FAST
@given(st.data())
def test_csc_each_record_counts_at_most_once_over_the_months(data: Any) -> None:
    measure, frame, _ = _draw_case(data)
    months = Period.range(Period(2017, 3), Period(2017, 8))  # every date the strategies draw, and deadlines
    total = sum((_count(measure, frame, p).population or 0) for p in months)
    assert total <= frame.height
