"""Watch rules: thresholds over the history of results that let a council escalate (termination triggers).

Declared in the contract as ``[[parameters.watch]]`` tables, each with a ``name`` and a ``rule``:

- ``consecutive``: the same KPI with a status in ``statuses`` (default ``["red"]``) ``months`` months running;
- ``failures_in_window``: the same KPI failing (AMBER or RED) in ``count`` of any ``window`` consecutive months;
- ``points_in_window``: ``points`` or more abatement points in any ``window`` consecutive months, over the
  contract (``scope = "contract"``, default) or per service area (``scope = "area"``);
- ``credit_at_cap``: a service area's credit reaching its cap.

Each rule that fires gives a :class:`WatchWarning` naming the months that triggered it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from csskpi.engine.credits import CreditRun
from csskpi.engine.rules import Evaluation
from csskpi.errors import ContractError, Problem
from csskpi.model.contract import Contract
from csskpi.model.period import Period
from csskpi.model.result import Status

__all__ = ["WatchWarning", "apply_watch_rules", "RULES"]

RULES = ("consecutive", "failures_in_window", "points_in_window", "credit_at_cap")


@attrs.frozen
class WatchWarning:
    """A watch rule that fired: which rule, on what (a KPI, an area or the contract), in which months."""

    rule: str
    subject: str
    months: tuple[Period, ...]
    message: str


def _int(table: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ContractError(Problem(f"must be a whole number of at least 1, not {value!r}", field=f"{where}.{key}"))
    return value


def _windows(months: list[Period], window: int) -> list[tuple[Period, ...]]:
    """The ``window`` calendar months ending at each month of ``months``: a rule is checked month by month, as
    the council would, and never over months not yet judged."""
    return [tuple(Period.range(end + (1 - window), end)) for end in months]


def apply_watch_rules(contract: Contract, evaluation: Evaluation, run: CreditRun) -> tuple[WatchWarning, ...]:
    warnings: list[WatchWarning] = []
    by_kpi: dict[str, dict[Period, Status]] = defaultdict(dict)
    for r in evaluation.results:
        by_kpi[r.reference][r.period] = r.status
    for i, table in enumerate(contract.parameters.other.get("watch", [])):
        where = f"parameters.watch[{i}]"
        rule = table.get("rule")
        name = str(table.get("name", rule))
        if rule not in RULES:
            raise ContractError(Problem(f"unknown rule {rule!r} (rules: {', '.join(RULES)})", field=f"{where}.rule"))
        if rule == "consecutive":
            months = _int(table, "months", 3, where)
            try:
                statuses = {Status(s) for s in table.get("statuses", ["red"])}
            except ValueError as exc:
                raise ContractError(Problem(str(exc), field=f"{where}.statuses")) from None
            for kpi, history in by_kpi.items():
                streak: list[Period] = []
                for period in sorted(history):
                    if history[period] in statuses and (not streak or period == streak[-1] + 1):
                        streak.append(period)
                    elif history[period] in statuses:
                        streak = [period]
                    else:
                        streak = []
                    if len(streak) == months:  # fire once per run, when it reaches the threshold
                        label = "/".join(s.name for s in sorted(statuses, key=lambda s: s.severity))
                        warnings.append(WatchWarning(name, kpi, tuple(streak), f"{kpi} {label} {months} months running ({streak[0]} to {streak[-1]})"))
        elif rule == "failures_in_window":
            count, window = _int(table, "count", 3, where), _int(table, "window", 9, where)
            for kpi, history in by_kpi.items():
                for span in _windows(sorted(history), window):
                    failing = tuple(p for p in span if p in history and history[p].failing)
                    # Fires in each month that is itself failing and brings the window to the threshold or above.
                    if len(failing) >= count and failing[-1] == span[-1]:
                        warnings.append(WatchWarning(
                            name, kpi, failing,
                            f"{kpi} failing in {len(failing)} of the {window} months to {span[-1]} ({', '.join(map(str, failing))})",
                        ))
        elif rule == "points_in_window":
            window = _int(table, "window", 3, where)
            threshold = Decimal(str(table.get("points", 50)))
            scope = table.get("scope", "contract")
            totals: dict[str, dict[Period, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
            for k in run.kpis:
                totals["contract" if scope == "contract" else k.area][k.period] += k.points
            for subject, per_month in totals.items():
                for span in _windows(sorted(per_month), window):
                    total = sum((per_month.get(p, Decimal(0)) for p in span), Decimal(0))
                    if total >= threshold:
                        warnings.append(WatchWarning(
                            name, subject, span,
                            f"{total.normalize():f} abatement points in the {window} months to {span[-1]} ({subject}), at or above {threshold}",
                        ))
        else:
            for a in run.areas:
                if a.capped:
                    warnings.append(WatchWarning(name, a.area, (a.period,), f"{a.area} credit at the cap in {a.period}: £{a.credit:,}"))
    return tuple(warnings)
