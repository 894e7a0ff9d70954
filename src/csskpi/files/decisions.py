"""The decisions file (TOML): the council's mitigations, suspensions and escalations, with their reasons.

Format (``docs/decisions_format.md``)::

    [[mitigation]]            # kpi, from, to, reason, impact, path_to_green, decided_by, decided_on
    [[suspension]]            # areas (list, or "ALL"), from, to, reason, reference
    [[escalation]]            # kpi, period, kind ("escalated" or "disputed"), reason, raised_on, settled_on, outcome
    contract = "NAME"         # optional: the contract the decisions are for; must match the contract used
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from csskpi.engine.decisions import check_decisions, decision_conflicts
from csskpi.errors import InputError, Problem
from csskpi.files.collector import kind_of
from csskpi.files.text import load_toml, read_text
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation, Suspension
from csskpi.model.measurement import Source
from csskpi.model.period import Period

__all__ = ["read_decisions", "read_decisions_files", "parse_decisions"]

_KEYS = {
    "mitigation": {"kpi", "from", "to", "reason", "impact", "path_to_green", "decided_by", "decided_on"},
    "suspension": {"areas", "from", "to", "reason", "reference"},
    "escalation": {"kpi", "period", "kind", "reason", "raised_on", "settled_on", "outcome"},
}
_REQUIRED = {"mitigation": ("kpi", "from"), "suspension": ("areas", "from", "to"), "escalation": ("kpi", "period")}


def read_decisions(path: str | Path, contract: Contract | None = None) -> Decisions:
    """Read a decisions file; with ``contract``, also check the KPIs and areas it names."""
    return parse_decisions(read_text(path, "decisions file", InputError), file=str(path), contract=contract)


def read_decisions_files(paths: Iterable[str | Path], contract: Contract | None = None) -> Decisions:
    """Read and combine several decisions files; every problem of every file is reported together, and
    decisions of one file that contradict another's (two mitigations of one KPI-month, overlapping suspensions)
    are problems too."""
    decisions = Decisions()
    problems: list[Problem] = []
    for path in paths:
        try:
            text = read_text(path, "decisions file", InputError)
            decisions = decisions + _parse(text, str(path), contract, conflicts=False)
        except InputError as exc:
            problems.extend(exc.problems)
    if not problems:
        problems.extend(decision_conflicts(decisions))
    if problems:
        raise InputError(problems)
    return decisions


def _header_lines(text: str, kind: str) -> list[int]:
    pattern = re.compile(r"^\s*\[\[\s*" + kind + r"\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]


def _date(value: Any, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'{key}' must be a date YYYY-MM-DD, not {value!r}")


def _period(value: Any, key: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise ValueError(f"'{key}': {exc}") from None


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be text, not {kind_of(value)}")
    return value


def parse_decisions(text: str, *, file: str | None = None, contract: Contract | None = None) -> Decisions:
    """Parse the text of a decisions file (``file`` is used in messages); with ``contract``, check it too."""
    return _parse(text, file, contract, conflicts=True)


def _parse(text: str, file: str | None, contract: Contract | None, *, conflicts: bool) -> Decisions:
    data = load_toml(text, file, InputError, exact=False)
    problems: list[Problem] = []
    for key in sorted(set(data) - set(_KEYS) - {"contract"}):
        tables = ", ".join("[[" + k + "]]" for k in _KEYS)
        problems.append(Problem(f"unknown table (allowed: {tables}, contract)", file=file, field=key))
    named = data.get("contract")
    if named is not None and not isinstance(named, str):
        problems.append(Problem(f"must be the contract's name as text, not {kind_of(named)}", file=file,
                                field="contract"))
    elif named is not None and contract is not None and named != contract.name:
        problems.append(Problem(f"the file is for contract {named!r}, not {contract.name!r}", file=file,
                                field="contract", line=_key_line(text, "contract")))
    all_areas = tuple(contract.area_codes) if contract else None
    built: dict[str, list[Any]] = {k: [] for k in _KEYS}
    for kind, allowed in _KEYS.items():
        entries = data.get(kind, [])
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            problems.append(Problem(f"write each as a table [[{kind}]], not {kind_of(entries)}", file=file, field=kind))
            continue
        lines = _header_lines(text, kind)
        for i, entry in enumerate(entries):
            line = lines[i] if i < len(lines) else None
            item = _entry(kind, entry, allowed, file, line, all_areas, problems)
            if item is not None:
                built[kind].append(item)
    decisions = Decisions(tuple(built["mitigation"]), tuple(built["suspension"]), tuple(built["escalation"]))
    if not problems:  # the file is well formed: check its decisions against each other and the contract
        problems.extend(decision_conflicts(decisions) if conflicts else [])
        problems.extend(check_decisions(contract, decisions) if contract is not None else [])
    if problems:
        raise InputError(problems)
    return decisions


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    return next((n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)), None)


def _entry(
    kind: str, entry: Mapping[str, Any], allowed: set[str], file: str | None, line: int | None,
    all_areas: tuple[str, ...] | None, problems: list[Problem],
) -> Mitigation | Suspension | Escalation | None:
    """One ``[[kind]]`` table as a decision; its problems go to ``problems``."""
    kpi = entry.get("kpi") if isinstance(entry.get("kpi"), str) else None

    def bad(message: str, field: str | None) -> None:
        problems.append(Problem(message, file=file, line=line, field=field, kpi=kpi))

    for key in sorted(set(entry) - allowed):
        bad(f"unknown key in [[{kind}]] (allowed: {', '.join(sorted(allowed))})", key)
    missing = [k for k in _REQUIRED[kind] if k not in entry]
    for key in missing:
        bad(f"missing in [[{kind}]]", key)
    if missing:
        return None
    if "kpi" in entry and kpi is None:
        bad(f"must be a KPI reference as text, not {kind_of(entry['kpi'])}", "kpi")
        return None
    source = Source("decision", file, line)
    try:
        if kind == "mitigation":
            reason = _text(entry, "reason")
            if not reason.strip():
                bad("a mitigation needs its reason: why the council agreed it", "reason")
            mitigation = Mitigation(
                kpi=str(kpi),
                start=_period(entry["from"], "from"),
                end=_period(entry.get("to", entry["from"]), "to"),
                reason=reason,
                impact=_text(entry, "impact"),
                path_to_green=_text(entry, "path_to_green"),
                decided_by=_text(entry, "decided_by"),
                decided_on=_date(entry.get("decided_on"), "decided_on"),
                source=source,
            )
            return mitigation if reason.strip() else None
        if kind == "suspension":
            areas = entry["areas"]
            if areas == "ALL":
                if all_areas is None:
                    raise ValueError("'areas' = \"ALL\" needs the contract to know its areas")
                areas = list(all_areas)
            if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
                raise ValueError(f"'areas' must be a list of area codes or \"ALL\", not {kind_of(areas)}")
            return Suspension(
                areas=tuple(areas),
                start=_period(entry["from"], "from"),
                end=_period(entry["to"], "to"),
                reason=_text(entry, "reason"),
                reference=_text(entry, "reference"),
                source=source,
            )
        kind_text = entry.get("kind", "escalated")
        if kind_text not in {k.value for k in EscalationKind}:
            raise ValueError(f"'kind' must be 'escalated' or 'disputed', not {kind_of(kind_text)}")
        raised_on = _date(entry.get("raised_on"), "raised_on")
        settled_on = _date(entry.get("settled_on"), "settled_on")
        if raised_on is not None and settled_on is not None and settled_on < raised_on:
            bad(f"settled on {settled_on}, before it was raised on {raised_on}", "settled_on")
            return None
        return Escalation(
            kpi=str(kpi),
            period=_period(entry["period"], "period"),
            kind=EscalationKind(kind_text),
            reason=_text(entry, "reason"),
            raised_on=raised_on,
            settled_on=settled_on,
            outcome=_text(entry, "outcome"),
            source=source,
        )
    except (ValueError, TypeError) as exc:
        bad(str(exc), None)
        return None
