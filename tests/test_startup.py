"""Start-up: ``import csskpi`` and the rules-only commands load neither polars, numpy nor the calendars, and no
plugin's synthetic-data code; the public names stay importable (PEP 562) and ``__all__`` is sorted.

Each check runs a fresh interpreter (:mod:`csskpi.testing.imports`) and looks at ``sys.modules``. How long
start-up takes is measured in ``benchmarks/bench_startup.py``, never asserted here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import csskpi
import csskpi.plugin
from csskpi.testing.imports import HEAVY, modules_loaded, modules_loaded_by_command

PLUGIN_PACKAGES = ("csskpi_acf", "csskpi_csc", "csskpi_finance", "csskpi_imt", "csskpi_pm")


def _plugin_internals(loaded: frozenset[str]) -> set[str]:
    """The plugins' modules other than their packages and entry-point modules (measures, datasets, synth...)."""
    return {
        m for m in loaded
        if m.split(".")[0] in PLUGIN_PACKAGES and m not in PLUGIN_PACKAGES and not m.endswith(".plugin")
    }


def test_import_csskpi_loads_nothing_heavy() -> None:
    loaded = modules_loaded("import csskpi")
    assert not set(HEAVY) & loaded
    assert "pluggy" not in loaded
    assert not {m for m in loaded if m.startswith("csskpi.")} - {"csskpi._lazy"}  # every name waits for its first use


def test_import_csskpi_plugin_loads_nothing_heavy() -> None:
    loaded = modules_loaded("import csskpi.plugin\nfrom csskpi.plugin import hookimpl, Measure, MeasureInput, Counts")
    assert not set(HEAVY) & loaded


def test_a_name_loads_its_module_on_first_use() -> None:
    loaded = modules_loaded("import csskpi\ncsskpi.evaluate")
    assert "csskpi.engine.rules" in loaded and not set(HEAVY) & loaded
    assert "polars" in modules_loaded("import csskpi\ncsskpi.load_data(None, csskpi.Registry.from_plugins())")


def _one_row(tmp_path: Path) -> Path:
    path = tmp_path / "one-row.csv"
    path.write_text("period,kpi_id,value,annotation\n2017-05,PM_KPI_01,99.95,\n", encoding="utf-8")
    return path


RULES_ONLY = {
    "kpis": ["kpis", "--at", "2017-05", "--format", "json"],
    "changes": ["changes", "--format", "json"],
    "evaluate": ["evaluate", "--example", "dec-2017", "--format", "json"],
    "summary": ["summary", "--example", "dec-2017", "--format", "json"],
    "reconcile": ["reconcile", "--example", "dec-2017", "--format", "json"],
    "explain": ["explain", "--example", "dec-2017", "PM_KPI_01", "2017-05"],
    "credits": ["credits", "--example", "dec-2017", "--format", "json"],
}


@pytest.mark.parametrize("command", sorted(RULES_ONLY))
def test_rules_only_commands_load_no_polars_and_no_plugin_code(command: str) -> None:
    loaded = modules_loaded_by_command(*RULES_ONLY[command])
    assert not set(HEAVY) & loaded, f"csskpi {command} loaded {sorted(set(HEAVY) & loaded)}"
    assert not _plugin_internals(loaded), f"csskpi {command} loaded {sorted(_plugin_internals(loaded))}"


def test_evaluate_on_a_file_loads_no_polars(tmp_path: Path) -> None:
    loaded = modules_loaded_by_command("evaluate", "--measurements", str(_one_row(tmp_path)), "--format", "json")
    assert not set(HEAVY) & loaded and not _plugin_internals(loaded)


def test_measure_loads_measures_but_no_synthetic_data_code(tmp_path: Path) -> None:
    # The control: the checks above can fail, since measuring does load polars and the plugins' measures.
    empty = tmp_path / "data"
    empty.mkdir()
    loaded = modules_loaded_by_command("measure", "--data", str(empty), "--period", "2017-05", "--format", "json",
                                       "--missing", "dna")
    assert "polars" in loaded and "csskpi_pm.measures" in loaded
    assert not {m for m in loaded if m.endswith(".synth") and m.split(".")[0] in PLUGIN_PACKAGES}


def test_synthesising_loads_the_synthetic_data_code(tmp_path: Path) -> None:
    args = ["synth", "--out", str(tmp_path / "out"), "--from", "2017-05", "--to", "2017-05", "--scale", "0.01"]
    loaded = modules_loaded_by_command(*args)
    assert {f"{p}.synth" for p in PLUGIN_PACKAGES} <= loaded


@pytest.mark.parametrize("module", [csskpi, csskpi.plugin], ids=["csskpi", "csskpi.plugin"])
def test_all_is_sorted_and_every_name_resolves_to_its_home(module: object) -> None:
    names: list[str] = module.__all__  # type: ignore[attr-defined]
    home: dict[str, str] = module._HOME  # type: ignore[attr-defined]
    assert names == sorted(names)
    assert set(names) - {"__version__"} <= set(home)
    for name, where in home.items():
        assert getattr(module, name) is getattr(importlib.import_module(where), name), name
    assert set(home) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        module.nope  # type: ignore[attr-defined]  # noqa: B018


def test_the_plugin_surface_is_complete_for_the_plugins() -> None:
    # Every name a bundled plugin's source imports from csskpi comes from csskpi.plugin, and resolves.
    import ast

    root = Path(__file__).resolve().parent.parent / "plugins"
    sources = [p for p in root.glob("*/src/*/**/*.py")]
    assert len(sources) > 50
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("csskpi"):
                assert node.module == "csskpi.plugin", f"{path.relative_to(root)}:{node.lineno} imports {node.module}"
                for alias in node.names:
                    assert alias.name in csskpi.plugin.__all__, f"{path.relative_to(root)}: {alias.name}"
            elif isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "csskpi" for a in node.names), f"{path}:{node.lineno}"
