"""csskpi demo: the main job end to end, on a small scale so that the test stays fast."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import csskpi
from csskpi.cli import main
from csskpi.demo import run_demo
from csskpi.ledger import Ledger


def test_demo_runs_the_monthly_cycle(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", start=csskpi.Period(2019, 11), months=3, scale=0.05)
    assert result.records > 30_000 and result.months == 3
    assert (result.data / "calls.csv").is_file() and result.measurements.is_file()
    evaluation = csskpi.evaluate(csskpi.load_contract(), csskpi.read_measurements(result.measurements).measurements, missing="dna")
    assert len(evaluation) == 39 + 40 + 40  # IMT_KPI_14 comes into force in December 2019
    ledger = Ledger.open(result.ledger, create=False)
    try:
        assert [str(p) for p in ledger.periods()] == ["2019-11", "2019-12", "2020-01"]
    finally:
        ledger.close()
    html = result.html.read_text(encoding="utf-8")
    assert "<svg" in html and "CSC_KPI_04" in html and "http://" not in html.replace("http://www.w3.org", "")
    book = openpyxl.load_workbook(result.xlsx)
    assert len(book.sheetnames) >= 3


def test_demo_command_refuses_to_overwrite_a_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ledger.sqlite").write_text("", encoding="utf-8")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "a ledger exists here already" in capsys.readouterr().err
