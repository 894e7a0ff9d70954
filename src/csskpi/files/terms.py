"""The ``[parameters]`` table of a contract file read into typed terms, and written back.

Points rules, credit terms, charges, watch rules and clocks are checked here, when the contract is loaded, each
problem naming the file, the line of its table and the field (``parameters.credits.cap_percent``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from csskpi.engine.regimes import BUILTIN_REGIMES
from csskpi.files.collector import Collector
from csskpi.model.contract import Parameters
from csskpi.model.period import Period
from csskpi.model.terms import (
    Charges,
    ChargeStep,
    ClockHours,
    CreditTerms,
    PointsRules,
    WatchRule,
    WatchRuleKind,
)

__all__ = ["parse_terms", "terms_to_data"]

_PARAM_KEYS = {"decimals", "rounding", "measures", "assumed", "points", "credits", "charges", "watch", "clocks"}
_POINTS_KEYS = {"amber_weight", "red_weight", "ladder", "blue_policy"}
_CHARGE_KEYS = {"area", "from", "monthly_charge", "note"}
_WATCH_KEYS = {
    WatchRuleKind.CONSECUTIVE: {"months", "statuses"},
    WatchRuleKind.FAILURES_IN_WINDOW: {"count", "window"},
    WatchRuleKind.POINTS_IN_WINDOW: {"points", "window", "scope"},
    WatchRuleKind.CREDIT_AT_CAP: set(),
}
_WATCH_DEFAULT_WINDOW = {WatchRuleKind.FAILURES_IN_WINDOW: 9, WatchRuleKind.POINTS_IN_WINDOW: 3}


def _table(value: Any, field: str, c: Collector, line: int | None) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        c.add(f"must be a table, not {type(value).__name__}", field=field, line=line)
        return None
    return value


def _tables(value: Any, field: str, c: Collector, line: int | None) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        c.add("must be an array of tables ([[...]])", field=field, line=line)
        return []
    return value


def _points(value: Any, c: Collector) -> PointsRules | None:
    line = c.line_of_table("parameters.points")
    table = _table(value, "parameters.points", c, line)
    if table is None:
        return None
    c.unknown_keys(table, _POINTS_KEYS, "parameters.points", line=line)
    args = {k: table[k] for k in ("amber_weight", "red_weight", "ladder") if k in table}
    if "blue_policy" in table:
        args["blue"] = table["blue_policy"]
    return c.attempt(lambda: PointsRules(**args), field="parameters.points", line=line)


def _credits(value: Any, c: Collector) -> CreditTerms | None:
    line = c.line_of_table("parameters.credits")
    table = _table(value, "parameters.credits", c, line)
    if table is None:
        return None
    own = {k: v for k, v in table.items() if k not in ("regime", "cap_percent")}
    args: dict[str, Any] = {k: table[k] for k in ("regime", "cap_percent") if k in table}
    terms = c.attempt(lambda: CreditTerms(**args, parameters=own), field="parameters.credits", line=line)
    builtin = {r.name: r for r in BUILTIN_REGIMES}
    if terms is not None and terms.regime in builtin:
        # A regime csskpi ships is checked here; a plugin's regime checks its own parameters when it runs.
        needs = set(builtin[terms.regime].requires)
        c.unknown_keys(own, needs, f"parameters.credits (regime {terms.regime!r})", line=line)
        for key in sorted(needs - set(own)):
            c.add(f"the credit regime {terms.regime!r} needs '{key}'", field=f"parameters.credits.{key}", line=line)
    return terms


def _charge_step(entry: Mapping[str, Any]) -> ChargeStep:
    return ChargeStep(str(entry["area"]), Period.parse(entry["from"]), entry["monthly_charge"], str(entry.get("note", "")))


def _charges(value: Any, c: Collector) -> Charges | None:
    line = c.line_of_table("parameters.charges")
    steps: list[ChargeStep] = []
    seen: set[tuple[str, Period]] = set()
    for i, entry in enumerate(_tables(value, "parameters.charges", c, line)):
        where = f"parameters.charges[{i}]"
        c.unknown_keys(entry, _CHARGE_KEYS, where, line=line)
        missing = sorted(_CHARGE_KEYS - {"note"} - set(entry))
        if missing:
            c.add(f"missing {', '.join(missing)}", field=where, line=line)
            continue
        step = c.attempt(partial(_charge_step, entry), field=where, line=line)
        if step is None:
            continue
        if (step.area, step.start) in seen:
            c.add(f"two charges for {step.area} from {step.start}", field=where, line=line)
        seen.add((step.area, step.start))
        steps.append(step)
    return Charges(tuple(steps), c.file or "")


def _watch(value: Any, c: Collector) -> tuple[WatchRule, ...]:
    line = c.line_of_table("parameters.watch")
    rules: list[WatchRule] = []
    for i, table in enumerate(_tables(value, "parameters.watch", c, line)):
        where = f"parameters.watch[{i}]"
        rule_name = table.get("rule")
        kinds = {k.value: k for k in WatchRuleKind}
        if not isinstance(rule_name, str) or rule_name not in kinds:
            c.add(f"unknown rule {rule_name!r} (rules: {', '.join(kinds)})", field=f"{where}.rule", line=line)
            continue
        kind = kinds[rule_name]
        c.unknown_keys(table, {"name", "rule"} | _WATCH_KEYS[kind], where, line=line)
        args = {k: table[k] for k in _WATCH_KEYS[kind] if k in table}
        if kind in _WATCH_DEFAULT_WINDOW:
            args.setdefault("window", _WATCH_DEFAULT_WINDOW[kind])
        rule = c.attempt(partial(WatchRule, str(table.get("name", kind.value)), kind, **args), field=where, line=line)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        raise TypeError(f"must be a time HH:MM, not {value!r}")
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"must be a time HH:MM, not {value!r}") from None


def _clock(name: str, entry: Mapping[str, Any]) -> ClockHours:
    return ClockHours(name, _time(entry.get("open", "08:00")), _time(entry.get("close", "18:00")))


def _clocks(value: Any, c: Collector) -> tuple[ClockHours, ...]:
    line = c.line_of_table("parameters.clocks")
    table = _table(value, "parameters.clocks", c, line)
    clocks: list[ClockHours] = []
    for name, hours in (table or {}).items():
        where = f"parameters.clocks.{name}"
        here = c.line_of_table(where) or line
        entry = _table(hours, where, c, here)
        if entry is None:
            continue
        c.unknown_keys(entry, {"open", "close"}, where, line=here)
        clock = c.attempt(partial(_clock, str(name), entry), field=where, line=here)
        if clock is not None:
            clocks.append(clock)
    return tuple(clocks)


def parse_terms(table: Any, c: Collector) -> Parameters | None:
    """The typed parameters of a contract file's ``[parameters]`` table; problems go to ``c``."""
    line = c.line_of_table("parameters")
    if not isinstance(table, Mapping):
        c.add("must be a table", field="parameters", line=line)
        return None
    before = len(c.problems)
    terms: dict[str, Any] = {}
    if "points" in table:
        terms["points"] = _points(table["points"], c)
    if "credits" in table:
        terms["credits"] = _credits(table["credits"], c)
    if "charges" in table:
        terms["charges"] = _charges(table["charges"], c)
    if "watch" in table:
        terms["watch"] = _watch(table["watch"], c)
    if "clocks" in table:
        terms["clocks"] = _clocks(table["clocks"], c)
    measures = table.get("measures", {})
    if not isinstance(measures, Mapping) or not all(isinstance(v, Mapping) for v in measures.values()):
        c.add("must be a table of tables, one per measure", field="parameters.measures", line=c.line_of_table("parameters.measures") or line)
        measures = {}
    other = {k: v for k, v in table.items() if k not in _PARAM_KEYS}
    if len(c.problems) > before:
        return None
    return c.attempt(
        lambda: Parameters(
            decimals=table.get("decimals", 2),
            rounding=table.get("rounding", "half-up"),
            measures=measures,
            other=other,
            assumed=table.get("assumed", ()),
            **{k: v for k, v in terms.items() if v is not None},
        ),
        field="parameters",
        line=line,
    )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def terms_to_data(p: Parameters) -> dict[str, Any]:
    """The typed terms as the plain data of ``[parameters]`` (without decimals, rounding, measures, assumed)."""
    data: dict[str, Any] = {}
    if p.clocks:
        data["clocks"] = {k.name: {"open": k.open.strftime("%H:%M"), "close": k.close.strftime("%H:%M")} for k in p.clocks}
    if p.points != PointsRules():
        data["points"] = {
            "amber_weight": f"{p.points.amber_weight:f}", "red_weight": f"{p.points.red_weight:f}",
            "ladder": [f"{m:f}" for m in p.points.ladder], "blue_policy": p.points.blue.value,
        }
    if p.credits != CreditTerms():
        data["credits"] = {
            "regime": p.credits.regime, "cap_percent": _number(p.credits.cap_percent),
            **{k: f"{v:f}" for k, v in p.credits.parameters.items()},
        }
    if p.charges.steps:
        data["charges"] = [
            {"area": s.area, "from": str(s.start), "monthly_charge": f"{s.monthly_charge:f}", **({"note": s.note} if s.note else {})}
            for s in p.charges.steps
        ]
    if p.watch:
        data["watch"] = [_watch_to_data(w) for w in p.watch]
    return data


def _watch_to_data(w: WatchRule) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": w.name, "rule": w.rule.value}
    if w.rule is WatchRuleKind.CONSECUTIVE:
        entry.update(months=w.months, statuses=sorted(s.value for s in w.statuses))
    elif w.rule is WatchRuleKind.FAILURES_IN_WINDOW:
        entry.update(count=w.count, window=w.window)
    elif w.rule is WatchRuleKind.POINTS_IN_WINDOW:
        entry.update(points=_number(w.points), window=w.window, scope=w.scope)
    return entry
