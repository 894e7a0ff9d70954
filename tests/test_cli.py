"""The csskpi command: stable JSON keys, tables for people, exit code 2 and no traceback on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from csskpi.cli import main

from .conftest import record_file


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_example_is_the_main_job(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", "--example", "dec-2017", "--color", "never")
    assert code == 0
    assert "Overall (All Services) (ALL)" in out and "Finance (Exchequer) (F)" in out
    assert "36 rows compared, 6 differ" in out
    assert "F_KPI_01 (85.04 against TSL ≥ 90, MSL ≥ 75) is AMBER" in out


def test_evaluate_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", "--example", "dec-2017", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["missing"] == []
    first = data["results"][0]
    for key in ("period", "kpi", "area", "value", "status", "data_not_available", "provisional", "tsl", "msl", "explanation"):
        assert key in first
    assert first == {**first, "period": "2017-05", "kpi": "PM_KPI_01", "area": "PM", "value": "99.98", "status": "green", "tsl": "99.9", "msl": "99.0"}
    dna = next(r for r in data["results"] if r["kpi"] == "CSC_KPI_03" and r["period"] == "2017-05")
    assert (dna["value"], dna["status"], dna["data_not_available"]) == (None, "red", True)


def test_evaluate_missing_warns_or_judges(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,99.98,\n", encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "--measurements", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data["results"]) == 1 and len(data["missing"]) == 40
    assert "warning: 40 KPI-month(s)" in err
    code, out, err = run(capsys, "evaluate", "--measurements", str(path), "--format", "json", "--missing", "dna")
    data = json.loads(out)
    assert len(data["results"]) == 41 and sum(r["data_not_available"] for r in data["results"]) == 40
    assert err == ""


def test_evaluate_csv_and_table(capsys: pytest.CaptureFixture[str], record_dir: Path) -> None:
    measurements = str(record_file(record_dir, "appendix_a_2017.csv"))
    code, out, _ = run(capsys, "evaluate", "--measurements", measurements, "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("period,kpi,area,value,status")
    assert len(out.splitlines()) == 247
    code, out, _ = run(capsys, "evaluate", "--measurements", measurements, "--color", "always")
    assert "\033[31m✖ RED\033[0m" in out and "(provisional)" in out


def test_kpis_json_at_a_month(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kpis", "--at", "2018-10", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["at"] == "2018-10"
    by_ref = {k["kpi"]: k for k in data["kpis"]}
    assert len(by_ref) == 48 and sum(k["in_use"] for k in data["kpis"]) == 41  # KPIs added later are not listed yet
    assert "IMT_KPI_14" not in by_ref
    csc = by_ref["CSC_KPI_01"]
    assert (csc["tsl"], csc["msl"], csc["tsl_comparison"], csc["msl_comparison"]) == ("35", "30", ">", ">=")
    assert by_ref["CSC_KPI_02"]["in_use"] is False
    for key in ("kpi", "area", "description", "in_use", "direction", "tsl", "msl", "points"):
        assert key in csc
    code, out, _ = run(capsys, "kpis", "--at", "2017-06", "--format", "csv")
    assert "F_KPI_01,F," in out and ",95,80," in out


def test_kpis_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kpis", "--at", "2017-12")
    assert code == 0 and "41 KPIs in use, 7 references not in use; 1000 points" in out


def test_reconcile_json(capsys: pytest.CaptureFixture[str], record_dir: Path) -> None:
    code, out, _ = run(
        capsys, "reconcile", "--measurements", str(record_file(record_dir, "appendix_a_2017.csv")),
        "--published", str(record_file(record_dir, "published_summaries.csv")), "--source", "dec2017-report", "--format", "json",
    )
    data = json.loads(out)
    assert code == 0 and len(data["differences"]) == 6
    d = data["differences"][0]
    assert set(d) >= {"source", "area", "period", "published", "recomputed", "explanation"}
    finance = next(x for x in data["differences"] if x["area"] == "F")
    assert finance["kpis"] == ["F_KPI_01"] and finance["published"]["tsl_achieved"] == 3


def test_reconcile_without_published_is_an_error(capsys: pytest.CaptureFixture[str], record_dir: Path) -> None:
    code, _, err = run(capsys, "reconcile", "--measurements", str(record_file(record_dir, "appendix_a_2017.csv")))
    assert code == 2 and "--published" in err


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "ACF_KPI_03", "2017-09", "--example", "dec-2017", "--color", "never")
    assert code == 0
    assert "contract month 30" in out and "BLUE" in out and "Mosaic" in out and "Reason: Mosaic Implementation" in out
    code, _, err = run(capsys, "explain", "PM_KPI_04", "2017-09", "--example", "dec-2017")
    assert code == 2 and "not in use" in err


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2017-05,PM_KPI_99,1,", "bad.csv:2: PM_KPI_99 'kpi_id': PM_KPI_99 is not a KPI of the contract"),
        ("2017-05,PM_KPI_04,1,", "not in use"),
        ("2017-05,PM_KPI_01,ninety,", "bad.csv:2: PM_KPI_01 'value': 'ninety' is not a number"),
        ("2017-5,PM_KPI_01,1,", "'period'"),
        ("2030-05,PM_KPI_01,1,", "outside the contract"),
        ("2017-05,PM_KPI_01,1,maybe", "'annotation'"),
    ],
)
def test_bad_input_exits_2_naming_file_line_field(capsys: pytest.CaptureFixture[str], tmp_path: Path, row: str, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"period,kpi_id,value,annotation\n{row}\n", encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "--measurements", str(path))
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


def test_duplicate_kpi_month_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,1,\n2017-05,PM_KPI_01,2,\n", encoding="utf-8")
    code, _, err = run(capsys, "summary", "--measurements", str(path))
    assert code == 2 and "dup.csv:3" in err and "given twice" in err


def test_missing_file_and_unknown_contract_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "evaluate", "--measurements", str(tmp_path / "none.csv"))
    assert code == 2 and "none.csv" in err
    code, _, err = run(capsys, "kpis", "--contract", "atlantis")
    assert code == 2 and "no contract named 'atlantis'" in err
    code, _, err = run(capsys, "evaluate", "--example", "nope")
    assert code == 2 and "dec-2017" in err


def test_argument_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["kpis", "--at", "May 2017"])
    assert info.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_installed_command_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,x,\n2017-05,XX_KPI_01,1,\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "csskpi", "evaluate", "--measurements", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "2 problems" in proc.stderr and "bad.csv:2" in proc.stderr
