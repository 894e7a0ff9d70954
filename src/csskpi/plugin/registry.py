"""Registries built from the plugins: named contracts, examples, datasets and measures.

Each register-style hook returns a list of frozen objects; :func:`collect` merges them across plugins and
rejects a name declared twice, naming both plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import attrs
import pluggy

from csskpi.engine.regimes import CreditRegime
from csskpi.errors import ContractError, PluginError, Problem, UnknownNameError
from csskpi.files.contract import read_contract, with_change_notices
from csskpi.model.contract import Contract
from csskpi.plugin.manager import get_plugin_manager

__all__ = [
    "DEFAULT_CONTRACT",
    "ContractSource",
    "Example",
    "collect",
    "contracts",
    "credit_regime",
    "credit_regimes",
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


def collect(pm: pluggy.PluginManager, hook: str, key: Callable[[T], str], kind: str) -> dict[str, T]:
    """Merge a register-style hook's lists from every plugin, keyed by ``key``; a duplicate is a PluginError."""
    merged: dict[str, T] = {}
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    caller = getattr(pm.hook, hook)
    # get_hookimpls() lists plugins in registration order: messages name the first-loaded plugin first.
    for impl in caller.get_hookimpls():
        items = impl.function()
        if items is None:
            continue
        if not isinstance(items, (list, tuple)):
            problems.append(Problem(f"plugin {impl.plugin_name!r}: {hook}() must return a list, not {type(items).__name__}"))
            continue
        for item in items:
            name = key(item)
            if name in merged:
                problems.append(Problem(f"{kind} {name!r} is declared by both {owner[name]!r} and {impl.plugin_name!r}"))
                continue
            merged[name] = item
            owner[name] = impl.plugin_name
    if problems:
        raise PluginError(problems)
    return merged


def _manager(pm: pluggy.PluginManager | None) -> pluggy.PluginManager:
    return pm if pm is not None else get_plugin_manager()


def contracts(pm: pluggy.PluginManager | None = None) -> Mapping[str, ContractSource]:
    """Every named contract the installed plugins ship."""
    return collect(_manager(pm), "csskpi_contracts", lambda c: c.name, "contract")


def examples(pm: pluggy.PluginManager | None = None) -> Mapping[str, Example]:
    """Every bundled example the installed plugins ship."""
    return collect(_manager(pm), "csskpi_examples", lambda e: e.name, "example")


def example(name: str, pm: pluggy.PluginManager | None = None) -> Example:
    known = examples(pm)
    if name not in known:
        raise UnknownNameError(Problem(f"no example {name!r} (known: {', '.join(sorted(known)) or 'none'})", field="example"))
    return known[name]


def load_contract(
    name_or_path: str | Path = DEFAULT_CONTRACT,
    pm: pluggy.PluginManager | None = None,
    *,
    changes: Sequence[str | Path] = (),
) -> Contract:
    """Load a contract by registered name (``lincolnshire-css``) or by the path of its TOML file, with any
    council change notices (``changes``: TOML files of ``[[changes]]``) layered over it."""
    return with_change_notices(_load_contract(name_or_path, pm), tuple(str(p) for p in changes))


def _load_contract(name_or_path: str | Path, pm: pluggy.PluginManager | None) -> Contract:
    text = str(name_or_path)
    path = Path(text)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or path.is_file():
        return read_contract(path)
    known = contracts(pm)
    if text not in known:
        raise UnknownNameError(
            Problem(f"no contract named {text!r} (known: {', '.join(sorted(known))}; or give a .toml path)", field="contract")
        )
    return known[text].load()


def credit_regimes(pm: pluggy.PluginManager | None = None) -> Mapping[str, CreditRegime]:
    """Every credit regime the installed plugins declare (csskpi's own among them)."""
    return collect(_manager(pm), "csskpi_credit_regimes", lambda r: r.name, "credit regime")


def credit_regime(contract: Contract, pm: pluggy.PluginManager | None = None) -> CreditRegime:
    """The credit regime the contract names, resolved from the installed plugins."""
    known = credit_regimes(pm)
    name = contract.parameters.credits.regime
    if name not in known:
        raise ContractError(Problem(
            f"no credit regime {name!r} (known: {', '.join(sorted(known))})",
            file=contract.source, field="parameters.credits.regime",
        ))
    return known[name]
