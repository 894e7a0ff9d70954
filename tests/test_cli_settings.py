"""The command around the library: csskpi.toml and CSSKPI_* defaults, logging and -v/-q, NO_COLOR, --fail-on's exit
code 3, shell completion."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pytest

import csskpi
from csskpi.cli import main
from csskpi.cli.settings import EXIT_FAIL_ON, read_settings
from csskpi.errors import InputError
from csskpi.pipeline.measure import MeasureRegistry, load_data, measure


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("raw")
    assert main(["synth", "--out", str(path), "--from", "2017-05", "--to", "2017-05", "--scale", "0.02",
                 "--degrade", "CSC_KPI_04"]) == 0
    return path


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CSSKPI_CONFIG", "CSSKPI_CONTRACT", "CSSKPI_CHANGES", "CSSKPI_DATA", "CSSKPI_PROFILE",
                 "CSSKPI_LEDGER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_come_from_csskpi_toml_then_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "csskpi.toml").write_text(f'data = "{folder}"\ncontract = "lincolnshire-css"\n')
    code, out, _ = run(capsys, "measure", "--period", "2017-05", "--format", "json")
    assert code == 0 and '"contract": "lincolnshire-css"' in out
    monkeypatch.setenv("CSSKPI_DATA", str(tmp_path / "elsewhere"))
    code, _, err = run(capsys, "measure", "--period", "2017-05")
    assert code == 2 and "elsewhere" in err  # the environment overrides the file
    code, _, _ = run(capsys, "measure", "--data", str(folder), "--period", "2017-05")
    assert code == 0  # and the command line overrides both


def test_relative_paths_in_the_file_are_relative_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "conf" / "council.toml"
    config.parent.mkdir()
    config.write_text('data = "exports"\nprofile = "servicenow-incidents"\nchanges = ["n.toml"]\n'
                      'ledger = "sqlite:///ledger.sqlite"\n')
    monkeypatch.setenv("CSSKPI_CONFIG", str(config))
    settings = read_settings()
    assert settings == {"data": str(config.parent / "exports"), "profile": "servicenow-incidents",
                        "changes": [str(config.parent / "n.toml")], "ledger": "sqlite:///ledger.sqlite"}


def test_a_bad_configuration_file_exits_2_with_its_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "csskpi.toml").write_text('data = "x"\npassword = "hunter2"\nchanges = "one.toml"\n')
    code, _, err = run(capsys, "kpis")
    assert code == 2 and "csskpi.toml:2: 'password': unknown setting" in err and "csskpi.toml:3: 'changes'" in err
    with pytest.raises(InputError, match="no such configuration file"):
        read_settings({"CSSKPI_CONFIG": str(tmp_path / "none.toml")})


def test_the_ledger_url_can_come_from_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSSKPI_LEDGER", f"sqlite:///{tmp_path / 'l.sqlite'}")
    code, _, err = run(capsys, "ledger", "init")
    assert code == 0, err
    assert (tmp_path / "l.sqlite").exists()


def test_findings_go_through_logging_and_q_silences_them(
    capsys: pytest.CaptureFixture[str], folder: Path, caplog: pytest.LogCaptureFixture, contract: csskpi.Contract,
) -> None:
    code, _, err = run(capsys, "measure", "--data", str(folder), "--period", "2017-05")
    assert code == 0 and "csskpi: finding: " in err
    code, _, err = run(capsys, "measure", "--data", str(folder), "--period", "2017-05", "-q")
    assert code == 0 and err == ""
    registry = MeasureRegistry.from_plugins()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="csskpi"):
        result = measure(contract, load_data(folder, registry), [csskpi.Period(2017, 5)], registry)
    logged = [r.getMessage() for r in caplog.records if r.name == "csskpi"]
    assert logged == [f"finding: {f}" for f in result.findings] and logged


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_color_is_honoured_by_measure_compare(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["measure", "--data", str(folder), "--period", "2017-05"]) == 0
    (tmp_path / "m.csv").write_text(capsys.readouterr().out)
    for no_color, coloured in (("", True), ("1", False)):
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        terminal = _Terminal()
        monkeypatch.setattr("sys.stdout", terminal)
        assert main(["measure", "--data", str(folder), "--period", "2017-05", "--compare", str(tmp_path / "m.csv")]) == 0
        assert ("\033[" in terminal.getvalue()) is coloured


def test_fail_on_gives_exit_3_after_the_whole_output(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, err = run(capsys, "evaluate", "--example", "dec-2017", "--fail-on", "red", "--format", "json")
    assert code == EXIT_FAIL_ON == 3 and out.rstrip().endswith("}") and "--fail-on red: 12 red, 19 amber" in err
    assert run(capsys, "evaluate", "--example", "dec-2017")[0] == 0
    code, _, err = run(capsys, "measure", "--data", str(folder), "--period", "2017-05", "--fail-on", "red")
    assert code == 3 and "red" in err  # CSC_KPI_04 was generated below MSL
    code, _, _ = run(capsys, "check", "--data", str(folder), "--fail-on", "warning")
    assert code == 3  # the synthetic calls carry findings
    assert run(capsys, "check", "--data", str(folder), "--fail-on", "red")[0] == 0


def test_completion_scripts_name_every_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        code, out, _ = run(capsys, "completion", shell)
        assert code == 0 and "check" in out and "datasets" in out and "profile" in out and "completion" in out
    code, out, _ = run(capsys, "completion", "bash")
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash to try the script in")
    script = tmp_path / "c.bash"
    script.write_text(out + 'COMP_WORDS=(csskpi measure --for); COMP_CWORD=2; _csskpi; echo "${COMPREPLY[@]}"\n'
                      'COMP_WORDS=(csskpi ledger sh); COMP_CWORD=2; _csskpi; echo "${COMPREPLY[@]}"\n'
                      'COMP_WORDS=(csskpi check --format ""); COMP_CWORD=3; _csskpi; echo "${COMPREPLY[@]}"\n')
    lines = subprocess.run([bash, str(script)], capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines == ["--format", "show", "table json"]


def test_v_shows_what_was_loaded(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, _, err = run(capsys, "measure", "--data", str(folder), "--period", "2017-05", "-v")
    assert code == 0 and "csskpi: loaded calls: " in err and str(folder / "calls.csv") in err
    code, _, err = run(capsys, "measure", "--data", str(folder), "--period", "2017-05")
    assert "loaded calls" not in err
