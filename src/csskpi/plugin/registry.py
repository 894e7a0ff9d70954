"""The one registry of what the plugins declare: contracts, examples, datasets, measures, appendices and credit
regimes, each with the plugin that declared it.

Each register-style hook returns a list of frozen objects; :class:`Registry` merges them across plugins and
rejects a name declared twice, naming both plugins. A registry is built once from a plugin manager and passed
along. It asks each hook the first time its kind is wanted, so a command that only needs a contract never asks
the measure plugins for their measures (which would import their polars code); :meth:`Registry.from_plugins`
asks every hook at once and checks that the measures and the datasets fit together.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

import attrs

from csskpi.engine.regimes import CreditRegime
from csskpi.errors import ContractError, PluginError, Problem, UnknownNameError
from csskpi.files.contract import read_contract, with_change_notices
from csskpi.model.contract import Contract
from csskpi.plugin.manager import get_plugin_manager

if TYPE_CHECKING:
    import pluggy

    from csskpi.data.spec import DatasetSpec
    from csskpi.plugin.types import Appendix, Measure

__all__ = [
    "DEFAULT_CONTRACT",
    "ContractSource",
    "Example",
    "MeasureRegistry",
    "PluginInfo",
    "Registry",
    "collect",
    "contracts",
    "credit_regime",
    "credit_regimes",
    "example",
    "examples",
    "load_contract",
]

DEFAULT_CONTRACT = "lincolnshire-css"

T = TypeVar("T")


@attrs.frozen
class ContractSource:
    """A contract definition a plugin ships: its name and the path of its TOML file."""

    name: str
    path: Path = attrs.field(converter=Path)
    description: str = ""

    def load(self) -> Contract:
        return read_contract(self.path)


@attrs.frozen
class Example:
    """A bundled example: measurements for a contract, with its decisions and published figures if any."""

    name: str
    contract: str
    measurements: Path = attrs.field(converter=Path)
    decisions: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    published: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    source: str | None = None  # the published source the example reconciles against by default
    description: str = ""
    commentary: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))  # the report's words


@attrs.frozen
class PluginInfo:
    """What one plugin provides: its name, version, measures (KPI measure names), datasets and appendices."""

    name: str
    version: str | None
    kpis: tuple[str, ...]
    datasets: tuple[str, ...]
    appendices: tuple[str, ...] = ()


def _gather(
    pm: pluggy.PluginManager, hook: str, key: Callable[[T], str], kind: str
) -> tuple[dict[str, T], list[tuple[str, list[str]]]]:
    """A register-style hook's lists merged (keyed by ``key``) and, in registration order, each plugin's names."""
    merged: dict[str, T] = {}
    owner: dict[str, str] = {}
    by_plugin: list[tuple[str, list[str]]] = []
    problems: list[Problem] = []
    # get_hookimpls() lists plugins in registration order: messages name the first-loaded plugin first.
    for impl in getattr(pm.hook, hook).get_hookimpls():
        items = impl.function()
        if items is None:
            continue
        if not isinstance(items, (list, tuple)):
            what = type(items).__name__
            problems.append(Problem(f"plugin {impl.plugin_name!r}: {hook}() must return a list, not {what}"))
            continue
        names: list[str] = []
        for item in items:
            name = key(item)
            names.append(name)
            if name in merged:
                both = f"{owner[name]!r} and {impl.plugin_name!r}"
                problems.append(Problem(f"{kind} {name!r} is declared by both {both}"))
                continue
            merged[name] = item
            owner[name] = impl.plugin_name
        by_plugin.append((impl.plugin_name, names))
    if problems:
        raise PluginError(problems)
    return merged, by_plugin


def collect(pm: pluggy.PluginManager, hook: str, key: Callable[[T], str], kind: str) -> dict[str, T]:
    """Merge a register-style hook's lists from every plugin, keyed by ``key``; a duplicate is a PluginError."""
    return _gather(pm, hook, key, kind)[0]


def _unknown(kind: str, name: str, known: Collection[str], field: str, hint: str = "") -> UnknownNameError:
    listed = ", ".join(sorted(known)) or "none"
    return UnknownNameError(Problem(f"no {kind} {name!r} (known: {listed}{hint})", field=field))


class Registry:
    """Every contract, example, dataset, measure, appendix and credit regime the plugins of ``pm`` declare.

    Build it once and pass it along: ``Registry.from_plugins()`` asks every hook and checks the result at once;
    ``Registry(pm)`` asks each hook the first time its kind is wanted (what a command that needs only a contract
    uses). Each mapping is read-only and in plugin registration order. ``MeasureRegistry`` is the same class under
    the name csskpi 0.1 gave it.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._by_plugin: dict[str, list[tuple[str, list[str]]]] = {}

    @classmethod
    def from_plugins(cls, pm: pluggy.PluginManager | None = None) -> Registry:
        """The registry of ``pm`` (default: csskpi's own and every installed plugin), every hook asked and checked
        now: a name declared twice, or a measure reading a dataset or column nobody declares, is a PluginError."""
        registry = cls(pm if pm is not None else get_plugin_manager())
        registry.check()
        return registry

    def __repr__(self) -> str:
        return f"<Registry of {len(self.pm.get_plugins())} plugins>"

    def _collect(self, hook: str, key: Callable[[T], str], kind: str) -> Mapping[str, T]:
        merged, by_plugin = _gather(self.pm, hook, key, kind)
        self._by_plugin[hook] = by_plugin
        return MappingProxyType(merged)

    @functools.cached_property
    def contracts(self) -> Mapping[str, ContractSource]:
        return self._collect("csskpi_contracts", lambda c: c.name, "contract")

    @functools.cached_property
    def examples(self) -> Mapping[str, Example]:
        return self._collect("csskpi_examples", lambda e: e.name, "example")

    @functools.cached_property
    def datasets(self) -> Mapping[str, DatasetSpec]:
        return self._collect("csskpi_datasets", lambda d: d.name, "dataset")

    @functools.cached_property
    def measures(self) -> Mapping[str, Measure]:
        return self._collect("csskpi_measures", lambda m: m.name, "measure")

    @functools.cached_property
    def appendices(self) -> Mapping[str, Appendix]:
        return self._collect("csskpi_appendices", lambda a: a.name, "appendix")

    @functools.cached_property
    def credit_regimes(self) -> Mapping[str, CreditRegime]:
        return self._collect("csskpi_credit_regimes", lambda r: r.name, "credit regime")

    def check(self) -> None:
        """Ask every hook, and check that each measure's datasets and columns are declared: a PluginError listing
        every problem of every hook at once if not."""
        problems: list[Problem] = []
        for kind in ("contracts", "examples", "datasets", "measures", "appendices", "credit_regimes"):
            try:
                getattr(self, kind)
            except PluginError as exc:
                problems.extend(exc.problems)
        if problems:
            raise PluginError(problems)
        datasets, measures = self.datasets, self.measures
        problems = [
            Problem(f"measure {m.name!r} reads dataset {d!r}, which no plugin declares")
            for m in measures.values()
            for d in m.datasets
            if d not in datasets
        ] + [
            Problem(f"measure {m.name!r} uses column {c!r} that dataset {d!r} does not declare")
            for m in measures.values()
            for d, cols in m.columns.items()
            if d in datasets
            for c in cols
            if c not in {col.name for col in datasets[d].columns}
        ]
        if problems:
            raise PluginError(problems)

    def contract(self, name: str) -> ContractSource:
        """The contract a plugin ships under ``name`` (an UnknownNameError listing the known ones if none)."""
        if name not in self.contracts:
            raise _unknown("contract named", name, self.contracts, "contract", "; or give a .toml path")
        return self.contracts[name]

    def load_contract(
        self, name_or_path: str | Path = DEFAULT_CONTRACT, *, changes: Sequence[str | Path] = ()
    ) -> Contract:
        """A contract by registered name or by the path of its TOML file, with ``changes`` (change notices) over it."""
        path = _contract_path(name_or_path)
        contract = read_contract(path) if path is not None else self.contract(str(name_or_path)).load()
        return with_change_notices(contract, tuple(str(p) for p in changes))

    def example(self, name: str) -> Example:
        if name not in self.examples:
            raise _unknown("example", name, self.examples, "example")
        return self.examples[name]

    def appendix(self, name: str) -> Appendix:
        if name not in self.appendices:
            known = ", ".join(sorted(self.appendices)) or "none installed"
            raise PluginError(Problem(f"no appendix named {name!r} (known: {known})", field="appendix"))
        return self.appendices[name]

    def report_appendices(self, present: Collection[str] | None = None) -> tuple[str, ...]:
        """The appendices the plugins declare for the report (``Appendix.in_report``), in registration order; with
        ``present`` (the datasets at hand), only those whose every dataset is there."""
        return tuple(
            a.name for a in self.appendices.values()
            if a.in_report and (present is None or all(d in present for d in a.datasets))
        )

    def credit_regime(self, contract: Contract) -> CreditRegime:
        """The credit regime the contract names (``[parameters.credits] regime``), from the plugins' regimes."""
        name = contract.parameters.credits.regime
        if name not in self.credit_regimes:
            raise ContractError(Problem(
                f"no credit regime {name!r} (known: {', '.join(sorted(self.credit_regimes))})",
                file=contract.source, field="parameters.credits.regime",
            ))
        return self.credit_regimes[name]

    def plugins(self) -> tuple[PluginInfo, ...]:
        """One entry per registered plugin that declares a measure, a dataset or an appendix, in registration order."""
        versions = {self.pm.get_name(p): d.version for p, d in self.pm.list_plugin_distinfo()}
        owned: dict[str, dict[str, list[str]]] = {}
        for kind, hook, attribute in (
            ("kpis", "csskpi_measures", "measures"),
            ("datasets", "csskpi_datasets", "datasets"),
            ("appendices", "csskpi_appendices", "appendices"),
        ):
            getattr(self, attribute)  # collected (and each plugin's names noted) on first use
            for plugin, names in self._by_plugin[hook]:
                owned.setdefault(plugin, {"kpis": [], "datasets": [], "appendices": []})[kind].extend(names)
        return tuple(
            PluginInfo(name, versions.get(name), tuple(v["kpis"]), tuple(v["datasets"]), tuple(v["appendices"]))
            for name, v in owned.items()
        )


#: The name csskpi 0.1 gave the registry (it held datasets, measures and appendices); the same class.
MeasureRegistry = Registry


def _contract_path(name_or_path: str | Path) -> Path | None:
    """The TOML file ``name_or_path`` names, or None when it is a registered contract's name."""
    text = str(name_or_path)
    path = Path(text)
    return path if isinstance(name_or_path, Path) or text.endswith(".toml") or path.is_file() else None


def _registry(pm: pluggy.PluginManager | None) -> Registry:
    return Registry(pm if pm is not None else get_plugin_manager())


def contracts(pm: pluggy.PluginManager | None = None) -> Mapping[str, ContractSource]:
    """Every named contract the installed plugins (or those of ``pm``) ship."""
    return _registry(pm).contracts


def examples(pm: pluggy.PluginManager | None = None) -> Mapping[str, Example]:
    """Every bundled example the installed plugins (or those of ``pm``) ship."""
    return _registry(pm).examples


def example(name: str, pm: pluggy.PluginManager | None = None) -> Example:
    """The bundled example ``name`` (an UnknownNameError listing the known ones if none)."""
    return _registry(pm).example(name)


def load_contract(
    name_or_path: str | Path = DEFAULT_CONTRACT,
    pm: pluggy.PluginManager | None = None,
    *,
    changes: Sequence[str | Path] = (),
) -> Contract:
    """Load a contract by registered name (``lincolnshire-css``) or by the path of its TOML file, with any
    council change notices (``changes``: TOML files of ``[[changes]]``) layered over it. A path needs no plugins."""
    if _contract_path(name_or_path) is not None:
        return with_change_notices(read_contract(Path(str(name_or_path))), tuple(str(p) for p in changes))
    return _registry(pm).load_contract(name_or_path, changes=changes)


def credit_regimes(pm: pluggy.PluginManager | None = None) -> Mapping[str, CreditRegime]:
    """Every credit regime the installed plugins declare (csskpi's own among them)."""
    return _registry(pm).credit_regimes


def credit_regime(contract: Contract, pm: pluggy.PluginManager | None = None) -> CreditRegime:
    """The credit regime the contract names, resolved from the installed plugins (or those of ``pm``)."""
    return _registry(pm).credit_regime(contract)
