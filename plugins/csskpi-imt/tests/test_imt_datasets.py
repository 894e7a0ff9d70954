"""The IMT dataset specs: types, ordering checks, and findings for valid-but-odd records."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from csskpi.data.load import load_dataset
from csskpi.errors import InputError

from csskpi_imt.datasets import DATASETS, INCIDENTS, OUTAGES, PATCHING, SERVICE_REQUESTS


def test_dataset_names_are_unique_and_not_the_cores() -> None:
    names = [d.name for d in DATASETS]
    assert len(names) == len(set(names))
    assert "surveys" not in names


def test_csv_text_is_typed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "incidents.csv"
    path.write_text(
        "incident_id,priority,vip,opened_at,resolved_at,extra\n"
        "INC1,P1,yes,2017-05-02T09:00,2017-05-02T10:30:15,x\n"
        "INC2,P4,false,2017-05-02 09:00,,y\n"
    )
    frame = load_dataset(INCIDENTS, path).frame
    assert frame.schema["opened_at"] == pl.Datetime("us")
    assert frame["vip"].to_list() == [True, False]
    assert frame["resolved_at"].to_list() == [dt.datetime(2017, 5, 2, 10, 30, 15), None]


def test_unknown_priority_and_resolution_before_opening_are_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "incidents.csv"
    path.write_text(
        "incident_id,priority,vip,opened_at,resolved_at\n"
        "INC1,P5,no,2017-05-02T09:00,\n"
        "INC2,P1,no,2017-05-02T09:00,2017-05-02T08:00\n"
    )
    with pytest.raises(InputError) as raised:
        load_dataset(INCIDENTS, path)
    text = str(raised.value)
    assert "incidents.csv:2: 'priority'" in text and "incidents.csv:3: 'resolved_at'" in text


def test_outage_findings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "outages.csv"
    path.write_text(
        "outage_id,service,started_at,ended_at\n"
        "O1,mosaic,2017-05-02T09:00,2017-05-02T10:00\n"
        "O2,email,2017-05-02T09:30,2017-05-02T10:00\n"
        "O3,mosaic,2017-05-02T09:30,2017-05-02T10:30\n"
        "O4,mosaic,2017-05-03T09:30,\n"
        "O5,email,2017-05-04T09:30,2017-05-04T09:30\n"
    )
    findings = load_dataset(OUTAGES, path).findings
    by_column = {f.column: f for f in findings}
    assert by_column["started_at"].row == 4 and by_column["started_at"].count == 1  # O3 overlaps O1
    assert by_column["ended_at"].file == str(path) or by_column["ended_at"].dataset == "outages"
    assert len(findings) == 3
    assert any("ongoing" in f.message for f in findings)
    assert any("no time" in f.message for f in findings)


def test_service_request_and_patching_findings() -> None:
    requests = pl.DataFrame(
        {
            "request_id": ["a", "b"],
            "opened_at": [dt.datetime(2017, 5, 2, 9)] * 2,
            "fulfilled_at": [None, None],
            "target_hours": ["8", "-1"],
        },
        schema_overrides={"fulfilled_at": pl.Datetime("us")},
    )
    (finding,) = load_dataset(SERVICE_REQUESTS, requests).findings
    assert finding.column == "target_hours" and finding.row == 1
    devices = pl.DataFrame(
        {
            "device_id": ["PC1", "PC1", "PC1"],
            "os": ["windows"] * 3,
            "update_released_on": [dt.date(2017, 5, 9), dt.date(2017, 5, 9), dt.date(2017, 6, 13)],
            "patched_on": [None, dt.date(2017, 5, 10), None],
        }
    )
    (finding,) = load_dataset(PATCHING, devices).findings
    assert finding.count == 2 and finding.row == 0
