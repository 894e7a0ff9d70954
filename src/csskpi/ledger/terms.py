"""The contract terms behind a version: canonical text, its digest, the change notices applied, and what changed.

A version of a month records the terms it was computed under: the contract (its KPIs, targets and points, with
every change notice applied) as canonical TOML — the data of :func:`csskpi.files.contract_dump.contract_to_data`,
with whole-number decimals written as TOML integers so that the text reads back digit for digit (``100``, not
``100.0``) — stored once per digest in ``contract_terms``. Restating a month under other terms says what changed in that month —
which KPIs' targets (TSL, MSL) and points — so that a figure never changes without its reason being on record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
import tomli_w

from csskpi.errors import CsskpiError
from csskpi.files.contract import parse_contract
from csskpi.files.contract_dump import contract_to_data
from csskpi.model.contract import Contract
from csskpi.model.period import Period

__all__ = ["Terms", "contract_of", "terms_changes", "terms_of"]


@attrs.frozen
class Terms:
    """A contract's canonical terms: the TOML text, its SHA-256 digest, and the change notices it includes."""

    contract: str
    digest: str
    text: str
    changes: tuple[dict[str, Any], ...]


def _integral(value: Any) -> Any:
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def canonical_terms(contract: Contract) -> str:
    """The contract's terms as canonical TOML (see the module docstring)."""
    return tomli_w.dumps(_integral(contract_to_data(contract)))


def terms_of(contract: Contract) -> Terms:
    text = canonical_terms(contract)
    changes = tuple(
        {"id": ch.id, "from": str(ch.period), "reason": ch.reason, "source": ch.source, "actions": ch.actions()}
        for ch in contract.changes
    )
    return Terms(contract.name, hashlib.sha256(text.encode("utf-8")).hexdigest(), text, changes)


def contract_of(text: str) -> Contract | None:
    """The contract stored terms describe, or None if this csskpi cannot read them (a newer format)."""
    try:
        return parse_contract(text, file="contract_terms")
    except CsskpiError:
        return None


def _num(value: Any) -> str:
    """A target as its digits (85.0 and 85 alike: the terms' text and the contract file may differ in form)."""
    return f"{Decimal(str(value)).normalize():f}"


def _step(contract: Contract, kpi: str, period: Period) -> tuple[str, str] | None:
    if not contract.has_kpi(kpi):
        return None
    k = contract.kpi(kpi)
    step = k.step_at(period)
    if step is None:
        return None
    targets = f"TSL {step.tsl_comparison.value} {_num(step.tsl)}, MSL {step.msl_comparison.value} {_num(step.msl)}"
    return targets, str(k.points_at(period))


def terms_changes(old: Contract | None, new: Contract, period: Period, kpis: Iterable[str]) -> list[str]:
    """What differs, for the given KPIs in ``period``, between the terms a month was published under and new
    terms: one line per KPI whose targets or points differ. ``old`` None: the old terms cannot be read."""
    if old is None:
        return ["the terms it was published under cannot be read by this csskpi"]
    out: list[str] = []
    for kpi in kpis:
        before, after = _step(old, kpi, period), _step(new, kpi, period)
        if before == after:
            continue
        if before is None or after is None:
            out.append(f"{kpi}: {'not in force' if before is None else 'in force'} → "
                       f"{'not in force' if after is None else 'in force'}")
            continue
        if before[0] != after[0]:
            out.append(f"{kpi} targets: {before[0]} → {after[0]}")
        if before[1] != after[1]:
            out.append(f"{kpi} points: {before[1]} → {after[1]}")
    return out
