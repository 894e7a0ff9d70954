"""The evidence of IMT_KPI_01 and IMT_KPI_07: the outages behind the availability figure add up to it exactly."""

from __future__ import annotations

import datetime as dt

import polars as pl
from csskpi import Counts, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.pipeline.evidence import evidence_counts
from hypothesis import given, settings
from hypothesis import strategies as st

from csskpi_imt.measures import imt_kpi_01, imt_kpi_07

SEPT = Period(2017, 9)
SCHEMA = {"outage_id": pl.String, "service": pl.String, "started_at": pl.Datetime("us"), "ended_at": pl.Datetime("us")}


def _outages(rows: list[tuple[str, str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(f"O{i}", service, dt.datetime.fromisoformat(s), None if e is None else dt.datetime.fromisoformat(e))
         for i, (service, s, e) in enumerate(rows)],
        schema=SCHEMA, orient="row",
    )


def test_overlapping_outages_count_once_in_the_evidence() -> None:
    # Mon 4 Sep: 09:00-11:00 and 10:00-12:00 overlap (3 hours lost, not 4); an evening outage costs nothing.
    frame = _outages([("service_desk", "2017-09-04T09:00", "2017-09-04T11:00"),
                      ("service_desk", "2017-09-04T10:00", "2017-09-04T12:00"),
                      ("service_desk", "2017-09-04T19:00", "2017-09-04T21:00")])
    inputs = MeasureInput(SEPT, {"outages": frame}, {}, ENGLAND_AND_WALES)
    counts = imt_kpi_01.MEASURE.compute(inputs)
    assert imt_kpi_01.MEASURE.evidence is not None
    table = imt_kpi_01.MEASURE.evidence(inputs)
    assert dict(zip(table["id"], table["weight"], strict=True)) == {
        "O0": "7200", "O1": "3600", "O2": "0", "available": str(counts.passing)}
    assert counts.population - counts.passing == 3 * 3600
    assert evidence_counts(table, "ratio", "seconds") == counts


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from(["service_desk", "mosaic", "email", "other"]),
                          st.integers(0, 35 * 24 * 60), st.none() | st.integers(1, 5000), st.integers(0, 59_999_999)),
                max_size=8))
def test_the_evidence_always_adds_up_to_the_counts(rows: list[tuple[str, int, int | None, int]]) -> None:
    base = dt.datetime(2017, 8, 29)
    frame = pl.DataFrame(
        [(f"O{i}", service, base + dt.timedelta(minutes=start, microseconds=us),
          None if length is None else base + dt.timedelta(minutes=start + length, microseconds=us // 7))
         for i, (service, start, length, us) in enumerate(rows)],
        schema=SCHEMA, orient="row",
    )
    for measure in (imt_kpi_01.MEASURE, imt_kpi_07.MEASURE):
        inputs = MeasureInput(SEPT, {"outages": frame}, {}, ENGLAND_AND_WALES)
        counts = measure.compute(inputs)
        assert measure.evidence is not None
        assert evidence_counts(measure.evidence(inputs), "ratio", "seconds") == counts
        assert isinstance(counts, Counts)
