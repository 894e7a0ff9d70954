"""``csskpi evidence``: the records behind a figure, in every format; a supplier's list compared record by record;
bad input refused with exit 2 naming file, line and field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from csskpi.cli import main

PERIOD = "2017-06"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    assert main(["synth", "--out", str(folder), "--from", "2017-05", "--to", "2017-07", "--scale", "0.05", "--seed", "4",
                 "--degrade", "CSC_KPI_05,F_KPI_01"]) == 0
    return folder


def _measured(capsys: pytest.CaptureFixture[str], data: Path, kpi: str) -> dict[str, object]:
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", PERIOD, "--format", "json")
    assert code == 0
    [found] = [m for m in json.loads(out)["measurements"] if m["kpi"] == kpi]
    return found  # type: ignore[no-any-return]


@pytest.mark.parametrize("kpi", ["CSC_KPI_05", "CSC_KPI_04", "F_KPI_01", "F_KPI_03"])
def test_the_json_evidence_adds_up_to_the_measured_figure(capsys: pytest.CaptureFixture[str], data: Path, kpi: str) -> None:
    code, out, err = run(capsys, "evidence", "--data", str(data), "--kpi", kpi, "--period", PERIOD, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    measured = _measured(capsys, data, kpi)
    assert (doc["kpi"], doc["period"]) == (kpi, PERIOD)
    assert (doc["passing"], doc["population"], doc["value"]) == (measured["numerator"], measured["denominator"], measured["value"])
    records = doc["records"]
    assert {r["verdict"] for r in records} <= {"pass", "fail"}
    assert all(r["counted_in"] == PERIOD and r["dataset"] and r["id"] and r["reason"] for r in records)
    if doc["unit"] == "records":
        numerator = "fail" if kpi == "CSC_KPI_04" else "pass"  # abandoned calls: the figure counts failures
        assert sum(r["verdict"] == numerator for r in records) == doc["passing"]
        assert len(records) == doc["population"]


def test_the_backlog_is_shown_with_its_reason(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD, "--failing")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["verdict"] == "fail" for r in rows)
    late = [r for r in rows if r["why"] == "own month"]
    assert late and all("business day" in r["reason"] and "; timescale " in r["reason"] for r in late)
    assert all(r["deadline"] and r["start"] for r in rows)


def test_xlsx_and_out(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    target = tmp_path / "f01.xlsx"
    code, out, _ = run(capsys, "evidence", "--data", str(data), "--kpi", "F_KPI_01", "--period", PERIOD,
                       "--format", "xlsx", "--out", str(target))
    assert code == 0 and out == ""
    book = load_workbook(target)
    assert book.sheetnames == ["Figure", "Records"]
    assert [c.value for c in book["Records"][1]][:3] == ["id", "dataset", "counted_in"]
    assert book["Records"].max_row > 10
    assert not list(tmp_path.glob(".*partial"))
    code, _, err = run(capsys, "evidence", "--data", str(data), "--kpi", "F_KPI_01", "--period", PERIOD, "--format", "xlsx")
    assert code == 2 and "--out" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--kpi", "XX_KPI_99", "--period", PERIOD], "'--kpi': XX_KPI_99 is not in the contract's catalogue"),
        (["--kpi", "IMT_KPI_14", "--period", PERIOD], "'--kpi': IMT_KPI_14 is not in force in 2017-06"),
        (["--kpi", "CSC_KPI_05", "--period", "2031-01"], "'--period': 2031-01 is outside the contract"),
    ],
)
def test_bad_requests_exit_2(capsys: pytest.CaptureFixture[str], data: Path, argv: list[str], words: str) -> None:
    code, out, err = run(capsys, "evidence", "--data", str(data), *argv)
    assert code == 2 and out == ""
    assert words in err and "lincolnshire-css.toml" in err and "Traceback" not in err


def _supplier_list(capsys: pytest.CaptureFixture[str], data: Path, path: Path) -> list[dict[str, str]]:
    code, out, _ = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    with path.open("w", newline="") as f:
        f.write("id,verdict\n")
        for r in rows:
            f.write(f"{r['id']},{r['verdict']}\n")
    return rows


def test_a_supplier_list_that_agrees(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    listed = tmp_path / "supplier.csv"
    _supplier_list(capsys, data, listed)
    code, out, err = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                         "--compare", str(listed), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["disagree"] == doc["only_csskpi"] == doc["only_supplier"] == []
    assert doc["supplier"]["value"] == doc["value"]


def test_a_dispute_settled_record_by_record(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    listed = tmp_path / "supplier.csv"
    rows = _supplier_list(capsys, data, listed)
    failed = next(r for r in rows if r["verdict"] == "fail")
    passed = [r for r in rows if r["verdict"] == "pass"][:2]
    # The supplier says the failure passed and leaves one passing record out.
    lines = ["id,verdict"] + [f"{r['id']},{'pass' if r is failed else r['verdict']}" for r in rows if r is not passed[0]]
    listed.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                         "--compare", str(listed), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert [(d["id"], d["csskpi"], d["supplier"]) for d in doc["disagree"]] == [(failed["id"], "fail", "pass")]
    assert [d["id"] for d in doc["only_csskpi"]] == [passed[0]["id"]]
    assert doc["supplier"]["passing"] == doc["passing"] and doc["supplier"]["population"] == doc["population"] - 1
    assert doc["explains"] is None
    reported = doc["supplier"]["value"]
    code, out, _ = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                       "--compare", str(listed), "--reported", reported, "--format", "json")
    assert json.loads(out)["explains"] is True
    code, out, _ = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                       "--compare", str(listed), "--reported", "12.5", "--format", "json")
    assert json.loads(out)["explains"] is False and "do not account" in json.loads(out)["explanation"]


def test_a_bad_supplier_list_is_refused_whole(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    listed = tmp_path / "supplier.csv"
    rows = _supplier_list(capsys, data, listed)
    first, second = rows[0]["id"], rows[1]["id"]
    listed.write_text(f"id,verdict\n{first},pass\n{first},fail\nNO-SUCH-ID,pass\n{second},maybe\n,pass\n")
    code, out, err = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                         "--compare", str(listed))
    assert code == 2 and out == ""
    assert f"{listed}:3: 'id': duplicate id '{first}' (first on line 2)" in err
    assert f"{listed}:4: 'id': unknown id 'NO-SUCH-ID'" in err
    assert f"{listed}:5: 'verdict': must be fail or pass, not 'maybe'" in err
    assert f"{listed}:6: 'id': empty id" in err
    listed.write_text("record,verdict\nx,pass\n")
    code, _, err = run(capsys, "evidence", "--data", str(data), "--kpi", "CSC_KPI_05", "--period", PERIOD,
                       "--compare", str(listed))
    assert code == 2 and f"{listed}:1: 'id': missing column" in err


def test_text_from_the_data_cannot_become_a_formula(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "payment_runs.csv").write_text(
        "run_id,scheduled_on,executed_on\n=HYPERLINK(\"x\"),2017-06-05,2017-06-06\nR2,2017-06-06,2017-06-06\n")
    code, out, err = run(capsys, "evidence", "--data", str(folder), "--kpi", "F_KPI_02", "--period", PERIOD)
    assert code == 0, err
    ids = [r["id"] for r in csv.DictReader(io.StringIO(out))]
    assert ids == ["'=HYPERLINK(\"x\")", "R2"]


def test_a_report_from_raw_data_links_each_kpi_below_msl_to_its_failing_records(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    report = tmp_path / "june.html"
    code, _, err = run(capsys, "report", "--data", str(data), "--from", PERIOD, "--to", PERIOD, "--format", "html",
                       "--out", str(report))
    assert code == 0, err
    beside = tmp_path / "june.evidence.xlsx"
    assert f"below MSL to {beside}" in err
    book = load_workbook(beside)
    index = list(book["Below MSL"].iter_rows(values_only=True))
    assert index[0] == ("KPI", "month", "value", "passing", "population", "failing records", "sheet")
    listed = {row[0]: row for row in index[1:]}
    assert {"CSC_KPI_05", "F_KPI_01"} <= set(listed)  # the two generated below MSL
    for kpi, _, _, passing, population, failing, sheet in listed.values():
        rows = list(book[sheet].iter_rows(values_only=True))
        assert rows[0][:3] == ("id", "dataset", "counted_in")
        assert len(rows) - 1 == failing == population - passing, kpi
        assert all(r[8] == "fail" for r in rows[1:])


def test_evidence_is_data_in_python(data: Path) -> None:
    """The library's evidence object: a short repr, and its records as a DataFrame adding up to the figure."""
    import csskpi
    from csskpi.pipeline.evidence import kpi_evidence
    from csskpi.pipeline.measure import load_data

    registry = csskpi.Registry.from_plugins()
    frames = load_data(data, registry, only=("contacts",)).frames()
    found = kpi_evidence(csskpi.load_contract(), frames, "CSC_KPI_05", csskpi.Period(2017, 6), registry.measures)
    records = found.to_polars()
    assert records.height == found.counts.population > 0
    assert (records["verdict"] == "pass").sum() == found.counts.passing
    assert repr(found).startswith("<Evidence CSC_KPI_05 2017-06: ") and len(repr(found)) < 120
