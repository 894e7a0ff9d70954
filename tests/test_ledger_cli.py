"""``csskpi ledger ...``: init, record, decide, restate, show, history, changes — on SQLite and PostgreSQL — and
errors that exit 2 with a message, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from csskpi.cli import main

from . import test_ledger_support as support

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests

EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "csskpi" / "builtin" / "examples" / "dec-2017"
MEASUREMENTS = str(EXAMPLE / "measurements.csv")

SETTLEMENT = """
[[escalation]]
kpi = "IMT_KPI_05"
period = "2017-09"
reason = "supplier disputes the clock"
settled_on = 2017-12-01
outcome = "figure stands"

[[mitigation]]
kpi = "F_KPI_01"
from = "2017-09"
reason = "new finance system bedding in"
impact = "invoices paid late"
path_to_green = "backlog cleared by November"
decided_by = "Contract board"
decided_on = 2017-11-20
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_ledger_commands_from_publication_to_restatement(
    capsys: pytest.CaptureFixture[str], ledger_target: str, tmp_path: Path
) -> None:
    db = ledger_target
    code, out, err = run(capsys, "ledger", "init", db)
    assert code == 0, err
    assert "schema revision 0004" in out and "0 month(s) published" in out

    code, out, err = run(capsys, "ledger", "record", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "A. Analyst")
    assert code == 0, err
    assert "published 6 month(s)" in out and "2017-09        1    41" in out and "£" in out

    code, _, err = run(capsys, "ledger", "record", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "A. Analyst")
    assert code == 2 and "2017-09 is already published (version 1" in err and "Traceback" not in err

    decisions = tmp_path / "settle.toml"
    decisions.write_text(SETTLEMENT)
    code, out, err = run(capsys, "ledger", "decide", db, "--decisions", str(decisions), "--by", "B. Board")
    assert code == 0 and "recorded 2 decision(s)" in out, err
    code, out, _ = run(capsys, "ledger", "decide", db, "--decisions", str(decisions), "--by", "B. Board")
    assert "recorded 0 decision(s)" in out and "2 already held" in out

    with pytest.raises(SystemExit) as exc:  # the reason is required
        main(["ledger", "restate", db, "--measurements", MEASUREMENTS, "--by", "B. Board"])
    assert exc.value.code == 2
    capsys.readouterr()
    code, out, err = run(capsys, "ledger", "restate", db, "--measurements", MEASUREMENTS, "--missing", "dna",
                         "--reason", "escalation settled; F_KPI_01 mitigated", "--by", "B. Board", "--color", "never")
    assert code == 0, err
    # Only the months whose figures changed get a version; the others are named.
    assert "restated 2 month(s)" in out and "unchanged, so no new version: 2017-05, 2017-06, 2017-07, 2017-08" in out
    assert "2017-10: version 1 → 2: 0 KPI(s), 0 area(s), 2 warning(s) changed" in out and "warning raised:" in out
    head = re.search(r"^head ([0-9a-f]{64})$", out, re.MULTILINE)
    assert head is not None
    assert "2017-09: version 1 → 2: 2 KPI(s), 1 area(s), 3 warning(s) changed" in out
    assert "AMBER → ◆ BLUE" in out and "provisional → final" in out

    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--format", "json")
    now = json.loads(out)
    assert (now["version"], now["latest_version"], now["kind"], now["recorded_by"]) == (2, 2, "restate", "B. Board")
    assert now["reason"] == "escalation settled; F_KPI_01 mitigated"
    assert {"results", "kpis", "areas", "warnings", "missing", "total_credit", "recorded_at", "contract"} <= set(now)
    status = {r["kpi"]: r["status"] for r in now["results"]}
    assert status["F_KPI_01"] == "blue"
    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--as-at", "first", "--format", "json")
    first = json.loads(out)
    assert first["version"] == 1 and {r["kpi"]: r["status"] for r in first["results"]}["F_KPI_01"] == "amber"
    assert {r["kpi"]: r["provisional"] for r in first["results"]}["IMT_KPI_05"] is True
    assert first["areas"] and all({"area", "points", "credit", "cap"} <= set(a) for a in first["areas"])
    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--as-at", "2999-01-01", "--format", "json")
    assert json.loads(out)["version"] == 2

    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--color", "never")
    assert code == 0 and "2017-09, version 2 of 2 — restated" in out and "F_KPI_01" in out and "Total" in out

    code, out, _ = run(capsys, "ledger", "history", db, "--period", "2017-09", "--format", "json")
    history = json.loads(out)
    assert [(v["version"], v["kind"], v["recorded_by"]) for v in history["versions"]] == [
        (1, "publish", "A. Analyst"), (2, "restate", "B. Board")]
    assert history["versions"][0]["changes"] is None
    changed = {k["kpi"]: k for k in history["versions"][1]["changes"]["kpis"]}
    assert set(changed) == {"F_KPI_01", "IMT_KPI_05"}
    assert (changed["F_KPI_01"]["old_status"], changed["F_KPI_01"]["new_status"]) == ("amber", "blue")
    assert (changed["IMT_KPI_05"]["old_provisional"], changed["IMT_KPI_05"]["new_provisional"]) == (True, False)
    assert [a["area"] for a in history["versions"][1]["changes"]["areas"]] == ["F"]

    code, out, _ = run(capsys, "ledger", "history", db, "--period", "2017-09", "--color", "never")
    assert code == 0 and "escalation settled" in out and "restated" in out and "published" in out

    code, out, _ = run(capsys, "ledger", "changes", db, "--period", "2017-09", "--format", "json")
    assert json.loads(out)["from_version"] == 1 and json.loads(out)["to_version"] == 2

    # The head printed by restate is the head `show` prints and `verify` proves.
    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--color", "never")
    assert f"ledger head {head.group(1)}" in out and "terms " in out
    code, out, err = run(capsys, "ledger", "verify", db, "--expect-head", head.group(1).upper())
    assert code == 0, err
    assert out.startswith("verified: ") and f"head {head.group(1)}" in out and "is in the chain" in out
    code, out, _ = run(capsys, "ledger", "verify", db, "--format", "json")
    assert json.loads(out)["ok"] is True and json.loads(out)["contracts"] == ["lincolnshire-css"]
    code, _, err = run(capsys, "ledger", "verify", db, "--expect-head", "12ab")
    assert code == 2 and "not a digest: '12ab'" in err and "Traceback" not in err
    code, _, err = run(capsys, "ledger", "verify", db, "--expect-head", "f" * 64)
    assert code == 2 and "the ledger does not verify: head: no entry of the chain has the digest expected" in err
    code, _, err = run(capsys, "ledger", "show", db, "--period", "2017-09", "--contract", "no-such-contract")
    assert code == 2 and "this ledger holds no contract named 'no-such-contract' (it holds: lincolnshire-css)" in err
    code, _, err = run(capsys, "ledger", "verify", db, "--contract", "no-such-contract")
    assert code == 2 and "holds no contract named 'no-such-contract'" in err

    code, _, err = run(capsys, "ledger", "show", db, "--period", "2016-01")
    assert code == 2 and "2016-01 has not been published in this ledger" in err
    code, _, err = run(capsys, "ledger", "show", db, "--period", "2017-09", "--as-at", "2017-01-01")
    assert code == 2 and "was not yet published at 2017-01-01 23:59:59 UTC" in err
    code, _, err = run(capsys, "ledger", "show", db, "--period", "2017-09", "--as-at", "soon")
    assert code == 2 and "'as at' must be" in err


def test_record_with_charges(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("csskpi.engine.credits")
    db = str(tmp_path / "l.db")
    charges = tmp_path / "charges.csv"
    charges.write_text("area,from,monthly_charge\nPM,2015-04,1000\nIMT,2015-04,1000\nCSC,2015-04,1000\nACF,2015-04,1000\nF,2015-04,1000\n")
    code, out, err = run(capsys, "ledger", "record", db, "--measurements", MEASUREMENTS, "--charges", str(charges), "--by", "A")
    assert code == 0, err
    code, out, _ = run(capsys, "ledger", "show", db, "--period", "2017-09", "--format", "json")
    assert {a["cap"] for a in json.loads(out)["areas"]} == {"100.00"}


def test_errors_exit_2_without_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "ledger", "show", str(tmp_path / "absent.db"), "--period", "2017-09")
    assert code == 2 and "there is no ledger at" in err and "csskpi ledger init" in err
    code, _, err = run(capsys, "ledger", "init", "mysql://someone@somewhere/db")
    assert code == 2 and "an SQLite file or a PostgreSQL database" in err
    code, _, err = run(capsys, "ledger", "record", str(tmp_path / "l.db"), "--measurements", str(tmp_path / "none.csv"), "--by", "A")
    assert code == 2 and "cannot read the measurements file" in err
    code, _, err = run(capsys, "ledger", "record", str(tmp_path / "l.db"), "--measurements", MEASUREMENTS, "--by", "  ")
    assert code == 2 and "say who is recording" in err
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00not sqlite at all\x00" * 200)
    proc = subprocess.run([sys.executable, "-m", "csskpi", "ledger", "history", str(garbage), "--period", "2017-09"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("csskpi: error: cannot open the ledger at")
    assert "Traceback" not in proc.stderr


def test_several_contracts_and_their_terms_on_the_command_line(
    capsys: pytest.CaptureFixture[str], ledger_target: str, tmp_path: Path, contract
) -> None:  # type: ignore[no-untyped-def]
    from csskpi.files.contract_dump import dump_contract

    from .test_ledger_contracts import edited, renamed, tsl_1

    db = ledger_target
    other = tmp_path / "shared.toml"
    other.write_text(dump_contract(renamed(contract, "shared-service")))
    for path in (None, str(other)):
        argv = ["ledger", "record", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "A"]
        code, out, err = run(capsys, *(argv + (["--contract", path] if path else [])))
        assert code == 0, err
    assert "published 6 month(s) of shared-service" in out
    code, _, err = run(capsys, "ledger", "history", db, "--period", "2017-09")
    assert code == 2 and "holds several contracts (lincolnshire-css, shared-service): say which (--contract NAME)" in err
    code, out, err = run(capsys, "ledger", "show", db, "--period", "2017-09", "--contract", "shared-service", "--format", "json")
    assert code == 0 and json.loads(out)["contract"] == "shared-service", err

    # The forgery: a file of the same name with one KPI's TSL at 1. It is a restatement under other
    # terms, and says so; history shows when the terms changed.
    failing = "F_KPI_01"  # AMBER at 90.16 in 2017-05 (TSL 95, MSL 80)
    forged = tmp_path / "forged.toml"
    forged.write_text(dump_contract(edited(contract, tsl_1(failing))))
    code, out, err = run(capsys, "ledger", "restate", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "B",
                         "--contract", str(forged), "--reason", "contract file replaced", "--color", "never")
    assert code == 0, err
    assert "2017-05: restated under other contract terms than version 1: F_KPI_01 targets: TSL >= 95, MSL >= 80 → " \
           "TSL >= 1, MSL >= 0" in out and "F_KPI_01  ◐ AMBER → ● GREEN" in out
    # From July a change notice sets F_KPI_01's targets, which the forged file did not touch: said so.
    assert "2017-09: restated under other contract terms than version 1: the contract's terms differ, but not the " \
           "targets or points of this month's KPIs" in out
    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-05", "--contract", "lincolnshire-css", "--color", "never")
    assert code == 0, err
    assert "(changed)" in out and "version 2 was computed under other contract terms" in out
    code, out, _ = run(capsys, "ledger", "history", db, "--period", "2017-05", "--contract", "lincolnshire-css", "--format", "json")
    versions = json.loads(out)["versions"]
    assert versions[0]["terms_digest"] != versions[1]["terms_digest"] and versions[1]["changes"]["terms_changed"] is True
    code, out, err = run(capsys, "ledger", "verify", db, "--contract", "shared-service")
    assert code == 0 and "contracts: lincolnshire-css, shared-service" in out, err


def test_init_and_every_command_refuse_a_ledger_that_lost_its_guards(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import sqlite3

    db = str(tmp_path / "l.db")
    code, _, err = run(capsys, "ledger", "record", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "A")
    assert code == 0, err
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER results_no_update")
        conn.execute("UPDATE results SET value = '99.99', status = 'green' WHERE id = 1")
    for argv in (["init", db], ["show", db, "--period", "2017-09"], ["history", db, "--period", "2017-09"]):
        code, _, err = run(capsys, "ledger", *argv)
        assert code == 2 and "it has lost its append-only guards: the trigger results_no_update on results is missing" in err
    code, _, err = run(capsys, "ledger", "verify", db)
    assert code == 2 and "the ledger does not verify: guards: the trigger results_no_update on results is missing" in err
    assert "table results, row 1: this row was changed" in err and "Traceback" not in err


def test_the_councils_published_figures_in_the_history(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    code, out, err = run(capsys, "ledger", "record", db, "--measurements", MEASUREMENTS, "--missing", "dna", "--by", "A. Analyst")
    assert code == 0, err
    code, out, err = run(capsys, "ledger", "record-published", db, "--example", "dec-2017", "--by", "C. Clerk")
    assert code == 0, err
    assert "recorded 93 published figure(s) of lincolnshire-css from " in out and "(0 already held, unchanged)" in out
    assert re.search(r"jul2017-minutes\s+2017-07-27\s+4\s+2017-05 to 2017-06", out), out
    head = re.search(r"head ([0-9a-f]{64})", out)
    assert head is not None

    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-05")
    assert code == 0, err
    versions, _, published = out.partition("2017-05 as published by the council: 8 figure(s) from 2 source(s), 1 restating")
    assert "2017-05 of lincolnshire-css: 1 version(s)" in versions and published, out
    assert re.search(r"PM\s+jul2017-minutes\s+2017-07-27\s+8\s+-\s+-\s+-\s+9\s+first published", published), published
    assert re.search(r"PM\s+dec2017-report\s+2017-12-21\s+9 \(was 8\)\s+0\s+0\s+0\s+9\s+restates jul2017-minutes", published)
    assert re.search(r"IMT\s+dec2017-report\s+2017-12-21\s+10\s+2\s+0\s+0\s+12\s+no count changed", published)
    assert "PM 2017-05: dec2017-report (2017-12-21) restates tsl_achieved 8 (jul2017-minutes, 2017-07-27) → 9" in published
    assert re.search(r"recorded by C\. Clerk( \(database user \w+\))? at \d{4}-\d\d-\d\d \d\d:\d\d UTC", published), published
    assert ("(database user" in published) == ledger_target.startswith("postgresql")  # PostgreSQL records its own user

    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-06", "--area", "ALL", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [v["version"] for v in data["versions"]] == [1]
    assert [(f["source"], f["published_on"], f["tsl_achieved"], f["below_msl"], f["restates"]) for f in data["published"]] == [
        ("jul2017-addendum", "2017-07-27", 29, 3, []), ("jul2017-minutes", "2017-07-27", 30, 2, ["jul2017-addendum"]),
        ("dec2017-report", "2017-12-21", 32, 2, ["jul2017-minutes"]), ("dec2017-addendum", "2017-12-21", 32, 2, []),
    ]
    assert data["published"][1]["changes"] == [
        {"field": "tsl_achieved", "old": 29, "new": 30, "old_source": "jul2017-addendum", "old_published_on": "2017-07-27"},
        {"field": "below_msl", "old": 3, "new": 2, "old_source": "jul2017-addendum", "old_published_on": "2017-07-27"},
    ]
    assert data["published"][0]["recorded_by"] == "C. Clerk" and data["published"][0]["line"] == 15

    # A month the ledger has no version of, but the council published: its figures alone.
    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-11")
    assert code == 0, err
    assert out.startswith("2017-11 of lincolnshire-css: no version in this ledger\n")
    assert "2017-11 as published by the council: 6 figure(s) from 1 source(s), 0 restating" in out
    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-11", "--format", "json")
    assert json.loads(out)["versions"] == [] and len(json.loads(out)["published"]) == 6

    # Recorded once: again, nothing changes.
    code, out, err = run(capsys, "ledger", "record-published", db, "--example", "dec-2017", "--by", "C. Clerk")
    assert code == 0 and "recorded 0 published figure(s)" in out and "(93 already held, unchanged)" in out
    assert f"head {head.group(1)}" in out
    code, out, err = run(capsys, "ledger", "verify", db, "--format", "json")
    assert code == 0 and json.loads(out)["published"] == 93
    code, out, err = run(capsys, "ledger", "verify", db)
    assert code == 0 and "verified: 101 entries (6 versions, 2 batches, 93 published figures; contracts: lincolnshire-css)" in out


def test_published_figures_refused_exit_2_naming_file_line_and_field(
    capsys: pytest.CaptureFixture[str], ledger_target: str, tmp_path: Path
) -> None:
    db = ledger_target
    assert run(capsys, "ledger", "record-published", db, "--example", "dec-2017", "--by", "C. Clerk")[0] == 0
    undated, dated = tmp_path / "undated.csv", tmp_path / "dated.csv"
    undated.write_text("source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"
                       "web,PM,2017-05,9,0,0,0,9\n", encoding="utf-8")
    dated.write_text("source,published_on,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"
                     "dec2017-report,2017-12-21,PM,2017-05,8,1,0,0,9\nnew-report,2017-02-30,PM,2017-05,9,0,0,0,9\n",
                     encoding="utf-8")
    code, out, err = run(capsys, "ledger", "record-published", db, "--published", str(undated), "--by", "X")
    assert code == 2 and "Traceback" not in err
    assert f"{undated}:2: 'published_on': web PM 2017-05 has no publication date" in err
    code, out, err = run(capsys, "ledger", "record-published", db, "--published", str(dated), "--by", "X")
    assert code == 2 and f"{dated}:3: 'published_on': 'published_on' must be a real date, not '2017-02-30'" in err
    dated.write_text(dated.read_text(encoding="utf-8").replace("2017-02-30", "2018-02-01"), encoding="utf-8")
    code, out, err = run(capsys, "ledger", "record-published", db, "--published", str(dated), "--by", "X")
    assert code == 2 and "Traceback" not in err
    assert (f"{dated}:2: 'counts': dec2017-report PM 2017-05 is in the ledger already as 9/0/0/0/9 published on "
            "2017-12-21, not 8/1/0/0/9: the record is never overwritten") in err
    code, out, err = run(capsys, "ledger", "history", db, "--period", "2017-05", "--area", "PM", "--format", "json")
    assert [f["source"] for f in json.loads(out)["published"]] == ["jul2017-minutes", "dec2017-report"]  # nothing added
    code, out, err = run(capsys, "ledger", "history", db, "--period", "2016-01")
    assert code == 2 and "2016-01 has not been published in this ledger" in err
