"""Contract changes: the catalogue over the contract's whole life, as effective-dated changes with their reasons.

A contract file's ``[[kpis]]`` are the catalogue as first agreed; each ``[[changes]]`` entry (in the contract file,
or in a council's change notice layered over it) takes effect from a month and may add KPIs, retire them (the
reference stays, "not in use"), set new targets or points from that month, or suspend service credits. Applying
the changes in date order gives the definition in force in any month. Format: ``docs/contract_format.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from csskpi.errors import ContractError, Problem
from csskpi.model.decisions import Suspension
from csskpi.model.kpi import KPI
from csskpi.model.numbers import check_magnitude, strict_decimal
from csskpi.model.period import ContractCalendar, Period
from csskpi.model.targets import Comparison, PointsSchedule, PointsStep, TargetSchedule, TargetStep

__all__ = [
    "TargetChange", "PointsChange", "Change", "parse_changes", "parse_change_notice", "apply_changes", "change_to_data",
]

_CHANGE_KEYS = {"id", "from", "reason", "source", "assumed", "add", "retire", "targets", "points", "suspend"}


@attrs.frozen
class TargetChange:
    """New TSL and MSL for a KPI from the change's month (comparisons default to the KPI's direction)."""

    kpi: str
    tsl: Decimal
    msl: Decimal
    tsl_comparison: Comparison | None = None
    msl_comparison: Comparison | None = None
    note: str = ""


@attrs.frozen
class PointsChange:
    kpi: str
    points: int
    assumed: bool = False


@attrs.frozen
class Change:
    """One contract change, in force from ``period``: why, where it is recorded, and what it does."""

    id: str
    period: Period
    reason: str
    source: str = ""
    assumed: bool = False
    add: tuple[KPI, ...] = ()
    retire: tuple[str, ...] = ()
    targets: tuple[TargetChange, ...] = ()
    points: tuple[PointsChange, ...] = ()
    suspend: tuple[Suspension, ...] = ()
    file: str | None = attrs.field(default=None, eq=False)

    def actions(self) -> list[str]:
        """What the change does, in words, one line per action."""
        out = [f"adds {k.reference} ({k.description or k.area})" for k in self.add]
        out += [f"retires {ref} (reference kept, not in use)" for ref in self.retire]
        out += [f"sets {t.kpi} targets to TSL {t.tsl}, MSL {t.msl}" for t in self.targets]
        out += [f"sets {p.kpi} points to {p.points}" for p in self.points]
        out += [f"suspends service credits for {', '.join(s.areas)} to {s.end}" for s in self.suspend]
        return out


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, str):
        return strict_decimal(value, what)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{what} must be a number, not {value!r}")
    return check_magnitude(Decimal(value), what)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _comparison(value: Any) -> Comparison | None:
    return None if value is None else Comparison.parse(str(value))


def parse_changes(
    tables: Any,
    *,
    file: str | None,
    build_kpi: Callable[[Mapping[str, Any], str], KPI | None],
    areas: Sequence[str],
) -> tuple[tuple[Change, ...], list[Problem]]:
    """Parse ``[[changes]]`` tables. ``build_kpi`` builds (and validates) an added KPI's table."""
    problems: list[Problem] = []
    changes: list[Change] = []
    if not isinstance(tables, list):
        return (), [Problem("write each change as [[changes]]", file=file, field="changes")]
    for i, table in enumerate(tables):
        where = f"changes[{i}]"

        def bad(message: str, field: str, kpi: str | None = None, where: str = where) -> None:
            problems.append(Problem(message, file=file, field=f"{where}.{field}", kpi=kpi))

        def entries(key: str, table: Any = table, where: str = where) -> list[Mapping[str, Any]]:
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
                problems.append(Problem(f"must be an array of tables [[changes.{key}]]", file=file,
                                        field=f"{where}.{key}"))
                return []
            return value

        if not isinstance(table, Mapping):
            problems.append(Problem("must be a table [[changes]]", file=file, field=where))
            continue

        for key in sorted(set(table) - _CHANGE_KEYS):
            bad(f"unknown key (allowed: {', '.join(sorted(_CHANGE_KEYS))})", key)
        missing = [k for k in ("id", "from", "reason") if k not in table]
        for key in missing:
            bad("missing", key)
        if missing:
            continue
        try:
            period = Period.parse(table["from"])
        except ValueError as exc:
            bad(str(exc), "from")
            continue
        if not isinstance(table["id"], str) or not isinstance(table["reason"], str) or not table["reason"].strip():
            bad("'id' and 'reason' must be text (a change needs its reason)", "reason")
            continue
        before = len(problems)
        added: list[KPI] = []
        for j, kpi_table in enumerate(entries("add")):
            kpi = build_kpi({"start": str(period), **kpi_table}, f"{where}.add[{j}]")
            if kpi is not None:
                added.append(kpi)
            elif len(problems) == before:
                bad("the KPI could not be built", f"add[{j}]")
        targets: list[TargetChange] = []
        for j, t in enumerate(entries("targets")):
            try:
                targets.append(TargetChange(str(t["kpi"]), _number(t["tsl"], "'tsl'"), _number(t["msl"], "'msl'"),
                                            _comparison(t.get("tsl_comparison")), _comparison(t.get("msl_comparison")), str(t.get("note", ""))))
            except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
                bad(f"needs kpi, tsl and msl: {exc}", f"targets[{j}]", _text(t.get("kpi")))
        points: list[PointsChange] = []
        for j, p in enumerate(entries("points")):
            value = p.get("points")
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**6 or "kpi" not in p:
                bad("needs kpi and a whole number of points", f"points[{j}]", _text(p.get("kpi")))
                continue
            points.append(PointsChange(str(p["kpi"]), value, bool(p.get("assumed", table.get("assumed", False)))))
        suspend: list[Suspension] = []
        for j, s in enumerate(entries("suspend")):
            chosen = s.get("areas", "ALL")
            try:
                if chosen != "ALL" and (not isinstance(chosen, list) or not all(isinstance(a, str) for a in chosen)):
                    raise TypeError(f"'areas' must be a list of area codes or \"ALL\", not {chosen!r}")
                suspend.append(Suspension(tuple(areas) if chosen == "ALL" else tuple(chosen), period, Period.parse(s["to"]),
                                          str(s.get("reason", table["reason"])), str(s.get("reference", table["id"]))))
            except (KeyError, ValueError, TypeError) as exc:
                bad(f"needs 'to' and 'areas' (a list or \"ALL\"): {exc}", f"suspend[{j}]")
            else:
                unknown = [a for a in suspend[-1].areas if a not in areas]
                if unknown:
                    bad(f"unknown service area {', '.join(map(repr, unknown))}", f"suspend[{j}].areas")
        retire = table.get("retire", [])
        if not isinstance(retire, list) or not all(isinstance(r, str) for r in retire):
            bad("must be a list of KPI references", "retire")
            retire = []
        if len(problems) > before:
            continue
        changes.append(Change(str(table["id"]), period, str(table["reason"]), str(table.get("source", "")),
                              bool(table.get("assumed", False)), tuple(added), tuple(retire), tuple(targets),
                              tuple(points), tuple(suspend), file))
    return tuple(changes), problems


def parse_change_notice(
    data: Mapping[str, Any],
    name: str,
    contract_areas: Sequence[str],
    build_kpi: Callable[[Mapping[str, Any], str], KPI | None],
) -> tuple[Change, ...]:
    """The changes of a change notice (the parsed TOML of a file of ``[[changes]]`` only) layered over a contract."""
    problems = [Problem("unknown table (a change notice holds only [[changes]])", file=name, field=k) for k in sorted(set(data) - {"format", "changes"})]
    changes, found = parse_changes(data.get("changes", []), file=name, build_kpi=build_kpi, areas=contract_areas)
    if problems + found:
        raise ContractError(problems + found)
    return changes


def apply_changes(
    base: Sequence[KPI], changes: Sequence[Change], calendar: ContractCalendar
) -> tuple[tuple[KPI, ...], tuple[Suspension, ...], list[Problem]]:
    """The catalogue after every change, in date order (file order within a month), with the suspensions."""
    kpis = {k.reference: k for k in base}
    order = [k.reference for k in base]
    suspensions: list[Suspension] = []
    problems: list[Problem] = []
    for change in sorted(changes, key=lambda c: c.period):

        def bad(message: str, kpi: str | None = None, change: Change = change) -> None:
            problems.append(Problem(f"change {change.id!r} ({change.period}): {message}", file=change.file, field="changes", kpi=kpi))

        if not calendar.contains(change.period):
            bad(f"takes effect outside the contract ({calendar.first_period} to {calendar.last_period})")
            continue
        for kpi in change.add:
            if kpi.reference in kpis:
                bad("adds a KPI whose reference is already in the catalogue", kpi.reference)
                continue
            kpis[kpi.reference] = kpi
            order.append(kpi.reference)

        def live(ref: str) -> KPI | None:
            kpi = kpis.get(ref)
            if kpi is None or not kpi.in_force(change.period):  # noqa: B023 (called only in this iteration)
                bad("names a KPI not in force from that month", ref)
                return None
            return kpi

        for t in change.targets:
            target = live(t.kpi)
            if target is None:
                continue
            default = target.direction.default_comparison
            # Steps from the change's month on are replaced; the one running into it now ends the month before.
            kept = [attrs.evolve(s, end=change.period + -1) if s.end is None or s.end >= change.period else s
                    for s in target.schedule.steps if s.start < change.period]
            try:
                step = TargetStep(change.period, None, t.tsl, t.msl, t.tsl_comparison or default, t.msl_comparison or default,
                                  t.note or f"{change.id}: {change.reason}")
                kpis[t.kpi] = attrs.evolve(target, schedule=TargetSchedule((*kept, step)))
            except ValueError as exc:
                bad(str(exc), t.kpi)
        for p in change.points:
            scored = live(p.kpi)
            if scored is not None:
                steps = [s for s in scored.points.steps if s.start < change.period]
                kpis[p.kpi] = attrs.evolve(scored, points=PointsSchedule((*steps, PointsStep(change.period, p.points, p.assumed, change.id))))
        for ref in change.retire:
            leaving = live(ref)
            if leaving is None:
                continue
            try:
                kpis[ref] = attrs.evolve(leaving, end=change.period + -1)
            except ValueError as exc:
                bad(str(exc), ref)
        suspensions.extend(change.suspend)
    return tuple(kpis[r] for r in order), tuple(suspensions), problems


def change_to_data(change: Change, kpi_data: Callable[[KPI], dict[str, Any]]) -> dict[str, Any]:
    """A change as the plain data of its ``[[changes]]`` table (the inverse of :func:`parse_changes`)."""
    data: dict[str, Any] = {"id": change.id, "from": str(change.period), "reason": change.reason}
    if change.source:
        data["source"] = change.source
    if change.assumed:
        data["assumed"] = True
    if change.add:
        data["add"] = [kpi_data(k) for k in change.add]
    if change.retire:
        data["retire"] = list(change.retire)
    if change.targets:
        data["targets"] = [
            {"kpi": t.kpi, "tsl": t.tsl, "msl": t.msl, **({"note": t.note} if t.note else {}),
             **({"tsl_comparison": t.tsl_comparison.value} if t.tsl_comparison else {}),
             **({"msl_comparison": t.msl_comparison.value} if t.msl_comparison else {})}
            for t in change.targets
        ]
    if change.points:
        data["points"] = [{"kpi": p.kpi, "points": p.points, "assumed": p.assumed} for p in change.points]
    if change.suspend:
        data["suspend"] = [{"areas": list(s.areas), "to": str(s.end), "reason": s.reason, "reference": s.reference} for s in change.suspend]
    return data
