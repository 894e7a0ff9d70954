"""Service credits: each service area's abatement points turned into money, under the area's cap.

The cap is a share (10% by default) of the area's monthly charge. How points become money is the contract's
*credit regime* (:mod:`csskpi.engine.regimes`); a council adds its own through a plugin, resolved by name in the
plugin layer and handed in here, so that this engine never looks plugins up. Money is ``Decimal`` pounds,
rounded to pence half-up once, at the end.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import attrs

from csskpi.engine.points import KPIPoints, abatement_points
from csskpi.engine.regimes import BUILTIN_REGIMES, CreditInput, CreditRegime
from csskpi.engine.rules import Evaluation
from csskpi.engine.tables import credit_areas_columns, credit_kpis_columns
from csskpi.engine.watch import WatchWarning, apply_watch_rules
from csskpi.errors import ContractError, InputError, PluginError, Problem
from csskpi.model.period import Period
from csskpi.model.tabular import Columns, Tabular, short_repr
from csskpi.model.terms import Charges

__all__ = ["PENNY", "AreaCredit", "CreditRun", "compute_credits"]

PENNY = Decimal("0.01")


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


@attrs.frozen(repr=False)  # a short repr: csskpi.model.tabular
class CreditRun(Tabular):
    """Points per KPI-month, credits per area-month, and the watch rules that fired.

    ``uncharged`` lists the area-months with no monthly charge when credits were computed with
    ``charges_required=False``: their points are in ``kpis``, their credits are not in ``areas``.
    """

    kpis: tuple[KPIPoints, ...]
    areas: tuple[AreaCredit, ...]
    warnings: tuple[WatchWarning, ...] = ()
    uncharged: tuple[tuple[str, Period], ...] = ()

    def total(self, period: Period) -> Decimal:
        return sum((a.credit for a in self.areas if a.period == period), Decimal(0))

    def _columns(self, table: str | None) -> Columns:
        if table in (None, "areas"):
            return credit_areas_columns(self)
        if table == "kpis":
            return credit_kpis_columns(self)
        raise ValueError(f"'table' must be 'areas' or 'kpis', not {table!r}")

    def _summary(self) -> str:
        return short_repr("CreditRun", **{"KPI-months": len(self.kpis), "area-months": len(self.areas),
                                          "warnings": len(self.warnings)})


def _regime(evaluation: Evaluation, regime: CreditRegime | None) -> CreditRegime:
    wanted = evaluation.contract.parameters.credits.regime
    if regime is not None:
        if regime.name != wanted:
            raise ContractError(Problem(
                f"the contract's credit regime is {wanted!r}, but {regime.name!r} was given",
                field="parameters.credits.regime", file=evaluation.contract.source,
            ))
        return regime
    builtin = {r.name: r for r in BUILTIN_REGIMES}
    if wanted not in builtin:
        raise ContractError(Problem(
            f"credit regime {wanted!r} is not built in (built in: {', '.join(sorted(builtin))}); "
            "resolve it from the installed plugins (csskpi.plugin.credit_regime) and pass it as 'regime'",
            field="parameters.credits.regime", file=evaluation.contract.source,
        ))
    return builtin[wanted]


def compute_credits(
    evaluation: Evaluation,
    charges: Charges | None = None,
    *,
    regime: CreditRegime | None = None,
    watch: bool = True,
    charges_required: bool = True,
) -> CreditRun:
    """Points per KPI-month and credits per area-month for an evaluation.

    ``charges`` default to the contract's; ``regime`` to the contract's regime among those csskpi ships (a
    plugin's regime is resolved by :func:`csskpi.plugin.credit_regime` and passed here). An area's allocated
    points are those of all its KPIs in force that month (whether or not the file has a row for each). An
    area-month with no charge is an error, unless ``charges_required=False``: then it is listed in
    ``uncharged`` and its credit left out. Watch rules of the contract are applied unless ``watch=False``.
    """
    contract = evaluation.contract
    terms = contract.parameters
    chosen = _regime(evaluation, regime)
    kpi_points = abatement_points(evaluation.results, terms.points)
    charges = charges if charges is not None else terms.charges
    areas: list[AreaCredit] = []
    uncharged: list[tuple[str, Period]] = []
    problems: list[Problem] = []
    for period in evaluation.periods:
        for area in contract.area_codes:
            in_force = contract.kpis_in_force(period, area)
            if not in_force:
                continue
            charge = charges.at(area, period)
            if charge is None:
                uncharged.append((area, period))
                problems.append(Problem(f"no monthly charge for {area} in {period}: give it in the contract or with --charges", field="monthly_charge"))
                continue
            mine = tuple(k for k in kpi_points if k.period == period and k.area == area)
            results = tuple(r for r in evaluation.results if r.period == period and r.area == area)
            points = sum((k.points for k in mine), Decimal(0))
            cap = charge * terms.credits.cap_share
            allocated = sum(k.points_at(period) for k in in_force)
            inputs = CreditInput(period, area, points, allocated, charge, cap, results, mine, terms.credits.parameters)
            raw = chosen.compute(inputs)
            if not isinstance(raw, Decimal) or not raw.is_finite() or raw < 0:
                raise PluginError(Problem(f"credit regime {chosen.name!r} returned {raw!r}: it must return a non-negative Decimal"))
            # Rounded once, at the end; rounding is monotone, so the credit never exceeds the cap as shown.
            credit = min(raw, cap).quantize(PENNY, rounding=ROUND_HALF_UP)
            shown_cap = cap.quantize(PENNY, rounding=ROUND_HALF_UP)
            areas.append(AreaCredit(period, area, points, allocated, charge, shown_cap, credit, chosen.name, raw >= cap and raw > 0))
    if problems and charges_required:
        raise InputError(problems)
    warnings = apply_watch_rules(contract, evaluation, kpi_points, tuple(areas)) if watch else ()
    return CreditRun(kpi_points, tuple(areas), warnings, tuple(uncharged))
