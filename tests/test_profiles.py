"""Import profiles: a council's exports read through a profile give exactly the measurements of the same records
in csskpi's own format, and every fault is named by the export's file, line and column (or the profile's line)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

import csskpi
from csskpi.builtin.import_profiles import bundled_profiles, load_profile
from csskpi.cli import main
from csskpi.data.export_write import write_exports
from csskpi.data.profile import load_profiled
from csskpi.errors import InputError
from csskpi.files.profile import parse_profile
from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
from csskpi.pipeline.synth import synthesize, write_data

MONTHS = list(csskpi.Period.range(csskpi.Period(2018, 1), csskpi.Period(2018, 3)))

#: Every dataset as a council's finance system might write it: semicolons, the Windows code page, UK dates.
UK_PROFILE_HEAD = """
name = "uk-finance"
"""


def _uk_profile(registry: MeasureRegistry) -> str:
    tables = [UK_PROFILE_HEAD]
    for name in registry.datasets:
        tables.append(f"""
[datasets.{name}]
files = ["{name}_export*.csv"]
delimiter = ";"
encoding = "cp1252"
date_format = "%d/%m/%Y"
timestamp_format = "%d/%m/%Y %H:%M:%S"
""")
    return "".join(tables)


@pytest.fixture(scope="module")
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins()


@pytest.fixture(scope="module")
def frames(registry: MeasureRegistry) -> dict[str, pl.DataFrame]:
    return synthesize(csskpi.SynthRequest(MONTHS[0], MONTHS[-1], 0.05, 7, frozenset({"IMT_KPI_01"})), registry)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory, frames: dict[str, pl.DataFrame]) -> Path:
    folder = tmp_path_factory.mktemp("own")
    write_data(frames, folder)
    return folder


@pytest.fixture(scope="module")
def own_run(own: Path, registry: MeasureRegistry, contract: csskpi.Contract) -> csskpi.MeasureRun:
    return measure(contract, load_data(own, registry), MONTHS, registry)


def _figures(run: csskpi.MeasureRun) -> list[tuple[object, ...]]:
    """Every measurement's figures (its source names the folder, which differs)."""
    return [(m.kpi, m.period, m.value, m.numerator, m.denominator) for m in run.measurements]


def _profiled_run(folder: Path, profile: csskpi.files.profile.Profile, registry: MeasureRegistry,
                  contract: csskpi.Contract) -> csskpi.MeasureRun:
    return measure(contract, load_data(folder, registry, profile=profile), MONTHS, registry)


def test_servicenow_export_measures_exactly_as_csskpis_own_format(
    tmp_path: Path, frames: dict[str, pl.DataFrame], registry: MeasureRegistry, contract: csskpi.Contract,
    own_run: csskpi.MeasureRun,
) -> None:
    profile = load_profile("servicenow-incidents")
    write_exports(frames, dict(registry.datasets), profile, tmp_path)
    header = (tmp_path / "incident.csv").read_text().splitlines()[0]
    assert header == "number,priority,caller_id.vip,opened_at,resolved_at"
    assert not (tmp_path / "incidents.csv").exists()
    text = (tmp_path / "incident.csv").read_text()
    assert "3 - Moderate" in text and ",P3," not in text
    run = _profiled_run(tmp_path, profile, registry, contract)
    assert _figures(run) == _figures(own_run)
    assert [m for m in run.measurements if m.kpi.startswith("IMT") and m.value is not None]


def test_semicolon_cp1252_uk_date_exports_of_every_dataset_measure_exactly_the_same(
    tmp_path: Path, frames: dict[str, pl.DataFrame], registry: MeasureRegistry, contract: csskpi.Contract,
    own_run: csskpi.MeasureRun,
) -> None:
    profile = parse_profile(_uk_profile(registry), file="uk.toml")
    write_exports(frames, dict(registry.datasets), profile, tmp_path)
    sample = (tmp_path / "invoices_export.csv").read_bytes().decode("cp1252").splitlines()
    assert ";" in sample[0] and "," not in sample[0]
    assert any(pl.Series(sample[1:]).str.contains(r"\d{2}/\d{2}/\d{4}"))
    run = _profiled_run(tmp_path, profile, registry, contract)
    assert _figures(run) == _figures(own_run)
    assert [(f.message, f.count) for f in run.findings] == [(f.message, f.count) for f in own_run.findings]


def test_contact_centre_profile_reads_a_semicolon_windows_export(
    tmp_path: Path, frames: dict[str, pl.DataFrame], registry: MeasureRegistry, contract: csskpi.Contract,
    own_run: csskpi.MeasureRun,
) -> None:
    profile = load_profile("contact-centre-calls")
    write_exports(frames, dict(registry.datasets), profile, tmp_path)
    first = (tmp_path / "calls.csv").read_bytes().splitlines()
    assert first[0] == b"Call ID;Queue;Offered;Answered;Abandoned"
    run = _profiled_run(tmp_path, profile, registry, contract)
    assert _figures(run) == _figures(own_run)
    odd = [f for f in run.findings if f.dataset == "calls"]
    assert odd and all(f.file == str(tmp_path / "calls.csv") and f.row is not None for f in odd)
    # a finding names the record by its line in the export (the frame's row index would be one less)
    ids = frames["calls"]["call_id"].to_list()
    lines = (tmp_path / "calls.csv").read_text("cp1252").splitlines()
    own_rows = {f.message: f.row for f in own_run.findings if f.dataset == "calls"}
    for f in odd:
        assert f.row is not None and lines[f.row - 1].split(";")[0] == ids[f.row - 2] and own_rows[f.message] == f.row


# ------------------------------------------------------------------------------------------ faults in exports

INCIDENTS = """number,priority,caller_id.vip,opened_at,resolved_at
INC1,1 - Critical,false,2018-01-03 09:00:00,2018-01-03 10:00:00
INC2,2 - High,true,2018-01-04 09:00:00,
"""


def _servicenow(folder: Path, text: str, name: str = "incident.csv") -> csskpi.DataFolder:
    (folder / name).write_text(text)
    registry = MeasureRegistry.from_plugins()
    only = {"incidents": registry.datasets["incidents"]}
    return load_profiled(folder, only, load_profile("servicenow-incidents"))


def test_a_clean_export_loads_with_its_own_lines(tmp_path: Path) -> None:
    data = _servicenow(tmp_path, INCIDENTS)
    loaded = data["incidents"]
    assert loaded.frame["incident_id"].to_list() == ["INC1", "INC2"]
    assert loaded.frame["priority"].to_list() == ["P1", "P2"]
    assert loaded.frame["vip"].to_list() == [False, True]
    assert loaded.frame.schema["opened_at"] == pl.Datetime("us")
    assert loaded.row_numbers.to_list() == [2, 3] and loaded.source == str(tmp_path / "incident.csv")


def test_an_unmapped_value_lists_every_value_seen(tmp_path: Path) -> None:
    text = INCIDENTS + "INC3,5 - Planning,false,2018-01-05 09:00:00,\nINC4,5 - Planning,false,2018-01-05 09:00:00,\n" \
        "INC5,Urgent,false,2018-01-05 09:00:00,\n"
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, text)
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "incident.csv") and problem.line == 4 and problem.field == "priority"
    assert "'5 - Planning' (2 records, first on line 4)" in problem.message
    assert "'Urgent' (1 record, first on line 6)" in problem.message
    assert "[datasets.incidents.values.priority]" in problem.message


def test_a_missing_export_column_is_named_by_both_names(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, INCIDENTS.replace("number,", "Number,"))
    (problem,) = caught.value.problems
    assert problem.field == "number (csskpi incident_id)" and problem.line == 1
    assert "missing column" in problem.message and "Number" in problem.message and "line 16" in problem.message


def test_a_cell_not_in_the_exports_format_names_file_line_and_both_column_names(tmp_path: Path) -> None:
    text = INCIDENTS + "INC3,3 - Moderate,maybe,03/01/2018 09:00,2018-01-03 08:00:00\n"
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, text)
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert "'03/01/2018 09:00' is not a timestamp in the export's format '%Y-%m-%d %H:%M:%S'" in found[(4, "opened_at")]
    assert "'maybe' is not a boolean" in found[(4, "caller_id.vip (csskpi vip)")]


def test_csskpis_own_checks_still_apply_after_mapping(tmp_path: Path) -> None:
    text = INCIDENTS + "INC1,3 - Moderate,false,2018-01-05 09:00:00,2018-01-04 09:00:00\n"
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, text)
    found = {(p.line, p.field): p.message for p in caught.value.problems}
    assert found[(4, "number (csskpi incident_id)")] == "duplicate id 'INC1' (first on line 2)"
    assert "negative duration" in found[(4, "resolved_at")]


def test_several_files_are_one_dataset_and_a_repeat_across_them_names_both(tmp_path: Path) -> None:
    (tmp_path / "incident_2.csv").write_text(INCIDENTS.splitlines()[0] + "\nINC9,4 - Low,false,2018-01-09 09:00:00,\n")
    data = _servicenow(tmp_path, INCIDENTS, "incident_1.csv")
    assert data["incidents"].height == 3 and data["incidents"].row_numbers.to_list() == [2, 3, 2]
    (tmp_path / "incident_3.csv").write_text(INCIDENTS)
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, INCIDENTS, "incident_1.csv")
    first = caught.value.problems[0]
    assert first.file == str(tmp_path / "incident_3.csv") and first.line == 2
    assert first.message == f"duplicate id 'INC1' (first on {tmp_path / 'incident_1.csv'} line 2)"


def test_constants_fill_a_column_the_export_lacks_and_utc_moves_to_uk_time(tmp_path: Path) -> None:
    profile = parse_profile("""
[datasets.incidents]
files = ["inc.csv"]
delimiter = ";"
timestamp_format = "%d/%m/%Y %H:%M"
timezone = "UTC"
[datasets.incidents.columns]
incident_id = "Ref"
[datasets.incidents.constants]
vip = false
""", file="p.toml")
    (tmp_path / "inc.csv").write_text("Ref;priority;opened_at;resolved_at\nA;P1;01/07/2018 10:00;\nB;P2;01/01/2018 10:00;\n")
    registry = MeasureRegistry.from_plugins()
    loaded = load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)["incidents"]
    assert loaded.frame["vip"].to_list() == [False, False]
    assert [t.hour for t in loaded.frame["opened_at"].to_list()] == [11, 10]  # BST in July, GMT in January


def test_a_local_time_that_does_not_exist_in_the_exports_zone_is_an_error(tmp_path: Path) -> None:
    profile = parse_profile("""
[datasets.incidents]
files = ["inc.csv"]
timezone = "America/New_York"
[datasets.incidents.constants]
vip = true
""", file="p.toml")
    (tmp_path / "inc.csv").write_text("incident_id,priority,opened_at,resolved_at\nA,P1,2018-03-11T02:30,\n")
    registry = MeasureRegistry.from_plugins()
    with pytest.raises(InputError) as caught:
        load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)
    (problem,) = caught.value.problems
    assert problem.line == 2 and "does not exist or is ambiguous in America/New_York" in problem.message


def test_a_semicolon_export_with_a_short_record_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_bytes(
        "Call ID;Queue;Offered;Answered;Abandoned\nc1;Mérida;01/02/2018 09:00:00;;\nc2;x;01/02/2018 09:00:00\n"
        .encode("cp1252"))
    registry = MeasureRegistry.from_plugins()
    with pytest.raises(InputError) as caught:
        load_profiled(tmp_path, {"calls": registry.datasets["calls"]}, load_profile("contact-centre-calls"))
    (problem,) = caught.value.problems
    assert problem.line == 3 and problem.message == "has 3 fields but the header has 5"


def test_a_database_query_is_a_source(tmp_path: Path, frames: dict[str, pl.DataFrame],
                                      registry: MeasureRegistry) -> None:
    path = tmp_path / "warehouse.sqlite"
    rows = frames["incidents"].with_columns(pl.col("opened_at", "resolved_at").dt.strftime("%Y-%m-%d %H:%M:%S"))
    with sqlite3.connect(path) as db:
        db.execute("create table inc (number text, prio text, vip integer, opened_at text, resolved_at text)")
        db.executemany("insert into inc values (?, ?, ?, ?, ?)", rows.rows())
    profile = parse_profile(f"""
[datasets.incidents]
timestamp_format = "%Y-%m-%d %H:%M:%S"
[datasets.incidents.database]
url = "sqlite:///{path}"
query = "select number, prio, vip, opened_at, resolved_at from inc order by rowid"
[datasets.incidents.columns]
incident_id = "number"
priority = "prio"
""", file="db.toml")
    data = load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)
    assert data["incidents"].frame.select(frames["incidents"].columns).equals(frames["incidents"])
    assert data["incidents"].row_label == "row" and data["incidents"].row_numbers[0] == 1


def test_a_failing_query_is_an_input_error(tmp_path: Path, registry: MeasureRegistry) -> None:
    profile = parse_profile(f"""
[datasets.incidents.database]
url = "sqlite:///{tmp_path / 'none.sqlite'}"
query = "select * from nowhere"
""", file="db.toml")
    with pytest.raises(InputError, match="the query failed: no such table: nowhere"):
        load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)


def test_bundled_profiles_are_listed_and_load() -> None:
    assert set(bundled_profiles()) == {"servicenow-incidents", "contact-centre-calls"}
    with pytest.raises(csskpi.UnknownNameError, match="servicenow-incidents"):
        load_profile("sericenow")


# ----------------------------------------------------------------------------------------- the CLI, exit 2


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("body", "line", "key", "says"), [
    ('[datasets.incidents]\nfiles = ["a.csv"]\n[datasets.incidents.columns]\nincident = "number"\n',
     4, "datasets.incidents.columns.incident", "has no column 'incident'"),
    ('[datasets.incidents.values.priority]\n"High" = "P2"\n"High" = "P3"\n', 3, None, "Cannot overwrite a value"),
    ('[datasets.incidents.values.priority]\n"High" = "P2"\n"high " = "P3"\n',
     3, "datasets.incidents.values.priority.high ", "mapped twice"),
    ('[datasets.incidents]\ndate_format = "%d/%q/%Y"\n', 2, "datasets.incidents.date_format", "unknown code %q"),
    ('[datasets.incidents]\ntimestamp_format = "%d/%m/%Y"\n', 2, "datasets.incidents.timestamp_format",
     "does not hold a whole timestamp"),
    ('[datasets.incidents]\n\ntimezone = "Europe/Lundun"\n', 3, "datasets.incidents.timezone", "unknown time zone"),
    ('[datasets.incidents.values.priority]\n"1 - Critical" = "P0"\n', 2,
     "datasets.incidents.values.priority.1 - Critical", "'P0' is not a enum value of priority"),
])
def test_a_bad_profile_exits_2_naming_its_file_line_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, line: int, key: str | None, says: str,
) -> None:
    path = tmp_path / "council.toml"
    path.write_text(body)
    code, _, err = _cli(capsys, "check", "--data", str(tmp_path), "--profile", str(path))
    assert code == 2 and "Traceback" not in err
    assert f"{path}:{line}: " in err and says in err
    if key is not None:
        assert f"'{key}'" in err


def test_measure_and_report_take_a_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           own: Path) -> None:
    exports = tmp_path / "exports"
    assert main(["synth", "--out", str(exports), "--from", "2018-01", "--to", "2018-03", "--scale", "0.05", "--seed", "7",
                 "--degrade", "IMT_KPI_01", "--profile", "servicenow-incidents"]) == 0
    capsys.readouterr()
    assert (exports / "incident.csv").exists()
    code, ours, _ = _cli(capsys, "measure", "--data", str(own), "--period", "2018-01", "--to", "2018-03")
    code2, theirs, _ = _cli(capsys, "measure", "--data", str(exports), "--profile", "servicenow-incidents",
                            "--period", "2018-01", "--to", "2018-03")
    assert code == code2 == 0 and ours == theirs
    code, _, _ = _cli(capsys, "report", "--data", str(exports), "--profile", "servicenow-incidents",
                        "--from", "2018-03", "--to", "2018-03", "--format", "json", "--out", str(tmp_path / "r.json"))
    assert code == 0 and (tmp_path / "r.json").stat().st_size > 1000
    code, _, err = _cli(capsys, "measure", "--data", str(exports), "--period", "2018-01")
    assert code == 2 and "'incidents' is absent" in err  # without the profile the export is no dataset's: not misread
    code, _, _ = _cli(capsys, "measure", "--data", str(exports), "--period", "2018-01", "--missing", "dna")
    assert code == 0


def test_a_glob_claiming_another_datasets_own_file_is_an_error(tmp_path: Path, registry: MeasureRegistry) -> None:
    (tmp_path / "calls.csv").write_text("call_id,queue,offered_at,answered_at,abandoned_at\n")
    profile = parse_profile('[datasets.incidents]\nfiles = ["*.csv"]\n', file="greedy.toml")
    specs = {n: registry.datasets[n] for n in ("incidents", "calls")}
    with pytest.raises(InputError, match="claims dataset 'calls'"):
        load_profiled(tmp_path, specs, profile)


def test_timestamps_with_their_own_offset_are_moved_to_uk_time_once(tmp_path: Path, registry: MeasureRegistry) -> None:
    profile = parse_profile("""
[datasets.incidents]
files = ["inc.csv"]
timestamp_format = "%Y-%m-%dT%H:%M:%S%z"
timezone = "America/New_York"
[datasets.incidents.constants]
vip = false
""", file="p.toml")
    (tmp_path / "inc.csv").write_text("incident_id,priority,opened_at,resolved_at\nA,P1,2018-07-01T10:00:00+0000,\n")
    loaded = load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)["incidents"]
    assert loaded.frame["opened_at"].to_list()[0].hour == 11  # the offset says UTC; BST is an hour on


def test_an_unknown_dataset_in_a_profile_names_its_table_line(tmp_path: Path, registry: MeasureRegistry) -> None:
    profile = parse_profile('name = "x"\n\n[datasets.incidentz]\nfiles = ["a.csv"]\n', file="p.toml")
    with pytest.raises(InputError) as caught:
        load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("p.toml", 3, "datasets.incidentz")


def test_boolean_values_may_be_mapped_with_toml_booleans(tmp_path: Path, registry: MeasureRegistry) -> None:
    profile = parse_profile("""
[datasets.incidents]
files = ["inc.csv"]
[datasets.incidents.values.vip]
Y = true
N = false
""", file="p.toml")
    (tmp_path / "inc.csv").write_text("incident_id,priority,vip,opened_at,resolved_at\nA,P1,Y,2018-07-01T10:00,\n"
                                      "B,P2,N,2018-07-01T10:00,\n")
    loaded = load_profiled(tmp_path, {"incidents": registry.datasets["incidents"]}, profile)["incidents"]
    assert loaded.frame["vip"].to_list() == [True, False]
    assert load_profile("servicenow-incidents").file == "bundled:servicenow-incidents.toml"


def test_header_text_in_a_message_is_escaped(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        _servicenow(tmp_path, INCIDENTS.replace("number,", "\x1b[31mnumber,"))
    assert "\x1b" not in str(caught.value) and "'\\x1b[31mnumber'" in str(caught.value)


def test_appendix_takes_a_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = tmp_path / "pm.toml"
    profile.write_text('[datasets.pm_contacts]\nfiles = ["helpdesk*.csv"]\ndelimiter = ";"\ndate_format = "%d/%m/%Y"\n'
                       'timestamp_format = "%d/%m/%Y %H:%M"\n')
    exports = tmp_path / "exports"
    assert main(["synth", "--out", str(exports), "--from", "2017-05", "--to", "2017-05", "--scale", "0.05",
                 "--profile", str(profile)]) == 0
    capsys.readouterr()
    assert (exports / "helpdesk.csv").exists()
    code, own, _ = _cli(capsys, "appendix", "payroll-contacts", "--data", str(exports), "--profile", str(profile),
                        "--from", "2017-05", "--to", "2017-05", "--as-at", "2017-06-10", "--format", "json")
    assert code == 0 and '"rows"' in own
    assert main(["synth", "--out", str(tmp_path / "own"), "--from", "2017-05", "--to", "2017-05", "--scale", "0.05"]) == 0
    capsys.readouterr()
    code, theirs, _ = _cli(capsys, "appendix", "payroll-contacts", "--data", str(tmp_path / "own"),
                           "--from", "2017-05", "--to", "2017-05", "--as-at", "2017-06-10", "--format", "json")
    assert code == 0 and own == theirs
    code, _, err = _cli(capsys, "appendix", "payroll-contacts", "--data", str(exports), "--from", "2017-05",
                        "--to", "2017-05", "--format", "json")
    assert code == 2 and "pm_contacts" in err  # without the profile the export is no dataset's
