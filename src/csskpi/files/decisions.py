"""The decisions file (TOML): the council's mitigations, suspensions and escalations, with their reasons.

Format (``docs/decisions_format.md``)::

    [[mitigation]]            # kpi, from, to, reason, impact, path_to_green, decided_by, decided_on
    [[suspension]]            # areas (list, or "ALL"), from, to, reason, reference
    [[escalation]]            # kpi, period, kind ("escalated" or "disputed"), reason, raised_on, settled_on, outcome
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from csskpi.engine.rules import check_decisions
from csskpi.errors import InputError, Problem
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
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(Problem(f"cannot read the decisions file: {exc.strerror or exc}", file=name)) from None
    return parse_decisions(text, file=name, contract=contract)


def read_decisions_files(paths: Iterable[str | Path], contract: Contract | None = None) -> Decisions:
    """Read and combine several decisions files; every problem of every file is reported together."""
    decisions = Decisions()
    problems: list[Problem] = []
    for path in paths:
        try:
            decisions = decisions + read_decisions(path, contract)
        except InputError as exc:
            problems.extend(exc.problems)
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
    if isinstance(value, str):
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


def parse_decisions(text: str, *, file: str | None = None, contract: Contract | None = None) -> Decisions:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(Problem(f"not valid TOML: {exc}", file=file, line=int(match.group(1)) if match else None)) from None
    problems: list[Problem] = []
    for key in sorted(set(data) - set(_KEYS)):
        problems.append(Problem(f"unknown table (allowed: {', '.join('[[' + k + ']]' for k in _KEYS)})", file=file, field=key))
    all_areas = tuple(contract.area_codes) if contract else None
    built: dict[str, list[Any]] = {k: [] for k in _KEYS}
    for kind, allowed in _KEYS.items():
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            problems.append(Problem(f"write each as [[{kind}]]", file=file, field=kind))
            continue
        lines = _header_lines(text, kind)
        for i, entry in enumerate(entries):
            line = lines[i] if i < len(lines) else None
            kpi = entry.get("kpi") if isinstance(entry.get("kpi"), str) else None

            def bad(message: str, field: str | None, line: int | None = line, kpi: str | None = kpi) -> None:
                problems.append(Problem(message, file=file, line=line, field=field, kpi=kpi))

            for key in sorted(set(entry) - allowed):
                bad(f"unknown key in [[{kind}]] (allowed: {', '.join(sorted(allowed))})", key)
            missing = [k for k in _REQUIRED[kind] if k not in entry]
            for key in missing:
                bad(f"missing in [[{kind}]]", key)
            if missing:
                continue
            source = Source("decision", file, line)
            try:
                if kind == "mitigation":
                    start = _period(entry["from"], "from")
                    item: Any = Mitigation(
                        kpi=str(entry["kpi"]),
                        start=start,
                        end=_period(entry.get("to", entry["from"]), "to"),
                        reason=str(entry.get("reason", "")),
                        impact=str(entry.get("impact", "")),
                        path_to_green=str(entry.get("path_to_green", "")),
                        decided_by=str(entry.get("decided_by", "")),
                        decided_on=_date(entry.get("decided_on"), "decided_on"),
                        source=source,
                    )
                elif kind == "suspension":
                    areas = entry["areas"]
                    if areas == "ALL":
                        if all_areas is None:
                            raise ValueError("'areas' = \"ALL\" needs the contract to know its areas")
                        areas = list(all_areas)
                    if isinstance(areas, str) or not isinstance(areas, list):
                        raise ValueError(f"'areas' must be a list of area codes or \"ALL\", not {areas!r}")
                    item = Suspension(
                        areas=tuple(str(a) for a in areas),
                        start=_period(entry["from"], "from"),
                        end=_period(entry["to"], "to"),
                        reason=str(entry.get("reason", "")),
                        reference=str(entry.get("reference", "")),
                        source=source,
                    )
                else:
                    kind_text = entry.get("kind", "escalated")
                    try:
                        esc_kind = EscalationKind(kind_text)
                    except ValueError:
                        raise ValueError(f"'kind' must be 'escalated' or 'disputed', not {kind_text!r}") from None
                    item = Escalation(
                        kpi=str(entry["kpi"]),
                        period=_period(entry["period"], "period"),
                        kind=esc_kind,
                        reason=str(entry.get("reason", "")),
                        raised_on=_date(entry.get("raised_on"), "raised_on"),
                        settled_on=_date(entry.get("settled_on"), "settled_on"),
                        outcome=str(entry.get("outcome", "")),
                        source=source,
                    )
            except (ValueError, TypeError) as exc:
                bad(str(exc), None)
                continue
            built[kind].append(item)
    decisions = Decisions(tuple(built["mitigation"]), tuple(built["suspension"]), tuple(built["escalation"]))
    if contract is not None and not problems:
        problems.extend(check_decisions(contract, decisions))
    if problems:
        raise InputError(problems)
    return decisions
