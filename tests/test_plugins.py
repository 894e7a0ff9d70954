"""The plugin manager and the registries built from register-style hooks."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import csskpi
from csskpi import hookimpl
from csskpi.plugin import hookspecs
from csskpi.plugin.registry import ContractSource, Example, collect, contracts, examples

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugin_hooks.md"
HOOKS = sorted(name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("csskpi_"))


def test_manager_has_the_builtin_plugin() -> None:
    pm = csskpi.get_plugin_manager(load_entry_points=False)
    assert pm.has_plugin("csskpi.builtin")
    assert set(HOOKS) <= {name for name in dir(pm.hook) if name.startswith("csskpi_")}


def test_each_call_builds_a_new_manager() -> None:
    assert csskpi.get_plugin_manager() is not csskpi.get_plugin_manager()


def test_csskpi_contracts_names_the_bundled_contract(tmp_path: Path) -> None:
    known = contracts(csskpi.get_plugin_manager(load_entry_points=False))
    assert known["lincolnshire-css"].load().name == "lincolnshire-css"


def test_csskpi_contracts_from_a_plugin(tmp_path: Path) -> None:
    source = Path(csskpi.__file__).parent / "builtin" / "contracts" / "lincolnshire-css.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(source.read_text(encoding="utf-8").replace('name = "lincolnshire-css"', 'name = "shire-css"'), encoding="utf-8")

    class Shire:
        @hookimpl
        def csskpi_contracts(self) -> list[ContractSource]:
            return [ContractSource("shire-css", mine, "A council's own contract")]

    pm = csskpi.get_plugin_manager(load_entry_points=False, extra=[Shire()])
    assert csskpi.load_contract("shire-css", pm).name == "shire-css"


def test_duplicate_contract_names_both_plugins() -> None:
    class Impostor:
        @hookimpl
        def csskpi_contracts(self) -> list[ContractSource]:
            return [ContractSource("lincolnshire-css", "x.toml")]

    pm = csskpi.get_plugin_manager(load_entry_points=False)
    pm.register(Impostor(), name="impostor")
    with pytest.raises(csskpi.PluginError, match="'lincolnshire-css' is declared by both 'csskpi.builtin' and 'impostor'"):
        contracts(pm)


def test_csskpi_examples_and_duplicates() -> None:
    pm = csskpi.get_plugin_manager(load_entry_points=False)
    ex = examples(pm)["dec-2017"]
    assert ex.contract == "lincolnshire-css" and ex.measurements.is_file() and ex.published and ex.published.is_file()

    class Twin:
        @hookimpl
        def csskpi_examples(self) -> list[Example]:
            return [Example("dec-2017", "lincolnshire-css", "m.csv")]

    pm.register(Twin(), name="twin")
    with pytest.raises(csskpi.PluginError, match="both"):
        examples(pm)


def test_hook_must_return_a_list() -> None:
    class Sloppy:
        @hookimpl
        def csskpi_examples(self) -> Example:
            return Example("x", "lincolnshire-css", "m.csv")

    pm = csskpi.get_plugin_manager(load_entry_points=False, extra=[Sloppy()])
    with pytest.raises(csskpi.PluginError, match="must return a list"):
        collect(pm, "csskpi_examples", lambda e: e.name, "example")


def test_unknown_hook_is_rejected() -> None:
    class Typo:
        @hookimpl
        def csskpi_contract(self) -> list[ContractSource]:  # misspelt: no such hook
            return []

    with pytest.raises(Exception, match="unknown hook"):
        csskpi.get_plugin_manager(load_entry_points=False, extra=[Typo()])


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"^#+ `?{hook}\b", text, re.M), f"{hook} has no section in docs/plugin_hooks.md"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    tests = Path(__file__).resolve().parent
    me = Path(__file__).resolve()
    used = any(hook in p.read_text(encoding="utf-8") for p in tests.rglob("test_*.py") if p.resolve() != me)
    named_here = re.search(rf"def test_{hook}", me.read_text(encoding="utf-8"))
    assert used or named_here, f"no test exercises {hook}"


def test_docs_example_is_the_tested_plugin() -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "shire-foi-plugin"
    text = DOCS.read_text(encoding="utf-8")
    paths = [example / "pyproject.toml", *sorted((example / "src" / "csskpi_foi").glob("*.py"))]
    assert len(paths) == 4
    for path in paths:
        assert path.read_text(encoding="utf-8") in text, f"docs/plugin_hooks.md does not show {path.name} as it is"


PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
LAYOUT = {"__init__.py", "plugin.py", "datasets.py", "kit.py", "synth.py", "measures/__init__.py"}


@pytest.mark.parametrize("package", sorted(p.name for p in PLUGINS.glob("*/src/csskpi_*")))
def test_the_five_plugins_share_one_layout_and_one_plugin_py(package: str) -> None:
    import ast

    (root,) = PLUGINS.glob(f"*/src/{package}")
    assert LAYOUT <= {str(p.relative_to(root)) for p in root.rglob("*.py")}
    tree = ast.parse((root / "plugin.py").read_text(encoding="utf-8"))
    hooks = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    assert {"csskpi_datasets", "csskpi_measures", "csskpi_synthesize"} <= set(hooks) <= set(HOOKS)
    for name, hook in hooks.items():
        # Each hook imports what it returns from the plugin's own modules, when it is called.
        first = hook.body[0]
        assert isinstance(first, ast.ImportFrom) and first.level == 1, f"{package}.plugin.{name}"
    top = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level == 0]
    assert [n.module for n in top] == ["__future__", "typing", "csskpi.plugin"]
