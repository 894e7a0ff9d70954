"""``csskpi report``: the December 2017 example in every format, raw data through the plugins with Appendix C,
and bad input as exit code 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from csskpi.cli import main

DEC = ("report", "--example", "dec-2017", "--from", "2017-05", "--to", "2017-10")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dec2017_html_reproduces_the_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "x.html"
    code, out, err = run(capsys, *DEC, "--format", "html", "--out", str(out_file))
    assert code == 0 and out == ""
    assert "30 of 36 published rows agree" in err and str(out_file) in err
    html = out_file.read_text(encoding="utf-8")
    assert "Table 1: Overall KPI Summary Performance" in html and "Reconciliation with the published figures" in html
    assert html.count('<td class="num diff"') == 12  # the six published rows that differ, field by field


def test_every_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for fmt in ("xlsx", "md", "json"):
        path = tmp_path / f"x.{fmt}"
        assert run(capsys, *DEC, "--format", fmt, "--out", str(path))[0] == 0
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["Table 1 ALL"]["B3"].value == 31
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert data["reconciliation"]["source"] == "dec2017-report" and data["reconciliation"]["compared"] == 36
    assert "## Appendix A" in (tmp_path / "x.md").read_text(encoding="utf-8")
    code, out, _ = run(capsys, *DEC, "--format", "md", "--out", "-", "--title", "OSMB 21 December 2017",
                       "--trend-from", "2017-07")
    assert code == 0 and out.startswith("# OSMB 21 December 2017") and "Jul-17 to Oct-17" in out


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "report", "--example", "dec-2017", "--from", "2017-10", "--to", "2017-05", "--format",
                       "html", "--out", str(tmp_path / "x.html"))
    assert code == 2 and "before --from" in err
    code, _, err = run(capsys, "report", "--example", "dec-2017", "--from", "2018-01", "--to", "2018-03", "--format",
                       "html", "--out", str(tmp_path / "x.html"))
    assert code == 2 and "no measurements from 2018-01 to 2018-03" in err
    code, _, err = run(capsys, *DEC, "--format", "xlsx", "--out", "-")
    assert code == 2 and "standard output" in err
    code, _, err = run(capsys, *DEC, "--format", "html", "--out", str(tmp_path / "no" / "such" / "x.html"))
    assert code == 2 and "cannot write the report" in err
    assert not (tmp_path / "x.html").exists()


def test_from_raw_data_with_payroll_contacts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    assert main(["synth", "--out", str(raw), "--from", "2017-05", "--to", "2017-07", "--scale", "0.02", "--seed", "5",
                 "--degrade", "CSC_KPI_04"]) == 0
    capsys.readouterr()
    out_file = tmp_path / "d.json"
    code, _, err = run(capsys, "report", "--data", str(raw), "--from", "2017-06", "--to", "2017-07", "--history-from",
                       "2017-05", "--as-at", "2017-08-27", "--format", "json", "--out", str(out_file))
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["periods"] == ["2017-06", "2017-07"]
    assert [(m["period"], m["in_range"]) for m in data["points"]] == [("2017-05", False), ("2017-06", True),
                                                                      ("2017-07", True)]
    assert data["reconciliation"] is None
    [appendix] = data["appendices"]
    assert appendix["title"].startswith("Payroll contacts") and "27 Aug 2017" in appendix["title"]
    assert appendix["columns"] == ["Payroll Contacts Received", "Jun 2017", "Jul 2017"]
    assert any(f["kpi"] == "CSC_KPI_04" for f in data["below_msl"])  # degraded below MSL in the synthetic data
    # Table 3, the payroll contacts, follows PM's Table 2 in the HTML (and in Word), numbered as the council does.
    html_file = tmp_path / "d.html"
    code, _, err = run(capsys, "report", "--data", str(raw), "--from", "2017-06", "--to", "2017-07", "--as-at",
                       "2017-08-27", "--format", "html", "--out", str(html_file))
    assert code == 0, err
    html = html_file.read_text(encoding="utf-8")
    assert html.index("Table 2: PM KPI Summary Performance") < html.index("Table 3: Payroll contacts over the last six")
    assert html.index("Table 3: Payroll contacts") < html.index("Table 4: IMT KPI Summary Performance")
    xlsx_file = tmp_path / "d.xlsx"
    code, _, err = run(capsys, "report", "--data", str(raw), "--from", "2017-06", "--to", "2017-07", "--as-at",
                       "2017-08-27", "--format", "xlsx", "--out", str(xlsx_file))
    assert code == 0, err
    import openpyxl

    names = openpyxl.load_workbook(xlsx_file).sheetnames
    assert names.index("Table 2 PM") + 1 == names.index("Table 3 Payroll") == names.index("Table 4 IMT") - 1
    docx_file = tmp_path / "d.docx"
    code, _, err = run(capsys, "report", "--data", str(raw), "--from", "2017-06", "--to", "2017-07", "--as-at",
                       "2017-08-27", "--format", "docx", "--out", str(docx_file))
    assert code == 0, err
    import docx

    captions = [p.text.split(":")[0] for p in docx.Document(str(docx_file)).paragraphs if p.style.name == "Caption"]
    assert captions.index("Table 2") + 1 == captions.index("Table 3") == captions.index("Table 4") - 1
