"""The raw-data commands with the installed Lincolnshire plugins: synth, measure (and --compare), plugins, appendix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import csskpi
from csskpi.cli import main
from csskpi.pipeline.measure import MeasureRegistry

AREA_PLUGINS = {"pm", "imt", "csc", "acf", "finance"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    assert main(["synth", "--out", str(folder), "--from", "2017-05", "--to", "2017-06", "--scale", "0.05", "--seed", "3",
                 "--degrade", "CSC_KPI_04,F_KPI_01"]) == 0
    return folder


def test_registry_matches_the_contract_catalogue(contract: csskpi.Contract) -> None:
    registry = MeasureRegistry.from_plugins()
    in_use = {k.measure for k in contract.kpis}
    assert in_use <= set(registry.measures), sorted(in_use - set(registry.measures))
    # every KPI the contract ever has (IMT_KPI_14 included), and ACF_KPI_11 of the illustrative second-extension notice
    assert set(registry.measures) == in_use | {"ACF_KPI_11"}
    owners = {p.name for p in registry.plugins() if p.kpis}
    assert owners >= AREA_PLUGINS


def test_plugins_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plugins", "--format", "json")
    plugins = {p["name"]: p for p in json.loads(out)["plugins"]}
    assert code == 0 and AREA_PLUGINS <= set(plugins)
    assert "payroll_payments" in plugins["pm"]["datasets"] and "PM_KPI_01" in plugins["pm"]["kpis"]
    assert plugins["csskpi.builtin"]["datasets"] == ["surveys"]
    for p in plugins.values():
        assert set(p) >= {"name", "kpis", "datasets"}


def test_synth_is_deterministic_per_seed(data: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["synth", "--out", str(again), "--from", "2017-05", "--to", "2017-06", "--scale", "0.05", "--seed", "3",
                 "--degrade", "CSC_KPI_04,F_KPI_01"]) == 0
    names = sorted(p.name for p in data.iterdir())
    assert names == sorted(p.name for p in again.iterdir()) and "calls.csv" in names and "surveys.csv" in names
    assert all((data / n).read_bytes() == (again / n).read_bytes() for n in names)


def test_measure_csv_feeds_evaluate(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", "2017-05", "--to", "2017-06")
    assert code == 0 and out.startswith("period,kpi_id,value,annotation\n")
    path = tmp_path / "m.csv"
    path.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "evaluate", "--measurements", str(path), "--format", "json")
    results = {(r["kpi"], r["period"]): r for r in json.loads(out)["results"]}
    assert code == 0 and len(results) == 82
    assert results[("CSC_KPI_04", "2017-05")]["status"] == "red"  # degraded
    assert results[("F_KPI_01", "2017-06")]["status"] == "red"
    greens = sum(r["status"] == "green" for r in results.values())
    assert greens >= 60, greens  # the synthetic supplier mostly meets its targets


def test_measure_json_has_counts(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", "2017-05", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and set(doc) >= {"measurements", "findings"}
    m = next(x for x in doc["measurements"] if x["kpi"] == "CSC_KPI_04")
    assert set(m) >= {"period", "kpi", "value", "numerator", "denominator", "annotation"}
    assert m["denominator"] > 0 and m["annotation"] == ""
    count = next(x for x in doc["measurements"] if x["kpi"] == "IMT_KPI_05")
    assert count["denominator"] is None and count["value"].endswith(".00")


def test_measure_compare_reconciles_the_suppliers_figures(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", "2017-05")
    rows = out.splitlines()
    # The supplier reports CSC_KPI_04 as 6.50 (green); everything else as recomputed.
    rows = [",".join(["2017-05", "CSC_KPI_04", "6.50", ""]) if r.startswith("2017-05,CSC_KPI_04,") else r for r in rows]
    supplier = tmp_path / "supplier.csv"
    supplier.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", "2017-05", "--compare", str(supplier), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["disagreements"] == 1
    (bad,) = [c for c in doc["comparisons"] if not c["agrees"]]
    assert (bad["kpi"], bad["reported"], bad["reported_status"], bad["recomputed_status"]) == ("CSC_KPI_04", "6.50", "green", "red")
    code, out, _ = run(capsys, "measure", "--data", str(data), "--period", "2017-05", "--compare", str(supplier), "--color", "never")
    assert "DIFFERS" in out and "1 figures differ; 1 statuses differ" in out


def test_appendix_payroll_contacts(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "appendix", "payroll-contacts", "--data", str(data), "--from", "2017-05", "--to", "2017-06",
                       "--as-at", "2017-07-15", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["appendix"] == "payroll-contacts" and doc["rows"]
    code, _, err = run(capsys, "appendix", "nonesuch", "--data", str(data), "--from", "2017-05", "--to", "2017-06")
    assert code == 2 and "payroll-contacts" in err


def test_bad_raw_data_exits_2_naming_file_line_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        "call_id,queue,offered_at,answered_at,abandoned_at\nC1,general,2017-05-02T09:00,2017-05-02T08:00,\n"
        "C2,general,2017-05-32T09:00,,\n", encoding="utf-8")
    code, out, err = run(capsys, "measure", "--data", str(tmp_path), "--period", "2017-05")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "calls.csv:3" in err and "'offered_at'" in err
    assert "calls.csv:2" in err  # answered before it was offered


def test_absent_datasets_are_an_error_unless_data_not_available_is_asked_for(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "measure", "--data", str(tmp_path), "--period", "2017-05", "--format", "json")
    assert code == 2 and out == ""
    assert f"{tmp_path}: 'incidents': dataset 'incidents' is absent from {tmp_path} (IMT_KPI_02, IMT_KPI_03" in err
    code, out, err = run(capsys, "measure", "--data", str(tmp_path), "--period", "2017-05", "--format", "json", "--missing", "dna")
    doc = json.loads(out)
    assert code == 0 and all(m["value"] is None and m["annotation"] == "dna" for m in doc["measurements"])
    assert len(doc["measurements"]) == 41 and "absent" in err


def test_synth_rejects_unknown_degrade(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "synth", "--out", str(tmp_path), "--from", "2017-05", "--to", "2017-05", "--degrade", "XX_KPI_01")
    assert code == 2 and "XX_KPI_01" in err
