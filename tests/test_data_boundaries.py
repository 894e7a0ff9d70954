"""A data folder that does not hold what it should, and raw records that cannot be trusted: refused or reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from csskpi import InputError
from csskpi.cli import main
from csskpi.data.csvfile import unreadable_csv
from csskpi.data.load import load_dataset
from csskpi.pipeline.availability import near_miss
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.plugin.types import Column, ColumnKind, DatasetSpec

STAMPS = DatasetSpec("events", (Column("event_id", ColumnKind.STR), Column("opened_at", ColumnKind.DATETIME)), id_column="event_id")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    assert main(["synth", "--out", str(out), "--from", "2017-04", "--to", "2017-05", "--scale", "0.01"]) == 0
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "d"
    shutil.copytree(folder, target)
    return target


def test_a_misnamed_file_is_named_with_its_near_miss(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(folder, tmp_path)
    (data / "incidents.csv").rename(data / "Incidents.csv")
    assert main(["measure", "--data", str(data), "--period", "2017-05"]) == 2
    err = capsys.readouterr().err
    assert (f"{data}: 'incidents': dataset 'incidents' is absent from {data} (IMT_KPI_02, IMT_KPI_03, IMT_KPI_04, "
            "IMT_KPI_05 and more need it for 2017-05); Incidents.csv: did you mean incidents.csv?") in err
    assert "'--missing': or say --missing dna to judge the KPIs that need it data not available" in err
    assert main(["measure", "--data", str(data), "--period", "2017-05", "--missing", "dna"]) == 0
    assert "csskpi: finding: Incidents.csv: no dataset is read from this file: did you mean incidents.csv?" in capsys.readouterr().err
    assert near_miss("Call Data.csv", MeasureRegistry.from_plugins().datasets) is None
    assert near_miss("payroll-payments.csv", MeasureRegistry.from_plugins().datasets) == "payroll_payments.csv"


def test_data_that_ends_before_the_month_or_holds_nothing(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(folder, tmp_path)
    assert main(["measure", "--data", str(data), "--period", "2017-06"]) == 2
    err = capsys.readouterr().err
    assert (f"{data / 'payroll_payments.csv'}: 'payment_date': the records end on 2017-05-31 ('payment_date'), "
            "before 2017-06: PM_KPI_01 needs it for 2017-06") in err
    header = (data / "incidents.csv").read_text().splitlines()[0]
    (data / "incidents.csv").write_text(header + "\n")
    assert main(["measure", "--data", str(data), "--period", "2017-05"]) == 2
    assert (f"{data / 'incidents.csv'}: dataset 'incidents' holds no records (IMT_KPI_02, IMT_KPI_03, IMT_KPI_04, "
            "IMT_KPI_05 and more need it for 2017-05)") in capsys.readouterr().err


def test_records_far_outside_the_months_measured_are_a_finding(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(folder, tmp_path)
    lines = (data / "incidents.csv").read_text().splitlines()
    lines.insert(1, "INC1970,P3,false,1970-01-01T10:00:00,1970-01-01T11:00:00")
    (data / "incidents.csv").write_text("\n".join(lines) + "\n")
    code = main(["measure", "--data", str(data), "--period", "2017-05"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert (f"csskpi: finding: {data / 'incidents.csv'}:2: 'opened_at': dated 1970-01-01 to 1970-01-01, far outside "
            "the months measured (2017-05 to 2017-05): counted in no KPI") in err


def test_a_semicolon_separated_file_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("event_id;opened_at\nE1;2017-05-01T10:00\n")
    with pytest.raises(InputError) as info:
        load_dataset(STAMPS, tmp_path / "events.csv")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'events.csv'}:1: no column of the dataset found; the header looks semicolon-separated: csskpi "
        "reads comma-separated CSV"]


def test_a_blank_first_line_and_a_short_second_line() -> None:
    data = b"\na,b\nc\n"
    with pytest.raises(pl.exceptions.PolarsError) as error:
        pl.read_csv(data, has_header=False, infer_schema=False)
    assert [str(p) for p in unreadable_csv(data, "f.csv", error.value)] == ["f.csv:3: has 1 fields but the header has 2"]


def test_local_times_lost_in_spring_are_refused_repeated_in_autumn_reported(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("event_id,opened_at\nE1,2017-03-26T00:59\nE2,2017-03-26T01:30\nE3,2017-03-26T02:00\n")
    with pytest.raises(InputError) as info:
        load_dataset(STAMPS, tmp_path / "events.csv")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'events.csv'}:3: 'opened_at': 2017-03-26T01:30 does not exist in UK local time (the clocks went "
        "forward an hour at 01:00 that day): give the time the clock showed"]
    (tmp_path / "events.csv").write_text("event_id,opened_at\nE1,2017-10-29T00:59\nE2,2017-10-29T01:30\nE3,2017-10-29T01:45\n")
    loaded = load_dataset(STAMPS, tmp_path / "events.csv")
    assert [str(f) for f in loaded.findings] == [
        f"{tmp_path / 'events.csv'}:3: 'opened_at': 2017-10-29T01:30: in the hour the clocks repeat when they go back "
        "(01:00-01:59 happens twice); read as the wall clock showed, so a duration across the change may be an hour out "
        "(2 records)"]


def test_a_month_end_snapshot_dated_after_its_month(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(folder, tmp_path)
    income = data / "acf_income.csv"
    income.write_text(income.read_text().replace(",2017-05-31,", ",2017-06-01,"))
    assert main(["measure", "--data", str(data), "--period", "2017-05"]) == 2
    assert (f"{income}: 'snapshot_on': no snapshot is dated in 2017-05; the one dated 2017-06-01 is after the month: "
            "a month-end snapshot is dated within its month") in capsys.readouterr().err


def test_report_from_data_refuses_a_folder_without_a_dataset(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(folder, tmp_path)
    (data / "incidents.csv").unlink()
    args = ["report", "--data", str(data), "--from", "2017-05", "--to", "2017-05", "--format", "md", "--out", "-"]
    assert main(args) == 2
    assert f"dataset 'incidents' is absent from {data} (IMT_KPI_02" in capsys.readouterr().err
    assert main([*args, "--missing", "dna"]) == 0


def test_a_raw_field_over_the_csv_limit_is_a_problem(tmp_path: Path) -> None:
    """Found by the long fuzzing run: the csv module, walking a file with a unit separator, met a field of
    140,000 characters and raised. (Without a quote in the file its records are told by counting commas, and the
    field is read as any other.)"""
    (tmp_path / "events.csv").write_bytes(b'event_id,opened_at\n"\x1f' + b"x" * 140_000 + b'",\n')
    with pytest.raises(InputError) as info:
        load_dataset(STAMPS, tmp_path / "events.csv")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'events.csv'}: cannot read as CSV: field larger than field limit (131072)"]
    (tmp_path / "events.csv").write_bytes(b"event_id,opened_at\n\x1f" + b"x" * 140_000 + b",\n")
    with pytest.raises(InputError) as info:
        load_dataset(STAMPS, tmp_path / "events.csv")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'events.csv'}:2: 'opened_at': empty cell in a required column"]
