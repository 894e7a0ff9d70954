"""Writing contract definition files back (format in ``docs/contract_format.md``).

:func:`dump_contract` is the inverse of :func:`csskpi.parse_contract`: the text it writes reads back to an equal
contract. ``FORMAT_VERSION`` is the version of the format both written here and read by :mod:`csskpi.files.contract`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

from csskpi.files.terms import terms_to_data
from csskpi.model.changes import change_to_data
from csskpi.model.contract import Contract
from csskpi.model.kpi import KPI

__all__ = ["dump_contract", "contract_to_data", "FORMAT_VERSION"]

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        items = [_plain(v) for v in value]
        return sorted(items) if isinstance(value, (frozenset, set)) else items
    return value


def contract_to_data(contract: Contract) -> dict[str, Any]:
    """The contract as the plain data of its file (the inverse of parsing)."""
    cal = contract.calendar
    head: dict[str, Any] = {"name": contract.name, "title": contract.title, "start": cal.start, "end": cal.end}
    for key in ("council", "supplier", "notes"):
        if getattr(contract, key):
            head[key] = getattr(contract, key)
    if cal.extensions:
        head["extensions"] = [
            {"name": e.name, "start": e.start, "end": e.end, "assumed": e.assumed} for e in cal.extensions
        ]
    p = contract.parameters
    params: dict[str, Any] = {"decimals": p.decimals, "rounding": p.rounding}
    if p.assumed:
        params["assumed"] = sorted(p.assumed)
    if p.measures:
        params["measures"] = _plain(p.measures)
    params.update(terms_to_data(p))
    params.update(_plain(p.other))
    kpis = [kpi_to_data(k) for k in contract.base_kpis]
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "contract": head,
        "parameters": params,
        "areas": [{"code": a.code, "name": a.name} for a in contract.areas],
        "kpis": kpis,
    }
    if contract.changes:
        data["changes"] = [change_to_data(ch, kpi_to_data) for ch in contract.changes]
    if contract.retired:
        data["retired"] = [
            {"reference": r.reference, "area": r.area, **({"note": r.note} if r.note else {})} for r in contract.retired
        ]
    return data


def kpi_to_data(k: KPI) -> dict[str, Any]:
    """A KPI as the plain data of its ``[[kpis]]`` table."""
    entry: dict[str, Any] = {
        "reference": k.reference,
        "area": k.area,
        "description": k.description,
        "unit": k.unit.value,
        "direction": k.direction.value,
        "start": str(k.start),
    }
    if k.end is not None:
        entry["end"] = str(k.end)
    if k.measure != k.reference:
        entry["measure"] = k.measure
    if k.notes:
        entry["notes"] = k.notes
    entry["points"] = [
        {"from": str(s.start), "points": s.points, "assumed": s.assumed, **({"note": s.note} if s.note else {})}
        for s in k.points.steps
    ]
    entry["targets"] = [
        {
            "from": str(s.start),
            **({"to": str(s.end)} if s.end is not None else {}),
            "tsl": s.tsl,
            "msl": s.msl,
            "tsl_comparison": s.tsl_comparison.value,
            "msl_comparison": s.msl_comparison.value,
            **({"note": s.note} if s.note else {}),
        }
        for s in k.schedule.steps
    ]
    return entry


def dump_contract(contract: Contract) -> str:
    """The contract as TOML text that :func:`parse_contract` reads back to an equal contract."""
    return tomli_w.dumps(contract_to_data(contract))
