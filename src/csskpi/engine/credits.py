"""Service credits: each service area's abatement points turned into money, under the area's cap.

The cap is a share (10% by default) of the area's monthly charge. How points become money is the contract's
*credit regime*, itself a plugin (``csskpi_credit_regimes``), so a council can add its own; csskpi ships four
(``docs/credits.md``). Money is ``Decimal`` pounds, rounded to pence half-up once, at the end.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pluggy

from csskpi.engine.points import KPIPoints, PointsRules, abatement_points
from csskpi.engine.rules import Evaluation
from csskpi.errors import ContractError, InputError, PluginError, Problem
from csskpi.model.contract import Contract
from csskpi.model.period import Period
from csskpi.model.result import Result
from csskpi.plugin.manager import get_plugin_manager
from csskpi.plugin.registry import collect

__all__ = [
    "ChargeStep",
    "Charges",
    "read_charges",
    "contract_charges",
    "CreditInput",
    "CreditRegime",
    "AreaCredit",
    "CreditRun",
    "compute_credits",
    "PENNY",
]

PENNY = Decimal("0.01")


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be exact: write it as a string, not a float")
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"a monthly charge must be a non-negative amount, not {value!r}")
    return amount


@attrs.frozen
class ChargeStep:
    """An area's monthly charge from ``start`` (until the area's next step)."""

    area: str
    start: Period
    monthly_charge: Decimal = attrs.field(converter=_money)
    note: str = ""


@attrs.frozen
class Charges:
    """Effective-dated monthly charges per service area."""

    steps: tuple[ChargeStep, ...] = ()
    source: str = ""

    def at(self, area: str, period: Period) -> Decimal | None:
        current = None
        for step in sorted((s for s in self.steps if s.area == area), key=lambda s: s.start):
            if step.start <= period:
                current = step.monthly_charge
        return current


def contract_charges(contract: Contract) -> Charges:
    """The charges the contract file declares (``[[parameters.charges]]``: area, from, monthly_charge)."""
    steps = []
    for i, entry in enumerate(contract.parameters.other.get("charges", [])):
        try:
            steps.append(ChargeStep(entry["area"], Period.parse(entry["from"]), entry["monthly_charge"], entry.get("note", "")))
        except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
            raise ContractError(Problem(f"{exc}", file=contract.source, field=f"parameters.charges[{i}]")) from None
    return Charges(tuple(steps), contract.source or "")


def read_charges(path: str | Path) -> Charges:
    """Read a charges CSV ``area,from,monthly_charge``; every bad row is reported together."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(Problem(f"cannot read the charges file: {exc.strerror or exc}", file=name)) from None
    problems: list[Problem] = []
    steps: list[ChargeStep] = []
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not rows or [c.strip() for c in next(csv.reader([rows[0][1]]))] != ["area", "from", "monthly_charge"]:
        raise InputError(Problem("the header must be area,from,monthly_charge", file=name, line=rows[0][0] if rows else None))
    for number, line in rows[1:]:
        cells = [c.strip() for c in next(csv.reader([line]))]
        if len(cells) != 3:
            problems.append(Problem(f"expected 3 fields, found {len(cells)}", file=name, line=number, field="row"))
            continue
        area, start, amount = cells
        try:
            period = Period.parse(start)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=name, line=number, field="from"))
            continue
        try:
            steps.append(ChargeStep(area, period, Decimal(amount)))
        except (ValueError, InvalidOperation):
            problems.append(Problem(f"{amount!r} is not an amount in pounds", file=name, line=number, field="monthly_charge"))
    if problems:
        raise InputError(problems)
    return Charges(tuple(steps), name)


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class CreditInput:
    """What a credit regime is given for one service area and month."""

    period: Period
    area: str
    points: Decimal  # the area's abatement points this month
    allocated: int  # the points of all the area's KPIs in force this month
    charge: Decimal  # the area's monthly charge
    cap: Decimal
    results: tuple[Result, ...]
    kpi_points: tuple[KPIPoints, ...]
    parameters: Mapping[str, Any] = attrs.field(factory=dict, converter=_read_only)


@attrs.frozen
class CreditRegime:
    """A way of turning points into money. ``compute`` returns the credit before the cap and before rounding."""

    name: str
    description: str
    compute: Callable[[CreditInput], Decimal] = attrs.field(eq=False)


@attrs.frozen
class AreaCredit:
    """A service area's credit for a month."""

    period: Period
    area: str
    points: Decimal
    allocated: int
    charge: Decimal
    cap: Decimal
    credit: Decimal  # in pounds, rounded to pence, never above the cap
    regime: str
    capped: bool


@attrs.frozen
class CreditRun:
    kpis: tuple[KPIPoints, ...]
    areas: tuple[AreaCredit, ...]
    warnings: tuple[Any, ...] = ()  # WatchWarning, see csskpi.engine.watch

    def total(self, period: Period) -> Decimal:
        return sum((a.credit for a in self.areas if a.period == period), Decimal(0))


def _credit_parameters(contract: Contract) -> dict[str, Any]:
    return dict(contract.parameters.other.get("credits", {}))


def regimes(pm: pluggy.PluginManager | None = None) -> dict[str, CreditRegime]:
    return collect(pm if pm is not None else get_plugin_manager(), "csskpi_credit_regimes", lambda r: r.name, "credit regime")


def compute_credits(
    evaluation: Evaluation,
    charges: Charges | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
    watch: bool = True,
) -> CreditRun:
    """Points per KPI-month and credits per area-month for an evaluation.

    ``charges`` default to the contract's. An area's allocated points are those of all its KPIs in force that
    month (whether or not the file has a row for each). Watch rules of the contract are applied unless
    ``watch=False``.
    """
    contract = evaluation.contract
    rules = PointsRules.from_parameters(contract.parameters.other.get("points"))
    kpi_points = abatement_points(evaluation.results, rules)
    charges = charges if charges is not None else contract_charges(contract)
    params = _credit_parameters(contract)
    name = str(params.get("regime", "share_of_cap"))
    known = regimes(pm)
    if name not in known:
        raise ContractError(Problem(f"no credit regime {name!r} (known: {', '.join(sorted(known))})", field="parameters.credits.regime"))
    regime = known[name]
    try:
        cap_share = _money(params.get("cap_percent", "10")) / 100
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ContractError(Problem(str(exc), field="parameters.credits.cap_percent")) from None
    areas: list[AreaCredit] = []
    problems: list[Problem] = []
    for period in evaluation.periods:
        for area in contract.area_codes:
            in_force = contract.kpis_in_force(period, area)
            if not in_force:
                continue
            charge = charges.at(area, period)
            if charge is None:
                problems.append(Problem(f"no monthly charge for {area} in {period}: give it in the contract or with --charges", field="monthly_charge"))
                continue
            mine = tuple(k for k in kpi_points if k.period == period and k.area == area)
            results = tuple(r for r in evaluation.results if r.period == period and r.area == area)
            points = sum((k.points for k in mine), Decimal(0))
            cap = charge * cap_share
            inputs = CreditInput(period, area, points, sum(k.points_at(period) for k in in_force), charge, cap, results, mine, params)
            raw = regime.compute(inputs)
            if not isinstance(raw, Decimal) or not raw.is_finite() or raw < 0:
                raise PluginError(Problem(f"credit regime {name!r} returned {raw!r}: it must return a non-negative Decimal"))
            # Rounded once, at the end; rounding is monotone, so the credit never exceeds the cap as shown.
            credit = min(raw, cap).quantize(PENNY, rounding=ROUND_HALF_UP)
            shown_cap = cap.quantize(PENNY, rounding=ROUND_HALF_UP)
            areas.append(AreaCredit(period, area, points, inputs.allocated, charge, shown_cap, credit, name, raw >= cap and raw > 0))
    if problems:
        raise InputError(problems)
    run = CreditRun(kpi_points, tuple(areas))
    if watch:
        from csskpi.engine.watch import apply_watch_rules

        run = attrs.evolve(run, warnings=apply_watch_rules(contract, evaluation, run))
    return run
