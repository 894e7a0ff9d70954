"""The one registry: every kind of thing the plugins declare, each hook asked once and only when wanted."""

from __future__ import annotations

from pathlib import Path

import pytest

import csskpi
from csskpi.plugin import (
    Appendix,
    AppendixInput,
    AppendixTable,
    Column,
    ColumnKind,
    ContractSource,
    Counts,
    CreditRegime,
    DatasetSpec,
    Measure,
    Registry,
    hookimpl,
)

CALLS = DatasetSpec("calls", (Column("call_id", ColumnKind.STR),), id_column="call_id")


def _table(inputs: AppendixInput) -> AppendixTable:
    return AppendixTable("t", ("n",), [(0,)])


class Counting:
    """A plugin that counts how often each of its hooks is called."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _seen(self, hook: str) -> None:
        self.calls[hook] = self.calls.get(hook, 0) + 1

    @hookimpl
    def csskpi_datasets(self) -> list[DatasetSpec]:
        self._seen("datasets")
        return [CALLS]

    @hookimpl
    def csskpi_measures(self) -> list[Measure]:
        self._seen("measures")
        return [Measure("X_KPI_01", {"calls": ("call_id",)}, lambda inputs: Counts(0, 0))]

    @hookimpl
    def csskpi_appendices(self) -> list[Appendix]:
        self._seen("appendices")
        return [
            Appendix("in-report", "Shown", {"calls": ("call_id",)}, _table, in_report=True),
            Appendix("on-request", "Asked for", {"calls": ("call_id",)}, _table),
            Appendix("elsewhere", "Needs other data", {"surveys": ("kind",)}, _table, in_report=True),
        ]


def _registry(*plugins: object) -> Registry:
    return Registry(csskpi.get_plugin_manager(load_entry_points=False, extra=plugins))


def test_each_hook_is_asked_once_and_only_when_its_kind_is_wanted() -> None:
    plugin = Counting()
    registry = _registry(plugin)
    assert registry.load_contract("lincolnshire-css").name == "lincolnshire-css"
    assert plugin.calls == {}  # a contract needs no measures: the measure code is never asked
    assert set(registry.measures) == {"X_KPI_01"} and set(registry.measures) == {"X_KPI_01"}
    assert plugin.calls == {"measures": 1}
    registry.check()
    assert plugin.calls == {"measures": 1, "datasets": 1, "appendices": 1}


def test_from_plugins_checks_everything_at_once() -> None:
    plugin = Counting()
    registry = Registry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    assert plugin.calls == {"measures": 1, "datasets": 1, "appendices": 1}
    from csskpi.engine.regimes import BUILTIN_REGIMES

    assert set(registry.credit_regimes) == {r.name for r in BUILTIN_REGIMES} and "dec-2017" in registry.examples
    assert csskpi.MeasureRegistry is Registry is csskpi.Registry


def test_the_mappings_are_read_only() -> None:
    registry = _registry(Counting())
    with pytest.raises(TypeError):
        registry.measures["Y"] = registry.measures["X_KPI_01"]  # type: ignore[index]


def test_report_appendices_are_the_ones_declared_for_the_report_whose_data_is_there() -> None:
    registry = _registry(Counting())
    assert registry.report_appendices() == ("in-report", "elsewhere")
    assert registry.report_appendices({"calls"}) == ("in-report",)
    assert registry.report_appendices(set()) == ()
    assert registry.appendix("on-request").title == "Asked for"
    with pytest.raises(csskpi.PluginError, match="no appendix named 'nope'"):
        registry.appendix("nope")


def test_unknown_names_list_the_known_ones() -> None:
    registry = _registry()
    with pytest.raises(csskpi.UnknownNameError, match=r"no contract named 'nope' \(known: lincolnshire-css; or give"):
        registry.contract("nope")
    with pytest.raises(csskpi.UnknownNameError, match=r"no example 'nope' \(known: dec-2017\)"):
        registry.example("nope")


def test_a_contract_path_needs_no_plugins(tmp_path: Path) -> None:
    source = _registry().contract("lincolnshire-css").path
    copy = tmp_path / "copy.toml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = csskpi.load_contract(copy)
    assert loaded.name == "lincolnshire-css" and loaded.source == str(copy)


def test_credit_regime_is_resolved_by_the_registry() -> None:
    class Flat:
        @hookimpl
        def csskpi_credit_regimes(self) -> list[CreditRegime]:
            regime = next(iter(_registry().credit_regimes.values()))
            return [CreditRegime("flat", "the same every month", regime.compute)]

    registry = _registry(Flat())
    contract = csskpi.load_contract()
    assert registry.credit_regime(contract).name == contract.parameters.credits.regime
    assert "flat" in registry.credit_regimes


def test_a_name_declared_twice_names_both_plugins() -> None:
    class Twin:
        @hookimpl
        def csskpi_contracts(self) -> list[ContractSource]:
            return [ContractSource("lincolnshire-css", "x.toml")]

    pm = csskpi.get_plugin_manager(load_entry_points=False)
    pm.register(Twin(), name="twin")
    with pytest.raises(csskpi.PluginError, match="'lincolnshire-css' is declared by both 'csskpi.builtin' and 'twin'"):
        Registry.from_plugins(pm)


def test_plugins_lists_what_each_plugin_declares() -> None:
    registry = _registry(Counting())
    infos = {p.name: p for p in registry.plugins()}
    assert infos["csskpi.builtin"].datasets == ("surveys",)
    mine = next(p for p in infos.values() if p.kpis == ("X_KPI_01",))
    assert mine.datasets == ("calls",) and mine.appendices == ("in-report", "on-request", "elsewhere")


def test_from_plugins_reports_every_hook_s_problems_at_once() -> None:
    class Twice:
        @hookimpl
        def csskpi_contracts(self) -> list[ContractSource]:
            return [ContractSource("lincolnshire-css", "x.toml")]

        @hookimpl
        def csskpi_datasets(self) -> list[DatasetSpec]:
            return [DatasetSpec("surveys", (Column("kind", ColumnKind.STR),))]

    pm = csskpi.get_plugin_manager(load_entry_points=False)
    pm.register(Twice(), name="twice")
    with pytest.raises(csskpi.PluginError) as caught:
        Registry.from_plugins(pm)
    assert [p.message for p in caught.value.problems] == [
        "contract 'lincolnshire-css' is declared by both 'csskpi.builtin' and 'twice'",
        "dataset 'surveys' is declared by both 'csskpi.builtin' and 'twice'",
    ]
