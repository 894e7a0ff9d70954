"""Outputs that cannot be turned against their reader: CSV cells, the terminal, files written, error messages."""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

import csskpi
from csskpi.cli import main
from csskpi.cli.console import clean, paint, table
from csskpi.files.atomic import atomic_open, write_atomic
from csskpi.files.output import safe_cell, to_csv
from csskpi.model.result import Status
from csskpi.report.xlsx import safe_text

HOSTILE = """
[contract]
name = "test"
start = 2015-04-01
end = 2020-03-31

[[areas]]
code = "PM"
name = "People \\u001b]0;pwned\\u0007Management\\u202e"

[[kpis]]
reference = "PM_KPI_01"
area = "PM"
description = "=HYPERLINK(\\"http://evil\\")"
unit = "percent"
direction = "higher"
points = 30
targets = [{ from = "2015-04", tsl = 95, msl = 80 }]
"""


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-2.5", "-2.5"), ("+3", "+3"), ("-1e3", "-1e3"), ("plain", "plain"), (-2.5, -2.5),
])
def test_csv_cells_that_start_like_a_formula_are_neutralised_numbers_are_not(cell: object, written: object) -> None:
    assert safe_cell(cell) == written
    if isinstance(cell, str):
        assert safe_text(cell) == written  # the Excel report shares the rule


def test_kpis_csv_from_a_hostile_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.toml").write_text(HOSTILE)
    assert main(["kpis", "--contract", str(tmp_path / "c.toml"), "--at", "2017-05", "--format", "csv"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert row.startswith("PM_KPI_01,PM,\"'=HYPERLINK(\"\"http://evil\"\")\",True,percent,higher,95,80,")
    assert to_csv([{"a": "-2.5", "b": "=x"}]) == "a,b\n-2.5,'=x\n"


def test_measurements_written_are_safe() -> None:
    out = io.StringIO()
    csskpi.write_measurements([csskpi.Measurement("PM_KPI_01", csskpi.Period(2017, 5), Decimal("-2.5"))], out)
    assert out.getvalue().splitlines()[-1] == "2017-05,PM_KPI_01,-2.5,"


def test_terminal_text_loses_escapes_and_shows_bidi() -> None:
    hostile = "a\x1b[2Jb\x1b]0;pwned\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ d\u202ee\r\x00f\x9b31m"
    assert clean(hostile) == "abclink d<U+202E>ef"
    coloured = paint(Status.GREEN, "GREEN", True)
    assert clean(coloured + "\x1b[8mhidden", keep_colour=True) == "\x1b[32m● GREEN\x1b[0mhidden"
    assert table(["K\x1b[31m"], [["x\ny\x1b]0;t\x07"]]) == "K\n---\nx y\n"


def test_explain_and_tables_print_no_escape_from_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.toml").write_text(HOSTILE)
    (tmp_path / "m.csv").write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,50,\n")
    (tmp_path / "d.toml").write_text('[[mitigation]]\nkpi = "PM_KPI_01"\nfrom = "2017-05"\n'
                                     'reason = "bad \\u001b[2J\\u001b]8;;http://x\\u001b\\\\ stuff\\u2066"\n')
    args = ["--contract", str(tmp_path / "c.toml"), "--measurements", str(tmp_path / "m.csv"), "--decisions", str(tmp_path / "d.toml")]
    assert main(["explain", "PM_KPI_01", "2017-05", *args]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "PM_KPI_01 (People Management<U+202E>)" in out and "Reason: bad  stuff<U+2066>" in out
    assert main(["kpis", "--contract", str(tmp_path / "c.toml"), "--at", "2017-05"]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_error_messages_are_capped_per_file_with_every_problem_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"2017-05,PM_KPI_01,x{i},\n" for i in range(120))
    (tmp_path / "m.csv").write_text("period,kpi_id,value,annotation\n" + rows)
    (tmp_path / "bad\x1b[2J.toml").write_text("x = ")
    errors = tmp_path / "errors.json"
    assert main(["evaluate", "--measurements", str(tmp_path / "m.csv"), "--errors-json", str(errors)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("csskpi: error: 120 problems:\n")
    assert err.count("is not a number") == 50
    assert err.rstrip().endswith(f"{tmp_path / 'm.csv'}: ... and 70 more like this (--errors-json FILE writes every problem)")
    written = json.loads(errors.read_text())
    assert written["count"] == 120 and written["problems"][119] == {
        "file": str(tmp_path / "m.csv"), "line": 121, "field": "value", "kpi": "PM_KPI_01", "message": "'x119' is not a number"}
    assert main(["evaluate", "--measurements", str(tmp_path / "m.csv"), "--decisions", str(tmp_path / "bad\x1b[2J.toml")]) == 2
    assert "\x1b" not in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_writes_never_follow_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "report.html"
    for planted in (tmp_path / ".report.html.partial", tmp_path / ".report.html.tmp"):
        planted.symlink_to(victim)
    write_atomic(out, "<html>")
    assert out.read_text() == "<html>" and victim.read_text() == "precious"
    # The target itself a link: the link is replaced by the file, what it pointed at is untouched.
    link = tmp_path / "link.html"
    link.symlink_to(victim)
    write_atomic(link, "new")
    assert not link.is_symlink() and link.read_text() == "new" and victim.read_text() == "precious"
    # An error while writing leaves the target as it was and no temporary file behind.
    with pytest.raises(RuntimeError), atomic_open(out) as fh:
        fh.write(b"half")
        raise RuntimeError
    assert out.read_text() == "<html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".report.html.partial", ".report.html.tmp", "link.html", "report.html", "victim.txt"])


def test_report_out_is_written_atomically(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".r.md.partial").symlink_to(victim)
    assert main(["report", "--example", "dec-2017", "--from", "2017-04", "--to", "2017-12", "--format", "md",
                 "--out", str(tmp_path / "r.md")]) == 0
    assert victim.read_text() == "precious" and (tmp_path / "r.md").read_text().startswith("#")


def test_the_progress_bar_keeps_its_carriage_return(monkeypatch: pytest.MonkeyPatch) -> None:
    """stderr is made terminal-safe (a CR from a file could overwrite a line); the bar is csskpi's own text."""
    import sys

    from csskpi.cli.console import SafeStream
    from csskpi.cli.data import _progress

    raw = io.StringIO()
    raw.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", SafeStream(raw))
    show = _progress("measuring")
    assert show is not None
    show(csskpi.Period(2017, 5), 0, 2)
    sys.stderr.write("reason\rforged")
    assert raw.getvalue() == "\rmeasuring 2017-05 [" + "." * 30 + "] 1/2reasonforged"
