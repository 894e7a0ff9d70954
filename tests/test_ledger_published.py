"""The record read back (``csskpi.ledger.published.read_record``): the versions of a range of months rebuilt as
the evaluation and credit run a report is built from — a report from the current versions equals the report
built from the same measurements and decisions; as first published it is the first versions'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import csskpi
from csskpi.engine.credits import compute_credits
from csskpi.files.decisions import read_decisions_files
from csskpi.files.measurements import read_measurements
from csskpi.ledger import Ledger, LedgerError, merge_decisions
from csskpi.ledger.published import read_record
from csskpi.model.period import Period
from csskpi.pipeline.assessment import assess
from csskpi.report.build import build_report
from csskpi.report.jsonout import report_record

from . import test_ledger_support as support
from .test_ledger_cli import MEASUREMENTS, SETTLEMENT

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests

DAY = dt.date(2018, 1, 31)


@pytest.fixture
def ledger(ledger_target: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_target) as opened:
        yield opened


def _record_and_restate(ledger: Ledger, contract: csskpi.Contract, tmp_path: Path) -> tuple[csskpi.Evaluation, object]:
    """The example's months published, a settlement decided, and restated; the evaluation of the restatement."""
    mfile = read_measurements(MEASUREMENTS, contract)

    def build(held: csskpi.Decisions) -> tuple[csskpi.Evaluation, object]:
        ev = csskpi.evaluate(contract, mfile.measurements, merge_decisions(held, mfile.decisions), missing="dna")
        return ev, compute_credits(ev)

    ledger.write("publish", contract, build, reason="first publication", recorded_by="A", decisions=mfile.decisions)
    settle = tmp_path / "settle.toml"
    settle.write_text(SETTLEMENT)
    ledger.record_decisions(read_decisions_files([str(settle)], contract), recorded_by="B", contract=contract.name)
    ledger.write("restate", contract, build, reason="settled", recorded_by="B")
    now = csskpi.evaluate(contract, mfile.measurements, merge_decisions(ledger.current_decisions(contract=contract.name),
                                                                        mfile.decisions), missing="dna")
    return now, compute_credits(now)


def test_a_report_from_the_record_equals_the_report_from_the_measurements(
    ledger: Ledger, contract: csskpi.Contract, tmp_path: Path
) -> None:
    ev, run = _record_and_restate(ledger, contract, tmp_path)
    record = read_record(ledger, "2017-09", "2017-10")
    assert [r.reference for r in record.evaluation.results] == [r.reference for r in ev.results]
    for mine, theirs in zip(record.evaluation.results, ev.results, strict=True):
        assert (mine.kpi, mine.period, mine.value, mine.status, mine.earned, mine.step, mine.provisional, mine.explanation) == (
            theirs.kpi, theirs.period, theirs.value, theirs.status, theirs.earned, theirs.step, theirs.provisional, theirs.explanation)
        assert [m.reason for m in mine.mitigations] == [m.reason for m in theirs.mitigations]
        assert [e.settled for e in mine.escalations] == [e.settled for e in theirs.escalations]
    assert record.credits.kpis == run.kpis and record.credits.areas == run.areas  # type: ignore[attr-defined]
    from_record = build_report(record.assessment(), start="2017-09", end="2017-10", generated=DAY)
    decided = merge_decisions(ledger.current_decisions(contract=contract.name), read_measurements(MEASUREMENTS, contract).decisions)
    from_data = build_report(assess(contract, read_measurements(MEASUREMENTS, contract).measurements, decided, missing="dna"),
                             start="2017-09", end="2017-10", generated=DAY)
    assert report_record(from_record) == report_record(from_data)
    assert record.head == ledger.head() and "2017-09 v2" in record.describe() and record.head in record.describe()


def test_the_record_as_first_published(ledger: Ledger, contract: csskpi.Contract, tmp_path: Path) -> None:
    _record_and_restate(ledger, contract, tmp_path)
    first = read_record(ledger, Period(2017, 9), Period(2017, 9), as_at="first")
    now = read_record(ledger, Period(2017, 9), Period(2017, 9))
    sept = [v for v in first.versions if v.period == Period(2017, 9)]
    assert [v.version for v in sept] == [1] and [v.version for v in now.versions if v.period == Period(2017, 9)] == [2]
    was = {r.reference: r.status for r in first.evaluation.results if r.period == Period(2017, 9)}
    is_ = {r.reference: r.status for r in now.evaluation.results if r.period == Period(2017, 9)}
    assert was["F_KPI_01"].value == "amber" and is_["F_KPI_01"].value == "blue"


def test_bad_ranges_are_refused(ledger: Ledger, contract: csskpi.Contract, tmp_path: Path) -> None:
    _record_and_restate(ledger, contract, tmp_path)
    with pytest.raises(LedgerError, match="2017-11, 2017-12 of lincolnshire-css have no version in this ledger"):
        read_record(ledger, "2017-09", "2017-12")
    with pytest.raises(LedgerError, match="ends \\(2017-08\\) before it starts \\(2017-09\\)"):
        read_record(ledger, "2017-09", "2017-08")
    with pytest.raises(LedgerError, match="holds no contract named 'x'"):
        read_record(ledger, "2017-09", "2017-09", contract="x")



def test_csskpi_report_from_the_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`csskpi report --ledger` shows the figures as recorded: the same report as from the same measurements, with
    a line naming the versions and the head digest; `--as-at first` the figures as first published."""
    import json

    from csskpi.cli import main

    db = str(tmp_path / "ledger.sqlite")
    decisions = str(Path(MEASUREMENTS).with_name("decisions.toml"))
    assert main(["ledger", "record", db, "--measurements", MEASUREMENTS, "--decisions", decisions, "--missing", "dna",
                 "--by", "A. Analyst"]) == 0
    capsys.readouterr()

    def report(*source: str) -> dict[str, object]:
        assert main(["report", *source, "--from", "2017-05", "--to", "2017-10", "--format", "json", "--out", "-"]) == 0
        doc: dict[str, object] = json.loads(capsys.readouterr().out)
        return doc

    from_ledger = report("--ledger", db)
    from_file = report("--measurements", MEASUREMENTS, "--decisions", decisions, "--missing", "dna")
    notes = from_ledger.pop("notes")
    assert isinstance(notes, list) and "from the results ledger (lincolnshire-css): 2017-05 v1" in notes[0]
    from_file.pop("notes")
    for key in ("generated", "meta"):
        from_ledger.pop(key, None), from_file.pop(key, None)
    assert from_ledger == from_file
    assert report("--ledger", db, "--as-at", "first")["summary"] == from_ledger["summary"]
    # Table 1b: the points since the first month the ledger holds, though the report covers only two months.
    assert main(["report", "--ledger", db, "--from", "2017-09", "--to", "2017-10", "--format", "json", "--out", "-"]) == 0
    late: dict[str, list[dict[str, object]]] = json.loads(capsys.readouterr().out)
    assert [(p["period"], p["in_range"]) for p in late["points"]] == [
        ("2017-05", False), ("2017-06", False), ("2017-07", False), ("2017-08", False), ("2017-09", True), ("2017-10", True)
    ]
    assert main(["report", "--ledger", db, "--from", "2019-01", "--to", "2019-02", "--format", "json", "--out", "-"]) == 2
