"""IMT_KPI_11 (milestones, with the December 2017 report's table), IMT_KPI_12 (surveys), IMT_KPI_13 (response)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from csskpi.data.load import load_dataset
from csskpi.data.surveys import SURVEYS
from csskpi.model.measurement import Counts, Measurement
from csskpi.model.period import Period
from csskpi.plugin.types import MeasureInput

from csskpi_imt.datasets import APP_RESPONSE, MILESTONES
from csskpi_imt.measures import imt_kpi_11, imt_kpi_12, imt_kpi_13

MAY = Period(2017, 5)

# "KPI Reporting Month" table of the 21 December 2017 OSMB report (seed 002): met, exception, fail, excluded
# milestones per month, and the published KPI%.
DECEMBER_2017_TABLE = {
    Period(2017, 3): (13, 7, 9, 1, "68.97"),
    Period(2017, 4): (15, 7, 4, 1, "84.62"),
    Period(2017, 5): (3, 14, 4, 0, "80.95"),
    Period(2017, 6): (6, 6, 2, 0, "85.71"),
    Period(2017, 7): (8, 10, 6, 1, "75.00"),
    Period(2017, 8): (3, 5, 3, 4, "72.73"),
    Period(2017, 9): (5, 9, 2, 1, "87.50"),
    Period(2017, 10): (4, 10, 2, 2, "87.50"),
}


def milestone_rows() -> pl.DataFrame:
    rows = []
    for period, (*numbers, _) in DECEMBER_2017_TABLE.items():
        for outcome, n in zip(("met", "exception", "fail", "excluded"), numbers, strict=True):
            for i in range(n):
                # Spread over the month, first and last day included.
                day = period.first_day if i % 2 == 0 else period.last_day
                rows.append((f"M{period}-{outcome}-{i}", f"Project {i % 5}", day, outcome))
    frame = pl.DataFrame(rows, schema=["milestone_id", "project", "due_on", "outcome"], orient="row")
    return load_dataset(MILESTONES, frame).frame


def test_december_2017_milestone_table_is_reproduced() -> None:
    frame = milestone_rows()
    for period, (met, exception, fail, excluded, published) in DECEMBER_2017_TABLE.items():
        counts = imt_kpi_11.compute(MeasureInput(period, {"milestones": frame}))
        assert counts == Counts(met + exception, met + exception + fail, "milestones")
        total = met + exception + fail + excluded
        assert counts.population == total - excluded
        assert Measurement.from_counts("IMT_KPI_11", period, counts).value == Decimal(published)


def test_milestones_month_by_due_on_and_all_excluded_is_no_data() -> None:
    frame = load_dataset(
        MILESTONES,
        pl.DataFrame(
            {
                "milestone_id": ["a", "b", "c"],
                "project": ["p", "p", "q"],
                "due_on": [dt.date(2017, 4, 30), dt.date(2017, 5, 1), dt.date(2017, 6, 1)],
                "outcome": ["fail", "excluded", "met"],
            }
        ),
    ).frame
    assert imt_kpi_11.compute(MeasureInput(Period(2017, 4), {"milestones": frame})) == Counts(0, 1, "milestones")
    assert imt_kpi_11.compute(MeasureInput(MAY, {"milestones": frame})) == Counts(0, 0, "milestones")
    assert imt_kpi_11.compute(MeasureInput(Period(2017, 6), {"milestones": frame})) == Counts(1, 1, "milestones")


def surveys(*rows: tuple[str, str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "response_id": [f"R{i}" for i in range(len(rows))],
            "responded_on": [dt.date.fromisoformat(r[1]) for r in rows],
            "rating": [r[2] for r in rows],
        }
    )
    return load_dataset(SURVEYS, frame).frame


def test_it_incident_survey_good_or_better() -> None:
    frame = surveys(
        ("it_incident", "2017-05-01", "good"),
        ("it_incident", "2017-05-31", "very good"),
        ("it_incident", "2017-05-15", "5"),
        ("it_incident", "2017-05-15", "fair"),
        ("it_incident", "2017-05-15", "3"),
        ("it_incident", "2017-04-30", "very good"),
        ("it_incident", "2017-06-01", "very poor"),
        ("csc_customer", "2017-05-15", "poor"),  # another survey
    )
    assert imt_kpi_12.compute(MeasureInput(MAY, {"surveys": frame})) == Counts(3, 5, "responses")
    assert imt_kpi_12.compute(MeasureInput(MAY, {"surveys": frame}, {"kind": "csc_customer"})) == Counts(
        0, 1, "responses"
    )
    assert imt_kpi_12.compute(MeasureInput(Period(2017, 7), {"surveys": frame})) == Counts(0, 0, "responses")


def samples(*rows: tuple[str, int, int]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "sample_id": [f"S{i}" for i in range(len(rows))],
            "application": ["mosaic"] * len(rows),
            "activity": ["login"] * len(rows),
            "measured_at": [dt.datetime.fromisoformat(r[0]) for r in rows],
            "response_ms": [r[1] for r in rows],
            "required_ms": [r[2] for r in rows],
        }
    )
    return load_dataset(APP_RESPONSE, frame).frame


def test_response_samples_within_required_time() -> None:
    frame = samples(
        ("2017-05-01T00:00", 2000, 2000),  # equal: meets it
        ("2017-05-31T23:59:59", 2001, 2000),
        ("2017-05-29T10:00", 10, 2000),  # bank holidays count like any day
        ("2017-04-30T23:59:59", 1, 2000),
        ("2017-06-01T00:00", 1, 2000),
    )
    assert imt_kpi_13.compute(MeasureInput(MAY, {"app_response": frame})) == Counts(2, 3, "samples")
    assert imt_kpi_13.compute(MeasureInput(Period(2017, 4), {"app_response": frame})) == Counts(1, 1, "samples")
    assert imt_kpi_13.compute(MeasureInput(Period(2017, 7), {"app_response": frame})) == Counts(0, 0, "samples")


@pytest.mark.parametrize("measure", [imt_kpi_11, imt_kpi_13])
def test_empty_dataset_is_no_data(measure: object) -> None:
    spec = MILESTONES if measure is imt_kpi_11 else APP_RESPONSE
    empty = pl.DataFrame(schema={c.name: pl.String for c in spec.columns})
    frame = load_dataset(spec, empty).frame
    counts = measure.compute(MeasureInput(MAY, {spec.name: frame}))  # type: ignore[attr-defined]
    assert counts.population == 0
