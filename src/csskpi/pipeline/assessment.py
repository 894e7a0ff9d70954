"""The month's whole assessment, built once: measurements (read or measured) → results → points and credits →
watch warnings, with the reconciliation against published figures and the comparison with the supplier's.

Every consumer — the CLI's commands, the report, the ledger, the demo — starts from an :class:`Assessment`, so
the rules run in one place and a figure means the same wherever it is shown. :func:`assess` judges measurements
already in hand; :func:`assess_data` measures raw data through the plugins first (and is the only part that
needs polars, imported when it runs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from csskpi.engine.compare import SupplierComparison, compare_with_supplier
from csskpi.engine.credits import CreditRun, compute_credits
from csskpi.engine.reconcile import PublishedRow, Reconciliation, reconcile
from csskpi.engine.regimes import BUILTIN_REGIMES, CreditRegime
from csskpi.engine.rules import Evaluation, MissingPolicy, evaluate
from csskpi.engine.summary import SummaryRow, summarise
from csskpi.engine.tables import credit_areas_columns, credit_kpis_columns, evaluation_columns, summary_columns
from csskpi.errors import InputError, Problem
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.tabular import Columns, Tabular
from csskpi.model.terms import Charges
from csskpi.pipeline.tables import measurements_columns

if TYPE_CHECKING:
    import pluggy

    from csskpi.data.load import DataFolder
    from csskpi.pipeline.measure import MeasureRegistry, MeasureRun
    from csskpi.plugin.types import AppendixTable

__all__ = ["Assessment", "assess", "assess_data"]


@attrs.frozen(repr=False)
class Assessment(Tabular):
    """Everything judged for a run of months, and what it was judged from.

    ``credits`` holds the points of every KPI-month and the credits of every area-month with a charge (the
    others are in ``credits.uncharged``; :meth:`require_charges` makes them an error). ``reconciliation`` is
    there when published figures were given, ``comparison`` when the supplier's own figures were, and
    ``measure_run`` when the measurements were recomputed from raw data.
    """

    contract: Contract
    measurements: tuple[Measurement, ...]
    decisions: Decisions
    evaluation: Evaluation
    credits: CreditRun
    summary: tuple[SummaryRow, ...]
    charges: Charges
    charges_given: bool = False
    published: tuple[PublishedRow, ...] | None = None
    source: str | None = None
    reconciliation: Reconciliation | None = None
    comparison: SupplierComparison | None = None
    measure_run: MeasureRun | None = attrs.field(default=None, eq=False)
    appendices: tuple[AppendixTable, ...] = ()

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.evaluation.periods

    def require_charges(self) -> None:
        """Raise the :class:`InputError` of every area-month judged that has no monthly charge."""
        if self.credits.uncharged:
            raise InputError([
                Problem(f"no monthly charge for {area} in {period}: give it in the contract or with --charges", field="monthly_charge")
                for area, period in self.credits.uncharged
            ])

    def _columns(self, table: str | None) -> Columns:
        """``results`` (default), ``summary`` (Tables 1-7), ``areas`` (credits), ``kpis`` (points), ``measurements``."""
        if table in (None, "results"):
            return evaluation_columns(self.evaluation)
        if table == "summary":
            return summary_columns(self.summary)
        if table == "areas":
            return credit_areas_columns(self.credits)
        if table == "kpis":
            return credit_kpis_columns(self.credits)
        if table == "measurements":
            return measurements_columns(self.measurements)
        raise ValueError(f"'table' must be results, summary, areas, kpis or measurements, not {table!r}")

    def _summary(self) -> str:
        return repr(self)

    def __repr__(self) -> str:
        months = self.periods
        span = f"{months[0]} to {months[-1]}" if months else "no months"
        return (f"<Assessment {self.contract.name}: {span}, {len(self.evaluation.results)} results, "
                f"{len(self.credits.areas)} area credits, {len(self.credits.warnings)} warnings>")


def _regime(contract: Contract, regime: CreditRegime | None, pm: pluggy.PluginManager | None) -> CreditRegime:
    if regime is not None:
        return regime
    wanted = contract.parameters.credits.regime
    builtin = {r.name: r for r in BUILTIN_REGIMES}
    if wanted in builtin:
        return builtin[wanted]
    # A regime from a plugin: only now are the plugins asked (rules-only runs of csskpi never load them).
    from csskpi.plugin.registry import credit_regime

    return credit_regime(contract, pm)


def assess(
    contract: Contract,
    measurements: Iterable[Measurement],
    decisions: Decisions = Decisions(),
    *,
    missing: MissingPolicy = "warn",
    charges: Charges | None = None,
    regime: CreditRegime | None = None,
    pm: pluggy.PluginManager | None = None,
    published: Iterable[PublishedRow] | None = None,
    source: str | None = None,
    supplier: Iterable[Measurement] | None = None,
    appendices: Sequence[AppendixTable] = (),
    measure_run: MeasureRun | None = None,
) -> Assessment:
    """Judge ``measurements`` under ``decisions`` and build the whole assessment.

    ``charges`` default to the contract's; ``regime`` to the contract's credit regime (a plugin's regime is
    resolved from the installed plugins, or from ``pm``). ``published`` rows (of ``source``, or all) are
    reconciled; ``supplier`` measurements are compared KPI by KPI with ``measurements``.
    """
    measurements = tuple(measurements)
    evaluation = evaluate(contract, measurements, decisions, missing=missing)
    used = charges if charges is not None else contract.parameters.charges
    credits = compute_credits(evaluation, used, regime=_regime(contract, regime, pm), charges_required=False)
    rows = tuple(published) if published is not None else None
    return Assessment(
        contract=contract,
        measurements=measurements,
        decisions=decisions,
        evaluation=evaluation,
        credits=credits,
        summary=tuple(summarise(evaluation)),
        charges=used,
        charges_given=charges is not None,
        published=rows,
        source=source,
        reconciliation=reconcile(evaluation, rows, source=source) if rows is not None else None,
        comparison=compare_with_supplier(contract, supplier, measurements) if supplier is not None else None,
        measure_run=measure_run,
        appendices=tuple(appendices),
    )


def assess_data(
    contract: Contract,
    data: DataFolder,
    periods: Iterable[Period],
    registry: MeasureRegistry,
    decisions: Decisions = Decisions(),
    *,
    missing: MissingPolicy = "warn",
    charges: Charges | None = None,
    regime: CreditRegime | None = None,
    published: Iterable[PublishedRow] | None = None,
    source: str | None = None,
    supplier: Iterable[Measurement] | None = None,
    appendices: Iterable[str] = (),
    appendix_range: tuple[Period, Period] | None = None,
    as_at: dt.date | None = None,
) -> Assessment:
    """Recompute every KPI in force in ``periods`` from ``data`` through the plugins, then :func:`assess` them.

    ``appendices`` names plugin appendices to build over ``appendix_range`` (default: the periods), as at
    ``as_at`` (default: today). The other keywords are :func:`assess`'s.
    """
    from csskpi.pipeline.measure import build_appendix, measure

    months = list(periods)
    run = measure(contract, data, months, registry)
    first, last = appendix_range if appendix_range is not None else (min(months), max(months))
    tables = tuple(build_appendix(registry, name, data, first, last, as_at or dt.date.today()) for name in appendices)
    return assess(
        contract, run.measurements, decisions, missing=missing, charges=charges, regime=regime, pm=registry.pm,
        published=published, source=source, supplier=supplier, appendices=tables, measure_run=run,
    )
