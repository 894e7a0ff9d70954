"""Packaging: one version source (the distributions' metadata), and the PostgreSQL driver as an extra."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

import csskpi
from csskpi.cli import main
from csskpi.ledger import Ledger, LedgerError

REPO = Path(__file__).resolve().parent.parent
PLUGINS = ("pm", "imt", "csc", "acf", "finance")


def test_the_version_is_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    assert csskpi.__version__ == metadata.version("csskpi")
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"csskpi {metadata.version('csskpi')}"


@pytest.mark.parametrize("area", PLUGINS)
def test_each_plugin_reads_its_own_distribution(area: str) -> None:
    module = __import__(f"csskpi_{area}")
    assert module.__version__ == metadata.version(f"csskpi-{area}")


def test_no_version_is_written_in_the_code() -> None:
    # The only literal version is pyproject.toml's; a module that assigned its own would drift from it.
    sources = [*(REPO / "src").rglob("*.py"), *(REPO / "plugins").glob("*/src/**/*.py")]
    assert len(sources) > 50
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__version__":
                    value = node.value
                    is_literal = isinstance(value, ast.Constant) and re.fullmatch(r"\d+(\.\d+)+", str(value.value))
                    if is_literal and path.name != "_version.py":
                        pytest.fail(f"{path}:{node.lineno} writes the version {value.value!r}")  # type: ignore[union-attr]


def test_postgres_driver_is_an_extra() -> None:
    requires = metadata.requires("csskpi") or []
    driver = [r for r in requires if r.startswith("psycopg")]
    assert driver and all(re.search(r"extra\s*==\s*[\"']postgres[\"']", r) for r in driver), driver


@pytest.fixture
def no_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if csskpi had been installed without its postgres extra: ``import psycopg`` fails."""
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.usefixtures("no_driver")
def test_a_postgres_ledger_without_the_driver_says_how_to_get_it() -> None:
    with pytest.raises(LedgerError, match=r"needs the PostgreSQL driver.*pip install 'csskpi\[postgres\]'") as info:
        Ledger.open("postgresql://analyst:secret@db.example.gov.uk/css")
    assert "secret" not in str(info.value)  # the URL is shown without its password
    assert isinstance(info.value, csskpi.CsskpiError)


@pytest.mark.usefixtures("no_driver")
def test_the_cli_exits_2_without_the_driver(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "init", "postgresql://analyst@db.example.gov.uk/css"]) == 2
    err = capsys.readouterr().err
    assert "csskpi[postgres]" in err and "Traceback" not in err
