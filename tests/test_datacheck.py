"""What the data must be (csskpi datasets, csskpi plugins' columns) and whether a folder is it (csskpi check)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csskpi.cli import main
from csskpi.pipeline.datacheck import check_data, dataset_catalogue
from csskpi.pipeline.measure import MeasureRegistry


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("raw")
    assert main(["synth", "--out", str(path), "--from", "2017-05", "--to", "2017-06", "--scale", "0.02"]) == 0
    return path


def test_datasets_json_gives_every_dataset_its_columns_plugin_and_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "datasets", "--format", "json")
    datasets = {d["name"]: d for d in json.loads(out)["datasets"]}
    assert code == 0 and set(datasets) == set(MeasureRegistry.from_plugins().datasets)
    surveys = datasets["surveys"]
    assert surveys["plugin"] == "csskpi.builtin" and {"PM_KPI_08", "IMT_KPI_12", "CSC_KPI_07"} <= set(surveys["kpis"])
    rating = next(c for c in surveys["columns"] if c["name"] == "rating")
    assert rating["kind"] == "enum" and "very good" in rating["values"] and rating["description"]
    incidents = datasets["incidents"]
    assert incidents["plugin"] == "imt" and incidents["id_column"] == "incident_id"
    assert ["opened_at", "resolved_at"] in incidents["ordered"]
    resolved = next(c for c in incidents["columns"] if c["name"] == "resolved_at")
    assert resolved == {"name": "resolved_at", "kind": "datetime", "required": False, "values": [],
                        "description": resolved["description"]}


def test_datasets_table_lists_columns_types_and_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "datasets")
    assert code == 0 and "surveys  (csskpi.builtin; KPIs: " in out
    assert "priority" in out and "P1 | P2 | P3 | P4" in out and "datetime, may be empty" in out


def test_plugins_lists_the_columns_each_dataset_needs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plugins")
    assert code == 0 and "incident_id, priority, vip, opened_at, resolved_at?" in out
    code, out, _ = run(capsys, "plugins", "--format", "json")
    imt = next(p for p in json.loads(out)["plugins"] if p["name"] == "imt")
    assert imt["columns"]["incidents"] == ["incident_id", "priority", "vip", "opened_at", "resolved_at"]


def test_catalogue_without_a_contract_lists_no_kpis() -> None:
    infos = dataset_catalogue(MeasureRegistry.from_plugins())
    assert infos and all(i.kpis == () for i in infos) and [i.spec.name for i in infos] == sorted(i.spec.name for i in infos)


def test_check_reports_every_dataset_rows_and_months(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "check", "--data", str(folder), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["problems"] == 0
    found = {d["name"]: d for d in result["datasets"]}
    assert all(d["status"] == "ok" for d in found.values())
    assert found["calls"]["months"] == ["2017-05", "2017-06"] and found["calls"]["rows"] > 0
    assert found["calls"]["source"] == str(folder / "calls.csv")


def test_check_names_every_problem_and_absence_and_exits_2(
    capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path,
) -> None:
    for name in ("calls.csv", "incidents.csv", "surveys.csv"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    lines = (tmp_path / "incidents.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",P", ",Q", 1)
    (tmp_path / "incidents.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "notes.txt").write_text("hello")
    code, out, err = run(capsys, "check", "--data", str(tmp_path), "--format", "json")
    result = json.loads(out)
    status = {d["name"]: d["status"] for d in result["datasets"]}
    assert code == 2 and status["incidents"] == "invalid" and status["calls"] == "ok" and status["outages"] == "absent"
    (problem,) = next(d for d in result["datasets"] if d["name"] == "incidents")["problems"]
    assert problem["line"] == 4 and problem["field"] == "priority" and "unknown value 'Q" in problem["message"]
    assert result["ignored"] == ["notes.txt"] and "incidents.csv:4" in err
    code, out, _ = run(capsys, "check", "--data", str(tmp_path))
    assert code == 2 and "incidents               invalid" in out and "3 datasets found" not in out


def test_check_through_a_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["synth", "--out", str(tmp_path), "--from", "2017-05", "--to", "2017-05", "--scale", "0.02",
                 "--profile", "servicenow-incidents"]) == 0
    capsys.readouterr()
    result = check_data(tmp_path, MeasureRegistry.from_plugins())
    assert {d.name: d.status for d in result.datasets}["incidents"] == "absent" and "incident.csv" in result.ignored
    code, out, _ = run(capsys, "check", "--data", str(tmp_path), "--profile", "servicenow-incidents", "--format", "json")
    found = {d["name"]: d for d in json.loads(out)["datasets"]}
    assert code == 0 and found["incidents"]["status"] == "ok" and found["incidents"]["months"] == ["2017-05"]
    assert "incident.csv" not in json.loads(out)["ignored"]


def test_check_of_a_missing_folder_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--data", str(tmp_path / "nowhere"))
    assert code == 2 and "not a folder" in err


def test_the_datasets_page_documents_every_dataset_and_column() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "datasets.md").read_text()
    for name, spec in MeasureRegistry.from_plugins().datasets.items():
        section = page.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
        assert [c.name for c in spec.columns] == [line.split("`")[1] for line in section.splitlines()
                                                  if line.startswith("| `")], name
