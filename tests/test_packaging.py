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


def _distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(pyproject: Path, *extras: str) -> set[str]:
    import tomllib

    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project.get("dependencies", []))
    for extra in extras:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    return {_distribution(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]) for requirement in wanted}


def _imported(path: Path) -> set[str]:
    """The top-level modules ``path`` imports, but those in a ``try`` that handles their absence."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    optional: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        ):
            optional.update(id(n) for statement in node.body for n in ast.walk(statement))
    names = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "__future__" and not n.startswith("csskpi")}


@pytest.mark.parametrize("package", ["csskpi", *PLUGINS])
def test_every_package_imported_is_a_declared_dependency(package: str) -> None:
    # A module a fresh `pip install` would lack fails only on the machine without it (numpy once went undeclared).
    root = REPO if package == "csskpi" else REPO / "plugins" / f"csskpi-{package}"
    source = REPO / "src" / "csskpi" if package == "csskpi" else root / "src" / f"csskpi_{package}"
    distributions = metadata.packages_distributions()
    missing = []
    for path in sorted(source.rglob("*.py")):
        # csskpi.testing is for test suites: it may use the test extra (hypothesis).
        declared = _declared(root / "pyproject.toml", *(("test",) if "testing" in path.parts else ()))
        for module in sorted(_imported(path)):
            if not {_distribution(d) for d in distributions.get(module, [module])} & declared:
                missing.append(f"{path.relative_to(REPO)}: {module}")
    assert not missing, f"imported but not declared in {package}'s pyproject.toml: {missing}"


def test_every_dependency_is_explained_in_the_docs() -> None:
    explained = (REPO / "docs" / "dependencies.md").read_text(encoding="utf-8")
    listed = {_distribution(name) for name in re.findall(r"^\| `([^`]+)` \|", explained, flags=re.MULTILINE)}
    listed |= {_distribution(re.split(r"\[", name)[0]) for name in re.findall(r"\| `([^`]+)` \| the", explained)}
    assert _declared(REPO / "pyproject.toml", "postgres") <= listed
